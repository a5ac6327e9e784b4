"""The seed app's output format, as text (for people) and as JSON (for scripts). Pure, no I/O.

A list view looks like the seed's::

    👥 Contacts (2 contacts):
    ─────────────────────────
    1. John Doe at Acme Corp
       📧 john.doe@example.com | 📱 (555) 123-4567
       🏷️  vip, client, decision-maker
       ID: k3v7qa2m

A phone that could not be normalised (the seed's 7-digit ``555-0101``) is shown as entered,
followed by a warning mark, instead of the seed's impossible ``(555) 010-1000``.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from ..contacts import fields
from ..contacts.model import Contact, ContactSummary, Interaction

if TYPE_CHECKING:
    from ..contacts.groups import Group
    from ..contacts.stats import ContactStats
    from ..io.report import ImportReport

RULE = "─" * 25
WARNING_MARK = "⚠️"
CUSTOM_MARK = "•"  # custom fields have no icon: one bullet line per name
SHORT_ID_LENGTH = 8


def icon(name: str) -> str:
    """The declared field ``name``'s mark (``📧``; the tag emoji keeps the seed's two spaces)."""
    return fields.field(name).icon or fields.field(name).label


def short_id(contact_id: str) -> str:
    """8 characters of the id's SHA-256, in lower-case base32 (``a``-``z``, ``2``-``7``).

    Not a slice of the ULID: ULIDs made in one millisecond are monotonic, so contacts imported
    one after another differ by +1 in their last characters. A hash spreads them apart; every
    command that takes an id accepts it (and prefixes of 4 characters or more).
    """
    digest = hashlib.sha256(contact_id.encode()).digest()
    return base64.b32encode(digest).decode()[:SHORT_ID_LENGTH].lower()


def count(number: int, noun: str) -> str:
    """``1 contact``, ``2 contacts``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def phone_text(contact: ContactSummary) -> str | None:
    """Formatted phone, or the phone as entered plus a warning mark when it is not a full number."""
    if contact.phone is None:
        return None
    shown = contact.phone_display()
    return shown if contact.phone_e164 else f"{shown} {WARNING_MARK}"


def warning(text: str) -> str:
    """``⚠️  text``: a remark about what was stored (a phone kept as entered...)."""
    return f"{WARNING_MARK}  {text}"


def heading(contact: ContactSummary) -> str:
    """``John Doe at Acme Corp`` (a star for favourites)."""
    text = contact.full_name
    if contact.company:
        text += f" at {contact.company}"
    return text + (" ⭐" if contact.favorite else "")


def contact_entry(number: int, contact: ContactSummary, *, full_id: bool = False) -> list[str]:
    """One numbered entry of a list view, as in the seed."""
    lines = [f"{number}. {heading(contact)}"]
    reach = f"{icon('email')} {contact.email}"
    phone = phone_text(contact)
    if phone is not None:
        reach += f" | {icon('phone')} {phone}"
    lines.append(f"   {reach}")
    tags = fields.display_value(contact, "tags")
    if tags is not None:
        lines.append(f"   {icon('tags')} {tags}")
    lines.append(f"   {icon('id')} {contact.id if full_id else short_id(contact.id)}")
    return lines


def contact_list(
    title: str, contacts: Sequence[ContactSummary], *, start: int = 1, full_id: bool = False
) -> list[str]:
    """A titled, numbered list view (``👥 <title> (<n> contacts):``)."""
    if not contacts:
        return [f"📭 {title}: no contacts."]
    lines = [f"👥 {title} ({count(len(contacts), 'contact')}):", RULE]
    for offset, contact in enumerate(contacts):
        if offset:
            lines.append("")
        lines.extend(contact_entry(start + offset, contact, full_id=full_id))
    return lines


def work_text(contact: Contact) -> str | None:
    """``CEO at Acme Corp``: the job title joins the company on the company's line."""
    return " at ".join(part for part in (contact.job_title, contact.company) if part) or None


# Fields shown differently from `fields.display_value`: the phone with its warning mark, the
# company with the job title.
_DETAILS_TEXT: dict[str, Callable[[Contact], str | None]] = {
    "phone": phone_text,
    "company": work_text,
}


def contact_details(contact: Contact, activity: Iterable[Interaction] = ()) -> list[str]:
    """Every field of one contact, then its activity, newest first.

    One line per :func:`contactkit.contacts.fields.display_fields` field, in the declared order
    (``icon value``), then the custom fields, the dates, the warnings and the activity.
    """
    lines = [f"👤 {contact.full_name}" + (" ⭐" if contact.favorite else ""), RULE]
    for f in fields.display_fields():
        special = _DETAILS_TEXT.get(f.name)
        text = special(contact) if special else fields.display_value(contact, f.name)
        if text is not None:
            lines.append(f"   {f.icon} {text}")
    for name, value in contact.custom_fields.items():
        lines.append(f"   {CUSTOM_MARK} {name}: {value}")
    created, updated = (fields.display_value(contact, n) for n in ("created_at", "updated_at"))
    lines.append(
        f"   {fields.field('created_at').label} {created or 'never'}, "
        f"{fields.field('updated_at').label.lower()} {updated or 'never'}"
    )
    contacted = fields.display_value(contact, "last_contacted_at")
    if contacted is not None:
        lines.append(f"   {fields.field('last_contacted_at').label} {contacted}")
    lines.extend(f"   {WARNING_MARK}  {warning}" for warning in contact.warnings)
    entries = list(activity)
    if entries:
        lines.append("   🕘 Activity:")
        lines.extend(
            f"      {when(entry.at)} {entry.kind}" + (f": {entry.note}" if entry.note else "")
            for entry in entries
        )
    return lines


def when(moment: datetime | None) -> str:
    """``2026-01-05 09:00 UTC`` (or ``never``)."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "never"


def to_json(value: Any) -> Any:
    """Plain JSON-ready data from contacts, pages, reports and other dataclasses."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, PurePath):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, ContactSummary):
            data["warnings"] = list(value.warnings)
        return data
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(v) for v in value]
    return value


def import_report(report: ImportReport) -> list[str]:
    """The seed's ``✅ Imported 3/3 contacts``, then what was skipped, refused or remarked."""
    verb = "Would import" if report.dry_run else "Imported"
    first = f"✅ {verb} {report.imported}/{report.rows} contacts"
    if report.updated:
        first += f", updated {report.updated}"
    lines = [first]
    if report.skipped:
        skipped = len(report.skipped)
        lines.append(f"↩️  Skipped {skipped} already in this org or repeated in the file")
    lines.extend(f"❌ row {r.row}: {r.field}: {r.reason}" for r in report.invalid_rows)
    lines.extend(f"❌ row {r.row}: not written: {r.reason}" for r in report.failed)
    lines.extend(f"{WARNING_MARK}  row {w.row}: {w.message}" for w in report.warnings)
    return lines


def stats(org_id: str, numbers: ContactStats) -> list[str]:
    """The seed's statistics, ranked (the lines of ``ContactStats.rows``)."""
    return [
        f"📊 Statistics for {org_id}:",
        RULE,
        *(f"   {label}: {value}" for label, value in numbers.rows()),
    ]


def groups(found: Sequence[Group]) -> list[str]:
    if not found:
        return ["📭 No groups yet: 'group create NAME'."]
    return [f"👪 Groups ({len(found)}):", RULE, *(f"   {g.name}" for g in found)]
