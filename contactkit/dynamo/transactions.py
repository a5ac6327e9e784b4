"""Running one ``TransactWriteItems`` within DynamoDB's real limits, with conflict retries.

The embedded engine accepts transactions DynamoDB would refuse, so the limits are checked here:
at most 100 actions, one action per item, at most 4 MB in total.

Retries. botocore retries throttling, 5xx and dropped connections by re-sending the same
request, ``ClientRequestToken`` included, so real DynamoDB applies it at most once. A
``TransactionConflict`` cancellation (another transaction was touching an item) is retried
here with a fresh request token and jittered backoff. The callers' conditions carry their own
``write_token``, so a write that succeeded but whose answer was lost can be recognised by the
caller from the ``ALL_OLD`` item that its retry's condition check returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ContactKitError, TransactionCanceledError
from . import limits
from .client import DynamoClient
from .sizes import item_size, json_bound

Action = dict[str, dict[str, Any]]

MAX_CONFLICT_RETRIES = 6


def action_payload(action: Action) -> dict[str, Any]:
    """The item an action writes (a Put) or the key it names (the others)."""
    ((_, body),) = action.items()
    payload: dict[str, Any] = body.get("Item") or body.get("Key") or {}
    return payload


def action_bytes(action: Action, *, payload_bytes: int | None = None) -> int:
    """Bytes of an action towards the 4 MB of a transaction: its item or key and its values.

    ``payload_bytes``: the size of :func:`action_payload`, when the caller already has it.
    """
    ((_, body),) = action.items()
    if payload_bytes is None:
        payload_bytes = item_size(action_payload(action))
    values = body.get("ExpressionAttributeValues")
    return payload_bytes + item_size(values) if values else payload_bytes


def _action_identity(action: Action) -> tuple[str, str]:
    ((kind, body),) = action.items()
    source = body["Item"] if kind == "Put" else body["Key"]
    return source["PK"]["S"], source["SK"]["S"]


def check_limits(actions: Sequence[Action]) -> None:
    """Refuse a transaction that real DynamoDB would refuse (the emulator would not)."""
    if not actions:
        raise ContactKitError("a transaction needs at least one action")
    if len(actions) > limits.MAX_TRANSACTION_ACTIONS:
        raise ContactKitError(
            f"{len(actions)} actions in one transaction; DynamoDB allows "
            f"{limits.MAX_TRANSACTION_ACTIONS}"
        )
    identities = [_action_identity(a) for a in actions]
    if len(set(identities)) != len(identities):
        raise ContactKitError("a transaction touches one item twice; DynamoDB refuses that")
    if json_bound(actions) <= limits.MAX_TRANSACTION_BYTES:
        return  # the JSON's length bounds the size from above: no need to size each item
    total = sum(action_bytes(a) for a in actions)
    if total > limits.MAX_TRANSACTION_BYTES:
        raise ContactKitError(
            f"transaction of {total} bytes; DynamoDB allows {limits.MAX_TRANSACTION_BYTES}"
        )


def is_conflict(error: TransactionCanceledError) -> bool:
    """True when only concurrent transactions (not our conditions) cancelled this one."""
    codes = {r.code for r in error.reasons} - {"None"}
    return bool(codes) and codes <= {"TransactionConflict"}


class TransactionWriter:
    """Sends transactions for one table; the client (and its retry timing) is injected."""

    def __init__(self, client: DynamoClient, table_name: str) -> None:
        self.client = client
        self.table_name = table_name

    def write(self, actions: Sequence[Action], token: str, operation: str) -> None:
        """Apply ``actions`` all or nothing; raises ``TransactionCanceledError`` with reasons."""
        check_limits(actions)
        request = [
            {kind: {**body, "TableName": self.table_name}}
            for action in actions
            for kind, body in action.items()
        ]
        for attempt in range(MAX_CONFLICT_RETRIES + 1):
            request_token = token if attempt == 0 else f"{token}-{attempt}"
            try:
                self.client.call(
                    "TransactWriteItems",
                    operation,
                    TransactItems=request,
                    ClientRequestToken=request_token,
                )
                return
            except TransactionCanceledError as error:
                if not is_conflict(error) or attempt == MAX_CONFLICT_RETRIES:
                    raise
                self.client.back_off(attempt)
