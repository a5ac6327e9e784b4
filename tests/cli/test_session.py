"""The seed's example session, typed into a real terminal (pexpect) running `python -m contactkit`.

The expected lines are quoted from the seed document (../shared/seed/contacts-app-dynamorm.md),
not recorded from our own output. Intended differences (docs/cli.md): Alice's 7-digit
``555-0101`` is shown as entered with a warning mark, not as the seed's ``(555) 010-1000``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

TIMEOUT = 60  # engine start-up on a busy 2-core machine; the session itself takes a second


class Terminal:
    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child

    def expect(self, *lines: str) -> None:
        for line in lines:
            self.child.expect_exact(line)

    def type(self, line: str) -> None:
        self.child.sendline(line)

    def answer(self, prompt: str, line: str) -> None:
        self.expect(prompt)
        self.type(line)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = {
        **os.environ,
        "TERM": "dumb",  # no colour or bracketed-paste escapes from readline
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    env.pop("CONTACTKIT_ORG", None)
    env.pop("ORG_ID", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "contactkit", "shell", "--org", "org-a1b2c3d4"],
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 200),
    )
    try:
        yield Terminal(child)
    finally:
        child.close(force=True)


def test_ctrl_c_cancels_the_prompt_and_ctrl_d_quits(terminal: Terminal, tmp_path: Path) -> None:
    terminal.expect("📇 Welcome to", "Organization: org-a1b2c3d4", "> ")
    terminal.type("add")
    terminal.answer("First Name: ", "Jo")
    terminal.expect("Last Name: ")
    terminal.child.sendintr()
    terminal.expect("↩️  Cancelled.", "> ")
    terminal.child.send("half-typed")
    terminal.expect("half-typed")  # echoed: readline has the line (earlier keys may be flushed)
    terminal.child.sendintr()  # Ctrl-C at the prompt: the line is dropped, a fresh prompt
    terminal.expect("> ")
    terminal.type("list")
    terminal.expect("📭 Contacts: no contacts.", "> ")
    terminal.child.sendeof()
    terminal.expect("👋 Goodbye!")
    terminal.child.expect(pexpect.EOF)
    terminal.child.close()
    assert terminal.child.exitstatus == 0
    history = (tmp_path / "state" / "contactkit" / "history").read_text()
    assert "list" in history and "Jo" not in history  # answers to questions stay out


def test_bad_input_gets_one_line_and_a_new_question(terminal: Terminal) -> None:
    terminal.expect("> ")
    terminal.type("add")
    terminal.answer("First Name: ", "John")
    terminal.answer("Last Name: ", "Doe")
    terminal.answer("Email: ", "john.doe@@example")
    terminal.expect("❌ email: 'john.doe@@example' is not a valid address")
    terminal.answer("Email: ", "john.doe@example.com")
    for prompt in ("Phone: ", "Company: ", "Job Title: ", "Tags (comma-separated): "):
        terminal.answer(prompt, "")
    terminal.expect("✅ Created contact: John Doe", "> ")
    terminal.type("show 7")
    terminal.expect("❌ no list shown yet", "> ")
    terminal.type("fly away")
    terminal.expect("❌ Unknown command: fly.", "> ")
    terminal.type("quit")
    terminal.expect("👋 Goodbye!")
    terminal.child.expect(pexpect.EOF)
    assert "Traceback" not in (terminal.child.before or "")


def test_the_seed_session(terminal: Terminal) -> None:
    """The seed README's example session, line for line where the seed's output is possible."""
    terminal.expect("📇 Welcome to", "Organization: org-a1b2c3d4", "> ")
    terminal.type("add")
    terminal.answer("First Name: ", "John")
    terminal.answer("Last Name: ", "Doe")
    terminal.answer("Email: ", "john.doe@example.com")
    terminal.answer("Phone: ", "555-123-4567")
    terminal.answer("Company: ", "Acme Corp")
    terminal.answer("Job Title: ", "CEO")
    terminal.answer("Tags (comma-separated): ", "vip, client, decision-maker")
    terminal.expect("✅ Created contact: John Doe", "> ")

    terminal.type("import")
    terminal.expect("✅ Imported 3/3 contacts", "> ")

    terminal.type("list")
    terminal.expect(
        "👥 Contacts (4 contacts):",
        "─" * 25,
        "1. John Doe at Acme Corp",
        "📧 john.doe@example.com | 📱 (555) 123-4567",
        "🏷️  vip, client, decision-maker",
        "ID: ",
        "2. Alice Johnson at Tech Corp",
        "📧 alice@example.com | 📱 555-0101 ⚠️",  # seed: (555) 010-1000, see docs/cli.md
        "🏷️  engineering, client",
        "> ",
    )

    terminal.type("search tech")
    terminal.expect(
        "👥 Search results for 'tech' (1 contact):",
        "─" * 25,
        "1. Alice Johnson at Tech Corp",
        "📧 alice@example.com | 📱 555-0101 ⚠️",
        "🏷️  engineering, client",
        "> ",
    )

    terminal.type("email john.doe@example.com")
    terminal.expect(
        "👥 Contact found (1 contact):",
        "─" * 25,
        "1. John Doe at Acme Corp",
        "📧 john.doe@example.com | 📱 (555) 123-4567",
        "🏷️  vip, client, decision-maker",
        "> ",
    )
    terminal.type("quit")
    terminal.expect("👋 Goodbye!")
    terminal.child.expect(pexpect.EOF)
    assert "Traceback" not in (terminal.child.before or "")
