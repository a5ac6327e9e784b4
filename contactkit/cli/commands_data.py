"""Scriptable commands over whole sets of contacts: import, export, stats, backup, restore.

Each parses its options into the one call of ``actions.py`` that the shell makes too.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import click

from ..io.importer import OnConflict
from . import actions
from .commands import cli, emit_outcome, session
from .context import Settings
from .options import connection_options

FILE = click.Path(dir_okay=False, path_type=Path)


@cli.command(name="import")
@connection_options()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "file_format",
    help="csv, json, jsonl, google, google-old, outlook, google-outlook, thunderbird or vcard "
    "(default: from the extension and the header).",
)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option(
    "--on-conflict",
    type=click.Choice(get_args(OnConflict)),
    default="skip",
    show_default=True,
    help="A row whose email or id is already in the org: skip it, update the contact with "
    "the row, or merge the row into it (the contact's values win).",
)
def import_file(
    settings: Settings,
    path: Path,
    file_format: str | None,
    dry_run: bool,
    on_conflict: OnConflict,
) -> None:
    """Import contacts from a file; exits 1 if some rows were invalid or not written."""
    with session(settings) as opened:
        outcome = actions.import_contacts(
            opened.org,
            path,
            file_format=file_format,
            dry_run=dry_run,
            on_conflict=on_conflict,
            progress=False,
        )
    emit_outcome(settings, outcome)


@cli.command()
@connection_options()
@click.argument("path", type=FILE)
@click.option("--format", "file_format", help="csv, json or vcf (default: from the extension).")
def export(settings: Settings, path: Path, file_format: str | None) -> None:
    """Write every contact of the org to a CSV, JSON or vCard file."""
    with session(settings) as opened:
        outcome = actions.export(opened.org, path, file_format)
    emit_outcome(settings, outcome)


@cli.command()
@connection_options()
def stats(settings: Settings) -> None:
    """Statistics of the org: totals, favourites, top companies and tags."""
    with session(settings) as opened:
        outcome = actions.stats(opened.org)
    emit_outcome(settings, outcome)


@cli.command()
@connection_options()
@click.argument("path", type=FILE)
@click.option("--whole-table", is_flag=True, help="Back up every org of the table, not only --org.")
def backup(settings: Settings, path: Path, whole_table: bool) -> None:
    """Back up the org's items (or the whole table) to a gzip DynamoDB-JSON file."""
    with session(settings) as opened:
        org_id = None if whole_table else opened.org.org_id
        outcome = actions.backup(opened.table, path, org_id)
    emit_outcome(settings, outcome)


@cli.command()
@connection_options(org_required=False)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Erase the org's items first (else it must be empty)."
)
@click.option("--whole-table", is_flag=True, help="Restore every org of a whole-table backup.")
def restore(settings: Settings, path: Path, replace: bool, whole_table: bool) -> None:
    """Restore a backup into its org (--org, or the one org in the file), an empty one."""
    with session(settings) as opened:
        outcome = actions.restore(
            opened.table,
            path,
            settings.org,
            whole_table=whole_table,
            mode="replace" if replace else "empty",
        )
    emit_outcome(settings, outcome)
