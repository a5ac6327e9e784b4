"""Scripted interleavings: deterministic logs, the seed's races reproduced, the store's refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import contactkit as ck
from contactkit.lessons.antipatterns import SeedTable, seed_check_then_write, seed_read_modify_write
from contactkit.lessons.interleave import Step, interleave, store_add, store_update


def counter(label: str, steps: int) -> Iterator[tuple[str, str]]:
    for n in range(steps):
        yield f"{label}{n}", "ok"


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (["A", "B", "A", "B"], ["A0", "B0", "A1", "B1"]),
        (["B"], ["B0", "A0", "A1", "B1"]),
        ([], ["A0", "A1", "B0", "B1"]),
        (["A", "A", "A", "B"], ["A0", "A1", "B0", "B1"]),
    ],
)
def test_interleave_follows_the_order_then_finishes(order: list[str], expected: list[str]) -> None:
    log = interleave({"A": counter("A", 2), "B": counter("B", 2)}, order)
    assert [s.action for s in log] == expected
    assert [s.number for s in log] == [1, 2, 3, 4]


def test_interleave_rejects_unknown_writers() -> None:
    with pytest.raises(ValueError, match="C"):
        interleave({"A": counter("A", 1)}, ["C"])


def test_step_row() -> None:
    assert Step(1, "A", "get", "ok").as_row() == {
        "step": 1,
        "writer": "A",
        "action": "get",
        "result": "ok",
    }


def test_seed_check_then_write_interleaved_makes_a_duplicate(db: ck.Database) -> None:
    seed = SeedTable(db.client, "scratch-race-test").create()
    try:
        writers = {
            "A": seed_check_then_write(seed, "org-a", "c1", "x@example.com"),
            "B": seed_check_then_write(seed, "org-a", "c2", "x@example.com"),
        }
        log = interleave(writers, ["A", "B", "A", "B"])
        assert [s.result for s in log] == ["not found: free"] * 2 + ["written"] * 2
        assert len(seed.find_by_email("x@example.com")) == 2
    finally:
        seed.delete()


def test_seed_check_then_write_in_sequence_refuses(db: ck.Database) -> None:
    seed = SeedTable(db.client, "scratch-race-test-2").create()
    try:
        writers = {
            "A": seed_check_then_write(seed, "org-a", "c1", "x@example.com"),
            "B": seed_check_then_write(seed, "org-a", "c2", "x@example.com"),
        }
        log = interleave(writers, ["A", "A", "B"])
        assert log[-1].result == "email already exists"
        assert len(seed.find_by_email("x@example.com")) == 1
    finally:
        seed.delete()


def test_store_add_interleaved_keeps_one(org: ck.OrgStore) -> None:
    fields = {"first_name": "X", "last_name": "Y", "email": "x@example.com"}
    log = interleave({"A": store_add(org, **fields), "B": store_add(org, **fields)}, ["A", "B"])
    assert log[0].result.startswith("written ")
    assert log[1].result.startswith("EmailTakenError: ")


def test_seed_update_loses_a_write_and_versioned_update_refuses(org: ck.OrgStore) -> None:
    c = org.add(first_name="X", last_name="Y", email="x@example.com")
    seed = interleave(
        {
            "A": seed_read_modify_write(org.table, org.org_id, c.id, notes="A's note"),
            "B": seed_read_modify_write(org.table, org.org_id, c.id, company="B Corp"),
        },
        ["A", "B", "A", "B"],
    )
    assert [s.result for s in seed] == ["read version 1", "read version 1", "written", "written"]
    lost = org.get(c.id)
    assert lost.notes is None and lost.company == "B Corp"

    c2 = org.add(first_name="Z", last_name="Y", email="z@example.com")
    log = interleave(
        {
            "A": store_update(org, c2.id, notes="A's note"),
            "B": store_update(org, c2.id, company="B Corp"),
        },
        ["A", "B", "A", "B"],
    )
    assert log[2].result == "written version 2"
    assert log[3].result.startswith("VersionConflictError: ")
    assert org.get(c2.id).notes == "A's note"


def test_unversioned_store_update_reapplies(org: ck.OrgStore) -> None:
    c = org.add(first_name="X", last_name="Y", email="x@example.com")
    interleave(
        {
            "A": store_update(org, c.id, versioned=False, notes="A's note"),
            "B": store_update(org, c.id, versioned=False, company="B Corp"),
        },
        ["A", "B", "A", "B"],
    )
    both = org.get(c.id)
    assert (both.notes, both.company, both.version) == ("A's note", "B Corp", 3)
