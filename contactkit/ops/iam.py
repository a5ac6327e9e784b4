"""IAM policies that confine one org to its own keys, and a small evaluator to check them.

DynamoDB's fine-grained access control compares the partition key of every item a request
touches (``dynamodb:LeadingKeys``) with the policy's patterns. Every key of an org is either
``ORG#<org>`` or starts with ``ORG#<org>#`` (:mod:`contactkit.contacts.keys`), so the policy allows
exactly the two patterns ``ORG#<org>`` and ``ORG#<org>#*``. The tempting single pattern
``ORG#<org>*`` is wrong: for ``org-a`` it also matches ``ORG#org-ab``, another tenant.

Scan is left out on purpose: a Scan names no partition key, and a ``ForAllValues`` condition
over an empty set of keys is *true*, so a Scan permission would read every tenant.

The embedded engine (moto) and DynamoDB Local do not evaluate IAM. :func:`allows` evaluates the
parts of a policy this module generates (Allow statements, action and resource globs, and the
``ForAllValues:StringLike`` / ``StringEquals`` conditions on ``dynamodb:LeadingKeys``) by IAM's
rules, and :class:`PolicyGuard` applies it to every request of a client, so a lesson or a test
can watch the policy refuse another org's keys::

    policy = iam.tenant_policy("org-a1b2c3d4", table_name="contacts")
    iam.allows(policy, "dynamodb:GetItem", iam.table_arn("contacts"), ["ORG#org-other"])  # False
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from types import TracebackType
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ..contacts import keys
from ..dynamo import schema
from ..dynamo.requestcost import partition_keys
from ..errors import ConfigurationError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LEADING_KEYS = "dynamodb:LeadingKeys"

# Every request the store makes, minus Scan (see the module docstring). Transactions need no
# actions of their own: IAM checks each of their items against PutItem, UpdateItem, ...
TENANT_ACTIONS: tuple[str, ...] = (
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
)

# What a request of each operation needs from IAM (transactions: per item, by its kind).
_TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}

_SUPPORTED_CONDITIONS = ("ForAllValues:StringLike", "ForAllValues:StringEquals")


def leading_key_patterns(org_id: str) -> list[str]:
    """``["ORG#<org>", "ORG#<org>#*"]``: every partition key of the org, and nothing else."""
    partition = keys.tenant_partition_key(org_id)
    return [partition, f"{keys.org_partition_prefix(org_id)}*"]


def table_arn(table_name: str, *, region: str = "*", account: str = "*") -> str:
    """``arn:aws:dynamodb:<region>:<account>:table/<name>`` (``*`` matches any, as in IAM)."""
    return f"arn:aws:dynamodb:{region}:{account}:table/{table_name}"


def tenant_policy(
    org_id: str,
    *,
    table_name: str = schema.DEFAULT_TABLE_NAME,
    region: str = "*",
    account: str = "*",
    actions: Sequence[str] = TENANT_ACTIONS,
) -> dict[str, Any]:
    """An IAM policy document letting a principal use only ``org_id``'s items and index entries.

    Covers the table and all its indexes (``table/<name>/index/*``): every index key of the
    design starts with ``ORG#<org>`` too. Attach it to the role an org's requests run under.

    Example::

        json.dumps(tenant_policy("org-a1b2c3d4", table_name="contacts", account="123456789012"))
    """
    if "dynamodb:Scan" in actions or "dynamodb:*" in actions:
        raise ConfigurationError(
            "actions: a Scan names no partition key, so LeadingKeys cannot restrict it; "
            "leave dynamodb:Scan (and dynamodb:*) out of a tenant policy"
        )
    arn = table_arn(table_name, region=region, account=account)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OwnOrgKeysOnly",
                "Effect": "Allow",
                "Action": sorted(actions),
                "Resource": [arn, f"{arn}/index/*"],
                "Condition": {
                    "ForAllValues:StringLike": {LEADING_KEYS: leading_key_patterns(org_id)}
                },
            }
        ],
    }


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    # IAM's StringLike: `*` is any run of characters (also none), `?` exactly one; case-sensitive.
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


def string_like(pattern: str, value: str) -> bool:
    """Whether ``value`` matches ``pattern`` by IAM's ``StringLike`` rules (``*`` and ``?``)."""
    return _glob(pattern).fullmatch(value) is not None


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _condition_holds(condition: Mapping[str, Any], leading_keys: Sequence[str]) -> bool:
    for operator, tests in condition.items():
        if operator not in _SUPPORTED_CONDITIONS:
            raise ConfigurationError(
                f"condition: {operator!r} is not evaluated by contactkit.ops.iam"
            )
        for key, patterns in tests.items():
            if key != LEADING_KEYS:
                raise ConfigurationError(
                    f"condition: {key!r} is not evaluated by contactkit.ops.iam"
                )
            listed = _as_list(patterns)
            like = operator.endswith("StringLike")
            # ForAllValues: every value must match some pattern; an empty set matches vacuously.
            if not all(
                any(string_like(p, v) if like else p == v for p in listed) for v in leading_keys
            ):
                return False
    return True


def allows(
    policy: Mapping[str, Any], action: str, resource: str, leading_keys: Sequence[str]
) -> bool:
    """Whether ``policy`` allows ``action`` on ``resource`` for items with these partition keys.

    IAM's rules for the statements :func:`tenant_policy` writes: default deny, an explicit
    Deny wins, globs in actions and resources, ``ForAllValues`` conditions on LeadingKeys.
    """
    allowed = False
    for statement in policy.get("Statement", []):
        if not any(string_like(a, action) for a in _as_list(statement.get("Action", []))):
            continue
        if not any(string_like(r, resource) for r in _as_list(statement.get("Resource", []))):
            continue
        if not _condition_holds(statement.get("Condition", {}), leading_keys):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = True
    return allowed


def request_checks(operation: str, params: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """``(action, table name or table/index path, leading keys)`` IAM checks for one request."""
    if operation in ("TransactWriteItems", "TransactGetItems"):
        found = []
        for action in params.get("TransactItems", []):
            ((kind, body),) = action.items()
            keys_ = partition_keys(operation, {"TransactItems": [action]})
            found.append((_TRANSACT_ACTIONS[kind], str(body["TableName"]), keys_))
        return found
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [
            (
                f"dynamodb:{operation}",
                str(table),
                partition_keys(operation, {"RequestItems": {table: request}}),
            )
            for table, request in params.get("RequestItems", {}).items()
        ]
    resource = str(params.get("TableName", ""))
    if params.get("IndexName"):
        resource += f"/index/{params['IndexName']}"
    leading = [] if operation == "Scan" else partition_keys(operation, params)
    return [(f"dynamodb:{operation}", resource, leading)]


def request_allowed(
    policy: Mapping[str, Any],
    operation: str,
    params: Mapping[str, Any],
    *,
    region: str = "*",
    account: str = "*",
) -> bool:
    """Whether every IAM check of one request (see :func:`request_checks`) passes."""
    return all(
        allows(policy, action, table_arn(resource, region=region, account=account), leading)
        for action, resource, leading in request_checks(operation, params)
    )


class PolicyGuard:
    """Refuses, with ``AccessDeniedException``, every request of ``client`` the policy denies.

    Stands in for IAM on backends that do not evaluate it (the embedded engine, DynamoDB Local);
    on AWS, attach the policy to a role instead.

    Example::

        with PolicyGuard(db.client, tenant_policy("org-a", table_name=table.name)):
            table.org("org-b").list()      # BackendError: AccessDeniedException
    """

    def __init__(self, client: DynamoDBClient, policy: Mapping[str, Any]) -> None:
        self.client = client
        self.policy = policy
        self.denied: list[str] = []  # "Operation [keys]" of each refused request

    def _before_call(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        body = params.get("body")
        request = _request_params(body)
        if not request_allowed(self.policy, model.name, request):
            leading = sorted({k for _, _, ks in request_checks(model.name, request) for k in ks})
            self.denied.append(f"{model.name} {leading}")
            raise ClientError(
                {
                    "Error": {
                        "Code": "AccessDeniedException",
                        "Message": f"not authorized to perform dynamodb:{model.name} on keys "
                        f"{', '.join(leading) or '(none)'}",
                    }
                },
                model.name,
            )

    def __enter__(self) -> PolicyGuard:
        self.client.meta.events.register("before-call.dynamodb.*", self._before_call)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.client.meta.events.unregister("before-call.dynamodb.*", self._before_call)


def _request_params(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return dict(json.loads(body)) if isinstance(body, str) and body else {}


def foreign_keys(leading_keys: Iterable[str], org_id: str) -> list[str]:
    """The keys of ``leading_keys`` that do not belong to ``org_id`` (by the policy's patterns)."""
    patterns = leading_key_patterns(org_id)
    return [k for k in leading_keys if not any(string_like(p, k) for p in patterns)]
