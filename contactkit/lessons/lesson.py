"""Setting up and cleaning up a tutorial notebook: the one place every lesson gets its connection.

Each lesson calls :func:`start` once::

    lesson = ck.lesson.start("01-composite-keys")
    table, org = lesson.table, lesson.org("org-a1b2c3d4")
    ...
    lesson.cleanup()        # the last cell: deletes the lesson's tables, closes the connection

What ``start`` gives is deterministic: a :class:`~contactkit.clock.FixedClock` that ticks one second
per reading, ULIDs from a seeded generator, and a fixed cursor secret, so a notebook prints the same
ids, times and cursors on every run (the tests compare its outputs) without masking anything.

Backends, chosen by the environment, so the notebooks themselves never change:

* nothing set: the embedded engine, one per notebook (notebooks can run in parallel);
* ``AWS_ENDPOINT_URL_DYNAMODB=http://localhost:8000``: DynamoDB Local or ``contactkit serve``;
* ``CONTACTKIT_LESSONS_AWS_REGION=eu-west-1``: real AWS in that region. It costs money (a
  warning says so), and every table name gets the prefix ``CONTACTKIT_TABLE_PREFIX`` (default
  ``contactkit-lessons-``) so the lessons' tables are easy to find and never touch yours.

Each lesson owns its tables (``tutorial-<lesson>``, plus any :meth:`Lesson.scratch_table`), and
starts them empty, so lessons do not depend on each other and can be re-run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..clock import FixedClock
from ..connection import ENDPOINT_VARIABLE, connect
from ..errors import ConfigurationError, backend_errors
from .antipatterns import SeedTable

if TYPE_CHECKING:
    from ..connection import Database
    from ..dynamo.meter import Meter
    from ..dynamo.types import Item
    from ..store import OrgStore
    from ..table import Table

AWS_REGION_VARIABLE = "CONTACTKIT_LESSONS_AWS_REGION"
PREFIX_VARIABLE = "CONTACTKIT_TABLE_PREFIX"
DEFAULT_AWS_PREFIX = "contactkit-lessons-"
LESSON_START = "2026-01-05T09:00:00Z"
LESSON_SEED = 7
# Cursors must print the same on every run; a lesson's cursors are never handed to anyone.
LESSON_CURSOR_SECRET = "contactkit-lessons: not a secret"

AWS_COST_WARNING = (
    "WARNING: this lesson runs on real AWS DynamoDB in {region}. It creates on-demand tables "
    "named {prefix}*, which cost money for every request and for storage (a few cents for a "
    "lesson). Run the clean-up cell at the end, or delete the tables yourself."
)


def table_prefix(environ: Mapping[str, str] | None = None) -> str:
    """The prefix of every lesson table name: ``""`` locally, ``contactkit-lessons-`` on AWS.

    ``CONTACTKIT_TABLE_PREFIX`` overrides it on any backend.
    """
    env = os.environ if environ is None else environ
    if PREFIX_VARIABLE in env:
        return env[PREFIX_VARIABLE]
    return DEFAULT_AWS_PREFIX if env.get(AWS_REGION_VARIABLE) else ""


@dataclass
class Lesson:
    """One running lesson: its connection, clock and tables. Build it with :func:`start`."""

    name: str
    db: Database
    clock: FixedClock
    table: Table
    prefix: str = ""
    tables: list[Table | SeedTable] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<Lesson {self.name}: table {self.table.name!r} on {self.db.backend}>"

    def org(self, org_id: str) -> OrgStore:
        """The tenant-scoped store of ``org_id`` in the lesson's table."""
        return self.table.org(org_id)

    def table_name(self, suffix: str = "") -> str:
        """``<prefix>tutorial-<lesson>[-<suffix>]``: the names of this lesson's tables."""
        return f"{self.prefix}tutorial-{self.name}" + (f"-{suffix}" if suffix else "")

    def scratch_table(self, suffix: str) -> Table:
        """Another table of this lesson, created empty (for experiments beside the main one)."""
        return self.fresh_table(self.table_name(suffix))

    def seed_table(self, suffix: str = "seed") -> SeedTable:
        """A scratch table with the seed app's design (see :class:`SeedTable`), created empty."""
        seed = SeedTable(self.db.client, self.table_name(suffix))
        seed.delete(missing_ok=True)
        self.tables.append(seed.create())
        return seed

    def fresh_table(self, name: str) -> Table:
        """Table ``name``, deleted if it exists and created empty, and removed by ``cleanup``."""
        table = self.db.table(name)
        table.delete(missing_ok=True)  # a re-run starts from scratch: the table is the lesson's
        table.create()
        self.tables.append(table)
        return table

    def measure(self, action: Callable[[], object]) -> Meter:
        """Run ``action`` inside a meter of the lesson's table and return the meter."""
        with self.table.meter() as meter:
            action()
        return meter

    def items(self, table: Table | None = None) -> list[Item]:
        """Every item of a lesson table (a consistent Scan: fine for a lesson, never in an app)."""
        chosen = table or self.table
        found: list[Item] = []
        request: dict[str, Any] = {"TableName": chosen.name, "ConsistentRead": True}
        while True:
            with backend_errors("Scan"):
                page = chosen.client.scan(**request)
            found.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def cleanup(self) -> str:
        """Delete every table this lesson created and close the connection; says what it did."""
        names = []
        for table in self.tables:
            table.delete(missing_ok=True)
            names.append(table.name)
        self.tables.clear()
        self.db.close()
        return f"deleted {len(names)} table(s): {', '.join(names) or '-'}; connection closed"


def start(
    name: str,
    *,
    seed: int = LESSON_SEED,
    clock_start: str = LESSON_START,
    environ: Mapping[str, str] | None = None,
) -> Lesson:
    """Connect for one lesson and create its table, empty, with every index.

    ``name`` is the notebook's name without extension (``"01-composite-keys"``). The backend
    comes from the environment (see the module docstring); on AWS a cost warning is printed.

    Example::

        lesson = start("01-composite-keys")
        org = lesson.org("org-a1b2c3d4")
    """
    env = os.environ if environ is None else environ
    clock = FixedClock(clock_start)
    region = env.get(AWS_REGION_VARIABLE) or None
    if region is not None:
        if env.get(ENDPOINT_VARIABLE):
            raise ConfigurationError(
                f"both {AWS_REGION_VARIABLE} and {ENDPOINT_VARIABLE} are set: unset one "
                "(AWS, or a local endpoint)"
            )
        db = connect(
            aws=True, region=region, clock=clock, seed=seed, cursor_secret=LESSON_CURSOR_SECRET
        )
    else:
        db = connect(
            env.get(ENDPOINT_VARIABLE) or None,
            clock=clock,
            seed=seed,
            cursor_secret=LESSON_CURSOR_SECRET,
        )
    prefix = table_prefix(env)
    if region is not None:
        print(AWS_COST_WARNING.format(region=region, prefix=prefix))
    lesson = Lesson(name=name, db=db, clock=clock, table=db.table(f"{prefix}tutorial-{name}"))
    lesson.prefix = prefix
    lesson.table = lesson.fresh_table(lesson.table_name())
    return lesson
