"""What contactkit's own files carry, and the one rule for lists in a CSV cell (pure).

contactkit's CSV and JSON carry the exported fields of :mod:`contactkit.contacts.fields` and,
so that an export imports back exact, three things the store keeps: the contact's ``id`` (a
re-import matches each row to the contact it came from, and an import into an empty org keeps
it), when it was last contacted, and its groups. Files list the id first and the store-kept
fields last; every cell is written and read by its field's ``kind``, so a new field of the
declared list needs no change here.

Lists in one CSV cell (``tags``, ``groups``): joined by ``;``. A value holding ``;``, ``,`` or
``"`` is quoted like a CSV cell (``"a;b"``, a ``"`` doubled). Reading splits on the ``;`` and
``,`` outside quotes, so ``vip, client`` and ``vip;client`` (hand-written and older files)
still read as two tags, and ``join_list`` then ``split_list`` gives back every list exactly.
Foreign formats (Google's `` ::: ``, Outlook's ``;``) keep their own rules
(:mod:`contactkit.io.formats.mappings`).

contactkit's vCard properties (``X-CONTACTKIT-*``, written by :mod:`contactkit.io.export`,
read by :mod:`contactkit.io.formats.vcard`) are named here once. What a vCard cannot carry as
it is, a custom field's name in a parameter or a note holding a carriage return, is
percent-encoded (:func:`percent_encode`), which :func:`percent_decode` undoes exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, unquote

from ..contacts import fields

ID_FIELD = "id"  # the contact's id: how a re-import finds the contact a row came from
# Store-kept values a copy of the contact keeps (the store sets them; files carry them).
CARRIED_FIELDS = ("last_contacted_at", "groups")
LIST_SEPARATOR = fields.TAG_SEPARATOR
_SPECIAL = (";", ",", '"')

# Custom fields written as the vCard properties of the same meaning.
VCARD_PROPERTIES = {"birthday": "bday", "nickname": "nickname", "website": "url"}
VCARD_PREFIX = "x-contactkit-"  # then the field: X-CONTACTKIT-FAVORITE, X-CONTACTKIT-GROUP
VCARD_CUSTOM = VCARD_PREFIX + "custom"  # ;NAME=<percent-encoded name>:<value>
VCARD_FAVORITE = VCARD_PREFIX + "favorite"
VCARD_GROUP = VCARD_PREFIX + "group"  # one per group
VCARD_NOTE = VCARD_PREFIX + "note"  # the note, percent-encoded, when it holds a CR
VCARD_TIMES = {"created_at": VCARD_PREFIX + "created"}
VCARD_TIMES["last_contacted_at"] = VCARD_PREFIX + "last-contacted"


def carried() -> tuple[fields.Field, ...]:
    """The declared fields the files carry beyond the exported ones (id first)."""
    return tuple(fields.field(name) for name in (ID_FIELD, *CARRIED_FIELDS))


def file_columns(custom_names: Iterable[str] = ()) -> list[str]:
    """contactkit's CSV header: ``id``, the export columns, the store-kept fields."""
    return [ID_FIELD, *fields.csv_columns(list(custom_names)), *CARRIED_FIELDS]


def join_list(values: Iterable[str]) -> str:
    """``["vip", "a;b"]`` -> ``'vip;"a;b"'`` (see the module docstring)."""
    return LIST_SEPARATOR.join(_quoted(v) for v in values)


def split_list(cell: str) -> list[str]:
    """The inverse of :func:`join_list`; also splits unquoted ``,`` (``"vip, client"``)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
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
            quoted = True
        elif char in ";,":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        position += 1
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _quoted(value: str) -> str:
    if any(char in value for char in _SPECIAL):
        return '"' + value.replace('"', '""') + '"'
    return value


def percent_encode(text: str) -> str:
    """``'a"b: c'`` -> ``'a%22b%3A%20c'``: letters, digits and ``_.-~`` stay as they are."""
    return quote(text, safe="")


def percent_decode(text: str) -> str:
    """The inverse of :func:`percent_encode`."""
    return unquote(text, errors="strict")
