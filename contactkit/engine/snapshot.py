"""Snapshots of an embedded engine: every table's definition and items, in one JSON file.

``save`` reads the engine under its request lock, so a snapshot is one consistent moment (no
request is half applied), then writes a temporary file beside the target, fsyncs it and
renames it over the target: a crash leaves the old snapshot or the new one, never a mix.
``load`` creates the tables through the engine's API and puts the items back.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dynamo.client import DynamoClient
from ..errors import ConfigurationError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from .embedded import EmbeddedEngine

FORMAT = "contactkit-engine-snapshot"
VERSION = 1


@dataclass(frozen=True)
class SnapshotInfo:
    """What a snapshot held: table names and the number of items."""

    tables: tuple[str, ...]
    items: int


def capture(engine: EmbeddedEngine) -> dict[str, Any]:
    """Every table of the engine as plain data (DynamoDB JSON items)."""
    with engine.app.lock:
        tables = [
            {
                "definition": create_request(table.describe()["TableDescription"]),
                "items": [item.to_json()["Attributes"] for item in table.all_items()],
            }
            for table in engine.backend.tables.values()
        ]
    return {"format": FORMAT, "version": VERSION, "tables": tables}


def save(engine: EmbeddedEngine, path: Path) -> SnapshotInfo:
    """Write a snapshot of ``engine`` to ``path`` atomically; returns what it holds."""
    data = capture(engine)
    text = json.dumps(data, default=_json_default, separators=(",", ":"))
    directory = path.resolve().parent
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)
    return _info(data)


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
        raise ConfigurationError(f"{path} is not a contactkit serve snapshot")
    if data.get("version") != VERSION:
        raise ConfigurationError(
            f"{path} is snapshot version {data.get('version')}; this contactkit reads {VERSION}"
        )
    for table in data["tables"]:
        dynamo.call("CreateTable", **table["definition"])
        name = table["definition"]["TableName"]
        with engine.app.lock:  # straight into the engine: one put per item, no HTTP round trip
            for item in table["items"]:
                engine.backend.put_item(name, item)
    return _info(data)


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
