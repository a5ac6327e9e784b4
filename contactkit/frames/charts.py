"""Charts of a contacts DataFrame (matplotlib): one style, fixed sizes, data from ``analytics``.

Every ``plot_*`` takes the DataFrame and an optional ``ax``, draws on it (or on a new figure of
a fixed size) and returns the Axes. Nothing here shows or saves a figure: the notebook does
(``plt.show()`` or a trailing ``;``).

Example::

    from contactkit import charts
    ax = charts.plot_top_companies(df)
    ax.figure.savefig("companies.png")
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..contacts import fields
from . import analytics

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

BAR_SIZE = (7.0, 4.0)  # inches, every bar chart
HEATMAP_SIZE = (9.0, 3.6)
COLOR = "#3b6ea8"
ACCENT = "#d9822b"
TITLE_SIZE = 12
LABEL_SIZE = 10
PARTIAL_ALPHA = 0.45  # a month not over yet: a lighter, hatched bar
PARTIAL_HATCH = "//"
PARTIAL_LABEL = "partial month"

# What ``plot_completeness`` shows by default: the fields people fill in (the DataFrame columns
# of editable fields), not the ones the store always sets (org_id, id, version, timestamps) nor
# flags, which always hold True or False.
USER_COLUMNS = tuple(
    name
    for name, kind, path in fields.frame_columns()
    if fields.field(path[0]).editable and kind != "bool"
)


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    # Through pyplot so that Jupyter's inline backend displays it at the end of the cell.
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _style(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=TITLE_SIZE, loc="left")
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.spines[["top", "right"]].set_visible(False)


def _hbars(
    ax: Axes, labels: Sequence[str], values: Sequence[float], *, percent: bool = False
) -> None:
    """Horizontal bars, the first label on top, each with its value."""
    positions = list(range(len(labels)))
    bars = ax.barh(positions, values, color=COLOR)
    ax.set_yticks(positions, [str(label) for label in labels])
    ax.invert_yaxis()
    texts = [f"{v:.0%}" for v in values] if percent else [f"{v:,.0f}" for v in values]
    ax.bar_label(bars, texts, padding=3, fontsize=LABEL_SIZE - 1)
    if not labels:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)


def _ranking(ax: Axes | None, ranked: pd.Series[int], title: str, label: str) -> Axes:
    """A ranked count (index: names) as horizontal bars, the first on top."""
    ax = _axes(ax, BAR_SIZE)
    _hbars(ax, list(ranked.index), list(ranked.values))
    _style(ax, title, "contacts", label)
    return ax


def plot_top_companies(df: pd.DataFrame, ax: Axes | None = None, *, n: int = 10) -> Axes:
    """The ``n`` companies with most contacts, ranked (ties by name)."""
    return _ranking(ax, analytics.top_companies(df, n), f"Top {n} companies", "company")


def plot_tags(df: pd.DataFrame, ax: Axes | None = None, *, n: int = 10) -> Axes:
    """The ``n`` most used tags, ranked (ties by name)."""
    return _ranking(ax, analytics.popular_tags(df, n), f"Top {n} tags", "tag")


def plot_phone_countries(df: pd.DataFrame, ax: Axes | None = None, *, n: int = 10) -> Axes:
    """Contacts per phone country (from E.164), ranked."""
    return _ranking(ax, analytics.phone_countries(df, n), "Phone numbers by country", "country")


def plot_completeness(
    df: pd.DataFrame, ax: Axes | None = None, *, columns: Sequence[str] | None = None
) -> Axes:
    """Share of contacts with a value in each column, most complete first.

    ``columns``: the fields to show; by default :data:`USER_COLUMNS` (those in ``df``).
    """
    from matplotlib.ticker import PercentFormatter

    ax = _axes(ax, BAR_SIZE)
    chosen = columns if columns is not None else [c for c in USER_COLUMNS if c in df.columns]
    shares = analytics.completeness(df, chosen).sort_values(ascending=False, kind="stable")
    _hbars(ax, list(shares.index), list(shares.values), percent=True)
    ax.set_xlim(0, 1.15)  # room for the value labels of full bars
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    _style(ax, "Field completeness", "contacts with a value", "field")
    return ax


def plot_growth(df: pd.DataFrame, ax: Axes | None = None, *, now: datetime | None = None) -> Axes:
    """Contacts added per month (bars) and the running total (line, right axis).

    A last month that is not over at ``now`` (default: the current time) is drawn lighter and
    hatched, with a "partial month" note, so that its lower count does not read as a drop.
    """
    ax = _axes(ax, BAR_SIZE)
    monthly = analytics.added_per_month(df)
    labels = [str(month) for month in monthly.index]
    positions = list(range(len(labels)))
    bars = ax.bar(positions, list(monthly.values), color=COLOR, label="added")
    if len(monthly) and _month_not_over(monthly.index[-1], now):
        last = bars[-1]
        last.set_alpha(PARTIAL_ALPHA)
        last.set_hatch(PARTIAL_HATCH)
        last.set_label(PARTIAL_LABEL)
        ax.annotate(
            PARTIAL_LABEL,
            (last.get_x() + last.get_width() / 2, last.get_height()),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=LABEL_SIZE - 1,
        )
    ax.set_xticks(positions, labels, rotation=45, ha="right")
    running = ax.twinx()
    running.plot(positions, list(monthly.cumsum().values), color=ACCENT, marker="o", label="total")
    running.set_ylabel("total contacts", fontsize=LABEL_SIZE)
    running.set_ylim(bottom=0)
    _style(ax, "Contacts added per month", "month (UTC)", "contacts added")
    return ax


def plot_interactions(
    df: pd.DataFrame, ax: Axes | None = None, *, column: str = "last_contacted_at"
) -> Axes:
    """A weekday x hour (UTC) heat map of ``column``'s times, with a colour bar."""
    from matplotlib.ticker import MaxNLocator

    ax = _axes(ax, HEATMAP_SIZE)
    table = analytics.interaction_heatmap(df, column)
    image = ax.imshow(table.to_numpy(), aspect="auto", cmap="Blues", vmin=0)
    ax.set_yticks(range(len(table.index)), list(table.index))
    ax.set_xticks(range(0, 24, 2), [str(h) for h in range(0, 24, 2)])
    # Whole counts: no 0.5 ticks on the colour bar.
    ax.figure.colorbar(image, ax=ax, label="contacts", ticks=MaxNLocator(integer=True))
    _style(ax, heatmap_title(column), "hour (UTC)", "weekday")
    return ax


def heatmap_title(column: str) -> str:
    """``When contacts were last contacted`` for ``last_contacted_at``, from the field's label."""
    declared = fields.BY_NAME.get(column)
    if declared is None:
        return f"When: {column}"
    return f"When contacts were {declared.label.lower()}"


def _month_not_over(month: pd.Period, now: datetime | None) -> bool:
    """Whether ``month`` (UTC) has not ended at ``now``."""
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware, for example datetime.now(UTC)")
    end = month.end_time.tz_localize("UTC")  # the month's last nanosecond
    return bool(moment.astimezone(UTC) <= end)


def plotted_bars(ax: Axes) -> list[tuple[str, float]]:
    """``(label, value)`` of a horizontal bar chart, top to bottom (for tests and checks)."""
    from matplotlib.patches import Rectangle

    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    widths = [float(p.get_width()) for p in ax.patches if isinstance(p, Rectangle)]
    return list(zip(labels, widths, strict=True))
