"""What every command needs: which backend, table and org, opened at the edge and closed after.

The options are shared by the scriptable commands and the shell (``--org``, ``--endpoint-url``,
``--aws``, ``--region``, ``--table``; declared in ``options.py``); :func:`open_session` turns
them into a connected :class:`Session`. Library errors are turned into one-line CLI errors in
``commands.py`` (``shell.py`` for the shell's commands).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..connection import Database, connect
from ..errors import ConfigurationError, backend_errors
from ..store import OrgStore
from ..table import Table
from .secret import cursor_secret

ORG_VARIABLES = ("CONTACTKIT_ORG", "ORG_ID")  # ORG_ID is the seed app's variable
TABLE_VARIABLE = "CONTACTKIT_TABLE"
DEFAULT_TABLE = "contacts"


@dataclass(frozen=True)
class Settings:
    """Where the data lives, as given on the command line or in the environment."""

    org: str | None = None
    endpoint_url: str | None = None
    aws: bool = False
    region: str | None = None
    table: str = DEFAULT_TABLE
    json: bool = False


@dataclass
class Session:
    """An open connection to one org of one table."""

    db: Database
    table: Table
    org: OrgStore

    @property
    def backend_description(self) -> str:
        if self.db.backend == "embedded":
            return "embedded engine (in memory: data is discarded on exit; see `contactkit serve`)"
        if self.db.backend == "endpoint":
            return f"endpoint {self.db.endpoint_url}"
        return f"AWS DynamoDB ({self.db.client.meta.region_name})"


def random_org_id() -> str:
    """A new ``org-xxxxxxxx`` id, as the seed app makes when none is given."""
    return f"org-{secrets.token_hex(4)}"


@contextmanager
def open_session(settings: Settings, *, persistent_cursors: bool = False) -> Iterator[Session]:
    """Connect, make sure the table exists (local backends only), and open the org.

    ``persistent_cursors`` signs cursors with the secret in the user's config directory, so a
    cursor printed by one command works in the next one.
    """
    org_id = settings.org or random_org_id()
    secret = cursor_secret() if persistent_cursors else None
    with backend_errors("request"):  # building the client (a bad profile or region)
        db = connect(
            settings.endpoint_url, aws=settings.aws, region=settings.region, cursor_secret=secret
        )
    try:
        table = db.table(settings.table)
        if db.backend != "aws":
            table.create(exist_ok=True)
        elif not table.exists():
            raise ConfigurationError(
                f"table {settings.table!r} does not exist in AWS; create it with "
                f"contactkit's schema first (db.table({settings.table!r}).create())"
            )
        yield Session(db, table, table.org(org_id))
    finally:
        db.close()
