"""Tags as typed on the command line and at the shell's prompt: comma-separated."""

from __future__ import annotations


def split_tags(text: str) -> list[str]:
    """``"vip, client,"`` -> ``["vip", "client"]``."""
    return [tag.strip() for tag in text.split(",") if tag.strip()]
