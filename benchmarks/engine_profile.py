"""Where the embedded engine spends its time: cProfile of the engine side of a workload.

Imports N sample contacts into one org (``import_contacts``), then loads the org with
``load_frame`` (Query pages). The engine serves one request at a time under its lock, so one
``cProfile.Profile`` enabled around each request sees exactly the engine's work (the client's
work, in the main thread, is left out). Prints wall times and the top entries by own time and
by cumulative time.

    .venv/bin/python benchmarks/engine_profile.py --contacts 2000 --top 15

``--side client`` profiles the other side instead: the caller's thread during the import
(validation, planning, botocore; the engine's threads are not profiled), with the garbage
collector's pauses counted as its own entry (``gc.callbacks``), as they fall in the caller's
time wherever they strike.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import time
import uuid
from typing import Any

from import_bench import sample_rows

import contactkit as ck
from contactkit.engine.embedded import EmbeddedEngine
from contactkit.io import importer


def profile_engine(engine: EmbeddedEngine, profiler: cProfile.Profile) -> None:
    """Wrap the engine's request handling so that ``profiler`` runs only inside it."""
    app = engine.app
    original = app.handler.dispatch

    def dispatch(request: Any) -> Any:
        profiler.enable()
        try:
            return original(request)
        finally:
            profiler.disable()

    app.handler.dispatch = dispatch  # type: ignore[method-assign]


def top(profiler: cProfile.Profile, sort: str, count: int) -> str:
    """The top ``count`` functions by ``sort`` (``tottime`` or ``cumulative``), as markdown."""
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    column = 2 if sort == "tottime" else 3
    rows = sorted(stats.items(), key=lambda entry: entry[1][column], reverse=True)[:count]
    lines = ["| function | calls | own s | cumulative s |", "|---|---:|---:|---:|"]
    for (path, line, name), (_, calls, own, cumulative, _) in rows:
        where = f"{short(path)}:{line}({name})" if line else name
        lines.append(f"| `{where}` | {calls:,} | {own:.2f} | {cumulative:.2f} |")
    return "\n".join(lines)


def short(path: str) -> str:
    """``moto/dynamodb/models/table.py`` rather than the whole site-packages path."""
    for marker in ("site-packages/", "contactkit/"):
        if marker in path:
            head = "contactkit/" if marker == "contactkit/" else ""
            return head + path.rsplit(marker, 1)[1]
    return path.rsplit("/", 1)[-1]


def profile_client(args: argparse.Namespace) -> None:
    """cProfile of the caller's thread during ``import_contacts`` (the engine left out)."""
    rows = [row for org in sample_rows(args.contacts) for row in org]
    profiler = cProfile.Profile()
    collecting: list[float] = []

    def collector(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting.append(-time.perf_counter())
        else:
            collecting[-1] += time.perf_counter()

    # The engine in its own process (or at $AWS_ENDPOINT_URL_DYNAMODB, e.g. an older
    # contactkit's `contactkit serve`): its work is then the caller's waits in recv_into, not
    # its thread's turns at the interpreter lock inside every socket call.
    # Serial (one transaction at a time): every request's client work is then in this
    # thread, which is the one profiled, as in the importers before pipelining.
    if hasattr(importer, "PIPELINE"):
        importer.PIPELINE = False
    elsewhere = bool(os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"))
    with ck.connect() if elsewhere else ck.connect(engine_process=True) as db:
        table = db.table(f"profile-{uuid.uuid4().hex[:8]}").create()
        org = table.org("org-profile")
        gc.callbacks.append(collector)
        start = time.perf_counter()
        profiler.enable()
        try:
            report = org.import_contacts(rows, progress=False)
        finally:
            profiler.disable()
            gc.callbacks.remove(collector)
        imported = time.perf_counter() - start
    total = pstats.Stats(profiler).total_tt  # type: ignore[attr-defined]
    print("| workload (caller's thread profiled) | seconds |")
    print("|---|---:|")
    print(f"| `import_contacts` of {report.imported:,} contacts, wall | {imported:.2f} |")
    print(f"| caller's thread (cProfile) | {total:.2f} |")
    print(f"| garbage collections: {len(collecting)} | {sum(collecting):.2f} |")
    print("\nclient, by own time:\n\n" + top(profiler, "tottime", args.top))
    if os.environ.get("CONTACTKIT_PROFILE_CALLERS"):
        pstats.Stats(profiler).print_callers(os.environ["CONTACTKIT_PROFILE_CALLERS"])
    print("\nclient, by cumulative time:\n\n" + top(profiler, "cumulative", args.top))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=2000)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--side", choices=["engine", "client"], default="engine")
    args = parser.parse_args()
    if args.side == "client":
        profile_client(args)
        return
    rows = [row for org in sample_rows(args.contacts) for row in org]
    profiler = cProfile.Profile()
    with ck.connect() as db:
        assert db.engine is not None, "run without AWS_ENDPOINT_URL_DYNAMODB: the embedded engine"
        profile_engine(db.engine, profiler)
        table = db.table(f"profile-{uuid.uuid4().hex[:8]}").create()
        org = table.org("org-profile")
        start = time.perf_counter()
        report = org.import_contacts(rows, progress=False)
        imported = time.perf_counter() - start
        start = time.perf_counter()
        frame = ck.load_frame(org, progress=False)
        loaded = time.perf_counter() - start
    print("| workload (engine profiled) | seconds, wall |")
    print("|---|---:|")
    print(f"| `import_contacts` of {report.imported:,} contacts | {imported:.2f} |")
    print(f"| `load_frame` of {len(frame):,} contacts | {loaded:.2f} |")
    total = pstats.Stats(profiler).total_tt  # type: ignore[attr-defined]
    print(f"| engine time (cProfile, both) | {total:.2f} |")
    print("\nengine, by own time:\n\n" + top(profiler, "tottime", args.top))
    print("\nengine, by cumulative time:\n\n" + top(profiler, "cumulative", args.top))


if __name__ == "__main__":
    main()
