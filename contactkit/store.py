"""The tenant-scoped contact store: every read and write of one org, and nothing outside it.

:class:`OrgStore` is the facade the lessons teach: each method is one call into the object
that does the work, so this file is also the map of where each feature lives:

* reads: :class:`~contactkit.contacts.lookups.OrgLookups` (``org.lookups``);
* writes: :class:`~contactkit.contacts.writer.ContactWriter` (``org.writer``), which also
  explains the write guarantees (optimistic locking, email uniqueness, safe retries);
* groups, bulk changes, erase/purge, duplicates and merge: :mod:`contactkit.contacts`;
* import and export: :mod:`contactkit.io`.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar

from .contacts import bulk, erase, groups, keys, merge, migrate
from .contacts.audit import AuditEntry
from .contacts.bulk import BulkReport
from .contacts.cache import ContactCache
from .contacts.cleaning import check_expected_version
from .contacts.duplicates import DuplicateCandidate
from .contacts.erase import EraseReport, PurgeReport
from .contacts.groups import Group
from .contacts.lookups import OrgLookups
from .contacts.migrate import MigrationReport
from .contacts.model import (
    Address,
    Contact,
    ContactSummary,
    Interaction,
    LabeledValue,
    PhoneNumber,
)
from .contacts.stats import ContactStats
from .contacts.writer import ContactWriter
from .dynamo.paging import Page
from .dynamo.queries import OrgReader
from .dynamo.transactions import TransactionWriter
from .errors import ValidationError
from .io import importer
from .io.export import ExportReport, export_contacts

if TYPE_CHECKING:
    from .io.importer import OnConflict, Plan, Progress
    from .io.report import ImportReport
    from .table import Table

# An email or phone as add() takes it: text, {"value": ..., "label": ...}, or a dataclass.
Entry = str | Mapping[str, str | None] | LabeledValue | PhoneNumber
T = TypeVar("T")


class OrgStore:
    """Contacts of one org. Get it from ``table.org("org-a1b2c3d4")``.

    ``cache_size`` > 0 keeps that many contacts from ``get`` in a read-through cache that every
    write through this store updates (other writers are not seen: off by default).

    Example::

        org = table.org("org-a1b2c3d4")
        c = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        org.update(c.id, expected_version=c.version, company="Analytical Engines")
    """

    def __init__(
        self, table: Table, org_id: str, *, phone_region: str = "US", cache_size: int = 0
    ) -> None:
        self.org_id = keys.validate_org_id(org_id)
        self.table = table
        self.phone_region = phone_region
        db = table.db
        reader = OrgReader(table.dynamo, table.name, self.org_id, db.cursors, clock=db.clock)
        self.lookups = OrgLookups(
            reader, ContactCache(cache_size), phone_region=phone_region, clock=db.clock
        )
        self.writer = ContactWriter(
            self.lookups, TransactionWriter(table.dynamo, table.name), ids=db.ids
        )

    def __repr__(self) -> str:
        return f"<contactkit.OrgStore {self.org_id} in {self.table.name!r}>"

    # -- reads (contactkit.contacts.lookups) -----------------------------------------------

    def get(self, contact_id: str) -> Contact:
        """The contact with this id; ``NotFoundError`` if it is not in this org."""
        return self.lookups.get(contact_id)

    def find_by_email(self, email: str, *, consistent: bool = False) -> Contact | None:
        """The contact with this email (case-insensitive), or ``None``."""
        return self.lookups.find_by_email(email, consistent=consistent)

    def find_by_phone(
        self, phone: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """Contacts with this phone, given in any format (several may share one)."""
        return self.lookups.find_by_phone(phone, limit=limit, cursor=cursor)

    def find_by_name(
        self, prefix: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """Contacts whose last name starts with ``prefix`` (or ``"last, first"``), A to Z."""
        return self.lookups.find_by_name(prefix, limit=limit, cursor=cursor)

    def find_by_tag(
        self, tag: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """Contacts with this tag (case-insensitive): a Query of tag items, one BatchGetItem."""
        return self.lookups.find_by_tag(tag, limit=limit, cursor=cursor)

    def favorites(self, *, limit: int = 25, cursor: str | None = None) -> Page[ContactSummary]:
        """Favourite contacts, oldest first, from the sparse ``gsi-favorites`` index."""
        return self.lookups.favorites(limit=limit, cursor=cursor)

    def list(
        self,
        *,
        limit: int = 25,
        cursor: str | None = None,
        order: Literal["created", "name"] = "created",
    ) -> Page[ContactSummary]:
        """One page of the org's contacts, by creation time or alphabetically by name."""
        return self.lookups.list(limit=limit, cursor=cursor, order=order)

    def recent(self, *, limit: int = 10, cursor: str | None = None) -> Page[ContactSummary]:
        """The most recently created contacts first (ids are time-ordered ULIDs)."""
        return self.lookups.recent(limit=limit, cursor=cursor)

    def iter_pages(self, lookup: Callable[..., Page[T]], *args: Any, **kwargs: Any) -> Iterator[T]:
        """Every result of a paged lookup, page after page: ``org.iter_pages(org.list)``."""
        return self.lookups.iter_pages(lookup, *args, **kwargs)

    def search(
        self,
        term: str,
        *,
        limit: int = 25,
        cursor: str | None = None,
        fuzzy: bool = False,
        use_index: bool = True,
    ) -> Page[ContactSummary]:
        """Contacts matching every word of ``term`` by word prefix, best matches first.

        ``fuzzy=True`` tolerates typos; ``use_index=False`` reads the whole org instead of
        the token index (the baseline the index is measured against).
        """
        return self.lookups.search(
            term, limit=limit, cursor=cursor, fuzzy=fuzzy, use_index=use_index
        )

    def activity(
        self, contact_id: str, *, limit: int = 20, cursor: str | None = None
    ) -> Page[Interaction]:
        """A contact's interactions, newest first (one Query of its activity partition)."""
        return self.lookups.activity(contact_id, limit=limit, cursor=cursor)

    def audit(self, *, limit: int = 25, cursor: str | None = None) -> Page[AuditEntry]:
        """The org's audit trail, newest first: one Query of its audit partition.

        Example::

            page = org.audit(limit=10)
            [(e.action, e.contact_id, e.fields) for e in page]
        """
        return self.lookups.audit(limit=limit, cursor=cursor)

    def stats(self, *, now: datetime | None = None, top: int = 5) -> ContactStats:
        """The seed's statistics over every contact of the org (a full, paginated Query)."""
        return self.lookups.stats(now=now, top=top)

    # -- writes (contactkit.contacts.writer) -----------------------------------------------

    def add(
        self,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: Entry | None = None,
        phone: Entry | None = None,
        company: str | None = None,
        job_title: str | None = None,
        tags: builtins.list[str] | tuple[str, ...] | None = None,
        address: Mapping[str, str] | Address | None = None,
        custom_fields: Mapping[str, str] | None = None,
        notes: str | None = None,
        favorite: bool = False,
        emails: Iterable[Entry] | None = None,
        phones: Iterable[Entry] | None = None,
        addresses: Iterable[Mapping[str, str] | Address] | None = None,
        name: str | None = None,
        prefix: str | None = None,
        middle_name: str | None = None,
        suffix: str | None = None,
        nickname: str | None = None,
        department: str | None = None,
        birthday: str | date | None = None,
        websites: Iterable[str] | None = None,
        source_id: str | None = None,
    ) -> Contact:
        """Create a contact. It needs at least one of a name (``first_name``, ``last_name`` or
        a one-text ``name``), a ``company``, an email or a phone (``ValidationError``).

        ``emails``/``phones``/``addresses`` are lists of values, each text or
        ``{"value": ..., "label": "work"}`` (or :class:`LabeledValue`/:class:`PhoneNumber`;
        addresses are mappings with an optional ``label``); the first is the primary
        (``contact.email``, ``contact.phone``). ``email=``/``phone=``/``address=`` give the
        primary: it goes first in the list, unless the list already holds it. Every email must
        be unused in this org (``EmailTakenError`` names the address and its contact).
        ``birthday`` is ``YYYY-MM-DD`` or ``--MM-DD`` without a year. ``source_id`` is the
        contact's id in another address book (a vCard ``UID``), unique in the org: an import
        matches a card to the contact of its ``UID`` (a ``ValidationError`` names the contact
        that already has it).

        Example::

            org.add(first_name="John", last_name="Doe", email="john.doe@example.com",
                    phone="555-123-4567", tags=["vip", "client"])
            org.add(name="Mom", phones=[{"value": "+1 555 123 4567 x12", "label": "home"}])
        """
        return self.writer.add(
            {
                "first_name": first_name,
                "last_name": last_name,
                "name": name,
                "prefix": prefix,
                "middle_name": middle_name,
                "suffix": suffix,
                "nickname": nickname,
                "email": email,
                "emails": emails,
                "phone": phone,
                "phones": phones,
                "company": company,
                "department": department,
                "job_title": job_title,
                "birthday": birthday,
                "websites": websites,
                "tags": tags,
                "address": address,
                "addresses": addresses,
                "custom_fields": custom_fields,
                "notes": notes,
                "favorite": favorite,
                "source_id": source_id,
            }
        )

    def update(
        self, contact_id: str, expected_version: int | None = None, **changes: Any
    ) -> Contact:
        """Change some fields of a contact and return the new version.

        With ``expected_version`` the update applies only if nobody wrote since that version
        (``VersionConflictError`` otherwise); without it, it is re-applied on a fresh read.
        Changing the email moves its uniqueness claim in the same transaction.
        """
        return self.writer.update(contact_id, check_expected_version(expected_version), changes)

    def set_favorite(self, contact_id: str, favorite: bool = True) -> Contact:
        """Mark or unmark a favourite (favourites alone are in the sparse ``gsi-favorites``)."""
        return self.writer.update(contact_id, None, {"favorite": favorite})

    def record_interaction(
        self, contact_id: str, kind: str, note: str | None = None, at: datetime | None = None
    ) -> Contact:
        """Append an interaction to the contact's activity and move its last-contacted time."""
        return self.writer.record_interaction(contact_id, kind, note, at)

    def delete(self, contact_id: str, expected_version: int | None = None) -> None:
        """Delete a contact with its email claim, tag items, memberships and activity.

        ``NotFoundError`` if it does not exist. Its activity (unbounded) goes last, through
        :meth:`purge_activity`, which is safe to call again if interrupted.
        """
        self.writer.delete(contact_id, check_expected_version(expected_version))

    def purge_activity(self, contact_id: str) -> int:
        """Delete a contact's activity items in batches of 25; returns how many (resumable)."""
        return self.writer.purge_activity(contact_id)

    def migrate(self, cursor: str | None = None, *, pages: int | None = None) -> MigrationReport:
        """Rewrite contacts stored in the earlier one-email shape: their lists, email claims in
        the new key form, phone items. Resumable (``report.next_cursor``), safe to re-run;
        ``report.collisions`` lists addresses another contact now claims. See ``docs/keys.md``.
        """
        return migrate.migrate(self.writer, cursor, pages=pages)

    def backfill_search_index(self) -> int:
        """Write the token index entries of every contact; returns how many (idempotent)."""
        return self.writer.backfill_search_index()

    # -- groups (contactkit.contacts.groups) -------------------------------------------------------

    def create_group(self, name: str) -> Group:
        """Create a group (names are case-insensitive): ``org.create_group("Friends")``."""
        return groups.create_group(self.writer, name)

    def rename_group(self, old: str, new: str) -> Group:
        """Rename a group and move its members; resumable (call again to finish)."""
        return groups.rename_group(self.writer, old, new)

    def delete_group(self, name: str) -> int:
        """Delete a group and its memberships; returns how many contacts left it."""
        return groups.delete_group(self.writer, name)

    def add_to_group(self, name: str, contact_id: str) -> Contact:
        """Add a contact to an existing group (one transaction)."""
        return groups.add_to_group(self.writer, name, contact_id)

    def remove_from_group(self, name: str, contact_id: str) -> Contact:
        """Remove a contact from a group (one transaction; nothing if not a member)."""
        return groups.remove_from_group(self.writer, name, contact_id)

    def groups(self) -> builtins.list[Group]:
        """Every group of the org (one Query)."""
        return groups.groups(self.writer)

    def group_members(
        self, name: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """A page of a group's members (one Query and one BatchGetItem)."""
        return groups.group_members(self.writer, name, limit=limit, cursor=cursor)

    def contact_groups(self, contact_id: str) -> builtins.list[str]:
        """The groups a contact is in (one GetItem)."""
        return groups.contact_groups(self.writer, contact_id)

    # -- files (contactkit.io.export) ---------------------------------------------------------

    def export(self, path: str | Path, format: str | None = None) -> ExportReport:
        """Write every contact to ``path`` as ``"csv"``, ``"json"`` or ``"vcf"``.

        The format defaults to the file's extension. The files import back with
        ``org.import_contacts`` with nothing lost; see :mod:`contactkit.io.export`.

        Example::

            org.export("contacts.csv")
        """
        return export_contacts(self.lookups, path, format)

    # -- forgetting (contactkit.contacts.erase) ----------------------------------------------------

    def erase(self, contact_id: str) -> EraseReport:
        """Remove a contact with everything about it: activity, memberships, tags, search
        entries, email claim and the audit entries naming it (an import transaction's entry,
        which names other contacts too, keeps them with ``(erased)`` in its place). Resumable.

        Example::

            org.erase(contact_id)   # EraseReport(contact=True, activity=3, audit_entries=5)
        """
        return erase.erase(self.writer, contact_id)

    def purge(self) -> PurgeReport:
        """Delete every item of this org (resumable: run it again to finish)."""
        return erase.purge(self.writer)

    # -- bulk (contactkit.contacts.bulk) ---------------------------------------------------

    def bulk_update(
        self, ids: Iterable[str] | None = None, tag: str | None = None, **changes: Any
    ) -> BulkReport:
        """Apply the same changes to the contacts in ``ids`` or with ``tag``; a report per id.

        Example::

            org.bulk_update(tag="lead", company="ACME")  # BulkReport(done=[...], ...)
        """
        return bulk.bulk_update(self.writer, ids, tag, changes)

    def bulk_delete(self, ids: Iterable[str] | None = None, tag: str | None = None) -> BulkReport:
        """Delete the contacts in ``ids`` or with ``tag``; a report per id."""
        return bulk.bulk_delete(self.writer, ids, tag)

    # -- duplicates (contactkit.contacts.merge) ----------------------------------------------------

    def duplicate_candidates(self, min_score: float = 85.0) -> builtins.list[DuplicateCandidate]:
        """Pairs of contacts that may be one person (same email or phone, similar names).

        Reads the org once (projected); best score first. See :mod:`contactkit.contacts.merge`.
        """
        return merge.duplicate_candidates(self.lookups, min_score)

    def merge(self, keep_id: str, other_id: str) -> Contact:
        """Fold ``other_id`` into ``keep_id`` (fields, tags, groups, activity), then delete it.

        The merge rule and the resumable sequence are in :mod:`contactkit.contacts.merge`.

        Example::

            best = org.duplicate_candidates()[0]
            org.merge(best.first.id, best.second.id)
        """
        return merge.merge(self.writer, keep_id, other_id)

    def import_contacts(
        self,
        source: str | os.PathLike[str] | IO[Any] | Iterable[Mapping[str, Any]],
        format: str | None = None,
        dry_run: bool = False,
        on_conflict: OnConflict = "skip",
        progress: Progress = None,
        *,
        plan: Plan = "atomic",
        encoding: str | None = None,
        phone_region: str | None = None,
    ) -> ImportReport:
        """Import contacts from a file or dicts, validated like ``add``; returns a report.

        ``source``: a path, an open file or an iterable of dicts with our field names.
        ``format``: ``csv``, ``json``, ``jsonl``, ``google``, ``google-old``, ``outlook``,
        ``google-outlook``, ``thunderbird`` or ``vcard``; by default from the extension and the
        header.
        ``on_conflict``: a row matching a contact of the org (by the id of our own exports,
        else by email) that changes it is ``"skip"``-ped (the report names the contact),
        ``"update"``-d with the row's values, or ``"merge"``-d by the merge rule; unchanged
        rows are skipped as unchanged, so importing an org's own export writes nothing.
        ``progress``: ``None`` shows a bar for large interactive imports
        (``CONTACTKIT_PROGRESS=0`` turns it off), ``True``/``False`` force it, a callable gets
        ``(done, total)``. ``plan``: see :mod:`contactkit.io.importer` and ``docs/import.md``.
        ``phone_region``: the region of phones written without a country code (``"DE"``);
        by default the region of a localised Outlook header's language (a German export's
        ``030 1234567`` is German), else the org's; ``report.phone_region`` names it.

        Example::

            report = org.import_contacts("data/seed-contacts.csv")
            report.imported, report.warnings, report.requests, report.minimum_requests
        """
        return importer.import_contacts(
            self.writer,
            check_import_source(source),
            format,
            dry_run=dry_run,
            on_conflict=on_conflict,
            progress=progress,
            plan=plan,
            encoding=encoding,
            phone_region=phone_region,
        )


def check_import_source(source: Any) -> Any:
    """``source`` if ``import_contacts`` can read it; ``ValidationError`` for what it would
    misread: bytes (a list of ints), one dict (its keys), anything not a path, file or list."""
    if isinstance(source, str | os.PathLike) or hasattr(source, "read"):
        return source
    if isinstance(source, Mapping):
        reason = "must be a list of dicts, not one dict; wrap it: [row]"
    elif isinstance(source, bytes | bytearray | memoryview) or not isinstance(source, Iterable):
        reason = (
            "must be a path (str or pathlib.Path), an open file or a list of dicts, "
            f"not {type(source).__name__}"
        )
    else:
        return source
    raise ValidationError("source", reason)
