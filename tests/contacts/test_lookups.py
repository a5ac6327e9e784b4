"""Every lookup: right results, right order, tenant-scoped, paged with signed cursors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contactkit as ck


def add(org: ck.OrgStore, first: str, last: str, **fields: Any) -> ck.Contact:
    email = fields.pop("email", f"{first}.{last}@example.com".lower().replace(" ", ""))
    return org.add(first_name=first, last_name=last, email=email, **fields)


@pytest.fixture
def people(org: ck.OrgStore) -> dict[str, ck.Contact]:
    return {
        "john": add(
            org,
            "John",
            "Smith",
            phone="555-123-4567",
            company="Acme Corp",
            job_title="CEO",
            tags=["vip", "client"],
        ),
        "jane": add(
            org,
            "Jane",
            "Smithers",
            phone="+1 (555) 123-4567",
            company="Tech Corp",
            job_title="Engineer",
            tags=["client"],
        ),
        "anna": add(
            org, "Anna", "Müller", phone="+44 20 7946 0958", company="Technology Ltd", tags=["VIP"]
        ),
        "sean": add(org, "Seán", "O'Brien", company="Design Studio", tags=["c#"]),
        "zed": add(org, "Zed", "Smith", company="Acme Corp", tags=["c"]),
    }


def names(page: Any) -> list[str]:
    return [c.full_name for c in page]


# -- exact lookups -------------------------------------------------------------------------


@pytest.mark.parametrize("consistent", [False, True])
def test_find_by_email_is_case_insensitive(
    org: ck.OrgStore, people: dict[str, ck.Contact], consistent: bool
) -> None:
    found = org.find_by_email("JOHN.Smith@Example.com", consistent=consistent)
    assert found == people["john"]
    assert org.find_by_email("nobody@example.com", consistent=consistent) is None


def test_find_by_email_never_crosses_orgs(table: ck.Table, people: dict[str, ck.Contact]) -> None:
    other = table.org("org-other")
    assert other.find_by_email("john.smith@example.com") is None
    assert other.find_by_email("john.smith@example.com", consistent=True) is None


@pytest.mark.parametrize(
    "phone", ["555-123-4567", "555.123.4567", "+1 (555) 123-4567", "(555) 123-4567", "15551234567"]
)
def test_find_by_phone_any_format_several_contacts(
    org: ck.OrgStore, people: dict[str, ck.Contact], phone: str
) -> None:
    assert sorted(names(org.find_by_phone(phone))) == ["Jane Smithers", "John Smith"]


def test_find_by_phone_international(org: ck.OrgStore, people: dict[str, ck.Contact]) -> None:
    assert names(org.find_by_phone("+44 20 7946 0958")) == ["Anna Müller"]
    assert names(org.find_by_phone("+442079460958")) == ["Anna Müller"]


def test_find_by_phone_refuses_numbers_that_are_never_indexed(org: ck.OrgStore) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        org.find_by_phone("555-0101")
    assert exc.value.field == "phone" and "search()" in exc.value.reason


# -- name, tag, favourites, list -----------------------------------------------------------


def test_find_by_name_prefix_alphabetical(org: ck.OrgStore, people: dict[str, ck.Contact]) -> None:
    assert names(org.find_by_name("smi")) == ["John Smith", "Zed Smith", "Jane Smithers"]
    assert names(org.find_by_name("SMITH, z")) == ["Zed Smith"]
    assert names(org.find_by_name("smith,")) == ["John Smith", "Zed Smith"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("müller", "Anna Müller"),
        ("MULLER", "Anna Müller"),
        ("o'brien", "Seán O'Brien"),
        ("obri", "Seán O'Brien"),
    ],
)
def test_find_by_name_folds_case_and_accents(
    org: ck.OrgStore, people: dict[str, ck.Contact], query: str, expected: str
) -> None:
    assert names(org.find_by_name(query)) == [expected]


def test_find_by_name_needs_letters(org: ck.OrgStore) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        org.find_by_name("  '- ")
    assert exc.value.field == "prefix"


def test_find_by_tag_case_insensitive_and_exact(
    org: ck.OrgStore, people: dict[str, ck.Contact]
) -> None:
    assert sorted(names(org.find_by_tag("VIP"))) == ["Anna Müller", "John Smith"]
    assert names(org.find_by_tag("c")) == ["Zed Smith"]  # not the contact tagged "c#"
    assert names(org.find_by_tag("c#")) == ["Seán O'Brien"]
    assert names(org.find_by_tag("nope")) == []


def test_favorites_hold_favourites_only(org: ck.OrgStore, people: dict[str, ck.Contact]) -> None:
    assert names(org.favorites()) == []
    org.set_favorite(people["zed"].id)
    org.set_favorite(people["john"].id)
    assert names(org.favorites()) == ["John Smith", "Zed Smith"]  # by creation
    org.set_favorite(people["john"].id, False)
    assert names(org.favorites()) == ["Zed Smith"]


def test_list_orders(org: ck.OrgStore, people: dict[str, ck.Contact]) -> None:
    assert names(org.list()) == [
        "John Smith",
        "Jane Smithers",
        "Anna Müller",
        "Seán O'Brien",
        "Zed Smith",
    ]
    assert names(org.list(order="name")) == [
        "Anna Müller",
        "Seán O'Brien",
        "John Smith",
        "Zed Smith",
        "Jane Smithers",
    ]
    assert names(org.recent(limit=2)) == ["Zed Smith", "Seán O'Brien"]


def test_list_returns_projected_summaries(org: ck.OrgStore, people: dict[str, ck.Contact]) -> None:
    first = org.list(limit=1)[0]
    assert type(first) is ck.ContactSummary
    assert first.phone_display() == "(555) 123-4567"
    assert first.tags == ("vip", "client")


@pytest.mark.parametrize("limit", [0, 101, -1, "10", True])
def test_limits_are_checked(org: ck.OrgStore, limit: Any) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        org.list(limit=limit)
    assert exc.value.field == "limit"


def test_bad_order_is_refused(org: ck.OrgStore) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        org.list(order="size")  # type: ignore[arg-type]
    assert exc.value.field == "order"


# -- paging and cursors ----------------------------------------------------------------------


def test_walking_every_page_returns_everything_once(org: ck.OrgStore) -> None:
    added = [add(org, f"P{n}", f"Person{n:02}") for n in range(23)]
    pages = []
    cursor = None
    while True:
        page = org.list(limit=5, cursor=cursor)
        pages.append(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    seen = [c.id for page in pages for c in page]
    assert seen == [c.id for c in added]
    assert all(len(page) <= 5 for page in pages)
    assert [c.id for c in org.iter_pages(org.find_by_name, "person", limit=4)] == [
        c.id for c in added
    ]


def test_inserts_during_a_walk_appear_at_most_once(org: ck.OrgStore) -> None:
    before = {add(org, f"B{n}", "Before").id for n in range(12)}
    seen: list[str] = []
    cursor = None
    step = 0
    while True:
        page = org.list(limit=4, cursor=cursor)
        seen.extend(c.id for c in page)
        add(org, f"D{step}", "During")  # a contact created while walking
        step += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert before <= set(seen)
    assert len(seen) == len(set(seen))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    size=st.integers(min_value=0, max_value=14),
    limit=st.integers(min_value=1, max_value=6),
    order=st.sampled_from(["created", "name"]),
    changes=st.lists(st.sampled_from(["insert", "rename", "none"]), max_size=8),
)
def test_walks_under_concurrent_changes_see_stable_items_exactly_once(
    table: ck.Table, size: int, limit: int, order: str, changes: list[str]
) -> None:
    org = table.org(f"org-walk-{uuid.uuid4().hex[:8]}")
    stable = [add(org, f"S{n}", f"Stable{n:02}").id for n in range(size)]
    moving = [add(org, f"M{n}", f"Moving{n:02}") for n in range(3)]
    seen: list[str] = []
    cursor = None
    step = 0
    while True:
        page = org.list(limit=limit, cursor=cursor, order=order)  # type: ignore[arg-type]
        seen.extend(c.id for c in page)
        change = changes[step] if step < len(changes) else "none"  # then the walk can end
        if change == "insert":
            add(org, f"N{step}", f"New{step:02}")
        elif change == "rename":
            target = moving[step % len(moving)]
            org.update(target.id, last_name=f"Renamed{step:02}")
        step += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "an item appeared twice in one walk"
    assert set(stable) <= set(seen), "an item that existed for the whole walk was skipped"


def test_pages_cut_at_1_mb_hold_fewer_items_and_the_walk_goes_on(org: ck.OrgStore) -> None:
    big_notes = "n" * 90_000  # DynamoDB reads whole items, projection or not: 11 fill 1 MB
    added = [add(org, f"B{n}", f"Big{n:02}", notes=big_notes).id for n in range(15)]
    first = org.list(limit=100)
    assert len(first) < 15 and first.next_cursor is not None
    assert [c.id for c in org.iter_pages(org.list, limit=100)] == added


def test_cursor_from_another_org_or_query_is_refused(table: ck.Table) -> None:
    a, b = table.org("org-a"), table.org("org-b")
    for n in range(3):
        add(a, f"A{n}", "Alpha", tags=["vip", "x"])
        add(b, f"B{n}", "Beta", tags=["vip"])
    cursor = a.list(limit=1).next_cursor
    assert cursor is not None
    with pytest.raises(ck.InvalidCursorError):
        b.list(limit=1, cursor=cursor)
    with pytest.raises(ck.InvalidCursorError):
        a.list(limit=1, cursor=cursor, order="name")
    tag_cursor = a.find_by_tag("vip", limit=1).next_cursor
    assert tag_cursor is not None
    with pytest.raises(ck.InvalidCursorError):
        a.find_by_tag("x", limit=1, cursor=tag_cursor)
    with pytest.raises(ck.InvalidCursorError):
        a.list(limit=1, cursor=cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1])


def test_activity_pages_newest_first(org: ck.OrgStore) -> None:
    contact = add(org, "Ada", "Lovelace")
    for n in range(5):
        org.record_interaction(contact.id, kind="call", note=str(n))
    first = org.activity(contact.id, limit=3)
    rest = org.activity(contact.id, limit=3, cursor=first.next_cursor)
    assert [i.note for i in first] + [i.note for i in rest] == ["4", "3", "2", "1", "0"]
    assert rest.next_cursor is None


# -- cache ---------------------------------------------------------------------------------------


def test_cache_serves_gets_and_follows_writes(table: ck.Table) -> None:
    org = table.org("org-cache", cache_size=2)
    contact = add(org, "Ada", "Lovelace")
    calls: list[str] = []
    table.client.meta.events.register(
        "before-call.dynamodb.GetItem", lambda **_: calls.append("GetItem")
    )
    assert org.get(contact.id) == contact
    assert calls == []  # add() put it in the cache
    updated = org.update(contact.id, company="Engines")
    assert org.get(contact.id) == updated
    org.delete(contact.id)
    with pytest.raises(ck.NotFoundError):
        org.get(contact.id)


def test_cache_is_off_by_default(org: ck.OrgStore) -> None:
    contact = add(org, "Ada", "Lovelace")
    calls: list[str] = []
    org.table.client.meta.events.register(
        "before-call.dynamodb.GetItem", lambda **_: calls.append("GetItem")
    )
    org.get(contact.id)
    org.get(contact.id)
    assert calls == ["GetItem", "GetItem"]
