"""The cursor secret of the command line, kept in the user's config directory.

Cursors are signed (see :mod:`contactkit.dynamo.cursor`); a per-process secret would make the cursor
printed by one ``contactkit list`` useless to the next. Unless ``CONTACTKIT_CURSOR_SECRET`` is
set, the CLI keeps a random secret in ``<user config dir>/contactkit/cursor-secret``, created on
first use with mode 0600 (the directory 0700), and refuses a file others can read.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

import platformdirs

from ..dynamo.cursor import SECRET_ENV_VAR
from ..errors import ConfigurationError

APP_NAME = "contactkit"
SECRET_FILE = "cursor-secret"


def config_dir() -> Path:
    """The user's contactkit config directory (``$XDG_CONFIG_HOME/contactkit`` on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME))


def cursor_secret(directory: Path | None = None) -> str | None:
    """The secret to sign cursors with; ``None`` when ``CONTACTKIT_CURSOR_SECRET`` configures it."""
    if os.environ.get(SECRET_ENV_VAR) is not None:
        return None  # connect() reads the variable itself
    path = (directory or config_dir()) / SECRET_FILE
    try:
        return _read_private(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    temporary = path.with_name(f".{SECRET_FILE}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
    try:
        # A hard link appears complete or not at all, and fails if the name exists: when two
        # first runs race, the loser reads the winner's secret instead of overwriting it.
        os.link(temporary, path)
    except FileExistsError:
        return _read_private(path)
    finally:
        temporary.unlink()
    return secret


def _read_private(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"{path} can be read by other users; run `chmod 600 {path}` (or delete it to get a "
            f"new one, which invalidates printed cursors)"
        )
    secret = path.read_text(encoding="ascii").strip()
    if not secret:
        raise ConfigurationError(f"{path} is empty; delete it and contactkit will create a new one")
    return secret
