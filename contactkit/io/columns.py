"""What contactkit's own files carry, and the one rule for lists in a CSV cell (pure).

contactkit's CSV, JSON and vCard carry every field of :mod:`contactkit.contacts.fields` that is
``exported`` (what a caller sets: names, the labelled emails, phones and addresses, websites,
birthday, ...) or ``carried`` (what the store keeps and a copy of the contact keeps: its ``id``,
so that a re-import matches each row to the contact it came from and an import into an empty
org keeps it, when it was last contacted, and its groups). Every cell is written and read by its
field's ``kind``, so a new field of the declared list needs no change here.

Lists in one CSV cell (``tags``, ``websites``, ``groups``): joined by ``;``. A value holding
``;``, ``,`` or ``"`` is quoted like a CSV cell (``"a;b"``, a ``"`` doubled). Reading splits on
the ``;`` and ``,`` outside quotes, so ``vip, client`` and ``vip;client`` (hand-written and
older files) still read as two tags, and ``join_list`` then ``split_list`` gives back every list
exactly. The labelled lists get numbered columns instead (``email``, ``email_label``,
``email_2``, ``email_2_label``; :func:`contactkit.contacts.fields.csv_columns`). Foreign formats
(Google's `` ::: ``, Outlook's ``;``) keep their own rules (:mod:`contactkit.io.formats.mappings`).

contactkit's vCard properties (``X-CONTACTKIT-*``, written by :mod:`contactkit.io.export`,
read by :mod:`contactkit.io.formats.vcard`) are named here once, with the labels vCard's
``TYPE`` parameter carries. What a vCard cannot carry as it is, a custom field's name in a
parameter or a note holding a carriage return, is percent-encoded (:func:`percent_encode`),
which :func:`percent_decode` undoes exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote

from ..contacts import fields

ID_FIELD = "id"  # the contact's id: how a re-import finds the contact a row came from
LIST_SEPARATOR = fields.TAG_SEPARATOR
_SPECIAL = (";", ",", '"')

VCARD_PRODID = "-//contactkit//contactkit//EN"  # marks contactkit's own cards
VCARD_PREFIX = "x-contactkit-"  # then the field: X-CONTACTKIT-FAVORITE, X-CONTACTKIT-GROUP
VCARD_CUSTOM = VCARD_PREFIX + "custom"  # ;NAME=<percent-encoded name>:<value>
VCARD_FAVORITE = VCARD_PREFIX + "favorite"
VCARD_GROUP = VCARD_PREFIX + "group"  # one per group
VCARD_NOTE = VCARD_PREFIX + "note"  # the note, percent-encoded, when it holds a CR
VCARD_NAME = VCARD_PREFIX + "name"  # the single full name (``FN`` is the display name)
# The contact's contactkit id; ``UID`` is its source id when it has one (the card it came from
# keeps its identity), else the contactkit id too.
VCARD_ID = VCARD_PREFIX + "id"
VCARD_TIMES = {"created_at": VCARD_PREFIX + "created"}
VCARD_TIMES["last_contacted_at"] = VCARD_PREFIX + "last-contacted"
VCARD_LABEL = "x-ablabel"  # a free-text label, on an item group (Apple's convention)
# Labels a vCard TYPE carries (label -> TYPE); any other label goes into X-ABLabel.
VCARD_TYPES = {"home": "HOME", "work": "WORK", "mobile": "CELL", "other": "OTHER"}
VCARD_TYPES |= {"fax": "FAX", "pager": "PAGER", "main": "MAIN", "iphone": "IPHONE"}
# TYPE values that say nothing about the label (the kind of value, or "preferred").
VCARD_PLAIN_TYPES = frozenset({"internet", "voice", "pref", "x400", "postal", "parcel"})
VCARD_PLAIN_TYPES |= {"dom", "intl", "msg", "text"}


def carried() -> tuple[fields.Field, ...]:
    """The declared fields the files carry beyond the exported ones (id first)."""
    return tuple(f for f in fields.CONTACT_FIELDS if f.carried)


def file_columns(
    custom_names: Iterable[str] = (), entries: Mapping[str, int] | None = None
) -> list[str]:
    """contactkit's CSV header (:func:`contactkit.contacts.fields.csv_columns`)."""
    return fields.csv_columns(list(custom_names), entries)


def join_list(values: Iterable[str]) -> str:
    """``["vip", "a;b"]`` -> ``'vip;"a;b"'`` (see the module docstring)."""
    return LIST_SEPARATOR.join(_quoted(v) for v in values)


def split_list(cell: str) -> list[str]:
    """The inverse of :func:`join_list`; also splits unquoted ``,`` (``"vip, client"``).

    Unquoted blank items are dropped (``a;;b`` is two); a quoted one (``""``, which
    :func:`join_list` writes for a blank value) is kept, for the model to refuse like ``add``.
    """
    parts: list[tuple[str, bool]] = []  # (text, was quoted)
    current: list[str] = []
    quoted = was_quoted = False
    position = 0
    while position < len(cell):
        char = cell[position]
        if quoted:
            if char == '"' and cell[position + 1 : position + 2] == '"':
                current.append('"')
                position += 1
            elif char == '"':
                quoted = False
            else:
                current.append(char)
        elif char == '"' and not "".join(current).strip():
            current = []  # an opening quote: whitespace before it is the separator's
            quoted = was_quoted = True
        elif char in ";,":
            parts.append(("".join(current), was_quoted))
            current = []
            was_quoted = False
        else:
            current.append(char)
        position += 1
    parts.append(("".join(current), was_quoted))
    return [part.strip() for part, kept in parts if kept or part.strip()]


def _quoted(value: str) -> str:
    if not value.strip() or any(char in value for char in _SPECIAL):
        return '"' + value.replace('"', '""') + '"'
    return value


def percent_encode(text: str) -> str:
    """``'a"b: c'`` -> ``'a%22b%3A%20c'``: letters, digits and ``_.-~`` stay as they are."""
    return quote(text, safe="")


def percent_decode(text: str) -> str:
    """The inverse of :func:`percent_encode`."""
    return unquote(text, errors="strict")
