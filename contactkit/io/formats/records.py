"""JSON, JSON Lines and Python dicts: contacts already named by our fields."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ...contacts import fields
from ...errors import ValidationError
from .. import columns
from .rows import Source, SourceRow, parse_flag, time_problems
from .text import Decoded

# What a caller may set (the lists or their primaries) and what our files carry (the creation
# time, and the id and store-kept values of :mod:`contactkit.io.columns`); the rest of what
# only the store sets (version, updated_at, ...) is ignored quietly.
FIELDS = tuple(dict.fromkeys([*fields.EDITABLE_FIELDS, *(f.name for f in fields.FILE_FIELDS)]))
CARRIED = tuple(f.name for f in columns.carried())
_IGNORED = {f.name for f in fields.CONTACT_FIELDS} - set(FIELDS) - set(CARRIED)


def read_json(decoded: Decoded, *, lines: bool) -> Source:
    """A JSON array of contact objects (or ``{"contacts": [...]}``), or JSON Lines.

    In JSON Lines each line is a row numbered by its line: a line that is not JSON is an
    invalid row naming its line, and the other lines still import.
    """
    if lines:
        numbered = [
            (number, _line(number, line))
            for number, line in enumerate(decoded.text.splitlines(), start=1)
            if line.strip()
        ]
        source = _read(numbered, "jsonl")
        source.encoding = decoded.encoding
        return source
    try:
        data: Any = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        raise ValidationError("source", f"not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise ValidationError("source", f"the JSON is {_TOO_DEEP}") from exc
    if isinstance(data, Mapping) and isinstance(data.get("contacts"), list):
        data = data["contacts"]
    if not isinstance(data, list):
        raise ValidationError("source", "a JSON contacts file holds a list of objects")
    source = read_records(data, "json")
    source.encoding = decoded.encoding
    return source


_TOO_DEEP = "nested too deeply to read (is it a contacts file?)"


class _BadLine:
    """A JSON Lines line that is not JSON, and why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _line(number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return _BadLine(f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError as exc:
        raise ValidationError("source", f"the JSON of line {number} is {_TOO_DEEP}") from exc


def read_records(records: Iterable[Any], format: str = "records") -> Source:
    """Rows from mappings with our field names (``{"first_name": ..., "tags": [...]}``)."""
    return _read(enumerate(records, start=1), format)


def _read(records: Iterable[tuple[int, Any]], format: str) -> Source:
    rows: list[SourceRow] = []
    unused: dict[str, None] = {}
    for number, record in records:
        if isinstance(record, _BadLine):
            rows.append(SourceRow(number, {}, [("row", record.reason)]))
            continue
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
        problems.extend(time_problems(values))
        rows.append(SourceRow(number, values, problems, empty=not record))
    return Source(format, rows, list(unused))
