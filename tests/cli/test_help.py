"""Every command documents itself: a command without help text fails here."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from contactkit.cli import cli
from contactkit.cli.shell import COMMANDS


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
    return found


COMMAND_PATHS = all_commands(cli)


def resolve(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def test_the_issue_commands_exist() -> None:
    names = {path[0] for path in COMMAND_PATHS}
    for name in (
        "add",
        "get",
        "list",
        "search",
        "email",
        "phone",
        "tag",
        "favorites",
        "delete",
        "shell",
        "serve",
    ):
        assert name in names


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=" ".join)
def test_command_has_help_and_every_option_too(path: tuple[str, ...]) -> None:
    command = resolve(path)
    assert command.help and command.help.strip(), f"`contactkit {' '.join(path)}` has no help"
    assert command.get_short_help_str().strip()
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"`contactkit {' '.join(path)}` option {param.opts} has no help"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")


@pytest.mark.parametrize(
    "path", [p for p in COMMAND_PATHS if p[0] not in {"shell", "serve"}], ids=" ".join
)
def test_scriptable_commands_share_the_connection_options(path: tuple[str, ...]) -> None:
    options = {opt for param in resolve(path).params for opt in param.opts}
    assert {"--org", "--endpoint-url", "--table", "--json"} <= options


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_shell_command_has_help(name: str) -> None:
    assert COMMANDS[name].help.strip(), f"shell command {name!r} has no help"
