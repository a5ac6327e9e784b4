"""Groups (``contactkit/contacts/groups.py``): membership both ways, rename, delete, key safety."""

from __future__ import annotations

import pytest

import contactkit as ck
from contactkit.dynamo import limits
from tests.conftest import items_of_type


def add(org: ck.OrgStore, n: int, **fields: object) -> ck.Contact:
    return org.add(first_name="Ada", last_name=f"Person{n}", email=f"p{n}@example.com", **fields)  # type: ignore[arg-type]


def member_ids(org: ck.OrgStore, name: str) -> set[str]:
    return {c.id for c in org.iter_pages(org.group_members, name)}


def test_create_list_and_membership_both_ways(org: ck.OrgStore) -> None:
    org.create_group("Friends")
    org.create_group("Work")
    a, b = add(org, 1), add(org, 2)
    org.add_to_group("friends", a.id)  # case-insensitive
    org.add_to_group("Friends", b.id)
    org.add_to_group("Work", a.id)
    assert [g.name for g in org.groups()] == ["Friends", "Work"]
    assert member_ids(org, "FRIENDS") == {a.id, b.id}
    assert org.contact_groups(a.id) == ["Friends", "Work"]
    assert org.get(a.id).groups == ("Friends", "Work")


def test_duplicate_group_names_are_refused(org: ck.OrgStore) -> None:
    org.create_group("Friends")
    with pytest.raises(ck.ValidationError) as exc:
        org.create_group("FRIENDS")
    assert exc.value.field == "name"


@pytest.mark.parametrize("name", ["", "   ", None, "x" * (limits.GROUP_NAME_MAX + 1)])
def test_bad_group_names_name_the_field(org: ck.OrgStore, name: object) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        org.create_group(name)  # type: ignore[arg-type]
    assert exc.value.field == "name"


def test_adding_to_a_missing_group_is_an_error_and_writes_nothing(org: ck.OrgStore) -> None:
    a = add(org, 1)
    with pytest.raises(ck.NotFoundError):
        org.add_to_group("nope", a.id)
    assert org.get(a.id) == a


def test_adding_twice_writes_once_and_removing_is_idempotent(org: ck.OrgStore) -> None:
    org.create_group("g")
    a = add(org, 1)
    first = org.add_to_group("g", a.id)
    assert org.add_to_group("G", a.id).version == first.version
    removed = org.remove_from_group("g", a.id)
    assert removed.groups == ()
    assert org.remove_from_group("g", a.id).version == removed.version
    assert member_ids(org, "g") == set()


def test_group_keys_do_not_leak_between_prefix_names(org: ck.OrgStore) -> None:
    for name in ("c", "c#", "c#MEMBER", "c%23"):
        org.create_group(name)
    contacts = [add(org, n) for n in range(4)]
    for name, contact in zip(("c", "c#", "c#MEMBER", "c%23"), contacts, strict=True):
        org.add_to_group(name, contact.id)
    for name, contact in zip(("c", "c#", "c#MEMBER", "c%23"), contacts, strict=True):
        assert member_ids(org, name) == {contact.id}
    assert len(org.groups()) == 4


def test_group_members_pages_with_cursors(org: ck.OrgStore) -> None:
    org.create_group("g")
    ids = {add(org, n).id for n in range(5)}
    for contact_id in ids:
        org.add_to_group("g", contact_id)
    first = org.group_members("g", limit=2)
    assert len(first) == 2 and first.next_cursor
    assert member_ids(org, "g") == ids


def test_a_contact_joins_at_most_the_group_limit(org: ck.OrgStore) -> None:
    a = add(org, 1)
    for n in range(limits.MAX_GROUPS_PER_CONTACT + 1):
        org.create_group(f"g{n}")
    for n in range(limits.MAX_GROUPS_PER_CONTACT):
        org.add_to_group(f"g{n}", a.id)
    with pytest.raises(ck.ValidationError) as exc:
        org.add_to_group(f"g{limits.MAX_GROUPS_PER_CONTACT}", a.id)
    assert exc.value.field == "groups"


def test_worst_case_delete_removes_every_membership(table: ck.Table, org: ck.OrgStore) -> None:
    tags = [f"t{n}" for n in range(limits.MAX_TAGS)]
    a = org.add(
        first_name="Alexandra Maria",
        last_name="Zurbriggen-Oberholzer",
        email="alexandra.zurbriggen@example-company.com",
        company="Very Long Company Name Holding International",
        job_title="Senior Principal Staff Engineer of Things",
        tags=tags,
    )
    for n in range(limits.MAX_GROUPS_PER_CONTACT):
        org.create_group(f"g{n}")
        org.add_to_group(f"g{n}", a.id)
    org.delete(a.id)
    assert items_of_type(table, "member") == []
    assert len(items_of_type(table, "group")) == limits.MAX_GROUPS_PER_CONTACT


def test_rename_moves_members_and_keeps_them_queryable(table: ck.Table, org: ck.OrgStore) -> None:
    org.create_group("old")
    a, b = add(org, 1), add(org, 2)
    org.add_to_group("old", a.id)
    org.add_to_group("old", b.id)
    renamed = org.rename_group("old", "New")
    assert renamed.name == "New"
    assert [g.name for g in org.groups()] == ["New"]
    assert member_ids(org, "new") == {a.id, b.id}
    assert member_ids(org, "old") == set()
    assert org.contact_groups(a.id) == ["New"]
    assert len(items_of_type(table, "member")) == 2
    with pytest.raises(ck.NotFoundError):
        org.add_to_group("old", a.id)


def test_rename_of_the_spelling_only(org: ck.OrgStore) -> None:
    org.create_group("friends")
    a = add(org, 1)
    org.add_to_group("friends", a.id)
    org.rename_group("friends", "Friends")
    assert [g.name for g in org.groups()] == ["Friends"]
    assert org.contact_groups(a.id) == ["Friends"]


def test_rename_to_an_existing_group_is_refused(org: ck.OrgStore) -> None:
    org.create_group("a")
    org.create_group("b")
    with pytest.raises(ck.ValidationError) as exc:
        org.rename_group("a", "B")
    assert exc.value.field == "new"


def test_interrupted_rename_is_finished_by_calling_it_again(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contactkit.contacts import groups

    org.create_group("old")
    members = [add(org, n) for n in range(3)]
    for contact in members:
        org.add_to_group("old", contact.id)
    real = groups._relabel_members

    def crash(*args: object, **kwargs: object) -> int:
        raise RuntimeError("power cut")

    monkeypatch.setattr(groups, "_relabel_members", crash)
    with pytest.raises(RuntimeError):
        org.rename_group("old", "new")
    with pytest.raises(ck.NotFoundError):  # nobody joins a group that is being renamed
        org.add_to_group("old", add(org, 9).id)
    monkeypatch.setattr(groups, "_relabel_members", real)
    org.rename_group("old", "new")
    assert [g.name for g in org.groups()] == ["new"]
    assert member_ids(org, "new") == {c.id for c in members}


def test_delete_group_removes_memberships_and_is_audited(table: ck.Table, org: ck.OrgStore) -> None:
    org.create_group("g")
    a, b = add(org, 1), add(org, 2)
    org.add_to_group("g", a.id)
    org.add_to_group("g", b.id)
    assert org.delete_group("G") == 2
    assert org.groups() == []
    assert items_of_type(table, "member") == []
    assert org.get(a.id).groups == ()
    actions = [e.action for e in org.iter_pages(org.audit)]
    assert actions[:3] == ["group.remove", "group.remove", "group.delete"]
    with pytest.raises(ck.NotFoundError):
        org.delete_group("g")


def test_groups_of_other_orgs_are_invisible(table: ck.Table, org: ck.OrgStore) -> None:
    other = table.org("org-other")
    other.create_group("g")
    b = other.add(first_name="B", last_name="B", email="b@example.com")
    other.add_to_group("g", b.id)
    assert org.groups() == []
    with pytest.raises(ck.NotFoundError):
        org.add_to_group("g", b.id)
    assert list(org.group_members("g")) == []
