"""Charts: the plotted data (bar heights, labels, order, titles), not pixels."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from contactkit.frames import charts
from tests.sample_frames import NOW, contact, frame

PLOTS: list[Callable[..., Any]] = [
    charts.plot_top_companies,
    charts.plot_tags,
    charts.plot_growth,
    charts.plot_completeness,
    charts.plot_phone_countries,
    charts.plot_interactions,
]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture
def df() -> pd.DataFrame:
    return frame(
        [
            contact(company="Tech Corp", tags=("vip", "client"), phone_e164="+442079460958",
                    phone="+442079460958", days_ago=62,
                    last_contacted_at=NOW - timedelta(days=7, hours=3)),
            contact(company="Design Studio", tags=("client",), days_ago=31,
                    phone_e164="+15551234567", phone="+15551234567"),
            contact(company="Design Studio", tags=("client",), days_ago=0,
                    phone_e164="+15551234568", phone="+15551234568",
                    last_contacted_at=NOW - timedelta(days=7, hours=3)),
            contact(company="Acme", days_ago=0),
        ]
    )  # fmt: skip


def test_top_companies_bars_are_ranked_and_labelled(df: pd.DataFrame) -> None:
    ax = charts.plot_top_companies(df)
    assert charts.plotted_bars(ax) == [("Design Studio", 2.0), ("Acme", 1.0), ("Tech Corp", 1.0)]
    assert [t.get_text() for t in ax.texts] == ["2", "1", "1"]  # value labels
    assert ax.get_title(loc="left") == "Top 10 companies"
    assert ax.get_xlabel() == "contacts"


def test_tags_bars(df: pd.DataFrame) -> None:
    assert charts.plotted_bars(charts.plot_tags(df, n=1)) == [("client", 3.0)]


def test_phone_country_bars(df: pd.DataFrame) -> None:
    assert charts.plotted_bars(charts.plot_phone_countries(df)) == [("US", 2.0), ("GB", 1.0)]


def test_completeness_bars_are_sorted_shares(df: pd.DataFrame) -> None:
    bars = charts.plotted_bars(charts.plot_completeness(df, columns=["phone", "tags", "id"]))
    assert bars == [("id", 1.0), ("phone", 0.75), ("tags", 0.75)]


def test_growth_bars_and_running_total(df: pd.DataFrame) -> None:
    ax = charts.plot_growth(df)
    heights = [p.get_height() for p in ax.patches]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2026-09", "2026-10", "2026-11"]
    assert heights == [1, 1, 2]
    (line,) = ax.figure.axes[1].get_lines()
    assert list(line.get_ydata()) == [1, 2, 4]


def test_interactions_heatmap_data(df: pd.DataFrame) -> None:
    ax = charts.plot_interactions(df)
    data = ax.get_images()[0].get_array()
    assert data.shape == (7, 24)
    moment = NOW - timedelta(days=7, hours=3)
    assert data[moment.weekday(), moment.hour] == 2
    assert data.sum() == 2
    assert ax.get_yticklabels()[0].get_text() == "Mon"


@pytest.mark.parametrize("plot", PLOTS)
def test_every_chart_draws_on_the_given_axes_and_never_shows(
    plot: Callable[..., Any], df: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*_: Any, **__: Any) -> None:
        raise AssertionError("charts must not show or save")

    monkeypatch.setattr(plt, "show", forbidden)
    monkeypatch.setattr(plt.Figure, "savefig", forbidden)
    _, ax = plt.subplots()
    assert plot(df, ax=ax) is ax
    assert ax.get_title(loc="left")
    assert ax.get_xlabel() and ax.get_ylabel()


@pytest.mark.parametrize("plot", PLOTS)
def test_new_figures_have_fixed_sizes_and_survive_an_empty_frame(
    plot: Callable[..., Any],
) -> None:
    ax = plot(frame([]))
    size = tuple(ax.figure.get_size_inches())
    expected = charts.HEATMAP_SIZE if plot is charts.plot_interactions else charts.BAR_SIZE
    assert size == expected
