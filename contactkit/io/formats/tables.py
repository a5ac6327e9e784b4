"""CSV-family files: the delimiter, the header, which exporter wrote it, and the rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ...errors import ValidationError
from . import languages, mappings
from .rows import Cells, Source, SourceRow, encoding_problems, time_problems
from .text import Decoded

# format name -> (mapping, description for messages)
CSV_FORMATS: dict[str, mappings.Mapping] = {
    "csv": mappings.ours,
    "google": mappings.google,
    "google-old": mappings.google_old,
    "google-outlook": mappings.outlook,
    "outlook": mappings.outlook,
    "thunderbird": mappings.thunderbird,
}
# Google's "Outlook CSV" starts like this, then "Nickname" (its current export, in Outlook.com's
# order) or "Initials" (its older one, as in tests/data/real/contactsio-GoogleCreatedOutlook.csv);
# Outlook's own desktop export starts with "Title".
_GOOGLE_OUTLOOK_START = ["First Name", "Middle Name", "Last Name", "Title", "Suffix"]
_GOOGLE_OUTLOOK_SIXTH = {"Nickname", "Initials"}


def detect(header: list[str]) -> str | None:
    """The CSV format a header belongs to, or ``None``."""
    names = set(header)
    if {"Given Name", "Family Name"} <= names or "Group Membership" in names:
        return "google-old"
    if "E-mail 1 - Value" in names or ("First Name" in names and "Labels" in names):
        return "google"
    if "E-mail Address" in names:
        sixth = header[5] if len(header) > 5 else ""
        google_order = header[:5] == _GOOGLE_OUTLOOK_START and sixth in _GOOGLE_OUTLOOK_SIXTH
        return "google-outlook" if google_order else "outlook"
    if "Primary Email" in names and names & {"Display Name", "First Name", "Last Name"}:
        return "thunderbird"
    if "email" in names and ({"first_name", "last_name"} & names):
        return "csv"
    return None


def read_csv(decoded: Decoded, format: str | None) -> Source:
    """Parse CSV (comma, semicolon or tab separated) into rows of our field names."""
    text = decoded.text
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lstrip("\ufeff") for name in next(records, [])]
    if not header:
        raise ValidationError("source", "the file is empty: no header row")
    detected = detect(header)
    original = header
    language = languages.recognise(header) if detected is None else None
    if language is not None:  # Outlook's (or Thunderbird's) export in its interface's language
        header = languages.translate(header, language)
        detected = language.format
    chosen = format or detected
    if chosen is None:
        raise ValidationError(
            "format",
            f"unrecognised CSV header ({', '.join(header[:6])}...): expected contactkit's "
            "columns (first_name, last_name, email, ...), a Google Contacts, a Thunderbird or "
            "an Outlook export (in English, German, French, Spanish, Italian, Dutch or "
            "Portuguese); "
            "pass format= to choose",
        )
    if chosen not in CSV_FORMATS:
        raise ValidationError("format", f"{chosen!r} is not a CSV format")
    mapping = CSV_FORMATS[chosen]
    used: set[str] = set()
    rows: list[SourceRow] = []
    # Cells a row needs: a header ending in a comma (older Thunderbird exports) names a blank
    # last column that its rows leave out.
    needed = len(header)
    while needed and not header[needed - 1]:
        needed -= 1
    for number, cells in _numbered(records):
        if isinstance(cells, str):
            rows.append(SourceRow(number, {}, [("row", cells)]))
            continue
        if not any(cell.strip() for cell in cells):
            rows.append(SourceRow(number, {}, empty=True))
            continue
        values, problems = mapping(Cells(header, cells, used))
        extra = [c for c in cells[len(header) :] if c.strip()]
        if len(cells) < needed or extra:
            plural = "" if len(cells) == 1 else "s"
            problems.insert(
                0, ("row", f"has {len(cells)} cell{plural} but the header has {len(header)}")
            )
        if decoded.replaced:
            problems.extend(encoding_problems(values))
        problems.extend(time_problems(values))
        rows.append(SourceRow(number, values, problems))
    _refuse_repeats(header, used)
    shown = dict(zip(header, original, strict=True))  # unused columns as the file names them
    unused = list(dict.fromkeys(shown[name] for name in header if name not in used and name))
    source = Source(chosen, rows, unused, decoded.encoding, [decoded.note] if decoded.note else [])
    if language is not None:
        source.language, source.phone_region = language.code, language.region
    return source


def _numbered(records: Iterator[list[str]]) -> Iterator[tuple[int, list[str] | str]]:
    """``(row, cells)`` after the header (row 1), or ``(row, reason)`` for a row csv refuses.

    Python's csv module refuses a cell over its field limit (131,072 characters, far above
    DynamoDB's 400 KB item once a contact is built) and drops the rest of that line: the
    row is reported and the next line read, so the file's other rows still import.
    """
    number = 1
    while True:
        number += 1
        try:
            cells = next(records)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = str(exc)
            if "field limit" in reason:
                reason = f"has a cell over {csv.field_size_limit():,} characters, too big to import"
            yield number, reason
            continue
        yield number, cells


def _refuse_repeats(header: list[str], used: set[str]) -> None:
    """A column named twice that a field is read from: only one would be kept, so refuse."""
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name and name in seen and name in used:
            raise ValidationError(
                "header",
                f"the header repeats {name!r} (columns {seen[name]} and {position}): only one "
                "of them would be read; rename or remove one and import again",
            )
        seen.setdefault(name, position)
