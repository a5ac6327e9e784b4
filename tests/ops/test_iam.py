"""IAM tenant policies: the LeadingKeys patterns, checked by IAM's rules."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import contactkit as ck
from contactkit.ops import iam

POLICY = iam.tenant_policy("org-a", table_name="contacts")
TABLE = iam.table_arn("contacts")


def test_policy_shape() -> None:
    (statement,) = POLICY["Statement"]
    assert statement["Resource"] == [
        "arn:aws:dynamodb:*:*:table/contacts",
        "arn:aws:dynamodb:*:*:table/contacts/index/*",
    ]
    condition = statement["Condition"]["ForAllValues:StringLike"]
    assert condition == {"dynamodb:LeadingKeys": ["ORG#org-a", "ORG#org-a#*"]}
    assert "dynamodb:Scan" not in statement["Action"]


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("ORG#org-a", "ORG#org-a", True),
        ("ORG#org-a", "ORG#org-ab", False),
        ("ORG#org-a#*", "ORG#org-a#EMAIL#x", True),
        ("ORG#org-a#*", "ORG#org-a#", True),
        ("ORG#org-a#*", "ORG#org-ab#EMAIL#x", False),
        ("ORG#org-a*", "ORG#org-ab", True),  # why the single pattern is wrong
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("a.c", "abc", False),  # a regex character is literal
        ("ORG#ORG-A", "ORG#org-a", False),  # case-sensitive
    ],
)
def test_string_like(pattern: str, value: str, expected: bool) -> None:
    assert iam.string_like(pattern, value) is expected


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["ORG#org-a"], True),
        (["ORG#org-a#EMAIL#ada%40x.example"], True),
        (["ORG#org-a#CONTACT#01HZZZZZZZZZZZZZZZZZZZZZZZ", "ORG#org-a"], True),
        (["ORG#org-ab"], False),
        (["ORG#org-ab#EMAIL#x"], False),
        (["ORG#org-b"], False),
        (["ORG#org-a", "ORG#org-b"], False),  # one foreign key in a batch denies the batch
        (["org#org-a"], False),
    ],
)
def test_own_keys_allowed_others_denied(keys: list[str], expected: bool) -> None:
    assert iam.allows(POLICY, "dynamodb:GetItem", TABLE, keys) is expected
    assert iam.allows(POLICY, "dynamodb:Query", f"{TABLE}/index/gsi-email", keys) is expected


def test_the_wrong_single_pattern_leaks_to_a_longer_org_id() -> None:
    wrong = iam.tenant_policy("org-a", table_name="contacts")
    wrong["Statement"][0]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] = [
        "ORG#org-a*"
    ]
    assert iam.allows(wrong, "dynamodb:GetItem", TABLE, ["ORG#org-ab"])
    assert not iam.allows(POLICY, "dynamodb:GetItem", TABLE, ["ORG#org-ab"])


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("dynamodb:Scan", TABLE),
        ("dynamodb:DeleteTable", TABLE),
        ("dynamodb:GetItem", iam.table_arn("other-table")),
        ("dynamodb:GetItem", "arn:aws:dynamodb:*:*:table/contacts-2"),
    ],
)
def test_other_actions_and_tables_denied(action: str, resource: str) -> None:
    assert not iam.allows(POLICY, action, resource, ["ORG#org-a"])


def test_scan_permission_is_refused_because_empty_key_sets_match() -> None:
    with pytest.raises(ck.ConfigurationError, match="Scan"):
        iam.tenant_policy("org-a", actions=["dynamodb:Scan"])
    # the reason: ForAllValues over no keys is true
    loose = iam.tenant_policy("org-a", table_name="contacts")
    loose["Statement"][0]["Action"].append("dynamodb:Scan")
    assert iam.allows(loose, "dynamodb:Scan", TABLE, [])


def test_explicit_deny_wins() -> None:
    policy: dict[str, Any] = iam.tenant_policy("org-a", table_name="contacts")
    policy["Statement"].append({"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": "*"})
    assert iam.allows(policy, "dynamodb:GetItem", TABLE, ["ORG#org-a"])
    assert not iam.allows(policy, "dynamodb:DeleteItem", TABLE, ["ORG#org-a"])


def test_unsupported_condition_is_an_error() -> None:
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:username": "x"}},
            }
        ]
    }
    with pytest.raises(ck.ConfigurationError, match="StringEquals"):
        iam.allows(policy, "dynamodb:GetItem", TABLE, [])


def test_foreign_keys() -> None:
    assert iam.foreign_keys(["ORG#org-a", "ORG#org-ab", "ORG#org-a#X"], "org-a") == ["ORG#org-ab"]


def test_guard_lets_own_org_through_and_refuses_others(table: ck.Table) -> None:
    mine, theirs = table.org("org-a"), table.org("org-ab")
    ada = mine.add(first_name="Ada", last_name="Lovelace", email="ada@example.com", tags=["vip"])
    bob = theirs.add(first_name="Bob", last_name="Smith", email="bob@example.com")
    policy = iam.tenant_policy("org-a", table_name=table.name)
    with iam.PolicyGuard(table.client, policy) as guard:
        assert mine.get(ada.id).email == "ada@example.com"
        assert mine.find_by_email("ada@example.com") is not None
        assert [c.id for c in mine.find_by_tag("vip")] == [ada.id]
        mine.update(ada.id, company="Analytical Engines")  # a transaction, item by item
        with pytest.raises(ck.BackendError, match="AccessDeniedException"):
            theirs.get(bob.id)
        with pytest.raises(ck.BackendError, match="AccessDeniedException"):
            theirs.add(first_name="Eve", last_name="X", email="eve@example.com")
        with pytest.raises(ClientError, match="AccessDeniedException"):
            table.client.scan(TableName=table.name)
    assert len(guard.denied) == 3
    assert theirs.get(bob.id).first_name == "Bob"  # the guard is gone after the block
    assert theirs.find_by_email("eve@example.com") is None  # the refused add wrote nothing
