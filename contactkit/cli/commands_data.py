"""Scriptable commands over whole sets of contacts (import)."""

from __future__ import annotations

from pathlib import Path

import click

from . import render
from .commands import cli, connection_options, emit, session
from .context import Settings


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
