"""A contacts table: create it (waiting until it is usable), delete it, and open an org in it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dynamo import schema
from .dynamo.meter import Meter
from .errors import BackendError, ConfigurationError, ContactKitError
from .io import backup
from .io.backup import BackupReport, RestoreMode, RestoreReport

if TYPE_CHECKING:
    from .connection import Database
    from .store import OrgStore


class Table:
    """One DynamoDB table holding contacts of many orgs. Get it from ``db.table(name)``."""

    def __init__(self, db: Database, name: str = schema.DEFAULT_TABLE_NAME) -> None:
        self.db = db
        self.name = name
        self.client = db.client  # plain boto3, for event hooks and the lessons' own requests
        self.dynamo = db.dynamo  # every request of the library goes through this

    def __repr__(self) -> str:
        return f"<contactkit.Table {self.name!r} on {self.db.backend}>"

    def org(self, org_id: str, *, phone_region: str = "US", cache_size: int = 0) -> OrgStore:
        """The store of one tenant: every read and write stays inside ``org_id``.

        ``phone_region`` is the default region for phones without a country code;
        ``cache_size`` > 0 turns on a read-through cache for ``get`` (off by default).
        """
        from .store import OrgStore

        return OrgStore(self, org_id, phone_region=phone_region, cache_size=cache_size)

    def meter(self) -> Meter:
        """A :class:`~contactkit.dynamo.meter.Meter` of the requests sent by this table's client.

        Example::

            with table.meter() as m:
                org.get(contact_id)
            m.requests, m.items_read, m.rcu      # 1, 1, 1.0
        """
        return Meter(self.client)

    def backup(self, path: str | Path, org: str | None = None) -> BackupReport:
        """Write the table's items (or one org's) to ``path``: gzip DynamoDB JSON, one per line.

        The format of DynamoDB's "Export to S3", see :mod:`contactkit.io.backup`.

        Example::

            table.backup("contacts.json.gz")
        """
        return backup.backup(self.dynamo, self.name, path, org)

    def restore(
        self,
        path: str | Path,
        org: str | None = None,
        *,
        whole_table: bool = False,
        mode: RestoreMode = "empty",
    ) -> RestoreReport:
        """Put a backup or AWS export of one org back into this table (created if missing).

        Every line is checked first (format, org, shape; see :mod:`contactkit.io.backup`); any
        bad line raises ``BackupFormatError`` with the line numbers, and nothing is written.
        Without ``org`` the file must hold one org (``report.orgs`` names it); with
        ``whole_table=True`` every org of the file is restored. An org must be empty unless
        ``mode="replace"``, which purges its items first.

        Example::

            table.restore("org-a.json.gz")                         # into an empty org-a
            table.restore("org-a.json.gz", "org-a", mode="replace")
        """
        return backup.restore(
            self.dynamo,
            self.name,
            path,
            org=org,
            whole_table=whole_table,
            mode=mode,
            create_table=lambda: self.create(exist_ok=True),
            purge=lambda org_id: self.org(org_id).purge(),
        )

    def describe(self) -> dict[str, Any]:
        """DescribeTable's ``Table`` description."""
        return dict(self.dynamo.call("DescribeTable", TableName=self.name)["Table"])

    def exists(self) -> bool:
        """Whether the table exists (in any state)."""
        try:
            self.dynamo.call("DescribeTable", TableName=self.name)
        except BackendError as error:
            if error.code == "ResourceNotFoundException":
                return False
            raise
        return True

    def create(self, exist_ok: bool = False, *, timeout: float = 300.0) -> Table:
        """Create the table with every index of the design and wait until all are ACTIVE.

        Real DynamoDB creates tables asynchronously; this returns only when the table can be
        used. With ``exist_ok=True`` an existing table is accepted if its keys and indexes
        match the design (a mismatch raises ``ConfigurationError``).
        """
        try:
            self.dynamo.call("CreateTable", **schema.create_table_request(self.name))
        except BackendError as error:
            if error.code != "ResourceInUseException" or not exist_ok:
                raise
            self._check_schema()
        self._wait(lambda d: d is not None and _all_active(d), timeout, "become ACTIVE")
        return self

    def delete(self, missing_ok: bool = False, *, timeout: float = 300.0) -> None:
        """Delete the table and all its data, and wait until it is gone."""
        try:
            self.dynamo.call("DeleteTable", TableName=self.name)
        except BackendError as error:
            if error.code == "ResourceNotFoundException" and missing_ok:
                return
            raise
        self._wait(lambda d: d is None, timeout, "be deleted")

    def _check_schema(self) -> None:
        found = schema.describe_schema(self.describe())
        expected = schema.expected_schema()
        if found != expected:
            raise ConfigurationError(
                f"table {self.name!r} exists with keys/indexes {found}, not contactkit's "
                f"{expected}; use another table name or delete it"
            )

    def _wait(
        self, done: Callable[[dict[str, Any] | None], bool], timeout: float, what: str
    ) -> None:
        deadline = time.monotonic() + timeout
        delay = 0.05
        while True:
            description = self.describe() if self.exists() else None
            if done(description):
                return
            if time.monotonic() > deadline:
                raise ContactKitError(f"table {self.name!r} did not {what} within {timeout} s")
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def _all_active(description: dict[str, Any]) -> bool:
    indexes = description.get("GlobalSecondaryIndexes", [])
    return description["TableStatus"] == "ACTIVE" and all(
        index.get("IndexStatus", "ACTIVE") == "ACTIVE" for index in indexes
    )
