"""What every format reader produces: rows in contactkit's own field names, not yet validated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ...clock import parse_timestamp
from ...contacts.fields import EDITABLE_FIELDS, PRIMARY_OF
from .text import REPLACEMENT

MULTI_VALUE_SEPARATOR = " ::: "  # Google's separator of several values in one cell
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", ""})
# A contact's id holds its creation time as milliseconds since 1970 (a ULID), so no earlier.
EARLIEST_CREATED_AT = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class SourceRow:
    """One contact as read from a file, in our field names (``first_name``, ``tags``, ...).

    ``problems`` are ``(field, reason)`` pairs found while reading (a row with stray cells,
    text that was not valid UTF-8); ``empty`` marks a row with no value at all.
    """

    row: int
    values: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)
    empty: bool = False


@dataclass
class Source:
    """A parsed file: its format, rows, the columns no field came from, and reading notes.

    ``photos`` counts the photos left out (contactkit stores none), ``ignored`` the properties
    of a vCard no field reads (``{"X-AIM": 2}``), ``language`` the language of a localised
    header (``"de"``) and ``phone_region`` the region its phones are most likely from.
    """

    format: str
    rows: list[SourceRow]
    unused_columns: list[str] = field(default_factory=list)
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    photos: int = 0
    ignored: dict[str, int] = field(default_factory=dict)
    language: str | None = None
    phone_region: str | None = None


def split_multi(text: str | None) -> list[str]:
    """``"a ::: b"`` -> ``["a", "b"]``; blanks dropped."""
    if not text:
        return []
    return [part.strip() for part in text.split(MULTI_VALUE_SEPARATOR.strip()) if part.strip()]


def parse_flag(value: Any) -> tuple[bool | None, str | None]:
    """A favourite flag from a cell: ``(value, None)`` or ``(None, reason)``."""
    if isinstance(value, bool) or value is None:
        return value, None
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True, None
    if text in FALSE_WORDS:
        return False, None
    return None, f"must be true or false (or yes/no, 1/0), not {value!r}"


def time_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """A ``created_at`` before 1970, which no contact id can hold (other times: the importer)."""
    value = values.get("created_at")
    if value is None or value == "":
        return []
    try:
        moment = parse_timestamp(str(value))
    except ValueError:
        return []  # not a time at all: the importer says so, with the format it expects
    if moment >= EARLIEST_CREATED_AT:
        return []
    return [
        (
            "created_at",
            f"{value!s} is before 1970: a contact's id holds its creation time from "
            "1970-01-01T00:00:00Z on; correct the time or leave it blank",
        )
    ]


def set_entries(values: dict[str, Any], list_name: str, entries: list[dict[str, Any]]) -> None:
    """A labelled list read from a file: one entry without a label as the primary field
    (``email``, ``phone``, ``address``: what a hand-written file means), else the list."""
    if len(entries) == 1 and "label" not in entries[0]:
        (entry,) = entries
        values[PRIMARY_OF[list_name]] = entry.get("value", entry)  # an address has no value
    elif entries:
        values[list_name] = entries


def extras(values: dict[str, Any], name: str, found: Iterable[str]) -> None:
    """Keep secondary values (a second email, other phones) as a custom field."""
    kept = [v for v in found if v]
    if kept:
        values.setdefault("custom_fields", {})[name] = ", ".join(kept)


class Cells:
    """The cells of one CSV row by column name, remembering which columns were consulted."""

    def __init__(self, header: list[str], cells: list[str], used: set[str]) -> None:
        self._values = dict(zip(header, cells, strict=False))
        self._used = used
        self.header = frozenset(header)

    def get(self, *names: str) -> str | None:
        """The first non-blank cell of ``names`` (all of them count as used columns)."""
        self._used.update(names)
        for name in names:
            value = self._values.get(name)
            if value is not None and value.strip():
                return value
        return None

    def all(self, *names: str) -> list[str]:
        """Every non-blank value of ``names``, multi-value cells split."""
        self._used.update(names)
        found: list[str] = []
        for name in names:
            found.extend(split_multi(self._values.get(name)))
        return found

    def prefixed(self, prefix: str) -> dict[str, str]:
        """``{rest of the column name: value}`` for columns starting with ``prefix``."""
        found: dict[str, str] = {}
        for name, value in self._values.items():
            if name.startswith(prefix):
                self._used.add(name)
                if value is not None and value.strip():
                    found[name[len(prefix) :]] = value
        return found


ENCODING_REASON = (
    "is not valid UTF-8 (this row was saved in another encoding?); "
    "re-save the file as UTF-8 and import it again"
)
_FIELD_ORDER = EDITABLE_FIELDS


def encoding_problems(values: dict[str, object]) -> list[tuple[str, str]]:
    """The first field holding a replaced (undecodable) character: a row or card of a UTF-8
    file that holds bytes of another encoding is refused, never stored mangled."""
    for name in (*_FIELD_ORDER, *values):
        value = values.get(name)
        if REPLACEMENT in str(value or ""):
            return [(name, ENCODING_REASON)]
    return []
