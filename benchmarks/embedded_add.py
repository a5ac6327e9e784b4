"""How much does one ``add()`` cost as the org grows, on the embedded engine?

Compares, in the same run and on the same data, contactkit's embedded engine (transactions cost
O(actions)) with moto 5.2's stock ``TransactWriteItems`` (deep-copies the table: O(table)).
The table is filled with real contacts through ``add()``; then ``add()`` is timed with each
transaction implementation.

    .venv/bin/python benchmarks/embedded_add.py            # sizes 100, 2000, 10000
    .venv/bin/python benchmarks/embedded_add.py 100 1000   # other sizes
"""

from __future__ import annotations

import statistics
import sys
import time
import types

from moto.dynamodb.models import DynamoDBBackend

import contactkit as ck


def time_adds(org: ck.OrgStore, count: int, label: str) -> float:
    """Median milliseconds of ``count`` adds (each with two tags, like the sample data)."""
    timings = []
    for n in range(count):
        start = time.perf_counter()
        org.add(
            first_name="Bench",
            last_name=f"{label}{n}",
            email=f"{label}{n}@bench.example",
            tags=["bench", label],
        )
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def count_items(client: object, table: str) -> int:
    """Every item, across Scan pages (one page stops at 1 MB)."""
    paginator = client.get_paginator("scan")  # type: ignore[attr-defined]
    return sum(page["Count"] for page in paginator.paginate(TableName=table, Select="COUNT"))


def main(sizes: list[int]) -> None:
    with ck.connect() as db:
        assert db.engine is not None, "unset AWS_ENDPOINT_URL_DYNAMODB: this measures the engine"
        org = db.table("bench").create().org("org-bench")
        backend = db.engine.backend
        ours = backend.transact_write_items
        stock = types.MethodType(DynamoDBBackend.transact_write_items, backend)
        filled = 0
        print(
            "| contacts in org | items in table | add() ms, contactkit engine | "
            "add() ms, moto stock transactions | ratio |"
        )
        print("|---:|---:|---:|---:|---:|")
        for size in sizes:
            for n in range(filled, size):
                org.add(
                    first_name="Fill",
                    last_name=f"N{n}",
                    email=f"fill{n}@bench.example",
                    tags=["fill", "sample"],
                )
            filled = size
            fast = time_adds(org, 50, f"fast{size}x")
            backend.transact_write_items = stock  # type: ignore[method-assign]
            slow = time_adds(org, 5, f"slow{size}x")
            backend.transact_write_items = ours  # type: ignore[method-assign]
            filled += 55
            items = count_items(db.client, "bench")
            print(f"| {size:,} | {items:,} | {fast:.2f} | {slow:.1f} | {slow / fast:.0f}x |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 2000, 10000])
