"""What each access pattern reads and costs, as orgs grow, beside the seed's anti-patterns.

Fills a table with 5 orgs of N contacts each (through ``import_contacts``), then runs every
lookup once in the middle org under ``table.meter()`` and prints requests, items read and read
capacity units computed from DynamoDB's item-size rules (the same on every backend). Indexed
patterns stay flat as N grows; the Scan the seed's code needs grows with the whole table.

    .venv/bin/python benchmarks/access_patterns.py              # N = 1k and 10k
    .venv/bin/python benchmarks/access_patterns.py 200 2k 100k  # other sizes
    .venv/bin/python benchmarks/access_patterns.py --chart docs/access-patterns.png

The chart plots items read per pattern against N on log-log axes (matplotlib, Agg backend).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import contactkit as ck
from contactkit.lessons import antipatterns

ORGS = [f"org-bench{n}" for n in range(5)]
ORG = ORGS[2]
PAGE = 25
FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun"]
LAST = ["Smith", "Jones", "Brown", "Garcia", "Müller", "O'Brien", "Nguyen", "Kim", "Rossi", "Ito"]


def fields(org_index: int, n: int) -> dict[str, Any]:
    first, last = FIRST[n % 10], LAST[(n // 10) % 10]
    planted = n < 3  # three contacts share a phone, a tag and a company in every org
    return {
        "first_name": first,
        "last_name": last,
        "email": f"c{n}@org{org_index}.example",
        "phone": "+1 303 555 0199" if planted else f"+1 202 555 {n % 10000:04d}",
        "company": "Probe Labs" if planted else f"Company {n % 40}",
        "tags": ["common", "rare" if planted else f"team-{n % 5}"],
        "favorite": n % 10 == 0,
    }


def seed(db: ck.Database, size: int) -> ck.Table:
    """The orgs, written by ``import_contacts`` (many contacts per request, unlike add())."""
    table = db.table(f"bench-access-{size}").create()
    for index, org_id in enumerate(ORGS):
        report = table.org(org_id).import_contacts(
            [fields(index, n) for n in range(size)], progress=False
        )
        assert report.imported == size, report.summary()
    return table


def patterns(table: ck.Table) -> dict[str, Callable[[], object]]:
    org = table.org(ORG)
    some_id = org.find_by_email("c5@org2.example")
    assert some_id is not None
    return {
        "get": lambda: org.get(some_id.id),
        "find_by_email (index)": lambda: org.find_by_email("C5@org2.example"),
        "find_by_email (consistent)": lambda: org.find_by_email("c5@org2.example", consistent=True),
        "find_by_phone": lambda: org.find_by_phone("303.555.0199"),
        "find_by_name": lambda: org.find_by_name("smi", limit=PAGE),
        "find_by_tag": lambda: org.find_by_tag("common", limit=PAGE),
        "favorites": lambda: org.favorites(limit=PAGE),
        "list": lambda: org.list(limit=PAGE),
        "list (by name)": lambda: org.list(limit=PAGE, order="name"),
        "recent": lambda: org.recent(limit=PAGE),
        "search 'probe labs' (token index)": lambda: org.search("probe labs", limit=PAGE),
        "search 'probe labs' (org read)": lambda: org.search("probe labs", use_index=False),
        "search 'prbe lbs' (fuzzy, org read)": lambda: org.search("prbe lbs", fuzzy=True),
        "anti-pattern: Scan + filter on org": lambda: antipatterns.scan_with_filter(table, ORG),
    }


def measure(table: ck.Table) -> dict[str, tuple[int, int, float]]:
    results = {}
    for name, run in patterns(table).items():
        with table.meter() as meter:
            run()
        results[name] = (meter.requests, meter.items_read, meter.rcu)
    return results


def size(text: str) -> int:
    """``200``, ``1k`` or ``100k``."""
    return int(float(text[:-1]) * 1000) if text.lower().endswith("k") else int(text)


def chart(by_size: dict[int, dict[str, tuple[int, int, float]]], path: Path) -> None:
    """Items read per pattern against contacts per org, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(by_size)
    fig, ax = plt.subplots(figsize=(9, 6))
    for name in by_size[sizes[0]]:
        read = [max(by_size[s][name][1], 1) for s in sizes]
        style = "--" if "anti-pattern" in name or "org read" in name else "-"
        ax.plot(sizes, read, style, marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("contacts per org (5 orgs)")
    ax.set_ylabel("items read by one call")
    ax.set_title("Indexed patterns stay flat; org reads and the Scan grow with the data")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"chart: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=size, default=[1000, 10000])
    parser.add_argument("--chart", type=Path, help="write a log-log PNG chart there")
    args = parser.parse_args()
    sizes: list[int] = args.sizes
    by_size = {}
    with ck.connect() as db:
        for count in sizes:
            table = seed(db, count)
            by_size[count] = measure(table)
            table.delete()
    header = " | ".join(f"{s:,}/org: requests, items read, RCU" for s in sizes)
    print(f"| pattern | {header} |")
    print("|---|" + "---:|" * len(sizes))
    for name in by_size[sizes[0]]:
        cells = " | ".join(f"{r}, {i:,}, {u:g}" for r, i, u in (by_size[s][name] for s in sizes))
        print(f"| {name} | {cells} |")
    if args.chart and len(sizes) > 1:
        chart(by_size, args.chart)


if __name__ == "__main__":
    main()
