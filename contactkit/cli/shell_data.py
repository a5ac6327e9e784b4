"""Shell commands over whole sets of contacts: import, export, groups, duplicates, stats.

Registered into the shell's command table on import (``contactkit.cli`` imports this module).
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..dynamo.paging import Page
from . import render
from .seed import SEED_CONTACTS
from .shell import PAGE_SIZE, Shell, UsageProblem, command


@command("import", "[PATH]", "Import the seed's three contacts, or a CSV/JSON/vCard file")
def do_import(shell: Shell, args: str) -> None:
    source = Path(args).expanduser() if args else [dict(c) for c in SEED_CONTACTS]
    if isinstance(source, Path) and not source.is_file():
        raise UsageProblem(f"no file {str(source)!r}")
    report = shell.org.import_contacts(source)
    for line in render.import_report(report):
        shell.say(line)


@command("export", "PATH", "Write every contact to PATH (.csv, .json or .vcf)")
def do_export(shell: Shell, args: str) -> None:
    if not args:
        raise UsageProblem("usage: export PATH (the extension picks csv, json or vcf)")
    report = shell.org.export(Path(args).expanduser())
    shell.say(f"📤 Exported {report.contacts} contacts to {report.path} ({report.format})")


@command("stats", "", "Statistics: totals, favourites, top companies and tags")
def do_stats(shell: Shell, args: str) -> None:
    for line in render.stats(shell.org.org_id, shell.org.stats()):
        shell.say(line)


@command("groups", "", "List the groups")
def do_groups(shell: Shell, args: str) -> None:
    for line in render.groups(shell.org.groups()):
        shell.say(line)


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
        shell.say(f"👪 Created group {shell.org.create_group(rest[0]).name}")
    elif action == "rename" and len(rest) == 2:
        shell.say(f"👪 Renamed group {rest[0]} to {shell.org.rename_group(rest[0], rest[1]).name}")
    elif action == "delete" and len(rest) == 1:
        left = shell.org.delete_group(rest[0])
        shell.say(f"🗑️  Deleted group {rest[0]} ({left} members left it)")
    elif action in {"add", "remove"} and len(rest) >= 2:
        name, ids = rest[0], [shell.contact_id(n) for n in rest[1:]]
        change = shell.org.add_to_group if action == "add" else shell.org.remove_from_group
        for contact_id in ids:
            contact = change(name, contact_id)
            verb = "Added" if action == "add" else "Removed"
            shell.say(f"👪 {verb} {contact.full_name} {'to' if action == 'add' else 'from'} {name}")
    elif action == "show" and len(rest) == 1:
        name = rest[0]
        shell.show(
            f"Group {name}",
            lambda cursor: shell.org.group_members(name, limit=PAGE_SIZE, cursor=cursor),
        )
    else:
        raise UsageProblem(GROUP_USAGE)


@command("duplicates", "", "Pairs that may be one person, numbered for 'merge N M'")
def do_duplicates(shell: Shell, args: str) -> None:
    pairs = shell.org.duplicate_candidates()
    if not pairs:
        shell.say("✅ No likely duplicates.")
        return
    shown = [contact for pair in pairs for contact in (pair.first, pair.second)]
    shell.show(f"Possible duplicates, {len(pairs)} pairs", lambda cursor: Page(shown))
    for index, pair in enumerate(pairs):
        reasons = ", ".join(pair.reasons)
        shell.say(f"   {2 * index + 1} ↔ {2 * index + 2}: score {pair.score:.0f} ({reasons})")


@command("merge", "N M", "Fold contact M into contact N (asks first), then delete M")
def do_merge(shell: Shell, args: str) -> None:
    numbers = args.split()
    if len(numbers) != 2:
        raise UsageProblem("usage: merge N M (keeps N, folds M into it)")
    keep, other = (shell.org.get(shell.contact_id(n)) for n in numbers)
    if keep.id == other.id:
        raise UsageProblem("N and M are the same contact")
    answer = shell.ask(f"Merge {other.full_name} <{other.email}> into {keep.full_name}? [y/N]: ")
    if answer.strip().lower() not in {"y", "yes"}:
        shell.say("Not merged.")
        return
    merged = shell.org.merge(keep.id, other.id)
    shell.view.numbers = {n: i for n, i in shell.view.numbers.items() if i != other.id}
    shell.say(f"🔀 Merged {other.full_name} into {merged.full_name}")
