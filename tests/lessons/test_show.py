"""Display tables: aligned text, HTML, stable ordering and formatting."""

from __future__ import annotations

from typing import Any

import pytest

import contactkit as ck
from contactkit.contacts.items import serialize
from contactkit.lessons import show


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (12345, "12,345"),
        (0.5, "0.5"),
        (1234.25, "1,234.2"),
        (["a", "b"], "a, b"),
        ("line\nbreak", "line break"),
        ("x" * 120, "x" * 109 + "…"),
    ],
)
def test_format_cell(value: Any, text: str) -> None:
    assert show.format_cell(value) == text


def test_text_table_aligns_numbers_right_and_text_left() -> None:
    table = show.TextTable.of([{"name": "a", "n": 5}, {"name": "long", "n": 1234}], ("name", "n"))
    assert repr(table).splitlines() == [
        "name      n",
        "----  -----",
        "a         5",
        "long  1,234",
    ]


def test_html_escapes_cells() -> None:
    table = show.TextTable.of([{"a": "<b>"}], ("a",))
    assert "&lt;b&gt;" in table._repr_html_()


def test_items_are_sorted_by_key_and_deserialized() -> None:
    raw = [
        serialize({"PK": "B", "SK": "1", "type": "contact"}),
        serialize({"PK": "A", "SK": "2", "type": "tag"}),
    ]
    assert show.items(raw).rows == (("tag", "A", "2"), ("contact", "B", "1"))


def test_contacts_show_full_name_and_display_phone() -> None:
    contact = ck.ContactSummary(
        id="X",
        org_id="org-a",
        first_name="Ada",
        last_name="Lovelace",
        email="a@b.c",
        phone="212 555 0100",
        phone_e164="+12125550100",
        tags=("vip",),
    )
    table = show.contacts([contact, None], ("name", "phone", "tags"))
    assert table.rows == (("Ada Lovelace", "(212) 555-0100", "vip"),)


def test_costs_one_row_per_meter(table: ck.Table) -> None:
    org = table.org("org-a")
    ada = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    with table.meter() as read:
        org.get(ada.id)
    with table.meter() as nothing:
        pass
    shown = show.costs({"get": read, "idle": nothing})
    assert shown.columns == ("", "requests", "items read", "items returned", "RCU", "WCU")
    assert shown.rows == (
        ("get", "1", "1", "1", "1.0", "0.0"),
        ("idle", "0", "0", "0", "0.0", "0.0"),
    )
    assert show.operations(read).rows[0][0] == "GetItem"


def test_schema_lists_table_and_indexes(table: ck.Table) -> None:
    rows = show.schema(table.describe()).rows
    assert rows[0][:4] == (table.name, "table", "PK", "SK")
    assert {r[0] for r in rows[1:]} == {"gsi-email", "gsi-phone", "gsi-name", "gsi-favorites"}


def test_rows_takes_columns_of_first_row() -> None:
    assert show.rows([{"a": 1, "b": 2}]).columns == ("a", "b")
    assert show.rows([]).rows == ()


def test_attempt_shows_results_and_our_errors(table: ck.Table) -> None:
    org = table.org("org-a")
    assert show.attempt(lambda: 1 + 1) == "2"
    assert show.attempt(lambda: org.get("42")).startswith("ValidationError: id: ")
    raw = show.attempt(lambda: table.client.get_item(TableName="missing", Key={}))
    assert raw.startswith("BackendError: GetItem failed: ")


def test_attempt_lets_bugs_through() -> None:
    with pytest.raises(ZeroDivisionError):
        show.attempt(lambda: 1 / 0)


def test_requests_lists_every_request_with_its_parameters_and_costs(
    table: ck.Table, org: ck.OrgStore
) -> None:
    with table.meter() as m:
        added = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        org.find_by_email("ada@example.com")
        table.client.get_item(
            TableName=table.name,
            Key={"PK": {"S": "nobody"}, "SK": {"S": "x"}},
            ReturnConsumedCapacity="NONE",
        )
    shown = show.requests(m)
    assert shown.columns == show.REQUEST_COLUMNS
    rows = [dict(zip(shown.columns, row, strict=True)) for row in shown.rows]
    operations = [row["operation"] for row in rows]
    assert operations == ["TransactWriteItems", "GetItem", "GetItem", "GetItem"]
    assert "Put contact" in rows[0]["written"] and "Put email" in rows[0]["written"]
    assert rows[1]["table / index"] == table.name  # the email's claim, then its contact
    assert "ORG#org-test#EMAIL#ada@example.com" in rows[1]["key"]
    assert f"CONTACT#{added.id}" in rows[2]["key"]
    assert [row["source"] for row in rows] == ["backend", "backend", "backend", "computed"]
    assert rows[3]["RCU"] == "0.5"
    assert repr(show.requests(m)) == repr(shown)  # deterministic
    text = repr(show.request(m, 0))
    assert text.startswith("# 0: TransactWriteItems")
    assert "client.transact_write_items(" in text and '"PK": {"S": "ORG#org-test"}' in text
    assert "more" in text or text.count('"Put"') <= 3  # long lists are trimmed
    assert added.id in text
    with pytest.raises(IndexError):
        show.request(m, 4)
    tail = show.requests(m, ("#", "operation", "RCU"), last=2)
    assert tail.columns == ("#", "operation", "RCU")
    assert [row[0] for row in tail.rows] == ["2", "3"]  # numbered as in the whole view
    with pytest.raises(ValueError, match="unknown request columns"):
        show.requests(m, ("#", "cost"))
    with pytest.raises(ValueError, match="positive"):
        show.requests(m, last=0)


def test_html_aligns_text_left_and_numbers_right() -> None:
    table = show.TextTable.of([{"key": "ORG#a", "n": 12}], ("key", "n"))
    assert table._repr_html_() == (
        '<table><thead><tr><th style="text-align:left">key</th>'
        '<th style="text-align:right">n</th></tr></thead>'
        '<tbody><tr><td style="text-align:left">ORG#a</td>'
        '<td style="text-align:right">12</td></tr></tbody></table>'
    )


def test_series_shows_as_a_two_column_table_without_dtype_footer() -> None:
    pd = pytest.importorskip("pandas")
    months = pd.period_range("2026-01", periods=2, freq="M", name="month")
    shown = show.series(pd.Series([1200, 3], index=months, name="contacts", dtype="int64"))
    assert shown.columns == ("month", "contacts")
    assert shown.rows == (("2026-01", "1,200"), ("2026-02", "3"))
    assert "dtype" not in repr(shown) and "Freq" not in repr(shown)


def test_series_without_names_and_as_percentages() -> None:
    pd = pytest.importorskip("pandas")
    shown = show.series(pd.Series([0.5, 1.0], index=["phone", "email"]), percent=True)
    assert shown.columns == ("", "value")
    assert shown.rows == (("phone", "50%"), ("email", "100%"))
    assert repr(shown).splitlines()[2] == "phone    50%"  # percentages align right
