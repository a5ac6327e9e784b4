"""What the embedded engine charges for a request: ``ConsumedCapacity`` by DynamoDB's rules.

moto answers ``ReturnConsumedCapacity`` with constants (1.0 for a Query of any size, 0.5 for any
GetItem, nothing for a transaction). The engine replaces them with a :class:`Bill`: it looks at
the items a request touches before it runs (the old items of a write) and after (the new items,
the items a Query or Scan read), and charges them by the rules below, sizing every item with
contactkit's own rules (:mod:`contactkit.dynamo.sizes`; moto's ``Item.size()`` counts a number
as ``len(str(n))`` and adds no list or map overhead).

The rules, each from the DynamoDB Developer Guide:

* Reads are charged per 4 KB, rounded up; an eventually consistent read costs half, a
  transactional read twice
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html).
* Reads are sized on the whole item, whatever the ``ProjectionExpression``: "the number of
  capacity units consumed will be the same whether you request all of the attributes ... or
  just some of them" (read-write-operations.html, "Capacity unit consumption for read
  operations").
* GetItem and BatchGetItem round *each* item up to 4 KB; a key that is not found still costs
  the minimum, 0.5 (eventually consistent) or 1 (read-write-operations.html, "GetItem" and
  "BatchGetItem").
* Query and Scan add up the sizes of every item *read*, before any ``FilterExpression``
  drops some, and round the sum up to 4 KB; a Query that reads nothing still costs the minimum
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.ReadConsumption.html,
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.ReadConsumption.html
  and read-write-operations.html, "Query": "the minimum ... even if no items match").
* A read of an index is sized on the *index entry* (its projected attributes, with the table
  and index keys): "the sum of the sizes of all projected attributes across all of the items
  returned", and it is charged to the index, not the table
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html, "Read
  capacity units"; LSI.html likewise for local secondary indexes).
* Writes are charged per 1 KB, rounded up, at least one unit, on the larger of the item before
  and after the write; a delete on the deleted item (read-write-operations.html, "Capacity unit
  consumption for write operations": PutItem, UpdateItem, DeleteItem, BatchWriteItem).
* Each write to the table writes every index the item is in, before or after, sized on the
  projected index entry: a put when the item enters the index, a delete when it leaves it, a
  delete *and* a put when its index key changes, one write when only projected attributes
  change, none when the entry is unchanged (GSI.html, "Write capacity units"; LSI.html).
* Transactions: every item read or written costs twice its standard units
  (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html,
  "Capacity management for transactions").
* A write refused by its condition is charged, but the refusal is an error response, which
  carries no ``ConsumedCapacity`` on DynamoDB: the engine reports none either, and the meter
  computes the figure (read-write-operations.html, "Conditional writes").

Assumptions (not documented):

* **Index writes inside a transaction are charged at the standard rate, not doubled.** The
  transactions page says only that the *item* writes cost twice.
* A ``ConditionCheck`` action of a transaction costs like a transactional write of the checked
  item (two units per KB, at least two), charged to its table; it writes no index.
* An index entry's update when only projected attributes change is sized on the larger of the
  old and new entry, like a table write.

Pages: the engine ends a Query or Scan page before the item that would take it past 1 MiB of
these sizes (:data:`~contactkit.engine.tables.PAGE_BYTES`; DynamoDB's limit is 1 MB of an
internal size it does not publish), so a page's item count is the engine's, not AWS's. The
legacy ``QueryFilter``/``ScanFilter`` parameters are applied by moto inside its page loop, so
the items they drop are not charged (contactkit uses ``FilterExpression``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import GlobalSecondaryIndex, SecondaryIndex, Table

from ..dynamo.capacity import (
    READ_UNIT_BYTES,
    TRANSACTION_FACTOR,
    write_units,
)
from .tables import attribute, has_attribute
from .tables import dynamodb_size as entry_size

READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
CHARGED = READS | WRITES
# Operations whose ConsumedCapacity is a list (one entry per table), not one object.
_LISTED = frozenset({"BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems"})


# -- sizes ---------------------------------------------------------------------------------


def _blocks(size: int, unit: int) -> int:
    return max(1, -(-size // unit))


def read_units(size: int, *, consistent: bool) -> float:
    """One read of ``size`` bytes (0: nothing found, still the minimum)."""
    blocks = _blocks(size, READ_UNIT_BYTES)
    return float(blocks) if consistent else blocks / 2


# -- index entries -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """An item's entry in one index: its key there and its projected attributes."""

    key: tuple[Any, ...]
    projected: Item

    @property
    def size(self) -> int:
        return entry_size(self.projected)


def _index_entry(index: SecondaryIndex, item: Item | None) -> _Entry | None:
    """The item's entry in ``index``, or None when it is not in it (sparse indexes)."""
    if item is None:
        return None
    key = []
    for name in index.schema_key_attrs:  # most items lack the first: stop there
        value = attribute(item, name)
        if value is None:
            return None
        key.append(value.cast_value)
    return _Entry(tuple(key), _projected(index, item))


def _projected(index: SecondaryIndex, item: Item) -> Item:
    """The item's attributes an index keeps (moto's project() builds the key names' list
    even for ALL, which keeps the item whole)."""
    projection = index.projection.get("ProjectionType") if index.projection else None
    return item if projection == "ALL" else index.project(item)


def index_write_units(index: SecondaryIndex, old: Item | None, new: Item | None) -> int:
    """Write units one table write costs in one index (GSI.html, "Write capacity units")."""
    if old is None or new is None:  # a new item or a deleted one: its entry, if it has one
        item = new if old is None else old
        if item is None or not all(has_attribute(item, n) for n in index.schema_key_attrs):
            return 0
        return write_units(entry_size(_projected(index, item)))
    before, after = _index_entry(index, old), _index_entry(index, new)
    if before is None and after is None:
        return 0
    if before is None:
        return write_units(after.size) if after is not None else 0
    if after is None:
        return write_units(before.size)
    if before.key != after.key:  # a delete of the old entry and a put of the new one
        return write_units(before.size) + write_units(after.size)
    if before.projected.attrs == after.projected.attrs:
        return 0
    return write_units(max(before.size, after.size))


def _indexes(table: Table) -> list[SecondaryIndex]:
    return [*table.global_indexes, *table.indexes]


def _section(index: SecondaryIndex) -> str:
    is_global = isinstance(index, GlobalSecondaryIndex)
    return "GlobalSecondaryIndexes" if is_global else "LocalSecondaryIndexes"


# -- the bill ------------------------------------------------------------------------------


@dataclass
class _TableCharge:
    """Units charged to one table and its indexes by one request."""

    table: float = 0.0
    indexes: dict[SecondaryIndex, float] = field(default_factory=dict)

    def add_index(self, index: SecondaryIndex, units: float) -> None:
        self.indexes[index] = self.indexes.get(index, 0.0) + units

    def consumed(self, name: str, *, kind: str, with_indexes: bool) -> dict[str, Any]:
        """This charge as one ``ConsumedCapacity`` object (API_ConsumedCapacity.html)."""
        total = self.table + sum(self.indexes.values())
        found: dict[str, Any] = {"TableName": name, "CapacityUnits": total, kind: total}
        if with_indexes:
            found["Table"] = {"CapacityUnits": self.table, kind: self.table}
            for index, units in sorted(self.indexes.items(), key=lambda pair: pair[0].name):
                found.setdefault(_section(index), {})[index.name] = {
                    "CapacityUnits": units,
                    kind: units,
                }
        return found


@dataclass
class _Write:
    """One item a write request targets: its table, key and the item before the request."""

    table: Table
    keys: tuple[Any, Any]  # moto's (hash key, range key or None) values, made once
    old: Item | None
    factor: int = 1
    check_only: bool = False


class Bill:
    """The capacity one request consumes, from the engine's tables before and after it runs.

    Build it with :meth:`before` (under the engine lock, before moto runs the request), let
    moto run it, then :meth:`consumed` gives the ``ConsumedCapacity`` to answer with. A
    ``TransactWriteItems`` is the exception: the engine's transaction looks up every item it
    touches before it applies anything, and hands them over with :meth:`transacted` (not
    looked up twice).
    """

    def __init__(self, backend: DynamoDBBackend, operation: str, body: Mapping[str, Any]):
        self.backend = backend
        self.operation = operation
        self.body = body
        self.writes: list[_Write] = []

    @classmethod
    def before(cls, backend: DynamoDBBackend, operation: str, body: Mapping[str, Any]) -> Bill:
        """Note what the request will change (writes) before it runs."""
        bill = cls(backend, operation, body)
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            keys = body["Item"] if operation == "PutItem" else body["Key"]
            update = operation == "UpdateItem"
            bill.writes.append(bill.target(str(body["TableName"]), keys, update=update))
        elif operation == "BatchWriteItem":
            for name, requests in body.get("RequestItems", {}).items():
                for request in requests:
                    put = request.get("PutRequest")
                    keys = put["Item"] if put else request["DeleteRequest"]["Key"]
                    bill.writes.append(bill.target(name, keys, update=False))
        return bill

    def transacted(
        self, touched: Iterable[tuple[Table, tuple[Any, Any], Item | None, str]]
    ) -> None:
        """The items a ``TransactWriteItems`` touched: ``(table, keys, item before, action
        kind)`` each, the item before being a copy for an ``Update`` (changed in place)."""
        self.writes = [
            _Write(table, keys, old, TRANSACTION_FACTOR, check_only=kind == "ConditionCheck")
            for table, keys, old, kind in touched
        ]

    def target(self, table_name: str, keys: Mapping[str, Any], *, update: bool) -> _Write:
        """The item a write names, as it is before the write."""
        table = self.backend.get_table(table_name)
        # read only: a Put's whole item need not be copied to find its key
        key_values = self.backend.get_keys_value(table, keys if type(keys) is dict else dict(keys))
        current = table.get_item(*key_values)
        # A copy for an update only: moto's UpdateItem changes the stored item in place,
        # a put or a delete replaces it.
        return _Write(table, key_values, copy.deepcopy(current) if update else current)

    def _current(self, table: Table, keys: Mapping[str, Any]) -> Item | None:
        hash_key, range_key = self.backend.get_keys_value(table, dict(keys))
        return table.get_item(hash_key, range_key)

    def consumed(
        self,
        response: Mapping[str, Any],
        read: Iterable[tuple[str, str | None, list[Item]]] = (),
        *,
        with_indexes: bool,
    ) -> dict[str, Any] | list[dict[str, Any]]:
        """The ``ConsumedCapacity`` of the finished request.

        ``read`` is what each Query or Scan of the request read, before any filter: ``(table,
        index or None, items or index entries)``.
        """
        charges: dict[str, _TableCharge] = {}

        def charge(name: str) -> _TableCharge:
            return charges.setdefault(name, _TableCharge())

        if self.operation in WRITES:
            kind = "WriteCapacityUnits"
            for write in self.writes:
                self._charge_write(write, charge(write.table.name))
        else:
            kind = "ReadCapacityUnits"
            self._charge_reads(response, list(read), charge)
        with_kind = {
            name: part.consumed(name, kind=kind, with_indexes=with_indexes)
            for name, part in charges.items()
        }
        if self.operation in _LISTED:
            return list(with_kind.values())
        name = str(self.body.get("TableName", ""))
        return with_kind.get(name) or _TableCharge().consumed(
            name, kind=kind, with_indexes=with_indexes
        )

    def _charge_write(self, write: _Write, into: _TableCharge) -> None:
        new = None if write.check_only else write.table.get_item(*write.keys)
        old = write.old
        if write.check_only:
            into.table += write.factor * write_units(entry_size(old))
            return
        into.table += write.factor * write_units(max(entry_size(old), entry_size(new)))
        # Assumption (see the module docstring): index writes are not doubled in transactions.
        for index in _indexes(write.table):
            units = index_write_units(index, old, new)
            if units:
                into.add_index(index, float(units))

    def _charge_reads(
        self,
        response: Mapping[str, Any],
        read: list[tuple[str, str | None, list[Item]]],
        charge: Any,
    ) -> None:
        body = self.body
        if self.operation == "GetItem":
            table = self.backend.get_table(str(body["TableName"]))
            item = self._current(table, body["Key"])
            consistent = bool(body.get("ConsistentRead"))
            charge(table.name).table += read_units(entry_size(item), consistent=consistent)
        elif self.operation == "BatchGetItem":
            unprocessed = response.get("UnprocessedKeys", {})
            for name, request in body.get("RequestItems", {}).items():
                table = self.backend.get_table(name)
                skipped = unprocessed.get(name, {}).get("Keys", [])
                consistent = bool(request.get("ConsistentRead"))
                part = charge(name)
                for keys in request.get("Keys", []):
                    if keys in skipped:
                        continue
                    size = entry_size(self._current(table, keys))
                    part.table += read_units(size, consistent=consistent)
        elif self.operation == "TransactGetItems":
            for action in body.get("TransactItems", []):
                get = action["Get"]
                table = self.backend.get_table(get["TableName"])
                size = entry_size(self._current(table, get["Key"]))
                charge(table.name).table += float(
                    TRANSACTION_FACTOR * _blocks(size, READ_UNIT_BYTES)
                )
        else:  # Query, Scan
            for name, index_name, items in read:
                table = self.backend.get_table(name)
                total = sum(entry_size(item) for item in items)
                consistent = bool(body.get("ConsistentRead"))
                units = read_units(total, consistent=consistent)
                if index_name:
                    charge(name).add_index(table.get_index(index_name), units)
                else:
                    charge(name).table += units
