"""The write actions of a contact, shared by the store and the importer (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import contactkit as ck
from contactkit.contacts import actions
from contactkit.contacts.actions import check_item_size
from contactkit.contacts.model import Contact
from contactkit.dynamo import limits
from contactkit.dynamo.sizes import item_size, json_bound
from contactkit.dynamo.types import deserialize
from contactkit.errors import ValidationError

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def contact(**changes: object) -> Contact:
    values: dict[str, object] = {
        "id": "01KE6A0000000000000000000A",
        "org_id": "org-test",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "company": "Analytical Engines",
        "tags": ("vip", "client"),
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return Contact(**values)  # type: ignore[arg-type]


def kinds(found: list[dict[str, dict[str, object]]]) -> list[str]:
    return [
        deserialize(next(iter(a.values())).get("Item") or {}).get("type", "delete") for a in found
    ]  # type: ignore[arg-type]


def test_a_new_contact_is_its_item_its_claim_its_tags_and_its_tokens_in_that_order() -> None:
    found = actions.new_contact_actions(contact(), "token-1")
    # ada, lovelace, analytical, engines: "example" and "com" are email noise
    assert kinds(found) == ["contact", "email", "tag", "tag", *["token"] * 4]
    assert all("ConditionExpression" in a["Put"] for a in found[:2])
    assert all("ConditionExpression" not in a["Put"] for a in found[2:])


def test_without_tokens_the_search_entries_are_left_out() -> None:
    found = actions.new_contact_actions(contact(), "token-1", with_tokens=False)
    assert kinds(found) == ["contact", "email", "tag", "tag"]


def test_a_change_puts_the_contact_under_its_version_and_moves_only_what_changed() -> None:
    old = contact()
    new = contact(email="ada@engines.example", tags=("vip",), version=2)
    found = actions.changed_contact_actions(old, new, "token-2")
    assert found[0]["Put"]["ExpressionAttributeValues"] == {":v0": {"N": "1"}}
    assert kinds(found)[:3] == ["contact", "delete", "email"]  # release, then claim
    # the old claim and the tag "client"; no token moves: "example", "com" were never indexed
    # and "engines" is in the company
    assert kinds(found) == ["contact", "delete", "email", "delete"]


@pytest.mark.parametrize(
    ("old", "new", "count"),
    [
        ("a@example.com", "a@example.com", 0),
        ("a@example.com", "A@Example.com", 1),
        ("a@example.com", "b@example.com", 2),
    ],
)
def test_email_actions_by_kind_of_change(old: str, new: str, count: int) -> None:
    assert len(actions.email_actions(contact(email=old), contact(email=new))) == count


def test_an_item_over_400_kb_is_refused_naming_the_biggest_field() -> None:
    with pytest.raises(ck.ValidationError) as exc:
        actions.put_contact(contact(notes="x" * 410_000), "t", None)
    assert exc.value.field == "notes"


def test_an_item_whose_json_passes_400_kb_is_sized_before_it_is_refused() -> None:
    # Many short attributes: the JSON (quotes, type tags) is far longer than the size.
    item = {f"{n:05d}": {"S": "x"} for n in range(30_000)}
    assert json_bound(item) > limits.MAX_ITEM_BYTES >= item_size(item)
    check_item_size(item)  # accepted: sized exactly
    item["big"] = {"S": "x" * (limits.MAX_ITEM_BYTES - item_size(item))}
    with pytest.raises(ValidationError, match="big"):
        check_item_size(item)
