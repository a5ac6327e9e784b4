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

    ``imported`` and ``updated`` count contacts written (``merged`` those of ``updated`` merged
    by ``on_conflict="merge"``); ``skipped``, ``invalid_rows`` (refused: field and reason),
    ``warnings`` and ``failed`` list rows. Every row of the file has exactly one outcome
    (:meth:`outcomes`; :attr:`accounted` checks that they add up to ``rows``).
    ``photos_dropped`` counts the photos of vCards (never stored, never an error),
    ``ignored_properties`` the vCard properties no field reads, by name (``{"X-AIM": 1}``),
    ``phone_region`` the region phones without a country code were read in (chosen by
    ``phone_region_from``: ``"argument"``, the ``"header"``'s language, else the ``"org"``'s
    default) and ``language`` the language of a localised header (``"de"``).
    ``requests`` is every request the import made (retries included) and
    ``minimum_requests`` what the write plan needs when nothing fails (see
    ``docs/import.md``); ``rcu``/``wcu`` are the capacity used, by DynamoDB's rules, and
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
    merged: int = 0
    photos_dropped: int = 0
    ignored_properties: dict[str, int] = field(default_factory=dict)
    phone_region: str | None = None
    phone_region_from: str = "org"  # "org" (its default), "argument" or "header"
    language: str | None = None

    def outcomes(self) -> dict[str, int]:
        """How many rows ended each way: imported, updated (merged apart), skipped, refused,
        failed. A row written whose search-index entries failed (economy plan) counts as
        written, not again as failed."""
        written = set(self.contact_ids)
        return {
            "imported": self.imported,
            "updated": self.updated - self.merged,
            "merged": self.merged,
            "skipped": len(self.skipped),
            "refused": len(self.invalid_rows),
            "failed": len({f.row for f in self.failed} - written),
        }

    @property
    def accounted(self) -> bool:
        """Whether every row has exactly one outcome (``rows == sum(outcomes())``)."""
        return self.rows == sum(self.outcomes().values())

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
        if self.merged:
            lines.append(f"merged {self.merged} of the updated")
        if self.phone_region and self.phone_region_from != "org":  # the org's default: as usual
            origin = {
                "argument": "phone_region=",
                "header": f"the header's language: {self.language}",
            }
            lines.append(
                f"phones without a country code read as {self.phone_region} "
                f"({origin[self.phone_region_from]})"
            )
        if self.photos_dropped:
            lines.append(f"photos not stored: {self.photos_dropped}")
        if self.ignored_properties:
            counted = ", ".join(f"{k} x{v}" for k, v in self.ignored_properties.items())
            lines.append(f"properties not imported: {counted}")
        elif self.unused_columns:
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
