"""The connection options every command shares, scriptable or interactive.

``--org``, ``--endpoint-url``, ``--aws``, ``--region``, ``--table`` (and ``--json`` for the
scriptable commands) reach the command as one :class:`~contactkit.cli.context.Settings`
argument, which :func:`~contactkit.cli.context.open_session` turns into a connected session.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from .context import DEFAULT_TABLE, ORG_VARIABLES, TABLE_VARIABLE, Settings

Command = Callable[..., Any]


def connection_options(
    *, org_required: bool = True, json_flag: bool = True
) -> Callable[[Command], Command]:
    """The options every command shares, handed to the command as one ``settings`` argument."""

    def decorate(func: Command) -> Command:
        @functools.wraps(func)
        def wrapper(
            org: str | None,
            endpoint_url: str | None,
            aws: bool,
            region: str | None,
            table: str,
            json_output: bool = False,
            **kwargs: Any,
        ) -> Any:
            settings = Settings(org, endpoint_url, aws, region, table, json_output)
            return func(settings, **kwargs)

        options = [
            click.option(
                "--org",
                envvar=list(ORG_VARIABLES),
                required=org_required,
                help="Org id, e.g. org-a1b2c3d4 (env CONTACTKIT_ORG or ORG_ID)."
                + ("" if org_required else " Default: a new random org."),
            ),
            click.option(
                "--endpoint-url",
                envvar="AWS_ENDPOINT_URL_DYNAMODB",
                help="DynamoDB endpoint, e.g. http://127.0.0.1:8000 from `contactkit serve` "
                "(env AWS_ENDPOINT_URL_DYNAMODB). Default: an in-memory embedded engine.",
            ),
            click.option("--aws", is_flag=True, help="Use real AWS DynamoDB (explicit opt-in)."),
            click.option("--region", help="AWS region (with --aws)."),
            click.option(
                "--table",
                envvar=TABLE_VARIABLE,
                default=DEFAULT_TABLE,
                show_default=True,
                help="Table name (env CONTACTKIT_TABLE).",
            ),
        ]
        if json_flag:
            options.append(
                click.option("--json", "json_output", is_flag=True, help="Print JSON for scripts.")
            )
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate
