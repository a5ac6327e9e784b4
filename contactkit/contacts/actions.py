"""The transaction actions that store a contact and everything derived from it (pure, no I/O).

A contact is more than its item: one email-uniqueness item per address (the first
``MAX_INDEXED_EMAILS``), a claim of its source id when it has one, one membership item per tag
and per phone number (the first ``MAX_INDEXED_PHONES``), and one search-index entry per token.
``OrgStore`` (one contact per transaction) and the importer (many contacts per transaction)
build their writes from these same functions, so both keep the items consistent the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from boto3.dynamodb.conditions import Attr

from ..clock import format_timestamp
from ..dynamo import limits
from ..dynamo.expressions import render
from ..dynamo.queries import NAME_MOVED_AT
from ..dynamo.sizes import item_size, json_bound, value_size
from ..dynamo.transactions import Action
from ..dynamo.types import Item, serialize
from ..errors import TransactionCanceledError, ValidationError
from . import items, keys
from .model import Contact, ContactSummary, name_order
from .search import SearchFields, contact_tokens

# The commonest condition of a write (a new item), rendered once: every contact, claim and
# membership put of an import would otherwise build the same expression again.
PK_ABSENT = Attr("PK").not_exists()
_PK_ABSENT_RENDERED = render(PK_ABSENT)


def _rendered(condition: Any) -> dict[str, Any]:
    if condition is PK_ABSENT:  # a copy: callers may extend the name map
        names = dict(_PK_ABSENT_RENDERED["ExpressionAttributeNames"])
        return {**_PK_ABSENT_RENDERED, "ExpressionAttributeNames": names}
    return render(condition)


def put(item: Item, condition: Any = None) -> Action:
    """A Put action; with a condition, a failed check returns the stored item (``ALL_OLD``)."""
    body: dict[str, Any] = {"Item": item}
    if condition is not None:
        body.update(_rendered(condition))
        body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return {"Put": body}


def put_contact(
    contact: Contact,
    token: str,
    condition: Any,
    *,
    name_moved_at: str | None = None,
    item: Item | None = None,
) -> Action:
    """The contact's own item, refused before sending if it exceeds 400 KB.

    ``name_moved_at`` is kept on the item: when the contact last moved in name order.
    ``item``: that item when the caller has made it (``items.contact_item(contact, token)``).
    """
    item = items.contact_item(contact, token) if item is None else item
    if name_moved_at is not None:
        item[NAME_MOVED_AT] = {"S": name_moved_at}
    check_item_size(item)
    return {
        "Put": {
            "Item": item,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            **_rendered(condition),
        }
    }


def new_contact_actions(
    contact: Contact, token: str, *, with_tokens: bool = True, item: Item | None = None
) -> list[Action]:
    """Create a contact: its item, one claim per email and the claim of its source id (all
    ``attribute_not_exists``), its tag and phone items and, unless ``with_tokens`` is false,
    its search-index entries.

    The first action is always the contact, followed by its claims in the order of its emails:
    callers read the cancellation reasons of a failed transaction by these positions
    (:func:`email_collision`, :func:`source_collision`). ``item``: the contact's item when the
    caller has made it (:func:`put_contact`).
    """
    return [
        put_contact(contact, token, PK_ABSENT, item=item),
        *(
            put(items.uniqueness_item(contact, email), PK_ABSENT)
            for email in items.claimed_emails(contact).values()
        ),
        *source_actions(None, contact),
        *(put(items.tag_item(contact, tag)) for tag in contact.tags),
        *(put(items.phone_item(contact, e164)) for e164 in items.indexed_phones(contact)),
        *(token_actions(None, contact) if with_tokens else []),
    ]


def claimed_email(action: Action) -> str | None:
    """The address an action claims, if it is the Put of an email claim."""
    item = action.get("Put", {}).get("Item", {})
    if item.get("type", {}).get("S") != items.UNIQUE_TYPE:
        return None
    return str(item["email"]["S"])


def email_collision(
    actions: Sequence[Action], error: TransactionCanceledError
) -> tuple[str, str | None] | None:
    """``(our address, owner's contact id)`` of the first email claim refused, if any.

    Cancellation reasons are positional: the reason of a claim's Put names its address (from
    the action) and the contact already holding it (``ALL_OLD``, the stored claim).
    """
    for action, reason in zip(actions, error.reasons, strict=False):
        email = claimed_email(action)
        if email is not None and reason.code == "ConditionalCheckFailed":
            owner = (reason.item or {}).get("contact_id", {}).get("S")
            return email, None if owner is None else str(owner)
    return None


def claimed_source(action: Action) -> str | None:
    """The source id an action claims, if it is the Put of a source-id claim."""
    item = action.get("Put", {}).get("Item", {})
    if item.get("type", {}).get("S") != items.SOURCE_TYPE:
        return None
    return str(item["source_id"]["S"])


def source_collision(
    actions: Sequence[Action], error: TransactionCanceledError
) -> tuple[str, str | None] | None:
    """``(our source id, owner's contact id)`` if the source-id claim was refused."""
    for action, reason in zip(actions, error.reasons, strict=False):
        source_id = claimed_source(action)
        if source_id is not None and reason.code == "ConditionalCheckFailed":
            owner = (reason.item or {}).get("contact_id", {}).get("S")
            return source_id, None if owner is None else str(owner)
    return None


def source_actions(old: Contact | None, new: Contact | None) -> list[Action]:
    """Move the source-id claim to match ``new``: released if ours, claimed if free."""
    before = old.source_id if old is not None else None
    after = new.source_id if new is not None else None
    if before == after:
        return []
    released = []
    if old is not None and before is not None:
        key = items.source_key(old.org_id, before)
        released = [{"Delete": {"Key": key, **render(released_by(old.id))}}]
    claimed = []
    if new is not None and after is not None:
        claimed = [put(items.source_item(new), PK_ABSENT)]
    return [*released, *claimed]


def changed_contact_actions(
    old: Contact, new: Contact, token: str, *, name_moved_at: str | None = None
) -> list[Action]:
    """Replace ``old`` by ``new`` (version ``old.version + 1``) if nobody wrote since ``old``.

    The first action is always the contact, conditioned on the version read. Pass
    :func:`name_moved_at` of the stored item so name-ordered walks stay correct.
    """
    return [
        put_contact(new, token, Attr("version").eq(old.version), name_moved_at=name_moved_at),
        *email_actions(old, new),
        *source_actions(old, new),
        *tag_actions(old, new),
        *phone_actions(old, new),
        *token_actions(old, new),
    ]


def name_moved_at(stored: Item, current: Contact, updated: Contact) -> str | None:
    """When the contact last moved in name order: now if this write renames it, else as stored.

    Name-ordered walks leave out contacts that moved after they started (see
    :meth:`~contactkit.dynamo.queries.OrgReader.query_page`), so the mark must survive later writes.
    """
    if name_order(current) != name_order(updated):
        assert updated.updated_at is not None
        return format_timestamp(updated.updated_at)
    previous = stored.get(NAME_MOVED_AT)
    return str(previous["S"]) if previous else None


def email_actions(old: Contact, new: Contact) -> list[Action]:
    """Move the email claims to match ``new`` (in the same transaction as the contact).

    Only changed addresses are touched: a released key is deleted (if still ours), a new key
    claimed with ``attribute_not_exists``, and a key whose spelling changed (``Ada@`` to
    ``ada@``) re-put on the same item, conditioned on being ours.
    """
    before, after = items.claimed_emails(old), items.claimed_emails(new)
    released = [
        {
            "Delete": {
                "Key": serialize(keys.uniqueness_key(old.org_id, email)),
                **render(released_by(old.id)),
            }
        }
        for key, email in before.items()
        if key not in after
    ]
    claimed = [
        put(
            items.uniqueness_item(new, email),
            PK_ABSENT if key not in before else Attr("contact_id").eq(new.id),
        )
        for key, email in after.items()
        if before.get(key) != email
    ]
    return [*released, *claimed]


def released_by(contact_id: str) -> Any:
    """The condition of releasing a claim: it is the contact's, or already gone (a contact
    stored in the earlier one-email shape and not yet migrated has its claim under the old
    key form)."""
    return Attr("PK").not_exists() | Attr("contact_id").eq(contact_id)


def phone_actions(old: Contact, new: Contact) -> list[Action]:
    """Phone membership items to delete and put so they match ``new`` (extensions ignored)."""
    before, after = set(items.indexed_phones(old)), items.indexed_phones(new)
    removed = [
        {"Delete": {"Key": items.phone_key(old, e164)}}
        for e164 in items.indexed_phones(old)
        if e164 not in after
    ]
    added = [put(items.phone_item(new, e164)) for e164 in after if e164 not in before]
    return [*removed, *added]


def delete_actions(contact: Contact) -> list[Action]:
    """Release every claim and pointer of ``contact`` (its item and audit are the caller's)."""
    return [
        *(
            {
                "Delete": {
                    "Key": serialize(keys.uniqueness_key(contact.org_id, email)),
                    **render(released_by(contact.id)),
                }
            }
            for email in items.claimed_emails(contact).values()
        ),
        *source_actions(contact, None),
        *({"Delete": {"Key": items.tag_key(contact, t)}} for t in contact.tags),
        *({"Delete": {"Key": items.phone_key(contact, e)}} for e in items.indexed_phones(contact)),
        *token_actions(contact, None),
    ]


def tag_actions(old: Contact, new: Contact) -> list[Action]:
    """Tag membership items to delete and put so they match ``new``."""
    old_keys = {keys.fold_tag(t): t for t in old.tags}
    new_keys = {keys.fold_tag(t): t for t in new.tags}
    removed = [
        {"Delete": {"Key": items.tag_key(old, t)}} for k, t in old_keys.items() if k not in new_keys
    ]
    # Re-put tags whose spelling changed ("vip" -> "VIP") so the pointer shows the new one.
    added = [
        put(items.tag_item(new, t))
        for k, t in new_keys.items()
        if k not in old_keys or old_keys[k] != t
    ]
    return [*removed, *added]


def token_actions(old: Contact | None, new: Contact | None) -> list[Action]:
    """Search-index entries to delete and put so the index matches ``new``."""
    before, after = token_plan(old), token_plan(new)
    removed = [
        {"Delete": {"Key": items.token_key(old, t)}}
        for t in before
        if old is not None and t not in after
    ]
    added = [
        put(items.token_item(new, t, in_name=flag))
        for t, flag in after.items()
        if new is not None and before.get(t) != flag
    ]
    return [*removed, *added]


def token_plan(contact: Contact | None) -> dict[str, bool]:
    """``{token: is a name word}`` for a contact's search-index entries (none for ``None``)."""
    if contact is None:
        return {}
    fields = search_fields(contact)
    names = set(fields.name_tokens())
    return {token: token in names for token in contact_tokens(fields)}


def search_fields(contact: ContactSummary) -> SearchFields:
    """What a contact is searched by; a contact without a personal name is found by its
    display name (company, email or phone) as by a name."""
    named = contact.name or contact.first_name or contact.last_name
    return SearchFields(
        first_name=contact.first_name or "",
        last_name=contact.last_name or "",
        name=contact.name if named else contact.display_name,
        email=contact.email,
        company=contact.company,
        job_title=contact.job_title,
    )


def check_item_size(item: Item) -> None:
    """Refuse an item over DynamoDB's 400 KB before writing, naming the largest field."""
    if json_bound(item) <= limits.MAX_ITEM_BYTES:
        return  # its JSON's length bounds its size from above: no need to size it
    size = item_size(item)
    if size <= limits.MAX_ITEM_BYTES:
        return
    largest = max(item, key=lambda name: len(name) + value_size(item[name]))
    raise ValidationError(
        largest,
        f"makes the contact {size:,} bytes; DynamoDB's item limit is {limits.MAX_ITEM_BYTES:,} "
        "bytes (400 KB): shorten it",
    )
