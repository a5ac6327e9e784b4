"""A contacts table: create it (waiting until it is usable), delete it, and open an org in it."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .contacts import keys
from .dynamo import schema
from .dynamo.capacity import on_demand_usd_per_million
from .dynamo.meter import Meter
from .dynamo.requestcost import written_items
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

    def write_cost(
        self, contact_fields: Mapping[str, Any], changes: Mapping[str, Any] | None = None
    ) -> list[WriteCost]:
        """What adding, updating and deleting this contact costs, measured on a scratch org.

        Runs ``org.add(**contact_fields)``, ``org.update(id, **changes)`` (default: a new
        ``notes``) and ``org.delete(id)`` in an org of its own under a meter, then purges that
        org. Each :class:`WriteCost` counts the items written by type, the units consumed (the
        backend's figures, see :mod:`contactkit.dynamo.meter`) and the on-demand price per
        million such operations (:data:`contactkit.dynamo.capacity.ON_DEMAND_PRICES_AS_OF`).

        Example::

            for cost in table.write_cost({"first_name": "Ada", "email": "ada@example.com"}):
                print(cost.operation, cost.items, cost.wcu, cost.usd_per_million)
        """
        org = self.org(f"org-write-cost-{uuid.uuid4().hex[:12]}")
        update = dict(changes) if changes is not None else {"notes": "a note"}
        found: list[WriteCost] = []
        try:
            for operation in ("add", "update", "delete"):
                with self.meter() as meter:
                    if operation == "add":
                        contact_id = org.add(**contact_fields).id
                    elif operation == "update":
                        org.update(contact_id, **update)
                    else:
                        org.delete(contact_id)
                found.append(WriteCost.of(operation, meter))
        finally:
            org.purge()
        return found

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


@dataclass(frozen=True)
class WriteCost:
    """What one contact operation wrote and cost (:meth:`Table.write_cost`)."""

    operation: str
    items: dict[str, int]  # "<action> <item type>" -> how many, e.g. "Put token": 3
    requests: int
    rcu: float
    wcu: float
    source: str  # "backend", "computed", or "backend+computed" when mixed
    usd_per_million: float

    @classmethod
    def of(cls, operation: str, meter: Meter) -> WriteCost:
        counts: Counter[str] = Counter()
        for record in meter.records:
            for action, item, kind in written_items(record.operation, record.params):
                if action != "ConditionCheck":
                    counts[f"{action} {kind or _item_type(item)}"] += 1
        sources = sorted({record.source for record in meter.records})
        return cls(
            operation=operation,
            items=dict(sorted(counts.items())),
            requests=meter.requests,
            rcu=meter.rcu,
            wcu=meter.wcu,
            source="+".join(sources),
            usd_per_million=on_demand_usd_per_million(meter.rcu, meter.wcu),
        )


def _item_type(key: Mapping[str, Any]) -> str:
    """The item type a key names (updates and deletes carry no ``type`` attribute)."""
    pk = str(key.get("PK", {}).get("S", ""))
    sk = str(key.get("SK", {}).get("S", ""))
    by_pk = {"#SEARCH": "token", "#FAV": "favorite"}
    for suffix, kind in by_pk.items():
        if pk.endswith(suffix):
            return kind
    if "#EMAIL#" in pk:
        return "email"
    by_sk = {
        keys.CONTACT_PREFIX: "contact",
        keys.TAG_PREFIX: "tag",
        keys.ACTIVITY_PREFIX: "activity",
        keys.GROUP_PREFIX: "group",
        keys.PHONE_PREFIX: "phone",
        keys.SOURCE_PREFIX: "source",
        keys.AUDIT_PREFIX: "audit",
    }
    for prefix, kind in by_sk.items():
        if sk.startswith(prefix):
            return kind
    return "other"


def _all_active(description: dict[str, Any]) -> bool:
    indexes = description.get("GlobalSecondaryIndexes", [])
    return description["TableStatus"] == "ACTIVE" and all(
        index.get("IndexStatus", "ACTIVE") == "ACTIVE" for index in indexes
    )
