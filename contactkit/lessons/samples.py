"""The sample data sets of ``data/``: their first rows, and loading them into an org.

The files are described in ``data/README.md``. :func:`read_rows` reads one with the importer's
own readers (:mod:`contactkit.io.formats`) and returns the first rows as dicts in the store's field
names; :func:`load` imports them with ``org.import_contacts`` (batched, idempotent).

Example::

    rows = read_rows("org-northwind.csv", limit=500)
    load(table.org("org-northwind"), rows)      # 500
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import parse_timestamp
from ..errors import ConfigurationError, ContactKitError
from ..io.formats import read_source

if TYPE_CHECKING:
    from ..store import OrgStore

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def data_path(name: str) -> Path:
    """The path of a sample file in the repository's ``data/`` directory."""
    path = DATA_DIR / name
    if not path.is_file():
        raise ConfigurationError(
            f"sample file {name!r} not found in {DATA_DIR}; run the lessons from a clone of "
            "the repository (pip install -e .)"
        )
    return path


def read_rows(name: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The first ``limit`` contacts (all by default) of a sample file, in our field names."""
    rows = read_source(data_path(name)).rows
    return [dict(row.values) for row in rows[:limit] if not row.empty]


def load(org: OrgStore, rows: Iterable[Mapping[str, Any]]) -> int:
    """Import ``rows`` into ``org`` (no progress bar); returns how many were imported.

    Raises ``ContactKitError`` if any row was refused: sample data is expected to be clean.
    """
    report = org.import_contacts(list(rows), progress=False)
    if report.invalid_rows or report.failed:
        raise ContactKitError(
            f"sample rows were refused: {report.invalid_rows[:3]} {report.failed[:3]}"
        )
    return report.imported


def load_interactions(
    org: OrgStore, *, limit: int | None = None, name: str = "interactions.csv"
) -> int:
    """Record the sample interactions of ``org``'s contacts; returns how many were recorded.

    Rows of other orgs, and of emails not (or not yet) in ``org``, are left out, so loading
    the first rows of an org's file and then this gives those contacts their history. Each
    is one transaction (``record_interaction``): ``limit`` keeps only the most recent ones
    (recorded oldest first, as they happened).
    """
    ids = {c.email.lower(): c.id for c in org.iter_pages(org.list, limit=100) if c.email}
    with data_path(name).open(encoding="utf-8", newline="") as handle:
        mine = [
            row
            for row in csv.DictReader(handle)
            if row["org_id"] == org.org_id and row["email"].lower() in ids
        ]
    mine.sort(key=lambda row: parse_timestamp(row["at"]))
    chosen = mine if limit is None else mine[len(mine) - min(limit, len(mine)) :]
    for row in chosen:
        org.record_interaction(
            ids[row["email"].lower()],
            row["kind"],
            row["note"] or None,
            at=parse_timestamp(row["at"]),
        )
    return len(chosen)
