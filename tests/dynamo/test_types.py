"""serialize: contactkit's fast path writes what boto3's TypeSerializer writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from contactkit.dynamo.types import deserialize, serialize, serialize_value

_boto3 = TypeSerializer()

_scalars = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.binary(max_size=4),
    st.sets(st.text(max_size=3), min_size=1, max_size=3),
    st.frozensets(st.integers(), min_size=1, max_size=3),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=4), inner, max_size=4),
    ),
    max_leaves=15,
)


def _outcome(write: Any, value: Any) -> Any:
    """What ``write(value)`` returns, or the error it raises (a number over 38 digits)."""
    try:
        return write(value)
    except Exception as error:  # the error itself is what is compared
        return type(error), str(error)


@given(_values)
def test_a_value_is_written_as_boto3_writes_it(value: Any) -> None:
    assert _outcome(serialize_value, value) == _outcome(_boto3.serialize, value)


def _boto3_item(values: dict[str, Any]) -> Any:
    return {k: _boto3.serialize(v) for k, v in values.items() if v is not None}


@given(st.dictionaries(st.text(max_size=5), _values, max_size=6))
def test_an_item_is_written_as_boto3_writes_it_without_its_nones(values: dict[str, Any]) -> None:
    assert _outcome(serialize, values) == _outcome(_boto3_item, values)


def test_a_nested_none_is_null_and_round_trips() -> None:
    item = serialize({"a": None, "m": {"x": None, "y": [True, "s", Decimal(1)]}})
    assert item == {
        "m": {"M": {"x": {"NULL": True}, "y": {"L": [{"BOOL": True}, {"S": "s"}, {"N": "1"}]}}}
    }
    assert deserialize(item) == {"m": {"x": None, "y": [True, "s", Decimal(1)]}}


@pytest.mark.parametrize("value", [1.5, [1.5], {"x": 1.5}, object()])
def test_what_boto3_refuses_is_refused_alike(value: Any) -> None:
    with pytest.raises(TypeError) as expected:
        _boto3.serialize(value)
    with pytest.raises(TypeError) as actual:
        serialize_value(value)
    assert str(actual.value) == str(expected.value)
