"""``python -m contactkit``: the command line (the interactive shell when no command is given)."""

from __future__ import annotations

from .cli import main

main()
