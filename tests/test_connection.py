"""connect(): which backend, credentials and region defaults, AWS only when asked, and the
persistent store of ``path=`` (kept on disk, kill -9, private file, clear errors)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import contactkit as ck
from contactkit.engine import snapshot
from contactkit.engine.embedded import EmbeddedEngine


@pytest.fixture
def no_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)


@pytest.fixture
def endpoint() -> object:
    engine = EmbeddedEngine()
    engine.start()
    yield engine.url
    engine.stop()


def test_default_is_the_embedded_engine(
    no_endpoint: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="contactkit"), ck.connect() as db:
        assert db.backend == "embedded"
        assert repr(db) == "<contactkit.Database backend='embedded' (moto, in this process)>"
        assert db.client.list_tables()["TableNames"] == []
    assert "embedded DynamoDB engine" in caplog.text


def test_repr_has_no_port_number(no_endpoint: None) -> None:
    with ck.connect() as db:
        assert db.endpoint_url is not None
        port = db.endpoint_url.rsplit(":", 1)[1]
        assert port not in repr(db)


def test_endpoint_argument(no_endpoint: None, endpoint: str) -> None:
    db = ck.connect(endpoint_url=endpoint)
    assert db.backend == "endpoint" and db.engine is None
    assert db.client.meta.endpoint_url == endpoint
    db.table().create()
    assert db.table().exists()


def test_endpoint_from_the_environment(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
    db = ck.connect()
    assert db.backend == "endpoint" and db.endpoint_url == endpoint
    assert endpoint in repr(db)


def test_endpoint_supplies_dummy_credentials_and_region(
    monkeypatch: pytest.MonkeyPatch, endpoint: str, tmp_path: object
) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path) + "/none")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path) + "/none")
    db = ck.connect(endpoint_url=endpoint)
    assert db.client.meta.region_name == "us-east-1"
    assert db.client.list_tables()["TableNames"] == []


def test_aws_with_an_endpoint_in_the_environment_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000")
    with pytest.raises(ck.ConfigurationError, match="AWS_ENDPOINT_URL_DYNAMODB"):
        ck.connect(aws=True, region="eu-west-1")


def test_aws_with_an_endpoint_argument_is_an_error(no_endpoint: None) -> None:
    with pytest.raises(ck.ConfigurationError):
        ck.connect("http://localhost:8000", aws=True, region="eu-west-1")


def test_aws_is_only_used_when_asked(no_endpoint: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Real-looking credentials in the environment do not make connect() choose AWS.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    with ck.connect() as db:
        assert db.backend == "embedded"
        assert db.client.meta.endpoint_url.startswith("http://127.0.0.1:")


def test_aws_client_is_built_without_sending_anything(no_endpoint: None) -> None:
    db = ck.connect(aws=True, region="eu-west-1")
    assert db.backend == "aws"
    assert db.client.meta.endpoint_url == "https://dynamodb.eu-west-1.amazonaws.com"
    assert repr(db) == "<contactkit.Database backend='aws' region='eu-west-1'>"


def test_profile_without_aws_is_an_error(no_endpoint: None) -> None:
    with pytest.raises(ck.ConfigurationError, match="aws=True"):
        ck.connect(profile="work")


def test_seed_makes_ids_reproducible(no_endpoint: None) -> None:
    def ids() -> list[str]:
        clock = ck.FixedClock("2026-01-05T09:00:00Z")
        with ck.connect(clock=clock, seed=3) as db:
            return [db.ids() for _ in range(3)]

    assert ids() == ids()


def test_ids_and_seed_together_are_an_error(no_endpoint: None) -> None:
    with pytest.raises(ck.ConfigurationError):
        ck.connect(ids=ck.UlidGenerator(), seed=1)


@pytest.mark.parametrize(
    "url", ["notaurl", "127.0.0.1:8000", "ftp://127.0.0.1:8000", "http://", "http://localhost:port"]
)
def test_an_endpoint_that_is_not_a_url_is_a_clear_error(no_endpoint: None, url: str) -> None:
    with pytest.raises(ck.ConfigurationError, match="is not an endpoint URL") as exc:
        ck.connect(endpoint_url=url)
    assert repr(url) in str(exc.value) and "http://127.0.0.1:8000" in str(exc.value)


def test_the_cli_says_so_in_one_line(no_endpoint: None) -> None:
    from click.testing import CliRunner

    from contactkit.cli import cli

    result = CliRunner().invoke(cli, ["list", "--org", "org-a", "--endpoint-url", "notaurl"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "'notaurl' is not an endpoint URL" in result.stderr


# -- connect(path=...): the persistent store --------------------------------------------------

KILLED_WRITER = """
import sys, time
import contactkit as ck

db = ck.connect(path=sys.argv[1], save_every=float(sys.argv[2]))
org = db.table("contacts").create().org("org-killed")
print("ready", flush=True)
number = 0
while True:
    org.add(first_name="Writer", last_name=f"N{number:05d}", email=f"n{number}@example.com")
    print(number, flush=True)  # printed once add() returned: the call completed
    number += 1
    time.sleep(0.01)
"""


def emails_in(path: Path, org_id: str) -> set[str]:
    with ck.connect(path=path) as db:
        org = db.table("contacts").org(org_id)
        return {c.email or "" for c in org.iter_pages(org.list, limit=100)}


def test_path_keeps_the_data_between_sessions_in_a_private_file(
    no_endpoint: None, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.snapshot"
    with ck.connect(path=path) as db:
        assert db.path == path and db.backend == "embedded"
        assert repr(db) == f"<contactkit.Database backend='embedded' path={str(path)!r}>"
        ada = (
            db.table("contacts")
            .create()
            .org("org-a")
            .add(first_name="Ada", email="ada@example.com")
        )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["version"] == snapshot.VERSION
    with ck.connect(path=str(path)) as db:
        assert db.table("contacts").org("org-a").get(ada.id) == ada
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.snapshot"]  # no temporaries


def test_a_completed_call_is_on_disk_within_save_every_before_close(
    no_endpoint: None, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.snapshot"
    with ck.connect(path=path, save_every=0.3) as db:
        org = db.table("contacts").create().org("org-a")
        org.add(first_name="Ada", email="ada@example.com")
        added = time.monotonic()
        while "ada@example.com" not in (path.read_text() if path.exists() else ""):
            assert time.monotonic() - added < 5, "not saved 5 s after the call (save_every=0.3)"
            time.sleep(0.05)
        saved = path.stat().st_mtime_ns
        time.sleep(1.0)  # nothing changed: no more saves
        assert path.stat().st_mtime_ns == saved


@pytest.mark.reliability(orphan_check=False)
def test_kill_9_loses_nothing_older_than_save_every(no_endpoint: None, tmp_path: Path) -> None:
    """A writer killed by SIGKILL mid-stream: every add() that returned more than save_every
    (plus one save's time, generously 1.5 s on a busy machine) before the kill is in the file."""
    path = tmp_path / "contacts.snapshot"
    save_every, slack = 0.5, 1.5
    script = tmp_path / "writer.py"
    script.write_text(KILLED_WRITER)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    writer = subprocess.Popen(
        [sys.executable, str(script), str(path), str(save_every)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "ready"
        completed: list[tuple[int, float]] = []
        started = time.monotonic()
        while time.monotonic() - started < 4.0:
            completed.append((int(writer.stdout.readline()), time.monotonic()))
        writer.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        writer.wait(timeout=10)
    finally:
        writer.kill()
    assert writer.returncode == -signal.SIGKILL
    must_survive = {f"n{n}@example.com" for n, at in completed if at < killed - save_every - slack}
    assert len(must_survive) > 10, "the writer was too slow for the test to mean anything"
    survived = emails_in(path, "org-killed")  # the file loads: a killed save never corrupts it
    assert must_survive <= survived
    assert survived <= {f"n{n}@example.com" for n, _at in completed} | {
        f"n{completed[-1][0] + 1}@example.com"  # completed, killed before it was printed
    }


def test_a_missing_directory_is_a_clear_error(no_endpoint: None, tmp_path: Path) -> None:
    path = tmp_path / "absent" / "contacts.snapshot"
    with pytest.raises(ck.ConfigurationError, match=r"directory .*absent does not exist"):
        ck.connect(path=path)


def test_an_unwritable_directory_is_a_clear_error(no_endpoint: None, tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes in a mode-0500 directory; /proc takes no new file
        with pytest.raises(ck.ConfigurationError, match="cannot write in directory /proc"):
            ck.connect(path=Path("/proc/contacts.snapshot"))
        return
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(ck.ConfigurationError, match="cannot write in directory"):
            ck.connect(path=tmp_path / "contacts.snapshot")
    finally:
        tmp_path.chmod(0o700)


def test_a_file_that_is_not_a_snapshot_is_refused_and_left_alone(
    no_endpoint: None, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("First Name,Last Name\nAda,Lovelace\n")
    with pytest.raises(ck.ConfigurationError, match="cannot read snapshot"):
        ck.connect(path=path)
    assert path.read_text() == "First Name,Last Name\nAda,Lovelace\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"endpoint_url": "http://127.0.0.1:8000"}, "path= keeps the embedded engine's data"),
        ({"save_every": 0}, "save_every: 0 is not a positive number"),
        ({"save_every": float("nan")}, "save_every: nan is not a positive number"),
    ],
)
def test_path_refuses_contradictions(
    no_endpoint: None, tmp_path: Path, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(ck.ConfigurationError, match=message):
        ck.connect(path=tmp_path / "contacts.snapshot", **arguments)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_path_is_the_embedded_engine_whatever_the_environment_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")  # nothing listens
    with (
        caplog.at_level(logging.INFO, logger="contactkit"),
        ck.connect(path=tmp_path / "contacts.snapshot") as db,
    ):
        assert db.backend == "embedded" and db.client.list_tables()["TableNames"] == []
    assert "path= given, so AWS_ENDPOINT_URL_DYNAMODB is not used" in caplog.text


def test_save_every_needs_path(no_endpoint: None) -> None:
    with pytest.raises(ck.ConfigurationError, match="save_every= is only used with path="):
        ck.connect(save_every=1.0)


def test_a_failed_save_warns_keeps_going_and_saves_when_it_can(
    no_endpoint: None, tmp_path: Path
) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    path = folder / "contacts.snapshot"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        db = ck.connect(path=path, save_every=0.2)
        org = db.table("contacts").create().org("org-a")
        shutil.rmtree(folder)  # the directory goes away under a running store
        org.add(first_name="Ada", email="ada@example.com")
        deadline = time.monotonic() + 5
        while not caught and time.monotonic() < deadline:
            time.sleep(0.05)
        assert org.find_by_email("ada@example.com") is not None  # still working, in memory
        folder.mkdir()
        db.close()  # saved at close, now that it can be
    assert [w.category for w in caught] == [ck.SnapshotWarning]
    assert f"could not save {path}" in str(caught[0].message)
    assert "retried every 0.2 s" in str(caught[0].message)
    assert emails_in(path, "org-a") == {"ada@example.com"}


def test_a_failed_save_at_close_says_the_writes_are_lost(no_endpoint: None, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    db = ck.connect(path=folder / "contacts.snapshot", save_every=60)
    db.table("contacts").create()
    shutil.rmtree(folder)
    with pytest.warns(ck.SnapshotWarning, match="at close: .*the writes since its last save"):
        db.close()


# -- connect(engine_process=True): the engine in its own process ------------------------------


def test_engine_process_serves_the_same_store_from_a_child(no_endpoint: None) -> None:
    with ck.connect(engine_process=True) as db:
        assert db.backend == "embedded" and db.engine_process and db.path is None
        assert repr(db) == "<contactkit.Database backend='embedded' (moto, in its own process)>"
        assert db.engine is not None and db.endpoint_url == db.engine.url
        child = db.engine.pid
        assert child != os.getpid()
        org = db.table("contacts").create().org("org-a")
        ada = org.add(first_name="Ada", email="ada@example.com", tags=["vip"])
        assert org.get(ada.id) == ada
        assert org.find_by_email("ada@example.com") == ada
    assert db.engine is None
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # stopped and reaped


def test_engine_process_keeps_path_as_connect_path_does(no_endpoint: None, tmp_path: Path) -> None:
    path = tmp_path / "contacts.snapshot"
    with ck.connect(path=path, save_every=60, engine_process=True) as db:
        assert db.path == path
        assert repr(db) == (
            f"<contactkit.Database backend='embedded' path={str(path)!r} (in its own process)>"
        )
        ada = db.table("contacts").create().org("org-a").add(first_name="Ada", email="a@x.org")
        assert not path.exists()  # save_every=60: saved at close
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with ck.connect(path=path, engine_process=True) as db:  # loaded by a second child
        org = db.table("contacts").org("org-a")
        assert org.get(ada.id) == ada
        bob = org.add(first_name="Bob", email="b@x.org")
    with ck.connect(path=path) as db:  # and by the engine in this process
        org = db.table("contacts").org("org-a")
        assert (org.get(ada.id), org.get(bob.id)) == (ada, bob)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.snapshot"]


def test_engine_process_says_a_failed_save_at_close(no_endpoint: None, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    db = ck.connect(path=folder / "contacts.snapshot", save_every=60, engine_process=True)
    db.table("contacts").create()
    shutil.rmtree(folder)
    said = r"at close: .*exited with code 1: .*could not save"
    with pytest.warns(ck.SnapshotWarning, match=said):
        db.close()


@pytest.mark.parametrize(
    ("arguments", "environment", "message"),
    [
        ({"aws": True}, None, "engine_process=True runs the embedded engine, but aws=True"),
        (
            {"endpoint_url": "http://127.0.0.1:8000"},
            None,
            r"engine_process=True starts the embedded engine, but an endpoint is set "
            r"\(endpoint_url=http://127.0.0.1:8000\)",
        ),
        (
            {},
            "http://127.0.0.1:9",
            r"an endpoint is set \(AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:9\)",
        ),
        (
            {"path": "contacts.snapshot", "endpoint_url": "http://127.0.0.1:8000"},
            None,
            "path= keeps the embedded engine's data in a file, but endpoint_url= is set",
        ),
        ({"save_every": 1.0}, None, "save_every= is only used with path="),
        (
            {"path": "contacts.snapshot", "save_every": 0.05},
            None,
            r"save_every: 0.05 is below 0.1 s, the shortest interval of the engine's own process",
        ),
    ],
)
def test_engine_process_refuses_contradictions(
    monkeypatch: pytest.MonkeyPatch,
    arguments: dict[str, object],
    environment: str | None,
    message: str,
) -> None:
    if environment is None:
        monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", environment)
    with pytest.raises(ck.ConfigurationError, match=message):
        ck.connect(engine_process=True, **arguments)  # type: ignore[arg-type]


def test_engine_process_with_path_ignores_the_environment_like_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")  # nothing listens
    with ck.connect(path=tmp_path / "contacts.snapshot", engine_process=True) as db:
        assert db.backend == "embedded" and db.client.list_tables()["TableNames"] == []


def test_engine_process_is_off_by_default(no_endpoint: None) -> None:
    with ck.connect() as db:
        assert not db.engine_process
        assert isinstance(db.engine, EmbeddedEngine)
