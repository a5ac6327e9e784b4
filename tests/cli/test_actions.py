"""One implementation per command: the shell and the scriptable commands both call ``actions``.

Three guards: each command of both front ends is run with every ``actions`` function recorded
(the same function must be reached from both); every command of each front end is either in
that table or declared as belonging to one front end only; and the front-end modules make no
library call of their own (an AST scan). Then the shared functions themselves.
"""

from __future__ import annotations

import ast
import builtins
import functools
import inspect
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from contactkit.cli import actions, cli
from contactkit.cli.context import Session, Settings, open_session
from contactkit.cli.shell import COMMANDS, Shell
from contactkit.engine.embedded import EmbeddedEngine
from contactkit.errors import ValidationError

CLI_DIR = Path(actions.__file__).parent
SEED_CSV = Path(__file__).resolve().parents[2] / "data" / "seed-contacts.csv"
ADA = ["Ada", "Lovelace", "ada@example.com", "", "", "", ""]  # answers to the shell's `add`

# shell line, its answers, the scriptable command's arguments, its input, the shared function.
# "{id}" is John's id, "{tmp}" a temporary folder; in the shell, John is entry 1.
SHARED: list[tuple[str, list[str], list[str], str | None, str]] = [
    (
        "add",
        ADA,
        ["add", "--first-name", "B", "--last-name", "C", "--email", "b@x.org"],
        None,
        "add",
    ),
    ("show 1", [], ["get", "{id}"], None, "show"),
    (
        "edit 1",
        ["", "", "", "", "Initech", "", ""],
        ["update", "{id}", "--company", "I"],
        None,
        "update",
    ),
    ("delete 1", ["n"], ["delete", "{id}"], "n\n", "delete"),
    ("list", [], ["list"], None, "list_contacts"),
    ("search doe", [], ["search", "doe"], None, "search"),
    ("fuzzy jhon", [], ["search", "jhon", "--fuzzy"], None, "search"),
    ("email john@example.com", [], ["email", "john@example.com"], None, "email"),
    ("phone 555-123-4567", [], ["phone", "555-123-4567"], None, "phone"),
    ("name doe", [], ["name", "doe"], None, "name"),
    ("tag vip", [], ["tag", "vip"], None, "tag"),
    ("favorites", [], ["favorites"], None, "favorites"),
    ("favorite 1", [], ["favorite", "{id}"], None, "favorite"),
    ("note 1 called", [], ["note", "{id}", "called"], None, "note"),
    (f"import {SEED_CSV}", [], ["import", str(SEED_CSV)], None, "import_contacts"),
    ("export {tmp}/shell.csv", [], ["export", "{tmp}/script.csv"], None, "export"),
    ("stats", [], ["stats"], None, "stats"),
]
SHELL_ONLY = {"help", "next", "quit", "groups", "group", "duplicates", "merge"}
SCRIPT_ONLY = {"backup", "restore", "shell", "serve"}
FRONT_ENDS = ["commands.py", "commands_data.py", "shell.py", "shell_data.py"]
LIBRARY_OBJECTS = {"org", "table", "db"}  # what a front end must hand to `actions` instead


@pytest.fixture(scope="module")
def engine() -> Iterator[EmbeddedEngine]:
    with EmbeddedEngine() as running:
        yield running


@pytest.fixture
def settings(engine: EmbeddedEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("CONTACTKIT_CURSOR_SECRET", raising=False)
    return Settings(org=f"org-{uuid.uuid4().hex[:10]}", endpoint_url=engine.url)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    with open_session(settings) as opened:
        yield opened


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the ``actions`` functions called, in order (each still does its work)."""
    called: list[str] = []

    def recorded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            called.append(name)
            return func(*args, **kwargs)

        return wrapper

    for name, func in inspect.getmembers(actions, inspect.isfunction):
        if func.__module__ == actions.__name__:
            monkeypatch.setattr(actions, name, recorded(name, func))
    return called


@pytest.mark.parametrize(
    ("line", "answers", "args", "typed", "shared"), SHARED, ids=[case[0] for case in SHARED]
)
def test_both_front_ends_call_the_same_function(
    line: str,
    answers: list[str],
    args: list[str],
    typed: str | None,
    shared: str,
    settings: Settings,
    session: Session,
    calls: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    john = session.org.add(
        first_name="John",
        last_name="Doe",
        email="john@example.com",
        phone="555-123-4567",
        tags=["vip"],
    )
    shell = Shell(session)
    shell.execute("list")  # John is entry 1
    pending = list(answers)
    monkeypatch.setattr(builtins, "input", lambda prompt="": pending.pop(0))
    calls.clear()
    shell.execute(line.format(tmp=tmp_path))
    shell_calls, printed = list(calls), capsys.readouterr().out
    assert "❌" not in printed and not pending, printed
    assert shared in shell_calls, f"the shell's {line.split()[0]!r} did not call actions.{shared}"

    calls.clear()
    assert settings.org is not None and settings.endpoint_url is not None
    connection = ["--org", settings.org, "--endpoint-url", settings.endpoint_url]
    filled = [arg.format(id=john.id, tmp=tmp_path) for arg in args]
    result = CliRunner().invoke(cli, [*filled, *connection], input=typed)
    assert result.exit_code == (1 if typed else 0), result.output  # typed "n": declined
    assert "Traceback" not in result.output
    assert shared in calls, f"`contactkit {args[0]}` did not call actions.{shared}"


def test_every_command_is_shared_or_declared_one_sided() -> None:
    shell_names = {entry.name for entry in COMMANDS.values()}
    shared_shell = {line.split()[0] for line, *_ in SHARED}
    assert shell_names == shared_shell | SHELL_ONLY
    assert isinstance(cli, click.Group)
    shared_script = {args[0] for _, _, args, _, _ in SHARED}
    assert set(cli.commands) == shared_script | SCRIPT_ONLY


def library_calls(source: str) -> list[str]:
    """``org.x(...)``, ``self.org.x(...)``, ``opened.table.x(...)``...: calls around ``actions``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = (
                owner.attr
                if isinstance(owner, ast.Attribute)
                else owner.id
                if isinstance(owner, ast.Name)
                else None
            )
            if owner_name in LIBRARY_OBJECTS:
                found.append(f"line {node.lineno}: {ast.unparse(node.func)}(...)")
    return found


@pytest.mark.parametrize("module", FRONT_ENDS)
def test_front_ends_reach_the_library_only_through_actions(module: str) -> None:
    calls = library_calls((CLI_DIR / module).read_text(encoding="utf-8"))
    assert calls == [], f"cli/{module} calls the library itself; add it to actions.py: {calls}"


def test_the_scan_sees_a_library_call() -> None:
    assert library_calls("def f(self):\n    self.org.set_favorite('x')\n") == [
        "line 2: self.org.set_favorite(...)"
    ]
    assert library_calls("org.export(p)\nopened.table.backup(p)\nsession.org_id") == [
        "line 1: org.export(...)",
        "line 2: opened.table.backup(...)",
    ]


# -- the shared functions ----------------------------------------------------------------------


def john(session: Session) -> Any:
    return session.org.add(first_name="John", last_name="Doe", email="john@example.com")


def test_update_without_changes_is_refused(session: Session) -> None:
    before = john(session)
    with pytest.raises(ValidationError, match="nothing to update"):
        actions.update(session.org, before.id, {})
    assert session.org.get(before.id).version == before.version


def test_favorite_toggles_unless_told(session: Session) -> None:
    contact = john(session)
    assert actions.favorite(session.org, contact.id).lines == ["⭐ John Doe is now a favorite"]
    assert actions.favorite(session.org, contact.id, on=True).data.favorite is True
    assert actions.favorite(session.org, contact.id).lines == ["☆ John Doe is no longer a favorite"]


@pytest.mark.parametrize(("agree", "left"), [(False, True), (True, False)])
def test_delete_asks_and_keeps_the_contact_when_declined(
    session: Session, agree: bool, left: bool
) -> None:
    contact = john(session)
    asked: list[str] = []
    outcome = actions.delete(session.org, contact.id, lambda q: asked.append(q) or agree)
    assert asked == ["Delete John Doe <john@example.com>?"]
    assert (outcome.data is None) is left
    assert (session.org.find_by_email("john@example.com", consistent=True) is not None) is left


def test_email_not_found_is_an_empty_listing_with_an_error(session: Session) -> None:
    listing = actions.email(session.org, "nobody@example.com")
    assert listing.lines() == ["📭 No contact with email nobody@example.com"]
    assert listing.error == "no contact with email 'nobody@example.com'"


@pytest.mark.parametrize(
    ("kind", "line"), [("note", "📝 Noted for John Doe"), ("call", "📝 Noted for John Doe (call)")]
)
def test_note_names_the_kind_unless_a_plain_note(session: Session, kind: str, line: str) -> None:
    assert actions.note(session.org, john(session).id, "hello", kind).lines == [line]


def test_import_with_invalid_rows_sets_the_error(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("first_name,last_name,email\nA,B,nope\nC,D,c@example.com\n")
    outcome = actions.import_contacts(session.org, path, progress=False)
    assert outcome.error == "1 of 2 rows were not imported"
    assert actions.import_contacts(session.org, None, progress=False).error is None  # the seed's


def test_field_problem_allows_ones_own_email_when_editing(session: Session) -> None:
    john(session)
    problem = actions.field_problem(session.org, "email", "JOHN@example.com")
    assert problem == "email: 'JOHN@example.com' is already used by John Doe"
    assert (
        actions.field_problem(session.org, "email", "JOHN@example.com", "john@example.com") is None
    )
    assert actions.field_problem(session.org, "first_name", "") is None  # names are optional
    assert actions.field_problem(session.org, "first_name", "x" * 101) is not None
