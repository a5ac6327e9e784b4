"""The engine's tables: moto's ``Table`` with sorted partitions and index entries kept on write.

moto 5.2 answers every Query page by walking *every item of the table*, sorting the matches
with ``DynamoType`` comparisons and skipping to the page's start (O(table log table) per page,
so reading a partition page by page is quadratic); it builds each stored item through a dict
that re-sizes the whole item on every attribute (quadratic in its attributes), converts it to
JSON again for every response, and keeps every item it ever made in a class-wide list.
:class:`EngineTable` keeps moto's storage layout and semantics and fixes those paths:

* **Sorted partitions.** ``items[hash]`` is a :class:`Partition`: moto's dict, plus its keys
  in order (strings by code point, which is UTF-8 byte order; numbers as ``Decimal``;
  binaries as bytes), built on the partition's first Query and kept by every insert and
  removal after that. A Query seeks to its first item by binary search instead of filtering
  and sorting the table.
* **Index entries kept on write.** Each secondary index holds, per index partition, the
  sorted ``(index sort key, table hash key, table sort key, item)`` entries: moto's order for
  an index. Every write (put, delete, update in place, a transaction's rollback, an
  ``UpdateTable`` that adds an index: its backfill) updates the entries of the items it
  touched (:meth:`EngineTable.reindex`).
* **Compact items, converted once.** A :class:`StoredItem` is built with one size check and
  remembers its sizes; between requests it is only its DynamoDB JSON (``encoded``), and a
  read answers with that encoding as it is (:func:`answer`), projected when asked.

A page ends at ``Limit`` or before the item that would take it past 1 MiB (:data:`PAGE_BYTES`)
of items sized by contactkit's rules (:meth:`StoredItem.billed`), Query and Scan alike (moto's
own cut is 1,000,000 bytes of its ``Item.size()``, which counts a number as ``len(str(n))`` and
adds no list or map overhead); a query the fast path does not cover (a multi-attribute index
key, the legacy ``QueryFilter``, a table without a sort key) goes to moto's own ``Table.query``.
``tests/engine/test_tables.py`` compares random sequences of writes and Query pages with stock
moto.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import hashlib
import itertools
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, cast

import orjson
from moto.dynamodb.exceptions import (
    HashKeyTooLong,
    InvalidAttributeTypeError,
    ItemSizeTooLarge,
    MockValidationException,
    RangeKeyTooLong,
)
from moto.dynamodb.limits import HASH_KEY_MAX_LENGTH, RANGE_KEY_MAX_LENGTH
from moto.dynamodb.models import table as moto_table
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import GlobalSecondaryIndex, SecondaryIndex, Table
from moto.dynamodb.models.utilities import bytesize, dynamo_to_dict
from sortedcontainers import SortedList

from ..dynamo.sizes import item_size
from .keys import KeyValue, key_value

# moto's own limit for an item (LimitedSizeDict): DynamoDB's 400 KB, as measured by moto.
_ITEM_SIZE_LIMIT = 405000
_KEY_TYPES = ("S", "N", "B")
# attribute names moto's type validation checks as if they were type tags
_VALIDATED_NAMES = frozenset({"N", "S", "NULL"})

# DynamoDB ends a Query or Scan page once it has read 1 MB: "the Query results are divided into
# 'pages' of data that are 1 MB in size (or less)" and "a single Query only returns a result set
# that fits within the 1 MB size limit"; the limit applies before any filter
# (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html,
# Scan.Pagination.html likewise). So the item that would cross the limit starts the next page.
# DynamoDB measures an internal size it does not publish: 1 MiB of contactkit's item sizes is
# the engine's reading of it, and a page's item count is the engine's, not AWS's. A Query of an
# index is cut on the whole table items it reaches (cached), not on its projected entries.
PAGE_BYTES = 1024 * 1024
# moto's Table.scan (and the Query it still answers) read its module's limit at run time.
moto_table.RESULT_SIZE_LIMIT = PAGE_BYTES


def sort_value(value: DynamoType) -> Any:
    """A key attribute's value in DynamoDB's order (UTF-8 bytes, numbers, bytes)."""
    if type(value) is KeyValue:
        return value.sort
    kind = value.type
    if kind == "N":
        return Decimal(value.value)
    if kind == "B":
        raw = value.value
        return raw if isinstance(raw, bytes) else base64.b64decode(raw)
    return value.value


class _Top:
    """Greater than any key value: ``(v, _TOP)`` sorts after every index entry ``(v, ...)``.

    Only ever compared with the table's hash key values (str, Decimal, bytes), which leave
    the comparison to it; never with moto's ``DynamoType`` or ``Item``, whose comparisons
    would fail on it.
    """

    def __gt__(self, other: object) -> bool:
        return True

    def __lt__(self, other: object) -> bool:
        return False


_TOP = _Top()


def _json_default(value: object) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class SortedRun:
    """Entries kept in order: a plain list while short, a ``SortedList`` once long.

    Most partitions hold one item (an email claim, a search token, an email index entry); a
    ``SortedList`` costs about a kilobyte even then, a short list a few dozen bytes.
    """

    __slots__ = ("data",)
    LONG = 512

    def __init__(self, entries: Any = ()) -> None:
        self.data: list[Any] | SortedList = sorted(entries)
        if len(self.data) > self.LONG:
            self.data = SortedList(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def add(self, entry: Any) -> None:
        data = self.data
        if isinstance(data, list):
            bisect.insort(data, entry)
            if len(data) > self.LONG:
                self.data = SortedList(data)
        else:
            data.add(entry)

    def remove(self, entry: Any) -> None:
        data = self.data
        if isinstance(data, list):
            position = bisect.bisect_left(data, entry)
            if position < len(data) and data[position] == entry:
                del data[position]
        else:
            data.discard(entry)

    def left(self, value: Any) -> int:
        """The first position whose entry is >= ``value``."""
        data = self.data
        if isinstance(data, list):
            return bisect.bisect_left(data, value)
        return int(data.bisect_left(value))

    def right(self, value: Any) -> int:
        """The first position whose entry is > ``value``."""
        data = self.data
        if isinstance(data, list):
            return bisect.bisect_right(data, value)
        return int(data.bisect_right(value))

    def after(self, prefix: tuple[Any, ...]) -> int:
        """The first position whose entry starts above ``prefix`` (few entries share one)."""
        position = self.left(prefix)
        size = len(prefix)
        while position < len(self.data) and self.data[position][:size] == prefix:
            position += 1
        return position

    def walk(self, position: int, forward: bool) -> Iterator[Any]:
        """The entries from ``position`` on, forward or backward."""
        data = self.data
        if isinstance(data, SortedList):
            if forward:
                yield from data.islice(position, None)
            elif position >= 0:
                yield from data.islice(0, position + 1, reverse=True)
        elif forward:
            yield from itertools.islice(data, position, None)
        else:
            for index in range(position, -1, -1):
                yield data[index]


class Partition(dict[DynamoType, Item]):
    """moto's ``{range key: item}`` of one hash key, with its keys in order once queried.

    The order (``(sort value, range key)`` entries) is built on the partition's first Query and
    kept by every insert and removal after that, however moto's code reaches the dict.
    """

    __slots__ = ("hash_key", "order")

    def __init__(self) -> None:
        super().__init__()
        self.order: SortedRun | None = None
        # the one hash key object the partition's items share
        self.hash_key: DynamoType | None = None

    def __setitem__(self, key: DynamoType, item: Item) -> None:
        if self.order is not None and key not in self:
            self.order.add((sort_value(key), key))
        super().__setitem__(key, item)

    def __delitem__(self, key: DynamoType) -> None:
        super().__delitem__(key)
        if self.order is not None:
            self.order.remove((sort_value(key), key))

    def pop(self, key: DynamoType, *default: Any) -> Any:
        if self.order is not None and key in self:
            self.order.remove((sort_value(key), key))
        return super().pop(key, *default)

    def ordered(self) -> SortedRun:
        if self.order is None:
            self.order = SortedRun((sort_value(key), key) for key in self)
        return self.order


class PartitionMap(defaultdict[DynamoType, Partition]):
    """The table's ``{hash key: Partition}``, with the hash keys in order for Scan pages.

    The order is built on a Scan's first page and rebuilt only after a partition was added or
    removed (``version``), so paging through a table does not sort it again for every page.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args or (Partition,))
        self.version = 0
        self._order: tuple[int, SortedRun] | None = None

    def __setitem__(self, key: DynamoType, partition: Partition) -> None:
        if key not in self:
            self.version += 1
        super().__setitem__(key, partition)

    def __delitem__(self, key: DynamoType) -> None:
        super().__delitem__(key)
        self.version += 1

    def pop(self, key: DynamoType, *default: Any) -> Any:
        self.version += 1
        return super().pop(key, *default)

    def ordered(self) -> SortedRun:
        """``(sort value, hash key)`` of every partition, in moto's order (built when stale)."""
        if self._order is None or self._order[0] != self.version:
            self._order = (self.version, SortedRun((sort_value(key), key) for key in self))
        return self._order[1]


class StoredItem(Item):
    """An item as the engine stores it: compact between requests, converted once.

    Between requests a stored item is its DynamoDB JSON (``encoded``, about the size of the
    item's JSON) and its sizes; moto's ``attrs`` (a ``DynamoType`` per attribute, four to six
    times larger) are built when a request reads them and dropped by :func:`compact_touched`
    when the request ends. An update changes ``attrs`` in place (then :meth:`forget` drops the
    encoding, and the end of the request encodes them again).
    """

    moto_size: int | None = None
    billed_size: int | None = None
    encoded: bytes | None = None
    # The request's DynamoDB JSON of an item the request just built (binaries as bytes).
    plain: dict[str, Any] | None = None
    _attrs: LimitedSizeDict | None = None

    def __new__(cls, *args: Any, **kwargs: Any) -> StoredItem:
        # Not moto's BaseModel.__new__, which appends every instance to a class-wide list
        # that only moto's mock reset empties: a stored item must die with its table.
        return object.__new__(cls)

    @classmethod
    def build(
        cls, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]
    ) -> StoredItem:
        """The item of ``attrs`` (DynamoDB JSON); moto's ``ItemSizeTooLarge`` over 400 KB."""
        item = cls.__new__(cls)
        item.hash_key = hash_key
        item.range_key = range_key
        encoded = orjson.dumps(attrs, default=_json_default)
        # The JSON is at least moto's size (every name and string whole, a number's text, a
        # binary's base64): only an item whose JSON passes the limit is sized by moto's rules.
        if len(encoded) > _ITEM_SIZE_LIMIT:
            item.moto_size = sum(bytesize(name) + moto_size(value) for name, value in attrs.items())
            if item.moto_size > _ITEM_SIZE_LIMIT:
                raise ItemSizeTooLarge
        # moto's values are built only if the request reads them (a condition, an index
        # entry's projection); its index keys come from the JSON (value()).
        item.encoded = memoryview(encoded).tobytes()
        item.plain = attrs
        item.billed_size = item_size(attrs)  # binaries are bytes here, as item_size wants
        _touched().append(item)  # the end of the request drops ``plain``
        return item

    def value(self, name: str) -> DynamoType | None:
        """One attribute as moto's value, without building the others when they are not."""
        if self._attrs is None and self.plain is not None:
            raw = self.plain.get(name)
            return None if raw is None else DynamoType(raw)
        return self.attrs.get(name)

    def has(self, name: str) -> bool:
        """Whether the item has the attribute, without building any value."""
        if self._attrs is None and self.plain is not None:
            return name in self.plain
        return name in self.attrs

    @property
    def attrs(self) -> LimitedSizeDict:
        if self._attrs is None:
            if self.plain is not None:
                self._attrs = _typed(self.plain)[0]
            else:
                assert self.encoded is not None
                self._attrs = _typed(_decoded(self.encoded))[0]
            _touched().append(self)
        return self._attrs

    @attrs.setter
    def attrs(self, values: LimitedSizeDict) -> None:
        self._attrs = values
        self.forget()
        _touched().append(self)

    def size(self) -> int:
        if _local_flag("page_sizes"):  # moto's page loop is cutting a page: size as DynamoDB
            return self.billed()
        if self.moto_size is None:
            if self._attrs is None and self.encoded is not None:
                attrs = self.plain if self.plain is not None else _decoded(self.encoded)
                self.moto_size = sum(bytesize(k) + moto_size(v) for k, v in attrs.items())
            else:
                self.moto_size = super().size()
        return self.moto_size

    def billed(self) -> int:
        """The item's size by contactkit's rules (:func:`~contactkit.dynamo.sizes.item_size`),
        computed once, until an update changes the item."""
        if self.billed_size is None:
            if self._attrs is None and self.encoded is not None:
                self.billed_size = item_size(_decoded(self.encoded))
            else:
                self.billed_size = _attrs_size(self)
        return self.billed_size

    def json(self) -> bytes:
        """The item's attributes as DynamoDB JSON, serialised once."""
        if self.encoded is None:
            self.encoded = _encode(self.attrs)
        return self.encoded

    def forget(self) -> None:
        """Drop what was computed from the attributes (they changed in place)."""
        if self._attrs is None and (self.plain is not None or self.encoded is not None):
            self._attrs = self.attrs  # the values are the item from now on
        self.plain = None
        self.moto_size = self.billed_size = None
        self.encoded = None

    def compact(self) -> None:
        """Keep only the encoding (the request that built ``attrs`` is over)."""
        if self._attrs is not None:
            self.json()
            self._attrs = None
        self.plain = None


_local = threading.local()


def _touched() -> list[StoredItem]:
    """The stored items whose ``attrs`` this thread built since it last compacted."""
    try:
        return _local.items  # type: ignore[no-any-return]
    except AttributeError:
        _local.items = []
        return _local.items  # type: ignore[no-any-return]


def compact_touched() -> None:
    """Compact every stored item this thread expanded (call when no request is running)."""
    touched = _touched()
    for item in touched:
        item.compact()
    touched.clear()


def _local_flag(name: str) -> bool:
    return bool(getattr(_local, name, False))


@contextlib.contextmanager
def page_sizes() -> Iterator[None]:
    """While moto's own page loop runs, stored items size themselves by contactkit's rules:
    its page cut then matches the engine's Query (moto calls ``size()`` there and nowhere else
    in ``Table.scan``)."""
    previous = _local_flag("page_sizes")
    _local.page_sizes = True
    try:
        yield
    finally:
        _local.page_sizes = previous


def dynamodb_size(item: Item | None) -> int:
    """Bytes of a moto item (or index entry) by DynamoDB's rules; 0 for no item."""
    if item is None:
        return 0
    if isinstance(item, StoredItem):
        return item.billed()
    return _attrs_size(item)


def _attrs_size(item: Item) -> int:
    return item_size({name: _value_json(value) for name, value in item.attrs.items()})  # type: ignore[misc]


def _value_json(value: DynamoType) -> dict[str, Any]:
    """A moto value as DynamoDB JSON with raw bytes for binaries (for :func:`item_size`)."""
    if value.is_list():
        return {"L": [_value_json(v) for v in value.value]}
    if value.is_map():
        return {"M": {k: _value_json(v) for k, v in value.value.items()}}
    if value.type == "B":
        return {"B": _raw(value.value)}
    if value.type == "BS":
        return {"BS": [_raw(v) for v in value.value]}
    return {value.type: value.value}


def attribute(item: Item, name: str) -> DynamoType | None:
    """``item.attrs.get(name)``, without building a just-stored item's other values."""
    if isinstance(item, StoredItem):
        return item.value(name)
    return item.attrs.get(name)


def has_attribute(item: Item, name: str) -> bool:
    """``name in item.attrs``, without building a just-stored item's values."""
    if isinstance(item, StoredItem):
        return item.has(name)
    return name in item.attrs


def _raw(payload: str | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else base64.b64decode(payload)


def _typed(attrs: dict[str, Any]) -> tuple[LimitedSizeDict, int]:
    """moto's attributes of an item (one ``DynamoType`` each, no per-attribute size check)
    and the item's size by moto's rules."""
    values = LimitedSizeDict.__new__(LimitedSizeDict)
    size = 0
    for name, value in attrs.items():
        dict.__setitem__(values, name, DynamoType(value))
        size += bytesize(name) + moto_size(value)
    return values, size


def moto_size(value: dict[str, Any]) -> int:
    """moto's ``DynamoType(value).size()``, from the DynamoDB JSON (no ``DynamoType`` built).

    moto counts a number as ``len(str(n))``, strings and binaries by their bytes, a boolean or
    null as 1, and lists, maps and sets as the sum of their members (map keys by their bytes),
    with no overhead: the size behind its 400 KB check, which is not DynamoDB's.
    """
    kind, payload = next(iter(value.items()))
    if kind == "S" and type(payload) is str and payload.isascii():  # the common case
        return len(payload)
    if kind == "N":
        return len(str(payload))
    if kind == "NS":
        return sum(len(str(v)) for v in payload)
    if kind in ("SS", "BS"):
        return sum(bytesize(v) for v in payload)
    if kind == "L":
        return sum(moto_size(v) for v in payload)
    if kind == "M":
        return sum(bytesize(k) + moto_size(v) for k, v in payload.items())
    if isinstance(payload, bool):
        return 1
    return bytesize(payload)


def _encode(attrs: dict[str, Any]) -> bytes:
    # A copy of exactly its length: orjson's own result keeps its 4 KB buffer.
    return memoryview(orjson.dumps(dynamo_to_dict(dict(attrs)), default=_json_default)).tobytes()


def _decoded(encoded: bytes) -> dict[str, Any]:
    """An encoding back to DynamoDB JSON with binaries as bytes (as moto holds them)."""
    plain = orjson.loads(encoded)
    return with_bytes(plain) if BINARY.search(encoded) else plain  # type: ignore[no-any-return]


# A member "B" or "BS" holding a string or a list: where a binary may be (checked by walking).
BINARY = re.compile(rb'"BS?"\s*:\s*[\["]')


def with_bytes(value: Any) -> Any:
    """DynamoDB JSON with every binary (``B``, ``BS``) decoded from base64 to bytes."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((kind, inner),) = value.items()
            if kind == "B" and isinstance(inner, str):
                return {"B": base64.b64decode(inner)}
            if kind == "BS" and isinstance(inner, list) and all(isinstance(v, str) for v in inner):
                return {"BS": [base64.b64decode(v) for v in inner]}
        return {key: with_bytes(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [with_bytes(inner) for inner in value]
    return value


class Answer:
    """One item of a read's answer, already serialised: moto's handler reads ``attrs``, and
    ``orjson.dumps`` of the response embeds the fragment as it is."""

    __slots__ = ("attrs",)

    def __init__(self, attrs: orjson.Fragment) -> None:
        self.attrs = attrs


def answer(item: Item, projection: list[list[str]] | None) -> Answer:
    """``item`` as a read returns it, with ``projection`` (moto's parsed ProjectionExpression)."""
    if not projection:
        encoded = item.json() if isinstance(item, StoredItem) else _encode(item.attrs)
        return Answer(orjson.Fragment(encoded))
    if isinstance(item, StoredItem) and not any("[" in part for p in projection for part in p):
        return Answer(
            orjson.Fragment(orjson.dumps(_project(orjson.loads(item.json()), projection)))
        )
    return Answer(orjson.Fragment(_encode(item.project(projection).attrs)))


def _project(whole: dict[str, Any], projection: list[list[str]]) -> dict[str, Any]:
    """The attributes and map members named by ``projection`` (paths of names), as JSON."""
    picked: dict[str, Any] = {}
    for path in projection:
        node = whole.get(path[0])
        for part in path[1:]:
            members = node.get("M") if node is not None else None
            node = members.get(part) if members is not None else None
        if node is None:
            continue  # a missing attribute or member is left out, as DynamoDB does
        into = picked
        for part in path[:-1]:
            into = into.setdefault(part, {"M": {}})["M"]
        into[path[-1]] = node
    return picked


class IndexEntries:
    """One secondary index's entries, per index partition, in moto's order for the index."""

    def __init__(self, table: Table, index: SecondaryIndex) -> None:
        self.index = index
        hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
        ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
        # Multi-attribute keys are left to moto's own query.
        self.supported = len(hashes) == 1 and len(ranges) <= 1 and table.range_key_attr is not None
        self.hash_attr = hashes[0] if hashes else ""
        self.range_attr = ranges[0] if ranges else None
        # moto orders an index without a sort key by the table's sort key, then hash key
        self.order_attr = self.range_attr or table.range_key_attr
        self.partitions: dict[Any, SortedRun] = {}
        # table key (hash, range sort values) -> (index partition, entry)
        self.by_key: dict[tuple[Any, Any], tuple[Any, tuple[Any, ...]]] = {}

    def entry(self, item: Item | None, table_key: tuple[Any, Any]) -> tuple[Any, tuple[Any, ...]]:
        """``(partition, entry)`` of ``item`` in this index; partition None: not in it."""
        if item is None:
            return None, ()
        hash_value = attribute(item, self.hash_attr)
        if hash_value is None or hash_value.type not in _KEY_TYPES:
            return None, ()
        if self.range_attr is None:
            sort = table_key[1]
        else:
            range_value = attribute(item, self.range_attr)
            if range_value is None or range_value.type not in _KEY_TYPES:
                return None, ()
            sort = sort_value(range_value)
        return sort_value(hash_value), (sort, *table_key, item)

    def update(self, table_key: tuple[Any, Any], item: Item | None) -> None:
        """Make the entry of the item at ``table_key`` match ``item`` (None: deleted)."""
        old = self.by_key.get(table_key)
        partition, entry = self.entry(item, table_key)
        if old is not None:
            if partition is not None and old[0] == partition and old[1] == entry:
                return
            entries = self.partitions[old[0]]
            entries.remove(old[1])
            if not entries:
                del self.partitions[old[0]]
            del self.by_key[table_key]
        if partition is not None:
            self.partitions.setdefault(partition, SortedRun()).add(entry)
            self.by_key[table_key] = (partition, entry)


class EngineTable(Table):
    """moto's ``Table`` with sorted partitions and index entries maintained on every write."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.range_key_attr is not None:
            self.items = PartitionMap()  # type: ignore[assignment]
        self.entries: dict[str, IndexEntries] = {}
        self.key_limits: list[tuple[str, int, type[Exception]]] = []
        self.rebuild_indexes()

    # -- keeping the indexes --------------------------------------------------------------

    def rebuild_indexes(self) -> None:
        """Entries of every index from the items (a new table, or an index added: backfill)."""
        self.entries = {index.name: IndexEntries(self, index) for index in self.all_indexes()}
        self.key_limits = [
            (name, HASH_KEY_MAX_LENGTH, HashKeyTooLong) for name in self.hash_key_names
        ]
        self.key_limits += [
            (name, RANGE_KEY_MAX_LENGTH, RangeKeyTooLong) for name in self.range_key_names
        ]
        for item in self.all_items():
            self.reindex(item.hash_key, item.range_key)

    def reindex(self, hash_key: DynamoType, range_key: DynamoType | None) -> None:
        """Bring every index entry of the item at this key in line with what is stored now."""
        if self.entries:
            self.index_item(hash_key, range_key, self.get_item(hash_key, range_key))

    def index_item(
        self, hash_key: DynamoType, range_key: DynamoType | None, item: Item | None
    ) -> None:
        """Bring every index entry of the item at this key in line with ``item``, stored there."""
        table_key = (sort_value(hash_key), sort_value(range_key) if range_key else None)
        for entries in self.entries.values():
            entries.update(table_key, item)

    def has_key(self, keys: dict[str, Any]) -> bool:
        """Whether ``keys`` names this table's key attributes (moto refuses it otherwise)."""
        return self.hash_key_attr in keys and (
            self.range_key_attr is None or self.range_key_attr in keys
        )

    def after_update(self, hash_key: DynamoType, range_key: DynamoType | None) -> None:
        """An UpdateItem changed the item at this key in place: recompute what depends on it."""
        item = self.get_item(hash_key, range_key)
        if isinstance(item, StoredItem):
            item.forget()
        self.reindex(hash_key, range_key)

    # -- writes ---------------------------------------------------------------------------

    def put_item(
        self,
        item_attrs: dict[str, Any],
        expected: dict[str, Any] | None = None,
        condition_expression: str | None = None,
        expression_attribute_names: dict[str, str] | None = None,
        expression_attribute_values: dict[str, Any] | None = None,
        overwrite: bool = False,
        return_values_on_condition_check_failure: str | None = None,
    ) -> Item:
        if expected or self.range_key_attr is None:
            item = super().put_item(
                item_attrs,
                expected,
                condition_expression,
                expression_attribute_names,
                expression_attribute_values,
                overwrite,
                return_values_on_condition_check_failure,
            )
        else:
            item = self._put(
                item_attrs,
                condition_expression,
                expression_attribute_names,
                expression_attribute_values,
                overwrite,
                return_values_on_condition_check_failure,
            )
        if self.entries:
            self.index_item(item.hash_key, item.range_key, item)
        return item

    def put_known(
        self,
        item_attrs: dict[str, Any],
        hash_value: DynamoType,
        range_value: DynamoType,
        current: Item | None,
    ) -> Item:
        """An unconditional put whose key values and current item the caller already has (a
        transaction's action, which looked them up before checking its condition)."""
        item = self._put(
            item_attrs, None, None, None, False, None, (hash_value, range_value, current)
        )
        if self.entries:
            self.index_item(item.hash_key, item.range_key, item)
        return item

    def _put(
        self,
        item_attrs: dict[str, Any],
        condition_expression: str | None,
        names: dict[str, str] | None,
        values: dict[str, Any] | None,
        overwrite: bool,
        return_values_on_condition_check_failure: str | None,
        known: tuple[DynamoType, DynamoType, Item | None] | None = None,
    ) -> Item:
        """moto's ``Table.put_item`` (with a sort key, without ``Expected``), item built once.

        ``known``: the key values and the current item, when the caller has them.
        """
        from moto.dynamodb.comparisons import get_filter_expression
        from moto.dynamodb.exceptions import ConditionalCheckFailed

        range_attr = self.range_key_attr
        assert range_attr is not None
        if known is None:
            for attr in (self.hash_key_attr, range_attr):
                if attr not in item_attrs:
                    raise MockValidationException(
                        "One or more parameter values were invalid: "
                        f"Missing the key {attr} in the item"
                    )
            hash_value = key_value(item_attrs[self.hash_key_attr])
            range_value = key_value(item_attrs[range_attr])
        else:
            hash_value, range_value, current = known
        if hash_value.type != self.hash_key_type:
            raise InvalidAttributeTypeError(
                self.hash_key_attr, expected_type=self.hash_key_type, actual_type=hash_value.type
            )
        if range_value.type != self.range_key_type:
            raise InvalidAttributeTypeError(
                range_attr, expected_type=self.range_key_type, actual_type=range_value.type
            )
        self._validate_types(item_attrs)
        for name, limit, error in self.key_limits:  # moto's _validate_key_sizes, sized once
            value = item_attrs.get(name)
            if not value:
                continue
            text = value.get("S") if type(value) is dict else None
            if type(text) is str and len(text) * 4 <= limit:
                continue  # at most 4 UTF-8 bytes a character: within the limit, unsized
            if _key_size(value) > limit:
                raise error
        if known is None:
            current = self.get_item(hash_value, range_value)
        partition = cast(Partition, self.items[hash_value])
        if partition.hash_key is None:
            partition.hash_key = hash_value
        item = StoredItem.build(partition.hash_key, range_value, item_attrs)
        if not overwrite and condition_expression:
            condition = get_filter_expression(condition_expression, names, values)
            if not condition.expr(current):
                if return_values_on_condition_check_failure == "ALL_OLD" and current is not None:
                    raise ConditionalCheckFailed(item=current.to_json()["Attributes"])
                raise ConditionalCheckFailed
        partition[range_value] = item
        if self.stream_shard is not None:
            self.stream_shard.add(current, item)
        return item

    def _validate_types(self, item_attrs: dict[str, Any]) -> None:
        """moto's ``Table._validate_item_types``, which walks every value of the item: a string
        attribute (most of them) cannot fail it, so only the others are walked by moto."""
        for name, value in item_attrs.items():
            if name in _VALIDATED_NAMES or type(value) is not dict or len(value) != 1:
                self._validate_item_types({name: value})
            else:
                text = value.get("S")
                if text is None or type(text) is not str:
                    self._validate_item_types({name: value})

    def delete_item(self, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
        item = super().delete_item(hash_key, range_key)
        self.reindex(hash_key, range_key)
        return item

    # -- reads ----------------------------------------------------------------------------

    def query(
        self,
        hash_key: DynamoType | None,
        range_comparison: str | None,
        range_objs: list[DynamoType],
        limit: int,
        exclusive_start_key: dict[str, Any],
        scan_index_forward: bool,
        projection_expressions: list[list[str]] | None,
        index_name: str | None = None,
        consistent_read: bool = False,
        filter_expression: Any = None,
        hash_key_conditions: list[tuple[str, DynamoType]] | None = None,
        range_key_conditions: list[tuple[str, str, list[DynamoType]]] | None = None,
        **filter_kwargs: Any,
    ) -> tuple[list[Item], int, dict[str, Any] | None]:
        entries = self.entries.get(index_name) if index_name else None
        fast = (
            not filter_kwargs
            and hash_key is not None
            and len(hash_key_conditions or ()) <= 1
            and len(range_key_conditions or ()) <= 1
            and self.range_key_attr is not None
            and (index_name is None or (entries is not None and entries.supported))
            and not (index_name and entries and entries.range_attr is None and range_comparison)
            and _complete_start_key(exclusive_start_key, self, entries)
        )
        if not fast:
            with page_sizes():
                return super().query(
                    hash_key,
                    range_comparison,
                    range_objs,
                    limit,
                    exclusive_start_key,
                    scan_index_forward,
                    projection_expressions,
                    index_name,
                    consistent_read,
                    filter_expression,
                    hash_key_conditions=hash_key_conditions,
                    range_key_conditions=range_key_conditions,
                    **filter_kwargs,
                )
        assert hash_key is not None
        if (
            entries is not None
            and consistent_read
            and isinstance(entries.index, GlobalSecondaryIndex)
        ):
            raise MockValidationException(
                "Consistent reads are not supported on global secondary indexes"
            )
        bounds = _Bounds(range_comparison, range_objs, scan_index_forward)
        candidates = (
            self._index_candidates(entries, hash_key, exclusive_start_key, bounds)
            if entries is not None
            else self._table_candidates(hash_key, exclusive_start_key, bounds)
        )
        results: list[Item] = []
        size = 0
        last_key = None
        for sort, item in candidates:
            if bounds.past(sort):
                # moto: a full page still ends with a LastEvaluatedKey when items follow
                if results and len(results) == limit:
                    last_key = self._get_last_evaluated_key(results[-1], index_name)
                break
            item_bytes = dynamodb_size(item)
            if len(results) == limit or size + item_bytes > PAGE_BYTES:
                last_key = self._get_last_evaluated_key(results[-1], index_name)
                break
            if bounds.holds(sort):
                results.append(item)
                size += item_bytes
        scanned = len(results)
        if entries is not None:
            results = [entries.index.project(item) for item in results]
        return _filtered(results, filter_expression, projection_expressions), scanned, last_key

    def scan(
        self,
        filters: dict[str, Any],
        limit: int,
        exclusive_start_key: dict[str, Any],
        filter_expression: Any = None,
        index_name: str | None = None,
        consistent_read: bool = False,
        projection_expression: list[list[str]] | None = None,
        segments: tuple[None, None] | tuple[int, int] = (None, None),
    ) -> tuple[list[Item], int, dict[str, Any] | None]:
        """A Scan page that seeks: O(page + log partitions), in moto's order and page cut.

        moto's ``Table.scan`` sorts every item of the table and walks up to the page's start
        for every page; here the partitions (:meth:`PartitionMap.ordered`) and their items
        (:meth:`Partition.ordered`) are already in that order (hash key, then sort key). Index
        scans, the legacy ``ScanFilter`` and binary hash keys (moto orders those by their
        base64 text and segments them by it) take moto's own walk.
        """
        start = exclusive_start_key
        items = self.items
        if (
            filters
            or index_name
            or not isinstance(items, PartitionMap)
            or self.hash_key_type not in ("S", "N")
            or not _scan_start_ok(start, self)
        ):
            with page_sizes():
                return super().scan(
                    filters,
                    limit,
                    start,
                    filter_expression,
                    index_name,
                    consistent_read,
                    projection_expression,
                    segments,
                )
        results: list[Item] = []
        size = 0
        last_key = None
        for item in self._scan_candidates(items, start, segments):
            item_bytes = item.billed() if isinstance(item, StoredItem) else item.size()
            if len(results) == limit or size + item_bytes > PAGE_BYTES:
                last_key = self._get_last_evaluated_key(results[-1], None)
                break
            results.append(item)
            size += item_bytes
        scanned = len(results)
        return _filtered(results, filter_expression, projection_expression), scanned, last_key

    def _scan_candidates(
        self,
        items: PartitionMap,
        start: dict[str, Any] | None,
        segments: tuple[None, None] | tuple[int, int],
    ) -> Iterator[Item]:
        """The table's items after ``start``, in Scan order, in the segment asked for."""
        hashes = items.ordered()
        position = 0
        first = after = None
        if start is not None:
            assert self.range_key_attr is not None
            # Items up to the start key were the earlier pages (moto: _item_comes_before_dct).
            first = sort_value(DynamoType(start[self.hash_key_attr]))
            after = sort_value(DynamoType(start[self.range_key_attr]))
            position = hashes.left((first,))
        segment, total = segments
        for sort, hash_key in hashes.walk(position, True):
            partition = items.get(hash_key)
            if not partition:
                continue
            if total is not None and _segment_of(hash_key, total) != segment:
                continue
            order = partition.ordered()
            begin = order.after((after,)) if start is not None and sort == first else 0
            for _, range_key in order.walk(begin, True):
                yield partition[range_key]

    def _table_candidates(
        self, hash_key: DynamoType, start: dict[str, Any] | None, bounds: _Bounds
    ) -> Iterator[tuple[Any, Item]]:
        partition = cast(Partition | None, self.items.get(hash_key))
        if not partition:
            return
        order = partition.ordered()
        after = None
        if start is not None:
            assert self.range_key_attr is not None
            after = sort_value(DynamoType(start[self.range_key_attr]))

        def left(value: Any) -> int:
            return order.left((value,))

        def right(value: Any) -> int:
            return order.after((value,))

        position = bounds.first(len(order), left, right, after)
        for sort, key in order.walk(position, bounds.forward):
            yield sort, partition[key]

    def _index_candidates(
        self,
        entries: IndexEntries,
        hash_key: DynamoType,
        start: dict[str, Any] | None,
        bounds: _Bounds,
    ) -> Iterator[tuple[Any, Item]]:
        partition = entries.partitions.get(sort_value(hash_key))
        if not partition:
            return

        def left(value: Any) -> int:
            return partition.left((value,))

        def right(value: Any) -> int:
            return partition.right((value, _TOP))

        position = bounds.first(len(partition), left, right, None)
        if start is not None:
            assert self.range_key_attr is not None
            assert entries.order_attr is not None
            key = (
                sort_value(DynamoType(start[entries.order_attr])),
                sort_value(DynamoType(start[self.hash_key_attr])),
                sort_value(DynamoType(start[self.range_key_attr])),
            )
            if bounds.forward:
                position = max(position, partition.after(key))
            else:
                position = min(position, partition.left(key) - 1)
        found = partition.walk(position, bounds.forward)
        for entry in found:
            yield entry[0], entry[3]


def _key_size(value: dict[str, Any]) -> int:
    """moto's size of a key attribute's value (``DynamoType(value).size()``)."""
    if len(value) == 1:
        ((kind, raw),) = value.items()
        if kind == "S" or (kind == "B" and isinstance(raw, str | bytes)):
            return bytesize(raw)
        if kind == "N":
            return len(str(raw))
    return DynamoType(value).size()


def _scan_start_ok(start: dict[str, Any] | None, table: Table) -> bool:
    """Whether a Scan's ExclusiveStartKey is one the seek reads as moto would."""
    if start is None:
        return True
    if table.range_key_attr is None:
        return False
    for name, kind in (
        (table.hash_key_attr, table.hash_key_type),
        (table.range_key_attr, table.range_key_type),
    ):
        value = start.get(name)
        if not isinstance(value, dict) or list(value) != [kind]:
            return False
    return True


def _segment_of(hash_key: DynamoType, total: int) -> int:
    """moto's segment of a partition (``Item.is_within_segment``: MD5 of the hash key)."""
    digest = hashlib.md5(str(hash_key.value).encode("utf8"), usedforsecurity=False).digest()
    return digest[0] % total


def _complete_start_key(
    start: dict[str, Any] | None, table: Table, entries: IndexEntries | None
) -> bool:
    """Whether an ExclusiveStartKey names every attribute the seek needs (else: moto's walk)."""
    if start is None:
        return True
    needed = [table.hash_key_attr, table.range_key_attr]
    if entries is not None and entries.range_attr:
        needed.append(entries.range_attr)
    return all(name in start for name in needed)


class _Bounds:
    """A key condition on the sort key, applied to sort values in the order of the walk."""

    def __init__(self, comparison: str | None, operands: list[DynamoType], forward: bool) -> None:
        self.comparison = comparison
        self.forward = forward
        values = [sort_value(value) for value in operands]
        self.low: Any = None
        self.high: Any = None
        self.prefix: Any = None
        self.low_open = self.high_open = False
        if comparison in ("=", "EQ"):
            self.low = self.high = values[0]
        elif comparison in ("<", "LT"):
            self.high, self.high_open = values[0], True
        elif comparison in ("<=", "LE"):
            self.high = values[0]
        elif comparison in (">", "GT"):
            self.low, self.low_open = values[0], True
        elif comparison in (">=", "GE"):
            self.low = values[0]
        elif comparison == "BETWEEN":
            self.low, self.high = values[0], values[1]
        elif comparison == "BEGINS_WITH":
            self.prefix = values[0]
        elif comparison is not None:
            raise MockValidationException(f"Unsupported key condition {comparison}")

    def first(
        self,
        length: int,
        left: Callable[[Any], int],
        right: Callable[[Any], int],
        after: Any,
    ) -> int:
        """Where the walk starts: the condition's first position, after ``after`` if given.

        ``left(v)`` is the first position whose sort value is >= v, ``right(v)`` the first > v.
        """
        if self.forward:
            position = 0
            if self.prefix is not None:
                position = left(self.prefix)
            elif self.low is not None:
                position = right(self.low) if self.low_open else left(self.low)
            if after is not None:
                position = max(position, right(after))
            return position
        position = length - 1
        if self.prefix is not None:
            above = _successor(self.prefix)
            if above is not None:
                position = left(above) - 1
        elif self.high is not None:
            position = (left(self.high) if self.high_open else right(self.high)) - 1
        if after is not None:
            position = min(position, left(after) - 1)
        return position

    def holds(self, sort: Any) -> bool:
        if self.comparison is None:
            return True
        if self.prefix is not None:
            return isinstance(sort, type(self.prefix)) and sort.startswith(self.prefix)
        if self.low is not None and (sort < self.low or (self.low_open and sort == self.low)):
            return False
        return not (
            self.high is not None and (sort > self.high or (self.high_open and sort == self.high))
        )

    def past(self, sort: Any) -> bool:
        """Whether the walk has left the condition's range for good (nothing after can hold)."""
        if self.comparison is None:
            return False
        if self.prefix is not None:
            # walking forward, past the prefix once above it; backward, once below it
            head = sort[: len(self.prefix)]
            return bool(head > self.prefix if self.forward else head < self.prefix)
        if self.forward:
            return self.high is not None and (
                sort > self.high or (self.high_open and sort == self.high)
            )
        return self.low is not None and (sort < self.low or (self.low_open and sort == self.low))


def _successor(prefix: Any) -> Any:
    """The least value above every value that starts with ``prefix`` (None: there is none)."""
    if isinstance(prefix, str):
        for end in range(len(prefix) - 1, -1, -1):
            if ord(prefix[end]) < 0x10FFFF:
                return prefix[:end] + chr(ord(prefix[end]) + 1)
        return None
    if isinstance(prefix, bytes):
        for end in range(len(prefix) - 1, -1, -1):
            if prefix[end] < 0xFF:
                return prefix[:end] + bytes([prefix[end] + 1])
        return None
    return None


def _filtered(items: list[Any], filter_expression: Any, projection: Any) -> list[Any]:
    """A page's items after its filter and projection (the page was cut before either)."""
    if filter_expression is not None:
        items = [item for item in items if filter_expression.expr(item)]
    if projection:
        items = [item.project(projection) for item in items]
    return items
