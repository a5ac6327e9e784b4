"""Backup and restore (``contactkit/io/backup.py``): DynamoDB's export format, exact round trips."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.dynamo import limits
from contactkit.dynamo.client import DynamoClient
from contactkit.io.backup import parse_line, to_json
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
    restored = table.restore(tmp_path / "all.json.gz", whole_table=True)
    assert restored.items == len(before) and restored.orgs == ("org-a", "org-b")
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


def test_every_dynamodb_type_round_trips_through_a_line() -> None:
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
    parsed = parse_line(json.dumps({"Item": item}))
    assert parsed["b"] == {"B": b"\x00\x01\x02"}
    assert to_json(parsed) == item


def test_an_aws_export_file_plain_json_lines_restores(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"), 2)
    lines = backup_lines(table, "org-a", tmp_path / "a.gz")
    before = org_scan(table, "org-a")
    table.org("org-a").purge()
    path = tmp_path / "export.json"  # plain JSON lines (AWS writes them gzipped or not)
    path.write_text("".join(json.dumps(line) + "\n\n" for line in lines), encoding="utf-8")
    assert table.restore(path).items == len(lines)
    assert org_scan(table, "org-a") == before


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
    populate(table.org("org-a"), 1)
    good = [json.dumps(line) for line in backup_lines(table, "org-a", tmp_path / "a.gz")]
    table.org("org-a").purge()
    path = tmp_path / "bad.json.gz"
    lines = [good[0], line, *good[1:], line]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(path)
    assert [n for n, _ in exc.value.bad_lines] == [2, len(lines)]
    assert reason in exc.value.bad_lines[0][1]
    assert exc.value.field == "path" and "line 2" in str(exc.value)
    assert scan_all(table) == []


def test_a_key_given_twice_is_a_bad_line(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"), 1)
    lines = backup_lines(table, "org-a", tmp_path / "a.gz")
    table.org("org-a").purge()
    path = write_lines(tmp_path / "twice.json", [*lines, lines[0]])
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(path)
    assert exc.value.bad_lines == [(len(lines) + 1, "has the same key as line 1")]


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
    populate(table.org("org-a"), 6)
    path = tmp_path / "a.gz"
    backed = table.backup(path, org="org-a").items
    table.org("org-a").purge()
    partial = PartialClient(table.client)
    table.dynamo = DynamoClient(partial, sleep=lambda _s: None)
    report = table.restore(path)
    assert backed > 50 and max(partial.batch_sizes) == 25
    chunk_sizes = [25] * (backed // 25) + ([backed % 25] if backed % 25 else [])
    calls = sum(-(-size // 10) for size in chunk_sizes)  # 10 accepted per call, the rest again
    assert report.items == backed and report.requests == len(partial.batch_sizes) == calls
    assert len(org_scan(table, "org-a")) == backed


def test_restoring_a_missing_file_names_the_path(table: ck.Table, tmp_path: Path) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        table.restore(tmp_path / "nope.gz")
    assert exc.value.field == "path"


# --- Restore checks that every item is a contactkit item of the org, with a valid shape --------


def backup_lines(table: ck.Table, org: str, path: Path) -> list[dict[str, Any]]:
    table.backup(path, org=org)
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode().splitlines()]


def write_lines(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def org_scan(table: ck.Table, org: str) -> list[dict[str, Any]]:
    return [
        i
        for i in raw_scan(table)
        if i["PK"]["S"] == f"ORG#{org}" or i["PK"]["S"].startswith(f"ORG#{org}#")
    ]


def line_of(lines: list[dict[str, Any]], kind: str, n: int = 0) -> int:
    """Index of the ``n``-th line of this item type."""
    found = [i for i, line in enumerate(lines) if line["Item"].get("type", {}).get("S") == kind]
    return found[n]


def test_a_tampered_line_of_another_org_is_refused_and_nothing_written(
    table: ck.Table, tmp_path: Path
) -> None:
    (victim,) = populate(table.org("org-victim"), 1)
    populate(table.org("org-a"), 2)
    lines = backup_lines(table, "org-a", tmp_path / "a.gz")
    victim_lines = backup_lines(table, "org-victim", tmp_path / "v.gz")
    stolen = victim_lines[line_of(victim_lines, "contact")]
    stolen["Item"]["first_name"] = {"S": "Hacked"}
    table.org("org-a").purge()
    before = raw_scan(table)
    path = write_lines(tmp_path / "tampered.json", [*lines, stolen])
    with pytest.raises(ck.ValidationError):
        table.restore(path)
    assert raw_scan(table) == before
    assert table.org("org-victim").get(victim.id).first_name == "Ada0"
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(path, "org-a")
    assert exc.value.bad_lines == [(len(lines) + 1, "is an item of org-victim, not of org-a")]
    assert raw_scan(table) == before


def test_a_contact_without_its_id_is_refused_naming_line_and_field(
    table: ck.Table, tmp_path: Path
) -> None:
    populate(table.org("org-a"), 2)
    lines = backup_lines(table, "org-a", tmp_path / "a.gz")
    index = line_of(lines, "contact", 1)
    del lines[index]["Item"]["id"]
    table.org("org-a").purge()
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(write_lines(tmp_path / "shapeless.json", lines))
    assert exc.value.bad_lines == [(index + 1, "contact id: is missing")]
    assert f"line {index + 1}: contact id: is missing" in str(exc.value)
    assert org_scan(table, "org-a") == []
    table.org("org-a").list()  # nothing half-restored for list, get or export to trip on


def test_a_contact_with_nothing_to_know_it_by_is_refused(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"), 2)
    lines = backup_lines(table, "org-a", tmp_path / "a.gz")
    index = line_of(lines, "contact", 1)
    item = lines[index]["Item"]
    for name in ("first_name", "last_name", "name", "company", "email", "emails", "phone"):
        item.pop(name, None)
    for name in ("phones", "phone_e164", "PhonePK", "EmailPK"):
        item.pop(name, None)
    table.org("org-a").purge()
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(write_lines(tmp_path / "nameless.json", lines))
    assert [(n, reason.split(":")[0]) for n, reason in exc.value.bad_lines] == [
        (index + 1, "contact name")
    ]
    assert org_scan(table, "org-a") == []
    table.org("org-a").list()  # nothing half-restored for list, get or export to trip on


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda item: item.update(EmailPK={"S": "ORG#org-victim#EMAIL#x"}), "EmailPK: should be"),
        (lambda item: item.update(org_id={"S": "org-victim"}), "PK: should be"),
        (lambda item: item.update(version={"S": "one"}), "fields: cannot be read"),
        (
            lambda item: item.update(
                email={"S": "not an email"},
                emails={"L": [{"M": {"value": {"S": "not an email"}}}]},
            ),
            "not a valid address",
        ),
        (lambda item: item.update(type={"S": "admin"}), "type: 'admin' is not a contactkit"),
        (lambda item: item.update(extra={"S": "x"}), "extra: is not an attribute"),
    ],
)
def test_a_contact_item_must_be_exactly_what_contactkit_writes(
    table: ck.Table, tmp_path: Path, change: Any, reason: str
) -> None:
    populate(table.org("org-a"), 1)
    lines = backup_lines(table, "org-a", tmp_path / "a.gz")
    index = line_of(lines, "contact")
    change(lines[index]["Item"])
    table.org("org-a").purge()
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(write_lines(tmp_path / "bad.json", lines), "org-a")
    assert [n for n, _ in exc.value.bad_lines][:1] == [index + 1]
    assert reason in exc.value.bad_lines[0][1]
    assert org_scan(table, "org-a") == []


def test_derived_items_must_follow_from_their_contact(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"), 2)
    lines = backup_lines(table, "org-a", tmp_path / "a.gz")
    tag = line_of(lines, "tag")
    lines[tag]["Item"]["contact_id"] = {"S": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}
    claim = line_of(lines, "email")
    lines[claim]["Item"]["contact_id"] = {"S": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}
    table.org("org-a").purge()
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(write_lines(tmp_path / "bad.json", lines))
    reasons = dict(exc.value.bad_lines)
    assert "does not match its contact" in reasons[claim + 1]
    assert "does not match its contact" in reasons[tag + 1]


def test_two_contacts_with_one_email_are_refused(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"), 2)
    lines = backup_lines(table, "org-a", tmp_path / "a.gz")
    first, second = line_of(lines, "contact"), line_of(lines, "contact", 1)
    contact = ck.contacts.items.contact_from_item(parse(lines[second]))
    taken = lines[first]["Item"]["email"]["S"]
    clone = dataclasses.replace(contact, email=taken, emails=(ck.contacts.model.Email(taken),))
    lines[second] = {"Item": to_json(ck.contacts.items.contact_item(clone, "t"))}
    table.org("org-a").purge()
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(write_lines(tmp_path / "twice.json", lines))
    assert (second + 1, f"contact email: is also the email of the contact on line {first + 1}") in (
        exc.value.bad_lines
    )


def test_missing_derived_items_are_recreated(table: ck.Table, tmp_path: Path) -> None:
    made = populate(table.org("org-a"), 2)
    before = org_scan(table, "org-a")
    lines = backup_lines(table, "org-a", tmp_path / "a.gz")
    kept = [line for line in lines if line["Item"]["type"]["S"] not in ("token", "email")]
    table.org("org-a").purge()
    report = table.restore(write_lines(tmp_path / "no-tokens.json", kept))
    assert report.orgs == ("org-a",) and report.derived == len(lines) - len(kept) > 2
    assert report.items == len(lines)
    assert org_scan(table, "org-a") == before
    assert [c.id for c in table.org("org-a").search("ada1")] == [made[1].id]


def test_restore_honours_org_and_names_the_org_it_restored(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"), 1)
    path = tmp_path / "a.gz"
    table.backup(path, org="org-a")
    table.org("org-a").purge()
    with pytest.raises(ck.BackupFormatError, match="is an item of org-a, not of org-b"):
        table.restore(path, "org-b")
    assert org_scan(table, "org-b") == [] and org_scan(table, "org-a") == []
    report = table.restore(path, "org-a")
    assert report.orgs == ("org-a",)


def test_cli_restore_honours_org(db: ck.Database, table: ck.Table, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from contactkit.cli import cli

    populate(table.org("org-a"), 1)
    path = tmp_path / "a.gz"
    table.backup(path, org="org-a")
    table.org("org-a").purge()
    assert db.endpoint_url is not None
    where = ["--endpoint-url", db.endpoint_url, "--table", table.name]
    refused = CliRunner().invoke(cli, ["restore", str(path), "--org", "org-b", *where])
    assert refused.exit_code == 1
    assert "is an item of org-a, not of org-b" in refused.stderr
    assert org_scan(table, "org-a") == [] and org_scan(table, "org-b") == []
    done = CliRunner().invoke(cli, ["restore", str(path), *where])
    assert done.exit_code == 0, done.output
    assert "of org-a" in done.stdout
    again = CliRunner().invoke(cli, ["restore", str(path), "--org", "org-a", *where])
    assert again.exit_code == 1 and "already has items" in again.stderr
    replaced = CliRunner().invoke(
        cli, ["restore", str(path), "--org", "org-a", "--replace", *where]
    )
    assert replaced.exit_code == 0, replaced.output


def test_restore_over_existing_data_is_refused_or_replaces_it_consistently(
    table: ck.Table, tmp_path: Path
) -> None:
    org = table.org("org-a")
    ann = org.add(first_name="Ann", last_name="Lee", email="ann@example.com", tags=["old"])
    org.create_group("Team")
    org.add_to_group("Team", ann.id)
    path = tmp_path / "a.gz"
    table.backup(path, org="org-a")
    backed = org_scan(table, "org-a")
    org.update(ann.id, first_name="Bob", email="bob@example.com", tags=["new"])
    org.remove_from_group("Team", ann.id)
    carl = org.add(first_name="Carl", last_name="Cox", email="carl@example.com")
    with pytest.raises(ck.ValidationError, match="already has items") as exc:
        table.restore(path)
    assert exc.value.field == "org"
    assert org.get(ann.id).first_name == "Bob"  # nothing written
    report = table.restore(path, "org-a", mode="replace")
    assert report.orgs == ("org-a",)
    assert org_scan(table, "org-a") == backed  # no stale claim, tag, token, member or contact
    assert org.find_by_email("bob@example.com") is None
    assert [c.id for c in org.find_by_tag("new")] == []
    assert [c.id for c in org.search("bob")] == []
    assert [c.id for c in org.find_by_tag("old")] == [ann.id]
    assert [c.id for c in org.group_members("Team")] == [ann.id]
    with pytest.raises(ck.NotFoundError):
        org.get(carl.id)
    org.add(first_name="Carl", last_name="Cox", email="carl@example.com")
    org.add(first_name="Bob", last_name="B", email="bob@example.com")
    org.delete(ann.id)  # a restored contact deletes cleanly
    assert org.find_by_email("ann@example.com") is None


def test_a_whole_table_backup_needs_whole_table(table: ck.Table, tmp_path: Path) -> None:
    populate(table.org("org-a"), 1)
    populate(table.org("org-b"), 1)
    table.backup(tmp_path / "all.gz")
    before = raw_scan(table)
    table.delete()
    with pytest.raises(ck.ValidationError, match="holds 2 orgs"):
        table.restore(tmp_path / "all.gz")
    report = table.restore(tmp_path / "all.gz", whole_table=True)
    assert report.orgs == ("org-a", "org-b")
    assert raw_scan(table) == before


def parse(line: dict[str, Any]) -> dict[str, Any]:
    return parse_line(json.dumps(line))


# -- files that used to escape as a traceback ------------------------------------------------


def _good_line() -> bytes:
    item = {"PK": {"S": "ORG#org-a"}, "SK": {"S": "CONTACT#1"}}
    return json.dumps({"Item": item}).encode() + b"\n"


def test_a_line_nested_3000_deep_is_a_bad_line() -> None:
    deep = '{"L": [' * 3000 + "]}" * 3000
    line = '{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "x": ' + deep + "}}"
    with pytest.raises(ck.ValidationError) as exc:
        parse_line(line)
    assert exc.value.field == "line" and "nested" in exc.value.reason


def test_a_value_nested_past_dynamodbs_32_levels_is_a_bad_line() -> None:
    deep = '{"L": [' * 40 + '{"S": "x"}' + "]}" * 40
    with pytest.raises(ck.ValidationError) as exc:
        parse_line('{"Item": {"PK": {"S": "a"}, "SK": {"S": "b"}, "x": ' + deep + "}}")
    assert "32 levels" in exc.value.reason


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_a_line_that_is_not_utf8_is_a_bad_line_by_number(
    table: ck.Table, tmp_path: Path, packed: bool
) -> None:
    data = b'\n{"Item": {"PK": {"S": "caf\xe9"}}}\n'
    path = tmp_path / "latin.json"
    path.write_bytes(gzip.compress(data) if packed else data)
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(path)
    ((line, reason),) = exc.value.bad_lines
    assert line == 2 and "not UTF-8" in reason and "byte 26" in reason


def test_a_truncated_gzip_is_a_backup_format_error(table: ck.Table, tmp_path: Path) -> None:
    path = tmp_path / "cut.json.gz"
    path.write_bytes(gzip.compress(_good_line() * 50)[:-20])
    with pytest.raises(ck.BackupFormatError) as exc:
        table.restore(path)
    assert "truncated gzip" in str(exc.value)
    assert scan_all(table) == []
