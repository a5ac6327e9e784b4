"""Scriptable commands over whole sets of contacts: import, export, stats, backup, restore."""

from __future__ import annotations

from pathlib import Path

import click

from . import render
from .commands import cli, emit, session
from .context import Settings
from .options import connection_options

FILE = click.Path(dir_okay=False, path_type=Path)


@cli.command(name="import")
@connection_options()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "file_format",
    help="csv, json, jsonl, google, google-old, outlook, google-outlook or vcard "
    "(default: from the extension and the header).",
)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option(
    "--on-conflict",
    type=click.Choice(["skip", "update"]),
    default="skip",
    show_default=True,
    help="What to do with an email already in the org.",
)
def import_file(
    settings: Settings, path: Path, file_format: str | None, dry_run: bool, on_conflict: str
) -> None:
    """Import contacts from a file; exits 1 if some rows were invalid or not written."""
    with session(settings) as opened:
        report = opened.org.import_contacts(
            path,
            format=file_format,
            dry_run=dry_run,
            on_conflict="update" if on_conflict == "update" else "skip",
            progress=False,
        )
    emit(settings, report, render.import_report(report))
    if not report.ok:
        problems = len(report.invalid_rows) + len(report.failed)
        raise click.ClickException(f"{problems} of {report.rows} rows were not imported")


@cli.command()
@connection_options()
@click.argument("path", type=FILE)
@click.option("--format", "file_format", help="csv, json or vcf (default: from the extension).")
def export(settings: Settings, path: Path, file_format: str | None) -> None:
    """Write every contact of the org to a CSV, JSON or vCard file."""
    with session(settings) as opened:
        report = opened.org.export(path, file_format)
    emit(
        settings,
        report,
        [f"📤 Exported {report.contacts} contacts to {report.path} ({report.format})"],
    )


@cli.command()
@connection_options()
def stats(settings: Settings) -> None:
    """Statistics of the org: totals, favourites, top companies and tags."""
    with session(settings) as opened:
        numbers = opened.org.stats()
    emit(settings, numbers, render.stats(opened.org.org_id, numbers))


@cli.command()
@connection_options()
@click.argument("path", type=FILE)
@click.option("--whole-table", is_flag=True, help="Back up every org of the table, not only --org.")
def backup(settings: Settings, path: Path, whole_table: bool) -> None:
    """Back up the org's items (or the whole table) to a gzip DynamoDB-JSON file."""
    with session(settings) as opened:
        report = opened.table.backup(path, org=None if whole_table else opened.org.org_id)
    emit(settings, report, [f"💾 Backed up {report.items} items to {report.path}"])


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
        report = opened.table.restore(
            path, settings.org, whole_table=whole_table, mode="replace" if replace else "empty"
        )
    orgs = ", ".join(report.orgs)
    emit(settings, report, [f"♻️  Restored {report.items} items of {orgs} from {report.path}"])
