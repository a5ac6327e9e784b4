"""Reading one org's items: paged Queries behind signed cursors, and BatchGetItem with retries.

Every read here is bound to one org: key conditions are built by the caller from
``contactkit.contacts.keys`` (always tenant-scoped), and cursors are signed for the org, the access
pattern and its arguments, so a cursor can never resume another tenant's or another query's walk.

Index results are checked for ownership. IAM's ``dynamodb:LeadingKeys`` constrains only the
table's partition key: a tenant allowed to write its own partition can still give an item an
index key (``EmailPK``, ``PhonePK``, ``FavPK``) in another tenant's index partition. Every Query
of an index therefore reads each item's table key ``PK`` and drops any item whose ``PK`` is not
the org's (``ORG#<org>`` or ``ORG#<org>#...``), counting it (``reader.dropped_foreign``, and
``meter.dropped_foreign`` of any meter on the client).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, ConditionBase, ConditionExpressionBuilder

from ..clock import format_timestamp, system_clock
from ..errors import BackendError, ValidationError
from . import limits
from .client import DynamoClient
from .cursor import CursorCodec
from .expressions import combine, render
from .meter import FOREIGN_ITEMS_EVENT
from .paging import walk
from .types import Item

MAX_PAGE_SIZE = 100
TABLE_KEY = "PK"  # the table's partition key: the owner of an index item
MAX_BATCH_GET_ATTEMPTS = 8
NAME_MOVED_AT = "name_moved_at"  # on contact items: when the name sort key last changed


def check_limit(limit: int) -> int:
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationError(
            "limit", f"must be a whole number from 1 to {MAX_PAGE_SIZE}, not {limit!r}"
        )
    return limit


def projection(attributes: Sequence[str]) -> dict[str, Any]:
    """``ProjectionExpression`` with placeholders (some attribute names are reserved words)."""
    names = {f"#p{n}": name for n, name in enumerate(attributes)}
    return {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}


class OrgReader:
    """Queries and batch reads for one org of one table (the client is injected)."""

    def __init__(
        self,
        client: DynamoClient,
        table_name: str,
        org_id: str,
        cursors: CursorCodec,
        *,
        clock: Callable[[], datetime] = system_clock,
    ) -> None:
        self.client = client
        self.table_name = table_name
        self.org_id = org_id
        self.cursors = cursors
        self._clock = clock
        self.dropped_foreign = 0  # index items of another org dropped so far

    def owned(self, found: Sequence[Item]) -> list[Item]:
        """The items of ``found`` whose table key is this org's; the others are counted."""
        own, prefix = f"ORG#{self.org_id}", f"ORG#{self.org_id}#"
        kept = [
            item
            for item in found
            if (pk := item.get(TABLE_KEY, {}).get("S", "")) == own or pk.startswith(prefix)
        ]
        if dropped := len(found) - len(kept):
            self.dropped_foreign += dropped
            self.client.raw.meta.events.emit(FOREIGN_ITEMS_EVENT, count=dropped)
        return kept

    def query_page(
        self,
        pattern: str,
        args: Mapping[str, Any],
        key_condition: ConditionBase,
        *,
        limit: int,
        cursor: str | None = None,
        index: str | None = None,
        forward: bool = True,
        attributes: Sequence[str] | None = None,
        consistent: bool = False,
        hide_moved: bool = False,
    ) -> tuple[list[Item], str | None]:
        """One DynamoDB Query page; returns its items and the signed cursor of the next.

        ``hide_moved`` is for walks in name order: a contact renamed while the walk runs moves
        in the index and could come back on a later page. The first page records when the walk
        started (in the cursor); every page then leaves out contacts whose name sort key
        changed after that moment (``name_moved_at``), so a renamed contact appears at most once
        and every other contact exactly once. Like any filter this can make a page shorter.
        """
        check_limit(limit)
        since: str | None = None
        start_key: Item | None = None
        if cursor is not None:
            start_key, since = self.cursors.decode_walk(cursor, self.org_id, pattern, args)
        not_moved = None
        if hide_moved:
            since = since or format_timestamp(self._clock())
            not_moved = Attr(NAME_MOVED_AT).not_exists() | Attr(NAME_MOVED_AT).lte(since)
        request = self._query_request(
            key_condition, index, forward, attributes, consistent, not_moved
        )
        request["Limit"] = limit
        if start_key is not None:
            request["ExclusiveStartKey"] = start_key
        response = self.client.call("Query", **request)
        last_key = response.get("LastEvaluatedKey")
        next_cursor = (
            self.cursors.encode(self.org_id, pattern, args, last_key, since=since)
            if last_key
            else None
        )
        found = list(response.get("Items", []))
        return (self.owned(found) if index is not None else found), next_cursor

    def query_first(
        self,
        key_condition: ConditionBase,
        *,
        limit: int,
        forward: bool = True,
        attributes: Sequence[str] | None = None,
    ) -> tuple[list[Item], bool]:
        """The first ``limit`` items of one Query, and whether more follow (no cursor: for
        callers that merge several Queries and keep their own position)."""
        check_limit(limit)
        request = self._query_request(key_condition, None, forward, attributes, False)
        request["Limit"] = limit
        response = self.client.call("Query", **request)
        return list(response.get("Items", [])), bool(response.get("LastEvaluatedKey"))

    def query_all(
        self,
        key_condition: ConditionBase,
        *,
        index: str | None = None,
        attributes: Sequence[str] | None = None,
        consistent: bool = False,
    ) -> Iterator[Item]:
        """Every item matching ``key_condition``, following DynamoDB's pages to the end."""
        request = self._query_request(key_condition, index, True, attributes, consistent)
        found = walk(self.client, "Query", request)
        if index is None:
            return found
        return (item for item in found if self.owned([item]))

    def get_item(self, key: Item, *, consistent: bool = True) -> Item | None:
        """One GetItem (strongly consistent by default); ``None`` if there is no such item."""
        response = self.client.call(
            "GetItem", TableName=self.table_name, Key=key, ConsistentRead=consistent
        )
        item = response.get("Item")
        return dict(item) if item is not None else None

    def batch_get(
        self,
        keys: Sequence[Item],
        attributes: Sequence[str] | None = None,
        *,
        consistent: bool = False,
    ) -> list[Item]:
        """The items of ``keys`` (at most 100) that exist, in the order of ``keys``.

        ``UnprocessedKeys`` (DynamoDB's partial answer under load) are re-requested with
        backoff; keys still unprocessed after the last attempt raise ``BackendError``.
        """
        if len(keys) > limits.MAX_BATCH_GET_KEYS:
            raise ValueError(f"{len(keys)} keys in one BatchGetItem; DynamoDB allows 100")
        if not keys:
            return []
        request: dict[str, Any] = {"Keys": list(keys), "ConsistentRead": consistent}
        if attributes is not None:
            attrs = list(dict.fromkeys([*attributes, "PK", "SK"]))
            request.update(projection(attrs))
        found: dict[tuple[str, str], Item] = {}
        pending: dict[str, Any] = {self.table_name: request}
        for attempt in range(MAX_BATCH_GET_ATTEMPTS):
            response = self.client.call("BatchGetItem", RequestItems=pending)
            for item in response.get("Responses", {}).get(self.table_name, []):
                found[(item["PK"]["S"], item["SK"]["S"])] = item
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                return [found[k] for k in (_key_of(k) for k in keys) if k in found]
            self.client.back_off(attempt)
        raise BackendError(
            "BatchGetItem", "UnprocessedKeys", "keys still unprocessed after retries; try again"
        )

    def _query_request(
        self,
        key_condition: ConditionBase,
        index: str | None,
        forward: bool,
        attributes: Sequence[str] | None,
        consistent: bool,
        filter_condition: ConditionBase | None = None,
    ) -> dict[str, Any]:
        builder = ConditionExpressionBuilder()
        parts: list[Mapping[str, Any]] = [
            {"TableName": self.table_name, "ScanIndexForward": forward},
            render(
                key_condition, key_condition=True, name="KeyConditionExpression", builder=builder
            ),
        ]
        if filter_condition is not None:
            parts.append(render(filter_condition, name="FilterExpression", builder=builder))
        if index is not None:
            parts.append({"IndexName": index})
        elif consistent:
            parts.append({"ConsistentRead": True})
        if attributes is not None:
            # An index item's owner is its table key: always read it (see the module docstring).
            wanted = [*attributes, TABLE_KEY] if index is not None else list(attributes)
            parts.append(projection(list(dict.fromkeys(wanted))))
        return combine(*parts)


def _key_of(key: Item) -> tuple[str, str]:
    return key["PK"]["S"], key["SK"]["S"]
