"""Batch import: every row validated like ``add()``, then written in as few requests as
DynamoDB's limits allow, exactly once, with a report.

The write plan
--------------
1. **Read and validate** (no requests). Each row is checked by the model's rules
   (:func:`contactkit.contacts.cleaning.clean_new`, the same as ``add``): a row is refused exactly
   when ``add`` would refuse its values. Text a spreadsheet would run as a formula is stored as
   typed; only the CSV export neutralises it (:mod:`contactkit.io.spreadsheet`).
   A row whose contact item would exceed DynamoDB's 400 KB is refused here too. Rows
   repeating an email (by its key), an id or a source id of an earlier valid row, or (rows
   with none) its name and phones, are skipped as duplicates: a refused row holds no email.
   contactkit's own files also carry each contact's id, last contact time and groups
   (:mod:`contactkit.io.columns`).
2. **Look up** the claims of the ``K`` distinct emails of the rows (every email of a row), the
   ``I`` rows' contactkit ids and the claims of the ``S`` rows' source ids (a vCard ``UID``):
   ``ceil(K / 100) + ceil(I / 100) + ceil(S / 100)`` consistent ``BatchGetItem`` requests; when
   a row has no email and no id or source id of the org, one paged Query of the org's contacts
   for their fingerprints (:mod:`contactkit.io.identity`). A row is matched to the org's
   contact of the same id (an org's own export), else of the same source id (a foreign file
   imported again), else to the contact holding any of its emails (a row whose emails two
   contacts hold is skipped, naming them), else, without an email, to the contact of its
   fingerprint. A matched row that changes nothing is skipped as unchanged, so importing an
   org's own export, or any file twice, writes nothing. Otherwise ``on_conflict`` decides:
   ``"skip"`` (the default: the report names the existing contact's id), ``"update"`` (the
   row's non-empty fields replace the contact's) or ``"merge"`` (the merge rule of
   :func:`contactkit.contacts.merge.combine`: nothing of the contact is lost). Updating or
   merging rows matched by email reads their contacts: ``ceil(E / 100)`` more
   ``BatchGetItem``. A row's groups are joined (created first when the org lacks them: one
   Query of the org's groups, one transaction per new group), never left; its last contact
   time is kept when it is later than the contact's.
3. **Write** each row's actions (contact, email and source-id claims, phone and tag items
   and, in the ``"atomic"`` plan, search-index entries) packed whole into
   ``TransactWriteItems`` of at most 100 actions and 4 MB, one action (and 4 KB) of each being
   the transaction's audit entry naming the contacts it writes (so a run that dies midway
   leaves every contact it wrote audited): ``ceil(A / 99)`` requests for ``A`` actions when
   the rows pack perfectly (a row's actions never straddle two transactions, so a few percent
   more in practice). Conditions
   (``attribute_not_exists`` on contact and email, the read version on updates) make every
   write safe against concurrent writers and against retries.
   The ``"economy"`` plan writes search-index entries with ``BatchWriteItem`` instead (they
   need no condition): ``ceil(T / 25)`` more requests for ``T`` entries, each at half the
   write units of a transactional write. If those never succeed the contact stays imported,
   the row is reported in ``failed`` and ``org.backfill_search_index()`` repairs the index.
   So that a run killed between a transaction and its batches is repaired by running it
   again, the economy plan then checks the entries of the ``M`` contacts its rows matched
   (skipped or updated) and puts the missing ones: ``ceil(M / 100) + ceil(T' / 100)`` more
   ``BatchGetItem`` for their ``T'`` entries, plus the puts.

Minimum requests = ``ceil(K/100) + ceil(I/100) + ceil(S/100)``
``+ ceil(E/100) + ceil(A/99) [+ ceil(T/25)]``
(``E`` = 0 unless updating or merging, ``T`` = 0 in the atomic plan; the economy plan's check
of matched contacts' entries adds its reads and puts), plus ``1 + G`` when rows
name groups (``G`` of them new to the org); a dry run makes only the lookups.

Failures: a transaction cancelled by a condition is split: the rows whose conditions failed
are taken out (an email claimed meanwhile is a skipped duplicate; a contact changed meanwhile
is reported) and the rest sent again. ``TransactionConflict`` cancellations are retried with
backoff (:class:`~contactkit.dynamo.transactions.TransactionWriter`); throttling, 5xx and dropped
connections by botocore, then by this module up to :data:`MAX_CHUNK_ATTEMPTS` times with
exponential backoff and full jitter. A transaction whose answer was lost is recognised by the
``write_token`` its retry finds (``ALL_OLD``); a retry's token is derived from the first
attempt's, not drawn (:func:`_retry_token`). Rows still unwritten are reported in
``ImportReport.failed``: never dropped, and a re-run imports exactly them.

Pipelined (unless the endpoint is the embedded engine in this process: :data:`PIPELINE`),
three writer threads (:class:`~contactkit.io.pipeline.WriterThread`) keep three transactions
in flight while the caller's thread builds and packs the next ones: the endpoint always has the
next transaction waiting, and its work and the network's latency overlap the caller's. A
writer thread never touches the report: it returns each transaction's outcome, which the
caller's thread adds to the report. Either way every id and clock
reading is drawn by the caller's thread in a fixed order (each row's when it is planned, after
the look-ups; each transaction's token as it is packed), so seeded runs write the same bytes.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from typing import IO, Any, Literal

import phonenumbers
from ulid import ULID

from ..clock import parse_timestamp, to_millis
from ..contacts import groups, items, keys
from ..contacts.actions import (
    changed_contact_actions,
    check_item_size,
    claimed_email,
    claimed_source,
    name_moved_at,
    new_contact_actions,
    put,
    token_plan,
)
from ..contacts.cleaning import apply_changes, clean_new
from ..contacts.fields import EDITABLE_FIELDS, PRIMARY_OF
from ..contacts.merge import combine, take_over_lists
from ..contacts.model import Contact
from ..contacts.phones import normalise as normalise_phone
from ..contacts.writer import ContactWriter
from ..dynamo import capacity, limits, schema
from ..dynamo.batches import batch_write
from ..dynamo.meter import Meter
from ..dynamo.sizes import item_size
from ..dynamo.transactions import Action, action_bytes, action_payload, is_conflict
from ..dynamo.types import Item, serialize
from ..errors import BackendError, TransactionCanceledError, ValidationError
from ..gcpause import collector_paused
from .formats import Source, SourceRow, read_source
from .identity import fingerprint
from .pipeline import WriterThread
from .progress import wanted as progress_wanted
from .report import FailedRow, ImportReport, InvalidRow, RowWarning, SkippedRow

OnConflict = Literal["skip", "update", "merge"]
ON_CONFLICT = ("skip", "update", "merge")
Plan = Literal["atomic", "economy"]
Progress = bool | Callable[[int, int], None] | None

QUERY_PAGE_BYTES = 1024 * 1024  # DynamoDB ends a Query page at 1 MB read
MAX_CHUNK_ATTEMPTS = 6  # our retries of a chunk after botocore's own retries gave up
PROGRESS_MIN_ROWS = 300  # smaller imports finish before a bar would tell anything
# A contact id and time of full length: a row's item measured before it has its own.
_PROBE_ID = str(ULID.from_bytes(bytes(16)))
_PROBE_TIME = datetime(2000, 1, 1, tzinfo=UTC)
_COMPARED = tuple(f.name for f in fields(Contact) if f.name not in {"version", "updated_at"})


@dataclass
class _Row:
    """A valid row waiting to be written."""

    row: int
    email: str  # the primary email as written ("" without one)
    keys: tuple[str, ...]  # the email keys of its claims (every indexed email)
    addresses: tuple[str, ...]  # those emails as written, one per key
    cleaned: dict[str, Any]
    created_at: datetime | None
    # the row as a contact with a stand-in id and times (``_PROBE_ID``, ``_PROBE_TIME``):
    # cleaned and combined once, given its real id and times when planned
    contact: Contact
    file_id: str | None = None  # a contactkit id carried by the file (our own exports)
    source_id: str | None = None  # an id from another address book (a vCard UID)
    last_contacted_at: datetime | None = None
    groups: tuple[str, ...] = ()
    fingerprint: str | None = None  # display name and phones, for a row without an email
    # ``contact``'s item, sized against 400 KB when validated; reissued under the real id
    # (``items.reissued_contact_item``) when the row is built, and dropped then
    item: Item | None = None


@dataclass
class _Found:
    """What the look-ups found: email owners, the org's contacts with the rows' ids, and the
    org's contacts by fingerprint (read only when a row has neither a known id nor an email)."""

    owners: dict[str, str]  # email key -> contact id
    by_id: dict[str, Any]  # contact id -> its stored item
    requests: int
    by_fingerprint: dict[str, str] = field(default_factory=dict)  # fingerprint -> contact id
    by_source: dict[str, str] = field(default_factory=dict)  # source id -> contact id


@dataclass(eq=False)  # compared and hashed by identity
class _Unit:
    """One row's writes: its transaction actions (and, in the economy plan, batch puts)."""

    row: _Row
    contact: Contact
    actions: list[Action]
    batch_puts: list[dict[str, Any]]
    update: bool
    size: int = 0  # bytes of the actions, as DynamoDB counts them towards 4 MB
    # bytes of each action's item (a Put) or key (the others): sized once, read by the plan
    item_sizes: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.item_sizes = [item_size(action_payload(a)) for a in self.actions]
        self.size = sum(
            action_bytes(a, payload_bytes=n)
            for a, n in zip(self.actions, self.item_sizes, strict=True)
        )


@dataclass
class _Draft:
    """A new row planned: its id, time and write token drawn; its unit not yet built."""

    row: _Row
    contact_id: str
    now: datetime
    token: str


@dataclass
class _Transaction:
    """One transaction prepared for the writer thread: its rows, token and actions."""

    units: list[_Unit]
    token: str
    actions: list[Action]


@dataclass
class _Outcome:
    """What writing one transaction did to its rows, merged into the report by the caller's
    thread (writer threads never touch the report)."""

    rows: int
    imported: int = 0
    updated: int = 0
    merged: int = 0
    contact_ids: dict[int, str] = field(default_factory=dict)
    skipped: list[SkippedRow] = field(default_factory=list)
    failed: list[FailedRow] = field(default_factory=list)

    def into(self, report: ImportReport) -> None:
        report.imported += self.imported
        report.updated += self.updated
        report.merged += self.merged
        report.contact_ids.update(self.contact_ids)
        report.skipped.extend(self.skipped)
        report.failed.extend(self.failed)


@dataclass
class _Tally:
    """The units planned so far, added up for the report's minimums as they pass."""

    planned: int  # rows planned to be written (new rows refused while built are taken off)
    actions: int = 0
    bytes: int = 0
    batch_puts: int = 0
    wcu: int = 0

    def add(self, unit: _Unit) -> None:
        self.actions += len(unit.actions)
        self.bytes += unit.size
        self.batch_puts += len(unit.batch_puts)
        self.wcu += _unit_wcu(unit)

    def transactions(self) -> int:
        """The fewest transactions that hold the units' actions and bytes."""
        return max(math.ceil(self.actions / ROW_ACTIONS), math.ceil(self.bytes / ROW_BYTES))

    def batches(self) -> int:
        return math.ceil(self.batch_puts / limits.MAX_BATCH_WRITE_ITEMS)


def import_contacts(
    writer: ContactWriter,
    source: str | os.PathLike[str] | IO[Any] | Iterable[Mapping[str, Any]],
    format: str | None = None,
    *,
    dry_run: bool = False,
    on_conflict: OnConflict = "skip",
    progress: Progress = None,
    plan: Plan = "atomic",
    encoding: str | None = None,
    phone_region: str | None = None,
) -> ImportReport:
    """Read ``source`` and import it into the writer's org (each transaction audited).

    The arguments are :meth:`OrgStore.import_contacts`'s, which documents them.
    """
    if phone_region is not None:
        _check_region(phone_region)
    importer = Importer(
        writer,
        on_conflict=on_conflict,
        dry_run=dry_run,
        plan=plan,
        progress=progress,
        phone_region=phone_region,
    )
    with collector_paused():  # millions of short-lived objects: see contactkit.gcpause
        report = importer.run(read_source(source, format, encoding))
    for contact_id in report.contact_ids.values():
        writer.cache.forget(contact_id)
    return report


class Importer:
    """Imports rows into one org; :meth:`OrgStore.import_contacts` is the usual way in.

    Retries wait as the table's client says (``connect(sleep=...)``), so tests need no waiting.
    ``pipeline=True`` sends the transactions from writer threads while this thread builds
    the next ones; ``False`` sends each from this thread in turn (the same items either way);
    ``None`` takes :data:`PIPELINE`, and if that is ``None`` too, pipelines unless the endpoint
    is the embedded engine in this process (``DynamoClient.engine_in_process``).
    """

    def __init__(
        self,
        writer: ContactWriter,
        *,
        on_conflict: OnConflict = "skip",
        dry_run: bool = False,
        plan: Plan = "atomic",
        progress: Progress = None,
        phone_region: str | None = None,
        pipeline: bool | None = None,
    ) -> None:
        if on_conflict not in ON_CONFLICT:
            raise ValidationError(
                "on_conflict", f"must be 'skip', 'update' or 'merge', not {on_conflict!r}"
            )
        if plan not in ("atomic", "economy"):
            raise ValidationError("plan", f"must be 'atomic' or 'economy', not {plan!r}")
        self.writer = writer
        self.on_conflict = on_conflict
        self.dry_run = dry_run
        self.plan = plan
        self.progress = progress
        self.phone_region = phone_region  # None: the file's language's, else the org's
        if pipeline is None:
            pipeline = PIPELINE if PIPELINE is not None else not writer.dynamo.engine_in_process
        self.pipeline = pipeline
        self.region = phone_region or writer.phone_region
        self._client = writer.dynamo
        self._table_name = writer.table_name
        self._writer = writer.transactions

    def run(self, source: Source) -> ImportReport:
        """Validate, look up, plan and write ``source``; returns the report."""
        report = ImportReport(
            format=source.format,
            rows=len(source.rows),
            unused_columns=list(source.unused_columns),
            notes=list(source.notes),
            encoding=source.encoding,
            dry_run=self.dry_run,
            plan=self.plan,
            photos_dropped=source.photos,
            ignored_properties=dict(source.ignored),
            language=source.language,
        )
        self.region, report.phone_region_from = self.phone_region or "", "argument"
        if not self.phone_region:
            self.region, report.phone_region_from = source.phone_region or "", "header"
        if not self.region:
            self.region, report.phone_region_from = self.writer.phone_region, "org"
        report.phone_region = self.region
        with Meter(self._client.raw) as meter:
            valid = self._validate(source.rows, report)
            found = self._lookup(valid)
            new_groups = self._resolve_groups(valid)
            planned, reads = self._plan(valid, found, report)
            minimum = found.requests + reads
            minimum += (1 if new_groups is not None else 0) + len(new_groups or ())
            tally = _Tally(planned=len(planned))
            units = self._units(planned, report, tally)
            if self.dry_run:
                for unit in units:
                    report.updated += unit.update
                    report.imported += not unit.update
                report.minimum_requests = minimum
            else:
                self._create_groups(planned, new_groups or ())
                written = self._write(units, report, tally)
                report.minimum_requests = minimum + tally.transactions() + tally.batches()
                report.minimum_wcu = tally.wcu
                if self.plan == "economy":
                    self._repair_tokens(written, report)
        report.requests = meter.requests
        report.requests_by_operation = {
            name: stats.requests for name, stats in sorted(meter.by_operation.items())
        }
        report.rcu, report.wcu = meter.rcu, meter.wcu
        report.invalid_rows.sort(key=lambda r: r.row)
        report.skipped.sort(key=lambda r: r.row)
        report.failed.sort(key=lambda r: r.row)
        report.warnings.sort(key=lambda r: r.row)
        return report

    # -- 1. validate ---------------------------------------------------------------------

    def _validate(self, rows: Sequence[SourceRow], report: ImportReport) -> list[_Row]:
        valid: list[_Row] = []
        first_row: dict[str, int] = {}  # email key or fingerprint -> the row that had it first
        first_with_id: dict[tuple[str, str], int] = {}
        for source_row in rows:
            if source_row.empty:
                report.skipped.append(SkippedRow(source_row.row, "", "empty row"))
                continue
            try:
                row, contact = self._clean(source_row)
            except ValidationError as error:
                report.invalid_rows.append(InvalidRow(source_row.row, error.field, error.reason))
                continue
            earlier = next((first_row[k] for k in row.keys if k in first_row), None)
            if earlier is not None:
                reason = f"duplicate of row {earlier} (same email, ignoring case)"
                report.skipped.append(SkippedRow(row.row, row.email, reason))
                continue
            # Rows carrying an id (contactkit's or a source's) are distinct contacts, even
            # when alike.
            ids = _row_ids(row)
            if not ids and row.fingerprint in first_row:
                reason = f"duplicate of row {first_row[row.fingerprint]} (same name and phones)"
                report.skipped.append(SkippedRow(row.row, row.email, reason))
                continue
            same = next(((key, first_with_id[key]) for key in ids if key in first_with_id), None)
            if same is not None:
                what = "same id" if same[0] == ("id", row.file_id) else "same source id"
                reason = f"duplicate of row {same[1]} ({what})"
                report.skipped.append(SkippedRow(row.row, row.email, reason))
                continue
            for key in (*row.keys, row.fingerprint if not ids else None):
                if key is not None:
                    first_row[key] = row.row
            for id_key in ids:
                first_with_id[id_key] = row.row
            for position, phone in enumerate(contact.phones):
                if phone.e164 is None:
                    warning = normalise_phone(phone.value, self.region).warning
                    name = "phone" if position == 0 else f"phones[{position}]"
                    report.warnings.append(RowWarning(row.row, name, str(warning)))
            valid.append(row)
        return valid

    def _clean(self, source_row: SourceRow) -> tuple[_Row, Contact]:
        """The row checked like ``add()``, and the contact it describes (not yet an org's)."""
        if source_row.problems:
            raise ValidationError(*source_row.problems[0])
        values = {k: v for k, v in source_row.values.items() if k in EDITABLE_FIELDS}
        kept = {k: v for k, v in source_row.values.items() if k not in EDITABLE_FIELDS}
        times = {
            name: _timestamp(name, kept[name])
            for name in ("created_at", "last_contacted_at")
            if kept.get(name) is not None
        }
        try:
            cleaned = clean_new(values, self.region)
        except ValidationError as error:
            raise ValidationError(_primary_name(error.field), error.reason) from error
        groups = _group_names(kept.get("groups"))
        contact = apply_changes(
            Contact(
                id=_PROBE_ID,
                org_id=self.writer.org_id,
                created_at=times.get("created_at") or _PROBE_TIME,
                updated_at=_PROBE_TIME,
                last_contacted_at=times.get("last_contacted_at"),
                groups=groups,
            ),
            cleaned,
        )
        indexed = {keys.normalise_email(e.value): e.value for e in contact.emails}
        claimed = list(indexed.items())[: limits.MAX_INDEXED_EMAILS]
        row = _Row(
            source_row.row,
            contact.email or "",
            tuple(k for k, _ in claimed),
            tuple(e for _, e in claimed),
            cleaned,
            times.get("created_at"),
            file_id=_contactkit_id(kept.get("id")),
            source_id=contact.source_id,
            last_contacted_at=times.get("last_contacted_at"),
            groups=groups,
            fingerprint=None if contact.emails else fingerprint(contact),
            contact=contact,
        )
        # Refused here, not when written: a row too large must not make a later row with
        # its email a duplicate (duplicates are decided among valid rows only). The stand-in
        # id and times have the real ones' lengths, so the size is the written item's.
        row.item = items.contact_item(contact, _PROBE_ID)
        check_item_size(row.item)
        return row, contact

    # -- 2. look up ----------------------------------------------------------------------

    def _lookup(self, rows: Sequence[_Row]) -> _Found:
        """The rows' emails already claimed in the org, the org's contacts with the rows' ids,
        and, when a row has neither a known id nor an email, the org's fingerprints."""
        owners: dict[str, str] = {}
        reader = self.writer.reader
        org = self.writer.org_id
        requests = 0
        emails = {k: e for row in rows for k, e in zip(row.keys, row.addresses, strict=True)}
        for chunk in _chunks(list(emails.items()), limits.MAX_BATCH_GET_KEYS):
            claims = {keys.uniqueness_key(org, email)["PK"]: key for key, email in chunk}
            wanted = [serialize(keys.uniqueness_key(org, email)) for _, email in chunk]
            for found in reader.batch_get(wanted, consistent=True):
                owners[claims[found["PK"]["S"]]] = found["contact_id"]["S"]
            requests += 1
        ids = [row.file_id for row in rows if row.file_id is not None]
        by_id = self._read_contacts(ids)
        requests += math.ceil(len(ids) / limits.MAX_BATCH_GET_KEYS)
        sources = list(dict.fromkeys(row.source_id for row in rows if row.source_id is not None))
        by_source: dict[str, str] = {}
        for chunk in _chunks(sources, limits.MAX_BATCH_GET_KEYS):
            wanted = [items.source_key(org, source_id) for source_id in chunk]
            for found in reader.batch_get(wanted, consistent=True):
                by_source[found["source_id"]["S"]] = found["contact_id"]["S"]
            requests += 1
        result = _Found(owners, by_id, requests, by_source=by_source)
        if any(
            row.fingerprint is not None
            and row.file_id not in by_id
            and row.source_id not in by_source
            for row in rows
        ):
            self._read_fingerprints(result)
        return result

    def _read_fingerprints(self, found: _Found) -> None:
        """Every contact of the org by fingerprint: one paged, consistent Query of the org's
        contact items (its minimum: one request per MB read)."""
        size = 0
        condition = self.writer.lookups.contacts_condition()
        for item in self.writer.reader.query_all(condition, consistent=True):
            size += item_size(item)
            contact = items.contact_from_item(item)
            if not contact.emails:  # a row without an email never matches one with emails
                found.by_fingerprint.setdefault(fingerprint(contact), contact.id)
        found.requests += max(1, math.ceil(size / QUERY_PAGE_BYTES))

    def _read_contacts(self, ids: Sequence[str]) -> dict[str, Any]:
        """``{id: stored item}`` of the org's contacts among ``ids`` (BatchGetItem by 100)."""
        stored: dict[str, Any] = {}
        for chunk in _chunks(ids, limits.MAX_BATCH_GET_KEYS):
            wanted = [serialize(keys.contact_key(self.writer.org_id, i)) for i in chunk]
            for found in self.writer.reader.batch_get(wanted, consistent=True):
                stored[found["id"]["S"]] = found
        return stored

    def _resolve_groups(self, rows: Sequence[_Row]) -> list[str] | None:
        """Rows' groups spelled as the org's groups; the groups to create (``None``: no groups)."""
        if not any(row.groups for row in rows):
            return None
        existing = {keys.fold_group(g.name): g.name for g in groups.groups(self.writer)}
        missing: dict[str, str] = {}
        for row in rows:
            row.groups = tuple(existing.get(keys.fold_group(g), g) for g in row.groups)
            for name in row.groups:
                if keys.fold_group(name) not in existing:
                    missing.setdefault(keys.fold_group(name), name)
        return list(missing.values())

    # -- 3. plan -------------------------------------------------------------------------

    def _plan(
        self, rows: Sequence[_Row], found: _Found, report: ImportReport
    ) -> tuple[list[_Draft | _Unit], int]:
        """Decide each row's fate and draw its ids and times, in file order (new rows first,
        then the rows matched to the org's contacts); returns the plan and the reads it made.

        New rows are planned as drafts, built into units later (:meth:`_units`) while earlier
        transactions are written: every id and clock reading is drawn here, before any write,
        so a seeded run writes the same bytes however building and writing interleave.
        """
        planned: list[_Draft | _Unit] = []
        matched: list[tuple[_Row, str]] = []  # (row, the org's contact it matches)
        for row in rows:
            holders = list(dict.fromkeys(found.owners[k] for k in row.keys if k in found.owners))
            known = _known_id(row, found)
            if known is not None:
                others = [h for h in holders if h != known]
                if others:
                    reason = f"email already used by contact {others[0]} in this org"
                    report.skipped.append(SkippedRow(row.row, row.email, reason, others[0]))
                    continue
                matched.append((row, known))
            elif holders:
                if len(holders) > 1 or self.on_conflict == "skip":
                    reason = _taken_reason(row, holders, found.owners)
                    report.skipped.append(SkippedRow(row.row, row.email, reason, holders[0]))
                    continue
                matched.append((row, holders[0]))
            elif row.fingerprint is not None and row.fingerprint in found.by_fingerprint:
                matched.append((row, found.by_fingerprint[row.fingerprint]))
            else:
                planned.append(self._draft(row))
        unread = [cid for _, cid in matched if cid not in found.by_id]
        stored = {**found.by_id, **self._read_contacts(unread)}
        planned.extend(self._matched_units(matched, stored, report))
        return planned, math.ceil(len(unread) / limits.MAX_BATCH_GET_KEYS)

    def _units(
        self, planned: Iterable[_Draft | _Unit], report: ImportReport, tally: _Tally
    ) -> Iterator[_Unit]:
        """The plan's units, new rows built as they are asked for; ``tally`` adds them up."""
        for step in planned:
            if isinstance(step, _Draft):
                try:
                    unit = self._new_unit(step)
                except ValidationError as error:  # an item over 400 KB
                    report.invalid_rows.append(InvalidRow(step.row.row, error.field, error.reason))
                    tally.planned -= 1
                    continue
            else:
                unit = step
            tally.add(unit)
            yield unit

    def _contact(self, row: _Row, contact_id: str, now: datetime) -> Contact:
        """The row as a contact of this org (not yet written)."""
        # row.groups, not row.contact's: the look-up respelled them as the org's groups
        return replace(
            row.contact,
            id=contact_id,
            created_at=row.created_at or now,
            updated_at=now,
            groups=row.groups,
        )

    def _draft(self, row: _Row) -> _Draft:
        """A new row's time and ids, drawn now (in plan order); its unit is built later."""
        now = to_millis(self.writer.clock())
        fresh = self.writer.ids()
        if row.file_id is not None:  # our own export: the contact keeps its id
            contact_id = row.file_id
        else:
            contact_id = _id_at(row.created_at, fresh) if row.created_at else fresh
        return _Draft(row, contact_id, now, self.writer.ids())

    def _new_unit(self, draft: _Draft) -> _Unit:
        contact = self._contact(draft.row, draft.contact_id, draft.now)
        atomic = self.plan == "atomic"
        made, draft.row.item = draft.row.item, None
        item = None if made is None else items.reissued_contact_item(made, contact, draft.token)
        actions = new_contact_actions(contact, draft.token, with_tokens=atomic, item=item)
        actions.extend(put(items.member_item(contact, g)) for g in contact.groups)
        puts = [] if atomic else _token_puts(contact)
        return _Unit(draft.row, contact, actions, puts, update=False)

    def _proposed(self, row: _Row, current: Contact) -> Contact:
        """The contact as this row would leave it (``update``, or ``merge``'s rule)."""
        if self.on_conflict == "merge":
            other = self._contact(row, f"import row {row.row}", to_millis(self.writer.clock()))
            if row.created_at is None:
                other = replace(other, created_at=current.created_at)
            # not a stored contact: its emails and phones hold no claim to release first
            return take_over_lists(combine(current, other), other)
        changed = apply_changes(current, row.cleaned)
        times = [t for t in (current.last_contacted_at, row.last_contacted_at) if t]
        joined = _joined(current.groups, row.groups)
        if len(joined) > limits.MAX_GROUPS_PER_CONTACT:
            raise ValidationError(
                "groups",
                f"the contact would be in {len(joined)} groups; the limit is "
                f"{limits.MAX_GROUPS_PER_CONTACT}",
            )
        return replace(changed, last_contacted_at=max(times) if times else None, groups=joined)

    def _matched_units(
        self, matched: Sequence[tuple[_Row, str]], stored: dict[str, Any], report: ImportReport
    ) -> Iterator[_Draft | _Unit]:
        for row, contact_id in matched:
            raw = stored.get(contact_id)
            if raw is None:  # deleted since the look-up: create it instead
                yield self._draft(row)
                continue
            current = items.contact_from_item(raw)
            try:
                proposed = self._proposed(row, current)
            except ValidationError as error:  # merged tags, groups or notes over a limit
                report.invalid_rows.append(InvalidRow(row.row, error.field, error.reason))
                continue
            if all(getattr(proposed, n) == getattr(current, n) for n in _COMPARED):
                report.skipped.append(
                    SkippedRow(
                        row.row,
                        row.email,
                        "unchanged: the org's contact already has these values",
                        current.id,
                    )
                )
                continue
            if self.on_conflict == "skip":  # rows matched by id or fingerprint get here
                how = (
                    "same id"
                    if row.file_id == current.id
                    else "same source id"
                    if row.source_id is not None and row.source_id == current.source_id
                    else "same name and phones"
                )
                reason = (
                    f"differs from contact {current.id} ({how}) in this org; import with "
                    "on_conflict='update' or 'merge' to change it"
                )
                report.skipped.append(SkippedRow(row.row, row.email, reason, current.id))
                continue
            updated = replace(
                proposed,
                version=current.version + 1,
                updated_at=to_millis(self.writer.clock()),
            )
            token = self.writer.ids()
            try:
                moved = name_moved_at(raw, current, updated)
                actions = changed_contact_actions(current, updated, token, name_moved_at=moved)
            except ValidationError as error:  # an item over 400 KB
                report.invalid_rows.append(InvalidRow(row.row, error.field, error.reason))
                continue
            joined = [g for g in updated.groups if g not in current.groups]
            actions.extend(put(items.member_item(updated, g)) for g in joined)
            if len(actions) > ROW_ACTIONS:
                # Every list replaced (limits.worst_case_actions()["update"]) and groups joined
                # on top: more than one transaction holds, and a row is written whole or not.
                reason = (
                    f"this change needs {len(actions)} actions ({len(joined)} of them groups "
                    f"joined); one transaction holds {limits.MAX_TRANSACTION_ACTIONS} actions, "
                    f"{ROW_ACTIONS} besides its audit entry: import it without its groups, "
                    "then add the contact to them"
                )
                report.invalid_rows.append(InvalidRow(row.row, "groups", reason))
                continue
            yield _Unit(row, updated, actions, [], update=True)

    def _create_groups(self, planned: Sequence[_Draft | _Unit], missing: Sequence[str]) -> None:
        """Create the groups the planned rows join that the org lacks (one transaction each),
        before any row is written."""
        wanted = {
            keys.fold_group(g)
            for step in planned
            for g in (step.row.groups if isinstance(step, _Draft) else step.contact.groups)
        }
        for name in missing:
            if keys.fold_group(name) in wanted:
                try:
                    groups.create_group(self.writer, name)
                except ValidationError:  # created meanwhile by another writer: join it
                    continue

    # -- 4. write ------------------------------------------------------------------------

    def _write(self, units: Iterable[_Unit], report: ImportReport, tally: _Tally) -> list[_Unit]:
        """Pack ``units`` into transactions and write them; returns every unit packed.

        Pipelined (``self.pipeline``): :data:`PIPELINE_WRITERS` writer threads send the
        transactions while this thread builds and packs the next ones (at most
        :data:`PIPELINE_DEPTH` wait), so a remote engine's work and the network's latency
        overlap the building. This thread draws each transaction's token (in the order the
        serial import drew them); each transaction's :class:`_Outcome` comes back to it, and it
        alone adds them to the report and advances the progress bar.
        """
        bar = _progress_bar(self.progress, tally.planned)
        done = 0
        packed: list[_Unit] = []

        def advance(outcome: _Outcome) -> None:
            nonlocal done
            outcome.into(report)
            done += outcome.rows
            _advance(bar, self.progress, done, tally.planned, outcome.rows)

        def transactions() -> Iterator[_Transaction]:
            for chunk in pack(units):
                packed.extend(chunk)
                tally.wcu += self._audit_wcu(chunk)
                token = self.writer.ids()
                yield _Transaction(chunk, token, self._actions(chunk, token))

        try:
            if not self.pipeline:
                for transaction in transactions():
                    advance(self._send(transaction))
                return packed
            writer: WriterThread[_Transaction, _Outcome] = WriterThread(
                self._send, depth=PIPELINE_DEPTH, workers=PIPELINE_WRITERS
            )
            with writer:
                for transaction in transactions():
                    writer.put(transaction, advance)
                writer.finish(advance)
        finally:
            if bar is not None:
                if bar.total != tally.planned:  # rows refused while built
                    bar.total = tally.planned
                    bar.refresh()
                bar.close()
        return packed

    def _send(self, transaction: _Transaction) -> _Outcome:
        """Write one transaction's rows (in a writer thread when pipelined); returns what
        became of them."""
        outcome = _Outcome(len(transaction.units))
        written = self._write_chunk(transaction, outcome)
        if self.plan == "economy":
            self._write_batch_puts(written, outcome)
        return outcome

    def _actions(self, units: Sequence[_Unit], token: str) -> list[Action]:
        """A transaction of ``units``: their actions, the first carrying ``token``, then the
        audit entry (last: cancellation reasons index the rows' actions)."""
        return [
            *(
                _with_token(a, token) if i == 0 else a
                for unit in units
                for i, a in enumerate(unit.actions)
            ),
            self._audit_action(units, token),
        ]

    def _write_chunk(self, transaction: _Transaction, outcome: _Outcome) -> list[_Unit]:
        """Write one transaction's rows, splitting out rows whose conditions fail.

        A retry's token is derived from the first attempt's (:func:`_retry_token`), not drawn:
        the writer thread never draws an id, so retries leave the ids of every later row and
        transaction as they would be without them.
        """
        pending = list(transaction.units)
        written: list[_Unit] = []
        tokens: set[str] = set()  # every attempt's token: any of them found stored = success
        attempts = 0
        token, actions = transaction.token, transaction.actions
        while pending:
            if token in tokens:  # a retry: its own token, and the actions of the rows left
                token = _retry_token(transaction.token, len(tokens))
                actions = self._actions(pending, token)
            tokens.add(token)
            try:
                self._writer.write(actions, token, "import")
            except TransactionCanceledError as error:
                if is_conflict(error):
                    self._fail(pending, outcome, "kept conflicting with concurrent transactions")
                    return written
                pending = self._split(pending, tokens, error, outcome, written)
                continue
            except BackendError as error:  # throttled or 5xx beyond botocore's retries
                attempts += 1
                if attempts >= MAX_CHUNK_ATTEMPTS:
                    self._fail(pending, outcome, f"{error.code}: {error.message}")
                    return written
                self._client.back_off(attempts)
                continue
            self._succeed(pending, outcome, written)
            pending = []
        return written

    def _split(
        self,
        pending: list[_Unit],
        tokens: set[str],
        error: TransactionCanceledError,
        outcome: _Outcome,
        written: list[_Unit],
    ) -> list[_Unit]:
        """Take the rows whose conditions failed out of a cancelled transaction."""
        reasons = error.reasons
        offset = 0
        keep: list[_Unit] = []
        for unit in pending:
            mine = reasons[offset : offset + len(unit.actions)]
            offset += len(unit.actions)
            if mine and items.write_token_of(mine[0].item) in tokens:
                # Our own earlier attempt of this very transaction succeeded (its answer was
                # lost and botocore re-sent it): everything in it is written.
                self._succeed(pending, outcome, written)
                return []
            failed = [(i, r) for i, r in enumerate(mine) if r.code not in ("None", "")]
            if not failed:
                keep.append(unit)
                continue
            index, reason = failed[0]
            owner = _contact_id_of(reason.item)
            claim = claimed_email(unit.actions[index])
            source = claimed_source(unit.actions[index])
            if (
                not unit.update
                and (claim is not None or source is not None)
                and reason.code == "ConditionalCheckFailed"
            ):
                if owner == unit.contact.id:  # written by an earlier attempt of ours
                    self._succeed([unit], outcome, written)
                    continue
                what = "email" if claim is not None else f"source id {source!r}"
                why = f"{what} already used by contact {owner} in this org (added meanwhile)"
                outcome.skipped.append(SkippedRow(unit.row.row, unit.row.email, why, owner))
            elif unit.update and index == 0 and reason.code == "ConditionalCheckFailed":
                self._fail(
                    [unit],
                    outcome,
                    "changed by another writer during the import; import the file again",
                )
            else:
                self._fail([unit], outcome, f"{reason.code}: {reason.message}")
        return keep

    def _repair_tokens(self, units: Sequence[_Unit], report: ImportReport) -> None:
        """Economy plan: write the search-index entries missing from the org's contacts that
        rows matched (skipped or updated), so a run killed between a transaction and its
        token batches is repaired by running it again.

        Reads the contacts (``ceil(M / 100)`` ``BatchGetItem``) and their entries (``ceil(T /
        100)``, eventually consistent: an entry a stale read misses is put again, unchanged),
        and puts the missing or different ones, 25 per ``BatchWriteItem``.
        """
        matched = [s.existing_id for s in report.skipped if s.existing_id is not None]
        matched += [u.contact.id for u in units if u.update]
        ids = list(dict.fromkeys(matched))
        if not ids:
            return
        expected: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in self._read_contacts(ids).values():
            for request in _token_puts(items.contact_from_item(raw)):
                item = request["PutRequest"]["Item"]
                expected[(item["PK"]["S"], item["SK"]["S"])] = request
        stored: dict[tuple[str, str], Any] = {}
        missing: list[dict[str, Any]] = []
        try:
            for chunk in _chunks(list(expected), limits.MAX_BATCH_GET_KEYS):
                wanted = [serialize({"PK": pk, "SK": sk}) for pk, sk in chunk]
                for found in self.writer.reader.batch_get(wanted):
                    stored[(found["PK"]["S"], found["SK"]["S"])] = found
            missing = [r for k, r in expected.items() if stored.get(k) != r["PutRequest"]["Item"]]
            for chunk in _chunks(missing, limits.MAX_BATCH_WRITE_ITEMS):
                batch_write(self._client, self._table_name, chunk)
        except BackendError as error:  # every row is written: say how to finish the repair
            report.notes.append(
                f"could not check the search-index entries of the {len(ids)} contacts the rows "
                f"matched ({error.code}); run org.backfill_search_index()"
            )
            return
        report.minimum_requests += (
            math.ceil(len(ids) / limits.MAX_BATCH_GET_KEYS)
            + math.ceil(len(expected) / limits.MAX_BATCH_GET_KEYS)
            + math.ceil(len(missing) / limits.MAX_BATCH_WRITE_ITEMS)
        )
        report.minimum_wcu += sum(
            capacity.write_units(item_size(r["PutRequest"]["Item"])) for r in missing
        )
        if missing:
            owners = {r["PutRequest"]["Item"]["contact_id"]["S"] for r in missing}
            report.notes.append(
                f"wrote {len(missing)} missing search-index entries of {len(owners)} contacts "
                "already in the org (an earlier economy import stopped before writing them)"
            )

    def _write_batch_puts(self, units: list[_Unit], outcome: _Outcome) -> None:
        """Economy plan: the rows' search-index entries, 25 per BatchWriteItem."""
        requests = [(unit, put) for unit in units for put in unit.batch_puts]
        unwritten: dict[_Unit, str] = {}
        for chunk in _chunks(requests, limits.MAX_BATCH_WRITE_ITEMS):
            for attempt in range(MAX_CHUNK_ATTEMPTS):
                try:
                    batch_write(
                        self._client,
                        self._table_name,
                        [put for _, put in chunk],
                    )
                    break
                except BackendError as error:
                    if attempt == MAX_CHUNK_ATTEMPTS - 1:
                        for unit, _ in chunk:
                            unwritten.setdefault(unit, error.code)
                        break
                    self._client.back_off(attempt)
        for unit, code in unwritten.items():
            why = (
                f"imported, but its search-index entries were not written ({code}); "
                "run org.backfill_search_index()"
            )
            outcome.failed.append(FailedRow(unit.row.row, unit.row.email, why))

    def _audit_action(self, units: Sequence[_Unit], token: str) -> Action:
        """The audit entry of one import transaction, naming every contact it writes: a run
        that dies midway leaves each committed transaction audited."""
        new = [u.contact.id for u in units if not u.update]
        changed = [u.contact.id for u in units if u.update]
        detail = f"{len(new)} imported, {len(changed)} updated: {' '.join(new + changed)}"
        return self.writer.audit_action("import", None, token, (), detail)

    def _audit_wcu(self, units: Sequence[_Unit]) -> int:
        """Write units of the audit entry of a transaction of ``units`` (transactional)."""
        action = self._audit_action(units, _PROBE_ID)
        return capacity.transactional_write_units(item_size(action["Put"]["Item"]))

    def _succeed(self, units: list[_Unit], outcome: _Outcome, written: list[_Unit]) -> None:
        for unit in units:
            written.append(unit)
            outcome.contact_ids[unit.row.row] = unit.contact.id
            if unit.update:
                outcome.updated += 1
                outcome.merged += self.on_conflict == "merge"
            else:
                outcome.imported += 1

    def _fail(self, units: list[_Unit], outcome: _Outcome, reason: str) -> None:
        for unit in units:
            outcome.failed.append(FailedRow(unit.row.row, unit.row.email, reason))


PACK_WINDOW = 8  # transactions kept open for rows that fit; more gains little
PIPELINE_DEPTH = 2  # transactions prepared ahead of the ones being written
# Transactions in flight at once. Three: while the endpoint works on one, the answer to another
# waits for this process's interpreter lock (busy building the next transactions) and a third
# is already waiting at the endpoint (5,000 sample contacts: 4.8 s median against 5.4 s with
# two, docs/benchmarks.md "Round five").
PIPELINE_WRITERS = 3
# None: pipelined unless the endpoint is the embedded engine in this process, whose server
# threads share this process's interpreter lock (measured in docs/benchmarks.md, "Round
# four"); True or False: always, never (the tests set it).
PIPELINE: bool | None = None
# Each transaction carries one audit entry naming its contacts (at most 99 ULIDs: under 3 KB).
AUDIT_BYTES = 4 * 1024
ROW_ACTIONS = limits.MAX_TRANSACTION_ACTIONS - 1  # the rows' share of a transaction
ROW_BYTES = limits.MAX_TRANSACTION_BYTES - AUDIT_BYTES


def pack(units: Iterable[_Unit], window: int = PACK_WINDOW) -> Iterator[list[_Unit]]:
    """Rows packed whole into transactions of <= 99 actions and <= 4 MB - 4 KB (first fit),
    leaving room for the transaction's audit entry.

    Each row goes into the first of ``window`` open transactions with room for it, so small
    rows fill the gaps big ones leave; a transaction is sent once full or pushed out of the
    window. Rows keep their file order inside a transaction.
    """
    open_chunks: list[tuple[list[_Unit], list[int]]] = []  # rows, [actions, bytes]
    for unit in units:
        count, size = len(unit.actions), unit.size
        for rows, used in open_chunks:
            if used[0] + count <= ROW_ACTIONS and used[1] + size <= ROW_BYTES:
                rows.append(unit)
                used[0] += count
                used[1] += size
                break
        else:
            open_chunks.append(([unit], [count, size]))
        while open_chunks and (len(open_chunks) > window or open_chunks[0][1][0] == ROW_ACTIONS):
            yield open_chunks.pop(0)[0]
    for rows, _ in open_chunks:
        yield rows


def _check_region(region: str) -> None:
    """Refuse a ``phone_region`` phonenumbers does not know (``"UK"`` is ``"GB"``)."""
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            "phone_region",
            f"{region!r} is not a region code phonenumbers knows; use ISO 3166 codes such "
            "as 'DE', 'FR', 'GB' (not 'UK')",
        )


def _primary_name(name: str) -> str:
    """A list's first entry named as the primary (``emails[0].label`` -> ``email.label``):
    files write it in the primary's columns, and ``add(email=...)`` names it so too."""
    for listed, primary in PRIMARY_OF.items():
        if name.startswith(f"{listed}[0]"):
            return primary + name.removeprefix(f"{listed}[0]")
    return name


def _taken_reason(row: _Row, holders: Sequence[str], owners: Mapping[str, str]) -> str:
    """Why a row whose emails other contacts hold is skipped (naming the address and holder)."""
    taken = [(k, owners[k]) for k in row.keys if k in owners]
    if len(holders) > 1:
        held = ", ".join(f"{k} by contact {owner}" for k, owner in taken)
        return f"emails already used by several contacts in this org ({held}); merge them first"
    key, owner = taken[0]
    which = "email" if key == row.keys[0] else f"email {key}"
    return f"{which} already used by contact {owner} in this org"


def _timestamp(name: str, text: Any) -> datetime:
    try:
        return to_millis(parse_timestamp(str(text)))
    except ValueError as exc:
        raise ValidationError(
            name,
            f"{text!r} is not an ISO 8601 time with a time zone, like 2025-03-09T13:22:30Z",
        ) from exc


def _row_ids(row: _Row) -> list[tuple[str, str]]:
    """The ids a row carries, each tagged with what it is (``("id", ...)``, ``("source", ...)``)."""
    found = [("id", row.file_id), ("source", row.source_id)]
    return [(kind, value) for kind, value in found if value is not None]


def _known_id(row: _Row, found: _Found) -> str | None:
    """The org's contact a row names: by its contactkit id, else by its source id."""
    if row.file_id is not None and row.file_id in found.by_id:
        return row.file_id
    if row.source_id is not None:
        return found.by_source.get(row.source_id)
    return None


def _contactkit_id(value: Any) -> str | None:
    """A file's id when it is a contactkit id (a ULID); other ids mean nothing to the org."""
    if not isinstance(value, str):
        return None
    try:
        return str(ULID.from_str(value.strip()))
    except ValueError:
        return None


def _group_names(value: Any) -> tuple[str, ...]:
    """A row's groups, checked like group names, without repeats (ignoring case)."""
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("groups", "must be a list of group names")
    names = _joined((), tuple(groups.clean_group_name(v, "groups") for v in value))
    if len(names) > limits.MAX_GROUPS_PER_CONTACT:
        raise ValidationError(
            "groups",
            f"has {len(names)} groups; the limit is {limits.MAX_GROUPS_PER_CONTACT}",
        )
    return names


def _joined(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    """``first`` then the names of ``more`` it lacks (ignoring case)."""
    seen = {keys.fold_group(g) for g in first}
    joined = list(first)
    for name in more:
        if keys.fold_group(name) not in seen:
            seen.add(keys.fold_group(name))
            joined.append(name)
    return tuple(joined)


def _id_at(moment: datetime, fresh: str) -> str:
    """A ULID timed at ``moment`` (so ids sort by creation) with ``fresh``'s random part."""
    millis = int(moment.timestamp() * 1000)
    return str(ULID.from_bytes(millis.to_bytes(6, "big") + ULID.from_str(fresh).bytes[6:]))


def _retry_token(first: str, attempt: int) -> str:
    """The token of a transaction's ``attempt``-th retry: a ULID of the first attempt's time,
    its random part derived from the first token (distinct, reproducible, no id drawn)."""
    head = ULID.from_str(first).bytes
    tail = hashlib.blake2b(head + attempt.to_bytes(2, "big"), digest_size=10).digest()
    return str(ULID.from_bytes(head[:6] + tail))


def _with_token(action: Action, token: str) -> Action:
    """The contact's Put carrying this transaction's token (to recognise a lost answer)."""
    body = dict(action["Put"])
    body["Item"] = {**body["Item"], "write_token": {"S": token}}
    return {"Put": body}


def _contact_id_of(item: dict[str, Any] | None) -> str | None:
    if not item or "contact_id" not in item:
        return None
    return str(item["contact_id"]["S"])


def _token_puts(contact: Contact) -> list[dict[str, Any]]:
    return [
        {"PutRequest": {"Item": items.token_item(contact, token, in_name=flag)}}
        for token, flag in token_plan(contact).items()
    ]


def _unit_wcu(unit: _Unit) -> int:
    """Write units of a unit's planned items (transactional: twice) plus index writes."""
    total = 0
    for action, size in zip(unit.actions, unit.item_sizes, strict=True):
        ((kind, body),) = action.items()
        item = body.get("Item") or body.get("Key") or {}
        total += capacity.transactional_write_units(size)
        if kind == "Put" and "EmailPK" in item:
            total += capacity.index_write_units(None, item, schema.INDEX_KEYS, new_size=size)
    for request in unit.batch_puts:
        total += capacity.write_units(item_size(request["PutRequest"]["Item"]))
    return total


def _chunks(values: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def _progress_bar(progress: Progress, total: int) -> Any:
    """A tqdm bar (the notebook one in Jupyter) when wanted; ``None`` otherwise."""
    if callable(progress) or progress is False:
        return None
    if progress is None and (total < PROGRESS_MIN_ROWS or not progress_wanted(None)):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="contact", desc="import")


def _advance(bar: Any, progress: Progress, done: int, total: int, step: int) -> None:
    if bar is not None:
        bar.update(step)
    if callable(progress):
        progress(done, total)
