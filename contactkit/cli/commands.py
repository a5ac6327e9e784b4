"""The scriptable commands: ``contactkit add|get|list|search|...``, click options over ``actions``.

Each command parses its options into the one call of ``actions.py`` that the shell makes too,
and prints what it returns.

Every command takes ``--org``, ``--endpoint-url``, ``--aws``, ``--region``, ``--table`` and
``--json``. Exit codes: 0 success, 1 a user error (one line on stderr, never a traceback),
2 a usage error (click's own).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from ..errors import ContactKitError
from . import actions, render
from .context import Session, Settings, open_session
from .options import Command, connection_options
from .oserrors import describe_os_error
from .tags import split_tags


class ContactKitGroup(click.Group):
    """A click group that turns contactkit's errors into one-line errors with exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ContactKitError as error:
            raise click.ClickException(str(error)) from error
        except OSError as error:
            raise click.ClickException(describe_os_error(error)) from error


@contextmanager
def session(settings: Settings, *, cursors: bool = False) -> Iterator[Session]:
    """Open the org for one command, warning when its data will not outlive the command."""
    with open_session(settings, persistent_cursors=cursors) as opened:
        if opened.db.backend == "embedded":
            click.echo(
                "note: no endpoint given, so this command used a throwaway in-memory engine; "
                "run `contactkit serve` and pass --endpoint-url http://127.0.0.1:8000 to keep data",
                err=True,
            )
        yield opened


def emit(settings: Settings, data: Any, lines: list[str]) -> None:
    """Print ``data`` as JSON with ``--json``, else the text lines."""
    if settings.json:
        click.echo(json.dumps(render.to_json(data), ensure_ascii=False, indent=2))
    else:
        for line in lines:
            click.echo(line)


def emit_outcome(settings: Settings, outcome: actions.Outcome[Any], *more: str) -> None:
    """Warnings on stderr, then the outcome (``more`` lines after its text); exit 1 on its error."""
    warn(outcome.warnings)
    emit(settings, outcome.data, [*outcome.lines, *more])
    if outcome.error is not None:
        raise click.ClickException(outcome.error)


def emit_page(settings: Settings, listing: actions.Listing, command: str) -> None:
    """A page with full ids, and the command that prints the next one."""
    page = listing.page
    lines = listing.lines(full_id=True)
    if page.next_cursor:
        lines += ["", f"Next page: contactkit {command} --cursor {page.next_cursor}"]
    emit(settings, page, lines)


def warn(lines: Iterable[str]) -> None:
    for line in lines:
        click.echo(render.warning(line), err=True)


page_options = [
    click.option(
        "--limit", type=click.IntRange(1, 100), default=25, show_default=True, help="Page size."
    ),
    click.option("--cursor", help="Resume after the page that printed this cursor."),
]


def paged(func: Command) -> Command:
    for option in reversed(page_options):
        func = option(func)
    return func


@click.group(cls=ContactKitGroup, invoke_without_command=True)
@click.version_option(package_name="contactkit")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """contactkit: multi-tenant contacts on DynamoDB.

    Without a command, starts the interactive shell (`contactkit shell`).
    """
    if ctx.invoked_subcommand is None:
        # Looked up by name (contactkit.cli registers it): shell.py is not imported here.
        shell_command = cli.get_command(ctx, "shell")
        assert shell_command is not None, "contactkit.cli registers the shell command"
        with shell_command.make_context("shell", [], parent=ctx) as shell_context:
            shell_command.invoke(shell_context)


contact_fields = [
    click.option("--first-name", help="First name."),
    click.option("--last-name", help="Last name."),
    click.option("--email", help="Email address (unique in the org)."),
    click.option("--phone", help="Phone, any format; normalised to E.164 when possible."),
    click.option("--company", help="Company."),
    click.option("--job-title", help="Job title."),
    click.option("--tags", help="Comma-separated tags, e.g. 'vip, client'."),
    click.option("--notes", help="Free-text notes."),
]


def given_fields(values: dict[str, Any]) -> dict[str, Any]:
    fields = {name: value for name, value in values.items() if value is not None}
    if "tags" in fields:
        fields["tags"] = split_tags(fields["tags"])
    return fields


@cli.command()
@connection_options()
@click.option("--first-name", required=True, help="First name.")
@click.option("--last-name", required=True, help="Last name.")
@click.option("--email", required=True, help="Email address (unique in the org).")
@click.option("--phone", help="Phone, any format; normalised to E.164 when possible.")
@click.option("--company", help="Company.")
@click.option("--job-title", help="Job title.")
@click.option("--tags", help="Comma-separated tags, e.g. 'vip, client'.")
@click.option("--notes", help="Free-text notes.")
@click.option("--favorite", is_flag=True, help="Mark as a favourite.")
def add(settings: Settings, **values: Any) -> None:
    """Add a contact."""
    with session(settings) as opened:
        outcome = actions.add(opened.org, given_fields(values))
    # Scripts act on contacts by id; the shell shows the seed's one line.
    emit_outcome(settings, outcome, f"   ID: {outcome.data.id}")


@cli.command()
@connection_options()
@click.argument("contact_id")
def get(settings: Settings, contact_id: str) -> None:
    """Show every field of a contact, with its recent activity."""
    with session(settings) as opened:
        outcome = actions.show(opened.org, contact_id)
    emit_outcome(settings, outcome)


def field_options(func: Command) -> Command:
    for option in reversed(contact_fields):
        func = option(func)
    return func


@cli.command()
@connection_options()
@click.argument("contact_id")
@field_options
@click.option(
    "--expected-version", type=int, help="Refuse the update if the contact changed since then."
)
@click.option("--favorite/--no-favorite", default=None, help="Mark or unmark as a favourite.")
def update(
    settings: Settings, contact_id: str, expected_version: int | None, **values: Any
) -> None:
    """Change some fields of a contact (only the options given)."""
    with session(settings) as opened:
        outcome = actions.update(opened.org, contact_id, given_fields(values), expected_version)
    emit_outcome(settings, outcome)


@cli.command()
@connection_options()
@click.argument("contact_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(settings: Settings, contact_id: str, yes: bool) -> None:
    """Delete a contact, its tags and its activity."""

    def confirm(question: str) -> bool:
        return yes or click.confirm(question, abort=True, err=True)

    with session(settings) as opened:
        outcome = actions.delete(opened.org, contact_id, confirm)
    emit_outcome(settings, outcome)


@cli.command(name="list")
@connection_options()
@paged
@click.option(
    "--order",
    type=click.Choice(["created", "name"]),
    default="created",
    show_default=True,
    help="Oldest first, or A to Z by last name.",
)
def list_contacts(settings: Settings, limit: int, cursor: str | None, order: str) -> None:
    """List contacts one page at a time (--cursor continues where the last page ended)."""
    by_name = order == "name"
    with session(settings, cursors=True) as opened:
        listing = actions.list_contacts(
            opened.org, limit=limit, cursor=cursor, order="name" if by_name else "created"
        )
    emit_page(settings, listing, "list" + (" --order name" if by_name else ""))


@cli.command()
@connection_options()
@paged
@click.argument("term")
@click.option("--fuzzy", is_flag=True, help="Tolerate typos (reads the whole org).")
def search(settings: Settings, term: str, limit: int, cursor: str | None, fuzzy: bool) -> None:
    """Find contacts by words of their name, company, job title or email."""
    with session(settings, cursors=True) as opened:
        listing = actions.search(opened.org, term, limit=limit, cursor=cursor, fuzzy=fuzzy)
    emit_page(settings, listing, f"search {term!r}" + (" --fuzzy" if fuzzy else ""))


@cli.command()
@connection_options()
@click.argument("address")
def email(settings: Settings, address: str) -> None:
    """Find the contact with this email (exits 1 if there is none)."""
    with session(settings) as opened:
        listing = actions.email(opened.org, address)
    found = listing.page.items[0] if listing.page.items else None
    emit(settings, found, listing.lines(full_id=True))
    if listing.error is not None:
        raise click.ClickException(listing.error)


def lookup_command(name: str, metavar: str, help: str) -> None:
    """``contactkit NAME VALUE``: one page of ``actions.NAME(org, VALUE)``, with full ids."""

    @cli.command(name=name, help=help)
    @connection_options()
    @paged
    @click.argument("value", metavar=metavar)
    def lookup(settings: Settings, value: str, limit: int, cursor: str | None) -> None:
        find = getattr(actions, name)  # looked up per call: actions.phone, actions.name...
        with session(settings, cursors=True) as opened:
            listing = find(opened.org, value, limit=limit, cursor=cursor)
        emit_page(settings, listing, f"{name} {value!r}")


lookup_command("phone", "NUMBER", "Find contacts with this phone number, in any format.")
lookup_command(
    "name", "PREFIX", "Find contacts whose last name starts with PREFIX (or 'last, first'), A to Z."
)
lookup_command("tag", "TAG", "Find contacts with this tag.")


@cli.command()
@connection_options()
@paged
def favorites(settings: Settings, limit: int, cursor: str | None) -> None:
    """List favourite contacts."""
    with session(settings, cursors=True) as opened:
        listing = actions.favorites(opened.org, limit=limit, cursor=cursor)
    emit_page(settings, listing, "favorites")


@cli.command()
@connection_options()
@click.argument("contact_id")
@click.option("--off", is_flag=True, help="Unmark instead.")
def favorite(settings: Settings, contact_id: str, off: bool) -> None:
    """Mark a contact as a favourite (--off to unmark)."""
    with session(settings) as opened:
        outcome = actions.favorite(opened.org, contact_id, on=not off)
    emit_outcome(settings, outcome)


@cli.command()
@connection_options()
@click.argument("contact_id")
@click.argument("text")
@click.option("--kind", default="note", show_default=True, help="call, meeting, email, note...")
def note(settings: Settings, contact_id: str, text: str, kind: str) -> None:
    """Record an interaction with a contact (updates its last-contacted time)."""
    with session(settings) as opened:
        outcome = actions.note(opened.org, contact_id, text, kind)
    emit_outcome(settings, outcome)
