"""Small display tables for notebooks and terminals: items, contacts and measured costs.

Every helper returns a :class:`TextTable`, which Jupyter shows as an HTML table and a terminal
(or ``print``) as aligned text. Rows keep the order given, or are sorted where the helper says
so, so that outputs are the same on every run.

Example::

    with table.meter() as m:
        org.find_by_email("ada@example.com")
    costs({"find_by_email": m})
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ..contacts.model import ContactSummary
from ..dynamo.meter import Meter
from ..dynamo.requestcost import written_items
from ..dynamo.totals import RequestRecord
from ..dynamo.types import deserialize
from ..errors import ContactKitError, translate

CONTACT_COLUMNS = ("id", "name", "email", "phone", "company", "tags")
COST_COLUMNS = ("requests", "items read", "items returned", "RCU", "WCU")
REQUEST_COLUMNS = (
    "#",
    "operation",
    "table / index",
    "key",
    "filter",
    "projection",
    "condition",
    "written",
    "read",
    "returned",
    "RCU",
    "WCU",
    "source",
)
_MAX_LIST = 3
_SCALAR_VALUE = re.compile(r'\{\s*\n\s*("(?:S|N|B|BOOL|NULL)": [^\n{}\[\]]*)\n\s*\}')
_MAX_TEXT = 60
_MAX_CELL = 110


@dataclass(frozen=True)
class TextTable:
    """Rows of named columns, shown as aligned text (``repr``) or HTML (in Jupyter)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> TextTable:
        """Build a table from mappings, formatting each value (missing ones are blank)."""
        return cls(
            tuple(columns),
            tuple(tuple(format_cell(row.get(c)) for c in columns) for row in rows),
        )

    def __len__(self) -> int:
        return len(self.rows)

    def numeric(self) -> list[bool]:
        """Per column: whether every cell is a number (right-aligned) or not (left-aligned)."""
        return [all(_is_number(r[i]) for r in self.rows) for i in range(len(self.columns))]

    def __repr__(self) -> str:
        widths = [
            max([len(c), *(len(r[i]) for r in self.rows)]) for i, c in enumerate(self.columns)
        ]
        numeric = self.numeric()

        def line(cells: Sequence[str]) -> str:
            parts = [
                cell.rjust(w) if right else cell.ljust(w)
                for cell, w, right in zip(cells, widths, numeric, strict=True)
            ]
            return "  ".join(parts).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(self.columns), rule, *(line(r) for r in self.rows)])

    def _repr_html_(self) -> str:
        # JupyterLab right-aligns every cell: text (keys, names) reads better on the left.
        align = [
            ' style="text-align:right"' if right else ' style="text-align:left"'
            for right in self.numeric()
        ]
        head = "".join(
            f"<th{a}>{html.escape(c)}</th>" for c, a in zip(self.columns, align, strict=True)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td{a}>{html.escape(cell)}</td>" for cell, a in zip(row, align, strict=True)
            )
            + "</tr>"
            for row in self.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _is_number(text: str) -> bool:
    digits = text.removesuffix("%").replace(",", "").replace(".", "", 1).lstrip("-")
    return digits.isdigit() or text == ""


def format_cell(value: Any) -> str:
    """One cell: numbers with separators, floats with one decimal, long text shortened."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    text = str(value).replace("\n", " ")
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def series(values: Any, *, percent: bool = False) -> TextTable:
    """A pandas Series as a two-column table (index, values), without pandas' dtype footer.

    The columns are named after the index and the Series (``value`` when it has no name);
    ``percent`` shows shares (0..1) as whole percentages. Example::

        series(analytics.top_companies(df, 5))
        series(analytics.completeness(df), percent=True)
    """
    label = str(values.name) if values.name is not None else "value"
    index = str(values.index.name) if values.index.name is not None else ""
    rows = [
        {index: str(key), label: f"{value:.0%}" if percent else _python(value)}
        for key, value in values.items()
    ]
    return TextTable.of(rows, (index, label))


def _python(value: Any) -> Any:
    """A NumPy scalar as the Python number it holds (so that ints get separators)."""
    return value.item() if hasattr(value, "item") and hasattr(value, "dtype") else value


def items(raw_items: Iterable[Mapping[str, Any]], columns: Sequence[str] = ()) -> TextTable:
    """DynamoDB items (DynamoDB JSON), sorted by key: ``type``, ``PK``, ``SK`` and ``columns``."""
    plain = [deserialize(dict(item)) for item in raw_items]
    plain.sort(key=lambda i: (str(i.get("PK", "")), str(i.get("SK", ""))))
    return TextTable.of(plain, ("type", "PK", "SK", *columns))


def contacts(
    found: Iterable[ContactSummary | None], columns: Sequence[str] = CONTACT_COLUMNS
) -> TextTable:
    """Contacts or summaries in the order given; ``name`` is the full name."""
    rows = []
    for contact in found:
        if contact is None:
            continue
        row = {name: getattr(contact, name, None) for name in columns}
        if "name" in columns:
            row["name"] = contact.full_name
        if "phone" in columns:
            row["phone"] = contact.phone_display()
        rows.append(row)
    return TextTable.of(rows, columns)


def cost_row(meter: Meter) -> dict[str, Any]:
    """What a meter measured, as one row of :data:`COST_COLUMNS`."""
    return {
        "requests": meter.requests,
        "items read": meter.items_read,
        "items returned": meter.items_returned,
        "RCU": meter.rcu,
        "WCU": meter.wcu,
    }


def costs(measured: Mapping[str, Meter], columns: Sequence[str] = COST_COLUMNS) -> TextTable:
    """One row per labelled meter, side by side: requests, items read and returned, RCU, WCU."""
    rows = [{"": label, **cost_row(meter)} for label, meter in measured.items()]
    return TextTable.of(rows, ("", *columns))


def operations(meter: Meter) -> TextTable:
    """One row per DynamoDB operation a meter saw, plus the total."""
    return TextTable.of(
        meter.summary(),
        ("operation", "requests", "items_read", "items_returned", "rcu", "wcu"),
    )


def schema(description: Mapping[str, Any]) -> TextTable:
    """Keys and indexes from ``table.describe()``: one row for the table, one per index."""

    def keys_of(key_schema: Iterable[Mapping[str, str]]) -> dict[str, str]:
        return {k["KeyType"]: k["AttributeName"] for k in key_schema}

    table_keys = keys_of(description["KeySchema"])
    found = [
        {
            "name": description["TableName"],
            "kind": "table",
            "partition key": table_keys["HASH"],
            "sort key": table_keys.get("RANGE"),
            "projection": "",
            "status": description["TableStatus"],
        }
    ]
    for index in description.get("GlobalSecondaryIndexes", []):
        index_keys = keys_of(index["KeySchema"])
        found.append(
            {
                "name": index["IndexName"],
                "kind": "GSI",
                "partition key": index_keys["HASH"],
                "sort key": index_keys.get("RANGE"),
                "projection": index["Projection"]["ProjectionType"],
                "status": index.get("IndexStatus", "ACTIVE"),
            }
        )
    return TextTable.of(
        found, ("name", "kind", "partition key", "sort key", "projection", "status")
    )


def attempt(action: Callable[[], Any]) -> str:
    """Run ``action``; its result's ``repr``, or ``"<ErrorClass>: <message>"`` for our errors.

    :class:`~contactkit.errors.ContactKitError` is caught, and so is a botocore
    ``ClientError`` from a raw client call, translated into contactkit's tree first; anything
    else is a bug and propagates. A notebook cell can so show an expected refusal in one line.
    """
    try:
        return repr(action())
    except ClientError as exc:
        # The lessons' plain-boto3 cells (no DynamoClient in between) show refusals too, in
        # the same words as the library's: the same translation, by the request's operation.
        error: ContactKitError = translate(exc, exc.operation_name)
    except ContactKitError as exc:
        error = exc
    return f"{type(error).__name__}: {error}"


def rows(records: Iterable[Mapping[str, Any]], columns: Sequence[str] | None = None) -> TextTable:
    """Any list of mappings (columns: those of the first row unless given)."""
    listed = list(records)
    chosen = tuple(columns) if columns is not None else tuple(listed[0]) if listed else ()
    return TextTable.of(listed, chosen)


def requests(
    meter: Meter, columns: Sequence[str] = REQUEST_COLUMNS, *, last: int | None = None
) -> TextTable:
    """Every request a meter recorded, one row each, in the order sent.

    ``columns`` picks some of :data:`REQUEST_COLUMNS`; ``last=N`` keeps the last N requests
    (their ``#`` stays the number :func:`request` takes).

    ``key`` is the key condition (Query), the key (GetItem, writes) or the number of keys
    (batches); ``written`` counts the items a write names by action and item type; RCU and
    WCU are the backend's figures, or the meter's where ``source`` says ``computed``.

    Example::

        with table.meter() as m:
            org.add(first_name="Ada", email="ada@example.com")
        requests(m)
    """
    unknown = [name for name in columns if name not in REQUEST_COLUMNS]
    if unknown:
        raise ValueError(f"unknown request columns {unknown}; choose from {REQUEST_COLUMNS}")
    if last is not None and last < 1:
        raise ValueError(f"last must be a positive number of requests, not {last}")
    rows = [_request_row(number, record) for number, record in enumerate(meter.records)]
    return TextTable.of(rows[-last:] if last is not None else rows, columns)


def _request_row(number: int, record: RequestRecord) -> dict[str, Any]:
    params = record.params
    target = str(params.get("TableName", ""))
    if params.get("IndexName"):
        target += f" / {params['IndexName']}"
    if not target and "RequestItems" in params:
        target = ", ".join(sorted(params["RequestItems"]))
    return {
        "#": number,
        "operation": record.operation + (" (failed)" if record.error else ""),
        "table / index": target,
        "key": _key_text(record.operation, params),
        "filter": _expression(params, "FilterExpression"),
        "projection": _expression(params, "ProjectionExpression"),
        "condition": _expression(params, "ConditionExpression"),
        "written": _written_text(record.operation, params),
        "read": record.cost.items_read,
        "returned": record.cost.items_returned,
        "RCU": record.rcu,
        "WCU": record.wcu,
        "source": record.source,
    }


def _expression(params: Mapping[str, Any], name: str) -> str:
    """An expression with its ``#name`` and ``:value`` placeholders filled in, for reading."""
    text = str(params.get(name, ""))
    for placeholder, real in params.get("ExpressionAttributeNames", {}).items():
        text = text.replace(placeholder, real)
    values = params.get("ExpressionAttributeValues", {})
    for placeholder in sorted(values, key=len, reverse=True):
        text = text.replace(placeholder, _scalar_text(values[placeholder]))
    return text


def _scalar_text(value: Mapping[str, Any]) -> str:
    ((kind, payload),) = value.items()
    return repr(payload) if kind in ("S", "N") else kind


def _key_text(operation: str, params: Mapping[str, Any]) -> str:
    if "KeyConditionExpression" in params:
        return _expression(params, "KeyConditionExpression")
    if "Key" in params:
        return ", ".join(f"{k}={_scalar_text(v)}" for k, v in params["Key"].items())
    if operation == "BatchGetItem":
        count = sum(len(r.get("Keys", [])) for r in params.get("RequestItems", {}).values())
        return f"{count} keys"
    if operation == "TransactGetItems":
        return f"{len(params.get('TransactItems', []))} keys"
    if operation == "PutItem":
        item = params.get("Item", {})
        return ", ".join(f"{k}={_scalar_text(item[k])}" for k in ("PK", "SK") if k in item)
    return ""


def _written_text(operation: str, params: Mapping[str, Any]) -> str:
    counts = Counter(
        f"{action} {kind}".rstrip() for action, _, kind in written_items(operation, params)
    )
    return ", ".join(f"{n} x {label}" for label, n in sorted(counts.items()))


@dataclass(frozen=True)
class Pretty:
    """Text shown as is (``repr``), and in a ``<pre>`` block in Jupyter."""

    text: str

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.text)}</pre>"


def request(meter: Meter, number: int) -> Pretty:
    """Request ``number`` of a meter (see :func:`requests`) as boto3 sent it, trimmed to read.

    Lists keep their first three elements and say how many more there were; long strings are
    cut. The header line says what it cost and where the figure comes from.

    Example::

        request(m, 0)
    """
    found = meter.records
    if not 0 <= number < len(found):
        raise IndexError(f"request {number} not recorded; the meter has {len(found)}")
    record = found[number]
    header = (
        f"# {number}: {record.operation}  RCU {record.rcu:g}  WCU {record.wcu:g}  ({record.source})"
    )
    body = json.dumps(_trimmed(record.params), indent=2, ensure_ascii=False, default=str)
    body = _SCALAR_VALUE.sub(r"{\1}", body)  # {"S": "x"} on one line
    return Pretty(f"{header}\nclient.{_snake(record.operation)}(**{body})")


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def _trimmed(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _trimmed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        kept = [_trimmed(v) for v in value[:_MAX_LIST]]
        if len(value) > _MAX_LIST:
            kept.append(f"... {len(value) - _MAX_LIST} more")
        return kept
    if isinstance(value, str) and len(value) > _MAX_TEXT:
        return value[: _MAX_TEXT - 1] + "…"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value
