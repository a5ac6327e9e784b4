"""Shell commands over whole sets of contacts (import).

Registered into the shell's command table on import (``contactkit.cli`` imports this module).
"""

from __future__ import annotations

from pathlib import Path

from . import render
from .seed import SEED_CONTACTS
from .shell import Shell, UsageProblem, command


@command("import", "[PATH]", "Import the seed's three contacts, or a CSV/JSON/vCard file")
def do_import(shell: Shell, args: str) -> None:
    source = Path(args).expanduser() if args else [dict(c) for c in SEED_CONTACTS]
    if isinstance(source, Path) and not source.is_file():
        raise UsageProblem(f"no file {str(source)!r}")
    report = shell.org.import_contacts(source)
    for line in render.import_report(report):
        shell.say(line)
