"""Batch import: every row validated like ``add()``, then written in as few requests as
DynamoDB's limits allow, exactly once, with a report.

The write plan
--------------
1. **Read and validate** (no requests). Each row is checked by the model's rules
   (:func:`contactkit.contacts.model.clean_new`, the same as ``add``): a row is refused exactly
   when ``add`` would refuse its values. Text a spreadsheet would run as a formula is stored as
   typed; only the CSV export neutralises it (:mod:`contactkit.io.spreadsheet`).
   Rows repeating an email of an earlier row (ignoring case) are skipped as duplicates.
2. **Look up** the ``K`` distinct emails' uniqueness items: ``ceil(K / 100)`` consistent
   ``BatchGetItem`` requests. Emails already used in the org are skipped (``on_conflict=
   "skip"``) or their contacts read (``ceil(E / 100)`` more ``BatchGetItem``) and updated
   (``"update"``; a row that changes nothing is skipped as unchanged, so re-runs write nothing).
3. **Write** each row's actions (contact, uniqueness item, tag items and, in the ``"atomic"``
   plan, search-index entries) packed whole into ``TransactWriteItems`` of at most 100 actions
   and 4 MB: ``ceil(A / 100)`` requests for ``A`` actions when the rows pack perfectly (a row's
   actions never straddle two transactions, so a few percent more in practice). Conditions
   (``attribute_not_exists`` on contact and email, the read version on updates) make every
   write safe against concurrent writers and against retries.
   The ``"economy"`` plan writes search-index entries with ``BatchWriteItem`` instead (they
   need no condition): ``ceil(T / 25)`` more requests for ``T`` entries, each at half the
   write units of a transactional write. If those never succeed the contact stays imported,
   the row is reported in ``failed`` and ``org.backfill_search_index()`` repairs the index.

Minimum requests = ``ceil(K/100) + ceil(E/100) + ceil(A/100) [+ ceil(T/25)]`` (``E`` = 0 unless
updating, ``T`` = 0 in the atomic plan); a dry run makes only the lookups.

Failures: a transaction cancelled by a condition is split: the rows whose conditions failed
are taken out (an email claimed meanwhile is a skipped duplicate; a contact changed meanwhile
is reported) and the rest sent again. ``TransactionConflict`` cancellations are retried with
backoff (:class:`~contactkit.dynamo.transactions.TransactionWriter`); throttling, 5xx and dropped
connections by botocore, then by this module up to :data:`MAX_CHUNK_ATTEMPTS` times with
exponential backoff and full jitter. A transaction whose answer was lost is recognised by the
``write_token`` its retry finds (``ALL_OLD``). Rows still unwritten are reported in
``ImportReport.failed``: never dropped, and a re-run imports exactly them.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import IO, Any, Literal

from ulid import ULID

from ..clock import parse_timestamp, to_millis
from ..contacts import items, keys
from ..contacts.actions import (
    changed_contact_actions,
    claimed_email,
    name_moved_at,
    new_contact_actions,
    token_plan,
)
from ..contacts.model import Contact, PhoneNumber, apply_changes, clean_new
from ..contacts.phones import normalise as normalise_phone
from ..contacts.writer import ContactWriter
from ..dynamo import capacity, limits, schema
from ..dynamo.batches import batch_write
from ..dynamo.meter import Meter
from ..dynamo.sizes import item_size
from ..dynamo.transactions import Action, action_bytes, is_conflict
from ..dynamo.types import serialize
from ..errors import BackendError, TransactionCanceledError, ValidationError
from .formats import Source, SourceRow, read_source
from .progress import wanted as progress_wanted
from .report import FailedRow, ImportReport, InvalidRow, RowWarning, SkippedRow

OnConflict = Literal["skip", "update"]
Plan = Literal["atomic", "economy"]
Progress = bool | Callable[[int, int], None] | None

MAX_CHUNK_ATTEMPTS = 6  # our retries of a chunk after botocore's own retries gave up
PROGRESS_MIN_ROWS = 300  # smaller imports finish before a bar would tell anything
_COMPARED = tuple(f.name for f in fields(Contact) if f.name not in {"version", "updated_at"})


@dataclass
class _Row:
    """A valid row waiting to be written."""

    row: int
    email: str
    key: str  # the email as the uniqueness item's key has it ("row <n>" without an email)
    cleaned: dict[str, Any]
    created_at: datetime | None


@dataclass(eq=False)  # compared and hashed by identity
class _Unit:
    """One row's writes: its transaction actions (and, in the economy plan, batch puts)."""

    row: _Row
    contact: Contact
    actions: list[Action]
    batch_puts: list[dict[str, Any]]
    update: bool
    size: int = 0  # bytes of the actions, as DynamoDB counts them towards 4 MB

    def __post_init__(self) -> None:
        self.size = sum(action_bytes(a) for a in self.actions)


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
) -> ImportReport:
    """Read ``source``, import it into the writer's org, and audit the run (one entry).

    The arguments are :meth:`OrgStore.import_contacts`'s, which documents them.
    """
    read = read_source(source, format, encoding)
    importer = Importer(
        writer, on_conflict=on_conflict, dry_run=dry_run, plan=plan, progress=progress
    )
    report = importer.run(read)
    for contact_id in report.contact_ids.values():
        writer.cache.forget(contact_id)
    if not dry_run and (report.imported or report.updated):
        writer.audit_import(report.imported, report.updated)
    return report


class Importer:
    """Imports rows into one org; :meth:`OrgStore.import_contacts` is the usual way in.

    Retries wait as the table's client says (``connect(sleep=...)``), so tests need no waiting.
    """

    def __init__(
        self,
        writer: ContactWriter,
        *,
        on_conflict: OnConflict = "skip",
        dry_run: bool = False,
        plan: Plan = "atomic",
        progress: Progress = None,
    ) -> None:
        if on_conflict not in ("skip", "update"):
            raise ValidationError("on_conflict", f"must be 'skip' or 'update', not {on_conflict!r}")
        if plan not in ("atomic", "economy"):
            raise ValidationError("plan", f"must be 'atomic' or 'economy', not {plan!r}")
        self.writer = writer
        self.on_conflict = on_conflict
        self.dry_run = dry_run
        self.plan = plan
        self.progress = progress
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
        )
        with Meter(self._client.raw) as meter:
            valid = self._validate(source.rows, report)
            owners = self._lookup(valid)
            units, minimum = self._plan(valid, owners, report)
            report.minimum_requests = minimum
            report.minimum_wcu = sum(_unit_wcu(u) for u in units) if not self.dry_run else 0
            if self.dry_run:
                report.imported = sum(1 for u in units if not u.update)
                report.updated = sum(1 for u in units if u.update)
            else:
                self._write(units, report)
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
        first_row: dict[str, int] = {}
        for source_row in rows:
            if source_row.empty:
                report.skipped.append(SkippedRow(source_row.row, "", "empty row"))
                continue
            try:
                row = self._clean(source_row)
            except ValidationError as error:
                report.invalid_rows.append(InvalidRow(source_row.row, error.field, error.reason))
                continue
            if row.key in first_row:
                reason = f"duplicate of row {first_row[row.key]} (same email, ignoring case)"
                report.skipped.append(SkippedRow(row.row, row.email, reason))
                continue
            first_row[row.key] = row.row
            phone = row.cleaned.get("phone")
            if isinstance(phone, PhoneNumber) and phone.e164 is None:
                warning = normalise_phone(phone.value, self.writer.phone_region).warning
                report.warnings.append(RowWarning(row.row, "phone", str(warning)))
            valid.append(row)
        return valid

    def _clean(self, source_row: SourceRow) -> _Row:
        if source_row.problems:
            raise ValidationError(*source_row.problems[0])
        values = dict(source_row.values)
        created_text = values.pop("created_at", None)
        created_at = _created_at(created_text) if created_text is not None else None
        cleaned = clean_new(values, self.writer.phone_region)
        primary = cleaned.get("email")
        if primary is None:  # no email: nothing to match on here (no key form has no "@")
            return _Row(source_row.row, "", f"row {source_row.row}", cleaned, created_at)
        email = primary.value
        return _Row(source_row.row, email, keys.normalise_email(email), cleaned, created_at)

    # -- 2. look up ----------------------------------------------------------------------

    def _lookup(self, rows: Sequence[_Row]) -> dict[str, str]:
        """``{normalised email: contact id}`` for the rows' emails already used in the org."""
        owners: dict[str, str] = {}
        reader = self.writer.reader
        org = self.writer.org_id
        for chunk in _chunks([row for row in rows if row.email], limits.MAX_BATCH_GET_KEYS):
            wanted = [serialize(keys.uniqueness_key(org, row.email)) for row in chunk]
            by_key = {keys.uniqueness_key(org, row.email)["PK"]: row.key for row in chunk}
            for found in reader.batch_get(wanted, consistent=True):
                owners[by_key[found["PK"]["S"]]] = found["contact_id"]["S"]
        return owners

    # -- 3. plan -------------------------------------------------------------------------

    def _plan(
        self, rows: Sequence[_Row], owners: dict[str, str], report: ImportReport
    ) -> tuple[list[_Unit], int]:
        lookups = math.ceil(len(rows) / limits.MAX_BATCH_GET_KEYS)
        units: list[_Unit] = []
        existing = [row for row in rows if row.key in owners]
        if self.on_conflict == "skip":
            for row in existing:
                owner = owners[row.key]
                reason = f"email already used by contact {owner} in this org"
                report.skipped.append(SkippedRow(row.row, row.email, reason, owner))
            reads = 0
        else:
            units.extend(self._update_units(existing, owners, report))
            reads = math.ceil(len(existing) / limits.MAX_BATCH_GET_KEYS)
        for row in rows:
            if row.key not in owners:
                try:
                    units.append(self._new_unit(row))
                except ValidationError as error:  # an item over 400 KB
                    report.invalid_rows.append(InvalidRow(row.row, error.field, error.reason))
        actions = sum(len(u.actions) for u in units)
        transaction_bytes = sum(u.size for u in units)
        transactions = max(
            math.ceil(actions / limits.MAX_TRANSACTION_ACTIONS),
            math.ceil(transaction_bytes / limits.MAX_TRANSACTION_BYTES),
        )
        batches = math.ceil(sum(len(u.batch_puts) for u in units) / limits.MAX_BATCH_WRITE_ITEMS)
        if self.dry_run:
            return units, lookups + reads
        return units, lookups + reads + transactions + batches

    def _new_unit(self, row: _Row) -> _Unit:
        now = to_millis(self.writer.clock())
        created = row.created_at or now
        fresh = self.writer.ids()
        contact_id = _id_at(created, fresh) if row.created_at else fresh
        blank = Contact(
            id=contact_id, org_id=self.writer.org_id, created_at=created, updated_at=now
        )
        contact = apply_changes(blank, row.cleaned)
        token = self.writer.ids()
        atomic = self.plan == "atomic"
        actions = new_contact_actions(contact, token, with_tokens=atomic)
        puts = [] if atomic else _token_puts(contact)
        return _Unit(row, contact, actions, puts, update=False)

    def _update_units(
        self, rows: Sequence[_Row], owners: dict[str, str], report: ImportReport
    ) -> Iterator[_Unit]:
        reader = self.writer.reader
        org = self.writer.org_id
        for chunk in _chunks(rows, limits.MAX_BATCH_GET_KEYS):
            wanted = [serialize(keys.contact_key(org, owners[row.key])) for row in chunk]
            stored = {
                found["id"]["S"]: found for found in reader.batch_get(wanted, consistent=True)
            }
            for row in chunk:
                raw = stored.get(owners[row.key])
                if raw is None:  # deleted since the look-up: create it instead
                    yield self._new_unit(row)
                    continue
                current = items.contact_from_item(raw)
                changed = apply_changes(current, row.cleaned)
                if all(getattr(changed, n) == getattr(current, n) for n in _COMPARED):
                    report.skipped.append(
                        SkippedRow(
                            row.row,
                            row.email,
                            "unchanged: the org's contact already has these values",
                            current.id,
                        )
                    )
                    continue
                updated = replace(
                    changed,
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
                yield _Unit(row, updated, actions, [], update=True)

    # -- 4. write ------------------------------------------------------------------------

    def _write(self, units: list[_Unit], report: ImportReport) -> None:
        bar = _progress_bar(self.progress, len(units))
        done = 0
        try:
            for chunk in pack(units):
                written = self._write_chunk(chunk, report)
                if self.plan == "economy":
                    self._write_batch_puts(written, report)
                done += len(chunk)
                _advance(bar, self.progress, done, len(units), len(chunk))
        finally:
            if bar is not None:
                bar.close()

    def _write_chunk(self, chunk: list[_Unit], report: ImportReport) -> list[_Unit]:
        """Write one transaction's rows, splitting out rows whose conditions fail."""
        pending = list(chunk)
        written: list[_Unit] = []
        tokens: set[str] = set()  # every attempt's token: any of them found stored = success
        attempts = 0
        while pending:
            token = self.writer.ids()
            tokens.add(token)
            actions = [
                _with_token(a, token) if i == 0 else a
                for unit in pending
                for i, a in enumerate(unit.actions)
            ]
            try:
                self._writer.write(actions, token, "import")
            except TransactionCanceledError as error:
                if is_conflict(error):
                    self._fail(pending, report, "kept conflicting with concurrent transactions")
                    return written
                pending = self._split(pending, tokens, error, report, written)
                continue
            except BackendError as error:  # throttled or 5xx beyond botocore's retries
                attempts += 1
                if attempts >= MAX_CHUNK_ATTEMPTS:
                    self._fail(pending, report, f"{error.code}: {error.message}")
                    return written
                self._client.back_off(attempts)
                continue
            self._succeed(pending, report, written)
            pending = []
        return written

    def _split(
        self,
        pending: list[_Unit],
        tokens: set[str],
        error: TransactionCanceledError,
        report: ImportReport,
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
                self._succeed(pending, report, written)
                return []
            failed = [(i, r) for i, r in enumerate(mine) if r.code not in ("None", "")]
            if not failed:
                keep.append(unit)
                continue
            index, reason = failed[0]
            owner = _contact_id_of(reason.item)
            claim = claimed_email(unit.actions[index])
            if not unit.update and claim is not None and reason.code == "ConditionalCheckFailed":
                if owner == unit.contact.id:  # written by an earlier attempt of ours
                    self._succeed([unit], report, written)
                    continue
                why = f"email already used by contact {owner} in this org (added meanwhile)"
                report.skipped.append(SkippedRow(unit.row.row, unit.row.email, why, owner))
            elif unit.update and index == 0 and reason.code == "ConditionalCheckFailed":
                self._fail(
                    [unit],
                    report,
                    "changed by another writer during the import; import the file again",
                )
            else:
                self._fail([unit], report, f"{reason.code}: {reason.message}")
        return keep

    def _write_batch_puts(self, units: list[_Unit], report: ImportReport) -> None:
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
            report.failed.append(FailedRow(unit.row.row, unit.row.email, why))

    def _succeed(self, units: list[_Unit], report: ImportReport, written: list[_Unit]) -> None:
        for unit in units:
            written.append(unit)
            report.contact_ids[unit.row.row] = unit.contact.id
            if unit.update:
                report.updated += 1
            else:
                report.imported += 1

    def _fail(self, units: list[_Unit], report: ImportReport, reason: str) -> None:
        for unit in units:
            report.failed.append(FailedRow(unit.row.row, unit.row.email, reason))


PACK_WINDOW = 8  # transactions kept open for rows that fit; more gains little


def pack(units: Sequence[_Unit], window: int = PACK_WINDOW) -> Iterator[list[_Unit]]:
    """Rows packed whole into transactions of <= 100 actions and <= 4 MB (first fit).

    Each row goes into the first of ``window`` open transactions with room for it, so small
    rows fill the gaps big ones leave; a transaction is sent once full or pushed out of the
    window. Rows keep their file order inside a transaction.
    """
    open_chunks: list[tuple[list[_Unit], list[int]]] = []  # rows, [actions, bytes]
    for unit in units:
        count, size = len(unit.actions), unit.size
        for rows, used in open_chunks:
            if (
                used[0] + count <= limits.MAX_TRANSACTION_ACTIONS
                and used[1] + size <= limits.MAX_TRANSACTION_BYTES
            ):
                rows.append(unit)
                used[0] += count
                used[1] += size
                break
        else:
            open_chunks.append(([unit], [count, size]))
        while open_chunks and (
            len(open_chunks) > window or open_chunks[0][1][0] == limits.MAX_TRANSACTION_ACTIONS
        ):
            yield open_chunks.pop(0)[0]
    for rows, _ in open_chunks:
        yield rows


def _created_at(text: Any) -> datetime:
    try:
        return to_millis(parse_timestamp(str(text)))
    except ValueError as exc:
        raise ValidationError(
            "created_at",
            f"{text!r} is not an ISO 8601 time with a time zone, like 2025-03-09T13:22:30Z",
        ) from exc


def _id_at(moment: datetime, fresh: str) -> str:
    """A ULID timed at ``moment`` (so ids sort by creation) with ``fresh``'s random part."""
    millis = int(moment.timestamp() * 1000)
    return str(ULID.from_bytes(millis.to_bytes(6, "big") + ULID.from_str(fresh).bytes[6:]))


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
    for action in unit.actions:
        ((kind, body),) = action.items()
        item = body.get("Item") or body.get("Key") or {}
        total += capacity.transactional_write_units(item_size(item))
        if kind == "Put" and "EmailPK" in item:
            total += capacity.index_write_units(None, item, schema.INDEX_KEYS)
    for put in unit.batch_puts:
        total += capacity.write_units(item_size(put["PutRequest"]["Item"]))
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
