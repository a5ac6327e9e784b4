"""The scriptable commands through click's test runner: --json parsed, exit codes 0/1/2."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from contactkit.cli import cli, render
from contactkit.engine.embedded import EmbeddedEngine


@pytest.fixture(scope="module")
def engine() -> Iterator[EmbeddedEngine]:
    with EmbeddedEngine() as running:
        yield running


@pytest.fixture
def run(engine: EmbeddedEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Invoke ``contactkit ARGS --endpoint-url <engine>`` in a fresh org; returns the Result."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("CONTACTKIT_CURSOR_SECRET", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    org = f"org-{uuid.uuid4().hex[:10]}"

    def invoke(
        *args: str, org_id: str | None = org, endpoint: bool = True, input: str | None = None
    ) -> Result:
        extra = ["--endpoint-url", engine.url] if endpoint else []
        if org_id is not None:
            extra += ["--org", org_id]
        return CliRunner().invoke(cli, [*args, *extra], input=input, catch_exceptions=False)

    return invoke


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def add(run: Any, first: str, last: str, email: str, *extra: str, **options: Any) -> dict[str, Any]:
    args = ("add", "--first-name", first, "--last-name", last, "--email", email, "--json")
    return as_json(run(*args, *extra, **options))


def test_add_prints_json_and_get_reads_it_back(run: Any) -> None:
    added = add(
        run,
        "John",
        "Doe",
        "john.doe@example.com",
        "--phone",
        "555-123-4567",
        "--company",
        "Acme Corp",
        "--tags",
        "vip, client, decision-maker",
    )
    assert added["phone"] == "+15551234567"
    assert added["tags"] == ["vip", "client", "decision-maker"]
    shown = as_json(run("get", added["id"], "--json"))
    assert shown["contact"]["email"] == "john.doe@example.com"
    assert shown["activity"] == []


def test_add_text_output_is_the_seed_line(run: Any) -> None:
    result = run("add", "--first-name", "John", "--last-name", "Doe", "--email", "j@example.com")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "✅ Created contact: John Doe"


def test_local_only_phone_is_kept_with_a_warning_on_stderr(run: Any) -> None:
    result = run(
        "add",
        "--first-name",
        "Alice",
        "--last-name",
        "Johnson",
        "--email",
        "alice@example.com",
        "--phone",
        "555-0101",
        "--json",
    )
    assert json.loads(result.stdout)["phone"] == "555-0101"
    assert "555-0101" in result.stderr and "kept as entered" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--first-name", "A", "--last-name", "B", "--email", "not-an-email"), "email:"),
        (
            ("--first-name", "x" * 101, "--last-name", "B", "--email", "a@example.com"),
            "first_name:",
        ),
    ],
)
def test_invalid_input_exits_1_with_one_line_naming_the_field(
    run: Any, args: tuple[str, ...], message: str
) -> None:
    result = run("add", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_duplicate_email_exits_1(run: Any) -> None:
    add(run, "Ada", "Lovelace", "ada@example.com")
    result = run("add", "--first-name", "A", "--last-name", "L", "--email", "ADA@example.com")
    assert result.exit_code == 1
    assert "already used" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("add", "--first-name", "A"),  # missing required options
        ("list", "--limit", "0"),
        ("list", "--order", "sideways"),
        ("nonsense",),
        ("get",),
    ],
)
def test_usage_errors_exit_2(run: Any, args: tuple[str, ...]) -> None:
    assert run(*args).exit_code == 2


def test_org_is_required_for_scripts(run: Any) -> None:
    result = run("list", org_id=None)
    assert result.exit_code == 2
    assert "--org" in result.stderr


def test_org_from_the_seed_variable(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    org = f"org-env-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("ORG_ID", org)
    add(run, "Env", "Org", "env@example.com", org_id=org)
    listed = as_json(run("list", "--json", org_id=None))
    assert [c["email"] for c in listed["items"]] == ["env@example.com"]


def test_local_only_phone_warning_has_the_words_of_import(run: Any) -> None:
    result = run(
        "add",
        "--first-name",
        "Al",
        "--last-name",
        "B",
        "--email",
        "al@x.org",
        "--phone",
        "555-0101",
    )
    assert result.stderr.splitlines() == [
        "⚠️  phone '555-0101' is a local-only number (no area code) for region US; "
        "kept as entered, not indexed"
    ]


def test_scriptable_commands_take_the_short_id_lists_show(run: Any) -> None:
    john = add(run, "John", "Doe", "john@example.com")
    add(run, "Jane", "Roe", "jane@example.com")
    short = render.short_id(john["id"])
    assert as_json(run("get", short, "--json"))["contact"]["id"] == john["id"]
    assert as_json(run("update", short[:4], "--company", "Acme", "--json"))["company"] == "Acme"
    assert as_json(run("favorite", short.upper(), "--json"))["favorite"] is True
    assert run("delete", short, "--yes").exit_code == 0
    missing = run("get", short)
    assert missing.exit_code == 1 and "no contact" in missing.stderr


def test_missing_contact_exits_1(run: Any) -> None:
    result = run("get", "01ARZ3NDEKTSV4RRFFQ69G5FAV")
    assert result.exit_code == 1
    assert "no contact" in result.stderr


def test_list_cursor_works_across_invocations(run: Any, tmp_path: Path) -> None:
    for i in range(5):
        add(run, f"P{i}", "Q", f"p{i}@example.com")
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = as_json(
            run("list", "--limit", "2", "--json", *(["--cursor", cursor] if cursor else []))
        )
        seen += [c["email"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"p{i}@example.com" for i in range(5)]
    secret = tmp_path / "config" / "contactkit" / "cursor-secret"
    assert secret.stat().st_mode & 0o777 == 0o600


def test_cursor_from_another_org_is_refused(run: Any) -> None:
    for i in range(3):
        add(run, f"P{i}", "Q", f"p{i}@example.com")
    cursor = as_json(run("list", "--limit", "1", "--json"))["next_cursor"]
    result = run("list", "--cursor", cursor, org_id="org-someone-else")
    assert result.exit_code == 1
    assert "cursor" in result.stderr.lower()


def test_lookups(run: Any) -> None:
    john = add(
        run,
        "John",
        "Doe",
        "john.doe@example.com",
        "--phone",
        "555-123-4567",
        "--company",
        "Acme Corp",
        "--tags",
        "vip, client",
    )
    add(run, "Alice", "Johnson", "alice@example.com", "--company", "Tech Corp", "--tags", "client")
    emails = lambda result: [c["email"] for c in as_json(result)["items"]]  # noqa: E731
    assert emails(run("search", "tech", "--json")) == ["alice@example.com"]
    assert emails(run("search", "jhon doe", "--fuzzy", "--json"))[0] == "john.doe@example.com"
    assert emails(run("phone", "(555) 123-4567", "--json")) == ["john.doe@example.com"]
    assert emails(run("name", "john", "--json")) == ["alice@example.com"]
    assert sorted(emails(run("tag", "CLIENT", "--json"))) == [
        "alice@example.com",
        "john.doe@example.com",
    ]
    assert emails(run("tag", "vip", "--json")) == ["john.doe@example.com"]
    assert as_json(run("email", "JOHN.DOE@example.com", "--json"))["id"] == john["id"]


def test_email_not_found_exits_1_with_null_json(run: Any) -> None:
    result = run("email", "nobody@example.com", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) is None


def test_favorite_note_update_delete(run: Any) -> None:
    john = add(run, "John", "Doe", "john.doe@example.com")
    assert as_json(run("favorite", john["id"], "--json"))["favorite"] is True
    assert [c["id"] for c in as_json(run("favorites", "--json"))["items"]] == [john["id"]]
    assert as_json(run("favorite", john["id"], "--off", "--json"))["favorite"] is False
    noted = as_json(run("note", john["id"], "called about renewal", "--kind", "call", "--json"))
    assert noted["last_contacted_at"] is not None
    activity = as_json(run("get", john["id"], "--json"))["activity"]
    assert [(a["kind"], a["note"]) for a in activity] == [("call", "called about renewal")]
    updated = as_json(run("update", john["id"], "--company", "Acme Inc", "--json"))
    assert (updated["company"], updated["version"]) == ("Acme Inc", john["version"] + 4)
    stale = run("update", john["id"], "--company", "X", "--expected-version", "1")
    assert stale.exit_code == 1 and "version" in stale.stderr
    assert run("delete", john["id"], input="n\n").exit_code == 1  # declined: aborted
    assert as_json(run("delete", john["id"], "--yes", "--json")) == {"deleted": john["id"]}
    assert run("get", john["id"]).exit_code == 1


def test_embedded_backend_warns_that_data_is_thrown_away(run: Any) -> None:
    result = run("list", endpoint=False)
    assert result.exit_code == 0
    assert "throwaway in-memory engine" in result.stderr
    assert "Contacts: no contacts" in result.stdout


def test_unreachable_endpoint_is_one_line(run: Any) -> None:
    result = CliRunner().invoke(
        cli, ["list", "--org", "org-x", "--endpoint-url", "http://127.0.0.1:9"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_command_starts_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTACTKIT_ORG", "org-from-env")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    result = CliRunner().invoke(cli, [], input="help\nquit\n")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:2] == ["📇 Welcome to the contactkit Contacts App!", "Organization: org-from-env"]
    assert lines[-1].endswith("👋 Goodbye!")  # after the last prompt (no echo here)


def test_shell_makes_up_an_org_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONTACTKIT_ORG", "ORG_ID"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["shell", "--no-history"], input="")
    assert result.exit_code == 0
    assert re.fullmatch(r"Organization: org-[0-9a-f]{8}", result.stdout.splitlines()[1])


# -- import, export, stats, backup, restore --------------------

SEED_CSV = Path(__file__).resolve().parents[2] / "data" / "seed-contacts.csv"


def test_import_reports_and_is_idempotent(run: Any) -> None:
    first = as_json(run("import", str(SEED_CSV), "--json"))
    assert (first["rows"], first["imported"]) == (3, 3)
    assert len(first["warnings"]) == 3  # the seed's 7-digit phones, kept as entered
    again = as_json(run("import", str(SEED_CSV), "--json"))
    assert (again["imported"], len(again["skipped"])) == (0, 3)
    text = run("import", str(SEED_CSV))
    assert text.stdout.splitlines()[0] == "✅ Imported 0/3 contacts"


@pytest.mark.parametrize(
    ("mode", "company"), [("skip", "Mine"), ("update", "Theirs"), ("merge", "Mine")]
)
def test_import_on_conflict_modes(run: Any, tmp_path: Path, mode: str, company: str) -> None:
    add(run, "John", "Doe", "john.doe@example.com", "--company", "Mine")
    path = tmp_path / "rows.json"
    row = {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com"}
    path.write_text(json.dumps([{**row, "company": "Theirs", "job_title": "CTO"}]))
    run("import", str(path), "--on-conflict", mode)
    contact = as_json(run("email", "john.doe@example.com", "--json"))
    assert contact["company"] == company
    assert contact.get("job_title") == (None if mode == "skip" else "CTO")


def test_import_with_invalid_rows_exits_1(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"first_name": "A", "last_name": "B", "email": "nope"}]))
    result = run("import", str(path), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["invalid_rows"][0]["field"] == "email"
    assert "1 of 1 rows were not imported" in result.stderr


def test_import_dry_run_writes_nothing(run: Any) -> None:
    report = as_json(run("import", str(SEED_CSV), "--dry-run", "--json"))
    assert report["dry_run"] is True
    assert as_json(run("list", "--json"))["items"] == []


def test_import_of_a_missing_file_is_a_usage_error(run: Any, tmp_path: Path) -> None:
    assert run("import", str(tmp_path / "missing.csv")).exit_code == 2


def test_export_and_stats(run: Any, tmp_path: Path) -> None:
    add(run, "John", "Doe", "john.doe@example.com", "--company", "Acme Corp", "--tags", "vip")
    run("import", str(SEED_CSV))
    path = tmp_path / "out.json"
    report = as_json(run("export", str(path), "--json"))
    assert (report["contacts"], report["format"], report["path"]) == (4, "json", str(path))
    assert path.exists()
    numbers = as_json(run("stats", "--json"))
    assert (numbers["total"], numbers["with_phone"]) == (4, 3)
    assert run("stats").stdout.splitlines()[2] == "   Total contacts: 4"


def test_backup_and_restore_round_trip(run: Any, tmp_path: Path) -> None:
    add(run, "John", "Doe", "john.doe@example.com")
    path = tmp_path / "backup.json.gz"
    backed = as_json(run("backup", str(path), "--json"))
    assert backed["items"] > 1
    john = as_json(run("list", "--json"))["items"][0]
    assert as_json(run("delete", john["id"], "--yes", "--json")) == {"deleted": john["id"]}
    restored = as_json(run("restore", str(path), "--json"))
    assert restored["items"] == backed["items"]
    assert as_json(run("get", john["id"], "--json"))["contact"]["email"] == "john.doe@example.com"


def test_export_to_an_unwritable_place_is_one_line(run: Any, tmp_path: Path) -> None:
    add(run, "John", "Doe", "john.doe@example.com")
    result = run("export", str(tmp_path / "no-such-dir" / "out.csv"))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1


def test_email_not_found_says_so_then_exits_1(run: Any) -> None:
    result = run("email", "nobody@example.com")
    assert result.exit_code == 1
    assert result.stdout == "📭 No contact with email nobody@example.com\n"
    assert "no contact with email 'nobody@example.com'" in result.stderr


def test_update_without_options_is_refused(run: Any) -> None:
    john = add(run, "John", "Doe", "john.doe@example.com")
    result = run("update", john["id"])
    assert result.exit_code == 1
    assert "changes: nothing to update" in result.stderr
