"""Races with real threads against the store: uniqueness and optimistic locking hold.

Each race is repeated (``ROUNDS``) so that an intermittent failure has many chances to show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import contactkit as ck
from tests.conftest import SCALE, items_of_type

pytestmark = pytest.mark.reliability  # the orphan checker scans the table after each test

ROUNDS = 5 * SCALE
THREADS = 20
MANY_THREADS = 32


def run_together(count: int, task: Callable[[int], Any]) -> list[Any]:
    """Start ``count`` calls of ``task`` at the same moment; return results or exceptions."""
    barrier = threading.Barrier(count)

    def start(n: int) -> Any:
        barrier.wait()
        try:
            return task(n)
        except ck.ContactKitError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(start, range(count)))


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_email_added_by_20_threads_in_one_org(table: ck.Table, round_: int) -> None:
    org = table.org("org-race")
    email = f"same{round_}@example.com"
    results = run_together(
        THREADS, lambda n: org.add(first_name=f"T{n}", last_name="Racer", email=email)
    )
    winners = [r for r in results if isinstance(r, ck.Contact)]
    losers = [r for r in results if isinstance(r, ck.EmailTakenError)]
    assert len(winners) == 1 and len(losers) == THREADS - 1
    assert {loser.existing_id for loser in losers} == {winners[0].id}
    assert len(items_of_type(table, "contact")) == 1
    (claim,) = items_of_type(table, "email")
    assert claim["contact_id"] == winners[0].id


def test_one_email_added_by_32_threads_leaves_one_contact_and_one_claim(table: ck.Table) -> None:
    org = table.org("org-race")
    results = run_together(
        MANY_THREADS,
        lambda n: org.add(first_name=f"T{n}", last_name="Racer", email="Same@Example.com"),
    )
    winners = [r for r in results if isinstance(r, ck.Contact)]
    assert len(winners) == 1
    assert all(isinstance(r, ck.EmailTakenError) for r in results if r is not winners[0])
    assert [c["id"] for c in items_of_type(table, "contact")] == [winners[0].id]
    assert [c["contact_id"] for c in items_of_type(table, "email")] == [winners[0].id]


def test_one_email_in_20_orgs_all_succeed(table: ck.Table) -> None:
    results = run_together(
        THREADS,
        lambda n: table.org(f"org-{n}").add(first_name="A", last_name="B", email="a@example.com"),
    )
    assert all(isinstance(r, ck.Contact) for r in results)
    assert len(items_of_type(table, "email")) == THREADS


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_versioned_updates_lose_nothing(table: ck.Table, round_: int) -> None:
    org = table.org("org-race")
    contact = org.add(
        first_name="Count",
        last_name="Er",
        email=f"c{round_}@example.com",
        custom_fields={"count": "0"},
    )
    increments_per_thread = 5

    def increment(_: int) -> int:
        conflicts = 0
        done = 0
        while done < increments_per_thread:
            current = org.get(contact.id)
            value = int(current.custom_fields["count"]) + 1
            try:
                org.update(
                    contact.id,
                    expected_version=current.version,
                    custom_fields={"count": str(value)},
                )
                done += 1
            except ck.VersionConflictError:
                conflicts += 1
        return conflicts

    threads = 8
    conflicts = run_together(threads, increment)
    final = org.get(contact.id)
    assert final.custom_fields["count"] == str(threads * increments_per_thread)
    assert final.version == 1 + threads * increments_per_thread
    assert all(isinstance(c, int) for c in conflicts)


def test_versioned_updates_from_one_read_have_one_winner(table: ck.Table) -> None:
    org = table.org("org-race")
    contact = org.add(first_name="Solo", last_name="Winner", email="solo@example.com")
    results = run_together(
        THREADS,
        lambda n: org.update(contact.id, expected_version=contact.version, company=f"Co {n}"),
    )
    winners = [r for r in results if isinstance(r, ck.Contact)]
    losers = [r for r in results if isinstance(r, ck.VersionConflictError)]
    assert len(winners) == 1 and len(losers) == THREADS - 1
    final = org.get(contact.id)
    assert (final.company, final.version) == (winners[0].company, contact.version + 1)


def test_concurrent_unversioned_updates_of_different_fields_both_land(table: ck.Table) -> None:
    org = table.org("org-race")
    contact = org.add(first_name="A", last_name="B", email="ab@example.com")
    fields = ["company", "job_title", "notes", "phone"]
    values = ["Acme", "CEO", "hello", "555-123-4567"]
    run_together(len(fields), lambda n: org.update(contact.id, **{fields[n]: values[n]}))
    final = org.get(contact.id)
    assert (final.company, final.job_title, final.notes, final.phone) == (
        "Acme",
        "CEO",
        "hello",
        "+15551234567",
    )
    assert final.version == 1 + len(fields)


def test_taking_an_email_while_its_owner_gives_it_up_never_duplicates(table: ck.Table) -> None:
    org = table.org("org-race")
    a = org.add(first_name="A", last_name="A", email="a0@example.com")
    b = org.add(first_name="B", last_name="B", email="b0@example.com")
    outcomes = set()
    for n in range(1, 20 * SCALE + 1):
        held = org.get(a.id).email
        # A moves to a fresh address while B grabs the one A is leaving: B wins only if A's
        # move commits first; either way no address may end up on both or on nobody's claim.
        moves = [(a.id, f"a{n}@example.com"), (b.id, held)]
        results = run_together(2, lambda i, moves=moves: org.update(moves[i][0], email=moves[i][1]))
        outcomes.add(type(results[1]).__name__)
        assert isinstance(results[0], ck.Contact)
        assert isinstance(results[1], ck.Contact | ck.EmailTakenError)
        contacts = items_of_type(table, "contact")
        claims = items_of_type(table, "email")
        stored = sorted(c["email"].lower() for c in contacts)
        assert len(set(stored)) == 2, f"two contacts share an email: {stored}"
        assert sorted(c["PK"].split("#EMAIL#")[1] for c in claims) == stored  # no orphan claim
        assert {c["contact_id"] for c in claims} == {a.id, b.id}
        if isinstance(results[1], ck.Contact):
            org.update(b.id, email=f"b{n}@example.com")  # hand it back for the next round
    assert "EmailTakenError" in outcomes  # the race was real at least once


def test_concurrent_email_swaps_never_duplicate_an_email(table: ck.Table) -> None:
    org = table.org("org-race")
    a = org.add(first_name="A", last_name="A", email="a@example.com")
    b = org.add(first_name="B", last_name="B", email="b@example.com")
    for n in range(10 * SCALE):

        def swap(i: int, n: int = n) -> ck.Contact:
            return org.update([a.id, b.id][i], email=f"{'ba'[i]}{n}@example.com")

        run_together(2, swap)
        contacts = items_of_type(table, "contact")
        claims = items_of_type(table, "email")
        emails = [c["email"].lower() for c in contacts]
        assert len(set(emails)) == len(emails) == 2
        assert sorted(c["PK"].split("#EMAIL#")[1] for c in claims) == sorted(emails)
