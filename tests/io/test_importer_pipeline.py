"""The pipelined import: the writer thread sends one transaction while the caller's thread
plans the next ones. Seeded imports write exactly what the serial import wrote, failures in
the writer thread reach the caller, faults in the middle are accounted, no thread outlives an
import, and the planning really overlaps the endpoint's latency."""

from __future__ import annotations

import hashlib
import json
import threading
import time
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
from tests.conftest import items_of_type, scan_all

DATA = Path(__file__).resolve().parents[2] / "data"
WRITER_THREAD = "contactkit-import-writer"


@pytest.fixture(autouse=True)
def no_progress_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROGRESS_VARIABLE, "0")


@pytest.fixture(autouse=True)
def pipelined(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every import here is pipelined (``importer.PIPELINE``; by default only when the
    endpoint is not the embedded engine in this process)."""
    monkeypatch.setattr(importer, "PIPELINE", True)


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


# -- retries leave the success path's ids alone ---------------------------------------------


def rows_of(count: int) -> list[dict[str, Any]]:
    return [
        {"first_name": f"First{n}", "last_name": f"Last{n}", "email": f"p{n}@example.com"}
        for n in range(count)
    ]


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore sleeps between retries; the faults here need no real waiting."""
    import botocore.endpoint

    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _seconds: None)


def blind_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The look-up sees no email in use, so rows whose email is taken reach the transaction."""
    lookup = Importer._lookup

    def blind(self: Importer, rows: Any) -> Any:
        found = lookup(self, rows)
        found.owners.clear()
        return found

    monkeypatch.setattr(Importer, "_lookup", blind)


def faulty_seeded_import(
    monkeypatch: pytest.MonkeyPatch, *, faults: bool
) -> tuple[ck.ImportReport, dict[int, str]]:
    """400 rows into an org already holding row 200's email (added beforehand, seen by no
    look-up); with ``faults``, transactions in the middle are throttled past botocore's
    retries. Returns the report and each contact's write token."""
    database = ck.connect(seed=7, clock=FixedClock("2026-01-05T09:00:00Z"), sleep=lambda _s: None)
    try:
        org = database.table("contacts-faults").create().org("org-faults")
        racer = org.add(first_name="R", last_name="R", email="p200@example.com")
        injector = FaultInjector(database.client)
        sent = 0

        def midway(**_: Any) -> None:  # runs before the injector's own hook
            nonlocal sent
            sent += 1
            # More faults in a row than botocore makes attempts: the importer retries the chunk.
            if faults and sent == 10:
                injector.add("TransactWriteItems", "throttle", times=12)
            if faults and sent == 20:
                injector.add("TransactWriteItems", "server_error", times=12)

        database.client.meta.events.register("before-send.dynamodb.TransactWriteItems", midway)
        with injector:
            report = org.import_contacts(rows_of(400))
        assert len(injector.injected) == (24 if faults else 0)
        assert [(s.row, s.existing_id) for s in report.skipped] == [(201, racer.id)]
        assert "meanwhile" in report.skipped[0].reason
        assert (report.imported, report.failed, report.invalid_rows) == (399, [], [])
        contacts = items_of_type(org.table, "contact")
        assert len(contacts) == 400
        assert sorted(report.contact_ids.values()) == sorted(
            c["id"] for c in contacts if c["id"] != racer.id
        )
        return report, {c["id"]: c["write_token"] for c in contacts}
    finally:
        database.close()


@pytest.mark.reliability
def test_a_throttled_and_a_cancelled_chunk_midway_are_accounted_with_the_same_ids(
    monkeypatch: pytest.MonkeyPatch, no_backoff: None
) -> None:
    blind_lookup(monkeypatch)
    clean, clean_tokens = faulty_seeded_import(monkeypatch, faults=False)
    faulty, faulty_tokens = faulty_seeded_import(monkeypatch, faults=True)
    retried = faulty.requests_by_operation["TransactWriteItems"]
    assert retried > clean.requests_by_operation["TransactWriteItems"]
    # Retries draw no id: every row got the id it gets when nothing fails, and only the rows
    # of the retried transactions were written under another token; a serial import that
    # drew its retry tokens shifted the token of every later transaction.
    assert faulty.contact_ids == clean.contact_ids
    moved = [cid for cid, token in faulty_tokens.items() if clean_tokens[cid] != token]
    assert 0 < len(moved) <= 3 * 20  # three transactions retried, 20 rows to a transaction


# -- failures and interruptions ---------------------------------------------------------------


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(WRITER_THREAD) and t.is_alive()]


def test_no_writer_thread_outlives_an_import(org: ck.OrgStore) -> None:
    seen: list[bool] = []

    def progress(done: int, total: int) -> None:
        seen.append(bool(writer_threads()))

    report = org.import_contacts(rows_of(300), progress=progress)
    assert report.imported == 300
    assert any(seen), "the writes ran in no writer thread"
    assert writer_threads() == []


def test_progress_is_reported_in_the_callers_thread_up_to_the_total(org: ck.OrgStore) -> None:
    calls: list[tuple[int, int, threading.Thread]] = []
    org.import_contacts(
        rows_of(300), progress=lambda d, t: calls.append((d, t, threading.current_thread()))
    )
    assert {thread for _, _, thread in calls} == {threading.current_thread()}
    assert calls[-1][:2] == (300, 300)
    assert [d for d, _, _ in calls] == sorted(d for d, _, _ in calls)


class Boom(Exception):
    """Raised by a sabotaged transaction writer."""


def test_an_error_in_the_writer_thread_reaches_the_caller_and_stops_the_planning(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from contactkit.dynamo.transactions import TransactionWriter

    write = TransactionWriter.write
    sent: list[str] = []
    built: list[int] = []
    new_unit = Importer._new_unit

    def sabotaged_write(self: TransactionWriter, actions: Any, token: str, op: str) -> None:
        sent.append(threading.current_thread().name)
        if len(sent) == 3:
            raise Boom("the third transaction")
        write(self, actions, token, op)

    def counted(self: Importer, draft: Any) -> Any:
        built.append(1)
        return new_unit(self, draft)

    monkeypatch.setattr(TransactionWriter, "write", sabotaged_write)
    monkeypatch.setattr(Importer, "_new_unit", counted)
    rows = rows_of(3000)
    with pytest.raises(Boom, match="third transaction") as raised:
        org.import_contacts(rows)
    # The writer thread's own frames are in the traceback.
    assert any(entry.name == "sabotaged_write" for entry in raised.traceback)
    assert set(sent) <= {f"{WRITER_THREAD}-{n}" for n in range(importer.PIPELINE_WRITERS)}
    assert len(built) < len(rows) // 2, "planning went on after the writer failed"
    assert writer_threads() == []
    # Two transactions written whole, nothing of the third or later.
    contacts = items_of_type(org.table, "contact")
    assert 0 < len(contacts) < 300
    claims = items_of_type(org.table, "email")
    assert sorted(c["contact_id"] for c in claims) == sorted(c["id"] for c in contacts)


def test_an_interrupt_while_planning_stops_the_writer_thread(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_unit = Importer._new_unit
    built: list[int] = []

    def interrupted(self: Importer, draft: Any) -> Any:
        built.append(1)
        if len(built) == 500:
            raise KeyboardInterrupt
        return new_unit(self, draft)

    monkeypatch.setattr(Importer, "_new_unit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        org.import_contacts(rows_of(1000))
    assert writer_threads() == []
    written = items_of_type(org.table, "contact")
    assert 0 < len(written) < 500  # the transactions queued before the interrupt, whole
    claims = items_of_type(org.table, "email")
    assert sorted(c["contact_id"] for c in claims) == sorted(c["id"] for c in written)


# -- overlap ------------------------------------------------------------------------------------


def built_in_flight(org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch, *, pipeline: bool) -> float:
    """The share of the rows built while a transaction was in flight (20 ms per
    TransactWriteItems, a GIL-free wait like a network round trip)."""
    latency = 0.02
    flights: list[tuple[float, float]] = []  # each TransactWriteItems, sent to answered
    builds: list[tuple[float, float]] = []  # each new row's unit being built
    started: list[float] = []

    def send(**_: Any) -> None:
        started.append(time.perf_counter())
        time.sleep(latency)

    def answered(**_: Any) -> None:
        flights.append((started.pop(), time.perf_counter()))

    new_unit = Importer._new_unit

    def timed(self: Importer, draft: Any) -> Any:
        begin = time.perf_counter()
        try:
            return new_unit(self, draft)
        finally:
            builds.append((begin, time.perf_counter()))

    events = org.table.client.meta.events
    events.register("before-send.dynamodb.TransactWriteItems", send)
    events.register("after-call.dynamodb.TransactWriteItems", answered)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(Importer, "_new_unit", timed)
            report = Importer(org.writer, pipeline=pipeline).run(read_source(rows_of(600)))
    finally:
        events.unregister("before-send.dynamodb.TransactWriteItems", send)
        events.unregister("after-call.dynamodb.TransactWriteItems", answered)
    assert report.imported == 600 and len(flights) > 20 and len(builds) == 600
    in_flight = [(b, e) for b, e in builds if any(s <= b and e <= end for s, end in flights)]
    return len(in_flight) / len(builds)


def test_rows_are_built_while_a_transaction_is_in_flight(
    table: ck.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The serial import (``pipeline=False``, and the importer before the pipeline) built no
    row while a transaction was in flight; the pipelined one builds many of them then."""
    serial = built_in_flight(table.org("org-serial"), monkeypatch, pipeline=False)
    pipelined = built_in_flight(table.org("org-pipelined"), monkeypatch, pipeline=True)
    assert serial == 0
    # Measured: about a third (the rest is built before the first write, to fill the packing
    # window, or while the writer thread itself holds the GIL).
    assert pipelined > 0.15, pipelined


def test_the_serial_and_the_pipelined_import_write_the_same_bytes(
    seeded: ck.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "PIPELINE", False)
    assert seeded_run(seeded, "atomic") == SERIAL_DIGESTS["atomic"]


def test_by_default_an_import_is_pipelined_unless_the_engine_shares_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contactkit.engine.embedded import EmbeddedEngine

    monkeypatch.setattr(importer, "PIPELINE", None)
    with ck.connect() as here:
        org = here.table("t").create().org("org-a")
        assert here.dynamo.engine_in_process
        assert Importer(org.writer).pipeline is False
        assert Importer(org.writer, pipeline=True).pipeline is True
    with EmbeddedEngine() as engine, ck.connect(engine.url) as remote:
        org = remote.table("t").create().org("org-a")
        assert not remote.dynamo.engine_in_process
        assert Importer(org.writer).pipeline is True
        report = org.import_contacts(sample(40))
        assert report.imported == 40
        assert len(items_of_type(org.table, "contact")) == 40
