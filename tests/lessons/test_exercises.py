"""Exercise checkers: fail on a wrong answer, pass a right one."""

from __future__ import annotations

from pathlib import Path

import pytest

import contactkit as ck
from contactkit.lessons import exercises
from contactkit.lessons.exercises import ExerciseNotDone


def people(org: ck.OrgStore) -> list[ck.Contact]:
    return [
        org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com", tags=["client"]),
        org.add(first_name="Bob", last_name="Smith", email="bob@example.com", tags=["client"]),
        org.add(first_name="Carol", last_name="Jones", email="carol@example.com", tags=["lead"]),
    ]


def test_check_group(org: ck.OrgStore) -> None:
    ada, bob, carol = people(org)
    with pytest.raises(ExerciseNotDone, match="no group"):
        exercises.check_group(org, "Clients", tag="client")
    org.create_group("Clients")
    org.add_to_group("Clients", ada.id)
    org.add_to_group("Clients", carol.id)
    with pytest.raises(ExerciseNotDone, match="missing"):
        exercises.check_group(org, "Clients", tag="client")
    org.add_to_group("Clients", bob.id)
    with pytest.raises(ExerciseNotDone, match="not tagged"):
        exercises.check_group(org, "Clients", tag="client")
    org.remove_from_group("Clients", carol.id)
    assert exercises.check_group(org, "Clients", tag="client").startswith("Done")


def test_check_import(org: ck.OrgStore) -> None:
    rows = [
        {"first_name": "Ada", "last_name": "L", "email": "ada@example.com"},
        {"first_name": "Bob", "last_name": "S", "email": "bob@example.com"},
    ]
    assert exercises.check_import(org, None, expected=2).startswith("Not answered")
    first = org.import_contacts(rows[:1], progress=False)
    with pytest.raises(ExerciseNotDone, match="1 contacts, not 2"):
        exercises.check_import(org, first, expected=2)
    report = org.import_contacts(rows, progress=False)
    assert exercises.check_import(org, report, expected=2).startswith("Done")


def test_check_export(org: ck.OrgStore, tmp_path: Path) -> None:
    people(org)
    early = tmp_path / "early.csv"
    org.export(early, format="csv")
    org.add(first_name="Dan", last_name="Late", email="dan@example.com")
    with pytest.raises(ExerciseNotDone, match="3 contacts exported"):
        exercises.check_export(org, early)
    with pytest.raises(ExerciseNotDone, match="no file"):
        exercises.check_export(org, tmp_path / "missing.csv")
    final = tmp_path / "final.csv"
    org.export(final, format="csv")
    assert exercises.check_export(org, final).startswith("Done")


def test_check_no_duplicates(org: ck.OrgStore) -> None:
    ada = org.add(
        first_name="Ada", last_name="Lovelace", email="ada@example.com", phone="+44 20 7946 0958"
    )
    twin = org.add(
        first_name="Ada", last_name="Lovelace", email="ada@home.example", phone="+44 20 7946 0958"
    )
    with pytest.raises(ExerciseNotDone, match="duplicate pair"):
        exercises.check_no_duplicates(org, expected=1)
    org.merge(ada.id, twin.id)
    assert exercises.check_no_duplicates(org, expected=1).startswith("Done")
    with pytest.raises(ExerciseNotDone, match="expected 2"):
        exercises.check_no_duplicates(org, expected=2)


def test_check_activity(org: ck.OrgStore) -> None:
    ada = people(org)[0]
    org.record_interaction(ada.id, kind="call", note="hello")
    with pytest.raises(ExerciseNotDone, match="at least two"):
        exercises.check_activity(org, ada.id, [])
    org.record_interaction(ada.id, kind="email")
    feed = list(org.iter_pages(org.activity, ada.id))
    with pytest.raises(ExerciseNotDone, match="newest first"):
        exercises.check_activity(org, ada.id, list(reversed(feed)))
    assert exercises.check_activity(org, ada.id, feed) == (
        "Done: 2 interactions, newest first: the email, recorded last, comes first."
    )


def test_check_found(org: ck.OrgStore) -> None:
    people(org)
    assert exercises.check_found(None, email="ada@example.com").startswith("Not answered")
    with pytest.raises(ExerciseNotDone, match="no result"):
        exercises.check_found(org.search("lovelase"), email="ada@example.com")
    with pytest.raises(ExerciseNotDone, match="not <ada"):
        exercises.check_found(org.find_by_email("bob@example.com"), email="ada@example.com")
    found = org.search("lovelase", fuzzy=True)
    assert exercises.check_found(found, email="ada@example.com").startswith("Done")


def test_check_bulk(org: ck.OrgStore) -> None:
    people(org)
    check = {"updated_tag": "client", "changes": {"company": "ACME"}, "deleted_tag": "lead"}
    with pytest.raises(ExerciseNotDone, match="company"):
        exercises.check_bulk(org, **check)
    org.bulk_update(tag="client", company="ACME")
    with pytest.raises(ExerciseNotDone, match="remain"):
        exercises.check_bulk(org, **check)
    org.bulk_delete(tag="lead")
    assert exercises.check_bulk(org, **check).startswith("Done")


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        (["ORG#org-a*"], "admitted"),
        (["ORG#org-a"], "refused"),
        (["ORG#org-a#*"], "refused"),
        (["*"], "admitted"),
    ],
)
def test_check_leading_keys_wrong(patterns: list[str], message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check_leading_keys("org-a", patterns)


def test_check_leading_keys_right() -> None:
    assert exercises.check_leading_keys("org-a", None).startswith("Not answered")
    assert exercises.check_leading_keys("org-a", ["ORG#org-a", "ORG#org-a#*"]).startswith("Done")
