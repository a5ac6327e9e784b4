"""Snapshots of an embedded engine: every table's definition and items, in one JSON file.

``save`` reads the engine under its request lock, so a snapshot is one consistent moment (no
request is half applied), then writes a temporary file beside the target, fsyncs it and
renames it over the target: a crash leaves the old snapshot or the new one, never a mix (a
save killed before its rename leaves its temporary file, which :func:`remove_leftovers` deletes
on the next start). ``load`` checks the file's whole shape first (a clear
``ConfigurationError`` naming the bad part, never a traceback), then creates the tables through
the engine's API and puts the items back.

The file carries its format version. Version 2 (this one) adds ``saved_at`` (UTC, ISO 8601) and
``written_by`` (the contactkit that saved it) to version 1's tables, which ``contactkit serve``
wrote until then; ``load`` brings an older file up to the current version one step at a time
(:data:`UPGRADES`), so every file ever written still loads. A newer file is refused, naming the
versions this contactkit reads.
"""

from __future__ import annotations

import base64
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dynamo.client import DynamoClient
from ..errors import ConfigurationError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from .embedded import EmbeddedEngine

FORMAT = "contactkit-engine-snapshot"
VERSION = 2
_KEY_TYPES = ("S", "N", "B")


@dataclass(frozen=True)
class SnapshotInfo:
    """What a snapshot held: table names and the number of items."""

    tables: tuple[str, ...]
    items: int


def capture(engine: EmbeddedEngine, *, now: datetime | None = None) -> dict[str, Any]:
    """Every table of the engine as plain data (DynamoDB JSON items), in the current version."""
    return json.loads(serialised(engine, now=now)[0])  # type: ignore[no-any-return]


def serialised(
    engine: EmbeddedEngine, *, now: datetime | None = None
) -> tuple[bytes, SnapshotInfo]:
    """The bytes of a snapshot file of ``engine``, and what it holds.

    Requests wait only while the item encodings are collected: the engine keeps each item as
    its DynamoDB JSON (``StoredItem.json()``, immutable bytes: a later write makes new ones), so
    the lock covers a copy of references and the file is assembled after it is released.
    """
    with engine.app.lock:
        tables = [
            (
                create_request(table.describe()["TableDescription"]),
                [_item_bytes(item) for item in _unsorted_items(table)],
            )
            for table in engine.backend.tables.values()
        ]
    saved_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat().replace("+00:00", "Z")
    head = {
        "format": FORMAT,
        "version": VERSION,
        "saved_at": saved_at,
        "written_by": f"contactkit {_contactkit_version()}",
    }
    parts = [_compact(head)[:-1], b',"tables":[']
    for number, (definition, items) in enumerate(tables):
        parts += [b"," if number else b"", b'{"definition":', _compact(definition)]
        parts += [b',"items":[', b",".join(items), b"]}"]
    parts.append(b"]}")
    names = tuple(definition["TableName"] for definition, _items in tables)
    return b"".join(parts), SnapshotInfo(names, sum(len(items) for _d, items in tables))


def _unsorted_items(table: Any) -> Iterator[Any]:
    """Every item of a moto table. Not ``all_items()``: it sorts the items with moto's slow
    key comparisons (5 s of a 13 MB save, all under the lock), and a snapshot needs no order."""
    for held in table.items.values():
        if table.range_key_attr:
            yield from held.values()
        else:
            yield held


def _compact(value: Any) -> bytes:
    return json.dumps(value, default=_json_default, separators=(",", ":")).encode("utf-8")


def _contactkit_version() -> str:
    try:
        return metadata.version("contactkit")
    except metadata.PackageNotFoundError:  # a source tree on the path, never installed
        return "unknown"


def _item_bytes(item: Any) -> bytes:
    """A stored item as DynamoDB JSON (binaries in base64), from its encoding when it has one."""
    from .tables import StoredItem

    if isinstance(item, StoredItem):
        return item.json()
    return _compact(item.to_json()["Attributes"])


def save(engine: EmbeddedEngine, path: Path, *, now: datetime | None = None) -> SnapshotInfo:
    """Write a snapshot of ``engine`` to ``path`` atomically; returns what it holds.

    The file is private (mode 0600, as ``mkstemp`` creates it): it holds every contact.
    """
    data, info = serialised(engine, now=now)
    directory = path.resolve().parent
    fd, temporary = tempfile.mkstemp(prefix=_temporary_prefix(path), dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)
    return info


def load(engine: EmbeddedEngine, client: DynamoClient | DynamoDBClient, path: Path) -> SnapshotInfo:
    """Recreate a snapshot's tables and items in a fresh ``engine`` (``client`` talks to it).

    ``client`` is ``db.dynamo`` or the plain boto3 ``db.client`` (wrapped, so that errors are
    translated in the one place).
    """
    dynamo = client if isinstance(client, DynamoClient) else DynamoClient(client)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read snapshot {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfigurationError(f"{path} is not a contactkit engine snapshot")
    data = upgrade(data, path)
    problem = shape_problem(data["tables"])
    if problem is not None:
        raise ConfigurationError(f"{path}: not a valid snapshot: {problem}")
    from .tables import compact_touched  # moto loads with the engine, not with contactkit

    for number, table in enumerate(data["tables"]):
        dynamo.call("CreateTable", **table["definition"])
        name = table["definition"]["TableName"]
        with engine.app.lock:  # straight into the engine: one put per item, no HTTP round trip
            for index, item in enumerate(table["items"]):
                try:
                    engine.backend.put_item(name, item)
                except Exception as exc:  # moto's own refusal of a value: said, not a traceback
                    raise ConfigurationError(
                        f"{path}: not a valid snapshot: tables[{number}].items[{index}]: {exc}"
                    ) from exc
                if index % 1000 == 999:
                    compact_touched()  # the items put so far: compact, as after a request
            compact_touched()
    return _info(data)


def _from_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 (``contactkit serve`` before 0.2): the same tables, no ``saved_at``."""
    return {**data, "version": 2, "saved_at": None, "written_by": None}


# UPGRADES[n] turns a version-n file into a version n+1 file; load applies them in turn.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_version_1}


def upgrade(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """``data`` (a snapshot of any known version) in the current version."""
    version = data.get("version")
    readable = f"versions 1 to {VERSION}"
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= VERSION:
        newer = isinstance(version, int) and version > VERSION
        raise ConfigurationError(
            f"{path} is snapshot version {version!r}; this contactkit reads {readable}"
            + (": upgrade contactkit to open it" if newer else "")
        )
    while version < VERSION:
        data = UPGRADES[version](data)
        version = data["version"]
    return data


def shape_problem(tables: Any) -> str | None:
    """What is wrong with a snapshot's ``tables`` (``None`` if each table and item is usable)."""
    if not isinstance(tables, list):
        return "tables: not a list"
    for number, table in enumerate(tables):
        where = f"tables[{number}]"
        if not isinstance(table, dict):
            return f"{where}: not an object"
        definition = table.get("definition")
        if not isinstance(definition, dict):
            return f"{where}.definition: not an object"
        if not isinstance(definition.get("TableName"), str) or not definition["TableName"]:
            return f"{where}.definition: no TableName"
        if "KeySchema" not in definition:
            return f"{where}.definition: no KeySchema"
        key_names = _key_names(definition["KeySchema"])
        if key_names is None:
            return f"{where}.definition: KeySchema is not a list of AttributeName and KeyType"
        if not isinstance(definition.get("AttributeDefinitions"), list):
            return f"{where}.definition: no AttributeDefinitions list"
        items = table.get("items")
        if not isinstance(items, list):
            return f"{where}.items: not a list"
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                return f"{where}.items[{index}]: not an object"
            for name in key_names:
                value = item.get(name)
                if not (
                    isinstance(value, dict) and len(value) == 1 and set(value) <= {*_KEY_TYPES}
                ):
                    return f"{where}.items[{index}]: no key attribute {name}"
            for name, value in item.items():
                if not (isinstance(value, dict) and len(value) == 1):
                    return f"{where}.items[{index}].{name}: not a typed value such as {{'S': 'x'}}"
    return None


def _key_names(schema: Any) -> list[str] | None:
    if not isinstance(schema, list) or not 1 <= len(schema) <= 2:
        return None
    names = []
    for part in schema:
        if not isinstance(part, dict) or part.get("KeyType") not in ("HASH", "RANGE"):
            return None
        if not isinstance(part.get("AttributeName"), str):
            return None
        names.append(part["AttributeName"])
    return names


def check_directory(path: Path) -> None:
    """Refuse a snapshot path whose directory is missing or cannot take a new file."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise ConfigurationError(f"directory {path.parent} does not exist: create it first")
    try:
        fd, probe = tempfile.mkstemp(prefix=_temporary_prefix(path), dir=directory)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot write in directory {path.parent}: {exc.strerror or exc}"
        ) from exc
    os.close(fd)
    Path(probe).unlink()


def remove_leftovers(path: Path) -> list[Path]:
    """Delete the temporary files of saves killed before their rename; returns them, sorted."""
    pattern = re.compile(re.escape(_temporary_prefix(path)) + r"[a-z0-9_]{8}")
    directory = path.resolve().parent
    found = sorted(p for p in directory.iterdir() if pattern.fullmatch(p.name) and p.is_file())
    for leftover in found:
        leftover.unlink()
    return [path.parent / p.name for p in found]


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


def create_request(description: dict[str, Any]) -> dict[str, Any]:
    """The ``CreateTable`` arguments that rebuild a table from its ``DescribeTable`` output."""
    mode = description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    request: dict[str, Any] = {
        "TableName": description["TableName"],
        "KeySchema": description["KeySchema"],
        "AttributeDefinitions": description["AttributeDefinitions"],
        "BillingMode": mode,
    }
    if mode == "PROVISIONED":
        request["ProvisionedThroughput"] = _throughput(description["ProvisionedThroughput"])
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = []
        for index in description.get(kind) or []:
            entry = {name: index[name] for name in ("IndexName", "KeySchema", "Projection")}
            if kind == "GlobalSecondaryIndexes" and mode == "PROVISIONED":
                entry["ProvisionedThroughput"] = _throughput(index["ProvisionedThroughput"])
            indexes.append(entry)
        if indexes:
            request[kind] = indexes
    return request


def _throughput(value: dict[str, Any]) -> dict[str, int]:
    return {name: int(value[name]) for name in ("ReadCapacityUnits", "WriteCapacityUnits")}


def _info(data: dict[str, Any]) -> SnapshotInfo:
    tables = tuple(t["definition"]["TableName"] for t in data["tables"])
    return SnapshotInfo(tables, sum(len(t["items"]) for t in data["tables"]))


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):  # binary attributes travel as base64 in DynamoDB JSON
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "to_json"):  # moto's DynamoType nested inside lists and maps
        return value.to_json()
    raise TypeError(f"cannot store {type(value).__name__} in a snapshot")


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
