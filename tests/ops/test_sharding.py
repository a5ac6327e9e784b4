"""Write sharding (``contactkit/ops/sharding.py``): even spread, one-shard gets, merged reads."""

from __future__ import annotations

from collections import Counter

import pytest

import contactkit as ck
from contactkit.ops import sharding
from contactkit.ops.sharding import ShardedPartition
from tests.conftest import SCALE


@pytest.mark.parametrize("shards", [1, 2, 4, 10])
def test_shard_of_is_stable_in_range_and_even(shards: int) -> None:
    ids = [f"event-{n:05d}" for n in range(400 * shards)]
    counts = Counter(sharding.shard_of(i, shards) for i in ids)
    assert set(counts) == set(range(shards))
    assert max(counts.values()) < 1.25 * (len(ids) / shards)
    assert [sharding.shard_of(i, shards) for i in ids[:20]] == [
        sharding.shard_of(i, shards) for i in ids[:20]
    ]


@pytest.mark.parametrize("shards", [0, -1, 1001])
def test_bad_shard_count(shards: int) -> None:
    with pytest.raises(ck.ValidationError, match="shards"):
        sharding.shard_of("x", shards)


def test_shard_key_keeps_the_org_prefix() -> None:
    assert sharding.shard_key("ORG#org-a#FEED", 3) == "ORG#org-a#FEED#SHARD#003"


@pytest.mark.parametrize("newest_first", [False, True])
def test_fan_out_read_merges_in_order(table: ck.Table, newest_first: bool) -> None:
    feed = ShardedPartition(table, "ORG#org-a#FEED", shards=4)
    ids = [f"2026-01-05T09:{n // 60:02d}:{n % 60:02d}#{n}" for n in range(30 * SCALE)]
    for n, item_id in enumerate(ids):
        feed.put(item_id, {"n": n})
    expected = sorted(ids, reverse=newest_first)[:7]
    with table.meter() as meter:
        found = feed.query(limit=7, newest_first=newest_first)
    assert [item["SK"] for item in found] == expected
    assert meter.by_operation["Query"].requests == 4
    assert len(meter.partition_requests) == 4


def test_writes_spread_over_shards_and_get_reads_one(table: ck.Table) -> None:
    feed = ShardedPartition(table, "ORG#org-a#FEED", shards=4)
    with table.meter() as writes:
        for n in range(40):
            feed.put(f"e{n:03d}", {"n": n})
    assert set(writes.partition_requests) == set(feed.keys())
    with table.meter() as read:
        item = feed.get("e007")
    assert item is not None and item["n"] == 7
    assert read.requests == 1
    assert feed.get("missing") is None


def test_put_refuses_key_attributes(table: ck.Table) -> None:
    feed = ShardedPartition(table, "ORG#org-a#FEED", shards=2)
    with pytest.raises(ck.ValidationError, match="attributes"):
        feed.put("x", {"PK": "ORG#org-b"})


def test_query_limit_must_be_positive(table: ck.Table) -> None:
    with pytest.raises(ck.ValidationError, match="limit"):
        ShardedPartition(table, "ORG#org-a#F", shards=2).query(limit=0)


def test_clear_deletes_every_shard_and_nothing_else(table: ck.Table) -> None:
    org = table.org("org-a")
    ada = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    feed = ShardedPartition(table, "ORG#org-a#FEED", shards=3)
    for n in range(30 * SCALE):
        feed.put(f"e{n:04d}", {"n": n})
    assert feed.clear() == 30 * SCALE
    assert feed.query(limit=5) == []
    assert org.get(ada.id).email == "ada@example.com"
