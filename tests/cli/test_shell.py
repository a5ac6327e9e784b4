"""Every shell command, in process: answers are fed to ``input()``, output read from stdout."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import contactkit.cli.shell as shell_module
from contactkit.cli import cli, render
from contactkit.cli.context import Settings, open_session
from contactkit.cli.shell import COMMANDS, Shell

JOHN = [
    "John",
    "Doe",
    "john.doe@example.com",
    "555-123-4567",
    "Acme Corp",
    "CEO",
    "vip, client, decision-maker",
]
JANE = ["Jane", "Roe", "jane@example.com", "", "Globex", "", "client"]


class Terminal:
    """Feeds lines to ``input()`` and collects what the shell prints."""

    def __init__(self, shell: Shell, capsys: pytest.CaptureFixture[str]) -> None:
        self.shell = shell
        self.capsys = capsys
        self.answers: list[str] = []
        self.prompts: list[str] = []

    def fake_input(self, prompt: str = "") -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        answer = self.answers.pop(0)
        if answer == "^C":
            raise KeyboardInterrupt
        return answer

    def run(self, line: str, *answers: str) -> list[str]:
        """Run one command line with the answers to its questions; returns the output lines."""
        self.capsys.readouterr()
        self.answers = list(answers)
        self.shell.execute(line)
        assert not self.answers, f"unused answers: {self.answers}"
        return self.capsys.readouterr().out.splitlines()


@pytest.fixture
def term(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Terminal]:
    with open_session(Settings(org="org-shell-test")) as session:
        terminal = Terminal(Shell(session), capsys)
        monkeypatch.setattr(builtins, "input", terminal.fake_input)
        yield terminal


def test_add_then_list_in_the_seed_format(term: Terminal) -> None:
    assert term.run("add", *JOHN)[-1] == "✅ Created contact: John Doe"
    out = term.run("list")
    assert out[:6] == [
        "👥 Contacts (1 contact):",
        "─" * 25,
        "1. John Doe at Acme Corp",
        "   📧 john.doe@example.com | 📱 (555) 123-4567",
        "   🏷️  vip, client, decision-maker",
        out[5],
    ]
    assert out[5].startswith("   ID: ") and len(out[5]) == len("   ID: ") + 8
    assert term.prompts[:7] == [
        "First Name: ",
        "Last Name: ",
        "Email: ",
        "Phone: ",
        "Company: ",
        "Job Title: ",
        "Tags (comma-separated): ",
    ]


def test_add_reprompts_a_bad_email_and_a_too_long_name(term: Terminal) -> None:
    long_name = "x" * 101
    out = term.run(
        "add", long_name, "John", "Doe", "not-an-email", "john@example.com", "", "", "", ""
    )
    assert out[0].startswith("❌ first_name: is 101 characters long")
    assert out[1].startswith("❌ email: 'not-an-email' is not a valid address")
    assert out[-1] == "✅ Created contact: John Doe"


def test_add_refuses_a_duplicate_email_and_asks_again(term: Terminal) -> None:
    term.run("add", *JOHN)
    out = term.run("add", "J", "D", "JOHN.DOE@example.com", "jd@example.com", "", "", "", "")
    assert out[0] == "❌ email: 'JOHN.DOE@example.com' is already used by John Doe"
    assert out[-1] == "✅ Created contact: J D"


LOCAL_ONLY = (
    "⚠️  phone '555-0101' is a local-only number (no area code) for region US; "
    "kept as entered, not indexed"
)


@pytest.mark.parametrize("again", ["555-0101", ""])
def test_add_warns_about_a_phone_at_its_question_and_keeps_it_when_confirmed(
    term: Terminal, again: str
) -> None:
    out = term.run(
        "add", "Alice", "Johnson", "alice@example.com", "555-0101", again, "Tech Corp", "", ""
    )
    assert out == [LOCAL_ONLY, "✅ Created contact: Alice Johnson"]  # warned once, at once
    assert term.prompts[3:5] == ["Phone: ", "Phone (Enter keeps '555-0101' as entered): "]
    assert term.prompts[5] == "Company: "
    assert "📱 555-0101 ⚠️" in "\n".join(term.run("list"))


def test_a_phone_corrected_at_the_second_asking_is_stored_normalised(term: Terminal) -> None:
    out = term.run("add", "Al", "B", "", "12", "555-123-4567", "", "", "")
    assert out[0].startswith("⚠️  phone '12' is too short for region US")
    assert out[-1] == "✅ Created contact: Al B"
    assert "📱 (555) 123-4567" in "\n".join(term.run("list"))


def test_a_second_doubtful_phone_is_warned_about_in_turn(term: Terminal) -> None:
    out = term.run("add", "Al", "B", "", "12", "555-0101", "555-0101", "", "", "")
    assert out[0].startswith("⚠️  phone '12' is too short")
    assert out[1] == LOCAL_ONLY
    assert out[-1] == "✅ Created contact: Al B"


def test_contacts_are_named_by_short_id_or_its_prefix(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("add", *JANE)
    listed = term.run("list")
    short = next(line for line in listed if "ID:" in line).split("ID: ")[1]
    assert term.run(f"show {short}")[0] == "👤 John Doe"  # the first listed
    assert term.run(f"show {short[:4]}")[0] == "👤 John Doe"
    assert term.run("show zzzzzzzz") == ["❌ no contact 'zzzzzzzz' in org-shell-test"]
    assert term.run("show ab!")[0].startswith("❌ id: 'ab!' is not a contact id")


def test_an_ambiguous_prefix_lists_its_candidates(
    term: Terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    term.run("add", *JOHN)
    term.run("add", *JANE)
    monkeypatch.setattr(render, "short_id", lambda contact_id: "abcd" + contact_id[-4:].lower())
    out = term.run("show abcd")
    assert out[0].startswith("❌ id: 'abcd' matches 2 contacts: abcd")
    assert "(John Doe)" in out[0] and "(Jane Roe)" in out[0] and "type more characters" in out[0]


def test_ctrl_c_cancels_add_and_writes_nothing(term: Terminal) -> None:
    assert term.run("add", "John", "^C")[-1] == "↩️  Cancelled."
    assert term.run("list") == ["📭 Contacts: no contacts."]


def test_numbers_refer_to_the_last_list_shown(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("add", *JANE)
    assert term.run("tag vip")[2] == "1. John Doe at Acme Corp"
    assert term.run("show 1")[0] == "👤 John Doe"
    term.run("name roe")
    assert term.run("show 1")[0] == "👤 Jane Roe"  # the seed would have shown John
    assert term.run("show 2") == [
        "❌ there is no 2 in the last list (Names starting with 'roe': 1-1)"
    ]


def test_number_before_any_list(term: Terminal) -> None:
    assert term.run("show 1") == ["❌ no list shown yet: run 'list' (or search) first"]


def test_list_pages_with_next_and_keeps_numbering(term: Terminal) -> None:
    for i in range(3):
        term.run("add", f"P{i}", "Q", f"p{i}@example.com", "", "", "", "")
    out = term.run("list 2")
    assert out[0] == "👥 Contacts (2 contacts):" and out[-1] == "➡️  More: type 'next'"
    out = term.run("next")
    assert out[2] == "3. P2 Q"
    assert term.run("show 3")[0] == "👤 P2 Q"
    assert term.run("next") == ["❌ no more results: the last list was complete"]


@pytest.mark.parametrize(
    ("line", "first"),
    [
        ("search tech", "👥 Search results for 'tech' (1 contact):"),
        ("fuzzy jhon doe", "👥 Fuzzy results for 'jhon doe' (1 contact):"),
        ("email john.doe@example.com", "👥 Contact found (1 contact):"),
        ("email nobody@example.com", "📭 No contact with email nobody@example.com"),
        ("phone +1 555 123 4567", "👥 Phone +1 555 123 4567 (1 contact):"),
        ("phone 555-0101", "❌ phone: '555-0101' is not a complete number, and such numbers"),
        ("name do", "👥 Names starting with 'do' (1 contact):"),
        ("tag CLIENT", "👥 Tagged 'CLIENT' (1 contact):"),
        ("favorites", "📭 Favorites: no contacts."),
        ("search", "❌ usage: search TERM"),
        ("list 0", "❌ usage: list [n], with n from 1 to 100"),
        ("frobnicate", "❌ Unknown command: frobnicate. Type 'help' to see the commands."),
    ],
)
def test_lookups(term: Terminal, line: str, first: str) -> None:
    term.run("add", *JOHN[:4], "Tech Corp", *JOHN[5:])
    assert term.run(line)[0].startswith(first)


def test_favorite_toggles(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("list")
    assert term.run("favorite 1") == ["⭐ John Doe is now a favorite"]
    assert term.run("favorites")[2] == "1. John Doe at Acme Corp ⭐"
    assert term.run("favorite 1") == ["☆ John Doe is no longer a favorite"]


def test_edit_keeps_changes_and_clears(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("list")
    # Enter keeps, '-' clears, a new value replaces; the email is re-asked when invalid.
    out = term.run("edit 1", "", "", "bad", "", "-", "Initech", "", "vip")
    assert out == [
        "❌ email: 'bad' is not a valid address: " + out[0].split(": ", 2)[2],
        "✅ Updated contact: John Doe",
    ]
    shown = "\n".join(term.run("show 1"))
    assert "Initech" in shown and "📱" not in shown and "vip, client" not in shown
    assert term.run("edit 1", *[""] * 7) == ["Nothing changed."]
    assert term.prompts[-1] == "Tags (comma-separated) [vip]: "


def test_note_is_shown_in_activity(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("list")
    assert term.run("note 1 called about the renewal") == ["📝 Noted for John Doe"]
    shown = term.run("show 1")
    assert "   🕘 Activity:" in shown
    assert shown[-1].endswith("note: called about the renewal")
    assert term.run("note 1") == [
        "❌ usage: note N TEXT (for example: note 1 called about renewal)"
    ]


def test_delete_asks_first(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("list")
    assert term.run("delete 1", "n") == ["Not deleted."]
    assert term.prompts[-1] == "Delete John Doe <john.doe@example.com>? [y/N]: "
    assert term.run("delete 1", "y") == ["🗑️  Deleted contact: John Doe"]
    assert term.run("show 1") == ["❌ no list shown yet: run 'list' (or search) first"]
    assert term.run("list") == ["📭 Contacts: no contacts."]


def test_errors_from_the_store_are_one_line(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("list")
    contact_id = term.shell.view.numbers[1]
    term.shell.org.delete(contact_id)  # deleted behind the shell's back
    out = term.run("show 1")
    assert out == [f"❌ no contact '{contact_id}' in org-shell-test"]


def test_help_lists_every_command_and_quit_ends(term: Terminal) -> None:
    out = term.run("help")
    for entry in COMMANDS.values():
        assert any(line.strip().startswith(entry.name) for line in out), entry.name
    assert term.shell.execute("quit") is False
    assert term.shell.execute("exit") is False


def test_run_shows_banner_recent_and_quits_on_ctrl_d(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.answers = ["list", "^C", "bogus"]  # then EOF (Ctrl-D)
    term.shell.run()
    out = term.capsys.readouterr().out.splitlines()
    assert out[:2] == ["📇 Welcome to the contactkit Contacts App!", "Organization: org-shell-test"]
    assert "👥 Recent contacts (1 contact):" in out
    assert "❌ Unknown command: bogus. Type 'help' to see the commands." in out
    assert out[-1] == "👋 Goodbye!"


def test_every_command_has_help_text() -> None:
    for name, entry in COMMANDS.items():
        assert entry.help.strip(), f"shell command {name!r} has no help"


def test_history_file_is_written(tmp_path: Any, term: Terminal) -> None:
    path = tmp_path / "state" / "history"
    term.shell.history = path
    with shell_module.readline_history(path):
        pass
    assert path.exists()


def test_unexpected_errors_are_one_line_and_the_session_goes_on(
    term: Terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(term.shell.org, "favorites", broken)
    assert term.run("favorites") == ["❌ unexpected RuntimeError: boom (please report this)"]

    def unreadable(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/root/x.csv")

    monkeypatch.setattr(term.shell.org, "favorites", unreadable)
    assert term.run("favorites") == ["❌ cannot use /root/x.csv: Permission denied"]


# -- import, export, groups, duplicates, stats --------------------


def test_import_seed_contacts_then_again(term: Terminal) -> None:
    out = term.run("import")
    assert out[0] == "✅ Imported 3/3 contacts"
    assert sum("555-010" in line for line in out[1:]) == 3  # one warning per 7-digit phone
    again = term.run("import")
    assert again[0] == "✅ Imported 0/3 contacts"
    assert again[1].startswith("↩️  Skipped 3")
    assert term.run("list")[0] == "👥 Contacts (3 contacts):"


def test_import_a_file_and_refuse_a_missing_one(term: Terminal, tmp_path: Path) -> None:
    path = tmp_path / "people.json"
    path.write_text(
        json.dumps(
            [
                {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
                {"first_name": "Bad", "last_name": "Row", "email": "nope"},
            ]
        )
    )
    out = term.run(f"import {path}")
    assert out[0] == "✅ Imported 1/2 contacts"
    assert any(line.startswith("❌ row 2: email:") for line in out)
    assert term.run(f"import {tmp_path / 'missing.csv'}")[0].startswith("❌ no file")


def test_export_writes_a_file(term: Terminal, tmp_path: Path) -> None:
    term.run("import")
    path = tmp_path / "out.csv"
    assert term.run(f"export {path}") == [f"📤 Exported 3 contacts to {path} (csv)"]
    assert "alice@example.com" in path.read_text()
    assert term.run("export") == ["❌ usage: export PATH (the extension picks csv, json or vcf)"]


def test_groups(term: Terminal) -> None:
    term.run("import")
    term.run("list")
    assert term.run("groups") == ["📭 No groups yet: 'group create NAME'."]
    assert term.run('group create "Board Members"') == ["👪 Created group Board Members"]
    assert term.run('group add "Board Members" 1 3') == [
        "👪 Added Alice Johnson to Board Members",
        "👪 Added Carol Williams to Board Members",
    ]
    assert "   👪 Board Members" in term.run("show 1")
    term.run('group rename "Board Members" Board')
    assert term.run("groups")[2:] == ["   Board"]
    out = term.run("group show Board")
    assert out[0] == "👥 Group Board (2 contacts):"
    assert term.run("group remove Board 1") == ["👪 Removed Alice Johnson from Board"]
    assert term.run("group delete Board")[0].startswith("🗑️  Deleted group Board")
    assert term.run("group frob")[0].startswith("❌ usage: group create NAME")


def test_duplicates_and_merge(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("add", "Jon", "Doe", "jon.doe@example.com", "555 123 4567", "", "", "")
    out = term.run("duplicates")
    assert out[0] == "👥 Possible duplicates, 1 pair (2 contacts):"
    assert out[-1].startswith("   1 ↔ 2: score")
    assert term.run("merge 1 2", "n") == ["Not merged."]
    assert term.run("merge 1 2", "y") == ["🔀 Merged Jon Doe into John Doe"]
    assert term.run("list")[0] == "👥 Contacts (1 contact):"
    assert term.run("merge 1 1")[0] == "❌ N and M are the same contact"
    assert term.run("merge 1")[0] == "❌ usage: merge N M (keeps N, folds M into it)"


def test_no_duplicates(term: Terminal) -> None:
    term.run("add", *JOHN)
    assert term.run("duplicates") == ["✅ No likely duplicates."]


def test_stats(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("import")
    out = term.run("stats")
    assert out[0] == "📊 Statistics for org-shell-test:"
    assert "   Total contacts: 4" in out
    assert "   With phone: 4" in out
    assert any(line.startswith("   Popular tags: client (2)") for line in out)


@pytest.mark.parametrize("name", ["import", "export", "groups", "group", "merge", "stats"])
def test_the_issue_commands_are_registered(name: str) -> None:
    assert name in COMMANDS


# -- end of input (Ctrl-D, piped answers that run out) --------------------


def test_ctrl_d_at_a_question_of_add_cancels_it_and_writes_nothing(term: Terminal) -> None:
    assert term.run("add", "John", "Doe") == ["", "↩️  Cancelled."]  # then EOF (Ctrl-D)
    assert term.run("list") == ["📭 Contacts: no contacts."]


def test_ctrl_d_at_a_question_of_edit_cancels_it_and_changes_nothing(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("list")
    assert term.run("edit 1", "Jonathan", "") == ["", "↩️  Cancelled."]
    assert term.run("show 1")[0] == "👤 John Doe"


def test_ctrl_d_at_a_confirmation_cancels_the_delete(term: Terminal) -> None:
    term.run("add", *JOHN)
    term.run("list")
    assert term.run("delete 1") == ["", "↩️  Cancelled."]
    assert term.run("list")[0] == "👥 Contacts (1 contact):"


def test_the_session_goes_on_after_ctrl_d_at_a_question(term: Terminal) -> None:
    term.answers = ["add", "John"]  # Ctrl-D at "Last Name: ", then the session goes on
    term.shell.run()
    term.answers = ["list", "quit"]
    assert term.shell.run() == 0
    out = term.capsys.readouterr().out.splitlines()
    assert "↩️  Cancelled." in out and "📭 Contacts: no contacts." in out
    assert out[-1] == "👋 Goodbye!"


def shell_session(typed: str, tmp_path: Path) -> Result:
    """`contactkit shell` with ``typed`` piped to it, as a script would."""
    args = ["shell", "--no-history", "--org", "org-piped"]
    return CliRunner().invoke(cli, args, input=typed, env={"XDG_STATE_HOME": str(tmp_path)})


@pytest.mark.parametrize(
    "typed",
    [
        "add\nJohn\nDoe\n",  # the input ends at "Email: "
        "add\nJohn\nDoe\njohn@example.com\n\n\n\n",  # all but the tags
        "add\nJohn",  # no newline at the end
    ],
)
def test_piped_input_ending_inside_a_command_cancels_it_and_exits_1(
    typed: str, tmp_path: Path
) -> None:
    result = shell_session(typed, tmp_path)
    assert "please report" not in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "↩️  Cancelled." in result.output
    assert "Created contact" not in result.output
    assert result.output.splitlines()[-1].endswith("👋 Goodbye!")
    assert result.exit_code == 1


def test_piped_input_ending_at_the_prompt_exits_0(tmp_path: Path) -> None:
    result = shell_session("add\nJohn\nDoe\njohn@example.com\n\n\n\n\nlist\n", tmp_path)
    assert "✅ Created contact: John Doe" in result.output
    assert result.output.splitlines()[-1].endswith("👋 Goodbye!")
    assert result.exit_code == 0


def test_a_real_pipe_that_ends_inside_add(tmp_path: Path) -> None:
    """The installed entry point with a real pipe on stdin (real input(), readline loaded)."""
    done = subprocess.run(
        [sys.executable, "-m", "contactkit", "shell", "--no-history", "--org", "org-pipe"],
        input="add\nJohn\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path), "PYTHONIOENCODING": "utf-8"},
    )
    assert "Traceback" not in done.stderr and "please report" not in done.stdout
    assert "↩️  Cancelled." in done.stdout
    assert done.stdout.rstrip().endswith("👋 Goodbye!")
    assert done.returncode == 1
