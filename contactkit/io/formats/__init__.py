"""Reading contacts files: which format, which encoding, and the rows in our field names.

Formats: ``csv`` (contactkit's own columns), ``json``/``jsonl``, ``google`` (current Google
Contacts export), ``google-old`` (its older export), ``google-outlook`` (Google's "Outlook
CSV"), ``outlook`` (Outlook's export), ``thunderbird`` (Thunderbird's CSV export), ``vcard``
(2.1, 3.0, 4.0), and ``records`` (an
iterable of dicts). The format comes from ``format=``, else the file extension and the header.

Example::

    source = read_source("data/google-contacts.csv")
    source.format, source.rows[0].values["email"], source.unused_columns
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ...errors import ValidationError
from .records import read_json, read_records
from .rows import Source, SourceRow
from .tables import CSV_FORMATS, read_csv
from .text import decode, with_declared_charsets
from .vcard import read_vcard

FORMATS = (
    "csv",
    "google",
    "google-old",
    "google-outlook",
    "json",
    "jsonl",
    "outlook",
    "thunderbird",
    "vcard",
)
_EXTENSIONS = {".vcf": "vcard", ".vcard": "vcard", ".json": "json", ".jsonl": "jsonl"}
_EXTENSIONS[".ndjson"] = "jsonl"

__all__ = ["FORMATS", "Source", "SourceRow", "read_source"]


def read_source(
    source: str | os.PathLike[str] | IO[Any] | Iterable[Any],
    format: str | None = None,
    encoding: str | None = None,
) -> Source:
    """Read a path, an open file (text or binary) or an iterable of dicts into a Source."""
    if format is not None and format not in (*FORMATS, "records"):
        raise ValidationError("format", f"{format!r} is not one of {', '.join(FORMATS)}")
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            data: bytes | str = path.read_bytes()
        except OSError as exc:
            raise ValidationError("source", f"cannot read {path}: {exc.strerror}") from exc
        name = path.name
    elif hasattr(source, "read"):
        data = source.read()
        name = str(getattr(source, "name", ""))
    elif isinstance(source, Iterable):
        return read_records(source)
    else:
        raise ValidationError(
            "source", f"must be a path, an open file or dicts, not {type(source).__name__}"
        )
    if isinstance(data, bytes):
        decoded = decode(data, encoding)
    else:
        from .text import Decoded

        decoded = Decoded(data, "text")
    chosen = format or _EXTENSIONS.get(Path(name).suffix.lower()) or _sniff(decoded.text)
    if chosen == "vcard":
        if decoded.replaced and isinstance(data, bytes):  # Outlook: a charset per property
            decoded = with_declared_charsets(data, decoded)
        return read_vcard(decoded)
    if chosen in ("json", "jsonl"):
        return read_json(decoded, lines=chosen == "jsonl")
    return read_csv(decoded, chosen if chosen in CSV_FORMATS else None)


def _sniff(text: str) -> str | None:
    start = text.lstrip()[:20].upper()
    if start.startswith("BEGIN:VCARD"):
        return "vcard"
    if start.startswith(("[", "{")):
        return "json"
    return None
