"""Backup and restore (``contactkit/io/backup.py``): DynamoDB's export format, exact round trips."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.dynamo import limits
from contactkit.dynamo.client import DynamoClient
from tests.conftest import scan_all


def populate(org: ck.OrgStore, n: int = 3) -> list[ck.Contact]:
    org.create_group("Team")
    made = []
    for i in range(n):
        c = org.add(
            first_name=f"Ada{i}",
            last_name="Lovelace",
            email=f"ada{i}@{org.org_id}.example",
            phone="+44 20 7946 0958",
            tags=["vip", f"t{i}"],
            address={"city": "London"},
            custom_fields={"k": "v"},
            favorite=i == 0,
        )
        org.record_interaction(c.id, kind="call", note="hello")
        org.add_to_group("Team", c.id)
        made.append(c)
    return made


def raw_scan(table: ck.Table) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table.name, "ConsistentRead": True}
    while True:
        page = table.client.scan(**request)
        found.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return sorted(found, key=lambda i: (i["PK"]["S"], i["SK"]["S"]))
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_backup_delete_restore_gives_identical_items(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"))
    populate(table.org("org-b"), 2)
    before = raw_scan(table)
    report = table.backup(tmp_path / "all.json.gz")
    assert report.items == len(before) and report.bytes > 0
    table.delete()
    restored = table.restore(tmp_path / "all.json.gz")
    assert restored.items == len(before)
    assert raw_scan(table) == before
    table.org("org-a").add(first_name="New", last_name="One", email="new@example.com")


def test_backups_are_deterministic_gzip_json_lines(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"), 1)
    table.backup(tmp_path / "one.gz")
    table.backup(tmp_path / "two.gz")
    assert (tmp_path / "one.gz").read_bytes() == (tmp_path / "two.gz").read_bytes()
    lines = gzip.decompress((tmp_path / "one.gz").read_bytes()).decode().splitlines()
    first = json.loads(lines[0])
    assert set(first) == {"Item"} and first["Item"]["PK"] == {"S": first["Item"]["PK"]["S"]}


def test_an_org_backup_holds_that_org_and_nothing_else(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"))
    populate(table.org("org-ab"), 2)  # a prefix of org-ab's keys is org-a's: must not leak
    report = table.backup(tmp_path / "a.gz", org="org-a")
    mine = [
        i
        for i in raw_scan(table)
        if i["PK"]["S"] == "ORG#org-a" or i["PK"]["S"].startswith("ORG#org-a#")
    ]
    lines = gzip.decompress((tmp_path / "a.gz").read_bytes()).decode().splitlines()
    backed = sorted(
        (json.loads(line)["Item"] for line in lines), key=lambda i: (i["PK"]["S"], i["SK"]["S"])
    )
    assert report.items == len(mine) == len(backed)
    assert backed == mine


def test_an_aws_export_file_restores_every_type(table: ck.Table, tmp_path: Path) -> None:
    item = {
        "PK": {"S": "ORG#org-x"},
        "SK": {"S": "CONTACT#01"},
        "n": {"N": "12.50"},
        "b": {"B": "AAEC"},
        "bs": {"BS": ["AA==", "AQ=="]},
        "ns": {"NS": ["1", "2"]},
        "ss": {"SS": ["a", "b"]},
        "l": {"L": [{"S": "x"}, {"NULL": True}, {"BOOL": False}]},
        "m": {"M": {"inner": {"S": "y"}}},
    }
    path = tmp_path / "export.json"  # plain JSON lines restore too
    path.write_text(json.dumps({"Item": item}) + "\n\n", encoding="utf-8")
    assert table.restore(path).items == 1
    (stored,) = raw_scan(table)
    assert stored["b"] == {"B": b"\x00\x01\x02"}
    table.backup(tmp_path / "again.gz")
    line = gzip.decompress((tmp_path / "again.gz").read_bytes()).decode()
    again = json.loads(line)["Item"]
    assert again["b"] == {"B": "AAEC"}
    assert sorted(again["bs"]["BS"]) == ["AA==", "AQ=="]
    assert again["m"] == item["m"] and again["l"] == item["l"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not json", "not JSON"),
        ('{"Item": {"PK": {"S": "a"}}}', "no string key SK"),
        ('{"item": {}}', "Item"),
        ('{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "x": {"Q": "1"}}}', "unknown type"),
        ('{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "x": {"N": "ten"}}}', "bad N"),
        ('{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "x": {"B": "!!"}}}', "base64"),
        ('{"Item": {"PK": {"N": "1"}, "SK": {"S": "b"}}}', "no string key PK"),
        ('{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "x": {"SS": ["a", "a"]}}}', "duplicate"),
        ('{"Item": {"PK": {"S": "' + "k" * 2049 + '"}, "SK": {"S": "b"}}}', "longer than"),
        (
            '{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "x": {"S": "'
            + "x" * limits.MAX_ITEM_BYTES
            + '"}}}',
            "400 KB",
        ),
    ],
)
def test_bad_lines_are_all_reported_before_anything_is_written(
    table: ck.Table, tmp_path: Path, line: str, reason: str
) -> None:
    good = json.dumps({"Item": {"PK": {"S": "p"}, "SK": {"S": "s"}}})
    good2 = json.dumps({"Item": {"PK": {"S": "p"}, "SK": {"S": "t"}}})
    path = tmp_path / "bad.json.gz"
    path.write_bytes(gzip.compress("\n".join([good, line, good2, line]).encode()))
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(path)
    assert [n for n, _ in exc.value.bad_lines] == [2, 4]
    assert reason in exc.value.bad_lines[0][1]
    assert exc.value.field == "path" and "line 2" in str(exc.value)
    assert scan_all(table) == []


def test_a_key_given_twice_is_a_bad_line(table: ck.Table, tmp_path: Path) -> None:
    line = json.dumps({"Item": {"PK": {"S": "p"}, "SK": {"S": "s"}}})
    path = tmp_path / "twice.json"
    path.write_text(f"{line}\n{line}\n")
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(path)
    assert exc.value.bad_lines == [(2, "has the same key as line 1")]


class PartialClient:
    """Delegates to the real client, but hands back part of every batch as unprocessed."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.batch_sizes: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        ((table, requests),) = RequestItems.items()
        self.batch_sizes.append(len(requests))
        done, rest = requests[:10], requests[10:]
        self._client.batch_write_item(RequestItems={table: done})
        return {"UnprocessedItems": {table: rest} if rest else {}}


def test_restore_writes_chunks_of_25_and_retries_unprocessed_items(
    table: ck.Table, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [json.dumps({"Item": {"PK": {"S": f"p{n}"}, "SK": {"S": "s"}}}) for n in range(60)]
    path = tmp_path / "sixty.json"
    path.write_text("\n".join(lines))
    partial = PartialClient(table.client)
    table.dynamo = DynamoClient(partial, sleep=lambda _s: None)
    report = table.restore(path)
    assert max(partial.batch_sizes) == 25
    assert report.items == 60 and report.requests == len(partial.batch_sizes) == 3 + 3 + 1
    assert len(raw_scan(table)) == 60


def test_restoring_a_missing_file_names_the_path(table: ck.Table, tmp_path: Path) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        table.restore(tmp_path / "nope.gz")
    assert exc.value.field == "path"
