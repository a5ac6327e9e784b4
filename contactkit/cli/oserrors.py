"""File errors (of import, export, backup, restore) as the one line the CLI prints."""

from __future__ import annotations


def describe_os_error(error: OSError) -> str:
    """``cannot use /x/y.csv: Permission denied`` (file errors of import, export, backup)."""
    where = f" {error.filename}" if error.filename else ""
    return f"cannot use{where}: {error.strerror or error}"
