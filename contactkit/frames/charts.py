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
from typing import TYPE_CHECKING

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
    """Share of contacts with a value in each column, most complete first."""
    ax = _axes(ax, BAR_SIZE)
    shares = analytics.completeness(df, columns).sort_values(ascending=False, kind="stable")
    _hbars(ax, list(shares.index), list(shares.values), percent=True)
    ax.set_xlim(0, 1.15)  # room for the value labels of full bars
    _style(ax, "Field completeness", "share of contacts", "column")
    return ax


def plot_growth(df: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Contacts added per month (bars) and the running total (line, right axis)."""
    ax = _axes(ax, BAR_SIZE)
    monthly = analytics.added_per_month(df)
    labels = [str(month) for month in monthly.index]
    positions = list(range(len(labels)))
    ax.bar(positions, list(monthly.values), color=COLOR, label="added")
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
    ax = _axes(ax, HEATMAP_SIZE)
    table = analytics.interaction_heatmap(df, column)
    image = ax.imshow(table.to_numpy(), aspect="auto", cmap="Blues", vmin=0)
    ax.set_yticks(range(len(table.index)), list(table.index))
    ax.set_xticks(range(0, 24, 2), [str(h) for h in range(0, 24, 2)])
    ax.figure.colorbar(image, ax=ax, label="contacts")
    _style(ax, "When contacts were last contacted", "hour (UTC)", "weekday")
    return ax


def plotted_bars(ax: Axes) -> list[tuple[str, float]]:
    """``(label, value)`` of a horizontal bar chart, top to bottom (for tests and checks)."""
    from matplotlib.patches import Rectangle

    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    widths = [float(p.get_width()) for p in ax.patches if isinstance(p, Rectangle)]
    return list(zip(labels, widths, strict=True))
