"""Column conversion from DynamoDB JSON, including values of unexpected types."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pandas as pd
import pytest

from contactkit import columns as cols
from contactkit.loader import collector_paused


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


@pytest.mark.parametrize("enabled_before", [True, False])
def test_collector_pause_nests_and_restores(enabled_before: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    try:
        inner_started, release = threading.Event(), threading.Event()

        def other_load() -> None:
            with collector_paused():
                inner_started.set()
                release.wait(5)

        worker = threading.Thread(target=other_load)
        with collector_paused():
            worker.start()
            inner_started.wait(5)
            assert not gc.isenabled()
        assert not gc.isenabled()  # the other load still runs
        release.set()
        worker.join()
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was else gc.disable)()
