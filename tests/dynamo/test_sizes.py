"""Item sizes by DynamoDB's rules (``contactkit/dynamo/sizes.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactkit.dynamo import limits
from contactkit.dynamo.sizes import item_size, number_size, value_size


@pytest.mark.parametrize(
    ("text", "size"),
    [("", 0), ("abc", 3), ("é", 2), ("€", 3), ("😀", 4), ("aé€😀", 10)],
)
def test_strings_count_utf8_bytes(text: str, size: int) -> None:
    assert value_size({"S": text}) == size


@given(st.text())
def test_string_size_is_its_utf8_length(text: str) -> None:
    assert value_size({"S": text}) == len(text.encode("utf-8"))


@pytest.mark.parametrize(
    ("number", "size"),
    [
        (1, 2),
        (12, 2),
        (123, 3),
        (1234, 3),
        (12345, 4),
        (1234567, 5),
        (0, 2),
        (100, 2),  # trailing zeros are not significant
        (-12, 2),  # nor is the sign
        ("1.5", 2),
        ("1.50", 2),
        ("0.001", 2),  # leading zeros are not significant
        ("123.456", 4),
        (Decimal("1E+10"), 2),
        ("9" * 38, 20),
    ],
)
def test_number_size(number: int | str | Decimal, size: int) -> None:
    assert number_size(number) == size
    assert value_size({"N": str(number)}) == size


@given(st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1))
def test_integer_size_follows_significant_digits(number: int) -> None:
    significant = len(str(abs(number)).rstrip("0")) or 1
    assert number_size(number) == (significant + 1) // 2 + 1


@pytest.mark.parametrize("value", [{"BOOL": True}, {"BOOL": False}, {"NULL": True}])
def test_booleans_and_null_count_one_byte(value: dict[str, Any]) -> None:
    assert value_size(value) == 1


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"M": {}}, 3),
        ({"L": []}, 3),
        ({"L": [{"S": "ab"}]}, 3 + 1 + 2),
        ({"L": [{"S": "ab"}, {"N": "1"}, {"NULL": True}]}, 3 + (1 + 2) + (1 + 2) + (1 + 1)),
        ({"M": {"a": {"S": "xy"}}}, 3 + 1 + 1 + 2),
        ({"M": {"é": {"BOOL": True}, "bb": {"S": ""}}}, 3 + (1 + 2 + 1) + (1 + 2 + 0)),
        ({"M": {"l": {"L": [{"M": {}}]}}}, 3 + (1 + 1 + (3 + 1 + 3))),
    ],
)
def test_maps_and_lists_count_overhead_per_container_and_element(
    value: dict[str, Any], size: int
) -> None:
    assert value_size(value) == size


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"SS": ["a", "é"]}, 3),
        ({"NS": ["1", "12345"]}, 2 + 4),
        ({"B": b"\x00\x01\x02"}, 3),
        ({"BS": [b"ab", b"c"]}, 3),
    ],
)
def test_sets_and_binary(value: dict[str, Any], size: int) -> None:
    assert value_size(value) == size


def test_unknown_types_are_rejected() -> None:
    with pytest.raises(ValueError, match="XX"):
        value_size({"XX": "1"})


def test_item_size_sums_names_and_values() -> None:
    item = {"PK": {"S": "ORG#a"}, "n": {"N": "12"}, "é": {"BOOL": True}}
    assert item_size(item) == (2 + 5) + (1 + 2) + (2 + 1)
    assert item_size({}) == 0


def test_an_item_of_a_400_kb_string_exceeds_the_item_limit() -> None:
    assert limits.MAX_ITEM_BYTES == 400 * 1024
    item = {"PK": {"S": "p"}, "data": {"S": "x" * (400 * 1024)}}
    assert item_size(item) > limits.MAX_ITEM_BYTES


def test_the_item_limit_counts_bytes_not_characters() -> None:
    room = limits.MAX_ITEM_BYTES - len("data")
    assert item_size({"data": {"S": "x" * room}}) == limits.MAX_ITEM_BYTES
    assert item_size({"data": {"S": "é" * (room // 2 + 1)}}) > limits.MAX_ITEM_BYTES


def _reference_size(value: dict[str, Any]) -> int:
    """The documented rules written plainly: every text encoded, every number a Decimal."""
    ((kind, payload),) = value.items()
    if kind == "S":
        return len(payload.encode("utf-8"))
    if kind == "N":
        digits = "".join(map(str, Decimal(payload).as_tuple().digits)).strip("0")
        return (max(len(digits), 1) + 1) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _reference_size(v) for v in payload)
    return 3 + sum(1 + len(k.encode("utf-8")) + _reference_size(v) for k, v in payload.items())


_numbers = st.one_of(
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.from_regex(r"\A[0-9]{1,38}\Z"),  # leading zeros too
)
_values = st.recursive(
    st.one_of(
        st.builds(lambda s: {"S": s}, st.text()),
        st.builds(lambda n: {"N": n}, _numbers),
        st.just({"BOOL": True}),
        st.just({"NULL": True}),
    ),
    lambda inner: st.one_of(
        st.builds(lambda v: {"L": v}, st.lists(inner, max_size=4)),
        st.builds(lambda m: {"M": m}, st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(min_size=1, max_size=8), _values, max_size=6))
def test_sizes_follow_the_plain_rules_for_any_nesting(item: dict[str, Any]) -> None:
    # The sizer takes short cuts (ASCII text counted without encoding, plain digits without a
    # Decimal): they must agree with the rules written plainly.
    for value in item.values():
        assert value_size(value) == _reference_size(value)
    expected = sum(len(k.encode("utf-8")) + _reference_size(v) for k, v in item.items())
    assert item_size(item) == expected
