"""Duplicates and merges (``contactkit/contacts/merge.py``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

import contactkit as ck
from contactkit.contacts.duplicates import email_identity, find_candidates
from contactkit.dynamo import limits
from tests.conftest import data_items


def summary(n: int, first: str, last: str, **fields: Any) -> ck.ContactSummary:
    values: dict[str, Any] = {"email": f"c{n}@example.com", **fields}
    return ck.ContactSummary(
        id=f"{n:026d}", org_id="org-a", first_name=first, last_name=last, **values
    )


@pytest.mark.parametrize(
    ("email", "identity"),
    [
        ("John.Doe+news@GMail.com", "johndoe@gmail.com"),
        ("j.doe@googlemail.com", "jdoe@gmail.com"),
        ("J.Doe+x@Example.com", "j.doe@example.com"),
    ],
)
def test_email_identity(email: str, identity: str) -> None:
    assert email_identity(email) == identity


def test_candidates_are_scored_from_all_their_signals() -> None:
    contacts = [
        summary(1, "John", "Smith", email="john.smith@gmail.com"),
        summary(2, "J", "S", email="johnsmith+x@gmail.com"),
        summary(3, "Ann", "Lee", phone_e164="+12125550187"),
        summary(4, "Ann", "Le", phone_e164="+12125550187"),
        summary(5, "Arjun", "Thompson", company="Tyrell"),
        summary(6, "Arjun", "Thomson", company="Tyrell"),
        summary(7, "Cameron", "Nielsen", company="Woodgrove"),
        summary(8, "Cam", "Nielsen", company="woodgrove"),
        summary(9, "Kenji", "Walker", company="Lamna"),
        summary(10, "Kenji", "Walker", company="Stark"),  # a namesake elsewhere
        summary(11, "Olivia", "Zhang", phone_e164="+12125550199"),
        summary(12, "Kwame", "Lopez", phone_e164="+12125550199"),  # a switchboard
    ]
    found = {(c.first.id[-2:], c.second.id[-2:]): c for c in find_candidates(contacts, min_score=0)}
    assert (found[("01", "02")].score, found[("01", "02")].reasons) == (100, ("email",))
    assert (found[("03", "04")].score, found[("03", "04")].reasons) == (
        100,
        ("phone", "name"),
    )
    assert found[("05", "06")].reasons == ("name", "company")
    assert 90 < found[("05", "06")].score < 100
    assert found[("07", "08")].reasons == ("name", "nickname", "company")
    assert found[("09", "10")].score == 80 and found[("09", "10")].reasons == ("name",)
    assert found[("11", "12")].score == 60 and found[("11", "12")].reasons == ("phone",)
    likely = {(c.first.id[-2:], c.second.id[-2:]) for c in find_candidates(contacts)}
    assert likely == {("01", "02"), ("03", "04"), ("05", "06"), ("07", "08")}
    scores = [c.score for c in find_candidates(contacts, min_score=0)]
    assert scores == sorted(scores, reverse=True)


def test_every_planted_near_duplicate_of_the_sample_is_found(table: ck.Table) -> None:
    import csv
    from pathlib import Path

    data = Path(__file__).parents[2] / "data"
    org = table.org("org-fabrikam")
    org.import_contacts(data / "org-fabrikam.json", progress=False)
    with (data / "near-duplicates.csv").open(encoding="utf-8") as handle:
        planted = {
            frozenset((row["email"].lower(), row["duplicate_email"].lower()))
            for row in csv.DictReader(handle)
            if row["org_id"] == "org-fabrikam"
        }
    found = {
        frozenset((c.first.email.lower(), c.second.email.lower()))
        for c in org.duplicate_candidates()
    }
    assert len(planted) == 10 and planted <= found
    assert len(found) < 5 * len(planted)  # and not buried among namesakes


def test_duplicate_candidates_reads_only_its_org(table: ck.Table) -> None:
    org, other = table.org("org-a"), table.org("org-b")
    org.add(
        first_name="Arjun", last_name="Thompson", email="a1@example.com", phone="+1 212 555 0187"
    )
    org.add(
        first_name="Arjun", last_name="Thomson", email="a2@example.com", phone="+1 212 555 0187"
    )
    other.add(
        first_name="Arjun", last_name="Thompson", email="a1@example.com", phone="+1 212 555 0187"
    )
    (candidate,) = org.duplicate_candidates()
    assert {candidate.first.org_id, candidate.second.org_id} == {"org-a"}


def found_id(contact: ck.Contact | None) -> str | None:
    return contact.id if contact else None


def test_merge_combines_by_the_rule_and_moves_everything(table: ck.Table) -> None:
    org = table.org("org-a")
    org.create_group("Team")
    org.create_group("Board")
    keep = org.add(
        first_name="Arjun",
        last_name="Thompson",
        email="arjun@example.com",
        company="Tyrell",
        tags=["vip"],
        custom_fields={"linkedin": "arjun-t", "account_id": "A1"},
        notes="met at the fair",
    )
    other = org.add(
        first_name="Arjun",
        last_name="Thomson",
        email="arjun.t@personal.example",
        phone="+1 212 555 0187",
        company="Tyrell Corp",
        job_title="CTO",
        tags=["VIP", "client"],
        address={"city": "Paris"},
        custom_fields={"account_id": "A2", "birthday": "1990-01-01"},
        notes="prefers email",
        favorite=True,
    )
    org.add_to_group("Team", keep.id)
    org.add_to_group("Board", other.id)
    org.record_interaction(other.id, kind="call", at=datetime(2026, 1, 1, tzinfo=UTC))
    org.record_interaction(keep.id, kind="email", at=datetime(2025, 6, 1, tzinfo=UTC))

    merged = org.merge(keep.id, other.id)

    assert (merged.email, merged.company, merged.last_name) == (
        "arjun@example.com",
        "Tyrell",
        "Thompson",
    )
    assert (merged.phone_e164, merged.job_title, merged.address) == (
        "+12125550187",
        "CTO",
        ck.Address(city="Paris"),
    )
    assert merged.tags == ("vip", "client") and merged.groups == ("Team", "Board")
    assert merged.custom_fields == {
        "linkedin": "arjun-t",
        "account_id": "A1",
        "birthday": "1990-01-01",
    }
    assert merged.notes == (
        "met at the fair\n\nprefers email\n\nMerged from "
        f"{other.id}: company Tyrell Corp; email arjun.t@personal.example; "
        "phone +12125550187; account_id A2"
    )
    assert merged.favorite and merged.created_at == keep.created_at
    assert merged.last_contacted_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert [a.kind for a in org.activity(keep.id)] == ["call", "email"]
    assert {c.id for c in org.iter_pages(org.group_members, "Board")} == {keep.id}
    assert {c.id for c in org.iter_pages(org.find_by_tag, "client")} == {keep.id}
    assert org.find_by_phone("+1 212 555 0187").items[0].id == keep.id
    with pytest.raises(ck.NotFoundError):
        org.get(other.id)
    assert all(other.id not in str(i) for i in data_items(table) if i["type"] != "contact")
    assert [e.action for e in org.audit(limit=3)] == ["merge", "delete", "merge"]
    # the other's addresses and phones now belong to the kept contact, claims included
    assert [e.value for e in merged.emails] == ["arjun@example.com", "arjun.t@personal.example"]
    assert found_id(org.find_by_email("ARJUN.T@personal.example")) == keep.id
    with pytest.raises(ck.EmailTakenError):
        org.add(first_name="N", last_name="N", email="arjun.t@personal.example")


def test_a_worst_case_merge_fits_in_one_transaction(org: ck.OrgStore) -> None:
    keep = org.add(first_name="K", last_name="K", email="k@example.com")
    other = org.add(
        first_name="Alpha Beta Gamma Delta",
        last_name="Epsilon Zeta Eta Theta",
        email="iota.kappa.lambda@mu-nu-xi.example",
        company="Omicron Pi Rho Sigma Tau",
        job_title="Upsilon Phi Chi Psi Omega One Two",
        tags=[f"t{n}" for n in range(limits.MAX_TAGS)],
    )
    for n in range(limits.MAX_GROUPS_PER_CONTACT):
        org.create_group(f"g{n}")
        org.add_to_group(f"g{n}", other.id)
    merged = org.merge(keep.id, other.id)
    assert len(merged.tags) == limits.MAX_TAGS
    assert len(merged.groups) == limits.MAX_GROUPS_PER_CONTACT


def test_merging_over_the_tag_limit_is_refused_before_writing(org: ck.OrgStore) -> None:
    keep = org.add(first_name="K", last_name="K", email="k@example.com", tags=["a"])
    other = org.add(
        first_name="O",
        last_name="O",
        email="o@example.com",
        tags=[f"t{n}" for n in range(limits.MAX_TAGS)],
    )
    with pytest.raises(ck.ValidationError) as exc:
        org.merge(keep.id, other.id)
    assert exc.value.field == "tags"
    assert org.get(keep.id) == keep and org.get(other.id) == other


def test_merging_a_contact_into_itself_is_refused(org: ck.OrgStore) -> None:
    keep = org.add(first_name="K", last_name="K", email="k@example.com")
    with pytest.raises(ck.ValidationError) as exc:
        org.merge(keep.id, keep.id)
    assert exc.value.field == "other_id"


def test_an_interrupted_merge_is_finished_by_calling_it_again(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contactkit.contacts import merge

    keep = org.add(first_name="K", last_name="K", email="k@example.com")
    other = org.add(first_name="O", last_name="O", email="o@example.com", tags=["x"], notes="n")
    for n in range(3):
        org.record_interaction(other.id, kind="call", note=str(n))
    real = merge._move_activity

    def crash(*args: Any) -> int:
        raise RuntimeError("power cut")

    monkeypatch.setattr(merge, "_move_activity", crash)
    with pytest.raises(RuntimeError):
        org.merge(keep.id, other.id)
    half = org.get(keep.id)
    assert half.tags == ("x",)
    monkeypatch.setattr(merge, "_move_activity", real)
    merged = org.merge(keep.id, other.id)
    # the second run did not merge the fields twice: one more version, taking over the address
    assert merged.version == half.version + 1
    assert merged.notes == half.notes
    assert [e.value for e in merged.emails] == ["k@example.com", "o@example.com"]
    assert len(org.activity(keep.id)) == 3
    with pytest.raises(ck.NotFoundError):
        org.merge(keep.id, other.id)


def test_a_change_to_the_other_contact_during_a_merge_is_a_conflict(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = org.add(first_name="K", last_name="K", email="k@example.com")
    other = org.add(first_name="O", last_name="O", email="o@example.com", company="A")
    real_get = org.lookups.get

    def stale_get(contact_id: str) -> ck.Contact:
        found = real_get(contact_id)
        if contact_id == other.id:
            org.update(other.id, company="B")  # someone writes between our read and write
        return found

    monkeypatch.setattr(org.lookups, "get", stale_get)
    with pytest.raises(ck.VersionConflictError):
        org.merge(keep.id, other.id)
    monkeypatch.undo()
    assert org.get(keep.id) == keep
