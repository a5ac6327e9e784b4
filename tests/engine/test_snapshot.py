"""Engine snapshots: exact round trip, atomic private files, refusal of foreign files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import contactkit as ck
from contactkit.cli import cli
from contactkit.dynamo import schema
from contactkit.engine import snapshot
from contactkit.engine.embedded import EmbeddedEngine


def scan(db: ck.Database, name: str) -> list[dict[str, object]]:
    return db.client.scan(TableName=name, ConsistentRead=True)["Items"]


def test_round_trip_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        org = db.table("contacts").create().org("org-a")
        ada = org.add(
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.com",
            address={"city": "London"},
            custom_fields={"era": "1840s"},
            tags=["math"],
        )
        db.table("other").create()
        info = snapshot.save(engine, path)
        before = {name: scan(db, name) for name in ("contacts", "other")}
        description = db.table("contacts").describe()
    assert info == snapshot.SnapshotInfo(("contacts", "other"), len(before["contacts"]))
    assert path.stat().st_mode & 0o777 == 0o600
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        assert snapshot.load(engine, db.client, path) == info
        assert {name: scan(db, name) for name in ("contacts", "other")} == before
        table = db.table("contacts")
        assert schema.describe_schema(table.describe()) == schema.describe_schema(description)
        assert table.org("org-a").get(ada.id) == ada


def test_load_takes_the_wrapped_client_and_names_a_refused_table(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        db.table("contacts").create()
        info = snapshot.save(engine, path)
        with pytest.raises(ck.BackendError, match=r"^CreateTable failed: ResourceInUse"):
            snapshot.load(engine, db.dynamo, path)  # the table is there already
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        assert snapshot.load(engine, db.dynamo, path) == info


def test_create_request_rebuilds_the_contactkit_schema() -> None:
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        described = db.table("contacts").create().describe()
        request = snapshot.create_request(described)
    assert request["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in request
    assert {i["IndexName"] for i in request["GlobalSecondaryIndexes"]} == {
        i["IndexName"] for i in schema.create_table_request("contacts")["GlobalSecondaryIndexes"]
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "cannot read snapshot"),
        (json.dumps({"format": "something-else"}), "is not a contactkit engine snapshot"),
        (json.dumps({"format": snapshot.FORMAT, "version": 99}), "is snapshot version 99"),
    ],
)
def test_foreign_files_are_refused_and_left_alone(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "snap.json"
    path.write_text(content)
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--snapshot", str(path)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert path.read_text() == content  # a snapshot that failed to load is never overwritten


TABLE = {
    "TableName": "t",
    "KeySchema": [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ],
    "AttributeDefinitions": [
        {"AttributeName": "PK", "AttributeType": "S"},
        {"AttributeName": "SK", "AttributeType": "S"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
}


def shaped(tables: object) -> str:
    return json.dumps({"format": snapshot.FORMAT, "version": snapshot.VERSION, "tables": tables})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (shaped(5), "tables: not a list"),
        (shaped([5]), "tables[0]: not an object"),
        (shaped([{"items": []}]), "tables[0].definition: not an object"),
        (
            shaped([{"definition": {"TableName": "t"}, "items": []}]),
            "tables[0].definition: no KeySchema",
        ),
        (
            shaped([{"definition": {**TABLE, "KeySchema": "PK"}, "items": []}]),
            "tables[0].definition: KeySchema",
        ),
        (shaped([{"definition": TABLE, "items": {}}]), "tables[0].items: not a list"),
        (
            shaped([{"definition": TABLE, "items": [{"PK": {"S": "a"}}]}]),
            "tables[0].items[0]: no key attribute SK",
        ),
        (
            shaped([{"definition": TABLE, "items": [{"PK": {"S": "a"}, "SK": "b"}]}]),
            "tables[0].items[0]: no key attribute SK",
        ),
        (shaped([{"definition": TABLE, "items": [7]}]), "tables[0].items[0]: not an object"),
    ],
)
def test_a_json_file_that_is_not_a_valid_snapshot_is_one_clear_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "snap.json"
    path.write_text(content)
    expected = f"^{re.escape(str(path))}: .*{re.escape(message)}"
    with (
        EmbeddedEngine() as engine,
        ck.connect(engine.url) as db,
        pytest.raises(ck.ConfigurationError, match=expected),
    ):
        snapshot.load(engine, db.client, path)
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--snapshot", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert path.read_text() == content


def test_a_failed_write_keeps_the_old_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "snap.json"
    with EmbeddedEngine() as engine:
        snapshot.save(engine, path)
        old = path.read_text()

        def broken(*args: object, **kwargs: object) -> str:
            raise OSError("disk full")

        monkeypatch.setattr(snapshot.json, "dumps", lambda *a, **k: "x" * 10)
        monkeypatch.setattr(snapshot.os, "fsync", broken)
        with pytest.raises(OSError, match="disk full"):
            snapshot.save(engine, path)
    assert path.read_text() == old
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]  # the temporary file is gone


def test_engine_counts_writes_but_not_reads() -> None:
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        org = db.table("contacts").create().org("org-a")
        ada = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        writes = engine.app.writes
        org.get(ada.id)
        org.list()
        org.find_by_email("ada@example.com")
        db.table("contacts").describe()
        assert engine.app.writes == writes
        org.set_favorite(ada.id)
        assert engine.app.writes > writes


def test_leftovers_of_a_killed_save_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    leftovers = [tmp_path / ".snap.json.k1ll_d0n", tmp_path / ".snap.json.abcdefgh"]
    kept = [tmp_path / ".snap.json.notmine", tmp_path / ".other.json.abcdefgh", path]
    for file in leftovers + kept:
        file.write_text("{")
    assert snapshot.remove_leftovers(path) == sorted(leftovers)
    assert sorted(tmp_path.iterdir()) == sorted(kept)


VERSION_1 = Path(__file__).parent / "data" / "snapshot-v1.json"


def test_a_committed_version_1_file_loads(tmp_path: Path) -> None:
    """``data/snapshot-v1.json`` was written by ``contactkit serve`` before version 2."""
    assert json.loads(VERSION_1.read_text())["version"] == 1
    with EmbeddedEngine() as engine, ck.connect(engine.url) as db:
        assert snapshot.load(engine, db.client, VERSION_1) == snapshot.SnapshotInfo(
            ("contacts",), 12
        )
        org = db.table("contacts").org("org-v1")
        found = org.find_by_email("ada@example.com")
        assert found is not None and found.phone_e164 == "+442079460958"
        assert {c.first_name for c in org.iter_pages(org.list)} == {"Ada", "Grace"}
        path = tmp_path / "again.json"
        snapshot.save(engine, path)  # saved again: in the current version
    saved = json.loads(path.read_text())
    assert saved["version"] == snapshot.VERSION == 2
    assert saved["written_by"].startswith("contactkit ")
    assert saved["saved_at"].endswith("Z")


def test_upgrade_walks_every_version_and_refuses_newer_ones() -> None:
    upgraded = snapshot.upgrade({"format": snapshot.FORMAT, "version": 1, "tables": []}, Path("f"))
    assert upgraded == {
        "format": snapshot.FORMAT,
        "version": snapshot.VERSION,
        "saved_at": None,
        "written_by": None,
        "tables": [],
    }
    assert sorted(snapshot.UPGRADES) == list(range(1, snapshot.VERSION))
    with pytest.raises(ck.ConfigurationError, match="reads versions 1 to 2: upgrade contactkit"):
        snapshot.upgrade({"version": 3}, Path("f"))
    for strange in (0, "2", True, None):
        with pytest.raises(ck.ConfigurationError, match=r"reads versions 1 to 2$"):
            snapshot.upgrade({"version": strange}, Path("f"))
