"""The contacts app: ``contactkit shell``, scriptable commands, and ``contactkit serve``.

A thin layer over the library (needs the ``cli`` extra: click, platformdirs)::

    contactkit shell --org org-a1b2c3d4          # the seed's interactive session
    contactkit list --org org-a1b2c3d4 --json    # scriptable, machine-readable
    contactkit serve --snapshot data.json        # a local DynamoDB endpoint on 127.0.0.1:8000
"""

from __future__ import annotations

from . import commands_data, shell_data
from .commands import cli
from .serve import serve_command
from .shell import shell_command

cli.add_command(shell_command)
cli.add_command(serve_command)
_REGISTERED = (commands_data, shell_data)  # imported for their commands


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``contactkit`` console script and ``python -m contactkit``."""
    cli.main(args=argv, prog_name="contactkit")


__all__ = ["cli", "main"]
