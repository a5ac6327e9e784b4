"""Contacts into pandas, fast: ``load_frame`` (Query or parallel Scan) and ``load_export``.

Speed comes from three choices: Scan and Query answers are parsed by orjson instead of
botocore's shape walker (:mod:`contactkit.dynamo.fastparse`, signing, retries and errors stay
botocore's); each page becomes Python column lists at once, never per-row dicts
(:mod:`contactkit.frames.columns`); a table is scanned in parallel segments. Only the attributes of
the chosen columns are fetched.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from boto3.dynamodb.conditions import Attr

from ..contacts import keys
from ..contacts.items import CONTACT_TYPE
from ..dynamo.expressions import combine, render
from ..dynamo.fastparse import fast_items
from ..dynamo.paging import pages
from ..dynamo.types import Item
from ..errors import ConfigurationError, ValidationError
from ..gcpause import collector_paused
from ..io.progress import Progress, wanted
from . import columns as cols

if TYPE_CHECKING:
    import pandas as pd

    from ..store import OrgStore
    from ..table import Table

DEFAULT_SEGMENTS = 4
MAX_SEGMENTS = 1_000_000  # DynamoDB's limit on TotalSegments
DEFAULT_MAX_ITEMS = 100_000  # real AWS only: a bigger table needs max_items=None or an export
_GZIP_MAGIC = b"\x1f\x8b"


def load_frame(
    source: OrgStore | Table,
    columns: Sequence[str] | None = None,
    *,
    segments: int = DEFAULT_SEGMENTS,
    expand_custom_fields: bool = False,
    consistent: bool = False,
    page_size: int | None = None,
    progress: bool | None = None,
    max_items: int | None = DEFAULT_MAX_ITEMS,
) -> pd.DataFrame:
    """The contacts of one org (a Query) or of a whole table (a parallel Scan) as a DataFrame.

    Args:
        source: ``table.org("org-...")`` for one tenant, or ``table`` for every tenant.
        columns: the columns to load (see :mod:`contactkit.frames.columns`); only their attributes
            are fetched. Default: all.
        segments: parallel Scan segments for a table (ignored for an org: one Query).
        expand_custom_fields: add one ``custom.<key>`` column per custom field.
        consistent: strongly consistent reads (twice the read capacity).
        page_size: items per request (DynamoDB's ``Limit``); default: as many as fit in 1 MB.
        progress: show a progress bar (``None``: in interactive sessions, for loads over 5,000
            items, unless ``CONTACTKIT_PROGRESS=0``).
        max_items: on real AWS, refuse to scan a table of more items than this (checked
            before the scan against DescribeTable's ``ItemCount``, an estimate of every item
            type, and against the contacts read while reading). ``None``: no limit.
            Tables that large are better read from an export (:func:`load_export`).

    Example::

        df = ck.load_frame(org)                                   # one tenant
        df = ck.load_frame(table, columns=["org_id", "company"])  # all tenants, two columns
    """
    _require_pandas()
    selected = cols.select(columns)
    request: dict[str, Any] = dict(_projection(selected))
    if consistent:
        request["ConsistentRead"] = True
    if page_size is not None:
        if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
            raise ValidationError("page_size", f"must be a whole number >= 1, not {page_size!r}")
        request["Limit"] = page_size
    from ..store import OrgStore

    if isinstance(source, OrgStore):
        condition = source.lookups.contacts_condition()  # the store's own rule, not a copy
        request = combine(
            request,
            {"TableName": source.table.name},
            render(condition, key_condition=True, name="KeyConditionExpression"),
        )
        dynamo = source.table.dynamo
        builder = cols.FrameBuilder(selected)
        with (
            fast_items(dynamo.raw),  # hooks the boto3 client that ``dynamo`` sends through
            collector_paused(),
            Progress(progress, description=source.org_id) as bar,
        ):
            for response in pages(dynamo, "Query", request):
                page = response.get("Items", [])
                builder.add(page)
                bar.update(len(page))
        return builder.frame(expand_custom_fields=expand_custom_fields)
    return _scan_frame(
        source, selected, request, segments, expand_custom_fields, progress, max_items
    )


def _scan_frame(
    table: Table,
    selected: Sequence[cols.Column],
    request: dict[str, Any],
    segments: int,
    expand_custom_fields: bool,
    progress: bool | None,
    max_items: int | None,
) -> pd.DataFrame:
    if not isinstance(segments, int) or isinstance(segments, bool):
        raise ValidationError("segments", f"must be a whole number, not {segments!r}")
    if not 1 <= segments <= MAX_SEGMENTS:
        raise ValidationError("segments", f"must be from 1 to {MAX_SEGMENTS:,}, not {segments}")
    guard = max_items if table.db.backend == "aws" else None
    estimate = _estimated_items(table) if guard is not None or wanted(progress) else None
    if guard is not None and estimate is not None and estimate > guard:
        raise ValidationError("max_items", _too_many(table.name, estimate, guard, "holds about"))
    request = combine(
        request,
        {"TableName": table.name},
        render(Attr("type").eq(CONTACT_TYPE), name="FilterExpression"),
    )
    builders = [cols.FrameBuilder(selected) for _ in range(segments)]
    stop = threading.Event()

    def scan_segment(segment: int, bar: Progress) -> None:
        segment_request = dict(request)
        if segments > 1:
            segment_request.update(Segment=segment, TotalSegments=segments)
        for response in pages(table.dynamo, "Scan", segment_request, stop=stop):
            page = response.get("Items", [])
            builders[segment].add(page)
            bar.update(len(page))
            if guard is not None and bar.count > guard:
                stop.set()
                raise ValidationError("max_items", _too_many(table.name, bar.count, guard, "has"))

    with (
        fast_items(table.dynamo.raw),
        collector_paused(),
        Progress(progress, description=table.name, total=estimate) as bar,
    ):
        if segments == 1:
            scan_segment(0, bar)
        else:
            with ThreadPoolExecutor(segments, thread_name_prefix="contactkit-scan") as pool:
                futures = [pool.submit(scan_segment, s, bar) for s in range(segments)]
                try:
                    for future in futures:
                        future.result()
                finally:
                    stop.set()  # one failed segment stops the others at their next page
        first, *rest = builders
        for builder in rest:
            first.extend(builder)
        return first.frame(expand_custom_fields=expand_custom_fields)


def _require_pandas() -> None:
    """pandas is an optional dependency (the ``notebooks`` extra): say how to get it."""
    try:
        import pandas  # noqa: F401
    except ImportError as exc:
        raise ConfigurationError(
            "loading contacts into pandas needs pandas: pip install 'contactkit[notebooks]'"
        ) from exc


def _projection(selected: Sequence[cols.Column]) -> dict[str, Any]:
    return cols.projection_expression(selected)


def _estimated_items(table: Table) -> int | None:
    count = table.describe().get("ItemCount")
    return int(count) if count is not None else None


def _too_many(table: str, count: int, limit: int, verb: str) -> str:
    return (
        f"table {table!r} {verb} {count:,} items, more than max_items={limit:,}: a full scan "
        "reads (and bills) all of them. Pass max_items=None to scan anyway, load one org with "
        "load_frame(table.org(...)), or read an export with load_export(path)"
    )


def load_export(
    path: str | Path,
    columns: Sequence[str] | None = None,
    *,
    org: str | None = None,
    expand_custom_fields: bool = False,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Contacts from a backup or DynamoDB "Export to S3" (DynamoDB JSON lines, gzip or not).

    ``path`` is one file, or a directory whose ``*.json.gz`` / ``*.json`` files are read in
    name order (an export's ``data/`` folder). Each line is ``{"Item": {...}}``; items that are
    not contacts (email claims, tags, activity) are skipped. ``org`` keeps one tenant.

    Example::

        df = ck.load_export("backup.json.gz", org="org-a1b2c3d4")
    """
    _require_pandas()
    selected = cols.select(columns)
    wanted_org = keys.validate_org_id(org) if org is not None else None
    builder = cols.FrameBuilder(selected)
    with collector_paused(), Progress(progress, description=Path(path).name) as bar:
        for file in _export_files(Path(path)):
            for page in _export_pages(file, wanted_org):
                builder.add(page)
                bar.update(len(page))
    return builder.frame(expand_custom_fields=expand_custom_fields)


def _export_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*") if p.is_file() and p.name.endswith((".json.gz", ".json"))
        )
        if not files:
            raise ValidationError("path", f"{path} holds no .json.gz or .json files")
        return files
    if not path.is_file():
        raise ValidationError("path", f"{path} does not exist")
    return [path]


def _export_pages(file: Path, org: str | None, page_size: int = 1_000) -> Iterator[list[Item]]:
    with file.open("rb") as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    page: list[Item] = []
    with gzip.open(file, "rb") if gzipped else file.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            item = _export_item(line, file, number)
            if item.get("type", {}).get("S") != CONTACT_TYPE:
                continue
            if org is not None and item.get("org_id", {}).get("S") != org:
                continue
            page.append(item)
            if len(page) == page_size:
                yield page
                page = []
    if page:
        yield page


def _export_item(line: bytes, file: Path, number: int) -> Item:
    try:
        document = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise ValidationError("path", f"{file} line {number} is not JSON: {exc}") from exc
    item = document.get("Item") if isinstance(document, dict) else None
    if not isinstance(item, dict):
        raise ValidationError(
            "path", f'{file} line {number} is not DynamoDB JSON: expected {{"Item": {{...}}}}'
        )
    return item
