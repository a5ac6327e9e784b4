"""Batched ``import_contacts`` against one ``add()`` per contact, on the same endpoint.

Both write the same contacts of the sample data set (``data/org-*.csv|json``: 5,000 in all)
into fresh orgs of a fresh table; runs alternate (import first, then add first, ...) and the
median of each is reported with the requests made and the plan's documented minimum.

    .venv/bin/python benchmarks/import_bench.py                   # embedded engine, 5,000 rows
    .venv/bin/python benchmarks/import_bench.py --rows 1000 --repeats 5
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

import contactkit as ck
from contactkit.formats import read_source

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


def run_import(table: ck.Table, orgs: list[list[dict[str, Any]]]) -> tuple[float, int, int]:
    requests = minimum = 0
    start = time.perf_counter()
    for rows in orgs:
        org = table.org(f"org-import-{uuid.uuid4().hex[:8]}")
        report = org.import_contacts(rows, progress=False)
        assert report.imported == len(rows), report.summary()
        requests += report.requests
        minimum += report.minimum_requests
    return time.perf_counter() - start, requests, minimum


def run_adds(table: ck.Table, orgs: list[list[dict[str, Any]]]) -> tuple[float, int]:
    with table.meter() as meter:
        start = time.perf_counter()
        for rows in orgs:
            org = table.org(f"org-add-{uuid.uuid4().hex[:8]}")
            for row in rows:
                org.add(**row)
        elapsed = time.perf_counter() - start
    return elapsed, meter.requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    orgs = sample_rows(args.rows)
    imports: list[float] = []
    adds: list[float] = []
    with ck.connect() as db:
        if args.latency_ms:
            delay = args.latency_ms / 1000

            def network(**_: Any) -> None:
                time.sleep(delay)

            db.client.meta.events.register("before-send.dynamodb.*", network)
        for repeat in range(args.repeats):
            table = db.table(f"bench-{uuid.uuid4().hex[:8]}").create()
            order = ["import", "add"] if repeat % 2 == 0 else ["add", "import"]
            for method in order:
                if method == "import":
                    seconds, requests, minimum = run_import(table, orgs)
                    imports.append(seconds)
                else:
                    seconds, add_requests = run_adds(table, orgs)
                    adds.append(seconds)
                print(f"  run {repeat + 1}: {method} {seconds:.2f} s", flush=True)
            table.delete()
    add_s, import_s = statistics.median(adds), statistics.median(imports)
    n = sum(len(rows) for rows in orgs)
    print(
        f"\n{n:,} contacts, {db.backend} backend, latency +{args.latency_ms:g} ms/request, "
        f"median of {args.repeats}"
    )
    print("| method | requests | documented minimum | seconds | ms per contact |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| one `add()` per contact | {add_requests:,} | {n:,} | {add_s:.2f} | "
        f"{add_s / n * 1000:.2f} |"
    )
    print(
        f"| `import_contacts` | {requests:,} | {minimum:,} | {import_s:.2f} | "
        f"{import_s / n * 1000:.2f} |"
    )
    print(
        f"\nimport is {add_s / import_s:.1f}x faster; requests {requests / minimum:.3f}x the "
        f"minimum, {add_requests / requests:.1f}x fewer than add()"
    )


if __name__ == "__main__":
    main()
