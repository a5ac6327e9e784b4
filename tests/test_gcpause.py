"""The collector pause shared by imports and frame loads."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest

from contactkit.gcpause import collector_paused


@pytest.mark.parametrize("enabled_before", [True, False])
def test_collector_pause_nests_and_restores(enabled_before: bool) -> None:
    was = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    try:
        inner_started, release = threading.Event(), threading.Event()

        def other_load() -> None:
            with collector_paused():
                inner_started.set()
                release.wait(5)

        worker = threading.Thread(target=other_load)
        with collector_paused():
            worker.start()
            inner_started.wait(5)
            assert not gc.isenabled()
        assert not gc.isenabled()  # the other load still runs
        release.set()
        worker.join()
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was else gc.disable)()


def test_an_import_runs_with_the_collector_paused_and_restores_it(org: Any) -> None:
    seen: list[bool] = []

    def record(**_: Any) -> None:
        seen.append(gc.isenabled())

    client = org.table.dynamo.raw
    client.meta.events.register("before-send.dynamodb.TransactWriteItems", record)
    try:
        report = org.import_contacts(
            [{"name": f"Person {n}", "email": f"p{n}@example.com"} for n in range(3)]
        )
    finally:
        client.meta.events.unregister("before-send.dynamodb.TransactWriteItems", record)
    assert report.imported == 3
    assert seen and not any(seen)
    assert gc.isenabled()
