"""The seed app's contact statistics, computed correctly (pure: no I/O, no pandas).

The seed counted over a truncated ``List(1000)``, always reported 0 recently contacted and left
its "top" lists unranked. Here every count covers every contact it is given, "recent" is
relative to an explicit ``now``, and rankings are by count, ties broken by name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

RECENT_DAYS = 30
TOP_N = 5

# The attributes a statistics read fetches (a projection: nothing else is read).
STATS_ATTRIBUTES = ("company", "tags", "favorite", "phone", "last_contacted_at")


@dataclass(frozen=True)
class ContactStats:
    """Counts over every contact of an org; ``top_companies``/``popular_tags`` are ranked."""

    total: int
    favorites: int
    with_phone: int
    recently_contacted: int
    top_companies: tuple[tuple[str, int], ...]
    popular_tags: tuple[tuple[str, int], ...]


def rank(counts: Mapping[str, int], n: int | None = None) -> list[tuple[str, int]]:
    """``(name, count)`` pairs, most first, ties by name; at most ``n`` (all for ``None``)."""
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked if n is None else ranked[:n]


def is_recent(moment: datetime | None, now: datetime, days: int = RECENT_DAYS) -> bool:
    """Whether ``moment`` lies within the ``days`` before ``now`` (inclusive; never the future)."""
    return moment is not None and now - timedelta(days=days) <= moment <= now


def contact_stats(
    contacts: Iterable[Mapping[str, Any]],
    now: datetime,
    *,
    top: int = TOP_N,
    recent_days: int = RECENT_DAYS,
) -> ContactStats:
    """Statistics of contacts given as plain dicts of ``STATS_ATTRIBUTES``.

    ``last_contacted_at`` is an aware ``datetime`` or ``None``; absent keys count as empty.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware, for example datetime.now(UTC)")
    total = favorites = with_phone = recent = 0
    companies: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    for contact in contacts:
        total += 1
        favorites += bool(contact.get("favorite"))
        with_phone += bool(contact.get("phone"))
        recent += is_recent(contact.get("last_contacted_at"), now, recent_days)
        if contact.get("company"):
            companies[contact["company"]] += 1
        tags.update(dict.fromkeys(contact.get("tags") or (), 1))
    return ContactStats(
        total=total,
        favorites=favorites,
        with_phone=with_phone,
        recently_contacted=recent,
        top_companies=tuple(rank(companies, top)),
        popular_tags=tuple(rank(tags, top)),
    )
