"""The sample data sets of ``data/`` as rows for the store, and loading them into an org.

The files are described in ``data/README.md``. :func:`read_rows` turns our own CSV and JSON
formats into dicts of the store's field names (``first_name``, ``tags``, ``address`` ...), the
shape ``org.add(**row)`` and ``org.import_contacts(rows)`` accept. :func:`load` writes them.

Example::

    rows = read_rows("org-northwind.csv", limit=500)
    load(table.org("org-northwind"), rows)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError

if TYPE_CHECKING:
    from .store import OrgStore

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
_ADDRESS = ("street", "city", "state", "postal_code", "country")
_TEXT = ("first_name", "last_name", "email", "phone", "company", "job_title", "notes")
_TRUE = frozenset({"true", "yes", "1"})


def data_path(name: str) -> Path:
    """The path of a sample file in the repository's ``data/`` directory."""
    path = DATA_DIR / name
    if not path.is_file():
        raise ConfigurationError(
            f"sample file {name!r} not found in {DATA_DIR}; run the lessons from a clone of "
            "the repository (pip install -e .)"
        )
    return path


def row_from_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """One CSV row or JSON object of our format as store fields (empty cells left out)."""
    row: dict[str, Any] = {k: record[k] for k in _TEXT if record.get(k)}
    tags = record.get("tags")
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.replace(",", ";").split(";") if t.strip()]
    if tags:
        row["tags"] = list(tags)
    address = record.get("address") or {k: record[k] for k in _ADDRESS if record.get(k)}
    if address:
        row["address"] = dict(address)
    custom = record.get("custom_fields") or {
        k.removeprefix("custom."): v for k, v in record.items() if k.startswith("custom.") and v
    }
    if custom:
        row["custom_fields"] = dict(custom)
    favorite = record.get("favorite")
    if favorite is True or (isinstance(favorite, str) and favorite.strip().lower() in _TRUE):
        row["favorite"] = True
    return row


def read_rows(name: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The first ``limit`` contacts (all by default) of a sample file in our CSV or JSON format."""
    path = data_path(name)
    if path.suffix == ".json":
        records: Iterable[Mapping[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        return [row_from_record(r) for r in islice(records, limit)]
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [row_from_record(r) for r in islice(csv.DictReader(handle), limit)]


def load(org: OrgStore, rows: Iterable[Mapping[str, Any]]) -> int:
    """Add every row to ``org`` (one ``add`` per row); returns how many were added."""
    added = 0
    for row in rows:
        org.add(**row)
        added += 1
    return added
