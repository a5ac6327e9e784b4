"""org.import_contacts: validation like add(), the messy file's exact report, idempotent
re-runs, updates, dry runs, DynamoDB's limits, and the request plan."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.dynamo import limits
from contactkit.engine.faults import FaultInjector
from contactkit.io import importer
from contactkit.io.formats import read_source
from contactkit.io.importer import Importer, pack
from contactkit.io.progress import PROGRESS_VARIABLE
from tests.conftest import SCALE, items_of_type, scan_all

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(autouse=True)
def no_progress_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROGRESS_VARIABLE, "0")


@pytest.fixture
def sent(table: ck.Table) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every request's operation and parameters, captured from the client's own events."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, params))

    table.client.meta.events.register("provide-client-params.dynamodb.*", record)
    yield calls
    table.client.meta.events.unregister("provide-client-params.dynamodb.*", record)


def rows_of(count: int, **extra: Any) -> list[dict[str, Any]]:
    return [
        {"first_name": f"First{n}", "last_name": f"Last{n}", "email": f"p{n}@example.com", **extra}
        for n in range(count)
    ]


# -- the seed's contacts and the sample formats ----------------------------------------------


def test_the_seed_contacts_import_three_of_three_with_a_phone_warning_each(
    org: ck.OrgStore,
) -> None:
    report = org.import_contacts(DATA / "seed-contacts.csv")
    assert (report.imported, report.skipped, report.invalid_rows) == (3, [], [])
    assert [(w.row, w.field) for w in report.warnings] == [(2, "phone"), (3, "phone"), (4, "phone")]
    assert all("kept as entered" in w.message for w in report.warnings)
    alice = org.find_by_email("alice@example.com")
    assert alice is not None
    assert (alice.phone, alice.phone_e164, alice.tags) == (
        "555-0101",
        None,
        ("engineering", "client"),
    )
    assert (alice.company, alice.job_title) == ("Tech Corp", "Software Engineer")


@pytest.mark.parametrize(
    ("name", "imported", "email", "tag"),
    [
        ("google-contacts.csv", 3, "grace@navy.example", "VIP"),
        ("google-contacts-old.csv", 2, "margaret@mit.example", "Apollo"),
        ("google-outlook.csv", 2, "katherine@nasa.example", "Space"),
        ("outlook-contacts.csv", 3, "juergen.mueller@cafe.example", "Kunden"),
        ("outlook-contacts-unicode.csv", 3, "juergen.mueller@cafe.example", "VIP"),
        ("contacts.vcf", 3, "marie.curie@radium.example", "Nobel"),
    ],
)
def test_each_format_imports_every_row(
    org: ck.OrgStore, name: str, imported: int, email: str, tag: str
) -> None:
    report = org.import_contacts(DATA / name)
    assert report.imported == imported and report.ok
    contact = org.find_by_email(email)
    assert contact is not None and tag in contact.tags
    assert [c.email for c in org.find_by_tag(tag)] == [
        c.email for c in org.find_by_tag(tag) if tag in c.tags
    ]
    assert email in {c.email for c in org.find_by_tag(tag)}


def test_google_labels_and_extra_values_land_in_the_contact(org: ck.OrgStore) -> None:
    org.import_contacts(DATA / "google-contacts.csv")
    grace = org.find_by_email("grace@navy.example")
    assert grace is not None
    full = org.get(grace.id)
    assert full.favorite is True  # "* starred"
    assert full.tags == ("Pioneers", "VIP")
    assert full.phone_e164 == "+12125550187"
    assert full.custom_fields["other_phones"] == "+1 212-555-0188, +44 20 7946 0958"
    assert full.address is not None and full.address.city == "Arlington"
    assert [c.id for c in org.search("hopper")] == [grace.id]


# -- the messy file against its hand-written expected report ---------------------------------


def expected_messy() -> list[dict[str, str]]:
    with (DATA / "messy-expected.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_messy_file_has_enough_bad_rows_of_enough_kinds() -> None:
    expected = [row for row in expected_messy() if row["outcome"] != "imported"]
    assert len(expected) >= 55
    assert len({row["kind"] for row in expected}) >= 15


def assert_matches_the_messy_table(report: ck.ImportReport) -> None:
    """The report of messy.csv is exactly what messy-expected.csv (written by hand) says."""
    expected = expected_messy()

    def table(outcome: str) -> dict[int, tuple[str, str]]:
        return {
            int(r["row"]): (r["field"], r["reason"]) for r in expected if r["outcome"] == outcome
        }

    invalid = {r.row: (r.field, r.reason) for r in report.invalid_rows}
    assert set(invalid) == set(table("invalid"))
    for row, (field, reason) in table("invalid").items():
        assert invalid[row][0] == field, row
        assert reason in invalid[row][1], row
    skipped = {r.row: r for r in report.skipped}
    assert set(skipped) == set(table("skipped"))
    for row, (_field, reason) in table("skipped").items():
        assert reason in skipped[row].reason, row
    warnings = {r.row: (r.field, r.message) for r in report.warnings}
    assert set(warnings) == set(table("warning"))
    for row, (field, reason) in table("warning").items():
        assert warnings[row][0] == field and reason in warnings[row][1], row
    assert report.unused_columns == ["fax"]
    assert report.failed == []
    assert set(table("imported")) <= set(report.contact_ids)  # formula lookalikes: as typed
    not_imported = [r for r in expected if r["outcome"] in ("invalid", "skipped")]
    assert report.imported == report.rows - len(not_imported)  # every other row landed


def test_the_messy_file_report_matches_the_hand_written_table(org: ck.OrgStore) -> None:
    report = org.import_contacts(DATA / "messy.csv")
    assert_matches_the_messy_table(report)
    assert len(items_of_type(org.table, "contact")) == report.imported


def test_valid_rows_land_even_when_others_are_invalid(org: ck.OrgStore) -> None:
    rows = [*rows_of(3), {"first_name": "X", "last_name": "Y", "email": "nope"}]
    report = org.import_contacts(rows)
    assert report.imported == 3
    assert report.invalid_rows == [ck.InvalidRow(4, "email", report.invalid_rows[0].reason)]


# -- duplicates, idempotence, updates, dry runs -----------------------------------------------


def test_reimporting_the_same_file_creates_nothing_and_writes_nothing(
    table: ck.Table, org: ck.OrgStore
) -> None:
    first = org.import_contacts(DATA / "google-contacts.csv")
    before = scan_all(table)
    second = org.import_contacts(DATA / "google-contacts.csv")
    assert (second.imported, second.updated, len(second.skipped)) == (0, 0, first.imported)
    assert all(s.existing_id == first.contact_ids[s.row] for s in second.skipped)
    assert second.requests_by_operation == {"BatchGetItem": 1}
    assert second.wcu == 0
    assert sorted(scan_all(table), key=str) == sorted(before, key=str)


def test_emails_used_in_the_org_are_skipped_whatever_their_case(org: ck.OrgStore) -> None:
    existing = org.add(first_name="Ada", last_name="L", email="Ada@Example.com")
    report = org.import_contacts(
        [{"first_name": "A", "last_name": "B", "email": "ada@example.COM"}]
    )
    assert report.imported == 0
    assert report.skipped == [
        ck.SkippedRow(1, "ada@example.COM", report.skipped[0].reason, existing.id)
    ]
    assert "already used" in report.skipped[0].reason


def test_update_changes_existing_contacts_and_skips_unchanged_ones(
    table: ck.Table, org: ck.OrgStore
) -> None:
    org.import_contacts(rows_of(3, tags=["old"]))
    changed = rows_of(3, tags=["old"])
    changed[1] = {**changed[1], "company": "New Co", "tags": ["new"]}
    report = org.import_contacts([*changed, *rows_of(4)[3:]], on_conflict="update")
    assert (report.imported, report.updated) == (1, 1)
    assert sorted(s.row for s in report.skipped) == [1, 3]
    assert all("unchanged" in s.reason for s in report.skipped)
    updated = org.get(report.contact_ids[2])
    assert (updated.company, updated.tags, updated.version) == ("New Co", ("new",), 2)
    assert [c.email for c in org.find_by_tag("new")] == ["p1@example.com"]
    assert "p1@example.com" not in {c.email for c in org.find_by_tag("old")}
    again = org.import_contacts([*changed, *rows_of(4)[3:]], on_conflict="update")
    assert (again.imported, again.updated, len(again.skipped)) == (0, 0, 4)


def test_a_dry_run_validates_and_reports_but_writes_nothing(
    table: ck.Table, org: ck.OrgStore, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    org.add(first_name="A", last_name="B", email="p0@example.com")
    before = scan_all(table)
    sent.clear()
    report = org.import_contacts([*rows_of(5), {"notes": "no one"}], dry_run=True)
    assert (report.imported, len(report.skipped), len(report.invalid_rows)) == (4, 1, 1)
    assert report.dry_run and "would import 4" in report.summary()
    assert {operation for operation, _ in sent} == {"BatchGetItem"}
    assert scan_all(table) == before
    assert report.requests == report.minimum_requests == 1


def test_an_email_claimed_during_the_import_is_skipped_and_the_rest_written(
    org: ck.OrgStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    racer = org.add(first_name="R", last_name="R", email="p2@example.com")
    lookup = Importer._lookup

    def blind(self: Importer, rows: Any) -> Any:  # the look-up saw no email in use
        found = lookup(self, rows)
        found.owners.clear()
        return found

    monkeypatch.setattr(Importer, "_lookup", blind)
    report = org.import_contacts(rows_of(5))
    assert report.imported == 4
    assert [(s.row, s.existing_id) for s in report.skipped] == [(3, racer.id)]
    assert "meanwhile" in report.skipped[0].reason
    assert len(items_of_type(org.table, "contact")) == 5
    assert len(items_of_type(org.table, "email")) == 5


def test_created_at_is_kept_and_ids_sort_by_it(org: ck.OrgStore) -> None:
    rows = [
        {**rows_of(1)[0], "created_at": "2025-06-01T10:00:00Z"},
        {**rows_of(2)[1], "created_at": "2024-02-01T10:00:00+02:00"},
    ]
    report = org.import_contacts(rows)
    newer, older = (org.get(report.contact_ids[n]) for n in (1, 2))
    assert (
        older.created_at is not None and older.created_at.isoformat() == "2024-02-01T08:00:00+00:00"
    )
    assert older.id < newer.id
    bad = org.import_contacts([{**rows_of(3)[2], "created_at": "yesterday"}])
    assert bad.invalid_rows[0].field == "created_at"


FORMULA_LOOKALIKES = [
    {"first_name": "=1+1"},
    {"first_name": "+1/2"},
    {"company": "-Acme"},
    {"company": " @SUM(A1)"},
    {"job_title": "=== agenda"},
    {"tags": ["ok", "@home"]},
    {"address": {"city": "-A1+B1"}},
    {"custom_fields": {"note": "=cmd"}},
    {"notes": "- a list\n- of things"},
]


@pytest.mark.parametrize("values", FORMULA_LOOKALIKES)
def test_import_accepts_what_add_accepts_and_stores_it_as_typed(
    table: ck.Table, values: dict[str, Any]
) -> None:
    row = {**rows_of(1)[0], **values}
    added = table.org("org-add").add(**row)
    report = table.org("org-import").import_contacts([row])
    assert (report.imported, report.invalid_rows) == (1, [])
    imported = table.org("org-import").get(report.contact_ids[1])
    for name in values:
        assert getattr(imported, name) == getattr(added, name)


# -- DynamoDB's limits and the request plan ----------------------------------------------------


def test_transactions_never_exceed_100_actions_or_4_mb(
    org: ck.OrgStore, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    tags = [f"tag{n}" for n in range(limits.MAX_TAGS)]
    rows = rows_of(12 * SCALE, tags=tags, job_title="Chief " + " ".join(f"w{n}" for n in range(30)))
    report = org.import_contacts(rows)
    assert report.imported == len(rows)
    transactions = [p["TransactItems"] for op, p in sent if op == "TransactWriteItems"]
    assert transactions and all(len(t) <= limits.MAX_TRANSACTION_ACTIONS for t in transactions)
    assert max(len(t) for t in transactions) > 90  # packed, not one contact per request


def test_economy_batches_never_exceed_25_items(
    org: ck.OrgStore, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    report = org.import_contacts(rows_of(20 * SCALE), plan="economy")
    assert report.ok and report.imported == 20 * SCALE
    batches = [p["RequestItems"] for op, p in sent if op == "BatchWriteItem"]
    assert batches and all(
        len(v) <= limits.MAX_BATCH_WRITE_ITEMS for b in batches for v in b.values()
    )
    assert [c.email for c in org.search("first7")][:1] == ["p7@example.com"]


class _Unit:
    def __init__(self, actions: int, size: int) -> None:
        self.actions = [{}] * actions
        self.size = size


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        ([(46, 100)] * 5, [2, 2, 1]),
        ([(30, 1_000_000)] * 6, [3, 3]),  # 4 MB holds three 1 MB rows, not four
        ([(99, 10)] * 2, [1, 1]),
        ([(1, 10)] * 250, [99, 99, 52]),  # one action of each left for its audit entry
    ],
)
def test_packing_respects_both_transaction_limits(
    units: list[tuple[int, int]], expected: list[int]
) -> None:
    chunks = list(pack([_Unit(a, s) for a, s in units]))  # type: ignore[misc]
    assert [len(c) for c in chunks] == expected
    for chunk in chunks:
        assert sum(len(u.actions) for u in chunk) <= limits.MAX_TRANSACTION_ACTIONS - 1
        assert sum(u.size for u in chunk) <= limits.MAX_TRANSACTION_BYTES - importer.AUDIT_BYTES


@pytest.mark.parametrize("plan", ["atomic", "economy"])
def test_requests_match_the_documented_minimum_when_nothing_fails(
    org: ck.OrgStore, plan: Any
) -> None:
    report = org.import_contacts(rows_of(150 * SCALE, tags=["a", "b"]), plan=plan)
    assert report.imported == 150 * SCALE
    assert report.minimum_requests <= report.requests <= math.ceil(report.minimum_requests * 1.1)
    assert report.wcu == report.minimum_wcu


def test_progress_goes_to_a_callback(org: ck.OrgStore) -> None:
    seen: list[tuple[int, int]] = []
    org.import_contacts(rows_of(30), progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (30, 30)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.parametrize(
    ("progress", "env", "rows", "shown"),
    [
        (None, "0", 5000, False),
        (None, "1", 10, False),
        (False, "1", 5000, False),
        (True, "0", 10, True),
    ],
)
def test_the_progress_bar_appears_only_when_wanted(
    monkeypatch: pytest.MonkeyPatch, progress: Any, env: str, rows: int, shown: bool
) -> None:
    monkeypatch.setenv(PROGRESS_VARIABLE, env)
    bar = importer._progress_bar(progress, rows)
    assert (bar is not None) == shown
    if bar is not None:
        bar.close()


def test_the_report_summary_names_counts_and_requests(org: ck.OrgStore) -> None:
    report = org.import_contacts(
        io.StringIO("first_name,last_name,email,fax\na,b,c@example.com,1\n")
    )
    text = str(report)
    assert "imported 1" in text and "requests 2" in text and "unused columns: fax" in text


@pytest.mark.parametrize(("option", "value"), [("on_conflict", "replace"), ("plan", "fast")])
def test_unknown_options_are_refused(org: ck.OrgStore, option: str, value: str) -> None:
    with pytest.raises(ck.ValidationError) as exc:
        org.import_contacts(rows_of(1), **{option: value})
    assert exc.value.field == option


# -- under injected faults ------------------------------------------------------------------


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore sleeps between retries; the faults here need no real waiting."""
    import botocore.endpoint

    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _seconds: None)


def run_import(org: ck.OrgStore, source: Any, plan: Any = "atomic") -> ck.ImportReport:
    org.table.dynamo.sleep = lambda _s: None  # contactkit's own retries wait for nothing here
    return Importer(org.writer, plan=plan).run(read_source(source))


def assert_each_row_once(table: ck.Table, emails: list[str], tags: int) -> None:
    contacts = items_of_type(table, "contact")
    assert sorted(c["email"] for c in contacts if "email" in c) == sorted(emails)
    assert len(items_of_type(table, "email")) == len(emails)
    assert len(items_of_type(table, "tag")) == tags


FAULTS = [
    ("BatchGetItem", "unprocessed", "atomic"),
    ("TransactWriteItems", "throttle", "atomic"),
    ("TransactWriteItems", "provisioned_throughput", "atomic"),
    ("TransactWriteItems", "server_error", "atomic"),
    ("TransactWriteItems", "drop_after_send", "atomic"),
    ("TransactWriteItems", "transaction_conflict", "atomic"),
    ("BatchWriteItem", "unprocessed", "economy"),
    ("BatchWriteItem", "throttle", "economy"),
    ("TransactWriteItems", "drop_after_send", "economy"),
]


@pytest.mark.reliability
@pytest.mark.parametrize(("operation", "kind", "plan"), FAULTS)
def test_an_import_under_faults_writes_every_valid_row_exactly_once(
    db: ck.Database,
    table: ck.Table,
    org: ck.OrgStore,
    no_backoff: None,
    operation: str,
    kind: Any,
    plan: Any,
) -> None:
    rows = rows_of(80 * SCALE, tags=["a", "b"])
    with FaultInjector(db.client, seed=11) as faults:
        faults.add(operation, kind, times=1, share=0.3)  # the first one for sure
        faults.add(operation, kind, times=None, probability=0.4, share=0.3)
        report = run_import(org, rows, plan)
        messy = run_import(org, DATA / "messy.csv", plan)
    assert faults.injected, "the fault never fired: the test would prove nothing"
    assert (report.imported, report.failed, report.skipped) == (len(rows), [], [])
    assert_matches_the_messy_table(messy)
    emails = [r["email"] for r in rows] + [
        email
        for contact_id in messy.contact_ids.values()
        if (email := org.get(contact_id).email) is not None  # messy rows 14-15: no email
    ]
    messy_tags = sum(len(org.get(i).tags) for i in messy.contact_ids.values())
    assert_each_row_once(table, emails, 2 * len(rows) + messy_tags)
    assert [c.email for c in org.search("first3 last3")][:1] == ["p3@example.com"]
    assert report.requests >= report.minimum_requests


@pytest.mark.reliability
def test_rows_that_never_get_written_are_reported_and_a_rerun_writes_them(
    db: ck.Database, table: ck.Table, org: ck.OrgStore, no_backoff: None
) -> None:
    rows = rows_of(30)
    with FaultInjector(db.client) as faults:
        faults.add("TransactWriteItems", "throttle", times=None)
        report = run_import(org, rows)
    assert report.imported == 0
    assert [f.row for f in report.failed] == list(range(1, 31))
    assert all("ThrottlingException" in f.reason for f in report.failed)
    assert scan_all(table) == []
    again = run_import(org, rows)
    assert (again.imported, again.failed) == (30, [])
    assert_each_row_once(table, [r["email"] for r in rows], 0)


@pytest.mark.reliability
def test_search_entries_that_never_get_written_are_reported_for_a_backfill(
    db: ck.Database, table: ck.Table, org: ck.OrgStore, no_backoff: None
) -> None:
    with FaultInjector(db.client) as faults:
        faults.add("BatchWriteItem", "unprocessed", times=None, share=0.5)
        report = run_import(org, rows_of(5), "economy")
    assert report.imported == 5
    assert [f.row for f in report.failed] == [1, 2, 3, 4, 5]
    assert "backfill_search_index" in report.failed[0].reason
    org.backfill_search_index()
    assert [c.email for c in org.search("first4")] == ["p4@example.com"]


# -- an org's own export, and conflicts --------------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "json", "vcf"])
def test_importing_an_orgs_own_export_writes_nothing(
    org: ck.OrgStore, tmp_path: Path, format: str
) -> None:
    org.import_contacts(rows_of(3))
    org.create_group("Friends")
    first = org.list().items[0]
    org.add_to_group("Friends", first.id)
    org.record_interaction(first.id, "call")
    org.export(tmp_path / f"out.{format}")
    before = scan_all(org.table)
    report = org.import_contacts(tmp_path / f"out.{format}")
    assert (report.imported, report.updated) == (0, 0)
    assert all(s.reason.startswith("unchanged") for s in report.skipped)
    assert sorted(s.existing_id or "" for s in report.skipped) == sorted(
        c.id for c in org.list().items
    )
    assert set(report.requests_by_operation) <= {"BatchGetItem", "Query"}
    assert scan_all(org.table) == before


def test_a_row_matched_by_id_that_differs_is_skipped_unless_updating(
    org: ck.OrgStore, tmp_path: Path
) -> None:
    added = org.add(first_name="Ada", last_name="L", email="ada@example.com")
    org.export(tmp_path / "out.csv")
    text = (tmp_path / "out.csv").read_text(encoding="utf-8")
    (tmp_path / "out.csv").write_text(text.replace("Ada,", "Adah,"), encoding="utf-8")
    skipped = org.import_contacts(tmp_path / "out.csv")
    assert [(s.existing_id, "same id" in s.reason) for s in skipped.skipped] == [(added.id, True)]
    assert org.get(added.id).first_name == "Ada"
    updated = org.import_contacts(tmp_path / "out.csv", on_conflict="update")
    assert updated.updated == 1 and org.get(added.id).first_name == "Adah"


def test_merge_keeps_the_contacts_values_and_adds_the_rows(org: ck.OrgStore) -> None:
    added = org.add(
        first_name="Ada", last_name="L", email="ada@example.com", tags=["a"], company="ACME"
    )
    row = {
        "first_name": "Ada",
        "last_name": "L",
        "email": "ADA@example.com",
        "phone": "+44 20 7946 0958",
        "company": "Other",
        "tags": ["b"],
        "groups": ["Team"],
    }
    report = org.import_contacts([row], on_conflict="merge")
    assert report.updated == 1 and report.contact_ids == {1: added.id}
    merged = org.get(added.id)
    assert (merged.email, merged.company, merged.phone_e164) == (
        "ada@example.com",
        "ACME",
        "+442079460958",
    )
    assert merged.tags == ("a", "b") and merged.groups == ("Team",)
    assert "company Other" in (merged.notes or "")
    assert [m.id for m in org.group_members("Team").items] == [added.id]
    again = org.import_contacts([row], on_conflict="merge")  # merging twice changes nothing
    assert again.updated == 0 and again.skipped[0].reason.startswith("unchanged")


@pytest.mark.parametrize("on_conflict", ["update", "merge"])
def test_a_rows_groups_take_the_orgs_spelling(org: ck.OrgStore, on_conflict: Any) -> None:
    org.create_group("Customers")
    added = org.add(first_name="Old", last_name="One", email="old@example.com")
    rows = [
        {
            "first_name": "New",
            "last_name": "One",
            "email": "new@example.com",
            "groups": ["CUSTOMERS"],
        },
        {
            "first_name": "Old",
            "last_name": "One",
            "email": "old@example.com",
            "groups": ["customers"],
        },
    ]
    report = org.import_contacts(rows, on_conflict=on_conflict)
    assert (report.imported, report.updated) == (1, 1)
    assert [org.get(i).groups for i in report.contact_ids.values()] == [("Customers",)] * 2
    assert sorted(m.id for m in org.group_members("Customers").items) == sorted(
        [added.id, report.contact_ids[1]]
    )


def test_a_skipped_conflict_names_the_existing_contact(org: ck.OrgStore) -> None:
    added = org.add(first_name="Ada", last_name="L", email="ada@example.com")
    report = org.import_contacts(
        [{"first_name": "X", "last_name": "Y", "email": "Ada@Example.com"}]
    )
    assert [(s.existing_id, s.reason) for s in report.skipped] == [
        (added.id, f"email already used by contact {added.id} in this org")
    ]


# -- identity without an email, and every email's claim --------------------------------------

WITHOUT_EMAIL = [
    {"phone": "+1 555 123 4567"},
    {"name": "Mom", "phone": "+44 20 7946 0958 x12"},
    {"first_name": "Priya"},
    {"company": "Joe's Pizza", "phones": ["1-800-FLOWERS", "555-0101"]},
]


def writes_of(report: ck.ImportReport) -> set[str]:
    return set(report.requests_by_operation) - {"BatchGetItem", "Query", "GetItem"}


def test_a_file_without_emails_imported_twice_writes_nothing_the_second_time(
    org: ck.OrgStore,
) -> None:
    first = org.import_contacts(WITHOUT_EMAIL)
    assert (first.imported, first.skipped, first.invalid_rows) == (4, [], [])
    again = org.import_contacts(WITHOUT_EMAIL)
    assert (again.imported, again.updated, writes_of(again)) == (0, 0, set())
    assert [s.reason.split(":")[0] for s in again.skipped] == ["unchanged"] * 4
    assert [s.existing_id for s in again.skipped] == list(first.contact_ids.values())
    assert len(org.list().items) == 4


def test_an_emailless_row_that_differs_is_handled_by_on_conflict(org: ck.OrgStore) -> None:
    mom = org.add(name="Mom", phone="+44 20 7946 0958")
    row = {"name": "mom", "phone": "+442079460958", "company": "Home"}  # same fingerprint
    skipped = org.import_contacts([row])
    assert [(s.existing_id, s.reason) for s in skipped.skipped] == [
        (
            mom.id,
            f"differs from contact {mom.id} (same name and phones) in this org; import with "
            "on_conflict='update' or 'merge' to change it",
        )
    ]
    updated = org.import_contacts([row], on_conflict="update")
    assert updated.updated == 1 and org.get(mom.id).company == "Home"


def test_emailless_rows_alike_in_one_file_are_duplicates(org: ck.OrgStore) -> None:
    report = org.import_contacts([{"name": "Mom", "phone": "+15551234567"}] * 2)
    assert report.imported == 1
    assert [s.reason for s in report.skipped] == ["duplicate of row 1 (same name and phones)"]


def test_a_collision_on_a_second_email_names_the_contact_and_follows_on_conflict(
    org: ck.OrgStore,
) -> None:
    held = org.add(first_name="Ada", email="ada@work.example")
    row = {"first_name": "Ada", "emails": ["ada@home.example", "ADA@work.example"]}
    skipped = org.import_contacts([row])
    assert [(s.existing_id, s.reason) for s in skipped.skipped] == [
        (held.id, f"email ada@work.example already used by contact {held.id} in this org")
    ]
    updated = org.import_contacts([row], on_conflict="update")
    assert updated.updated == 1 and updated.contact_ids == {1: held.id}
    assert [e.value for e in org.get(held.id).emails] == ["ada@home.example", "ADA@work.example"]
    assert org.find_by_email("ada@home.example").id == held.id


def test_a_row_whose_emails_belong_to_two_contacts_is_skipped_in_every_mode(
    org: ck.OrgStore,
) -> None:
    a = org.add(email="a@example.com")
    b = org.add(email="b@example.com")
    row = {"emails": ["a@example.com", "b@example.com"]}
    for mode in ("skip", "update", "merge"):
        report = org.import_contacts([row], on_conflict=mode)
        (skip,) = report.skipped
        assert skip.existing_id == a.id and b.id in skip.reason and report.updated == 0


def test_a_row_repeating_a_second_email_of_an_earlier_row_is_a_duplicate(
    org: ck.OrgStore,
) -> None:
    rows = [{"emails": ["a@example.com", "b@example.com"]}, {"email": "B@example.com"}]
    report = org.import_contacts(rows)
    assert report.imported == 1
    assert [s.reason for s in report.skipped] == ["duplicate of row 1 (same email, ignoring case)"]


def test_a_row_refused_for_its_size_does_not_make_a_later_row_a_duplicate(
    org: ck.OrgStore,
) -> None:
    too_large = {  # every field within its limit, but together over DynamoDB's 400 KB item
        "first_name": "Big",
        "email": "x@example.com",
        "notes": "\U0001f600" * 100_000,
        "custom_fields": {f"k{n}": "\U0001f600" * 2000 for n in range(10)},
    }
    report = org.import_contacts([too_large, {"first_name": "Small", "email": "X@example.com"}])
    assert [(r.row, r.field) for r in report.invalid_rows] == [(1, "notes")]
    assert "400 KB" in report.invalid_rows[0].reason
    assert (report.imported, report.skipped) == (1, [])
    assert org.get(report.contact_ids[2]).first_name == "Small"


class _Crash(BaseException):
    """The process dying mid-import: nothing of the importer's own handling runs."""


@pytest.mark.reliability
@pytest.mark.parametrize("plan", ["atomic", "economy"])
def test_every_contact_of_an_import_that_dies_midway_has_an_audit_entry_naming_it(
    table: ck.Table,
    org: ck.OrgStore,
    sent: list[tuple[str, dict[str, Any]]],
    plan: Any,
) -> None:
    committed = 0

    def die_at_the_fourth_transaction(**_: Any) -> None:
        nonlocal committed
        if committed == 3:
            raise _Crash
        committed += 1

    event = "before-send.dynamodb.TransactWriteItems"
    table.client.meta.events.register(event, die_at_the_fourth_transaction)
    try:
        with pytest.raises(_Crash):
            org.import_contacts(rows_of(200, tags=["a", "b"]), plan=plan)
    finally:
        table.client.meta.events.unregister(event, die_at_the_fourth_transaction)
    if plan == "economy":  # the tokens of the last transaction's contacts come next: repair them
        org.backfill_search_index()
    written = {c["id"] for c in items_of_type(table, "contact")}
    assert 0 < len(written) < 200
    entries = [e for e in org.iter_pages(org.audit, limit=100) if e.action == "import"]
    named = {word for e in entries for word in (e.detail or "").split()}
    assert written <= named, f"{len(written - named)} contacts have no audit entry"
    assert len(entries) == committed == 3
    transactions = [p["TransactItems"] for op, p in sent if op == "TransactWriteItems"]
    for actions in transactions:
        assert len(actions) <= limits.MAX_TRANSACTION_ACTIONS
        audits = [
            a
            for a in actions
            if a.get("Put", {}).get("Item", {}).get("type", {}).get("S") == "audit"
        ]
        assert len(audits) == 1, "each transaction carries its own audit entry"


@pytest.mark.reliability
def test_an_economy_rerun_writes_the_search_entries_its_matched_contacts_lack(
    table: ck.Table, org: ck.OrgStore
) -> None:
    rows = rows_of(30)
    org.import_contacts(rows, plan="economy")
    tokens = [t for t in scan_all(table) if t["type"] == "token"]
    lost = [t for t in tokens if t["contact_id"] in {t["contact_id"] for t in tokens[:3]}]
    for token in lost:  # as an import killed before its token batches leaves them
        table.client.delete_item(
            TableName=table.name, Key={"PK": {"S": token["PK"]}, "SK": {"S": token["SK"]}}
        )
    again = org.import_contacts(rows, plan="economy")
    assert (again.imported, len(again.skipped)) == (0, 30)
    assert again.notes == [
        f"wrote {len(lost)} missing search-index entries of 3 contacts already in the org "
        "(an earlier economy import stopped before writing them)"
    ]
    assert again.minimum_requests <= again.requests and again.wcu == again.minimum_wcu == len(lost)
    assert len([t for t in scan_all(table) if t["type"] == "token"]) == len(tokens)
    third = org.import_contacts(rows, plan="economy")
    assert (third.notes, third.wcu) == ([], 0)


# -- identity by source id: a foreign card's UID ---------------------------------------------

FOREIGN_CARDS = """BEGIN:VCARD
VERSION:3.0
FN:Mom
N:;Mom;;;
TEL;TYPE=CELL:+44 20 7946 0958
UID:urn:uuid:0b9e7a52-0000-4000-8000-000000000001
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Mom
N:;Mom;;;
TEL;TYPE=CELL:+44 20 7946 0958
UID:urn:uuid:0b9e7a52-0000-4000-8000-000000000002
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Joe's Pizza
ORG:Joe's Pizza
UID:ABPerson-42
END:VCARD
"""


def import_cards(org: ck.OrgStore, text: str, **options: Any) -> ck.ImportReport:
    return org.import_contacts(io.StringIO(text), format="vcard", **options)


def test_a_foreign_vcard_with_uids_and_no_emails_imported_twice_writes_nothing(
    org: ck.OrgStore,
) -> None:
    first = import_cards(org, FOREIGN_CARDS)
    # two cards alike in name and phones but with two UIDs are two contacts
    assert (first.imported, first.skipped) == (3, [])
    stored = {org.get(cid).source_id: cid for cid in first.contact_ids.values()}
    assert set(stored) == {
        "urn:uuid:0b9e7a52-0000-4000-8000-000000000001",
        "urn:uuid:0b9e7a52-0000-4000-8000-000000000002",
        "ABPerson-42",
    }
    again = import_cards(org, FOREIGN_CARDS)
    assert (again.imported, again.updated, writes_of(again)) == (0, 0, set())
    assert [s.existing_id for s in again.skipped] == list(first.contact_ids.values())
    assert "Query" not in again.requests_by_operation  # matched by UID, not by fingerprint


def test_a_card_whose_uid_is_known_but_that_differs_is_handled_by_on_conflict(
    org: ck.OrgStore,
) -> None:
    first = import_cards(org, FOREIGN_CARDS)
    renamed = FOREIGN_CARDS.replace("FN:Joe's Pizza\nORG:Joe's Pizza", "FN:Joe's\nORG:Joe's")
    joe = first.contact_ids[3]
    skipped = import_cards(org, renamed)
    assert [(s.row, s.existing_id) for s in skipped.skipped if "differs" in s.reason] == [(3, joe)]
    assert "(same source id)" in skipped.skipped[-1].reason
    updated = import_cards(org, renamed, on_conflict="update")
    assert updated.updated == 1 and updated.contact_ids == {3: joe}
    assert org.get(joe).company == "Joe's" and len(org.list().items) == 3


def test_cards_repeating_a_uid_in_one_file_are_duplicates(org: ck.OrgStore) -> None:
    card = FOREIGN_CARDS.split("END:VCARD\n")[2] + "END:VCARD\n"
    report = import_cards(org, card + card.replace("Joe's Pizza", "Joe's"))
    assert report.imported == 1
    assert [s.reason for s in report.skipped] == ["duplicate of row 1 (same source id)"]


def test_our_export_of_foreign_cards_keeps_their_uids_and_matches_both_ways(
    table: ck.Table, tmp_path: Path
) -> None:
    home = table.org("org-home")
    first = import_cards(home, FOREIGN_CARDS)
    home.export(tmp_path / "ours.vcf")
    text = (tmp_path / "ours.vcf").read_text(encoding="utf-8").splitlines()
    assert "UID:ABPerson-42" in text  # the foreign UID is kept
    assert f"X-CONTACTKIT-ID:{first.contact_ids[3]}" in text
    # our export re-imported matches by contactkit id: nothing written
    again = home.import_contacts(tmp_path / "ours.vcf")
    assert (again.imported, again.updated, writes_of(again)) == (0, 0, set())
    # into an empty org: the same ids and source ids; then the foreign file matches by UID
    copy = table.org("org-copy")
    copied = copy.import_contacts(tmp_path / "ours.vcf")
    assert copied.contact_ids == first.contact_ids
    assert copy.get(first.contact_ids[3]).source_id == "ABPerson-42"
    foreign = import_cards(copy, FOREIGN_CARDS)
    assert (foreign.imported, foreign.updated, writes_of(foreign)) == (0, 0, set())


def test_an_update_too_large_for_one_transaction_is_refused_naming_the_limit(
    org: ck.OrgStore,
) -> None:
    # every list replaced (99 actions) and 20 groups joined: more than one transaction holds
    def full(prefix: str) -> dict[str, Any]:
        return {
            "name": " ".join(f"{prefix[0]}{chr(97 + n)}" for n in range(limits.MAX_SEARCH_TOKENS)),
            "emails": [f"{prefix}{n}@example.com" for n in range(limits.MAX_INDEXED_EMAILS)],
            "phones": [f"+1 212 55{len(prefix)} {n:04d}" for n in range(limits.MAX_INDEXED_PHONES)],
            "tags": [f"{prefix}-{n}" for n in range(limits.MAX_TAGS)],
            "source_id": f"{prefix}-uid",
        }

    contact = org.add(**full("alpha"))
    row = {**full("beta"), "id": contact.id}
    row["groups"] = [f"group {n}" for n in range(limits.MAX_GROUPS_PER_CONTACT)]
    report = org.import_contacts([row], on_conflict="update")
    [(number, field, reason)] = [(r.row, r.field, r.reason) for r in report.invalid_rows]
    assert (number, field) == (1, "groups")
    assert "100 actions" in reason and "119" in reason
    assert org.get(contact.id) == contact and report.updated == 0
    row.pop("groups")  # the same change without the groups is one transaction
    assert org.import_contacts([row], on_conflict="update").updated == 1
