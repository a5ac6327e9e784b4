"""One implementation of every command, shared by the shell and the scriptable commands.

Each function takes the open org (``OrgStore``; ``Table`` for backup and restore) and typed
arguments, makes the library calls and returns what to show: an :class:`Outcome` (the data
``--json`` prints, the text lines, the warnings) or, for lookups, a :class:`Listing` (a title
and one page). The front ends only parse and print: ``commands.py`` turns click options into
these calls, ``shell.py`` turns a typed line (and the answers to its questions) into the same
calls. ``tests/cli/test_actions.py`` fails when a front end calls the library around them.

Example::

    with open_session(Settings(org="org-a1b2c3d4")) as session:
        outcome = actions.add(session.org, {"first_name": "Ada", ...})
        print(*outcome.lines, sep="\\n")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from ..contacts import phones
from ..contacts.cleaning import clean_changes
from ..contacts.model import Contact, ContactSummary
from ..dynamo.paging import Page
from ..dynamo.queries import MAX_PAGE_SIZE
from ..errors import NotFoundError, ValidationError
from ..io.importer import OnConflict
from . import render
from .seed import SEED_CONTACTS

if TYPE_CHECKING:
    from ..contacts.groups import Group
    from ..contacts.stats import ContactStats
    from ..io.backup import BackupReport, RestoreMode, RestoreReport
    from ..io.export import ExportReport
    from ..io.report import ImportReport
    from ..store import OrgStore
    from ..table import Table

T = TypeVar("T")
Confirm = Callable[[str], bool]  # asks a yes/no question; False means "do not"


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a command did: ``data`` for ``--json``, ``lines`` for people.

    ``error``: a user error found after the work was done (rows not imported, no such email);
    scripts print the outcome, then exit 1 with it.
    """

    data: T
    lines: list[str]
    warnings: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Listing:
    """One page of a lookup under its title; ``empty`` replaces the "no contacts" line."""

    title: str
    page: Page[ContactSummary]
    empty: str | None = None
    footer: list[str] = field(default_factory=list)
    error: str | None = None

    def lines(self, *, start: int = 1, full_id: bool = False) -> list[str]:
        if not self.page.items and self.empty is not None:
            return [self.empty]
        shown = render.contact_list(self.title, self.page.items, start=start, full_id=full_id)
        return shown + self.footer


# -- contact ids ---------------------------------------------------------------------------

ULID_LENGTH = 26
MIN_PREFIX = 4  # shortest short-id prefix accepted: fewer would match too many contacts
_SHORT_ID_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz234567")
_MAX_CANDIDATES = 5  # an ambiguous prefix names this many of its contacts


def resolve_id(org: OrgStore, text: str) -> str:
    """The full id of the contact ``text`` names: a full id, its short id, or a prefix of it.

    Short ids (``render.short_id``: 8 characters of a hash, as lists show them) are not keys:
    they are matched against every contact of the org (one paged Query). A prefix of at least
    ``MIN_PREFIX`` characters is enough when one contact has it; when several do, the
    ``ValidationError`` lists them. ``NotFoundError`` when none does.
    """
    given = text.strip()
    if len(given) == ULID_LENGTH:
        return given
    wanted = given.lower()
    if not MIN_PREFIX <= len(wanted) <= render.SHORT_ID_LENGTH or not set(wanted) <= (
        _SHORT_ID_CHARACTERS
    ):
        raise ValidationError(
            "id",
            f"{given!r} is not a contact id: give the full id, or the "
            f"{render.SHORT_ID_LENGTH} characters lists show after 'ID:' "
            f"(at least the first {MIN_PREFIX})",
        )
    found = [
        contact
        for contact in org.iter_pages(org.list, limit=MAX_PAGE_SIZE)
        if render.short_id(contact.id).startswith(wanted)
    ]
    if not found:
        raise NotFoundError(org.org_id, given)
    if len(found) > 1:
        named = ", ".join(
            f"{render.short_id(c.id)} ({c.full_name})" for c in found[:_MAX_CANDIDATES]
        )
        more = f" and {len(found) - _MAX_CANDIDATES} more" if len(found) > _MAX_CANDIDATES else ""
        raise ValidationError(
            "id",
            f"{given!r} matches {len(found)} contacts: {named}{more}; type more characters",
        )
    return found[0].id


# -- one contact ---------------------------------------------------------------------------


def field_problem(org: OrgStore, name: str, value: Any, current: str | None = None) -> str | None:
    """Why ``value`` cannot be stored as field ``name`` (the shell asks again), or ``None``.

    ``current``: the contact's email when editing, so that keeping one's own email is fine.
    """
    try:
        clean_changes({name: value}, org.phone_region)
    except ValidationError as error:
        return str(error)
    if name == "email" and value:
        owner = org.find_by_email(value, consistent=True)
        if owner is not None and (
            current is None or (owner.email or "").lower() != current.lower()
        ):
            return f"email: {value!r} is already used by {owner.full_name}"
    return None


def field_warning(org: OrgStore, name: str, value: Any) -> str | None:
    """What storing a valid ``value`` as field ``name`` would be remarked on, or ``None``.

    A phone that is not a complete number is kept as entered, not searchable by phone: the
    shell says so at the question, in the words of :mod:`contactkit.contacts.phones` (the
    words of ``import``'s report).
    """
    if name == "phone" and value:
        return phones.normalise(str(value), org.phone_region).warning
    return None


def stored_warnings(org: OrgStore, contact: Contact) -> tuple[str, ...]:
    """The contact's warnings, its phones' in the words of ``import`` (``field_warning``)."""
    entered = [p.value for p in contact.phones if p.e164 is None]
    if not contact.phones and contact.phone and not contact.phone_e164:
        entered.append(contact.phone)
    about_phones = [field_warning(org, "phone", value) for value in entered]
    others = [w for w in contact.warnings if not w.startswith("phone ")]
    return (*(w for w in about_phones if w is not None), *others)


def add(org: OrgStore, fields: Mapping[str, Any]) -> Outcome[Contact]:
    """Add a contact from the fields given (``None`` values are left out)."""
    contact = org.add(**{name: value for name, value in fields.items() if value is not None})
    return Outcome(
        contact, [f"✅ Created contact: {contact.full_name}"], stored_warnings(org, contact)
    )


def get(org: OrgStore, contact_id: str) -> Contact:
    """The contact (``NotFoundError`` if there is none); the shell's ``edit`` starts from it."""
    return org.get(resolve_id(org, contact_id))


def show(org: OrgStore, contact_id: str) -> Outcome[dict[str, Any]]:
    """Every field of a contact, its groups and its recent activity."""
    contact = org.get(resolve_id(org, contact_id))
    activity = org.activity(contact.id).items
    # The contact item carries its groups: no second read for them.
    return Outcome(
        {"contact": contact, "activity": activity, "groups": list(contact.groups)},
        render.contact_details(contact, activity),
    )


def update(
    org: OrgStore,
    contact_id: str,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Outcome[Contact]:
    """Change the fields given (none is a ``ValidationError``: nothing to update)."""
    contact = org.update(resolve_id(org, contact_id), expected_version, **changes)
    return Outcome(
        contact, [f"✅ Updated contact: {contact.full_name}"], stored_warnings(org, contact)
    )


def delete(org: OrgStore, contact_id: str, confirm: Confirm) -> Outcome[dict[str, str] | None]:
    """Delete a contact after ``confirm`` agreed; ``data`` is ``None`` when it did not."""
    contact = org.get(resolve_id(org, contact_id))
    if not confirm(f"Delete {contact.full_name} <{contact.email}>?"):
        return Outcome(None, ["Not deleted."])
    org.delete(contact.id)
    return Outcome({"deleted": contact.id}, [f"🗑️  Deleted contact: {contact.full_name}"])


def favorite(org: OrgStore, contact_id: str, on: bool | None = None) -> Outcome[Contact]:
    """Mark (``on=True``) or unmark a favourite; ``None`` toggles."""
    contact_id = resolve_id(org, contact_id)
    if on is None:
        on = not org.get(contact_id).favorite
    contact = org.set_favorite(contact_id, on)
    if contact.favorite:
        return Outcome(contact, [f"⭐ {contact.full_name} is now a favorite"])
    return Outcome(contact, [f"☆ {contact.full_name} is no longer a favorite"])


def note(org: OrgStore, contact_id: str, text: str, kind: str = "note") -> Outcome[Contact]:
    """Record an interaction (it moves the contact's last-contacted time)."""
    contact = org.record_interaction(resolve_id(org, contact_id), kind=kind, note=text)
    shown = "" if kind == "note" else f" ({kind})"
    return Outcome(contact, [f"📝 Noted for {contact.full_name}{shown}"])


# -- lookups: one page each ------------------------------------------------------------------


def list_contacts(
    org: OrgStore,
    *,
    limit: int,
    cursor: str | None = None,
    order: Literal["created", "name"] = "created",
) -> Listing:
    return Listing("Contacts", org.list(limit=limit, cursor=cursor, order=order))


def recent(org: OrgStore, *, limit: int) -> Listing:
    return Listing("Recent contacts", org.recent(limit=limit))


def search(
    org: OrgStore, term: str, *, limit: int, cursor: str | None = None, fuzzy: bool = False
) -> Listing:
    title = f"{'Fuzzy' if fuzzy else 'Search'} results for '{term}'"
    return Listing(title, org.search(term, limit=limit, cursor=cursor, fuzzy=fuzzy))


def email(org: OrgStore, address: str) -> Listing:
    """The contact with this email, as a list of one (``error`` set when there is none)."""
    found = org.find_by_email(address)
    if found is None:
        return Listing(
            "Contact found",
            Page([]),
            empty=f"📭 No contact with email {address}",
            error=f"no contact with email {address!r}",
        )
    return Listing("Contact found", Page([found]))


def phone(org: OrgStore, number: str, *, limit: int, cursor: str | None = None) -> Listing:
    return Listing(f"Phone {number}", org.find_by_phone(number, limit=limit, cursor=cursor))


def name(org: OrgStore, prefix: str, *, limit: int, cursor: str | None = None) -> Listing:
    page = org.find_by_name(prefix, limit=limit, cursor=cursor)
    return Listing(f"Names starting with '{prefix}'", page)


def tag(org: OrgStore, tag_name: str, *, limit: int, cursor: str | None = None) -> Listing:
    return Listing(f"Tagged '{tag_name}'", org.find_by_tag(tag_name, limit=limit, cursor=cursor))


def favorites(org: OrgStore, *, limit: int, cursor: str | None = None) -> Listing:
    return Listing("Favorites", org.favorites(limit=limit, cursor=cursor))


# -- the whole org -------------------------------------------------------------------------


def import_contacts(
    org: OrgStore,
    path: Path | None = None,
    *,
    file_format: str | None = None,
    dry_run: bool = False,
    on_conflict: OnConflict = "skip",
    progress: bool | None = None,
) -> Outcome[ImportReport]:
    """Import a file, or the seed's three contacts when ``path`` is ``None``."""
    source = path if path is not None else [dict(c) for c in SEED_CONTACTS]
    report = org.import_contacts(
        source, format=file_format, dry_run=dry_run, on_conflict=on_conflict, progress=progress
    )
    error = None
    if not report.ok:
        problems = len(report.invalid_rows) + len(report.failed)
        error = f"{problems} of {report.rows} rows were not imported"
    return Outcome(report, render.import_report(report), error=error)


def export(org: OrgStore, path: Path, file_format: str | None = None) -> Outcome[ExportReport]:
    """Write every contact to ``path`` (the format from the extension unless given)."""
    report = org.export(path, file_format)
    line = (
        f"📤 Exported {render.count(report.contacts, 'contact')} to {report.path} ({report.format})"
    )
    return Outcome(report, [line])


def stats(org: OrgStore) -> Outcome[ContactStats]:
    numbers = org.stats()
    return Outcome(numbers, render.stats(org.org_id, numbers))


def backup(table: Table, path: Path, org_id: str | None) -> Outcome[BackupReport]:
    """Back up one org's items (every org's when ``org_id`` is ``None``)."""
    report = table.backup(path, org=org_id)
    return Outcome(report, [f"💾 Backed up {report.items} items to {report.path}"])


def restore(
    table: Table,
    path: Path,
    org: str | None = None,
    *,
    whole_table: bool = False,
    mode: RestoreMode = "empty",
) -> Outcome[RestoreReport]:
    report = table.restore(path, org, whole_table=whole_table, mode=mode)
    orgs = ", ".join(report.orgs)
    return Outcome(report, [f"♻️  Restored {report.items} items of {orgs} from {report.path}"])


# -- groups ----------------------------------------------------------------------------------


def groups(org: OrgStore) -> Outcome[list[Group]]:
    found = org.groups()
    return Outcome(found, render.groups(found))


def create_group(org: OrgStore, group: str) -> Outcome[Group]:
    created = org.create_group(group)
    return Outcome(created, [f"👪 Created group {created.name}"])


def rename_group(org: OrgStore, old: str, new: str) -> Outcome[Group]:
    renamed = org.rename_group(old, new)
    return Outcome(renamed, [f"👪 Renamed group {old} to {renamed.name}"])


def delete_group(org: OrgStore, group: str) -> Outcome[int]:
    left = org.delete_group(group)
    members = render.count(left, "member")
    return Outcome(left, [f"🗑️  Deleted group {group} ({members} left it)"])


def add_to_group(org: OrgStore, group: str, contact_ids: Iterable[str]) -> Outcome[list[Contact]]:
    changed = [org.add_to_group(group, resolve_id(org, c)) for c in contact_ids]
    return Outcome(changed, [f"👪 Added {c.full_name} to {group}" for c in changed])


def remove_from_group(
    org: OrgStore, group: str, contact_ids: Iterable[str]
) -> Outcome[list[Contact]]:
    changed = [org.remove_from_group(group, resolve_id(org, c)) for c in contact_ids]
    return Outcome(changed, [f"👪 Removed {c.full_name} from {group}" for c in changed])


def group_members(org: OrgStore, group: str, *, limit: int, cursor: str | None = None) -> Listing:
    return Listing(f"Group {group}", org.group_members(group, limit=limit, cursor=cursor))


# -- duplicates ------------------------------------------------------------------------------


def duplicates(org: OrgStore) -> Listing:
    """Likely duplicates as one list, numbered in pairs (1 and 2, 3 and 4...) for ``merge``."""
    pairs = org.duplicate_candidates()
    shown = [contact for pair in pairs for contact in (pair.first, pair.second)]
    footer = [
        f"   {2 * index + 1} ↔ {2 * index + 2}: score {pair.score:.0f} ({', '.join(pair.reasons)})"
        for index, pair in enumerate(pairs)
    ]
    title = f"Possible duplicates, {render.count(len(pairs), 'pair')}"
    return Listing(title, Page(shown), empty="✅ No likely duplicates.", footer=footer)


def merge(org: OrgStore, keep_id: str, other_id: str, confirm: Confirm) -> Outcome[Contact | None]:
    """Fold ``other_id`` into ``keep_id`` after ``confirm`` agreed, then delete it."""
    keep, other = org.get(resolve_id(org, keep_id)), org.get(resolve_id(org, other_id))
    if keep.id == other.id:
        raise ValidationError("id", "the two ids name the same contact")
    if not confirm(f"Merge {other.full_name} <{other.email}> into {keep.full_name}?"):
        return Outcome(None, ["Not merged."])
    merged = org.merge(keep.id, other.id)
    return Outcome(merged, [f"🔀 Merged {other.full_name} into {merged.full_name}"])
