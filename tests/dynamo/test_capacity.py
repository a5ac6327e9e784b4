"""Capacity units by DynamoDB's documented rules (``contactkit/dynamo/capacity.py``).

The worked examples are those of the DynamoDB Developer Guide ("DynamoDB read and write
operations", "DynamoDB item sizes and formats", "Using global secondary indexes") and of the
pricing page.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactkit.dynamo import schema
from contactkit.dynamo.capacity import (
    IndexWrite,
    batch_read_units,
    index_write_units,
    index_writes,
    query_read_units,
    read_units,
    transactional_read_units,
    transactional_write_units,
    write_units,
)
from contactkit.dynamo.sizes import item_size

KB = 1024
sizes = st.integers(min_value=0, max_value=400 * KB)


@pytest.mark.parametrize(
    ("size", "consistent", "eventual"),
    [
        (0, 1.0, 0.5),  # an item that is not found still costs the minimum
        (1, 1.0, 0.5),
        (3_500, 1.0, 0.5),  # "reading a 3,500-byte item consumes the same as a 4 KB item"
        (4 * KB, 1.0, 0.5),
        (4 * KB + 1, 2.0, 1.0),
        (4_198, 2.0, 1.0),  # 4.1 KB
        (8 * KB, 2.0, 1.0),  # pricing page: 8 KB = 2 RCU strong, 1 eventual
        (10 * KB, 3.0, 1.5),  # "a 10 KB item is rounded up to 12 KB"
        (400 * KB, 100.0, 50.0),
    ],
)
def test_read_units_round_each_item_up_to_4_kb(
    size: int, consistent: float, eventual: float
) -> None:
    assert read_units(size, consistent=True) == consistent
    assert read_units(size, consistent=False) == eventual


@pytest.mark.parametrize(("size", "units"), [(0, 2.0), (3_500, 2.0), (8 * KB, 4.0), (10 * KB, 6.0)])
def test_transactional_reads_cost_twice_a_consistent_read(size: int, units: float) -> None:
    assert transactional_read_units(size) == units


def test_batch_get_rounds_each_item_before_adding() -> None:
    # The guide: 1.5 KB and 6.5 KB are charged as 4 KB + 8 KB = 12 KB, not as 8 KB.
    assert batch_read_units([1_536, 6_656], consistent=True) == 3.0
    assert batch_read_units([1_536, 6_656], consistent=False) == 1.5
    assert batch_read_units([], consistent=True) == 0.0


@pytest.mark.parametrize(
    ("total", "consistent", "eventual"),
    [
        (0, 1.0, 0.5),  # nothing matched: still the minimum
        (10 * 500, 2.0, 1.0),  # ten 500-byte items: 5,000 bytes -> 8 KB
        (41_779, 11.0, 5.5),  # the guide's 40.8 KB query is rounded to 44 KB
        (4 * KB, 1.0, 0.5),
        (100 * 40, 1.0, 0.5),  # a hundred 40-byte items share one 4 KB unit
    ],
)
def test_query_rounds_the_sum_of_item_sizes(total: int, consistent: float, eventual: float) -> None:
    assert query_read_units(total, consistent=True) == consistent
    assert query_read_units(total, consistent=False) == eventual


def test_query_is_cheaper_than_getting_the_same_items_one_by_one() -> None:
    ten_small = [500] * 10
    assert query_read_units(sum(ten_small), consistent=True) == 2.0
    assert batch_read_units(ten_small, consistent=True) == 10.0


@pytest.mark.parametrize(
    ("size", "units", "transactional"),
    [
        (0, 1, 2),  # e.g. deleting an item that does not exist
        (1, 1, 2),
        (KB, 1, 2),
        (KB + 1, 2, 4),
        (1_536, 2, 4),  # 1.5 KB
        (2_560, 3, 6),  # 2.5 KB
        (400 * KB, 400, 800),
    ],
)
def test_write_units_round_up_to_1_kb(size: int, units: int, transactional: int) -> None:
    assert write_units(size) == units
    assert transactional_write_units(size) == transactional


@pytest.mark.parametrize("bad", [-1, -4096])
def test_negative_sizes_are_rejected(bad: int) -> None:
    with pytest.raises(ValueError, match="size_bytes"):
        read_units(bad, consistent=True)
    with pytest.raises(ValueError, match="size_bytes"):
        write_units(bad)


# Whole items, sized by the guide's rules (names count; numbers 1 byte per 2 digits + 1;
# binary its raw bytes; lists/maps 3 bytes + 1 per element; null/bool 1 byte).
@pytest.mark.parametrize(
    ("item", "size", "wcu", "rcu"),
    [
        ({"name": {"S": "a" * 1_020}}, 1_024, 1, 1.0),
        ({"name": {"S": "a" * 1_020}, "n": {"N": "1"}}, 1_024 + 1 + 2, 2, 1.0),
        ({"id": {"N": "12345"}}, 2 + 4, 1, 1.0),
        ({"id": {"N": "1" * 38}}, 2 + 20, 1, 1.0),
        ({"id": {"N": "-0.000100"}}, 2 + 2, 1, 1.0),
        ({"b": {"B": b"\x00" * 1_023}}, 1_024, 1, 1.0),
        ({"b": {"B": b"\x00" * 1_024}}, 1_025, 2, 1.0),
        ({"flag": {"BOOL": True}, "gone": {"NULL": True}}, 5 + 5, 1, 1.0),
        ({"m": {"M": {"a": {"S": "x" * 1_000}}}}, 1 + 3 + (1 + 1 + 1_000), 1, 1.0),
        ({"l": {"L": [{"S": "x" * 100}] * 10}}, 1 + 3 + 10 * 101, 1, 1.0),
        ({"l": {"L": [{"S": "x" * 100}] * 11}}, 1 + 3 + 11 * 101, 2, 1.0),
        ({"ss": {"SS": ["a" * 512, "b" * 512]}}, 2 + 1_024, 2, 1.0),
        ({"ns": {"NS": ["1", "12345"]}}, 2 + 2 + 4, 1, 1.0),
        ({"text": {"S": "é" * 2_000}}, 4 + 4_000, 4, 1.0),
        ({"text": {"S": "😀" * 1_100}}, 4 + 4_400, 5, 2.0),
    ],
)
def test_units_of_whole_items(item: dict[str, Any], size: int, wcu: int, rcu: float) -> None:
    assert item_size(item) == size
    assert write_units(item_size(item)) == wcu
    assert read_units(item_size(item), consistent=True) == rcu


@given(sizes)
def test_eventual_reads_cost_half_a_consistent_read(size: int) -> None:
    assert read_units(size, consistent=False) * 2 == read_units(size, consistent=True)


@given(sizes, sizes)
def test_units_never_decrease_with_size(a: int, b: int) -> None:
    small, large = sorted((a, b))
    assert write_units(small) <= write_units(large)
    assert read_units(small, consistent=True) <= read_units(large, consistent=True)


@given(sizes)
def test_units_cover_the_size_with_less_than_one_unit_to_spare(size: int) -> None:
    assert write_units(size) * KB >= size > (write_units(size) - 1) * KB or size == 0
    consistent = read_units(size, consistent=True)
    assert consistent * 4 * KB >= size > (consistent - 1) * 4 * KB or size == 0


@given(st.lists(sizes, max_size=50))
def test_a_query_never_costs_more_than_getting_each_item(items: list[int]) -> None:
    if items:
        assert query_read_units(sum(items), consistent=True) <= batch_read_units(
            items, consistent=True
        )


# -- global secondary indexes --------------------------------------------------------------

EMAIL_ONLY = {"gsi-email": ("EmailPK", None)}
NAME_ONLY = {"gsi-name": ("PK", "NameSK")}


def _item(**attributes: str) -> dict[str, dict[str, Any]]:
    return {"PK": {"S": "ORG#o"}, "SK": {"S": "CONTACT#1"}} | {
        name: {"S": value} for name, value in attributes.items()
    }


@pytest.mark.parametrize(
    ("old", "new", "kinds"),
    [
        (None, _item(), []),  # never in the (sparse) index
        (_item(), _item(note="x"), []),
        (None, _item(EmailPK="a"), ["put"]),  # a new item with the key
        (_item(), _item(EmailPK="a"), ["put"]),  # an update that defines the key
        (_item(EmailPK="a"), None, ["delete"]),  # deleting an indexed item
        (_item(EmailPK="a"), _item(), ["delete"]),  # an update that removes the key
        (_item(EmailPK="a"), _item(EmailPK="a", note="x"), ["update"]),  # same key
        (_item(EmailPK="a"), _item(EmailPK="b"), ["delete", "put"]),  # key changed: two
    ],
)
def test_index_writes_for_a_hash_only_index(
    old: dict[str, Any] | None, new: dict[str, Any] | None, kinds: list[str]
) -> None:
    writes = index_writes(old, new, EMAIL_ONLY)
    assert [w.kind for w in writes] == kinds
    assert {w.index for w in writes} <= {"gsi-email"}
    assert index_write_units(old, new, EMAIL_ONLY) == len(kinds)  # small items: 1 unit each


@pytest.mark.parametrize(
    ("old", "new", "kinds"),
    [
        (None, _item(), []),  # the hash attribute alone does not put it in the index
        (None, _item(NameSK="smith#john#1"), ["put"]),
        (_item(NameSK="smith#john#1"), _item(NameSK="smith#john#1", note="x"), ["update"]),
        (_item(NameSK="smith#john#1"), _item(NameSK="smyth#john#1"), ["delete", "put"]),
    ],
)
def test_index_writes_for_an_index_with_a_range_key(
    old: dict[str, Any] | None, new: dict[str, Any] | None, kinds: list[str]
) -> None:
    assert [w.kind for w in index_writes(old, new, NAME_ONLY)] == kinds


def test_index_writes_are_sized_by_the_projected_item() -> None:
    old = _item(EmailPK="a", pad="x" * 1_000)  # 1,050 bytes: 2 units
    new = _item(EmailPK="b", pad="x" * 3_000)  # 3,050 bytes: 3 units
    assert index_writes(old, new, EMAIL_ONLY) == [
        IndexWrite("gsi-email", "delete", item_size(old)),
        IndexWrite("gsi-email", "put", item_size(new)),
    ]
    assert index_write_units(old, new, EMAIL_ONLY) == 2 + 3
    # An in-place update is charged for the larger of the two images.
    same_key = _item(EmailPK="a", pad="x" * 3_000)
    assert index_writes(old, same_key, EMAIL_ONLY) == [
        IndexWrite("gsi-email", "update", item_size(same_key))
    ]


def test_a_known_size_of_the_new_item_is_used_as_given() -> None:
    new = _item(EmailPK="b", pad="x" * 3_000)
    assert index_writes(None, new, EMAIL_ONLY, new_size=item_size(new)) == index_writes(
        None, new, EMAIL_ONLY
    )
    assert index_write_units(None, new, EMAIL_ONLY, new_size=5_000) == 5


def test_every_index_of_the_design_counts_separately() -> None:
    contact = _item(EmailPK="e", PhonePK="p", NameSK="n", FavPK="f")
    writes = index_writes(None, contact, schema.INDEX_KEYS)
    assert sorted(w.index for w in writes) == sorted(schema.INDEX_KEYS)
    assert index_write_units(contact, None, schema.INDEX_KEYS) == 4
    assert index_write_units(None, None, schema.INDEX_KEYS) == 0


def test_an_item_in_no_index_is_not_sized(monkeypatch: pytest.MonkeyPatch) -> None:
    # Most writes (tokens, tags) touch no index: their index writes cost no item sizing.
    from contactkit.dynamo import capacity

    sized: list[object] = []
    monkeypatch.setattr(capacity, "item_size", lambda item: sized.append(item) or 0)
    assert index_writes(_item(), _item(note="x"), EMAIL_ONLY) == []
    assert sized == []
    index_writes(None, _item(EmailPK="a"), EMAIL_ONLY)
    assert len(sized) == 1  # the new item (no old one)
