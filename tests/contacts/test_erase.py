"""Erase and purge (``contactkit/contacts/erase.py``): nothing of the contact or org remains."""

from __future__ import annotations

from typing import Any

import pytest

import contactkit as ck
from tests.conftest import SCALE, scan_all


def populate(org: ck.OrgStore, n: int) -> list[ck.Contact]:
    org.create_group("Team")
    made = []
    for i in range(n):
        c = org.add(
            first_name=f"Grace{i}",
            last_name="Hopper",
            email=f"grace{i}@example.com",
            phone="+1 212 555 0187",
            tags=["navy", f"t{i}"],
        )
        org.record_interaction(c.id, kind="call")
        org.add_to_group("Team", c.id)
        made.append(c)
    return made


def owned_by(item: dict[str, Any], org_id: str) -> bool:
    pk = str(item["PK"])
    return pk == f"ORG#{org_id}" or pk.startswith(f"ORG#{org_id}#")


def test_erase_leaves_nothing_that_mentions_the_contact(table: ck.Table) -> None:
    org = table.org("org-a")
    keep, gone = populate(org, 2)
    for n in range(30):  # more activity than one batch
        org.record_interaction(gone.id, kind="note", note=str(n))
    org.update(gone.id, company="Navy")
    report = org.erase(gone.id)
    assert (
        report.contact and report.activity == 31 and report.audit_entries == 35
    )  # add, group, 31 calls, update, delete
    assert all(gone.id not in str(item) for item in scan_all(table))
    assert "grace1@example.com" not in str(scan_all(table))
    assert org.get(keep.id).groups == ("Team",)
    newest = org.audit(limit=1).items[0]
    assert (newest.action, newest.contact_id) == ("erase", None)
    with pytest.raises(ck.NotFoundError):
        org.erase(gone.id)


def test_erase_of_an_unknown_contact_is_not_found(org: ck.OrgStore) -> None:
    with pytest.raises(ck.NotFoundError):
        org.erase("01ARZ3NDEKTSV4RRFFQ69G5FAV")
    with pytest.raises(ck.ValidationError):
        org.erase("not-an-id")


def test_purge_removes_the_org_and_leaves_others_untouched(table: ck.Table) -> None:
    doomed, neighbour, prefix = table.org("org-a"), table.org("org-b"), table.org("org-a-b")
    populate(doomed, 3 * SCALE)
    populate(neighbour, 2)
    populate(prefix, 2)  # "org-a-b" keys start with "ORG#org-a-": must survive
    others = [i for i in scan_all(table) if not owned_by(i, "org-a")]
    report = doomed.purge()
    remaining = scan_all(table)
    assert not [i for i in remaining if owned_by(i, "org-a")]
    assert sorted(remaining, key=str) == sorted(others, key=str)
    assert report.items == sum(report.by_type.values())
    assert report.by_type["contact"] == 3 * SCALE
    assert report.by_type["email"] == 3 * SCALE
    assert report.by_type["group"] == 1 and report.by_type["member"] == 3 * SCALE
    assert report.requests >= report.items / 25
    assert doomed.purge().items == 0


def test_an_interrupted_purge_is_finished_by_running_it_again(
    table: ck.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = table.org("org-a")
    populate(org, 8)
    from contactkit.contacts import erase

    real = erase.batch_write
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise ck.BackendError("BatchWriteItem", "InternalServerError", "power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(erase, "batch_write", flaky)
    with pytest.raises(ck.BackendError):
        org.purge()
    assert [i for i in scan_all(table) if owned_by(i, "org-a")]
    monkeypatch.setattr(erase, "batch_write", real)
    org.purge()
    assert not [i for i in scan_all(table) if owned_by(i, "org-a")]


def test_erase_keeps_the_import_entry_of_the_other_contacts_it_names(table: ck.Table) -> None:
    org = table.org("org-a")
    rows = [{"first_name": f"Ada{n}", "email": f"ada{n}@example.com"} for n in range(3)]
    report = org.import_contacts(rows)  # one transaction: one entry naming all three
    first, gone, last = (report.contact_ids[row] for row in (1, 2, 3))
    assert org.erase(gone).audit_entries == 2  # its import entry and its delete
    assert all(gone not in str(item) for item in scan_all(table))
    (entry,) = [e for e in org.audit() if e.action == "import"]
    assert entry.detail == f"3 imported, 0 updated: {first} (erased) {last}"
