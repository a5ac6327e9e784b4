"""Charts: the plotted data (bar heights, labels, order, titles), not pixels."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
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


def test_completeness_shows_only_the_fields_people_fill_in(df: pd.DataFrame) -> None:
    shown = [label for label, _ in charts.plotted_bars(charts.plot_completeness(df))]
    for internal in ("org_id", "id", "version", "created_at", "updated_at", "phone_e164",
                     "display_name", "last_contacted_at", "favorite"):  # fmt: skip
        assert internal not in shown
    assert {"first_name", "email", "phone", "company", "tags", "street", "notes"} <= set(shown)


def test_completeness_axis_is_in_percent_like_its_labels(df: pd.DataFrame) -> None:
    ax = charts.plot_completeness(df, columns=["phone", "tags"])
    formatter = ax.xaxis.get_major_formatter()
    assert [formatter(tick) for tick in ax.get_xticks()] == ["0%", "25%", "50%", "75%", "100%"]
    assert [t.get_text() for t in ax.texts] == ["75%", "75%"]


def test_growth_bars_and_running_total(df: pd.DataFrame) -> None:
    ax = charts.plot_growth(df)
    heights = [p.get_height() for p in ax.patches]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2026-09", "2026-10", "2026-11"]
    assert heights == [1, 1, 2]
    (line,) = ax.figure.axes[1].get_lines()
    assert list(line.get_ydata()) == [1, 2, 4]


@pytest.mark.parametrize(
    ("now", "partial"),
    [
        (NOW, True),  # 25 November: November is not over
        (datetime(2026, 11, 30, 23, 59, tzinfo=UTC), True),
        (datetime(2026, 12, 1, tzinfo=UTC), False),
    ],
)
def test_growth_marks_a_month_not_over_as_partial(
    df: pd.DataFrame, now: datetime, partial: bool
) -> None:
    ax = charts.plot_growth(df, now=now)
    *full, last = ax.patches
    assert all(bar.get_hatch() is None and bar.get_alpha() is None for bar in full)
    assert (last.get_hatch() == charts.PARTIAL_HATCH) is partial
    assert [t.get_text() for t in ax.texts] == (["partial month"] if partial else [])


def test_growth_needs_an_aware_now(df: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        charts.plot_growth(df, now=datetime(2026, 11, 25))


def test_interactions_heatmap_data(df: pd.DataFrame) -> None:
    ax = charts.plot_interactions(df)
    data = ax.get_images()[0].get_array()
    assert data.shape == (7, 24)
    moment = NOW - timedelta(days=7, hours=3)
    assert data[moment.weekday(), moment.hour] == 2
    assert data.sum() == 2
    assert ax.get_yticklabels()[0].get_text() == "Mon"
    assert ax.get_title(loc="left") == "When contacts were last contacted"


@pytest.mark.parametrize(
    ("column", "title"),
    [
        ("created_at", "When contacts were created"),
        ("updated_at", "When contacts were updated"),
        ("last_contacted_at", "When contacts were last contacted"),
    ],
)
def test_heatmap_title_follows_the_column(df: pd.DataFrame, column: str, title: str) -> None:
    assert charts.plot_interactions(df, column=column).get_title(loc="left") == title


def test_heatmap_colour_bar_has_whole_count_ticks(df: pd.DataFrame) -> None:
    ax = charts.plot_interactions(df)
    ax.figure.canvas.draw()
    colour_bar = ax.figure.axes[-1]
    ticks = [t for t in colour_bar.get_yticks() if 0 <= t <= 2]
    assert ticks == [0, 1, 2]


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
