"""Where the write units of the 5,000-contact sample land: the hottest partition keys.

Loads the sample (``data/org-*.csv|json``, 5,000 contacts) into one org of a fresh embedded
table twice: as one import (``import_contacts``) and as one ``add()`` per contact, each under a
meter. Every request the meter recorded names the items it wrote (``record.params``); each item's
write units go to its partition key (``PK`` in the table, each index's partition key in the
index), scaled so they add up to what the backend reported for the request (table part and
index parts separately). Prints the top partition keys by share of the run's WCU, the search
tokens per contact, and the keys' WCU per second at a stated contact rate against DynamoDB's
1,000 WCU/s per-partition limit.

    .venv/bin/python benchmarks/hot_partitions.py                 # 5,000 contacts
    .venv/bin/python benchmarks/hot_partitions.py --rows 1000 --rate 100
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any

import contactkit as ck
from contactkit.dynamo import schema
from contactkit.dynamo.capacity import index_writes, transactional_write_units, write_units
from contactkit.dynamo.meter import Meter
from contactkit.dynamo.requestcost import written_items
from contactkit.dynamo.sizes import item_size
from contactkit.io.formats import read_source

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = ["org-northwind.csv", "org-contoso.csv", "org-fabrikam.json"]
PARTITION_LIMIT_WCU = 1_000  # DynamoDB's per-partition write throughput, units per second
ORG = "org-hot"


def sample_rows(limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` sample contacts of the three files, with distinct emails."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name in FILES:
        for row in read_source(DATA / name).rows:
            values = dict(row.values)
            email = str(values.get("email") or "").lower()
            if email and email in seen:
                continue
            seen.add(email)
            rows.append(values)
    return rows[:limit]


def partition_units(meter: Meter) -> Counter[str]:
    """Write units per partition key, from the meter's records (see the module docstring)."""
    hot: Counter[str] = Counter()
    for record in meter.records:
        written = written_items(record.operation, record.params)
        if not written:
            continue
        transactional = record.operation == "TransactWriteItems"
        table_part: dict[str, float] = Counter()
        index_part: dict[tuple[str, str], float] = Counter()
        for action, item, _ in written:
            if action != "Put":  # imports and adds put only
                continue
            size = item_size(item)
            units = transactional_write_units(size) if transactional else write_units(size)
            table_part[item["PK"]["S"]] += units
            for write in index_writes(None, item, schema.INDEX_KEYS):
                hash_attr = schema.INDEX_KEYS[write.index][0]
                index_part[(write.index, item[hash_attr]["S"])] += write.units
        reported = record.reported
        table_reported = sum(u for _, index, u in reported.parts if not index) if reported else 0
        computed = sum(table_part.values())
        scale = table_reported / computed if reported and computed else 1.0
        for key, units in table_part.items():
            hot[key] += units * scale
        for index in {i for i, _ in index_part}:
            mine = {k: u for (i, k), u in index_part.items() if i == index}
            said = sum(u for _, i, u in reported.parts if i == index) if reported else 0
            total = sum(mine.values())
            for key, units in mine.items():
                hot[f"{key} ({index})"] += units * (said / total if reported and total else 1.0)
    return hot


def report(label: str, meter: Meter, contacts: int, seconds: float, rate: float) -> None:
    hot = partition_units(meter)
    total = sum(hot.values())
    print(
        f"\n{label}: {contacts} contacts, {meter.requests} requests, {meter.wcu:g} WCU "
        f"(attributed {total:g}), {seconds:.0f} s"
    )
    per_contact = total / contacts
    print(f"  {per_contact:.2f} WCU per contact; at {rate:g} contacts/s:")
    for key, units in hot.most_common(6):
        share = units / total
        per_second = share * per_contact * rate
        ceiling = PARTITION_LIMIT_WCU / (share * per_contact)
        print(
            f"  {share:6.1%}  {per_second:7.0f} WCU/s  (1,000 WCU/s at {ceiling:6.0f} contacts/s)"
            f"  {key}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=500.0, help="contacts per second")
    args = parser.parse_args()
    rows = sample_rows(args.rows)
    table = ck.connect(seed=1).table("hot-partitions").create(exist_ok=True)
    meter = Meter(table.client, max_records=10**7)
    start = time.perf_counter()
    with meter:
        imported = table.org(ORG).import_contacts(rows, progress=False)
    report("import_contacts", meter, imported.imported, time.perf_counter() - start, args.rate)
    tokens = Counter(r[2] for m in meter.records for r in written_items(m.operation, m.params))
    print(
        f"  items by type: {dict(tokens)}; "
        f"search tokens per contact {tokens['token'] / imported.imported:.2f}"
    )
    adds = table.org(f"{ORG}-adds")
    meter = Meter(table.client, max_records=10**7)
    start = time.perf_counter()
    with meter:
        for row in rows:
            adds.add(**{k: v for k, v in row.items() if k != "created_at"})
    report("add() each", meter, len(rows), time.perf_counter() - start, args.rate)


if __name__ == "__main__":
    main()
