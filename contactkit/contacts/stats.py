"""The seed app's contact statistics, computed correctly (pure: no I/O, no pandas).

The seed counted over a truncated ``List(1000)``, always reported 0 recently contacted and left
its "top" lists unranked. Here every count covers every contact it is given, "recent" is
relative to an explicit ``now``, and rankings are by count, ties broken by name.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

RECENT_DAYS = 30
TOP_N = 5

# The attributes a statistics read fetches (a projection: nothing else is read).
STATS_ATTRIBUTES = ("company", "tags", "favorite", "phone", "last_contacted_at")


@dataclass(frozen=True)
class ContactStats:
    """Counts over every contact of an org; ``top_companies``/``popular_tags`` are ranked.

    ``repr`` is the dataclass's; ``str`` is one aligned line per figure, and Jupyter shows a
    small table (``_repr_html_``). ``recent_days`` is the window of ``recently_contacted``.
    """

    total: int
    favorites: int
    with_phone: int
    recently_contacted: int
    top_companies: tuple[tuple[str, int], ...]
    popular_tags: tuple[tuple[str, int], ...]
    recent_days: int = RECENT_DAYS

    def rows(self) -> list[tuple[str, str]]:
        """``(label, value)`` per figure, as people read them; rankings as ``name (count)``."""
        return [
            ("Total contacts", f"{self.total:,}"),
            ("Favorites", f"{self.favorites:,}"),
            ("With phone", f"{self.with_phone:,}"),
            (f"Recently contacted ({self.recent_days} days)", f"{self.recently_contacted:,}"),
            ("Top companies", _ranked_text(self.top_companies)),
            ("Popular tags", _ranked_text(self.popular_tags)),
        ]

    def __str__(self) -> str:
        width = max(len(label) for label, _ in self.rows())
        return "\n".join(f"{label + ':':<{width + 1}} {value}" for label, value in self.rows())

    def _repr_html_(self) -> str:
        body = "".join(
            f'<tr><th style="text-align:left">{html.escape(label)}</th>'
            f'<td style="text-align:left">{html.escape(value)}</td></tr>'
            for label, value in self.rows()
        )
        return f"<table><tbody>{body}</tbody></table>"


def _ranked_text(pairs: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{name} ({count:,})" for name, count in pairs) or "none"


def rank(counts: Mapping[str, int], n: int | None = None) -> list[tuple[str, int]]:
    """``(name, count)`` pairs, most first, ties by name; at most ``n`` (all for ``None``)."""
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked if n is None else ranked[:n]


def is_recent(moment: datetime | None, now: datetime, days: int = RECENT_DAYS) -> bool:
    """Whether ``moment`` lies within the ``days`` before ``now`` (inclusive; never the future)."""
    return moment is not None and now - timedelta(days=days) <= moment <= now


def _check_now(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware, for example datetime.now(UTC)")


Contacts = Iterable[Mapping[str, Any]]


def favorites(contacts: Contacts) -> int:
    """Contacts marked as favourite."""
    return sum(bool(contact.get("favorite")) for contact in contacts)


def with_phone(contacts: Contacts) -> int:
    """Contacts with any phone, including ones kept as entered (not E.164)."""
    return sum(bool(contact.get("phone")) for contact in contacts)


def recently_contacted(contacts: Contacts, now: datetime, days: int = RECENT_DAYS) -> int:
    """Contacts last contacted within ``days`` before ``now`` (inclusive; never the future)."""
    _check_now(now)
    return sum(is_recent(contact.get("last_contacted_at"), now, days) for contact in contacts)


def company_counts(contacts: Contacts) -> Counter[str]:
    """Contacts per company (contacts without one are left out)."""
    return Counter(str(c["company"]) for c in contacts if c.get("company"))


def tag_counts(contacts: Contacts) -> Counter[str]:
    """Contacts per tag (a contact counts once per tag)."""
    counts: Counter[str] = Counter()
    for contact in contacts:
        counts.update(dict.fromkeys(contact.get("tags") or (), 1))
    return counts


def contact_stats(
    contacts: Iterable[Mapping[str, Any]],
    now: datetime,
    *,
    top: int = TOP_N,
    recent_days: int = RECENT_DAYS,
) -> ContactStats:
    """Statistics of contacts given as plain dicts of ``STATS_ATTRIBUTES``.

    ``last_contacted_at`` is an aware ``datetime`` or ``None``; absent keys count as empty.
    The one implementation: ``org.stats()`` and ``frames.analytics.contact_stats`` call it.
    """
    _check_now(now)
    every = list(contacts)
    return ContactStats(
        total=len(every),
        favorites=favorites(every),
        with_phone=with_phone(every),
        recently_contacted=recently_contacted(every, now, recent_days),
        top_companies=tuple(rank(company_counts(every), top)),
        popular_tags=tuple(rank(tag_counts(every), top)),
        recent_days=recent_days,
    )
