"""JSON, JSON Lines and Python dicts: contacts already named by our fields."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ...contacts import fields
from ...errors import ValidationError
from .. import columns
from .rows import Source, SourceRow, parse_flag
from .text import Decoded

# What a caller may set (the lists or their primaries) and what our files carry (the creation
# time, and the id and store-kept values of :mod:`contactkit.io.columns`); the rest of what
# only the store sets (version, updated_at, ...) is ignored quietly.
FIELDS = tuple(dict.fromkeys([*fields.EDITABLE_FIELDS, *(f.name for f in fields.FILE_FIELDS)]))
CARRIED = tuple(f.name for f in columns.carried())
_IGNORED = {f.name for f in fields.CONTACT_FIELDS} - set(FIELDS) - set(CARRIED)


def read_json(decoded: Decoded, *, lines: bool) -> Source:
    """A JSON array of contact objects (or ``{"contacts": [...]}``), or JSON Lines."""
    try:
        if lines:
            data: Any = [json.loads(line) for line in decoded.text.splitlines() if line.strip()]
        else:
            data = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        raise ValidationError("source", f"not valid JSON: {exc}") from exc
    if isinstance(data, Mapping) and isinstance(data.get("contacts"), list):
        data = data["contacts"]
    if not isinstance(data, list):
        raise ValidationError("source", "a JSON contacts file holds a list of objects")
    source = read_records(data, "jsonl" if lines else "json")
    source.encoding = decoded.encoding
    return source


def read_records(records: Iterable[Any], format: str = "records") -> Source:
    """Rows from mappings with our field names (``{"first_name": ..., "tags": [...]}``)."""
    rows: list[SourceRow] = []
    unused: dict[str, None] = {}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            rows.append(
                SourceRow(number, {}, [("row", f"must be an object, not {type(record).__name__}")])
            )
            continue
        values: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for key, value in record.items():
            name = str(key)
            if name not in FIELDS and name not in CARRIED:
                if name not in _IGNORED:
                    unused[name] = None
                continue
            if value is None:
                continue
            if name == "favorite":
                flag, reason = parse_flag(value)
                if reason:
                    problems.append(("favorite", reason))
                elif flag:
                    values["favorite"] = True
                continue
            if fields.field(name).kind in ("tags", "list", "texts") and isinstance(value, str):
                value = columns.split_list(value)
            values[name] = value
        rows.append(SourceRow(number, values, problems, empty=not record))
    return Source(format, rows, list(unused))
