"""Pure DataFrame statistics: each one checked on a small frame whose answer is known."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from contactkit.contacts.duplicates import find_candidates
from contactkit.contacts.model import SUMMARY_FIELDS, ContactSummary
from contactkit.frames import analytics
from tests.sample_frames import NOW, contact, frame


@pytest.fixture
def df() -> pd.DataFrame:
    return frame(
        [
            contact(n=1, company="Tech Corp", tags=("vip", "client"), favorite=True,
                    phone="+442079460958", phone_e164="+442079460958", days_ago=70,
                    last_contacted_at=NOW - timedelta(days=2)),
            contact(n=2, company="Design Studio", tags=("client",), phone="555-0101",
                    days_ago=40, last_contacted_at=NOW - timedelta(days=30)),
            contact(n=3, company="Tech Corp", email="ann@other.org", days_ago=40,
                    phone="+12125550100", phone_e164="+12125550100",
                    last_contacted_at=NOW - timedelta(days=31)),
            contact(n=4, company="Design Studio", org_id="org-b", first_name="Ånn",
                    phone="+12125550100", phone_e164="+12125550100", days_ago=0,
                    last_contacted_at=NOW - timedelta(days=400), address={"city": "Oslo"}),
            contact(n=5, first_name="Bo", org_id="org-b", email="user1@else.net",
                    tags=("vip",), days_ago=0, last_contacted_at=NOW + timedelta(hours=1)),
        ]
    )  # fmt: skip


def test_seed_counts(df: pd.DataFrame) -> None:
    assert analytics.total(df) == 5
    assert analytics.favorites(df) == 1
    assert analytics.with_phone(df) == 4  # the local-only 555-0101 counts: it is a phone
    assert analytics.recently_contacted(df, NOW) == 2  # 2 and 30 days; not 31, not the future


def test_top_companies_rank_ties_by_name(df: pd.DataFrame) -> None:
    top = analytics.top_companies(df)
    assert list(top.items()) == [("Design Studio", 2), ("Tech Corp", 2)]
    assert list(analytics.top_companies(df, 1).index) == ["Design Studio"]


def test_popular_tags_are_ranked(df: pd.DataFrame) -> None:
    assert list(analytics.popular_tags(df).items()) == [("client", 2), ("vip", 2)]


def test_added_per_month_fills_empty_months(df: pd.DataFrame) -> None:
    monthly = analytics.added_per_month(df)
    assert [str(m) for m in monthly.index] == ["2026-09", "2026-10", "2026-11"]
    assert monthly.tolist() == [1, 2, 2]


def test_email_domains(df: pd.DataFrame) -> None:
    assert list(analytics.email_domains(df).items()) == [
        ("example.com", 3),
        ("else.net", 1),
        ("other.org", 1),
    ]


def test_phone_countries_come_from_e164(df: pd.DataFrame) -> None:
    assert list(analytics.phone_countries(df).items()) == [("US", 2), ("GB", 1)]


@pytest.mark.parametrize(
    ("e164", "country"), [("+33142685300", "FR"), ("+15551234567", "US"), ("+999", "unknown")]
)
def test_phone_country(e164: str, country: str) -> None:
    assert analytics.phone_country(e164) == country


def test_completeness_counts_empty_lists_as_missing(df: pd.DataFrame) -> None:
    shares = analytics.completeness(df, ["id", "company", "tags", "city", "custom_fields"])
    assert shares.to_dict() == {
        "id": 1.0,
        "company": 0.8,
        "tags": 0.6,
        "city": 0.2,
        "custom_fields": 0.0,
    }


def test_interaction_recency_buckets(df: pd.DataFrame) -> None:
    buckets = analytics.interaction_recency(df, NOW)
    assert buckets.to_dict() == {
        "last 7 days": 1,
        "8-30 days": 1,
        "31-90 days": 1,
        "91-365 days": 0,
        "over a year": 1,
        "never": 0,
        "in the future": 1,
    }
    assert list(buckets.index)[-1] == "in the future"
    assert "in the future" not in analytics.interaction_recency(df.iloc[:4], NOW)


def test_per_org_comparison(df: pd.DataFrame) -> None:
    table = analytics.per_org(df, NOW)
    assert list(table.index) == ["org-a", "org-b"]
    assert table["contacts"].tolist() == [3, 2]
    assert table["favorites"].tolist() == [1, 0]
    assert table["recently_contacted"].tolist() == [2, 0]
    assert table["with_phone"].tolist() == [3, 1]


def test_duplicate_candidates_stay_within_an_org(df: pd.DataFrame) -> None:
    # "Ann Lee" x3 in org-a: rows 1 and 3 also share a company (score 95), the others score 80.
    # "Ånn Lee" folds to the same name but lives in org-b, as does the second +12125550100.
    counts = analytics.duplicate_candidates(df)
    assert counts.to_dict() == {"same email": 0, "same phone": 0, "similar name": 2, "any": 2}
    everything = analytics.duplicate_candidates(df, min_score=0)
    assert everything.to_dict() == {"same email": 0, "same phone": 0, "similar name": 3, "any": 3}


def test_duplicate_pairs_are_the_contacts_scorer_on_the_frame_rows() -> None:
    contacts = [
        contact(n=1, first_name="Cameron", last_name="Diaz", company="Acme"),
        contact(n=2, first_name="Cam", last_name="Diaz", phone_e164="+12125550100"),
        contact(n=3, first_name="Bob", last_name="Stone", phone_e164="+12125550100"),
        contact(n=4, first_name="Robert", last_name="Stone", email="user3@example.com"),
        contact(n=5, first_name="Zed", last_name="Young"),
    ]
    summaries = [ContactSummary(**{f: getattr(c, f) for f in SUMMARY_FIELDS}) for c in contacts]
    expected = [
        (c.first.id, c.second.id, c.score, c.reasons) for c in find_candidates(summaries, 0)
    ]
    found = [
        (c.first.id, c.second.id, c.score, c.reasons)
        for c in analytics.duplicate_pairs(frame(contacts), 0)
    ]
    assert found == expected and len(expected) >= 3


def test_interaction_heatmap_is_weekday_by_hour(df: pd.DataFrame) -> None:
    table = analytics.interaction_heatmap(df)
    assert table.shape == (7, 24)
    assert int(table.to_numpy().sum()) == 5
    moment = NOW - timedelta(days=2)
    assert table.loc[analytics.WEEKDAYS[moment.weekday()], moment.hour] >= 1


@pytest.mark.parametrize(
    "function",
    [analytics.recently_contacted, analytics.interaction_recency, analytics.per_org],
)
def test_naive_now_is_refused(df: pd.DataFrame, function: object) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        function(df, datetime(2026, 1, 1))  # type: ignore[operator]


def test_empty_frame_gives_empty_answers() -> None:
    empty = frame([])
    assert analytics.total(empty) == 0
    assert analytics.top_companies(empty).empty
    assert analytics.added_per_month(empty).empty
    assert analytics.interaction_heatmap(empty).to_numpy().sum() == 0
    assert analytics.duplicate_candidates(empty).sum() == 0
    assert analytics.per_org(empty, NOW).empty
