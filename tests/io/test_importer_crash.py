"""An import killed with ``kill -9`` midway, then run again: against ``contactkit serve`` (a
separate process, so the data outlives the importer), the orphan checker must find nothing
after the re-run, and every contact the killed run wrote must have an audit entry naming it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import contactkit as ck
from tests.cli.test_serve import ENV, START_TIMEOUT, Server
from tests.consistency import find_orphans

pytestmark = pytest.mark.reliability  # the orphan checker scans `table` after each test

ROWS = 300
ORG = "org-killed"

# Runs the import in its own process and SIGKILLs that process just before the request that
# would send the N-th ``operation``: everything sent before it is applied, nothing after.
IMPORTER = """
import os, signal, sys
import contactkit as ck

url, table, org, path, plan, operation, kill_at = sys.argv[1:]
db = ck.connect(url)
sent = 0

def die(**_):
    global sent
    sent += 1
    if sent == int(kill_at):
        os.kill(os.getpid(), signal.SIGKILL)

db.client.meta.events.register("before-send.dynamodb." + operation, die)
db.table(table).org(org).import_contacts(path, plan=plan, progress=False)
print("finished without being killed")
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    served = Server(tmp_path / "snap.json")
    yield served
    served.stop(signal.SIGINT)


@pytest.fixture
def table(server: Server) -> Iterator[ck.Table]:
    """The served engine's table (conftest's ``table`` overridden: the checker scans it)."""
    with ck.connect(server.url) as db:
        yield db.table("contacts").create()


def write_rows(path: Path) -> None:
    rows = [
        {
            "first_name": f"First{n}",
            "last_name": f"Last{n}",
            "email": f"p{n}@example.com",
            "company": f"Company {n % 13}",
            "tags": ["all", f"t{n % 7}"],
        }
        for n in range(ROWS)
    ]
    path.write_text(json.dumps(rows), encoding="utf-8")


@pytest.mark.parametrize(
    ("plan", "operation", "kill_at"),
    [
        # a transaction is committed, some of its token batches are not sent yet
        ("economy", "BatchWriteItem", 20),
        ("atomic", "TransactWriteItems", 10),
    ],
)
def test_an_import_killed_midway_and_run_again_leaves_no_orphan_and_every_write_audited(
    server: Server, table: ck.Table, tmp_path: Path, plan: str, operation: str, kill_at: int
) -> None:
    source = tmp_path / "contacts.json"
    write_rows(source)
    org = table.org(ORG)
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            IMPORTER,
            server.url,
            table.name,
            ORG,
            str(source),
            plan,
            operation,
            str(kill_at),
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=START_TIMEOUT * 5,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr

    after_kill = find_orphans(table)
    written = {c.id for c in org.iter_pages(org.list, limit=100)}
    assert 0 < len(written) < ROWS
    if plan == "economy":  # the kill landed between contacts and their tokens
        assert any("missing token" in p for p in after_kill.problems), str(after_kill)
    else:
        assert not after_kill.problems, str(after_kill)
    entries = [e for e in org.iter_pages(org.audit, limit=100) if e.action == "import"]
    named = {word for e in entries for word in (e.detail or "").split()}
    assert written <= named, f"{len(written - named)} contacts written with no audit entry"

    again = org.import_contacts(source, plan=plan, progress=False)  # type: ignore[arg-type]
    assert again.failed == [] and again.invalid_rows == []
    assert again.imported + len(again.skipped) == ROWS
    assert again.imported == ROWS - len(written)
    final = find_orphans(table)
    assert not final.problems, str(final)
    assert final.contacts == ROWS
    assert [c.email for c in org.search("first7 last7")][:1] == ["p7@example.com"]
