"""Shell commands over whole sets of contacts: import, export, groups, duplicates, stats.

Registered into the shell's command table on import (``contactkit.cli`` imports this module).
Each parses its line into one call of ``actions.py``, as the shell's other commands do.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from . import actions
from .shell import PAGE_SIZE, Shell, UsageProblem, command


@command("import", "[PATH]", "Import the seed's three contacts, or a CSV/JSON/vCard file")
def do_import(shell: Shell, args: str) -> None:
    path = Path(args).expanduser() if args else None
    if path is not None and not path.is_file():
        raise UsageProblem(f"no file {str(path)!r}")
    # The report names every row not imported: the shell needs no summary error after it.
    shell.report(actions.import_contacts(shell.org, path))


@command("export", "PATH", "Write every contact to PATH (.csv, .json or .vcf)")
def do_export(shell: Shell, args: str) -> None:
    if not args:
        raise UsageProblem("usage: export PATH (the extension picks csv, json or vcf)")
    shell.report(actions.export(shell.org, Path(args).expanduser()))


@command("stats", "", "Statistics: totals, favourites, top companies and tags")
def do_stats(shell: Shell, args: str) -> None:
    shell.report(actions.stats(shell.org))


@command("groups", "", "List the groups")
def do_groups(shell: Shell, args: str) -> None:
    shell.report(actions.groups(shell.org))


GROUP_USAGE = (
    "usage: group create NAME | group rename OLD NEW | group delete NAME | "
    "group add NAME N... | group remove NAME N... | group show NAME"
)


@command("group", "ACTION ...", "create/rename/delete a group, add/remove N, show members")
def do_group(shell: Shell, args: str) -> None:
    try:
        words = shlex.split(args)  # quotes allow names with spaces: group create "Board Members"
    except ValueError as exc:
        raise UsageProblem(f"{exc}; {GROUP_USAGE}") from exc
    action, rest = (words[0].lower(), words[1:]) if words else ("", [])
    if action == "create" and len(rest) == 1:
        shell.report(actions.create_group(shell.org, rest[0]))
    elif action == "rename" and len(rest) == 2:
        shell.report(actions.rename_group(shell.org, rest[0], rest[1]))
    elif action == "delete" and len(rest) == 1:
        shell.report(actions.delete_group(shell.org, rest[0]))
    elif action in {"add", "remove"} and len(rest) >= 2:
        name, ids = rest[0], [shell.contact_id(n) for n in rest[1:]]
        change = actions.add_to_group if action == "add" else actions.remove_from_group
        for contact_id in ids:  # one at a time: each done is said before a later one fails
            shell.report(change(shell.org, name, [contact_id]))
    elif action == "show" and len(rest) == 1:
        name = rest[0]
        shell.show(
            lambda cursor: actions.group_members(shell.org, name, limit=PAGE_SIZE, cursor=cursor)
        )
    else:
        raise UsageProblem(GROUP_USAGE)


@command("duplicates", "", "Pairs that may be one person, numbered for 'merge N M'")
def do_duplicates(shell: Shell, args: str) -> None:
    found = actions.duplicates(shell.org)
    shell.show(lambda cursor: found)


@command("merge", "N M", "Fold contact M into contact N (asks first), then delete M")
def do_merge(shell: Shell, args: str) -> None:
    numbers = args.split()
    if len(numbers) != 2:
        raise UsageProblem("usage: merge N M (keeps N, folds M into it)")
    keep_id, other_id = (shell.contact_id(n) for n in numbers)
    if keep_id == other_id:
        raise UsageProblem("N and M are the same contact")
    outcome = actions.merge(shell.org, keep_id, other_id, shell.confirm)
    if outcome.data is not None:
        shell.forget(other_id)
    shell.report(outcome)
