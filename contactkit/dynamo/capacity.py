"""Read and write capacity units by DynamoDB's documented rules (pure: no I/O, no client).

The rules (DynamoDB Developer Guide, "DynamoDB read and write operations" and "Using global
secondary indexes", section "Provisioned throughput considerations"):

* **Reads** are charged per 4 KB, rounded up: a strongly consistent read of up to 4 KB costs one
  read unit, an eventually consistent read half of one, a transactional read two. Reading an
  item that does not exist still costs the minimum.
* **GetItem / BatchGetItem** round *each item* up to 4 KB (a batch reading 1.5 KB and 6.5 KB
  is charged for 4 KB + 8 KB = 12 KB).
* **Query / Scan** add up the sizes of *every item read* (before any filter expression drops
  some) and round the *sum* up to 4 KB (ten 500-byte items: 5,000 bytes, so 8 KB).
* **Writes** are charged per 1 KB, rounded up, at least one unit; transactional writes cost
  twice as much.
* **Global secondary indexes**: a table write that puts an item into an index, removes it from
  one, or changes it inside one costs extra index writes, sized by the projected item (our
  indexes project ALL attributes, so the whole item). Changing an index key costs two (delete
  the old entry, put the new one).

Item sizes come from :mod:`contactkit.dynamo.sizes`.

Example::

    read_units(3_500, consistent=True)          # 1.0
    query_read_units(10 * 500, consistent=False)  # 1.0
    write_units(1_536)                          # 2
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .sizes import item_size
from .types import Item

READ_UNIT_BYTES = 4 * 1024
WRITE_UNIT_BYTES = 1024
TRANSACTION_FACTOR = 2

IndexKeys = Mapping[str, tuple[str, str | None]]  # index name -> (hash attr, range attr)


def _blocks(size_bytes: int, block: int) -> int:
    """Number of ``block``-byte units ``size_bytes`` is charged for (at least one)."""
    if size_bytes < 0:
        raise ValueError(f"size_bytes must be >= 0, not {size_bytes}")
    return max(1, -(-size_bytes // block))


def read_units(size_bytes: int, *, consistent: bool) -> float:
    """Read units of one GetItem (or one item of a BatchGetItem) of ``size_bytes``.

    ``size_bytes=0`` is an item that was not found: it still costs the minimum.
    """
    blocks = _blocks(size_bytes, READ_UNIT_BYTES)
    return float(blocks) if consistent else blocks / 2


def batch_read_units(sizes: Iterable[int], *, consistent: bool) -> float:
    """Read units of a BatchGetItem: each item is rounded up to 4 KB on its own."""
    return sum(read_units(size, consistent=consistent) for size in sizes)


def query_read_units(total_bytes: int, *, consistent: bool) -> float:
    """Read units of one Query or Scan page that read items totalling ``total_bytes``.

    ``total_bytes`` is the sum over every item read, including those a filter expression
    dropped afterwards; the sum (not each item) is rounded up to 4 KB.
    """
    return read_units(total_bytes, consistent=consistent)


def transactional_read_units(size_bytes: int) -> float:
    """Read units of one item read by TransactGetItems: twice a strongly consistent read."""
    return float(TRANSACTION_FACTOR * _blocks(size_bytes, READ_UNIT_BYTES))


def write_units(size_bytes: int) -> int:
    """Write units of one PutItem/UpdateItem/DeleteItem of an item of ``size_bytes``.

    For an overwrite or update, pass the larger of the item's sizes before and after.
    """
    return _blocks(size_bytes, WRITE_UNIT_BYTES)


def transactional_write_units(size_bytes: int) -> int:
    """Write units of one action of TransactWriteItems: twice a standard write."""
    return TRANSACTION_FACTOR * write_units(size_bytes)


@dataclass(frozen=True)
class IndexWrite:
    """One write a table write causes in a global secondary index."""

    index: str
    kind: Literal["put", "delete", "update"]
    size_bytes: int

    @property
    def units(self) -> int:
        return write_units(self.size_bytes)


def index_writes(
    old_item: Item | None,
    new_item: Item | None,
    index_keys: IndexKeys,
    *,
    new_size: int | None = None,
) -> list[IndexWrite]:
    """The index writes caused by replacing ``old_item`` by ``new_item`` (either may be None).

    Per index: none if the item is in it neither before nor after (sparse indexes: an item is
    in an index only when it has all of the index's key attributes); a put if only after; a
    delete if only before; one in-place update if in it both times with the same key; a delete
    and a put if the key changed. ``new_size`` is ``new_item``'s size when the caller knows it.

    Example::

        index_writes(None, {"PK": ..., "SK": ..., "EmailPK": ...}, schema.INDEX_KEYS)
        # [IndexWrite("gsi-email", "put", ...)]
    """
    writes: list[IndexWrite] = []
    sized = False
    known_new_size, old_size, new_size = new_size, 0, 0
    for index, (hash_attr, range_attr) in index_keys.items():
        before = _index_key(old_item, hash_attr, range_attr)
        after = _index_key(new_item, hash_attr, range_attr)
        if before is None and after is None:
            continue
        if not sized:  # most items are in no index: sized only when one is written
            old_size = item_size(old_item) if old_item is not None else 0
            if known_new_size is not None:
                new_size = known_new_size
            elif new_item is not None:
                new_size = item_size(new_item)
            sized = True
        if before is None:
            writes.append(IndexWrite(index, "put", new_size))
        elif after is None:
            writes.append(IndexWrite(index, "delete", old_size))
        elif before == after:
            writes.append(IndexWrite(index, "update", max(old_size, new_size)))
        else:
            writes.append(IndexWrite(index, "delete", old_size))
            writes.append(IndexWrite(index, "put", new_size))
    return writes


def index_write_units(
    old_item: Item | None,
    new_item: Item | None,
    index_keys: IndexKeys,
    *,
    new_size: int | None = None,
) -> int:
    """Total write units of :func:`index_writes`."""
    writes = index_writes(old_item, new_item, index_keys, new_size=new_size)
    return sum(write.units for write in writes)


def _index_key(item: Item | None, hash_attr: str, range_attr: str | None) -> tuple[Any, ...] | None:
    """The item's key in the index, or None when the item is not in it."""
    if item is None or hash_attr not in item:
        return None
    if range_attr is None:
        return (item[hash_attr],)
    if range_attr not in item:
        return None
    return (item[hash_attr], item[range_attr])


# On-demand prices, us-east-1, in US dollars per million request units: $0.625 per million
# write request units, $0.125 per million read request units. As of the AWS pricing after the
# on-demand price cut of November 2024 (AWS News Blog, "Amazon DynamoDB On-Demand", updated
# January 31, 2025), read on 2026-11-30 from the search tool's stored snapshots of that post and
# of a pricing summary quoting the same figures; check https://aws.amazon.com/dynamodb/pricing/.
ON_DEMAND_USD_PER_MILLION_WRITE_UNITS = 0.625
ON_DEMAND_USD_PER_MILLION_READ_UNITS = 0.125
ON_DEMAND_PRICES_AS_OF = "2025-01-31"


def on_demand_usd_per_million(rcu: float, wcu: float) -> float:
    """US dollars for a million operations that each consume ``rcu`` and ``wcu`` (on-demand).

    Example::

        on_demand_usd_per_million(rcu=0.5, wcu=12)   # 7.5625
    """
    return rcu * ON_DEMAND_USD_PER_MILLION_READ_UNITS + wcu * ON_DEMAND_USD_PER_MILLION_WRITE_UNITS
