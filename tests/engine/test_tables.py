"""The engine's tables (sorted partitions, index entries kept on write) against stock moto.

Stock moto's ``DynamoDBBackend`` filters and sorts the whole table for every Query page: slow,
but an independent reference. Random sequences of puts, updates, deletes and Query pages (table
and indexes, every key condition, both directions, paged with ``Limit``) must give the same
pages, ``ScannedCount`` and ``LastEvaluatedKey`` on both.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType

from contactkit.dynamo.sizes import item_size
from contactkit.engine.embedded import ACCOUNT_ID, REGION, EmbeddedEngine, EngineBackend
from contactkit.engine.tables import (
    PAGE_BYTES,
    EngineTable,
    Partition,
    SortedRun,
    StoredItem,
    compact_touched,
    sort_value,
)
from tests.engine import test_dynalite_capacity as capacity

TABLE = "t"
INDEXES = {
    "by-g": ("G", "GS"),  # a sparse index with a sort key
    "by-g-only": ("G", None),  # no sort key: moto orders it by the table's sort key
    "keys-only": ("GS", "SK"),
}
SORT_KEYS = ["a", "a#1", "a#2", "a#10", "ab", "b", "b#1", "é", "z", "\U0001f600"]


def create(backend: DynamoDBBackend) -> None:
    def schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
        keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
        if range_key:
            keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
        return keys

    backend.create_table(
        TABLE,
        schema=schema("PK", "SK"),
        throughput=None,
        attr=[{"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK", "G", "GS")],
        global_indexes=[
            {
                "IndexName": name,
                "KeySchema": schema(*keys),
                "Projection": {"ProjectionType": "KEYS_ONLY" if name == "keys-only" else "ALL"},
            }
            for name, keys in INDEXES.items()
        ],
        indexes=[],
        streams=None,
        billing_mode="PAY_PER_REQUEST",
        sse_specification=None,
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )


pks = st.sampled_from(["p1", "p2"])
sks = st.sampled_from(SORT_KEYS)
optional_s = st.sampled_from([None, "g1", "g2", "g1", *SORT_KEYS[:4]])

puts = st.tuples(st.just("put"), pks, sks, optional_s, optional_s, st.integers(0, 9))
updates = st.tuples(st.just("update"), pks, sks, st.sampled_from(["G", "GS", "v"]), optional_s)
deletes = st.tuples(st.just("delete"), pks, sks)
conditions = st.sampled_from(["none", "=", "<", "<=", ">", ">=", "BETWEEN", "BEGINS_WITH"])
queries = st.tuples(
    st.just("query"),
    st.sampled_from([None, *INDEXES]),
    st.sampled_from(["p1", "p2", "g1", "g2", "a"]),
    conditions,
    sks,
    sks,
    st.booleans(),
    st.integers(1, 4),
)
scans = st.tuples(
    st.just("scan"),
    st.integers(1, 5),
    st.sampled_from([(None, None), (0, 2), (1, 2), (0, 3), (2, 3)]),
    st.sampled_from([None, "G = :g", "attribute_exists(GS)", "v > :v"]),
    st.sampled_from([None, [["PK"], ["v"]], [["G"]]]),
)
operations = st.lists(
    st.one_of(puts, puts, puts, updates, deletes, queries, scans), min_size=10, max_size=80
)


def apply(backend: DynamoDBBackend, operation: tuple[Any, ...]) -> Any:
    kind = operation[0]
    if kind == "put":
        _, pk, sk, g, gs, v = operation
        item = {"PK": {"S": pk}, "SK": {"S": sk}, "v": {"N": str(v)}}
        if g is not None:
            item["G"] = {"S": g}
        if gs is not None:
            item["GS"] = {"S": gs}
        backend.put_item(TABLE, item)
        return None
    if kind == "update":
        _, pk, sk, name, value = operation
        key = {"PK": {"S": pk}, "SK": {"S": sk}}
        if value is None:
            backend.update_item(TABLE, key, f"REMOVE {name}", {}, {})
        else:
            backend.update_item(TABLE, key, f"SET {name} = :v", {}, {":v": {"S": value}})
        return None
    if kind == "delete":
        _, pk, sk = operation
        backend.delete_item(TABLE, {"PK": {"S": pk}, "SK": {"S": sk}})
        return None
    if kind == "scan":
        return scan_pages(backend, *operation[1:])
    return all_pages(backend, *operation[1:])


def scan_pages(
    backend: DynamoDBBackend,
    limit: int,
    segments: tuple[Any, Any],
    condition: str | None,
    projection: list[list[str]] | None,
    start: dict[str, Any] | None = None,
) -> list[Any]:
    """Every page of one Scan (moto's backend entry point on both), from ``start``."""
    values = {":g": {"S": "g1"}, ":v": {"N": "4"}}
    used = {name: value for name, value in values.items() if condition and name in condition}
    pages: list[Any] = []
    for _ in range(100):
        items, scanned, last = DynamoDBBackend.scan(
            backend,
            TABLE,
            {},
            limit,
            start,  # type: ignore[arg-type]
            condition,
            {},
            used,
            None,  # type: ignore[arg-type]
            False,
            projection,
            segments,
        )
        pages.append(([item.to_json() for item in items], scanned, plain(last)))
        if last is None:
            return pages
        start = plain(last)
    raise AssertionError("a Scan that never ends")


def all_pages(
    backend: DynamoDBBackend,
    index: str | None,
    hash_value: str,
    comparison: str,
    low: str,
    high: str,
    forward: bool,
    limit: int,
) -> list[Any]:
    """Every page of one Query, as comparable data (moto's own query loop on both backends)."""
    if comparison == "none" or (index is not None and INDEXES[index][1] is None):
        comparison_arg, values = None, []
    elif comparison == "BETWEEN":
        comparison_arg, values = comparison, [{"S": min(low, high)}, {"S": max(low, high)}]
    else:
        comparison_arg, values = comparison, [{"S": low}]
    hash_attr = INDEXES[index][0] if index else "PK"
    range_attr = (INDEXES[index][1] if index else "SK") or None
    pages: list[Any] = []
    start = None
    for _ in range(50):
        items, scanned, last = DynamoDBBackend.query(
            backend,
            TABLE,
            {"S": hash_value},
            comparison_arg,
            values,
            limit,
            start,
            forward,
            None,
            index_name=index,
            hash_key_conditions=[(hash_attr, {"S": hash_value})],
            range_key_conditions=(
                [(range_attr, comparison_arg, values)] if comparison_arg and range_attr else []
            ),
        )
        pages.append(([item.to_json() for item in items], scanned, plain(last)))
        if last is None:
            return pages
        start = plain(last)
    raise AssertionError("a Query that never ends")


def plain(key: dict[str, Any] | None) -> dict[str, Any] | None:
    if key is None:
        return None
    return {n: v.to_json() if isinstance(v, DynamoType) else v for n, v in key.items()}


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(operations)
def test_queries_answer_like_stock_moto(sequence: list[tuple[Any, ...]]) -> None:
    engine, stock = EngineBackend(REGION, ACCOUNT_ID), DynamoDBBackend(REGION, ACCOUNT_ID)
    create(engine), create(stock)
    assert isinstance(engine.get_table(TABLE), EngineTable)
    for operation in sequence:
        assert outcome(engine, operation) == outcome(stock, operation), operation
        compact_touched()  # as after every request: items kept as their encoding


def outcome(backend: DynamoDBBackend, operation: tuple[Any, ...]) -> Any:
    """What the operation answered, or the name of the error it raised (the same on both)."""
    try:
        return apply(backend, operation)
    except Exception as exc:  # compared, not swallowed: both backends must raise alike
        return type(exc).__name__


def test_a_new_index_is_backfilled_and_then_kept() -> None:
    engine, stock = EngineBackend(REGION, ACCOUNT_ID), DynamoDBBackend(REGION, ACCOUNT_ID)
    for backend in (engine, stock):
        create(backend)
        for n in range(30):
            apply(backend, ("put", "p1", f"s{n:02}", None, f"x{n % 3}", n))
        backend.update_table_global_indexes(
            backend.get_table(TABLE),
            [
                {
                    "Create": {
                        "IndexName": "by-gs",
                        "KeySchema": [
                            {"AttributeName": "GS", "KeyType": "HASH"},
                            {"AttributeName": "v", "KeyType": "RANGE"},
                        ],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                }
            ],
        )
        apply(backend, ("put", "p2", "s99", None, "x1", 5))
    INDEXES["by-gs"] = ("GS", "v")
    try:
        for direction in (True, False):
            query = ("by-gs", "x1", "none", "", "", direction, 4)
            assert all_pages(engine, *query) == all_pages(stock, *query)
            assert sum(len(page[0]) for page in all_pages(engine, *query)) == 11
    finally:
        del INDEXES["by-gs"]


def test_a_partition_stays_ordered_whichever_way_it_is_written() -> None:
    partition = Partition()
    keys = [DynamoType({"S": s}) for s in ("b", "a", "c")]
    partition[keys[0]] = None  # type: ignore[assignment]
    order = partition.ordered()  # built now, kept from here on
    partition[keys[1]] = None  # type: ignore[assignment]
    partition[keys[2]] = None  # type: ignore[assignment]
    partition.pop(keys[0])
    assert [sort for sort, _ in order.walk(0, True)] == ["a", "c"]
    del partition[keys[1]]
    assert [sort for sort, _ in order.walk(0, True)] == ["c"]


@pytest.mark.parametrize("size", [3, SortedRun.LONG + 10])
def test_sorted_run_short_and_long(size: int) -> None:
    run = SortedRun((n, "x") for n in range(0, 2 * size + 8, 2))
    run.add((5, "y"))
    run.remove((4, "x"))
    values = [n for n, _ in run.walk(0, True)]
    assert values == sorted(values) and 5 in values and 4 not in values
    assert run.left((6,)) == values.index(6)
    assert run.after((6,)) == values.index(6) + 1
    assert [n for n, _ in run.walk(len(run) - 1, False)] == values[::-1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"S": "é"}, "é"),
        ({"N": "1.50"}, sort_value(DynamoType({"N": "1.5"}))),
        ({"B": b"\x00"}, b"\x00"),
    ],
)
def test_sort_values(value: dict[str, Any], expected: Any) -> None:
    assert sort_value(DynamoType(value)) == expected


def test_a_stored_item_is_compact_between_requests_and_the_same_after() -> None:
    engine = EngineBackend(REGION, ACCOUNT_ID)
    create(engine)
    item = {
        "PK": {"S": "p"},
        "SK": {"S": "s"},
        "b": {"B": b"\x00\xff"},
        "n": {"N": "1.50"},
        "m": {"M": {"l": {"L": [{"BS": [b"\x01"]}, {"NULL": True}]}}},
    }
    engine.put_item(TABLE, item)
    stored = engine.get_table(TABLE).items[DynamoType({"S": "p"})][DynamoType({"S": "s"})]
    assert isinstance(stored, StoredItem)
    expanded = stored.to_json()
    compact_touched()
    assert stored.encoded is not None and vars(stored).get("_attrs") is None
    assert stored.to_json() == expanded  # built again from the encoding, binaries as bytes
    engine.update_item(
        TABLE, {"PK": {"S": "p"}, "SK": {"S": "s"}}, "SET n = :v", {}, {":v": {"N": "2"}}
    )
    compact_touched()
    assert stored.to_json()["Attributes"]["n"] == {"N": "2"}


# A 10 KB item whose sizes differ by rule: contactkit (DynamoDB) counts the 38-digit number as
# 20 bytes and the list with its overhead; moto counts 38 bytes and no overhead.
BIG_ITEM = {
    "pad": {"S": "x" * 10_000},
    "n": {"N": "1" * 38},
    "tags": {"L": [{"N": "7"}, {"S": "ab"}]},
}


@pytest.fixture(scope="module")
def big_items() -> Any:
    """A client on an engine whose partition ``p`` holds 150 items of :data:`BIG_ITEM`."""
    with EmbeddedEngine() as engine:
        client = capacity.client_for(engine.url)
        capacity.create_table(client)
        puts = [
            {"PutRequest": {"Item": {"PK": {"S": "p"}, "SK": {"S": f"{n:04}"}, **BIG_ITEM}}}
            for n in range(150)
        ]
        for start in range(0, len(puts), 25):
            client.batch_write_item(RequestItems={capacity.TABLE: puts[start : start + 25]})
        yield client


def _first_page(client: Any, operation: str) -> dict[str, Any]:
    if operation == "Query":
        return client.query(  # type: ignore[no-any-return]
            TableName=capacity.TABLE,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": "p"}},
        )
    return client.scan(TableName=capacity.TABLE)  # type: ignore[no-any-return]


@pytest.mark.parametrize("operation", ["Query", "Scan"])
def test_a_page_ends_before_the_item_that_would_pass_1_mib(big_items: Any, operation: str) -> None:
    # DynamoDB: pages "1 MB in size (or less)"; a Query "only returns a result set that fits
    # within the 1 MB size limit" (Query.Pagination.html): the crossing item opens the next page.
    size = item_size({"PK": {"S": "p"}, "SK": {"S": "0000"}, **BIG_ITEM})
    assert size == 3 + 6 + 10_003 + 21 + 4 + 3 + (1 + 2) + (1 + 2)  # 10,046 bytes
    page = _first_page(big_items, operation)
    assert page["Count"] == page["ScannedCount"] == PAGE_BYTES // size == 104
    assert page["Count"] != 1_000_000 // size  # moto's cut: 99 items
    assert page["LastEvaluatedKey"]["SK"] == {"S": "0103"}


@pytest.mark.parametrize(
    "start",
    [
        {"PK": {"S": "p1"}, "SK": {"S": "b"}},  # a key that is stored
        {"PK": {"S": "p1"}, "SK": {"S": "aa"}},  # a key between stored keys
        {"PK": {"S": "p0"}, "SK": {"S": "zz"}},  # a partition that does not exist
        {"PK": {"S": "p15"}, "SK": {"S": "a"}},
        {"PK": {"S": "q"}, "SK": {"S": "a"}},  # after every partition
    ],
)
@pytest.mark.parametrize("segments", [(None, None), (0, 2), (1, 2)])
def test_scan_pages_seek_like_stock_moto(start: dict[str, Any], segments: Any) -> None:
    engine, stock = EngineBackend(REGION, ACCOUNT_ID), DynamoDBBackend(REGION, ACCOUNT_ID)
    for backend in (engine, stock):
        create(backend)
        for pk in ("p1", "p2", "p10", "p3"):
            for sk in SORT_KEYS:
                apply(backend, ("put", pk, sk, "g1", None, 3))
        backend.delete_item(TABLE, {"PK": {"S": "p3"}, "SK": {"S": "a"}})
    for limit in (1, 3, 100):
        expected = scan_pages(stock, limit, segments, None, None, start)
        assert scan_pages(engine, limit, segments, None, None, start) == expected
        assert scan_pages(engine, limit, segments, "v > :v", None, start) == scan_pages(
            stock, limit, segments, "v > :v", None, start
        )


def test_a_scan_page_does_not_sort_the_table_again() -> None:
    """Paging a Scan sorts the partitions once; a new partition sorts them again."""
    backend = EngineBackend(REGION, ACCOUNT_ID)
    create(backend)
    for pk in ("p2", "p1"):
        apply(backend, ("put", pk, "a", None, None, 1))
    table = backend.get_table(TABLE)
    items = table.items
    first = items.ordered()
    scan_pages(backend, 1, (None, None), None, None)
    assert items.ordered() is first
    apply(backend, ("put", "p0", "a", None, None, 1))
    assert items.ordered() is not first
    assert [key.value for _, key in items.ordered().walk(0, True)] == ["p0", "p1", "p2"]


_scalars = st.one_of(
    st.builds(lambda s: {"S": s}, st.text(max_size=8)),
    st.builds(lambda n: {"N": str(n)}, st.decimals(allow_nan=False, allow_infinity=False)),
    st.builds(lambda b: {"B": b}, st.binary(max_size=8)),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda s: {"SS": sorted(s)}, st.sets(st.text(max_size=4), min_size=1, max_size=3)),
    st.builds(
        lambda s: {"NS": [str(n) for n in s]}, st.sets(st.integers(), min_size=1, max_size=3)
    ),
    st.builds(lambda s: {"BS": sorted(s)}, st.sets(st.binary(max_size=4), min_size=1, max_size=3)),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.builds(lambda v: {"L": v}, st.lists(inner, max_size=3)),
        st.builds(lambda v: {"M": v}, st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    ),
    max_leaves=8,
)


@given(_values)
def test_moto_size_from_json_is_motos_size(value: dict[str, Any]) -> None:
    from contactkit.engine.tables import moto_size

    assert moto_size(value) == DynamoType(value).size()


@pytest.mark.parametrize("segments", [(None, None), (0, 2), (1, 3)])
def test_scan_pages_of_number_hash_keys_like_stock_moto(segments: Any) -> None:
    """Number hash keys scan in numeric order (1, 2, 10; not as text), as moto orders them."""
    engine, stock = EngineBackend(REGION, ACCOUNT_ID), DynamoDBBackend(REGION, ACCOUNT_ID)
    for backend in (engine, stock):
        backend.create_table(
            "n",
            schema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            throughput=None,
            attr=[
                {"AttributeName": "PK", "AttributeType": "N"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            global_indexes=[],
            indexes=[],
            streams=None,
            billing_mode="PAY_PER_REQUEST",
            sse_specification=None,
            tags=[],
            deletion_protection_enabled=False,
            warm_throughput=None,
        )
        for pk in ("10", "2", "-5", "3.50", "1", "100"):
            for sk in ("a", "b"):
                backend.put_item("n", {"PK": {"N": pk}, "SK": {"S": sk}})

    def pages(backend: DynamoDBBackend, start: Any) -> list[Any]:
        found = []
        for _ in range(30):
            items, scanned, last = DynamoDBBackend.scan(
                backend,
                "n",
                {},
                3,
                start,
                None,
                {},
                {},
                None,
                False,
                None,
                segments,  # type: ignore[arg-type]
            )
            found.append(([i.to_json() for i in items], scanned, plain(last)))
            if last is None:
                return found
            start = plain(last)
        raise AssertionError("a Scan that never ends")

    for start in (None, {"PK": {"N": "2"}, "SK": {"S": "a"}}, {"PK": {"N": "3"}, "SK": {"S": "z"}}):
        assert pages(engine, start) == pages(stock, start)


def _stored(engine: EngineBackend, pk: str, sk: str) -> StoredItem:
    item = engine.get_table(TABLE).items[DynamoType({"S": pk})][DynamoType({"S": sk})]
    assert isinstance(item, StoredItem)
    return item


def test_an_item_over_motos_400_kb_is_refused_and_one_long_only_as_json_is_not() -> None:
    from moto.dynamodb.exceptions import ItemSizeTooLarge

    engine = EngineBackend(REGION, ACCOUNT_ID)
    create(engine)
    with pytest.raises(ItemSizeTooLarge):
        engine.put_item(TABLE, {"PK": {"S": "p"}, "SK": {"S": "big"}, "x": {"S": "x" * 405_000}})
    # 30,000 numbers: 210 KB by moto's count, 570 KB of JSON
    numbers = {f"n{i:05}": {"N": "1"} for i in range(30_000)}
    engine.put_item(TABLE, {"PK": {"S": "p"}, "SK": {"S": "many"}, **numbers})
    stored = _stored(engine, "p", "many")
    assert stored.size() == 210_000 + len("p") + len("many") + len("PK") + len("SK")


def test_a_stored_items_moto_size_is_motos_whether_built_compacted_or_updated() -> None:
    from moto.dynamodb.models.dynamo_type import Item

    engine = EngineBackend(REGION, ACCOUNT_ID)
    create(engine)
    attrs = {"PK": {"S": "p"}, "SK": {"S": "s"}, "n": {"N": "-0.000100"}, "b": {"B": b"\x00"}}
    expected = Item(DynamoType(attrs["PK"]), DynamoType(attrs["SK"]), attrs).size()
    engine.put_item(TABLE, attrs)
    assert _stored(engine, "p", "s").size() == expected  # in the request that built it
    compact_touched()
    assert _stored(engine, "p", "s").size() == expected  # from its encoding
    engine.update_item(TABLE, {"PK": {"S": "p"}, "SK": {"S": "s"}}, "REMOVE b", {}, {})
    assert _stored(engine, "p", "s").size() == expected - len("b") - 1


@pytest.mark.parametrize(
    "attrs",
    [
        {"s": {"S": "text"}, "n": {"N": "1"}},
        {"n": {"N": 5}},  # a number sent as a JSON number
        {"s": {"S": 5}},
        {"x": {"NULL": False}},
        {"m": {"M": {"deep": {"N": 1}}}},
        {"N": {"S": "an attribute named like a type"}},
        {"S": {"N": 1}},
        {"NULL": {"S": "x"}},
        {"odd": {"S": "a", "N": 1}},
        {"list": {"L": [{"S": 2}]}},
    ],
)
def test_item_types_are_validated_as_moto_validates_them(attrs: dict[str, Any]) -> None:
    engine = EngineBackend(REGION, ACCOUNT_ID)
    create(engine)
    table = engine.get_table(TABLE)

    def outcome(check: Any) -> Any:
        try:
            check()
        except Exception as error:  # the exception moto raises is what is compared
            return type(error)
        return None

    expected = outcome(lambda: table._validate_item_types(attrs))
    assert outcome(lambda: table._validate_types(attrs)) == expected


@pytest.mark.parametrize(
    ("key", "refused"),
    [
        ("x" * 2048, False),
        ("x" * 2049, True),
        ("\U0001f600" * 512, False),  # 4 UTF-8 bytes a character: 2,048 bytes
        ("\U0001f600" * 513, True),
        ("é" * 1024, False),
        ("é" * 1025, True),
    ],
)
def test_hash_keys_are_limited_by_their_utf8_bytes(key: str, refused: bool) -> None:
    from moto.dynamodb.exceptions import HashKeyTooLong

    engine = EngineBackend(REGION, ACCOUNT_ID)
    create(engine)
    item = {"PK": {"S": key}, "SK": {"S": "s"}}
    if refused:
        with pytest.raises(HashKeyTooLong):
            engine.put_item(TABLE, item)
    else:
        engine.put_item(TABLE, item)
