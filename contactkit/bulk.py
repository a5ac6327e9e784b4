"""Bulk update and bulk delete, by tag or by a list of ids, with a report.

The changes are validated once, before anything is written (a bad change raises
``ValidationError`` and writes nothing). The targets are then resolved: ``ids`` as given
(duplicates dropped), or every contact with ``tag``, collected in full *before* the first
write, so an update that changes tags cannot move contacts in or out of the walk.

Each contact is written by its own ``TransactWriteItems`` (``OrgStore.update`` /
``OrgStore.delete``): every write carries conditions of its own (version, email claim), so
one contact's conflict cannot cancel another's, and a failure is reported per contact instead
of stopping the run. Reads are batched (tag pages of 100). The report says what was done,
which ids did not exist, and which failed and why; running the same bulk operation again after
an interruption is safe (updates re-apply the same values, deletes report the already deleted
as not found).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import keys
from .errors import ContactKitError, NotFoundError, ValidationError
from .model import clean_changes

if TYPE_CHECKING:
    from .store import OrgStore

TAG_PAGE = 100


@dataclass(frozen=True)
class BulkFailure:
    """One contact a bulk operation could not change, and why."""

    contact_id: str
    reason: str


@dataclass(frozen=True)
class BulkReport:
    """The outcome of a bulk operation, per contact id."""

    done: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    failed: list[BulkFailure] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.not_found) + len(self.failed)


def targets(store: OrgStore, ids: Iterable[str] | None, tag: str | None) -> list[str]:
    """The contact ids a bulk operation applies to (exactly one of ``ids`` and ``tag``)."""
    if (ids is None) == (tag is None):
        raise ValidationError("ids", "give either ids=[...] or tag='...', not both or neither")
    if ids is not None:
        if isinstance(ids, str):
            raise ValidationError("ids", "must be a list of ids, not one string")
        chosen = list(dict.fromkeys(ids))
        for contact_id in chosen:
            keys.validate_contact_id(contact_id)
        return chosen
    assert tag is not None
    return [c.id for c in store.iter_pages(store.find_by_tag, tag, limit=TAG_PAGE)]


def run(ids: list[str], write: Callable[[str], Any]) -> BulkReport:
    report = BulkReport()
    for contact_id in ids:
        try:
            write(contact_id)
        except NotFoundError:
            report.not_found.append(contact_id)
        except ContactKitError as error:
            report.failed.append(BulkFailure(contact_id, str(error)))
        else:
            report.done.append(contact_id)
    return report


def bulk_update(
    store: OrgStore, ids: Iterable[str] | None, tag: str | None, changes: dict[str, Any]
) -> BulkReport:
    """Apply the same ``changes`` to many contacts."""
    if not changes:
        raise ValidationError("changes", "nothing to update; pass fields such as company='ACME'")
    clean_changes(changes, store.phone_region)  # fail before the first write
    if "email" in changes:
        raise ValidationError("email", "is unique per contact; it cannot be set in bulk")
    return run(targets(store, ids, tag), lambda cid: store.update(cid, **changes))


def bulk_delete(store: OrgStore, ids: Iterable[str] | None, tag: str | None) -> BulkReport:
    """Delete many contacts (each with its claim, tags, memberships and activity)."""
    return run(targets(store, ids, tag), store.delete)
