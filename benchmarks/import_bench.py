"""Batched ``import_contacts`` against one ``add()`` per contact and boto3's ``batch_writer``.

Both write the same contacts of the sample data set (``data/org-*.csv|json``: 5,000 in all)
into fresh orgs of a fresh table; runs alternate (import first, then add first, ...) and the
median of each is reported with the requests made and the plan's documented minimum.

    .venv/bin/python benchmarks/import_bench.py                   # embedded engine, 5,000 rows
    .venv/bin/python benchmarks/import_bench.py --rows 1000 --repeats 5
    .venv/bin/python benchmarks/import_bench.py --rows 50000 --repeats 1   # the sample x10
    .venv/bin/python benchmarks/import_bench.py --latency-ms 5    # + a network round trip
    AWS_ENDPOINT_URL_DYNAMODB=http://localhost:8000 .venv/bin/python benchmarks/import_bench.py

``--latency-ms`` adds that many milliseconds before every request (a botocore hook), to show
the same comparison where each request crosses a network, as it does to DynamoDB Local in a
container or to AWS (single-digit milliseconds in-region).
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from boto3.dynamodb.table import BatchWriter

import contactkit as ck
from contactkit.io.formats import read_source

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = ["org-northwind.csv", "org-contoso.csv", "org-fabrikam.json"]


def sample_rows(limit: int) -> list[list[dict[str, Any]]]:
    """The sample contacts, one list per org (``created_at`` dropped: add() has none)."""
    orgs: list[list[dict[str, Any]]] = []
    left = limit
    for name in FILES:
        rows = [
            {k: v for k, v in row.values.items() if k != "created_at"}
            for row in read_source(DATA / name).rows
        ][:left]
        left -= len(rows)
        if rows:
            orgs.append(rows)
    return orgs


def run_import(table: ck.Table, orgs: list[list[dict[str, Any]]]) -> tuple[float, float, int, int]:
    requests = minimum = 0
    cpu = time.process_time()
    start = time.perf_counter()
    for rows in orgs:
        org = table.org(f"org-import-{uuid.uuid4().hex[:8]}")
        report = org.import_contacts(rows, progress=False)
        assert report.imported == len(rows), report.summary()
        requests += report.requests
        minimum += report.minimum_requests
    return time.perf_counter() - start, time.process_time() - cpu, requests, minimum


def run_adds(table: ck.Table, orgs: list[list[dict[str, Any]]]) -> tuple[float, float, int]:
    with table.meter() as meter:
        cpu = time.process_time()
        start = time.perf_counter()
        for rows in orgs:
            org = table.org(f"org-add-{uuid.uuid4().hex[:8]}")
            for row in rows:
                org.add(**row)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    return elapsed, cpu, meter.requests


def copy_items(table: ck.Table) -> list[dict[str, Any]]:
    """Every item an import wrote (typed, as DynamoDB holds them), without the audit trail."""
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table.name}
    while True:
        page = table.client.scan(**kwargs)
        found.extend(item for item in page["Items"] if item.get("type", {}).get("S") != "audit")
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run_batch_writer(db: ck.Database, items: list[dict[str, Any]]) -> tuple[float, float, int]:
    """boto3's ``batch_writer`` (the resource API's helper, here on the same client): no
    validation, no uniqueness, no transactions; 25 items per ``BatchWriteItem``."""
    table = db.table(f"bench-bw-{uuid.uuid4().hex[:8]}").create()
    sent = 0

    def count(**_: Any) -> None:
        nonlocal sent
        sent += 1

    db.client.meta.events.register("before-send.dynamodb.BatchWriteItem", count)
    try:
        cpu = time.process_time()
        start = time.perf_counter()
        with BatchWriter(table.name, db.client) as writer:
            for item in items:
                writer.put_item(Item=item)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        db.client.meta.events.unregister("before-send.dynamodb.BatchWriteItem", count)
        table.delete()
    return elapsed, cpu, sent


VARIANTS = ("import", "add", "batch_writer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="5000, or 50000 for the large run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    orgs = sample_rows(args.rows)
    if args.rows > sum(len(rows) for rows in orgs):  # the large run: the sample, repeated
        orgs = [
            [{**row, "email": f"r{n}.{row['email']}"} for row in rows]
            for n in range(-(-args.rows // sum(len(r) for r in orgs)))
            for rows in orgs
        ]
        orgs = sample_cut(orgs, args.rows)
    runs: dict[str, list[tuple[float, float]]] = {v: [] for v in VARIANTS}
    requests: dict[str, int] = {}
    minimum = 0
    items: list[dict[str, Any]] = []
    with ck.connect() as db:
        if args.latency_ms:
            delay = args.latency_ms / 1000

            def network(**_: Any) -> None:
                time.sleep(delay)

            db.client.meta.events.register("before-send.dynamodb.*", network)
        for repeat in range(args.repeats):
            table = db.table(f"bench-{uuid.uuid4().hex[:8]}").create()
            order = VARIANTS[repeat % 3 :] + VARIANTS[: repeat % 3]
            if not items:  # batch_writer writes what import wrote: import goes first once
                order = ("import", *(v for v in order if v != "import"))
            for method in order:
                if method == "import":
                    seconds, cpu, requests["import"], minimum = run_import(table, orgs)
                    if not items:
                        items = copy_items(table)
                elif method == "add":
                    seconds, cpu, requests["add"] = run_adds(table, orgs)
                else:
                    seconds, cpu, requests["batch_writer"] = run_batch_writer(db, items)
                runs[method].append((seconds, cpu))
                print(f"  run {repeat + 1}: {method} {seconds:.2f} s, CPU {cpu:.2f} s", flush=True)
            table.delete()
    seconds = {v: statistics.median(s for s, _ in runs[v]) for v in VARIANTS}
    cpu = {v: statistics.median(c for _, c in runs[v]) for v in VARIANTS}
    n = sum(len(rows) for rows in orgs)
    bw_minimum = -(-len(items) // 25)
    print(
        f"\n{n:,} contacts in {len(orgs)} orgs ({len(items):,} items), {db.backend} backend, "
        f"latency +{args.latency_ms:g} ms/request, median of {args.repeats}"
    )
    print("| method | requests | minimum | seconds | ms per contact | CPU seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for method, label, least in [
        ("add", "one `add()` per contact", n),
        ("import", "`import_contacts`", minimum),
        ("batch_writer", "boto3 `batch_writer` (no validation)", bw_minimum),
    ]:
        print(
            f"| {label} | {requests[method]:,} | {least:,} | {seconds[method]:.2f} | "
            f"{seconds[method] / n * 1000:.2f} | {cpu[method]:.2f} |"
        )
    print(
        f"\nimport is {seconds['add'] / seconds['import']:.1f}x faster than add() "
        f"({cpu['add'] / cpu['import']:.1f}x less CPU) and takes "
        f"{seconds['import'] / seconds['batch_writer']:.1f}x the time of batch_writer; "
        f"import requests {requests['import'] / minimum:.3f}x its minimum"
    )


def sample_cut(orgs: list[list[dict[str, Any]]], limit: int) -> list[list[dict[str, Any]]]:
    """The first ``limit`` rows of ``orgs``, keeping the split by org."""
    kept: list[list[dict[str, Any]]] = []
    for rows in orgs:
        if limit <= 0:
            break
        kept.append(rows[:limit])
        limit -= len(kept[-1])
    return kept


if __name__ == "__main__":
    main()
