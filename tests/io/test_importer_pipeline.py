"""The pipelined import: the writer thread sends one transaction while the caller's thread
plans the next ones. Seeded imports write exactly what the serial import wrote, failures in
the writer thread reach the caller, faults in the middle are accounted, no thread outlives an
import, and the planning really overlaps the endpoint's latency."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.clock import FixedClock
from contactkit.engine.faults import FaultInjector
from contactkit.io import importer
from contactkit.io.formats import read_source
from contactkit.io.importer import Importer
from contactkit.io.progress import PROGRESS_VARIABLE
from tests.conftest import scan_all

DATA = Path(__file__).resolve().parents[2] / "data"
WRITER_THREAD = "contactkit-import-writer"


@pytest.fixture(autouse=True)
def no_progress_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROGRESS_VARIABLE, "0")


def sample(count: int, *, groups: bool = False) -> list[dict[str, Any]]:
    """``count`` rows of the sample data set; with ``groups``, every third row joins groups."""
    rows = [dict(r.values) for r in read_source(DATA / "org-northwind.csv").rows][:count]
    if groups:
        for n, row in enumerate(rows):
            if n % 3 == 0:
                row["groups"] = ["Customers", "Newsletter"] if n % 2 else ["Customers"]
    return rows


def digest(table: ck.Table) -> str:
    """The table's items, byte for byte (sorted by key): one hash to compare runs by."""
    found = sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"]))
    text = json.dumps(found, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def seeded() -> Iterator[ck.Database]:
    """Seeded ids and a fixed clock, as the notebooks connect."""
    database = ck.connect(seed=7, clock=FixedClock("2026-01-05T09:00:00Z"))
    yield database
    database.close()


def seeded_run(database: ck.Database, scenario: str) -> str:
    table = database.table("contacts-seeded").create()
    org = table.org("org-seeded")
    try:
        if scenario == "atomic":
            org.import_contacts(sample(450, groups=True))
            changed = [{**row, "job_title": "Changed"} for row in sample(220)]
            org.import_contacts(changed, on_conflict="update")
            org.import_contacts(sample(260, groups=True), on_conflict="merge")
        else:
            org.import_contacts(sample(300, groups=True), plan="economy")
            org.import_contacts(sample(320), plan="economy", on_conflict="update")
        return digest(table)
    finally:
        table.delete(missing_ok=True)


# Recorded with the serial importer (main at be5a4eb, before the pipeline): the pipelined
# import must draw every id and clock reading in the same order, so it writes the same bytes.
SERIAL_DIGESTS = {
    "atomic": "895ab2820cdbb1602f19573975846ace2e971f7a73ace1359048f86ea7e79d2c",
    "economy": "56c791e36f86f4fcbe54a3d8ffd1c28726819fbf20ffe1725ae0e040348cb44f",
}


@pytest.mark.parametrize("scenario", sorted(SERIAL_DIGESTS))
def test_a_seeded_import_writes_exactly_what_the_serial_import_wrote(
    seeded: ck.Database, scenario: str
) -> None:
    assert seeded_run(seeded, scenario) == SERIAL_DIGESTS[scenario]
