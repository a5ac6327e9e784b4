"""The embedded engine against dynalite (and stock moto), side by side in one run.

dynalite is an independent DynamoDB implementation (Node, LevelDB in memory); stock moto is the
engine's base without contactkit's table layer (``engine/tables.py``). Every figure is given in
contacts and in items. Parts (``--parts``, default all):

* ``pages``: a table of N items in one partition (N = ``--sizes``, items, default 1k 10k 100k),
  written with ``BatchWriteItem``; then the median time of a Query page, a GSI
  (``gsi-name``) page and a Scan page of 25 items, each starting in the middle of the partition
  (``ExclusiveStartKey``). Stock moto only up to ``--stock-max`` items (it sorts the table on
  every page). ``--chart PATH`` draws the log-log chart.
* ``import``: the 5,000 sample contacts (``data/org-*``) with ``import_contacts`` on the engine,
  and boto3's ``batch_writer`` of the same items on the engine and on dynalite (dynalite has no
  ``TransactWriteItems``, which ``import_contacts`` and ``add()`` need).
* ``process``: the same import with the engine in this process (``ck.connect()``) and in its
  own (``ck.connect(engine_process=True)``), alternating, and, if dynalite is found
  (``CONTACTKIT_DYNALITE``, or ``.ci/dynalite``), boto3's ``batch_writer`` of the same items on
  dynalite (its nearest: no transactions); wall seconds, this process's CPU (the client's, and
  the engine's too when it runs here) and the server process's CPU.
* ``frame``: ``load_frame`` of one org of ``--frame-contacts`` contacts (default 20,000) on both.
* ``scale``: for each of ``--sizes`` (items already in the table), on the engine and on
  dynalite in one run: a Query page and a GSI page; one contact written (``add()`` on the
  engine; dynalite has no transactions, so ``PutItem`` of a contact item on both); the 5,000
  sample contacts imported into another org (``import_contacts`` on the engine, boto3's
  ``batch_writer`` of the same items on dynalite); ``load_frame`` of an org of
  ``--frame-contacts`` contacts. Each figure beside the table's size, to show none grows
  with it.
* ``add``: ``add()`` on the engine (dynalite: no transactions) as one org grows to
  ``--add-sizes`` contacts (default 100 1k 10k 100k), and the engine's resident memory per
  item. The org is grown by copying 1,000 imported contacts' items (every item an import
  writes, ids and emails renamed per copy) straight into the engine's tables.

    .venv/bin/python benchmarks/engine_speed.py                       # everything (minutes)
    .venv/bin/python benchmarks/engine_speed.py --parts pages --sizes 1000 10000
    .venv/bin/python benchmarks/engine_speed.py --parts process --import-repeats 3
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import orjson
from boto3.dynamodb.table import BatchWriter

import contactkit as ck
from contactkit.engine.embedded import ACCOUNT_ID, REGION, EmbeddedEngine
from contactkit.engine.process import EngineProcess
from contactkit.engine.tables import compact_touched
from contactkit.io import importer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from embedded_add import time_adds
from import_bench import copy_items, sample_rows

ROOT = Path(__file__).resolve().parent.parent
ORG_PK = "org#bench"


# -- backends -------------------------------------------------------------------------------


def find_dynalite() -> str | None:
    configured = os.environ.get("CONTACTKIT_DYNALITE")
    if configured:
        return configured
    local = ROOT / ".ci" / "dynalite" / "node_modules" / ".bin" / "dynalite"
    return str(local) if local.exists() else shutil.which("dynalite")


@contextmanager
def dynalite_server() -> Iterator[tuple[str, int]]:
    """dynalite on a free port, in memory: (url, pid)."""
    binary = find_dynalite()
    if binary is None:
        raise SystemExit("dynalite not found: npm ci --prefix .ci/dynalite, or CONTACTKIT_DYNALITE")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--host", "127.0.0.1", "--port", str(port), "--createTableMs", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("dynalite did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def stock_moto() -> Iterator[str]:
    """moto's own DynamoDB handler and backend, served like the engine (the old engine)."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    backend = DynamoDBBackend(REGION, ACCOUNT_ID)

    class Stock(DynamoHandler):
        @property
        def dynamodb_backend(self) -> DynamoDBBackend:
            return backend

    with EmbeddedEngine() as engine:
        engine.app.handler = Stock  # type: ignore[assignment]
        yield engine.url


def rss_mb(pid: int | None = None) -> float:
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]


def median_ms(run: Callable[[], Any], repeats: int) -> float:
    run()  # warm: connections, first-query work
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def write_items(client: Any, table: str, items: list[dict[str, Any]]) -> float:
    start = time.perf_counter()
    with BatchWriter(table, client) as writer:
        for item in items:
            writer.put_item(Item=item)
    return time.perf_counter() - start


# -- pages ----------------------------------------------------------------------------------


def page_items(count: int) -> list[dict[str, Any]]:
    """Contact-like items (about 400 bytes) of one org partition, also in the name index."""
    return [
        {
            "PK": {"S": ORG_PK},
            "SK": {"S": f"contact#{n:08d}"},
            "NameSK": {"S": f"name{(n * 7919) % count:08d}#{n:08d}"},
            "type": {"S": "contact"},
            "first_name": {"S": f"First{n}"},
            "last_name": {"S": f"Last{n}"},
            "email": {"S": f"person{n}@example.com"},
            "company": {"S": "Example Ltd"},
            "tags": {"L": [{"S": "customer"}, {"S": "vip"}]},
            "notes": {"S": "x" * 200},
            "version": {"N": "1"},
        }
        for n in range(count)
    ]


Timings = tuple[float, float, float, float]


def time_pages(url: str, size: int, repeats: int) -> Timings:
    """(write seconds, Query, GSI and Scan page ms) for a fresh table of ``size`` items."""
    with ck.connect(url) as db:
        table = db.table(f"pages-{uuid.uuid4().hex[:6]}").create()
        items = page_items(size)
        written = write_items(db.client, table.name, items)
        middle = items[size // 2]
        query, gsi = page_times(db, table.name, items, repeats)

        def scan() -> None:
            page = db.client.scan(
                TableName=table.name,
                ExclusiveStartKey={"PK": middle["PK"], "SK": middle["SK"]},
                Limit=25,
            )
            assert page["Count"] == 25

        result = (written, query, gsi, median_ms(scan, repeats))
        table.delete()
    return result


def page_times(
    db: ck.Database, table: str, items: list[dict[str, Any]], repeats: int
) -> tuple[float, float]:
    """Median ms of a Query page and a GSI page of 25 of ``items`` from mid-partition."""
    middle = items[len(items) // 2]
    by_name = sorted(items, key=lambda item: item["NameSK"]["S"])[len(items) // 2]

    def query() -> None:
        page = db.client.query(
            TableName=table,
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": ORG_PK}},
            ExclusiveStartKey={"PK": middle["PK"], "SK": middle["SK"]},
            Limit=25,
        )
        assert page["Count"] == 25

    def gsi_query() -> None:
        page = db.client.query(
            TableName=table,
            IndexName="gsi-name",
            KeyConditionExpression="PK = :p AND begins_with(NameSK, :n)",
            ExpressionAttributeValues={":p": {"S": ORG_PK}, ":n": {"S": "name"}},
            ExclusiveStartKey={k: by_name[k] for k in ("PK", "SK", "NameSK")},
            Limit=25,
        )
        assert page["Count"] == 25

    return median_ms(query, repeats), median_ms(gsi_query, repeats)


def run_pages(args: argparse.Namespace, dynalite: str, dynalite_pid: int) -> dict[str, Any]:
    rows: dict[str, dict[int, Timings]] = {"engine": {}, "dynalite": {}}
    rows["stock moto"] = {}
    memory: dict[str, float] = {}
    with ck.connect() as db:
        assert db.engine is not None
        engine_url = db.engine.url
        for size in args.sizes:
            rows["engine"][size] = time_pages(engine_url, size, args.repeats)
            rows["dynalite"][size] = time_pages(dynalite, size, args.repeats)
            print(
                f"  pages at {size:,} items: engine {rows['engine'][size]}, "
                f"dynalite {rows['dynalite'][size]}",
                flush=True,
            )
    for size in [s for s in args.sizes if s <= args.stock_max]:
        with stock_moto() as url:
            rows["stock moto"][size] = time_pages(url, size, max(3, args.repeats // 10))
        print(f"  pages at {size:,} items: stock moto {rows['stock moto'][size]}", flush=True)
    print(
        "\n| items in the partition (and table) | backend | write s (BatchWriteItem) | "
        "µs per item written | Query page ms | GSI page ms | Scan page ms |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        for name in ("engine", "dynalite", "stock moto"):
            if size in rows[name]:
                written, query, gsi, scan = rows[name][size]
                print(
                    f"| {size:,} | {name} | {written:.2f} | {written / size * 1e6:.0f} | "
                    f"{query:.2f} | {gsi:.2f} | {scan:.2f} |"
                )
    if args.chart:
        chart(rows, Path(args.chart))
    del memory
    return rows


def chart(rows: dict[str, dict[int, Timings]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    styles = {"engine": "tab:blue", "dynalite": "tab:green", "stock moto": "tab:red"}
    for name, by_size in rows.items():
        sizes = sorted(by_size)
        if not sizes:
            continue
        for column, style, page in ((1, "o-", "Query"), (2, "s--", "GSI"), (3, "^:", "Scan")):
            ax.plot(
                sizes,
                [by_size[s][column] for s in sizes],
                style,
                color=styles[name],
                label=f"{name}: {page} page",
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("items in the partition and the table")
    ax.set_ylabel("ms per page of 25 items (median)")
    ax.set_title("A Query, GSI or Scan page: the embedded engine, dynalite and stock moto")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"\nchart written to {path}")


# -- import ---------------------------------------------------------------------------------


def plain_client(url: str) -> Any:
    """A stock boto3 client of ``url``: botocore's own validation and serialisation."""
    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )


def import_orgs(table: ck.Table, orgs: list[list[dict[str, Any]]]) -> None:
    """Each org's rows imported into a new org of ``table``, one import per org."""
    for rows in orgs:
        report = table.org(f"org-{uuid.uuid4().hex[:8]}").import_contacts(rows, progress=False)
        assert report.imported == len(rows)


def run_import(args: argparse.Namespace, dynalite: str) -> None:
    """The sample imported on the engine, and batch_writer of the same items, alternating.

    ``batch_writer`` runs on a stock boto3 client (what a user without contactkit has), so
    contactkit's own write path (``dynamo/fastwrite.py``) is not in the baseline.
    """
    orgs = sample_rows(5000)
    contacts = sum(len(rows) for rows in orgs)
    names = ["import", "engine bw", "dynalite bw"]
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    items: list[dict[str, Any]] = []

    def clocked(run: Callable[[], Any]) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        return time.perf_counter() - wall, time.process_time() - cpu

    def do_import() -> None:
        nonlocal items
        with ck.connect() as db:
            table = db.table(f"imp-{uuid.uuid4().hex[:6]}").create()

            times["import"].append(clocked(lambda: import_orgs(table, orgs)))
            if not items:
                items = copy_items(table)

    def do_engine_bw() -> None:
        with ck.connect() as db:
            assert db.engine is not None
            other = db.table(f"bw-{uuid.uuid4().hex[:6]}").create()
            client = plain_client(db.engine.url)
            times["engine bw"].append(clocked(lambda: write_items(client, other.name, items)))

    def do_dynalite_bw() -> None:
        with ck.connect(dynalite) as db:
            other = db.table(f"bw-{uuid.uuid4().hex[:6]}").create()
            client = plain_client(dynalite)
            times["dynalite bw"].append(clocked(lambda: write_items(client, other.name, items)))
            other.delete()

    for repeat in range(args.import_repeats):
        # The first import makes the items the others write; then the order alternates.
        order = [do_import, do_engine_bw] if repeat % 2 == 0 else [do_engine_bw, do_import]
        for run in [*order, do_dynalite_bw]:
            run()
        print("  import run:", {k: [round(x, 2) for x in v[-1]] for k, v in times.items()})
    print(
        f"\n| {contacts:,} sample contacts ({len(items):,} items) | seconds (median of "
        f"{args.import_repeats}) | CPU seconds | ms per contact | µs per item |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, label in [
        ("import", "engine: `import_contacts`"),
        ("engine bw", "engine: boto3 `batch_writer` of the same items"),
        ("dynalite bw", "dynalite: boto3 `batch_writer` of the same items"),
    ]:
        seconds = statistics.median(t[0] for t in times[name])
        cpu = statistics.median(t[1] for t in times[name])
        print(
            f"| {label} | {seconds:.2f} | {cpu:.2f} | {seconds / contacts * 1000:.2f} | "
            f"{seconds / len(items) * 1e6:.0f} |"
        )
    ratios = [i[0] / b[0] for i, b in zip(times["import"], times["engine bw"], strict=False)]
    cpu_ratios = [i[1] / b[1] for i, b in zip(times["import"], times["engine bw"], strict=False)]
    print("\n| `import_contacts` / engine `batch_writer`, pairwise | median | runs |")
    print("|---|---:|---|")
    print(
        f"| wall time | {statistics.median(ratios):.2f}x | "
        f"{', '.join(f'{r:.2f}' for r in ratios)} |"
    )
    print(
        f"| CPU time | {statistics.median(cpu_ratios):.2f}x | "
        f"{', '.join(f'{r:.2f}' for r in cpu_ratios)} |"
    )


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_process(args: argparse.Namespace) -> None:
    """The sample's import with the engine in this process and in its own, alternating; and
    dynalite's ``batch_writer`` of the same items when dynalite is found."""
    orgs = sample_rows(5000)
    contacts = sum(len(rows) for rows in orgs)
    names = ["in process", "own process, serial", "own process", "dynalite bw"]
    # (wall seconds, this process's CPU seconds, the server process's CPU seconds)
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    items: list[dict[str, Any]] = []

    def clocked(run: Callable[[], Any], server: int | None) -> tuple[float, float, float]:
        served = cpu_seconds(server) if server is not None else 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return wall, cpu, (cpu_seconds(server) - served if server is not None else 0.0)

    def do_import(engine_process: bool, pipeline: bool | None = None) -> None:
        nonlocal items
        importer.PIPELINE = pipeline  # None: the default (pipelined unless in this process)
        with ck.connect(engine_process=engine_process) as db:
            server = db.engine.pid if isinstance(db.engine, EngineProcess) else None
            table = db.table(f"imp-{uuid.uuid4().hex[:6]}").create()

            name = "in process" if not engine_process else "own process"
            name += ", serial" if pipeline is False else ""
            times[name].append(clocked(lambda: import_orgs(table, orgs), server))
            if not items:
                items = copy_items(table)

    def do_dynalite_bw(url: str, pid: int) -> None:
        with ck.connect(url) as db:
            other = db.table(f"bw-{uuid.uuid4().hex[:6]}").create()
            client = plain_client(url)
            times["dynalite bw"].append(
                clocked(lambda: write_items(client, other.name, items), pid)
            )
            other.delete()

    with contextlib.ExitStack() as stack:
        dynalite = stack.enter_context(dynalite_server()) if find_dynalite() else None
        for repeat in range(args.import_repeats):
            runs: list[tuple[bool, bool | None]] = [(False, None), (True, False), (True, None)]
            for engine_process, pipeline in runs if repeat % 2 == 0 else runs[::-1]:
                do_import(engine_process, pipeline)
            if dynalite is not None:
                do_dynalite_bw(*dynalite)
            print(
                "  process run:",
                {k: [round(x, 2) for x in v[-1]] for k, v in times.items() if v},
                flush=True,
            )
    print(
        f"\n| {contacts:,} sample contacts ({len(items):,} items), median of "
        f"{args.import_repeats} | seconds | CPU s, this process | CPU s, server process "
        "| ms per contact |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, label in [
        ("in process", "`import_contacts`, engine in this process (`ck.connect()`)"),
        (
            "own process, serial",
            "`import_contacts`, engine in its own, one transaction at a time (`PIPELINE = False`)",
        ),
        ("own process", "`import_contacts`, engine in its own (`engine_process=True`), pipelined"),
        ("dynalite bw", "dynalite: boto3 `batch_writer` of the same items (no transactions)"),
    ]:
        if not times[name]:
            continue
        seconds = statistics.median(t[0] for t in times[name])
        cpu = statistics.median(t[1] for t in times[name])
        served = (
            "(here)"
            if name == "in process"
            else f"{statistics.median(t[2] for t in times[name]):.2f}"
        )
        print(
            f"| {label} | {seconds:.2f} | {cpu:.2f} | {served} | {seconds / contacts * 1000:.2f} |"
        )


# -- growing an org -------------------------------------------------------------------------


def base_items(db: ck.Database, count: int) -> tuple[str, list[dict[str, Any]]]:
    """Every item an import of ``count`` sample contacts writes in one org (no audit)."""
    rows = [row for org in sample_rows(count) for row in org][:count]
    table = db.table(f"base-{uuid.uuid4().hex[:6]}").create()
    org_id = "org-base"
    table.org(org_id).import_contacts(rows, progress=False)
    items = copy_items(table)
    table.delete()
    return org_id, items


_ULID = re.compile(rb"[0-9A-HJKMNP-TV-Z]{26}")


def copies(items: list[dict[str, Any]], org_from: str, org_to: str, copy: int) -> list[bytes]:
    """The items of ``items`` in ``org_to``, ids and emails renamed for copy number ``copy``."""
    text = orjson.dumps(items).replace(org_from.encode(), org_to.encode())
    tag = f"{copy:06d}".encode()
    text = _ULID.sub(lambda m: tag + m.group(0)[6:], text)  # the time part: shared by a run
    text = text.replace(b"@", b"+" + tag + b"@")
    return orjson.loads(text)  # type: ignore[no-any-return]


def grow(
    engine: EmbeddedEngine,
    table: str,
    base: list[dict[str, Any]],
    org_from: str,
    org_to: str,
    first: int,
    last: int,
) -> None:
    """Copies ``first``..``last`` of the base contacts, put straight into the engine."""
    for copy in range(first, last):
        with engine.app.lock:
            for item in copies(base, org_from, org_to, copy):
                engine.backend.put_item(table, item)
            compact_touched()  # as the engine does after each request


def cpu_adds(org: ck.OrgStore, count: int, label: str) -> tuple[float, float]:
    """Median wall and CPU milliseconds (both threads: client and engine) of ``count`` adds."""
    walls, cpus = [], []
    for n in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        time_adds(org, 1, f"{label}x{n}")
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def adds_with_and_without_freeze(
    org: ck.OrgStore, label: str, rounds: int = 2
) -> tuple[tuple[float, float], tuple[float, float]]:
    """``add()`` timed with the collector as it is and after ``gc.freeze()``, alternating.

    ``gc.freeze()`` moves every object alive now (the filled table) out of the collector's
    generations, so its collections stop walking them; ``gc.unfreeze()`` puts them back.
    """
    normal: list[tuple[float, float]] = []
    frozen: list[tuple[float, float]] = []
    for round_ in range(rounds):
        normal.append(cpu_adds(org, 25, f"{label}n{round_}"))
        gc.freeze()
        try:
            frozen.append(cpu_adds(org, 25, f"{label}f{round_}"))
        finally:
            gc.unfreeze()

    def median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
        return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)

    return median(normal), median(frozen)


def run_add(args: argparse.Namespace) -> None:
    with ck.connect() as db:
        assert db.engine is not None
        org_from, base = base_items(db, 1000)
        per_contact = len(base) / 1000
        table = db.table(f"grow-{uuid.uuid4().hex[:6]}").create()
        org_id = "org-grow"
        org = table.org(org_id)
        gc.collect()
        before = rss_mb()
        copied = 0
        print(
            "\n| contacts in the org | items in the table | add() ms (CPU ms), median of 50 | "
            "the same after gc.freeze() | engine RSS MB | bytes per item (RSS growth) |"
        )
        print("|---:|---:|---:|---:|---:|---:|")
        small = [s for s in args.add_sizes if s < 1000]
        for size in args.add_sizes:
            if size < 1000:
                rows = [row for o in sample_rows(size) for row in o][:size]
                org_small = table.org(f"org-small-{size}")
                org_small.import_contacts(rows, progress=False)
                normal, frozen = adds_with_and_without_freeze(org_small, f"s{size}")
                print(
                    f"| {size:,} | (import) | {normal[0]:.2f} ({normal[1]:.2f}) | "
                    f"{frozen[0]:.2f} ({frozen[1]:.2f}) | | |",
                    flush=True,
                )
                continue
            wanted = size // 1000
            grow(db.engine, table.name, base, org_from, org_id, copied, wanted)
            copied = wanted
            gc.collect()
            normal, frozen = adds_with_and_without_freeze(org, f"g{size}")
            items = int(copied * len(base))
            grown = rss_mb() - before
            print(
                f"| {size:,} | {items:,} | {normal[0]:.2f} ({normal[1]:.2f}) | "
                f"{frozen[0]:.2f} ({frozen[1]:.2f}) | {rss_mb():.0f} | "
                f"{grown * 1024 * 1024 / items:.0f} |",
                flush=True,
            )
        del small
        print(f"\n(one contact is {per_contact:.1f} items: contact, email claim, tags, tokens)")


# -- load_frame -----------------------------------------------------------------------------


def run_frame(args: argparse.Namespace, dynalite: str) -> None:
    count = args.frame_contacts
    with ck.connect() as db:
        org_from, base = base_items(db, 1000)
    contact_items = [item for item in base if item.get("type", {}).get("S") == "contact"]
    times: dict[str, float] = {}
    for name, url in [("engine", None), ("dynalite", dynalite)]:
        with ck.connect(url) as db:
            table = db.table(f"frame-{uuid.uuid4().hex[:6]}").create()
            items = [
                item
                for copy in range(-(-count // len(contact_items)))
                for item in copies(contact_items, org_from, "org-frame", copy)
            ][:count]
            written = write_items(db.client, table.name, items)
            org = table.org("org-frame")
            frames: list[Any] = []

            def load(org: ck.OrgStore = org, frames: list[Any] = frames) -> None:
                frames.append(ck.load_frame(org, progress=False))

            times[name] = median_ms(load, args.frame_repeats) / 1000
            assert len(frames[-1]) == count, len(frames[-1])
            print(
                f"  {name}: wrote {count:,} contact items in {written:.1f} s; "
                f"load_frame {times[name]:.2f} s",
                flush=True,
            )
    print(
        f"\n| load_frame of one org of {count:,} contacts | seconds (median of "
        f"{args.frame_repeats}) | µs per contact |"
    )
    print("|---|---:|---:|")
    for name in times:
        print(f"| {name} | {times[name]:.2f} | {times[name] / count * 1e6:.0f} |")
    print(f"\nengine / dynalite: {times['engine'] / times['dynalite']:.2f}x")


# -- everything beside the table's size ---------------------------------------------------


def run_scale(args: argparse.Namespace, dynalite: str) -> None:
    """Pages, one write, the import and load_frame at each table size, engine and dynalite."""
    orgs = sample_rows(5000)
    contacts = sum(len(rows) for rows in orgs)
    with ck.connect() as db:
        org_from, base = base_items(db, 1000)
    contact_items = [item for item in base if item.get("type", {}).get("S") == "contact"]
    frame_items = [
        item
        for copy in range(-(-args.frame_contacts // len(contact_items)))
        for item in copies(contact_items, org_from, "org-frame", copy)
    ][: args.frame_contacts]
    one_contact = copies(contact_items[:1], org_from, "org-put", 999_999)[0]
    imported: list[dict[str, Any]] = []  # the engine's import, written again on dynalite
    rows: list[tuple[Any, ...]] = []
    for size in args.sizes:
        for name, url in [("engine", None), ("dynalite", dynalite)]:
            with ck.connect(url) as db:
                table = db.table(f"scale-{uuid.uuid4().hex[:6]}").create()
                filler = page_items(size)
                write_items(db.client, table.name, filler)
                query, gsi = page_times(db, table.name, filler, args.repeats)
                put = median_ms(
                    lambda db=db, table=table: db.client.put_item(
                        TableName=table.name, Item=one_contact
                    ),
                    args.repeats,
                )
                add = None
                if name == "engine":
                    add = time_adds(table.org("org-add"), args.repeats, f"s{size}")
                    start = time.perf_counter()
                    for n, batch in enumerate(orgs):
                        report = table.org(f"org-imp{n}").import_contacts(batch, progress=False)
                        assert report.imported == len(batch)
                    written = time.perf_counter() - start
                    if not imported:
                        imported = [i for i in copy_items(table) if "org-imp" in i["PK"]["S"]]
                else:
                    written = write_items(plain_client(dynalite), table.name, imported)
                write_items(db.client, table.name, frame_items)
                frames: list[Any] = []
                org = table.org("org-frame")

                def load(org: ck.OrgStore = org, frames: list[Any] = frames) -> None:
                    frames.append(ck.load_frame(org, progress=False))

                frame = median_ms(load, 3) / 1000
                assert len(frames[-1]) == args.frame_contacts
                rows.append((size, name, query, gsi, put, add, written, frame))
                print(f"  {rows[-1]}", flush=True)
                if url is not None:
                    table.delete()
    print(
        f"\n| items in the table | backend | Query page ms | GSI page ms | PutItem ms | add() ms "
        f"| {contacts:,} contacts imported, s | load_frame of {args.frame_contacts:,}, s |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for size, name, query, gsi, put, add, written, frame in rows:
        how = "`import_contacts`" if name == "engine" else "`batch_writer` of its items"
        shown = f"{add:.2f}" if add is not None else "no transactions"
        print(
            f"| {size:,} | {name} | {query:.2f} | {gsi:.2f} | {put:.2f} | {shown} | "
            f"{written:.2f} ({how}) | {frame:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--parts", nargs="+", default=["pages", "import", "process", "frame", "scale", "add"]
    )
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10_000, 100_000])
    parser.add_argument("--stock-max", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--chart", default=str(ROOT / "docs" / "engine-pages.png"))
    parser.add_argument("--import-repeats", type=int, default=1)
    parser.add_argument("--frame-contacts", type=int, default=20_000)
    parser.add_argument("--frame-repeats", type=int, default=3)
    parser.add_argument("--add-sizes", nargs="+", type=int, default=[100, 1000, 10_000, 100_000])
    args = parser.parse_args()
    if args.parts == ["add"]:
        run_add(args)
        return
    if {"pages", "import", "frame", "scale"} & set(args.parts):
        with dynalite_server() as (dynalite, pid):
            if "pages" in args.parts:
                run_pages(args, dynalite, pid)
            if "import" in args.parts:
                run_import(args, dynalite)
            if "frame" in args.parts:
                run_frame(args, dynalite)
            if "scale" in args.parts:
                run_scale(args, dynalite)
    if "process" in args.parts:
        run_process(args)
    if "add" in args.parts:  # memory is measured in a fresh process
        sizes = [str(size) for size in args.add_sizes]
        subprocess.run(
            [sys.executable, __file__, "--parts", "add", "--add-sizes", *sizes], check=True
        )


if __name__ == "__main__":
    main()
