"""How fast does a contacts table get into pandas? ``load_frame`` against the usual ways.

Three loaders read the same 100,000 contacts into a DataFrame, in the same run:

* ``ck.load_frame(table)``: orjson before-parse path, column-wise conversion;
* ``awswrangler.dynamodb.read_items`` (defaults, except the segments, filter and projection
  that make the three read the same pages);
* boto3's resource ``Table.scan`` per segment + ``pandas.DataFrame(items)``.

The endpoint is a local HTTP stub replaying Scan pages recorded from the data set: real item
sizes, pages cut at DynamoDB's 1 MB, one set of pages per segment. moto's server would be the
bottleneck (about 21 s to Scan 20k items here), hiding the client-side cost being measured.
All three use the same segments (threads), filter and projection, so they receive byte-identical
pages. Their DataFrames are checked equal (same rows, same values) before any timing counts;
timings alternate between the loaders over several repetitions; peak memory is measured with
each loader alone in a fresh process.

    .venv/bin/python benchmarks/load_frame_bench.py                  # 100,000 contacts, 5 reps
    .venv/bin/python benchmarks/load_frame_bench.py --contacts 5000 --reps 2
"""

from __future__ import annotations

import argparse
import decimal
import gc
import http.server
import math
import os
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

TABLE = "contacts-bench"
SEGMENTS = 4
PAGE_BYTES = 1024 * 1024
ATTRIBUTES = [
    "org_id", "id", "first_name", "last_name", "email", "phone", "phone_e164", "company",
    "job_title", "tags", "favorite", "address", "custom_fields", "notes", "created_at",
    "updated_at", "last_contacted_at", "version",
]  # fmt: skip
FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Zoë", "José"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"]
TAGS = ["vip", "client", "vendor", "partner", "engineering", "design", "marketing", "lead"]
CITIES = [("London", "GB"), ("Paris", "FR"), ("New York", "US"), ("Berlin", "DE"), ("Oslo", "NO")]


# -- data and recorded pages ---------------------------------------------------------------------


def make_items(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` contact items (DynamoDB JSON) as contactkit stores them, deterministic."""
    from contactkit.contacts import items
    from contactkit.contacts.model import Address, Contact

    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    companies = [f"Company {n:03d}" for n in range(300)]
    made = []
    for n in range(count):
        created = start + timedelta(minutes=n * 7 + rng.randrange(7))
        city, country = rng.choice(CITIES)
        phone = f"+1212555{n % 10000:04d}" if rng.random() < 0.8 else None
        contact = Contact(
            id=f"01J{n:023d}",
            org_id=f"org-{n % 100:03d}",
            first_name=rng.choice(FIRST),
            last_name=f"{rng.choice(LAST)}{n}",
            email=f"person{n}@example{n % 50}.com",
            phone=phone,
            phone_e164=phone,
            company=rng.choice(companies) if rng.random() < 0.9 else None,
            job_title=rng.choice(["Engineer", "Designer", "Manager", None]),
            tags=tuple(rng.sample(TAGS, rng.randrange(4))),
            favorite=rng.random() < 0.1,
            address=Address(street=f"{n} High Street", city=city, postal_code=f"{n % 99999:05d}",
                            country=country) if rng.random() < 0.7 else None,
            custom_fields={"tier": rng.choice("ABC"), "source": "fair"} if rng.random() < 0.3
            else {},
            notes="Met at the trade fair; call back about the renewal. " * rng.randrange(3) or None,
            created_at=created,
            updated_at=created + timedelta(days=rng.randrange(30)),
            last_contacted_at=created + timedelta(hours=rng.randrange(2000))
            if rng.random() < 0.5 else None,
            version=1 + rng.randrange(3),
        )  # fmt: skip
        made.append(items.contact_item(contact, write_token=f"T{n:025d}"))
    return made


def record_pages(all_items: list[dict[str, Any]], segments: int) -> dict[tuple[int, int], bytes]:
    """Scan answers per (segment, page): 1 MB of full items per page, projected like the reads."""
    from contactkit.dynamo.sizes import item_size

    pages: dict[tuple[int, int], bytes] = {}
    for segment in range(segments):
        mine = all_items[segment::segments]
        page: list[dict[str, Any]] = []
        size = number = 0
        for index, item in enumerate(mine):
            page.append({k: v for k, v in item.items() if k in ATTRIBUTES})
            size += item_size(item)
            if size >= PAGE_BYTES or index == len(mine) - 1:
                answer: dict[str, Any] = {"Count": len(page), "Items": page,
                                          "ScannedCount": len(page)}  # fmt: skip
                if index < len(mine) - 1:
                    answer["LastEvaluatedKey"] = {"PK": item["PK"], "SK": item["SK"]}
                pages[(segment, number)] = orjson.dumps(answer)
                page, size, number = [], 0, number + 1
    return pages


# -- the stub endpoint (its own process) -------------------------------------------------------


def serve(pages_file: str, port_file: str) -> None:
    with open(pages_file, "rb") as f:
        pages: dict[tuple[int, int], bytes] = pickle.load(f)
    next_page: dict[tuple[int, str], int] = {}
    for (segment, number), body in pages.items():
        last = orjson.loads(body).get("LastEvaluatedKey")
        if last:
            next_page[(segment, last["SK"]["S"])] = number + 1
    describe = orjson.dumps(
        {"Table": {"TableName": TABLE, "TableStatus": "ACTIVE", "ItemCount": 0,
                   "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"},
                                 {"AttributeName": "SK", "KeyType": "RANGE"}]}}
    )  # fmt: skip

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            request = orjson.loads(self.rfile.read(int(self.headers["Content-Length"])))
            target = self.headers.get("X-Amz-Target", "")
            if target.endswith(".DescribeTable"):
                body = describe
            else:
                segment = int(request.get("Segment", 0))
                start = request.get("ExclusiveStartKey")
                number = next_page[(segment, start["SK"]["S"])] if start else 0
                body = pages[(segment, number)]
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Path(port_file).write_text(str(server.server_address[1]))
    server.serve_forever()


# -- the three loaders ----------------------------------------------------------------------------


def _session() -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1"
    )


def load_contactkit(url: str) -> Any:
    import contactkit as ck

    db = ck.connect(endpoint_url=url)
    return ck.load_frame(db.table(TABLE), segments=SEGMENTS, progress=False, max_items=None)


def load_awswrangler(url: str) -> Any:
    import awswrangler as wr
    from boto3.dynamodb.conditions import Attr

    wr.config.dynamodb_endpoint_url = url
    return wr.dynamodb.read_items(
        table_name=TABLE,
        filter_expression=Attr("type").eq("contact"),
        columns=ATTRIBUTES,
        use_threads=SEGMENTS,
        boto3_session=_session(),
        key_schema=[{"AttributeName": "PK", "KeyType": "HASH"},
                    {"AttributeName": "SK", "KeyType": "RANGE"}],
    )  # fmt: skip


def load_resource(url: str) -> Any:
    import pandas as pd
    from boto3.dynamodb.conditions import Attr

    session = _session()
    names = {f"#a{n}": name for n, name in enumerate(ATTRIBUTES)}

    def segment(number: int) -> list[dict[str, Any]]:
        table = session.resource("dynamodb", endpoint_url=url).Table(TABLE)  # one per thread
        request: dict[str, Any] = {
            "Segment": number,
            "TotalSegments": SEGMENTS,
            "FilterExpression": Attr("type").eq("contact"),
            "ProjectionExpression": ", ".join(names),
            "ExpressionAttributeNames": names,
        }
        found: list[dict[str, Any]] = []
        while True:
            page = table.scan(**request)
            found.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    session.resource(
        "dynamodb", endpoint_url=url
    )  # build the loaders' models once, as the others do
    with ThreadPoolExecutor(SEGMENTS) as pool:
        rows = [row for part in pool.map(segment, range(SEGMENTS)) for row in part]
    return pd.DataFrame(rows)


# awswrangler warns on every full Scan; the warning is the point of its API, not of this benchmark.
warnings.filterwarnings("ignore", message="Attempting DynamoDB Scan", category=UserWarning)

LOADERS: dict[str, Callable[[str], Any]] = {
    "contactkit load_frame": load_contactkit,
    "awswrangler read_items": load_awswrangler,
    "boto3 resource scan + DataFrame": load_resource,
}


# -- equality ----------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    """One cell as plain, comparable Python: None for missing, str for text and times."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _value(v) for k, v in value.items() if _value(v) is not None} or None
    if isinstance(value, list | tuple):
        return [_value(v) for v in value] or None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | decimal.Decimal):
        return int(value)
    if isinstance(value, datetime):
        from contactkit.clock import format_timestamp

        return format_timestamp(value)
    return str(value)


def canonical(df: Any) -> list[tuple[Any, ...]]:
    """Rows sorted by id, as attribute-level tuples (contactkit's flattened address regrouped)."""
    records = df.to_dict("records")
    rows = []
    for record in records:
        if "street" in record:  # contactkit's flattened address
            parts = ("street", "city", "state", "postal_code", "country")
            record["address"] = {p: record.pop(p) for p in parts}
        rows.append(tuple(_value(record.get(name)) for name in ATTRIBUTES))
    return sorted(rows, key=lambda row: row[1])


# -- measuring ------------------------------------------------------------------------------------


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak_rss() -> None:
    # ru_maxrss survives fork+exec (the child would report its parent's peak); VmHWM can be
    # reset, so the peak measured is this process's, during the load only.
    Path("/proc/self/clear_refs").write_text("5")


def measure_memory(name: str, url: str) -> None:
    """(In a fresh process.) Peak RSS after imports, and after one load."""
    import awswrangler  # noqa: F401  every variant pays the same imports
    import boto3  # noqa: F401
    import pandas  # noqa: F401

    import contactkit  # noqa: F401

    gc.collect()
    reset_peak_rss()
    before = _status_mb("VmRSS")
    df = LOADERS[name](url)
    peak = _status_mb("VmHWM")
    print(orjson.dumps({"before": before, "after": peak, "rows": len(df)}).decode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    all_items = make_items(args.contacts)
    pages = record_pages(all_items, SEGMENTS)
    item_bytes = statistics.mean(len(orjson.dumps(i)) for i in all_items[:2000])
    from contactkit.dynamo.sizes import item_size

    mean_size = statistics.mean(item_size(i) for i in all_items[:2000])
    del all_items
    workdir = Path(tempfile.mkdtemp(prefix="contactkit-bench-"))
    (workdir / "pages.pickle").write_bytes(pickle.dumps(pages))
    stub = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(workdir / "pages.pickle"), str(workdir / "port")]
    )
    try:
        while not (workdir / "port").exists() or not (workdir / "port").read_text():
            time.sleep(0.05)
        url = f"http://127.0.0.1:{(workdir / 'port').read_text()}"
        print(
            f"{args.contacts:,} contacts; endpoint: local HTTP stub replaying {len(pages)} "
            f"recorded Scan pages ({SEGMENTS} segments, pages cut at 1 MB of items, mean item "
            f"{mean_size:,.0f} bytes, {item_bytes:,.0f} bytes as DynamoDB JSON); not moto, "
            "whose server is the bottleneck. Same pages, segments, filter and projection for all."
        )
        print(f"data and pages prepared in {time.perf_counter() - started:.1f} s")
        run(url, args.reps)
    finally:
        stub.terminate()
        stub.wait()


def run(url: str, reps: int) -> None:
    expected = None
    for name, load in LOADERS.items():
        rows = canonical(load(url))
        if expected is None:
            expected = rows
        assert rows == expected, f"{name} loaded different rows or values"
    print(f"equal: the three DataFrames hold the same {len(expected or [])} rows and values")

    timings: dict[str, list[float]] = {name: [] for name in LOADERS}
    names = list(LOADERS)
    for rep in range(reps):
        for name in names[rep % len(names) :] + names[: rep % len(names)]:  # alternate order
            gc.collect()
            start = time.perf_counter()
            LOADERS[name](url)
            timings[name].append(time.perf_counter() - start)
    memory = {}
    for name in LOADERS:
        out = subprocess.run(
            [sys.executable, __file__, "--memory", name, url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        memory[name] = orjson.loads(out.strip().splitlines()[-1])

    ours = statistics.median(timings["contactkit load_frame"])
    print(
        f"\n{reps} repetitions, alternating; median seconds; peak RSS of a fresh process per loader"
    )
    print(
        "| loader | median s | runs (s) | vs load_frame | peak RSS MB "
        "| peak minus RSS before the load MB |"
    )
    print("|---|---:|---|---:|---:|---:|")
    for name, runs in timings.items():
        median = statistics.median(runs)
        mem = memory[name]
        print(
            f"| {name} | {median:.2f} | {', '.join(f'{r:.2f}' for r in runs)} | "
            f"{median / ours:.1f}x | {mem['after']:.0f} | {mem['after'] - mem['before']:.0f} |"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--memory":
        os.environ.setdefault("CONTACTKIT_PROGRESS", "0")
        measure_memory(sys.argv[2], sys.argv[3])
    else:
        main()
