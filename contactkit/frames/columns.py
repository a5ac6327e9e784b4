"""The contacts DataFrame: its stable columns and dtypes, built column-wise from DynamoDB JSON.

Columns, in this order: the fields of ``contactkit.contacts.fields.CONTACT_FIELDS`` that have a
``frame`` kind, the address expanded to its parts (missing values are ``<NA>``/``NaT``; ``tags``
and ``custom_fields`` are never missing, but empty):

=================== ============================ ==========================================
column              dtype                        from
=================== ============================ ==========================================
org_id              category                     ``org_id``
id                  string                       ``id`` (ULID: sorts by creation)
display_name        string                       ``display_name`` (name, else company, email,
                                                 phone; ``<NA>`` before ``org.migrate()``)
prefix              string                       ``prefix``
first_name          string                       ``first_name``
middle_name         string                       ``middle_name``
last_name           string                       ``last_name``
suffix              string                       ``suffix``
name                string                       ``name`` (a full name given as one text)
nickname            string                       ``nickname``
email               string                       ``email`` (the primary)
emails              object (list of dict)        ``emails``: ``{"value", "label"}`` each
phone               string                       ``phone`` (the primary; as entered when not
                                                 E.164, else E.164 plus ``;ext=``)
phone_e164          string                       ``phone_e164``
phones              object (list of dict)        ``phones``: ``{"value", "label", "e164",
                                                 "extension"}`` each
company             category                     ``company``
department          string                       ``department``
job_title           string                       ``job_title``
birthday            string                       ``birthday`` (``YYYY-MM-DD`` or ``--MM-DD``)
websites            object (list of str)         ``websites``
tags                object (list of str)         ``tags``
street              string                       ``address.street``
city                string                       ``address.city``
state               string                       ``address.state``
postal_code         string                       ``address.postal_code``
country             category                     ``address.country`` (the primary address)
addresses           object (list of dict)        ``addresses``: parts and ``label`` each
custom_fields       object (dict of str)         ``custom_fields``
notes               string                       ``notes``
favorite            bool                         ``favorite``
created_at          datetime64[ms, UTC]          ``created_at``
updated_at          datetime64[ms, UTC]          ``updated_at``
last_contacted_at   datetime64[ms, UTC]          ``last_contacted_at``
version             Int64                        ``version``
=================== ============================ ==========================================

``string`` is pandas' ``StringDtype()`` (``pd.NA`` for missing) in pandas 2 and 3 alike; pandas
3's default ``str`` dtype would use ``NaN`` instead. Each page is turned into plain Python
column lists as soon as it arrives (no per-row dicts are kept), and each column becomes one
typed array at the end.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer

from ..contacts.fields import PRIMARY_OF, frame_columns
from ..dynamo.types import Item
from ..errors import ValidationError

if TYPE_CHECKING:
    import pandas as pd

_deserializer = TypeDeserializer()


@dataclass(frozen=True)
class Column:
    """One DataFrame column: its name, its dtype kind and the attribute path it comes from."""

    name: str
    kind: str  # string, category, bool, int, datetime, list, dict, labeled
    path: tuple[str, ...]


# Derived from the one declared list of fields (contactkit.contacts.fields): a new field with a
# ``frame`` kind becomes a column without an edit here.
COLUMNS: tuple[Column, ...] = tuple(Column(*column) for column in frame_columns())
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
_BY_NAME = {c.name: c for c in COLUMNS}
CUSTOM_PREFIX = "custom."  # expanded custom fields: custom.<key>


def select(columns: Sequence[str] | None) -> tuple[Column, ...]:
    """The columns asked for, in the order asked; every column when ``None``."""
    if columns is None:
        return COLUMNS
    if isinstance(columns, str) or not columns:
        raise ValidationError("columns", "must be a non-empty list of column names, or None")
    unknown = [name for name in columns if name not in _BY_NAME]
    if unknown:
        raise ValidationError(
            "columns", f"unknown column(s) {unknown}; choose from {', '.join(COLUMN_NAMES)}"
        )
    return tuple(_BY_NAME[name] for name in dict.fromkeys(columns))


def projection_expression(columns: Sequence[Column]) -> dict[str, Any]:
    """``ProjectionExpression`` fetching only these columns' attributes (nested paths allowed).

    Placeholders are ``#c<n>``, which never collide with boto3's condition builder (``#n<n>``).
    """
    names: dict[str, str] = {}
    paths: list[str] = []
    for path in dict.fromkeys(c.path for c in columns):
        parts = []
        for part in path:
            placeholder = next((k for k, v in names.items() if v == part), f"#c{len(names)}")
            names[placeholder] = part
            parts.append(placeholder)
        paths.append(".".join(parts))
    return {"ProjectionExpression": ", ".join(paths), "ExpressionAttributeNames": names}


def _plain(value: Any) -> Any:
    """Any DynamoDB JSON value as Python (the slow, general path for unexpected types)."""
    if value is None:
        return None
    if "N" in value:
        return value["N"]
    return _deserializer.deserialize(value)


def _text(value: Any) -> str | None:
    plain = _plain(value)
    return None if plain is None else str(plain)


# Each converter reads one attribute ``key`` of every row (an item, or a nested map) in one
# comprehension: ``key in row`` and a subscript are plain bytecodes, measured 4x faster than a
# ``.get`` pass followed by a conversion pass. A value of an unexpected type (say a number
# where text is expected) sends the whole column through the slow, general path.

Rows = Sequence[Mapping[str, Any]]


def _strings(rows: Rows, key: str) -> list[str | None]:
    try:
        return [row[key]["S"] if key in row else None for row in rows]
    except (KeyError, TypeError):
        return [_text(row.get(key)) for row in rows]


def _bools(rows: Rows, key: str) -> list[bool]:
    try:
        return [row[key]["BOOL"] if key in row else False for row in rows]
    except (KeyError, TypeError):
        return [bool(_plain(row.get(key))) for row in rows]


def _ints(rows: Rows, key: str) -> list[int | None]:
    return [int(row[key]["N"]) if key in row else None for row in rows]


def _lists(rows: Rows, key: str) -> list[list[str]]:
    try:
        return [list(map(_TEXT, row[key]["L"])) if key in row else [] for row in rows]
    except (KeyError, TypeError):
        return [_text_list(_plain(row[key])) if key in row else [] for row in rows]


def _text_list(values: Any) -> list[str]:
    # A string or number set has no order: sort it, so that loads are reproducible.
    texts = [str(x) for x in values]
    return sorted(texts) if isinstance(values, set | frozenset) else texts


def _dicts(rows: Rows, key: str) -> list[dict[str, str]]:
    try:
        return [
            dict(zip(m, map(_TEXT, m.values()), strict=True))
            if key in row and (m := row[key]["M"])
            else {}
            for row in rows
        ]
    except (KeyError, TypeError):
        return [
            {k: str(x) for k, x in _plain(row[key]).items()} if key in row else {} for row in rows
        ]


def _labeled(rows: Rows, key: str) -> list[list[dict[str, str]]]:
    """Labelled entries (``emails``, ``phones``, ``addresses``) as lists of text dicts; an item
    in the earlier one-email shape (no list) gets its primary value as a one-entry list when
    the primary column's attribute was read too."""
    primary = PRIMARY_OF.get(key, key)
    found: list[list[dict[str, str]]] = []
    for row in rows:
        if key in row:
            entries = row[key]["L"]
            found.append([{k: _text(v) or "" for k, v in e["M"].items()} for e in entries])
        elif primary in row and "S" in row[primary]:
            found.append([{"value": row[primary]["S"]}])
        else:
            found.append([])
    return found


def _maps(rows: Rows, key: str) -> list[Mapping[str, Any]]:
    """The nested maps of attribute ``key`` (an empty one where it is absent)."""
    return [row[key]["M"] if key in row else _EMPTY for row in rows]


_EMPTY: Mapping[str, Any] = {}
_TEXT = operator.itemgetter("S")  # map() with it runs in C: no Python call per element
_CONVERTERS: dict[str, Callable[[Rows, str], list[Any]]] = {
    "string": _strings,
    "category": _strings,
    "datetime": _strings,
    "bool": _bools,
    "int": _ints,
    "list": _lists,
    "dict": _dicts,
    "labeled": _labeled,
}


class FrameBuilder:
    """Collects pages of DynamoDB JSON items as Python column lists; ``frame()`` types them."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.data: dict[str, list[Any]] = {c.name: [] for c in self.columns}
        self.rows = 0

    def add(self, items: Sequence[Item]) -> None:
        """Convert one page (a list of DynamoDB JSON items) and append it."""
        maps: dict[str, list[Mapping[str, Any]]] = {}
        for column in self.columns:
            rows: Rows = items
            for part in column.path[:-1]:
                if part not in maps:
                    maps[part] = _maps(items, part)
                rows = maps[part]
            self.data[column.name].extend(_CONVERTERS[column.kind](rows, column.path[-1]))
        self.rows += len(items)

    def extend(self, other: FrameBuilder) -> None:
        """Append ``other``'s rows, emptying it (its lists are not kept twice)."""
        for name, values in other.data.items():
            self.data[name].extend(values)
            values.clear()
        self.rows += other.rows
        other.rows = 0

    def frame(self, *, expand_custom_fields: bool = False) -> pd.DataFrame:
        """The typed DataFrame; optionally one ``custom.<key>`` string column per custom field."""
        import pandas as pd

        typed = {}
        for column in self.columns:
            # Each Python list is dropped as soon as its typed array exists: lower peak memory.
            typed[column.name] = _typed(column.kind, self.data.pop(column.name))
        self.data = {c.name: [] for c in self.columns}
        frame = pd.DataFrame(typed, index=pd.RangeIndex(self.rows))
        if expand_custom_fields and "custom_fields" in frame:
            frame = frame.join(expand(frame["custom_fields"]))
        return frame


def _typed(kind: str, values: list[Any]) -> Any:
    import numpy as np
    import pandas as pd

    if kind == "string":
        return pd.array(values, dtype=pd.StringDtype())
    if kind == "category":
        return pd.Categorical(pd.array(values, dtype=pd.StringDtype()))
    if kind == "bool":
        return np.array(values, dtype=bool)
    if kind == "int":
        return pd.array(values, dtype="Int64")
    if kind == "datetime":
        parsed = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")
        return parsed.astype("datetime64[ms, UTC]").array
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def expand(custom_fields: pd.Series[Any]) -> pd.DataFrame:
    """One ``custom.<key>`` string column per key found in a ``custom_fields`` column."""
    import pandas as pd

    keys = sorted({key for fields in custom_fields for key in fields})
    return pd.DataFrame(
        {
            f"{CUSTOM_PREFIX}{key}": pd.array(
                [fields.get(key) for fields in custom_fields], dtype=pd.StringDtype()
            )
            for key in keys
        },
        index=custom_fields.index,
    )
