"""Backups in DynamoDB's own export format, and restores that check every line first.

The file is what DynamoDB's "Export to S3" writes in DynamoDB JSON: one
``{"Item": {"PK": {"S": "..."}, ...}}`` object per line, gzip-compressed (binary values in
base64). So an AWS export of a contactkit table restores here, and a backup made here can be
read by any tool that reads those exports. Backups are deterministic (keys sorted, gzip time
stamp zero): the same items give the same bytes.

``backup(client, table_name, path)`` Scans the whole table; with ``org=...`` it walks that org's
partitions by key (:mod:`contactkit.contacts.orgdata`), reading no other tenant's items.
(``table.backup(path)`` and ``table.restore(path)`` are the usual way in.)

``restore(client, table_name, path)`` reads the file twice. The first pass validates every
line (JSON,
DynamoDB types, string keys ``PK``/``SK`` within DynamoDB's key limits, 400 KB per item, no
key twice) and, if any line is bad, raises :class:`~contactkit.errors.BackupFormatError`
listing every bad line's number and reason before anything is written. The second pass writes
with ``BatchWriteItem`` in chunks of at most 25 items (our limit check, not the emulator's),
re-sending ``UnprocessedItems`` with backoff (:mod:`contactkit.dynamo.batches`). Restoring is
idempotent: items are put whole, so running it twice gives the same table.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from ..contacts import keys
from ..contacts.orgdata import org_items
from ..dynamo import limits
from ..dynamo.batches import batch_write, chunks
from ..dynamo.client import DynamoClient
from ..dynamo.paging import walk
from ..dynamo.sizes import item_size
from ..dynamo.types import Item, JsonItem
from ..errors import BackupFormatError, ValidationError

if TYPE_CHECKING:
    from ..dynamo.types import AttributeValue

_GZIP_MAGIC = b"\x1f\x8b"
_SCALARS = {"S", "N", "B", "BOOL", "NULL"}
_SETS = {"SS", "NS", "BS"}


@dataclass(frozen=True)
class BackupReport:
    """A finished backup: ``items`` written to ``path`` (``bytes`` on disk)."""

    path: Path
    items: int
    bytes: int


@dataclass(frozen=True)
class RestoreReport:
    """A finished restore: ``items`` put with ``requests`` BatchWriteItem calls."""

    path: Path
    items: int
    requests: int


def backup(
    client: DynamoClient, table_name: str, path: str | Path, org: str | None = None
) -> BackupReport:
    """Write every item of the table (or of one org) to a gzip DynamoDB-JSON file."""
    target = Path(path)
    found = (
        org_items(client, table_name, org)
        if org is not None
        else walk(client, "Scan", {"TableName": table_name, "ConsistentRead": True})
    )
    count = 0
    with (
        target.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as packed,
    ):
        for item in found:
            line = json.dumps({"Item": to_json(item)}, sort_keys=True, ensure_ascii=False)
            packed.write(line.encode("utf-8") + b"\n")
            count += 1
    return BackupReport(target, count, target.stat().st_size)


def restore(
    client: DynamoClient,
    table_name: str,
    path: str | Path,
    *,
    create_table: Callable[[], object] = lambda: None,
) -> RestoreReport:
    """Put every item of a backup (or AWS export) file into the table.

    Raises ``BackupFormatError`` (with ``bad_lines``) and writes nothing if any line is bad.
    ``create_table`` runs once the file is known good, before the first write
    (:meth:`Table.restore` passes one that creates the table if it is missing).
    """
    source = Path(path)
    if not source.is_file():
        raise ValidationError("path", f"{str(source)!r} is not a file")
    bad = validate_file(source)
    if bad:
        raise BackupFormatError(source.name, bad)
    create_table()
    requests = 0
    count = 0
    puts = ({"PutRequest": {"Item": item}} for _, item in _items(source))
    for chunk in chunks(puts, limits.MAX_BATCH_WRITE_ITEMS):
        requests += batch_write(client, table_name, chunk)
        count += len(chunk)
    return RestoreReport(source, count, requests)


def validate_file(path: Path) -> list[tuple[int, str]]:
    """``(line number, reason)`` for every bad line of a backup file (empty when all good)."""
    bad: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    with _open(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = parse_line(line)
            except ValidationError as error:
                bad.append((number, error.reason))
                continue
            key = (item["PK"]["S"], item["SK"]["S"])
            if key in seen:
                bad.append((number, f"has the same key as line {seen[key]}"))
            else:
                seen[key] = number
    return bad


def parse_line(line: str) -> Item:
    """One line to an item for the low-level client (binary decoded); ``ValidationError``."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValidationError("line", f"is not JSON ({error.msg})") from error
    if not isinstance(data, dict) or set(data) != {"Item"} or not isinstance(data["Item"], dict):
        raise ValidationError("line", 'is not a {"Item": {...}} object')
    # _value has checked each value's shape, which is what the cast asserts.
    item: Item = {
        name: cast("AttributeValue", _value(name, value)) for name, value in data["Item"].items()
    }
    for name in ("PK", "SK"):
        if name not in item or set(item[name]) != {"S"} or not item[name]["S"]:
            raise ValidationError("line", f"has no string key {name}")
    try:
        keys.check_key_sizes({"PK": item["PK"]["S"], "SK": item["SK"]["S"]})
    except ValidationError as error:
        raise ValidationError("line", f"{error.field}: {error.reason}") from error
    size = item_size(item)
    if size > limits.MAX_ITEM_BYTES:
        raise ValidationError("line", f"item of {size:,} bytes is over DynamoDB's 400 KB")
    return item


def to_json(item: Item) -> JsonItem:
    """A low-level client item to DynamoDB JSON (binary values as base64 text)."""
    return {name: _encode(value) for name, value in item.items()}


def _encode(value: Mapping[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode("ascii")}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode("ascii") for b in inner]}
    if kind == "L":
        return {"L": [_encode(v) for v in inner]}
    if kind == "M":
        return {"M": {k: _encode(v) for k, v in inner.items()}}
    return {kind: inner}


def _value(path: str, value: Any) -> dict[str, Any]:
    """Check one DynamoDB-JSON value and convert it for the client (base64 -> bytes)."""
    if not isinstance(value, dict) or len(value) != 1:
        raise ValidationError("line", f"{path}: not a typed value such as {{'S': 'text'}}")
    ((kind, inner),) = value.items()
    if kind == "S" and isinstance(inner, str):
        return value
    if kind == "N" and isinstance(inner, str) and _is_number(inner):
        return value
    if kind == "BOOL" and isinstance(inner, bool):
        return value
    if kind == "NULL" and inner is True:
        return value
    if kind == "B" and isinstance(inner, str):
        return {"B": _binary(path, inner)}
    if kind in _SETS and isinstance(inner, list) and inner:
        if len(set(map(str, inner))) != len(inner):
            raise ValidationError("line", f"{path}: a set with duplicate members")
        if kind == "SS" and all(isinstance(v, str) for v in inner):
            return value
        if kind == "NS" and all(isinstance(v, str) and _is_number(v) for v in inner):
            return value
        if kind == "BS" and all(isinstance(v, str) for v in inner):
            return {"BS": [_binary(path, v) for v in inner]}
    if kind == "L" and isinstance(inner, list):
        return {"L": [_value(f"{path}[{n}]", v) for n, v in enumerate(inner)]}
    if kind == "M" and isinstance(inner, dict):
        return {"M": {k: _value(f"{path}.{k}", v) for k, v in inner.items()}}
    known = _SCALARS | _SETS | {"L", "M"}
    if kind not in known:
        raise ValidationError("line", f"{path}: unknown type {kind!r}")
    raise ValidationError("line", f"{path}: a bad {kind} value")


def _is_number(text: str) -> bool:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return False
    return number.is_finite()


def _binary(path: str, text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValidationError("line", f"{path}: binary value is not base64") from error


def _items(path: Path) -> Iterator[tuple[int, Item]]:
    with _open(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, parse_line(line)


def _open(path: Path) -> IO[str]:
    """The file as text lines, gunzipped when it is gzip (plain JSON lines also restore)."""
    with path.open("rb") as probe:
        compressed = probe.read(2) == _GZIP_MAGIC
    if compressed:
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")
