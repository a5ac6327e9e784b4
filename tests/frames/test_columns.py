"""Column conversion from DynamoDB JSON, including values of unexpected types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactkit.clock import to_millis
from contactkit.contacts import items
from contactkit.contacts.model import Address, Contact
from contactkit.frames import columns as cols


def _frame(items: list[dict[str, Any]], names: list[str]) -> pd.DataFrame:
    builder = cols.FrameBuilder(cols.select(names))
    builder.add(items)
    return builder.frame()


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("company", {"N": "42"}, "42"),  # a number where text is expected
        ("tags", {"SS": ["b", "a"]}, ["a", "b"]),  # a string set instead of a list
        ("custom_fields", {"M": {"size": {"N": "3"}}}, {"size": "3"}),
        ("favorite", {"N": "1"}, True),
        ("notes", {"NULL": True}, None),
    ],
)
def test_unexpected_types_take_the_general_path(name: str, value: Any, expected: Any) -> None:
    items = [{"id": {"S": "1"}}, {"id": {"S": "2"}, name: value}]
    df = _frame(items, ["id", name])
    got = df[name].iloc[1]
    assert pd.isna(got) if expected is None else got == expected, got


def test_nested_paths_and_absent_maps() -> None:
    items = [
        {"address": {"M": {"city": {"S": "Oslo"}}}},
        {},
        {"address": {"M": {"country": {"S": "GB"}}}},
    ]
    df = _frame(items, ["city", "country"])
    assert df["city"].tolist() == ["Oslo", pd.NA, pd.NA]
    assert df["country"].astype("string").tolist() == [pd.NA, pd.NA, "GB"]


def test_projection_expression_uses_placeholders_for_every_name() -> None:
    request = cols.projection_expression(cols.select(["state", "city", "id"]))
    assert request["ProjectionExpression"] == "#c0.#c1, #c0.#c2, #c3"
    assert request["ExpressionAttributeNames"] == {
        "#c0": "address",
        "#c1": "state",
        "#c2": "city",
        "#c3": "id",
    }


_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
_moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(to_millis)


@given(
    first=_text,
    company=st.none() | _text,
    tags=st.lists(_text, max_size=3, unique=True),
    city=st.none() | _text,
    custom=st.dictionaries(_text, _text, max_size=3),
    favorite=st.booleans(),
    created=_moments,
    contacted=st.none() | _moments,
    version=st.integers(1, 10**6),
)
def test_a_stored_contact_comes_back_as_it_was(
    first: str,
    company: str | None,
    tags: list[str],
    city: str | None,
    custom: dict[str, str],
    favorite: bool,
    created: datetime,
    contacted: datetime | None,
    version: int,
) -> None:
    contact = Contact(
        id="01J00000000000000000000000",
        org_id="org-a",
        first_name=first,
        last_name="L",
        email="a@example.com",
        company=company,
        tags=tuple(tags),
        favorite=favorite,
        address=Address(city=city) if city else None,
        custom_fields=custom,
        created_at=created,
        updated_at=created,
        last_contacted_at=contacted,
        version=version,
    )
    builder = cols.FrameBuilder(cols.COLUMNS)
    builder.add([orjson.loads(orjson.dumps(items.contact_item(contact, "t")))])
    row = builder.frame().iloc[0]
    assert row["first_name"] == first
    assert (pd.isna(row["company"]) and company is None) or row["company"] == company
    assert row["tags"] == tags
    assert (pd.isna(row["city"]) and city is None) or row["city"] == city
    assert row["custom_fields"] == custom
    assert bool(row["favorite"]) is favorite
    assert row["created_at"].to_pydatetime() == created
    assert (pd.isna(row["last_contacted_at"]) and contacted is None) or (
        row["last_contacted_at"].to_pydatetime() == contacted
    )
    assert row["version"] == version
