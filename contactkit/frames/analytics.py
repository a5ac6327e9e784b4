"""Contact statistics as pure functions of a contacts DataFrame (from ``load_frame``).

No I/O: every function takes the DataFrame (and, where time matters, an explicit ``now``) and
returns numbers, a Series or a DataFrame. The seed's statistics and the duplicate candidates are
not computed here a second time: the frame's rows go to :mod:`contactkit.contacts.stats` and
:mod:`contactkit.contacts.duplicates`, which ``org.stats()`` and ``org.duplicate_candidates()``
use too. Rankings are by count, ties broken by name (:func:`contactkit.contacts.stats.rank`).

Example::

    df = ck.load_frame(org)
    analytics.top_companies(df, 3)          # Series: company -> contacts, ranked
    analytics.contact_stats(df, now=now)    # == org.stats(now=now)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
import phonenumbers

from ..contacts import model, stats
from ..contacts.duplicates import MIN_SCORE, DuplicateCandidate, find_candidates
from ..contacts.model import SUMMARY_FIELDS, ContactSummary
from ..contacts.stats import RECENT_DAYS, TOP_N, ContactStats
from .columns import COLUMN_NAMES

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
RECENCY_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("last 7 days", 7),
    ("8-30 days", 30),
    ("31-90 days", 90),
    ("91-365 days", 365),
    ("over a year", None),
)
NEVER = "never"
FUTURE = "in the future"  # clock skew or bad data: shown only when there is some
UNKNOWN_COUNTRY = "unknown"


def _check_now(now: datetime) -> pd.Timestamp:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware, for example datetime.now(UTC)")
    return pd.Timestamp(now).tz_convert("UTC")


def _ranked(pairs: list[tuple[str, int]], name: str, index: str) -> pd.Series[int]:
    return pd.Series(
        [count for _, count in pairs],
        index=pd.Index([key for key, _ in pairs], name=index, dtype=object),
        name=name,
        dtype="int64",
    )


def _present(column: pd.Series[Any]) -> pd.Series[bool]:
    """Non-missing, non-blank values (empty lists and dicts count as missing)."""
    if column.dtype == object:
        return column.map(lambda v: bool(v) if isinstance(v, list | dict | tuple) else pd.notna(v))
    present = column.notna()
    if isinstance(column.dtype, pd.StringDtype | pd.CategoricalDtype):
        present &= column.astype("string").str.len().fillna(0).gt(0)
    return present


def _plain(value: Any) -> Any:
    """A cell as the contacts layer has it: ``None`` for ``<NA>``/``NaT``/``NaN``."""
    if isinstance(value, list | tuple | dict):
        return value
    return None if pd.isna(value) else value


def _rows(df: pd.DataFrame, columns: Iterable[str]) -> list[dict[str, Any]]:
    """The frame's rows as plain dicts of ``columns`` (missing values ``None``, times aware)."""
    names = [name for name in columns if name in df]
    values = [[_plain(v) for v in df[name].tolist()] for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


# -- the seed's statistics: contacts.stats computes them, from the frame's rows ---------------


def total(df: pd.DataFrame) -> int:
    """Number of contacts (rows)."""
    return len(df)


def favorites(df: pd.DataFrame) -> int:
    return stats.favorites(_rows(df, ["favorite"]))


def with_phone(df: pd.DataFrame) -> int:
    """Contacts with any phone, including ones kept as entered (not E.164)."""
    return stats.with_phone(_rows(df, ["phone"]))


def recently_contacted(df: pd.DataFrame, now: datetime, days: int = RECENT_DAYS) -> int:
    """Contacts last contacted within ``days`` before ``now`` (inclusive; future times excluded)."""
    return stats.recently_contacted(_rows(df, ["last_contacted_at"]), now, days)


def top_companies(df: pd.DataFrame, n: int | None = TOP_N) -> pd.Series[int]:
    """Contacts per company, most first, ties by name; at most ``n``."""
    counts = stats.company_counts(_rows(df, ["company"]))
    return _ranked(stats.rank(counts, n), "contacts", "company")


def popular_tags(df: pd.DataFrame, n: int | None = TOP_N) -> pd.Series[int]:
    """Contacts per tag, most first, ties by name; at most ``n``."""
    counts = stats.tag_counts(_rows(df, ["tags"]))
    return _ranked(stats.rank(counts, n), "contacts", "tag")


def contact_stats(
    df: pd.DataFrame, now: datetime, *, top: int = TOP_N, recent_days: int = RECENT_DAYS
) -> ContactStats:
    """The same :class:`~contactkit.contacts.stats.ContactStats` that ``org.stats()`` returns."""
    rows = _rows(df, stats.STATS_ATTRIBUTES)
    return stats.contact_stats(rows, now, top=top, recent_days=recent_days)


# -- more ------------------------------------------------------------------------------------


def added_per_month(df: pd.DataFrame) -> pd.Series[int]:
    """Contacts created per calendar month (UTC), months without any included as 0."""
    created = df["created_at"].dropna()
    if created.empty:
        return pd.Series([], index=pd.PeriodIndex([], freq="M", name="month"), dtype="int64")
    months = created.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    counts = months.value_counts().sort_index()
    full = pd.period_range(counts.index.min(), counts.index.max(), freq="M", name="month")
    return counts.reindex(full, fill_value=0).rename("contacts").astype("int64")


def email_domains(df: pd.DataFrame, n: int | None = None) -> pd.Series[int]:
    """Contacts per email domain (lower-cased), ranked."""
    domains = (str(e).rsplit("@", 1)[-1].lower() for e in df["email"].dropna() if "@" in str(e))
    return _ranked(stats.rank(Counter(domains), n), "contacts", "domain")


def phone_country(e164: str) -> str:
    """The ISO region of an E.164 number (``+44...`` -> ``GB``); ``unknown`` if it has none."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return UNKNOWN_COUNTRY
    # Possible-but-unassigned numbers (the tutorial's 555s) have no region of their own: use
    # their country code's main region.
    region = phonenumbers.region_code_for_number(
        number
    ) or phonenumbers.region_code_for_country_code(number.country_code or 0)
    return region if region and region != "ZZ" else UNKNOWN_COUNTRY


def phone_countries(df: pd.DataFrame, n: int | None = None) -> pd.Series[int]:
    """Contacts per phone country, from ``phone_e164`` (phones kept as entered are left out)."""
    counts = Counter(phone_country(str(p)) for p in df["phone_e164"].dropna())
    return _ranked(stats.rank(counts, n), "contacts", "country")


def completeness(df: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.Series[float]:
    """Share (0..1) of contacts with a value in each column; empty tags/fields count as missing."""
    names = list(columns) if columns is not None else list(df.columns)
    shares = [float(_present(df[name]).mean()) if len(df) else 0.0 for name in names]
    return pd.Series(shares, index=pd.Index(names, name="column"), name="complete")


def interaction_recency(df: pd.DataFrame, now: datetime) -> pd.Series[int]:
    """Contacts per time since last contact: last 7 days, 8-30, 31-90, 91-365, older, never.

    Contacts "last contacted" after ``now`` get a last row, ``in the future``, if there are any.
    """
    moment = _check_now(now)
    age_days = (moment - df["last_contacted_at"]).dt.total_seconds() / 86_400
    labels = [label for label, _ in RECENCY_BUCKETS]
    counts = dict.fromkeys([*labels, NEVER], 0)
    for age in age_days:
        label = _bucket(age)
        counts[label] = counts.get(label, 0) + 1
    return pd.Series(
        list(counts.values()),
        index=pd.CategoricalIndex(
            list(counts), categories=list(counts), ordered=True, name="last contacted"
        ),
        name="contacts",
        dtype="int64",
    )


def _bucket(age_days: float) -> str:
    if pd.isna(age_days):
        return NEVER
    if age_days < 0:
        return FUTURE
    for label, limit in RECENCY_BUCKETS:
        if limit is None or age_days <= limit:
            return label
    return RECENCY_BUCKETS[-1][0]  # pragma: no cover - the last bucket has no limit


def per_org(df: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """One row per org: contacts, favourites, with phone, recently contacted, completeness."""
    rows = []
    for org, group in df.groupby("org_id", observed=True, sort=True):
        rows.append(
            {
                "org_id": str(org),
                "contacts": total(group),
                "favorites": favorites(group),
                "with_phone": with_phone(group),
                "recently_contacted": recently_contacted(group, now),
                "completeness": float(completeness(group).mean()),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "org_id",
            "contacts",
            "favorites",
            "with_phone",
            "recently_contacted",
            "completeness",
        ],
    )
    return frame.set_index("org_id")


DUPLICATE_RULES = {
    "same email": ("email",),
    "same phone": ("phone",),
    "similar name": ("name", "nickname"),
}
ANY_RULE = "any"
# The list view's fields the frame has: what the scorer is given by org.duplicate_candidates().
_SUMMARY_COLUMNS = tuple(name for name in SUMMARY_FIELDS if name in COLUMN_NAMES)


def duplicate_pairs(df: pd.DataFrame, min_score: float = MIN_SCORE) -> list[DuplicateCandidate]:
    """Likely duplicate pairs among the frame's contacts, org by org, best first.

    The scorer is :func:`contactkit.contacts.duplicates.find_candidates`, the one behind
    ``org.duplicate_candidates()``; contacts of different orgs are never paired.
    """
    by_org: dict[str, list[ContactSummary]] = {}
    for position, row in enumerate(_rows(df, _SUMMARY_COLUMNS)):
        values = {name: value for name, value in row.items() if value is not None}
        text = {name: str(values.get(name, "")) for name in ("org_id", *model.REQUIRED_FIELDS)}
        summary = ContactSummary(
            **{
                **values,
                **text,
                "id": str(values.get("id", position)),
                "tags": tuple(values.get("tags", ())),  # hashable, as the scorer needs
                "version": int(values.get("version", 1)),
            }
        )
        by_org.setdefault(summary.org_id, []).append(summary)
    found = [pair for org in sorted(by_org) for pair in find_candidates(by_org[org], min_score)]
    return sorted(found, key=lambda c: (-c.score, c.first.id, c.second.id))


def duplicate_candidates(df: pd.DataFrame, min_score: float = MIN_SCORE) -> pd.Series[int]:
    """Contacts in a likely duplicate pair (:func:`duplicate_pairs`), per signal and in all.

    A contact counts once per rule (``same email``, ``same phone``, ``similar name``) that one of
    its pairs matched, and once under ``any``; pairs never cross orgs.
    """
    members: dict[str, set[str]] = {rule: set() for rule in (*DUPLICATE_RULES, ANY_RULE)}
    for pair in duplicate_pairs(df, min_score):
        ids = {pair.first.id, pair.second.id}
        members[ANY_RULE] |= ids
        for rule, reasons in DUPLICATE_RULES.items():
            if set(reasons) & set(pair.reasons):
                members[rule] |= ids
    counts = {rule: len(ids) for rule, ids in members.items()}
    return pd.Series(counts, name="contacts", dtype="int64").rename_axis("rule")


def interaction_heatmap(df: pd.DataFrame, column: str = "last_contacted_at") -> pd.DataFrame:
    """Counts of ``column``'s times (UTC) by weekday (rows, Mon-Sun) and hour (columns, 0-23)."""
    at = df[column].dropna().dt.tz_convert("UTC")
    table = pd.crosstab(at.dt.day_of_week, at.dt.hour) if len(at) else pd.DataFrame()
    table = table.reindex(index=range(7), columns=range(24), fill_value=0).astype("int64")
    table.index = pd.Index(WEEKDAYS, name="weekday")
    table.columns = pd.Index(range(24), name="hour")
    return table
