"""KeyValue: moto's DynamoType for key attributes, hash and cast computed once."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moto.dynamodb.models.dynamo_type import DynamoType

from contactkit.engine.keys import KeyValue, key_value
from contactkit.engine.tables import sort_value

numbers = st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
raw_keys = st.one_of(
    st.builds(lambda s: {"S": s}, st.text(max_size=8)),
    st.builds(lambda n: {"N": n}, numbers),
    st.builds(lambda b: {"B": base64.b64encode(b).decode()}, st.binary(max_size=8)),
    st.builds(lambda b: {"B": b}, st.binary(max_size=8)),
)


@given(raw_keys, raw_keys)
def test_key_values_compare_and_hash_as_moto_values(left: dict, right: dict) -> None:
    fast_left, fast_right = key_value(left), key_value(right)
    moto_left, moto_right = DynamoType(left), DynamoType(right)
    assert type(fast_left) is KeyValue
    assert hash(fast_left) == hash(moto_left)
    expected = moto_left == moto_right
    assert (fast_left == fast_right) is expected
    assert (fast_left == moto_right) is expected
    assert (moto_left == fast_right) is expected
    assert (fast_left != fast_right) is (not expected)
    assert fast_left.cast_value == moto_left.cast_value
    assert sort_value(fast_left) == sort_value(moto_left)


@given(raw_keys)
def test_a_dict_keyed_by_moto_values_finds_key_values_and_back(raw: dict) -> None:
    assert {DynamoType(raw): "item"}.get(key_value(raw)) == "item"
    assert {key_value(raw): "item"}.get(DynamoType(raw)) == "item"


def test_equal_numbers_written_differently_are_one_key() -> None:
    assert key_value({"N": "1.0"}) == key_value({"N": "1"})
    assert len({key_value({"N": "10"}), key_value({"N": "1E1"})}) == 1
    assert key_value({"N": "2"}).sort == Decimal(2)


@pytest.mark.parametrize(
    "raw",
    [
        {"N": "not a number"},  # moto's own value raises when it is hashed
        {"SS": ["a"]},
        {"L": [{"S": "a"}]},
        {"S": "a", "N": "1"},
        {"S": 1},
    ],
)
def test_anything_but_a_well_formed_key_stays_a_moto_value(raw: dict) -> None:
    value = key_value(raw)
    assert type(value) is DynamoType
