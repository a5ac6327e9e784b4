"""load_frame and load_export: the right rows and values, projection, guards, faults."""

from __future__ import annotations

import gzip
import re
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

import contactkit as ck
from contactkit.engine.faults import FaultInjector
from contactkit.frames import columns as cols
from tests.conftest import SCALE

ORGS = ("org-alpha", "org-beta", "org-gamma")
PER_ORG = 6 * SCALE


def _fill(table: ck.Table) -> dict[str, list[ck.Contact]]:
    added: dict[str, list[ck.Contact]] = {}
    for o, org_id in enumerate(ORGS):
        org = table.org(org_id)
        contacts = []
        for n in range(PER_ORG + o):  # orgs of different sizes
            contact = org.add(
                first_name=f"First{n}",
                last_name=f"Last{n % 3}",
                email=f"person{n}@example{n % 2}.com",
                phone=["+44 20 7946 0958", "555-0101", None, "(212) 555-0100"][n % 4],
                company=["Tech Corp", "Design Studio", None][n % 3],
                job_title="Engineer" if n % 2 else None,
                tags=[["vip", "client"], [], ["client"]][n % 3],
                address={"city": "London", "country": "GB"} if n % 2 else None,
                custom_fields={"tier": str(n % 3)} if n % 3 == 0 else None,
                notes="Met at the fair\nCall back" if n == 1 else None,
                favorite=n % 4 == 0,
            )
            if n % 2:
                at = datetime(2026, 10, 1 + n % 28, 9 + n % 8, 30, tzinfo=UTC)
                contact = org.record_interaction(contact.id, kind="call", at=at)
            contacts.append(contact)
        added[org_id] = contacts
    return added


@pytest.fixture(scope="module")
def shared(db: ck.Database) -> Iterator[tuple[ck.Table, dict[str, list[ck.Contact]]]]:
    """One filled table for the whole module: the tests here only read it."""
    table = db.table(f"contacts-loader-{uuid.uuid4().hex[:10]}").create()
    yield table, _fill(table)
    table.delete(missing_ok=True)


@pytest.fixture
def table(shared: tuple[ck.Table, dict[str, list[ck.Contact]]]) -> ck.Table:
    return shared[0]


@pytest.fixture
def filled(shared: tuple[ck.Table, dict[str, list[ck.Contact]]]) -> dict[str, list[ck.Contact]]:
    return shared[1]


def _entries(values: tuple[Any, ...]) -> list[dict[str, str]]:
    return [{k: v for k, v in vars(entry).items() if v is not None} for entry in values]


def _expected(contacts: list[ck.Contact]) -> list[dict[str, Any]]:
    rows = []
    for c in contacts:
        address = c.address.as_dict() if c.address else {}
        rows.append(
            {
                "org_id": c.org_id,
                "id": c.id,
                "display_name": c.display_name,
                **{k: getattr(c, k) for k in ("prefix", "middle_name", "suffix", "name")},
                "nickname": c.nickname,
                "first_name": c.first_name,
                "last_name": c.last_name,
                "email": c.email,
                "emails": _entries(c.emails),
                "phone": c.phone,
                "phone_e164": c.phone_e164,
                "phones": _entries(c.phones),
                "company": c.company,
                "department": c.department,
                "job_title": c.job_title,
                "birthday": c.birthday,
                "websites": list(c.websites),
                "addresses": [
                    {**a.as_dict(), **({"label": a.label} if a.label else {})} for a in c.addresses
                ],
                "tags": list(c.tags),
                "favorite": c.favorite,
                **{k: address.get(k) for k in ("street", "city", "state", "postal_code")},
                "country": address.get("country"),
                "custom_fields": dict(c.custom_fields),
                "notes": c.notes,
                "created_at": c.created_at,
                "updated_at": c.updated_at,
                "last_contacted_at": c.last_contacted_at,
                "version": c.version,
            }
        )
    return rows


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain Python rows (missing values as None, timestamps as datetimes), ordered by id."""
    rows = []
    for record in df.sort_values("id").to_dict("records"):
        plain = {}
        for key, value in record.items():
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            elif not isinstance(value, list | dict) and pd.isna(value):
                value = None
            plain[key] = value
        rows.append(plain)
    return rows


def _all(filled: dict[str, list[ck.Contact]]) -> list[ck.Contact]:
    return sorted((c for cs in filled.values() for c in cs), key=lambda c: c.id)


def test_org_frame_has_every_contact_of_the_org_and_nothing_else(
    table: ck.Table, filled: dict[str, list[ck.Contact]]
) -> None:
    df = ck.load_frame(table.org("org-beta"))
    assert list(df.columns) == list(cols.COLUMN_NAMES)
    assert _rows(df) == _expected(filled["org-beta"])
    assert list(df["id"]) == sorted(df["id"])  # Query order: by id, which is creation order


def test_dtypes_are_the_documented_ones(
    table: ck.Table, filled: dict[str, list[ck.Contact]]
) -> None:
    rows = re.findall(r"^(\w+) +(\S.*?) {2,}``", cols.__doc__ or "", re.MULTILINE)
    documented = {name: dtype.split(" (")[0] for name, dtype in rows}
    df = ck.load_frame(table)
    assert set(documented) == set(df.columns)
    for name, dtype in documented.items():
        assert str(df[name].dtype) == dtype, name
    empty = ck.load_frame(table.org("org-nobody"))
    assert len(empty) == 0
    assert empty.dtypes.astype(str).tolist() == df.dtypes.astype(str).tolist()


@pytest.mark.parametrize(("segments", "page_size"), [(1, None), (2, 1), (3, 4), (7, None)])
def test_table_frame_is_every_contact_once_whatever_the_segments_and_pages(
    table: ck.Table, filled: dict[str, list[ck.Contact]], segments: int, page_size: int | None
) -> None:
    df = ck.load_frame(table, segments=segments, page_size=page_size)
    assert _rows(df) == _expected(_all(filled))


def test_projection_fetches_only_the_chosen_attributes(
    table: ck.Table, filled: dict[str, list[ck.Contact]]
) -> None:
    sent: list[dict[str, Any]] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        sent.append(dict(params))

    table.client.meta.events.register("before-parameter-build.dynamodb.Scan", capture)
    try:
        df = ck.load_frame(table, ["company", "city", "tags"], segments=1)
    finally:
        table.client.meta.events.unregister("before-parameter-build.dynamodb.Scan", capture)
    assert list(df.columns) == ["company", "city", "tags"]
    names = sent[0]["ExpressionAttributeNames"]
    fetched = {
        ".".join(names[p] for p in path.split("."))
        for path in sent[0]["ProjectionExpression"].split(", ")
    }
    assert fetched == {"company", "address.city", "tags"}
    assert sorted(df["city"].dropna()) == sorted(
        c.address.city for c in _all(filled) if c.address and c.address.city
    )


def test_custom_fields_expand_into_columns(
    table: ck.Table, filled: dict[str, list[ck.Contact]]
) -> None:
    df = ck.load_frame(table.org("org-alpha"), ["id", "custom_fields"], expand_custom_fields=True)
    assert list(df.columns) == ["id", "custom_fields", "custom.tier"]
    assert df["custom.tier"].tolist() == [
        c.custom_fields.get("tier", pd.NA) for c in filled["org-alpha"]
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"columns": ["company", "salary"]}, "columns"),
        ({"columns": "company"}, "columns"),
        ({"columns": []}, "columns"),
        ({"segments": 0}, "segments"),
        ({"segments": 2.5}, "segments"),
        ({"page_size": 0}, "page_size"),
    ],
)
def test_bad_arguments_name_the_field(table: ck.Table, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ck.ValidationError) as raised:
        ck.load_frame(table, **kwargs)
    assert raised.value.field == field


def _as_aws(table: ck.Table) -> ck.Table:
    """The same table behind a Database that says it is real AWS (the guard's condition)."""
    return ck.Database(table.client, "aws").table(table.name)


def test_max_items_refuses_a_big_aws_table_before_scanning(
    table: ck.Table, filled: dict[str, list[ck.Contact]]
) -> None:
    aws_table = _as_aws(table)
    with aws_table.meter() as meter, pytest.raises(ck.ValidationError) as raised:
        ck.load_frame(aws_table, max_items=5, progress=False)
    assert raised.value.field == "max_items"
    assert "max_items=None" in raised.value.reason and "load_export" in raised.value.reason
    assert "Scan" not in meter.by_operation
    assert len(ck.load_frame(aws_table, max_items=None, progress=False)) == len(_all(filled))


def test_max_items_also_stops_a_scan_whose_estimate_was_stale(
    table: ck.Table, filled: dict[str, list[ck.Contact]]
) -> None:
    def stale(parsed: dict[str, Any], **_: Any) -> None:
        parsed["Table"]["ItemCount"] = 0  # DynamoDB updates it only every ~6 hours

    table.client.meta.events.register("after-call.dynamodb.DescribeTable", stale)
    try:
        with pytest.raises(ck.ValidationError, match=r"' has \d+ items, more than max_items=3"):
            ck.load_frame(_as_aws(table), max_items=3, page_size=2, segments=2, progress=False)
    finally:
        table.client.meta.events.unregister("after-call.dynamodb.DescribeTable", stale)


def test_max_items_does_not_apply_to_local_backends(
    table: ck.Table, filled: dict[str, list[ck.Contact]]
) -> None:
    assert len(ck.load_frame(table, max_items=1)) == len(_all(filled))


@pytest.mark.parametrize("kind", ["throttle", "server_error", "drop_after_send"])
@pytest.mark.parametrize("source", ["org", "table"])
def test_retried_pages_neither_duplicate_nor_drop_rows(
    table: ck.Table, filled: dict[str, list[ck.Contact]], kind: Any, source: str
) -> None:
    target = table.org("org-gamma") if source == "org" else table
    operation = "Query" if source == "org" else "Scan"
    expected = filled["org-gamma"] if source == "org" else _all(filled)
    with FaultInjector(table.client, seed=1) as faults:
        faults.add(operation, kind, times=2)
        df = ck.load_frame(target, page_size=2, segments=2)
    assert len(faults.injected) == 2
    assert _rows(df) == _expected(expected)


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


def test_a_successful_answer_that_botocore_retries_is_not_counted_twice(
    table: ck.Table, filled: dict[str, list[ck.Contact]]
) -> None:
    """A 200 whose checksum fails is parsed by the fast path, then retried by botocore."""
    import urllib3

    http = urllib3.PoolManager()
    corrupted: list[int] = []

    def corrupt(request: Any, **_: Any) -> AWSResponse | None:
        if len(corrupted) >= 2:
            return None
        real = http.request(
            request.method, request.url, body=request.body, headers=dict(request.headers.items())
        )
        document = orjson.loads(real.data)
        document["Items"] = document["Items"] * 2  # what a duplicated page would look like
        body = orjson.dumps(document)
        headers = HTTPHeaders()
        headers["Content-Type"] = "application/x-amz-json-1.0"
        headers["x-amz-crc32"] = "1"  # wrong: botocore retries the request
        corrupted.append(len(document["Items"]))
        return AWSResponse(request.url, 200, headers, _Body(body))

    table.client.meta.events.register("before-send.dynamodb.Scan", corrupt)
    try:
        df = ck.load_frame(table, page_size=3, segments=1)
    finally:
        table.client.meta.events.unregister("before-send.dynamodb.Scan", corrupt)
    assert len(corrupted) == 2
    assert _rows(df) == _expected(_all(filled))


def test_the_meter_sees_the_items_the_fast_path_parsed(
    table: ck.Table, filled: dict[str, list[ck.Contact]]
) -> None:
    with table.meter() as meter:
        df = ck.load_frame(table.org("org-alpha"))
    assert meter.items_returned == len(df) == len(filled["org-alpha"])
    assert meter.bytes_read > 0


# -- exports -----------------------------------------------------------------------------------


def _write_export(table: ck.Table, path: Path, *, gzipped: bool = True) -> int:
    """Every item of the table as DynamoDB JSON lines, the way backups and exports store them."""
    lines = []
    kwargs: dict[str, Any] = {"TableName": table.name}
    while True:
        page = table.client.scan(**kwargs)
        lines.extend(orjson.dumps({"Item": item}) for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    data = b"\n".join(lines) + b"\n"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return len(lines)


@pytest.mark.parametrize("gzipped", [True, False])
def test_export_loads_the_same_frame_as_the_table(
    table: ck.Table, filled: dict[str, list[ck.Contact]], tmp_path: Path, gzipped: bool
) -> None:
    path = tmp_path / ("backup.json.gz" if gzipped else "backup.json")
    written = _write_export(table, path, gzipped=gzipped)
    assert written > len(_all(filled))  # the backup holds email claims and tags too
    df = ck.load_export(path)
    assert _rows(df) == _rows(ck.load_frame(table)) == _expected(_all(filled))
    assert df.dtypes.astype(str).tolist() == ck.load_frame(table).dtypes.astype(str).tolist()


def test_export_directory_and_org_filter(
    table: ck.Table, filled: dict[str, list[ck.Contact]], tmp_path: Path
) -> None:
    data = tmp_path / "export" / "data"
    data.mkdir(parents=True)
    _write_export(table, data / "part-1.json.gz")
    (tmp_path / "export" / "manifest-summary.json.txt").write_text("{}")
    df = ck.load_export(tmp_path / "export", ["id", "org_id"], org="org-beta")
    assert list(df["id"]) == [c.id for c in filled["org-beta"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"Item": {"PK": {"S": "x"}}}\nnot json\n', "line 2 is not JSON"),
        (b'{"PK": {"S": "x"}}\n', 'line 1 is not DynamoDB JSON: expected {"Item"'),
    ],
)
def test_bad_export_lines_are_reported_with_their_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json.gz"
    path.write_bytes(gzip.compress(content))
    with pytest.raises(ck.ValidationError) as raised:
        ck.load_export(path)
    assert raised.value.field == "path"
    assert message in raised.value.reason


def test_missing_export_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ck.ValidationError, match="does not exist"):
        ck.load_export(tmp_path / "nope.json.gz")
    with pytest.raises(ck.ValidationError, match="holds no"):
        ck.load_export(tmp_path)


def test_without_pandas_the_error_says_how_to_install_it(
    table: ck.Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ck.ConfigurationError, match=r"contactkit\[notebooks\]"):
        ck.load_frame(table)


def test_a_metered_load_reports_the_backends_consumed_capacity(table: ck.Table) -> None:
    with table.meter() as meter:
        frame = ck.load_frame(table.org(ORGS[0]))
    assert len(frame) > 0
    assert meter.records and {r.source for r in meter.records} == {"backend"}
    assert meter.rcu == sum(r.reported.read for r in meter.records if r.reported) > 0
