"""Backups in DynamoDB's own export format, and restores that check every line first.

The file is what DynamoDB's "Export to S3" writes in DynamoDB JSON: one
``{"Item": {"PK": {"S": "..."}, ...}}`` object per line, gzip-compressed (binary values in
base64). So an AWS export of a contactkit table restores here, and a backup made here can be
read by any tool that reads those exports. Backups are deterministic (keys sorted, gzip time
stamp zero): the same items give the same bytes.

``backup(client, table_name, path)`` Scans the whole table; with ``org=...`` it walks that org's
partitions by key (:mod:`contactkit.contacts.orgdata`), reading no other tenant's items.
(``table.backup(path)`` and ``table.restore(path)`` are the usual way in.)

``restore(client, table_name, path, org=...)`` reads the file twice. The first pass validates
every line: the format (UTF-8 JSON, DynamoDB types nested at most 32 levels, string keys
``PK``/``SK`` within DynamoDB's key limits, 400 KB per item, no key twice; a truncated gzip is
refused outright), then that it is a contactkit item of the org restored
with a valid shape (:mod:`contactkit.contacts.shapes`: contacts read through the model, claims,
tags, tokens and members equal to what their contact derives, no email held twice). Without
``org`` the file must hold exactly one org, which the report names; ``whole_table=True``
restores every org of a whole-table backup. If any line is bad it raises
:class:`~contactkit.errors.BackupFormatError` listing every bad line's number and reason, and
nothing is written. Each org restored must then be empty (``mode="empty"``, the default); with
``mode="replace"`` its items are purged first (``purge``), so no stale claim, tag, token or
group item survives. The second pass writes with ``BatchWriteItem`` in chunks of at most 25
items (our limit check, not the emulator's), re-sending ``UnprocessedItems`` with backoff
(:mod:`contactkit.dynamo.batches`), then the derived items the file lacked (a backup taken
while an import was still writing search tokens restores with its tokens). An interrupted
restore is finished by running it again with ``mode="replace"``.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, cast

from boto3.dynamodb.conditions import Key

from ..contacts import keys
from ..contacts.orgdata import org_items
from ..contacts.shapes import ItemCheck
from ..dynamo import limits
from ..dynamo.batches import batch_write, chunks
from ..dynamo.client import DynamoClient
from ..dynamo.expressions import render
from ..dynamo.paging import walk
from ..dynamo.sizes import item_size
from ..dynamo.types import Item, JsonItem
from ..errors import BackupFormatError, ValidationError

if TYPE_CHECKING:
    from ..dynamo.types import AttributeValue

_GZIP_MAGIC = b"\x1f\x8b"
_SCALARS = {"S", "N", "B", "BOOL", "NULL"}
_SETS = {"SS", "NS", "BS"}
MAX_NESTING = 32  # DynamoDB's limit on nested attribute levels (lists and maps in lists and maps)

RestoreMode = Literal["empty", "replace"]


@dataclass(frozen=True)
class BackupReport:
    """A finished backup: ``items`` written to ``path`` (``bytes`` on disk)."""

    path: Path
    items: int
    bytes: int


@dataclass(frozen=True)
class RestoreReport:
    """A finished restore of ``orgs``: ``items`` put with ``requests`` BatchWriteItem calls.

    ``derived`` of the items were not in the file: claims, tags, tokens or members that its
    contacts imply (re-created so the org is consistent).
    """

    path: Path
    items: int
    requests: int
    orgs: tuple[str, ...] = ()
    derived: int = 0


@dataclass(frozen=True)
class CheckedBackup:
    """A backup file found good: its ``orgs``, and the derived items it lacks."""

    orgs: tuple[str, ...]
    missing: list[Item]


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
    org: str | None = None,
    whole_table: bool = False,
    mode: RestoreMode = "empty",
    create_table: Callable[[], object] = lambda: None,
    purge: Callable[[str], object] | None = None,
) -> RestoreReport:
    """Put a backup (or AWS export) of one org, or with ``whole_table`` of every org, back.

    Raises ``BackupFormatError`` (with ``bad_lines``) and writes nothing if any line is bad or
    belongs to another org than ``org``; ``ValidationError`` if an org restored already has
    items and ``mode`` is not ``"replace"``. ``create_table`` runs once the file is known good
    (:meth:`Table.restore` passes one that creates the table if it is missing); ``purge(org)``
    erases an org's items for ``mode="replace"``.
    """
    source = Path(path)
    if not source.is_file():
        raise ValidationError("path", f"{str(source)!r} is not a file")
    if mode not in ("empty", "replace"):
        raise ValidationError("mode", f"{mode!r} is not 'empty' or 'replace'")
    if org is not None:
        keys.validate_org_id(org)
        if whole_table:
            raise ValidationError("org", "give an org or whole_table=True, not both")
    checked = check_file(source, org)
    orgs = checked.orgs
    if len(orgs) > 1 and not whole_table:
        raise ValidationError(
            "org",
            f"{source.name} holds {len(orgs)} orgs ({', '.join(orgs[:5])}): pass org=... to "
            "restore one of them, or whole_table=True (--whole-table) to restore them all",
        )
    create_table()
    for name in orgs:
        if mode == "replace":
            if purge is None:
                raise ValidationError("mode", "'replace' needs purge= (use Table.restore)")
            purge(name)
        elif holds_data(client, table_name, name):
            raise ValidationError(
                "org",
                f"{name} already has items in table {table_name}; restore into an empty org, "
                "or replace its items with mode='replace' (--replace)",
            )
    requests = 0
    count = 0
    lines = (item for _, item in _items(source))
    for batch in (lines, iter(checked.missing)):
        for chunk in chunks(
            ({"PutRequest": {"Item": i}} for i in batch), limits.MAX_BATCH_WRITE_ITEMS
        ):
            requests += batch_write(client, table_name, chunk)
            count += len(chunk)
    return RestoreReport(source, count, requests, orgs, len(checked.missing))


def holds_data(client: DynamoClient, table_name: str, org: str) -> bool:
    """Whether the org has contacts, groups or search entries (its audit trail may remain).

    Every other item of an org hangs off a contact, so two one-item Queries answer it.
    """
    for partition in (keys.tenant_partition_key(org), keys.search_partition_key(org)):
        request = render(Key("PK").eq(partition), key_condition=True, name="KeyConditionExpression")
        found = client.call("Query", TableName=table_name, ConsistentRead=True, Limit=1, **request)
        if found.get("Items"):
            return True
    return False


def check_file(path: Path, org: str | None = None) -> CheckedBackup:
    """Check every line of a backup (format and contactkit shape); ``BackupFormatError``."""
    check = ItemCheck(org)
    bad: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, line in _lines(path):
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
            continue
        seen[key] = number
        check.add(number, item)
    missing = check.finish()
    bad = sorted(bad + check.bad)
    if bad:
        raise BackupFormatError(path.name, bad)
    orgs = check.orgs or ({org} if org is not None else set())
    if not orgs:
        raise ValidationError("path", f"{path.name} holds no items: nothing to restore")
    return CheckedBackup(tuple(sorted(orgs)), missing)


def parse_line(line: str | bytes) -> Item:
    """One line (text or UTF-8 bytes) to an item for the client (binary decoded), or a
    ``ValidationError``."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(
                "line", f"is not UTF-8 text (byte {error.start} of the line: {error.reason})"
            ) from error
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValidationError("line", f"is not JSON ({error.msg})") from error
    except RecursionError as error:
        raise ValidationError(
            "line", f"is nested deeper than DynamoDB's {MAX_NESTING} levels"
        ) from error
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


def _value(path: str, value: Any, depth: int = 0) -> dict[str, Any]:
    """Check one DynamoDB-JSON value and convert it for the client (base64 -> bytes)."""
    if depth > MAX_NESTING:
        raise ValidationError("line", f"{path}: nested deeper than DynamoDB's {MAX_NESTING} levels")
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
        return {"L": [_value(f"{path}[{n}]", v, depth + 1) for n, v in enumerate(inner)]}
    if kind == "M" and isinstance(inner, dict):
        return {"M": {k: _value(f"{path}.{k}", v, depth + 1) for k, v in inner.items()}}
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
    for number, line in _lines(path):
        if line.strip():
            yield number, parse_line(line)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The file's numbered lines as bytes (each decoded by ``parse_line``, so a line that is
    not UTF-8 is one bad line); a gzip that is cut short or corrupt is a ``BackupFormatError``."""
    number = 0
    try:
        with _open(path) as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line
    except EOFError as error:
        reason = f"the file ends here: a truncated gzip ({error}); copy the backup again"
        raise BackupFormatError(path.name, [(number + 1, reason)]) from error
    except (gzip.BadGzipFile, zlib.error) as error:
        reason = f"the gzip data is corrupt ({error}); copy the backup again"
        raise BackupFormatError(path.name, [(number + 1, reason)]) from error


def _open(path: Path) -> IO[bytes]:
    """The file's bytes, gunzipped when it is gzip (plain JSON lines also restore)."""
    with path.open("rb") as probe:
        compressed = probe.read(2) == _GZIP_MAGIC
    if compressed:
        return cast("IO[bytes]", gzip.open(path, "rb"))
    return path.open("rb")
