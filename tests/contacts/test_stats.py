"""Seed statistics: ranking, recency, and org.stats() over a full read agreeing with analytics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import contactkit as ck
from contactkit.contacts.stats import contact_stats, is_recent, rank
from contactkit.frames import analytics

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("counts", "n", "expected"),
    [
        ({"b": 2, "a": 2, "c": 3}, None, [("c", 3), ("a", 2), ("b", 2)]),
        ({"b": 2, "a": 2, "c": 3}, 2, [("c", 3), ("a", 2)]),
        ({}, 5, []),
        ({"Zed": 1, "acme": 1}, None, [("Zed", 1), ("acme", 1)]),  # code-point order
    ],
)
def test_rank_orders_by_count_then_name(
    counts: dict[str, int], n: int | None, expected: list[tuple[str, int]]
) -> None:
    assert rank(counts, n) == expected


@given(st.dictionaries(st.text(max_size=5), st.integers(1, 9)), st.integers(0, 10))
def test_rank_is_a_sorted_prefix_of_every_entry(counts: dict[str, int], n: int) -> None:
    ranked = rank(counts, n)
    assert len(ranked) == min(n, len(counts))
    keys = [(-count, name) for name, count in ranked]
    assert keys == sorted(keys)
    assert all(counts[name] == count for name, count in ranked)


@pytest.mark.parametrize(
    ("moment", "recent"),
    [
        (NOW, True),
        (NOW - timedelta(days=30), True),
        (NOW - timedelta(days=30, seconds=1), False),
        (NOW + timedelta(seconds=1), False),
        (None, False),
    ],
)
def test_recent_means_the_30_days_before_now(moment: datetime | None, recent: bool) -> None:
    assert is_recent(moment, NOW) is recent


def test_contact_stats_count_every_contact() -> None:
    contacts = [
        {"company": "B", "tags": ["x", "y"], "favorite": True, "phone": "555-0101"},
        {"company": "A", "tags": ["y"], "last_contacted_at": NOW - timedelta(days=1)},
        {"company": "A", "tags": [], "phone": "+15551234567"},
        {"company": None, "last_contacted_at": NOW - timedelta(days=40)},
    ] * 300  # more than the seed's List(1000) ever saw
    stats = contact_stats(contacts, NOW, top=1)
    assert stats == ck.ContactStats(
        total=1200,
        favorites=300,
        with_phone=600,
        recently_contacted=300,
        top_companies=(("A", 600),),
        popular_tags=(("y", 600),),
    )


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        contact_stats([], datetime(2026, 1, 1))


def test_org_stats_agree_with_the_dataframe_functions(table: ck.Table) -> None:
    org = table.org("org-stats")
    other = table.org("org-other")
    companies = ["Tech Corp", "Design Studio", "Tech Corp", "Marketing Inc", None, "Design Studio"]
    for n, company in enumerate(companies * 2):
        contact = org.add(
            first_name=f"F{n}",
            last_name="L",
            email=f"p{n}@example.com",
            phone="555-123-4567" if n % 3 else None,
            company=company,
            tags=[["vip"], ["client", "vip"], []][n % 3],
            favorite=n % 5 == 0,
            notes="x" * 95_000,  # about 1 MB of notes in all: the org takes two Query pages
        )
        if n % 2:
            org.record_interaction(contact.id, "call", at=NOW - timedelta(days=n * 4))
    other.add(first_name="O", last_name="O", email="o@example.com", company="Tech Corp")
    with table.meter() as meter:
        stats = org.stats(now=NOW, top=2)
    assert meter.by_operation["Query"].requests >= 2  # followed the pages to the end
    assert stats == analytics.contact_stats(ck.load_frame(org), NOW, top=2)
    assert stats.total == 12
    assert stats.top_companies == (("Design Studio", 4), ("Tech Corp", 4))
    assert stats.popular_tags == (("vip", 8), ("client", 4))
    assert stats.recently_contacted == 4  # days 4, 12, 20, 28 (36 and 44 are older)


SHOWN = ck.ContactStats(
    total=1200,
    favorites=3,
    with_phone=600,
    recently_contacted=7,
    top_companies=(("A & Co", 600), ("B", 2)),
    popular_tags=(),
    recent_days=14,
)


def test_stats_read_as_one_aligned_line_per_figure() -> None:
    assert str(SHOWN).splitlines() == [
        "Total contacts:               1,200",
        "Favorites:                    3",
        "With phone:                   600",
        "Recently contacted (14 days): 7",
        "Top companies:                A & Co (600), B (2)",
        "Popular tags:                 none",
    ]


def test_stats_show_as_an_html_table_in_jupyter() -> None:
    shown = SHOWN._repr_html_()
    assert shown.startswith("<table>") and shown.count("<tr>") == 6
    assert '<td style="text-align:left">A &amp; Co (600), B (2)</td>' in shown


def test_stats_repr_stays_the_dataclass_repr() -> None:
    assert repr(SHOWN).startswith("ContactStats(total=1200, favorites=3,")
    assert eval(repr(SHOWN), {"ContactStats": ck.ContactStats}) == SHOWN


def test_stats_remember_their_recent_window() -> None:
    assert contact_stats([], NOW, recent_days=7).recent_days == 7
