"""Rewriting contacts stored in the earlier one-email shape (resumable, page by page).

The old shape had one email and one phone per contact, required first and last names, and
claimed the email under ``email.strip().lower()``. Such items already read correctly
(:func:`~contactkit.contacts.items.contact_from_item` rebuilds the lists from the primary
fields); :func:`migrate` rewrites them so that every index agrees with the new model:

* the contact item gets its lists (``emails``, ``phones``, ``addresses``) and ``display_name``;
* each email claim moves from the old key form to the new one
  (:func:`~contactkit.contacts.keys.normalise_email`) when the two differ (fullwidth letters,
  ``josé@…`` in NFD, ``user@xn--…``): put under the new key, deleted under the old;
* each phone gets its membership item (``PHONE#<E.164>#CONTACT#<id>``).

An address whose new key another contact already claims (two contacts the old key form told
apart, the new one does not) is *not* moved: the contact keeps it as stored, its old claim stays,
and the report lists it in ``collisions`` to be resolved by hand (``org.merge`` or an update).

Each contact is one transaction, conditioned on the version read (a contact written meanwhile
is already in the new shape and is left alone). Items already in the new shape (with a
``display_name``) are skipped, so running it again is harmless; ``next_cursor`` resumes an
interrupted run where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from boto3.dynamodb.conditions import Attr

from ..dynamo.expressions import render
from ..dynamo.transactions import Action
from ..dynamo.types import Item, serialize
from ..errors import TransactionCanceledError
from . import items, keys
from .actions import email_collision, put, put_contact

if TYPE_CHECKING:
    from .writer import ContactWriter

PAGE_SIZE = 100
MAX_ATTEMPTS = 12  # one per collision found, plus a few for concurrent writes


@dataclass(frozen=True)
class EmailCollision:
    """An address whose new key form is already claimed by another contact."""

    email: str
    contact_id: str
    owner_id: str | None


@dataclass
class MigrationReport:
    """What :func:`migrate` did: contacts read and rewritten, claims re-keyed, collisions."""

    read: int = 0
    rewritten: int = 0
    rekeyed: int = 0
    collisions: list[EmailCollision] = field(default_factory=list)
    next_cursor: str | None = None  # pass it back to resume; None when the org is done


def migrate(
    writer: ContactWriter, cursor: str | None = None, *, pages: int | None = None
) -> MigrationReport:
    """Rewrite the org's contacts stored in the old shape; ``pages`` bounds one run.

    Example::

        report = org.migrate()
        while report.next_cursor:                    # only when ``pages`` was given
            report = org.migrate(report.next_cursor, pages=10)
    """
    report = MigrationReport()
    done = 0
    while pages is None or done < pages:
        found, cursor = writer.reader.query_page(
            "migrate",
            {},
            writer.lookups.contacts_condition(),
            limit=PAGE_SIZE,
            cursor=cursor,
            consistent=True,
        )
        for item in found:
            report.read += 1
            if "display_name" not in item:
                _rewrite(writer, item, report)
        done += 1
        if cursor is None:
            break
    report.next_cursor = cursor
    return report


def _rewrite(writer: ContactWriter, item: Item, report: MigrationReport) -> None:
    contact = items.contact_from_item(item)
    skipped: set[str] = set()
    for _ in range(MAX_ATTEMPTS):
        token = writer.ids()
        moved = item.get("name_moved_at")
        actions: list[Action] = [
            put_contact(
                contact,
                token,
                Attr("version").eq(contact.version),
                name_moved_at=str(moved["S"]) if moved else None,
            ),
            *(put(items.phone_item(contact, e164)) for e164 in items.indexed_phones(contact)),
        ]
        rekeyed = 0
        for email in items.claimed_emails(contact).values():
            new, old = (
                keys.uniqueness_key(contact.org_id, email),
                keys.legacy_uniqueness_key(contact.org_id, email),
            )
            if new["PK"] == old["PK"] or email in skipped:
                continue
            ours = Attr("PK").not_exists() | Attr("contact_id").eq(contact.id)
            actions.append(put(items.uniqueness_item(contact, email), ours))
            actions.append({"Delete": {"Key": serialize(old), **render(ours)}})
            rekeyed += 1
        actions.append(writer.audit_action("migrate", contact.id, token))
        try:
            writer.write(actions, token, "migrate")
        except TransactionCanceledError as error:
            if items.write_token_of(error.reasons[0].item) == token:
                break  # our own earlier attempt succeeded; its answer was lost
            if error.reasons[0].code == "ConditionalCheckFailed":
                return  # written meanwhile, so already in the new shape
            collided = email_collision(actions, error)
            if collided is None:
                raise
            email, owner = collided
            skipped.add(email)
            report.collisions.append(EmailCollision(email, contact.id, owner))
            continue
        report.rewritten += 1
        report.rekeyed += rekeyed
        writer.cache.forget(contact.id)
        return
