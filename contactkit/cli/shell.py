"""``contactkit shell``: the seed's interactive contacts app, done right.

``N`` in ``show N``, ``edit N``... always means entry N of the last list shown (the seed
numbered lists but then looked contacts up by position in a fresh, differently ordered list);
the short id a list shows (``ID: k3v7qa2m``), a prefix of it (4 characters or more) or the full
id work too. A phone that is not a complete number is warned about at its question, which is
asked again: the same answer (or Enter) keeps it as entered.
Ctrl-C cancels the current prompt or command; Ctrl-D (end of input) at a question cancels the
command, at the prompt it quits; errors are one line. Input that ends inside a command (piped
answers that run out) cancels it, and the session exits 1. Each command
parses its line (and the answers to its questions) into the call of ``actions.py`` that the
scriptable command makes too.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import platformdirs

from ..contacts import fields
from ..errors import ContactKitError, EmailTakenError
from . import actions, render
from .context import Session, Settings, open_session
from .options import connection_options
from .oserrors import describe_os_error
from .secret import APP_NAME
from .tags import split_tags

PAGE_SIZE = 20
MIN_ID_PREFIX = actions.MIN_PREFIX
RECENT_COUNT = 5
HISTORY_LENGTH = 1000


def _question(field: fields.Field) -> str:
    """The seed's wording: ``First Name``, ``Tags (comma-separated)``."""
    question = field.label.title()
    return f"{question} (comma-separated)" if field.kind == "tags" else question


# The questions of `add` and `edit`: the ``asked`` fields, in the declared order (the seed's).
ADD_FIELDS = tuple((f.name, _question(f)) for f in fields.CONTACT_FIELDS if f.asked)
REQUIRED = frozenset(fields.REQUIRED_FIELDS)


class UsageProblem(Exception):
    """A command typed wrongly (missing argument, unknown list number): shown as one line."""


@dataclasses.dataclass(frozen=True)
class ShellCommand:
    name: str
    usage: str
    help: str
    run: Callable[[Shell, str], bool | None]  # returning False ends the session


COMMANDS: dict[str, ShellCommand] = {}


def command(name: str, usage: str, help: str, *aliases: str) -> Callable[[Any], Any]:
    """Register a shell command; ``help`` is what ``help`` prints (every command has one)."""

    def register(func: Callable[[Shell, str], bool | None]) -> Callable[[Shell, str], bool | None]:
        entry = ShellCommand(name, usage, help, func)
        for key in (name, *aliases):
            COMMANDS[key] = entry
        return func

    return register


@dataclasses.dataclass
class ListView:
    """The last list shown: its numbering, and how to fetch its next page."""

    title: str
    numbers: dict[int, str]
    fetch: Callable[[str | None], actions.Listing] | None = None
    next_cursor: str | None = None
    next_number: int = 1


class Shell:
    """One interactive session on one org: parses each line into a call of ``actions``."""

    def __init__(self, session: Session, *, history: Path | None = None) -> None:
        self.session = session
        self.org = session.org
        self.history = history
        self.view = ListView("", {})
        # Warnings already said at a question (a phone kept as entered): not repeated after.
        self.warned: set[str] = set()
        # The last command was cancelled by the end of input: if the session ends now, it
        # ends with that command undone (exit code 1).
        self.cut_short = False

    # -- input and output ---------------------------------------------------------------

    def say(self, line: str = "") -> None:
        click.echo(line)

    def ask(self, prompt: str) -> str:
        """A question inside a command: answered, but kept out of the command history."""
        with _history_excluded():
            return input(prompt)

    def confirm(self, question: str) -> bool:
        """``question [y/N]: ``; only y or yes agrees."""
        return self.ask(f"{question} [y/N]: ").strip().lower() in {"y", "yes"}

    def report(self, outcome: actions.Outcome[Any]) -> None:
        """A command's warnings (but those said at its questions), then its lines."""
        for warning in outcome.warnings:
            if warning not in self.warned:
                self.say(render.warning(warning))
        for line in outcome.lines:
            self.say(line)

    # -- the loop -------------------------------------------------------------------------

    def run(self) -> int:
        """Banner, recent contacts and help, then commands until quit or Ctrl-D.

        Returns the exit code: 1 when the input ended inside a command, else 0.
        """
        with readline_history(self.history):
            self.banner()
            while True:
                try:
                    if self.execute(input("> ")) is False:
                        break
                    self.say()  # a blank line between one command's output and the next prompt
                except KeyboardInterrupt:
                    self.say()  # Ctrl-C at the prompt: a fresh prompt
                except EOFError:
                    self.say()
                    break
        self.say("👋 Goodbye!")
        return 1 if self.cut_short else 0

    def execute(self, line: str) -> bool | None:
        """Run one command line; ``False`` means quit. Errors become one ❌ line."""
        name, _, rest = line.strip().partition(" ")
        if not name:
            return None
        entry = COMMANDS.get(name.lower())
        if entry is None:
            self.say(f"❌ Unknown command: {name}. Type 'help' to see the commands.")
            return None
        self.cut_short = False
        self.warned = set()
        try:
            return entry.run(self, rest.strip())
        except (KeyboardInterrupt, EOFError) as stop:  # Ctrl-C, or Ctrl-D at a question
            self.cut_short = isinstance(stop, EOFError)
            self.say()
            self.say("↩️  Cancelled.")
        except (ContactKitError, UsageProblem) as error:
            self.say(f"❌ {error}")
        except OSError as error:  # files of import/export
            self.say(f"❌ {describe_os_error(error)}")
        except Exception as error:  # a bug: say so in one line and keep the session alive
            self.say(f"❌ unexpected {type(error).__name__}: {error} (please report this)")
        return None

    def banner(self) -> None:
        self.say("📇 Welcome to the contactkit Contacts App!")
        self.say(f"Organization: {self.org.org_id}")
        self.say(f"Backend: {self.session.backend_description}")
        self.say()
        recent = actions.recent(self.org, limit=RECENT_COUNT)
        if recent.page.items:
            self.show(lambda cursor: recent)
        else:
            self.say("📭 No contacts yet: type 'add' or 'import'.")
        self.say()
        self.do_help("")

    # -- lists and numbers ----------------------------------------------------------------

    def show(self, fetch: Callable[[str | None], actions.Listing]) -> None:
        """Show the first page of a list and remember its numbering."""
        self.view = ListView("", {}, fetch)
        self._show_page(None)

    def _show_page(self, cursor: str | None) -> None:
        view = self.view
        assert view.fetch is not None
        listing = view.fetch(cursor)
        start = view.next_number
        for line in listing.lines(start=start):
            self.say(line)
        view.title = listing.title
        view.numbers = {start + i: c.id for i, c in enumerate(listing.page.items)}
        view.next_number = start + len(listing.page.items)
        view.next_cursor = listing.page.next_cursor
        if listing.page.next_cursor:
            self.say()
            self.say("➡️  More: type 'next'")

    def forget(self, contact_id: str) -> None:
        """Drop a deleted contact from the numbering (the other numbers stay)."""
        self.view.numbers = {n: i for n, i in self.view.numbers.items() if i != contact_id}

    def contact_id(self, text: str) -> str:
        """The id of entry ``N`` of the last list shown, or of the contact an id names.

        An id is a full id, a short id as lists show it, or a prefix of 4 characters or more
        (``actions.resolve_id``); digits are a list number first.
        """
        if not text:
            raise UsageProblem("which contact? give its number from the last list, or its ID")
        if not text.isdigit():
            return actions.resolve_id(self.org, text)
        number = int(text)
        # Short ids may be all digits (2-7 only): a number not in the list may be one.
        if (
            number not in self.view.numbers
            and len(text) >= MIN_ID_PREFIX
            and set(text) <= set("234567")
        ):
            return actions.resolve_id(self.org, text)
        if number not in self.view.numbers:
            if not self.view.numbers:
                raise UsageProblem("no list shown yet: run 'list' (or search) first")
            low, high = min(self.view.numbers), max(self.view.numbers)
            raise UsageProblem(
                f"there is no {number} in the last list ({self.view.title}: {low}-{high})"
            )
        return self.view.numbers[number]

    # -- prompting for fields ---------------------------------------------------------------

    def ask_field(self, name: str, label: str, current: str | None = None) -> Any:
        """Ask until the answer is valid; ``current`` is kept on Enter, '-' clears it.

        An answer stored with a remark (a phone that is not a complete number) is warned about
        at once and the question asked again: Enter or the same answer keeps it as entered.
        """
        doubtful: str | None = None  # the answer warned about, awaiting confirmation
        while True:
            if doubtful is not None:
                answer = self.ask(f"{label} (Enter keeps {doubtful!r} as entered): ").strip()
                if answer in ("", doubtful):
                    return doubtful
            else:
                suffix = f" [{current}]" if current else ""
                answer = self.ask(f"{label}{suffix}: ").strip()
                if current is not None and not answer:
                    return _UNCHANGED
            if answer == "-" and name not in REQUIRED:
                answer = ""
            value: Any = split_tags(answer) if name == "tags" else answer
            problem = actions.field_problem(self.org, name, value, current)
            if problem is not None:
                self.say(f"❌ {problem}")
                doubtful = None
                continue
            remark = actions.field_warning(self.org, name, value)
            if remark is not None:
                self.say(render.warning(remark))
                self.warned.add(remark)
                doubtful = answer
                continue
            return value if value != "" else None

    # -- commands: each parses its line into one call of `actions` -------------------------

    @command("help", "", "Show the commands", "?")
    def do_help(self, args: str) -> None:
        self.say("Commands:")
        entries = {entry.name: entry for entry in COMMANDS.values()}
        last = [entries.pop(name) for name in ("help", "quit")]  # modules add commands later
        for entry in [*entries.values(), *last]:
            self.say(f"  {(entry.name + ' ' + entry.usage).strip():<22} {entry.help}")

    @command("add", "", "Add a contact (asks for each field)")
    def do_add(self, args: str) -> None:
        values = {name: self.ask_field(name, label) for name, label in ADD_FIELDS}
        while True:
            try:
                outcome = actions.add(self.org, values)
                break
            except EmailTakenError as error:  # someone took it since we checked
                self.say(f"❌ {error}")
                values["email"] = self.ask_field("email", _question(fields.field("email")))
        self.report(outcome)

    @command("list", "[n]", f"List contacts, n at a time (default {PAGE_SIZE})", "ls")
    def do_list(self, args: str) -> None:
        size = _page_size(args)
        self.show(lambda cursor: actions.list_contacts(self.org, limit=size, cursor=cursor))

    @command("next", "", "Show the next page of the last list")
    def do_next(self, args: str) -> None:
        if self.view.fetch is None or self.view.next_cursor is None:
            raise UsageProblem("no more results: the last list was complete")
        self._show_page(self.view.next_cursor)

    @command("search", "TERM", "Find contacts by name, company, job title or email words")
    def do_search(self, args: str) -> None:
        term = _required(args, "search", "TERM")
        self.show(lambda cursor: actions.search(self.org, term, limit=PAGE_SIZE, cursor=cursor))

    @command("fuzzy", "TERM", "Search tolerating typos ('jon smth')")
    def do_fuzzy(self, args: str) -> None:
        term = _required(args, "fuzzy", "TERM")
        self.show(
            lambda cursor: actions.search(
                self.org, term, limit=PAGE_SIZE, cursor=cursor, fuzzy=True
            )
        )

    @command("email", "ADDRESS", "Find the contact with this email")
    def do_email(self, args: str) -> None:
        found = actions.email(self.org, _required(args, "email", "ADDRESS"))
        self.show(lambda cursor: found)

    @command("phone", "NUMBER", "Find contacts with this phone, in any format")
    def do_phone(self, args: str) -> None:
        number = _required(args, "phone", "NUMBER")
        self.show(lambda cursor: actions.phone(self.org, number, limit=PAGE_SIZE, cursor=cursor))

    @command("name", "PREFIX", "Contacts whose last name starts with PREFIX, A to Z")
    def do_name(self, args: str) -> None:
        prefix = _required(args, "name", "PREFIX")
        self.show(lambda cursor: actions.name(self.org, prefix, limit=PAGE_SIZE, cursor=cursor))

    @command("tag", "TAG", "Contacts with this tag")
    def do_tag(self, args: str) -> None:
        tag = _required(args, "tag", "TAG")
        self.show(lambda cursor: actions.tag(self.org, tag, limit=PAGE_SIZE, cursor=cursor))

    @command("favorites", "", "List favourite contacts", "favs")
    def do_favorites(self, args: str) -> None:
        self.show(lambda cursor: actions.favorites(self.org, limit=PAGE_SIZE, cursor=cursor))

    @command("favorite", "N|ID", "Mark or unmark contact N as a favourite", "fav")
    def do_favorite(self, args: str) -> None:
        self.report(actions.favorite(self.org, self.contact_id(args)))

    @command("show", "N|ID", "Every field of contact N (or ID), with its activity")
    def do_show(self, args: str) -> None:
        self.report(actions.show(self.org, self.contact_id(args)))

    @command("edit", "N|ID", "Change contact N (Enter keeps a value, '-' clears it)")
    def do_edit(self, args: str) -> None:
        contact = actions.get(self.org, self.contact_id(args))
        changes: dict[str, Any] = {}
        for name, label in ADD_FIELDS:
            current = getattr(contact, name)
            shown = ", ".join(current) if name == "tags" else current
            value = self.ask_field(name, label, shown or "")
            if value is not _UNCHANGED:
                changes[name] = [] if name == "tags" and value is None else value
        if not changes:  # Enter on every question: not an error at a prompt
            self.say("Nothing changed.")
            return
        self.report(actions.update(self.org, contact.id, changes, contact.version))

    @command("note", "N|ID TEXT", "Record an interaction with contact N")
    def do_note(self, args: str) -> None:
        number, _, text = args.partition(" ")
        contact_id = self.contact_id(number)
        if not text.strip():
            raise UsageProblem("usage: note N TEXT (for example: note 1 called about renewal)")
        self.report(actions.note(self.org, contact_id, text.strip()))

    @command("delete", "N|ID", "Delete contact N (asks first)", "rm")
    def do_delete(self, args: str) -> None:
        contact_id = self.contact_id(args)
        outcome = actions.delete(self.org, contact_id, self.confirm)
        if outcome.data is not None:
            self.forget(contact_id)
        self.report(outcome)

    @command("quit", "", "Leave (Ctrl-D works too)", "exit")
    def do_quit(self, args: str) -> bool:
        return False


_UNCHANGED: Any = object()


def _required(args: str, name: str, what: str) -> str:
    if not args:
        raise UsageProblem(f"usage: {name} {what}")
    return args


def _page_size(args: str) -> int:
    if not args:
        return PAGE_SIZE
    if not args.isdigit() or not 1 <= int(args) <= 100:
        raise UsageProblem("usage: list [n], with n from 1 to 100")
    return int(args)


def history_file() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME)) / "history"


@contextlib.contextmanager
def readline_history(path: Path | None) -> Iterator[None]:
    """Line editing, and history kept across sessions in ``path``."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input() still works
        yield
        return
    if path is not None and path.exists():
        readline.read_history_file(path)
    readline.set_history_length(HISTORY_LENGTH)
    try:
        yield
    finally:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)


@contextlib.contextmanager
def _history_excluded() -> Iterator[None]:
    try:
        import readline
    except ImportError:
        yield
        return
    before = readline.get_current_history_length()
    try:
        yield
    finally:
        while readline.get_current_history_length() > before:
            readline.remove_history_item(readline.get_current_history_length() - 1)


@click.command(name="shell")
@connection_options(org_required=False, json_flag=False)
@click.option(
    "--history/--no-history", default=True, help="Keep command history in the user state dir."
)
def shell_command(settings: Settings, history: bool) -> None:
    """Start the interactive contacts app (the seed's session).

    Type 'help' inside for the commands; Ctrl-C cancels a prompt, Ctrl-D at a question cancels
    the command and at the prompt quits. Exits 1 when the input ends inside a command.
    """
    with open_session(settings) as session:
        code = Shell(session, history=history_file() if history else None).run()
    click.get_current_context().exit(code)
