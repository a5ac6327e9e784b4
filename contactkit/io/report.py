"""What an import did, row by row: :class:`ImportReport` and its parts (pure data).

Row numbers are those people see: in CSV files the header is row 1 and the first contact row 2
(as a spreadsheet numbers them); in JSON, vCard files and lists of dicts the first contact is 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class InvalidRow:
    """A row that was not imported because ``field`` is wrong; ``reason`` says why."""

    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class SkippedRow:
    """A valid row that was not imported: a duplicate in the file or of a contact in the org.

    ``existing_id`` is the org's contact with that email, when there is one.
    """

    row: int
    email: str
    reason: str
    existing_id: str | None = None


@dataclass(frozen=True)
class RowWarning:
    """A row that was imported with a remark (for example a phone kept as entered)."""

    row: int
    field: str
    message: str


@dataclass(frozen=True)
class FailedRow:
    """A valid row that could not be written even after every retry (never silently dropped).

    Importing the same file again retries exactly these rows (the others are then skipped).
    """

    row: int
    email: str
    reason: str


@dataclass(repr=False)
class ImportReport:
    """The outcome of :meth:`OrgStore.import_contacts`.

    ``imported`` and ``updated`` count contacts written; ``skipped``, ``invalid_rows``,
    ``warnings`` and ``failed`` list rows. ``requests`` is every request the import made
    (retries included) and ``minimum_requests`` what the write plan needs when nothing fails
    (see ``docs/import.md``); ``rcu``/``wcu`` are the capacity used, by DynamoDB's rules, and
    ``minimum_wcu`` the write capacity of the planned items. Requests and capacity are metered
    on the client while the import runs (other requests made through that client meanwhile
    would count too). ``contact_ids`` maps each imported or updated row to its contact's id.
    """

    format: str
    rows: int = 0
    imported: int = 0
    updated: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    invalid_rows: list[InvalidRow] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    failed: list[FailedRow] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    dry_run: bool = False
    plan: str = "atomic"
    requests: int = 0
    minimum_requests: int = 0
    requests_by_operation: dict[str, int] = field(default_factory=dict)
    rcu: float = 0.0
    wcu: float = 0.0
    minimum_wcu: int = 0
    contact_ids: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every row was imported, updated or deliberately skipped."""
        return not self.invalid_rows and not self.failed

    def summary(self) -> str:
        """A few lines for people (the notebooks print this)."""
        verb = "would import" if self.dry_run else "imported"
        lines = [
            f"{self.format} file, {self.rows} rows: {verb} {self.imported}, updated "
            f"{self.updated}, skipped {len(self.skipped)}, invalid {len(self.invalid_rows)}, "
            f"failed {len(self.failed)}, warnings {len(self.warnings)}",
            f"requests {self.requests} (minimum for the {self.plan} plan: "
            f"{self.minimum_requests}), write units {self.wcu:g} (minimum {self.minimum_wcu}), "
            f"read units {self.rcu:g}",
        ]
        if self.unused_columns:
            lines.append(f"unused columns: {', '.join(self.unused_columns)}")
        lines.extend(self.notes)
        for invalid in self.invalid_rows:
            lines.append(f"  row {invalid.row}: {invalid.field}: {invalid.reason}")
        for failed in self.failed:
            lines.append(f"  row {failed.row}: not written: {failed.reason}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (
            f"<ImportReport {self.format}: {self.rows} rows, imported {self.imported}, "
            f"updated {self.updated}, skipped {len(self.skipped)}, invalid "
            f"{len(self.invalid_rows)}, failed {len(self.failed)}, requests {self.requests}/"
            f"{self.minimum_requests}>"
        )
