"""The shape of every item contactkit stores, checked one item at a time and across an org (pure).

A restore must not write what contactkit would never have written: an item keyed in another
org, a contact the model cannot read (``list``, ``get`` and ``export`` would fail on it), a
claim, tag, token or member item that does not follow from a contact, or two contacts holding
one email. :class:`ItemCheck` takes a file's items one by one (``add``), then ``finish`` checks
the cross-item rules and returns the derived items the file lacks (an email claim, tag, token
or member item of one of its contacts), which the restore writes too, so the restored org is
consistent even when the file was taken while an import was still writing search tokens.

Rules per item type (``type`` attribute; keys as in :mod:`contactkit.contacts.keys`):

* contact: read through the model (:func:`~contactkit.contacts.items.contact_from_item`), with
  a name, company, email or phone, and every email valid, and
  laid out again (:func:`~contactkit.contacts.items.contact_item`); the two must be equal, so
  every index key (``EmailPK``, ``NameSK``, ``PhonePK``, ``FavPK``) is the contact's own.
* email claim, tag, phone, token, member: equal to the item derived from their contact in the
  file.
* group: keyed by its name; each group a contact lists must have its group item.
* activity: in the partition of a contact of the file. audit: in the org's audit partition.

Memory: the derived items (claims, tags, tokens, members) of the whole file are held until
``finish``, about 1 KB per contact.
"""

from __future__ import annotations

from typing import Any

from ..dynamo.queries import NAME_MOVED_AT
from ..dynamo.types import Item
from ..errors import ValidationError
from . import items, keys
from .actions import token_plan
from .cleaning import check_identity, clean_email
from .fields import IDENTITY_FIELDS
from .model import Contact

_DERIVED_TYPES = frozenset(
    {
        items.UNIQUE_TYPE,
        items.SOURCE_TYPE,
        items.TAG_TYPE,
        items.PHONE_TYPE,
        items.TOKEN_TYPE,
        items.MEMBER_TYPE,
    }
)
_CONTACT_TEXT = ("id", "org_id", "write_token")

Key = tuple[str, str]


def org_of(item: Item) -> str:
    """The org an item belongs to, from its ``PK`` (``ORG#<org>`` or ``ORG#<org>#...``)."""
    pk = str(item["PK"]["S"])
    org, _, _ = pk.removeprefix("ORG#").partition(keys.SEPARATOR)
    if not pk.startswith("ORG#") or not keys.ORG_ID_PATTERN.fullmatch(org):
        raise ValidationError("PK", f"{pk[:80]!r} is not a contactkit key (ORG#<org id>...)")
    return org


def contact_of(item: Item) -> Contact:
    """The contact of a contact item, if the item is exactly what contactkit writes for it."""
    for name in _CONTACT_TEXT:
        if name not in item:
            raise ValidationError(name, "is missing")
        if set(item[name]) != {"S"}:
            raise ValidationError(name, "is not text")
    try:
        contact = items.contact_from_item(item)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError("fields", f"cannot be read by the model ({exc!r})") from exc
    check_identity({name: getattr(contact, name) for name in IDENTITY_FIELDS})
    for position, entry in enumerate(contact.emails):
        clean_email(entry.value, f"emails[{position}]")
    expected = items.contact_item(contact, item["write_token"]["S"])
    if NAME_MOVED_AT in item:
        expected[NAME_MOVED_AT] = item[NAME_MOVED_AT]
    for name in sorted(set(expected) | set(item)):
        if name not in item:
            raise ValidationError(name, "is missing")
        if name not in expected:
            raise ValidationError(name, "is not an attribute of a contact")
        if expected[name] != item[name]:
            raise ValidationError(name, f"should be {_short(expected[name])} for this contact")
    return contact


def derived_items(contact: Contact) -> list[Item]:
    """The items every write keeps in step with a contact: claims (emails, source id), tags,
    phones, tokens, members."""
    return [
        *(
            items.uniqueness_item(contact, email)
            for email in items.claimed_emails(contact).values()
        ),
        *([items.source_item(contact)] if contact.source_id else []),
        *(items.tag_item(contact, tag) for tag in contact.tags),
        *(items.phone_item(contact, e164) for e164 in items.indexed_phones(contact)),
        *(items.token_item(contact, t, in_name=n) for t, n in token_plan(contact).items()),
        *(items.member_item(contact, group) for group in contact.groups),
    ]


def _key(item: Item) -> Key:
    return (item["PK"]["S"], item["SK"]["S"])


def _text(item: Item, name: str) -> str:
    value = item.get(name)
    if not isinstance(value, dict) or set(value) != {"S"}:
        raise ValidationError(name, "is missing or not text")
    return str(value["S"])


class ItemCheck:
    """Checks a backup's items (of ``org`` only, when given); bad lines go to ``bad``.

    Example::

        check = ItemCheck("org-a")
        for number, item in enumerate(items, start=1):
            check.add(number, item)
        missing = check.finish()   # derived items to write too; check.bad: [(line, reason)]
    """

    def __init__(self, org: str | None = None) -> None:
        self.org = org
        self.orgs: set[str] = set()
        self.bad: list[tuple[int, str]] = []
        self._contacts: dict[tuple[str, str], int] = {}
        self._expected: dict[Key, tuple[Item, int]] = {}
        self._found: dict[Key, tuple[Item, int]] = {}
        self._groups: set[Key] = set()
        self._needed_groups: dict[Key, tuple[str, int]] = {}
        self._activity: list[tuple[int, str, str]] = []
        self._unreadable: set[str] = set()  # contact ids of bad contact lines: not said twice

    def add(self, number: int, item: Item) -> None:
        """Check one item (its line ``number``) on its own and remember it for ``finish``."""
        try:
            org = org_of(item)
        except ValidationError as error:
            self.bad.append((number, f"{error.field}: {error.reason}"))
            return
        if self.org is not None and org != self.org:
            self.bad.append((number, f"is an item of {org}, not of {self.org}"))
            return
        self.orgs.add(org)
        kind = item.get("type", {}).get("S")
        try:
            self._add(number, org, kind, item)
        except ValidationError as error:
            self.bad.append((number, f"{kind or 'item'} {error.field}: {error.reason}"))
            if item["SK"]["S"].startswith(keys.CONTACT_PREFIX):
                self._unreadable.add(item["SK"]["S"].removeprefix(keys.CONTACT_PREFIX))

    def _add(self, number: int, org: str, kind: str | None, item: Item) -> None:
        if kind == items.CONTACT_TYPE:
            contact = contact_of(item)
            self._contacts[(org, contact.id)] = number
            for derived in derived_items(contact):
                key = _key(derived)
                if key in self._expected:  # only a claim can repeat: the others hold the id
                    raise ValidationError(
                        "email",
                        f"is also the email of the contact on line {self._expected[key][1]}",
                    )
                self._expected[key] = (derived, number)
            for group in contact.groups:
                group_key = (keys.tenant_partition_key(org), keys.group_sort_key(group))
                self._needed_groups.setdefault(group_key, (group, number))
        elif kind in _DERIVED_TYPES:
            self._found[_key(item)] = (item, number)
        elif kind == items.GROUP_TYPE:
            name = _text(item, "name")
            _text(item, "created_at")
            if item != items.group_item(org, name, _text(item, "created_at")):
                raise ValidationError(
                    "SK", f"is not the key of group {name!r}, or extra attributes"
                )
            self._groups.add(_key(item))
        elif kind == items.ACTIVITY_TYPE:
            contact_id = _text(item, "contact_id")
            if item["PK"]["S"] != keys.activity_partition_key(org, contact_id):
                raise ValidationError("PK", f"is not the activity partition of {contact_id}")
            if not item["SK"]["S"].startswith(keys.ACTIVITY_PREFIX):
                raise ValidationError("SK", f"does not start with {keys.ACTIVITY_PREFIX}")
            self._activity.append((number, org, contact_id))
        elif kind == items.AUDIT_TYPE:
            if item["PK"]["S"] not in keys.audit_partition_keys(org):
                raise ValidationError("PK", f"is not an audit partition of {org}")
            if not item["SK"]["S"].startswith(keys.AUDIT_PREFIX):
                raise ValidationError("SK", f"does not start with {keys.AUDIT_PREFIX}")
        else:
            raise ValidationError("type", f"{kind!r} is not a contactkit item type")

    def finish(self) -> list[Item]:
        """Check the rules between items; return the derived items missing from the file."""
        for key, (item, number) in self._found.items():
            expected = self._expected.get(key)
            if item.get("contact_id", {}).get("S") in self._unreadable:
                continue
            if expected is None:
                kind = item.get("type", {}).get("S")
                self.bad.append((number, f"{kind} item of no contact in the file (stale)"))
            elif expected[0] != item:
                self.bad.append((number, f"does not match its contact on line {expected[1]}"))
        for key, (group, number) in self._needed_groups.items():
            if key not in self._groups:
                self.bad.append((number, f"is in group {group!r}, which the file does not hold"))
        for number, org, contact_id in self._activity:
            if (org, contact_id) not in self._contacts and contact_id not in self._unreadable:
                self.bad.append((number, f"activity of {contact_id}, a contact not in the file"))
        self.bad.sort()
        return [item for key, (item, _) in self._expected.items() if key not in self._found]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
