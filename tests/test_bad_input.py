"""A corpus of bad input: every case ends in ``ValidationError`` naming the field and the
reason, and the table is unchanged afterwards (every item compared).

Each case is ``(entry point, field, reason)``: the entry point called, the field the error
must name, and a fragment its reason must contain. The corpus holds over 200 distinct ones.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.dynamo import limits
from tests.conftest import scan_all


@dataclass(frozen=True)
class Case:
    entry: str
    field: str
    reason: str
    call: Callable[[ck.Table, ck.OrgStore, str, Path], Any]

    @property
    def id(self) -> str:
        return f"{self.entry}-{self.field}-{self.reason}"


# (field, bad value, field named by the error, reason fragment)
_TEXT_TYPES = [(42, "not int"), (["x"], "not list"), (b"x", "not bytes"), (1.5, "not float")]


def _name_cases(name: str) -> list[tuple[str, Any, str, str]]:
    # Names are optional (a contact needs a name, a company, an email or a phone): a blank
    # name is no name, never an error.
    return [
        (name, "x" * (limits.NAME_MAX + 1), name, f"the limit is {limits.NAME_MAX}"),
        (name, "A\x00B", name, "control characters"),
        *[(name, value, name, reason) for value, reason in _TEXT_TYPES],
    ]


def _optional_text_cases(name: str, limit: int) -> list[tuple[str, Any, str, str]]:
    return [
        (name, "x" * (limit + 1), name, f"the limit is {limit}"),
        *[(name, value, name, reason) for value, reason in _TEXT_TYPES],
    ]


FIELD_CASES: list[tuple[str, Any, str, str]] = [
    *_name_cases("first_name"),
    *_name_cases("last_name"),
    *_name_cases("name"),
    ("email", "a" * 250 + "@b.com", "email", f"the limit is {limits.EMAIL_MAX}"),
    ("email", "a\x07@b.com", "email", "control characters"),
    ("email", "not-an-email", "email", "an @-sign"),
    ("email", "@b.com", "email", "before the @-sign"),
    ("email", "a@", "email", "after the @-sign"),
    ("email", "a b@c.com", "email", "invalid characters before the @-sign"),
    *[("email", value, "email", reason) for value, reason in _TEXT_TYPES],
    *_optional_text_cases("company", limits.COMPANY_MAX),
    ("company", "Acme\nCorp", "company", "control characters"),
    *_optional_text_cases("job_title", limits.JOB_TITLE_MAX),
    ("job_title", "CTO\x1b[31m", "job_title", "control characters"),
    *_optional_text_cases("notes", limits.NOTES_MAX),
    ("notes", "a\x00b", "notes", "control characters"),
    *_optional_text_cases("phone", limits.PHONE_MAX),
    ("tags", "vip", "tags", "not one string"),
    ("tags", 7, "tags", "not int"),
    ("tags", [f"t{n}" for n in range(limits.MAX_TAGS + 1)], "tags", "the limit is 15"),
    ("tags", ["x" * (limits.TAG_MAX + 1)], "tags[0]", f"the limit is {limits.TAG_MAX}"),
    ("tags", ["ok", ""], "tags[1]", "cannot be blank"),
    ("tags", [None], "tags[0]", "is required"),
    ("tags", ["a\x00"], "tags[0]", "control characters"),
    ("tags", [5], "tags[0]", "not int"),
    ("address", "Paris", "address", "not str"),
    ("address", 42, "address", "not int"),
    ("address", {"province": "x"}, "address.province", "not an address field"),
    ("address", {"zip": "1", "postal_code": "2"}, "address.postal_code", "a second time"),
    ("address", {"city": "x" * 201}, "address.city", "the limit is 200"),
    ("address", {"city": "a\x00"}, "address.city", "control characters"),
    ("address", {"city": 5}, "address.city", "not int"),
    ("custom_fields", "x", "custom_fields", "not str"),
    ("custom_fields", [("a", "b")], "custom_fields", "not list"),
    ("custom_fields", {f"k{n}": "v" for n in range(51)}, "custom_fields", "the limit is 50"),
    ("custom_fields", {"": "v"}, "custom_fields key", "cannot be blank"),
    ("custom_fields", {"k" * 101: "v"}, "custom_fields key", "the limit is 100"),
    ("custom_fields", {"k": "v" * 2001}, "custom_fields.k", "the limit is 2000"),
    ("custom_fields", {"k": 5}, "custom_fields.k", "not int"),
    ("custom_fields", {"k": "\x00"}, "custom_fields.k", "control characters"),
    ("favorite", 1, "favorite", "not 1"),
    ("favorite", "yes", "favorite", "not 'yes'"),
    ("favorite", None, "favorite", "not None"),
    ("emails", "a@b.com", "emails", "must be a list"),
    ("emails", ["a@b.com", "nope"], "emails[1]", "an @-sign"),
    ("emails", [{"value": "a@b.com", "kind": "work"}], "emails[0].kind", "not a key"),
    ("emails", [{"value": "a@b.com", "label": "x" * 51}], "emails[0].label", "the limit is 50"),
    ("phones", "555-0101", "phones", "must be a list"),
    ("phones", ["x" * (limits.PHONE_MAX + 1)], "phones[0]", f"the limit is {limits.PHONE_MAX}"),
    ("phones", [{"value": "555-0101", "label": 5}], "phones[0].label", "not int"),
    ("birthday", "1990-02-30", "birthday", "not a date"),
    ("birthday", "--13-01", "birthday", "not a date"),
    ("birthday", "yesterday", "birthday", "YYYY-MM-DD"),
    ("websites", "https://x.example", "websites", "must be a list"),
    ("addresses", [{"town": "x"}], "addresses[0].town", "not an address field"),
    ("tags", {"a": 1}, "tags", "not dict"),
    ("websites", {"https://x.example": 1}, "websites", "not dict"),
    # Invisible spoofing: direction overrides and isolates, values of invisible characters only.
    ("first_name", "\u202eevil", "first_name", "U+202E"),
    ("last_name", "Ada\u2066", "last_name", "U+2066"),
    ("name", "\u202dMom", "name", "U+202D"),
    ("company", "\u202eevil", "company", "U+202E"),
    ("tags", ["\u202eevil"], "tags[0]", "U+202E"),
    ("first_name", "\u200b \u200b", "first_name", "only invisible characters"),
    ("company", "\u2060\ufeff", "company", "only invisible characters"),
    ("job_title", "\u200d", "job_title", "only invisible characters"),
    ("tags", ["ok", "\u200b"], "tags[1]", "only invisible characters"),
]
UNKNOWN_FIELDS = ["nick", "id", "org_id", "version", "created_at", "display_name"]
# Fields an import row holds as text: the importer's own parsing applies to the others.
IMPORT_FIELDS = ("first_name", "last_name", "email", "company", "job_title", "notes", "phone")

VALID = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


def _add(field: str, value: Any) -> Callable[..., Any]:
    return lambda table, org, cid, tmp: org.add(
        **{**VALID, "email": "new@example.com", field: value}
    )


def _update(field: str, value: Any) -> Callable[..., Any]:
    return lambda table, org, cid, tmp: org.update(cid, **{field: value})


def _bulk_update(field: str, value: Any) -> Callable[..., Any]:
    return lambda table, org, cid, tmp: org.bulk_update(ids=[cid], **{field: value})


def field_cases() -> Iterator[Case]:
    for field, value, named, reason in FIELD_CASES:
        if value is not None:
            yield Case("add", named, reason, _add(field, value))  # add() takes None as "not given"
        yield Case("update", named, reason, _update(field, value))
        if field not in ("email", "emails"):
            yield Case("bulk_update", named, reason, _bulk_update(field, value))
    for field in UNKNOWN_FIELDS:
        yield Case("update", field, "not a contact field", _update(field, "x"))
        yield Case("bulk_update", field, "not a contact field", _bulk_update(field, "x"))
    yield Case("bulk_update", "email", "unique per contact", _bulk_update("email", "a@b.com"))
    yield Case("bulk_update", "emails", "unique per contact", _bulk_update("emails", ["a@b.com"]))
    yield Case("update", "changes", "nothing to update", lambda t, org, cid, p: org.update(cid))
    nothing = "at least one of a name"
    yield Case("add", "name", nothing, lambda t, org, cid, p: org.add(notes="no one"))
    yield Case("add", "name", nothing, lambda t, org, cid, p: org.add(first_name=" ", email=""))
    yield Case(
        "update",
        "name",
        nothing,
        lambda t, org, cid, p: org.update(cid, first_name=None, last_name=None, email=None),
    )


def _restore_lines(lines: list[str]) -> Callable[..., Any]:
    def call(table: ck.Table, org: ck.OrgStore, cid: str, tmp: Path) -> Any:
        path = tmp / "bad.json.gz"
        with gzip.open(path, "wt") as out:
            out.write("\n".join(lines) + "\n")
        return table.restore(path)

    return call


def _item(**values: Any) -> str:
    key = {"PK": {"S": "ORG#org-x"}, "SK": {"S": "CONTACT#1"}}
    return json.dumps({"Item": {**key, **values}})


RESTORE_CASES = [
    ("not JSON", ["{not json"]),
    ("is not a {", ['["Item"]']),
    ("has no string key PK", [json.dumps({"Item": {"SK": {"S": "x"}}})]),
    ("has no string key SK", [json.dumps({"Item": {"PK": {"S": "x"}}})]),
    ("not a typed value", [_item(name="Ada")]),
    ("unknown type", [_item(name={"Q": "x"})]),
    ("a bad N value", [_item(n={"N": "twelve"})]),
    ("duplicate members", [_item(s={"SS": ["a", "a"]})]),
    ("not base64", [_item(b={"B": "***"})]),
    ("over DynamoDB's 400 KB", [_item(big={"S": "x" * 410_000})]),
    ("nested", [_item()[:-2] + ', "deep": ' + '{"L": [' * 3000 + "]}" * 3000 + "}}"]),
]


def other_cases() -> Iterator[Case]:
    for reason, lines in RESTORE_CASES:
        yield Case("restore", "path", reason, _restore_lines(lines))
    yield Case(
        "restore", "path", "is not a file", lambda t, o, c, tmp: t.restore(tmp / "missing.gz")
    )
    for bad in ["", "ORG-A", "org-", "org_a", "org-a#b", 42]:
        yield Case(
            "table.org", "org_id", f"{bad!r} is not an org id", lambda t, o, c, p, b=bad: t.org(b)
        )
    for name, method in [
        ("get", lambda o, i: o.get(i)),
        ("delete", lambda o, i: o.delete(i)),
        ("update", lambda o, i: o.update(i, company="X")),
        ("set_favorite", lambda o, i: o.set_favorite(i)),
        ("record_interaction", lambda o, i: o.record_interaction(i, kind="call")),
        ("merge", lambda o, i: o.merge(i, i)),
        ("activity", lambda o, i: o.activity(i)),
        ("erase", lambda o, i: o.erase(i)),
        ("contact_groups", lambda o, i: o.contact_groups(i)),
    ]:
        for bad in ["nope", "0" * 25, "01J00000000000000000000000#", 7]:
            yield Case(
                name,
                "id",
                f"{bad!r} is not a contact id",
                lambda t, o, c, p, m=method, b=bad: m(o, b),
            )
    yield Case("merge", "other_id", "different contacts", lambda t, o, c, p: o.merge(c, c))
    for version, reason in [("1", "not '1' (str)"), (True, "not True (bool)"), (0, "not 0 (int)")]:
        yield Case(
            "update",
            "expected_version",
            reason,
            lambda t, o, c, p, v=version: o.update(c, expected_version=v, company="X"),
        )
        yield Case(
            "delete",
            "expected_version",
            reason,
            lambda t, o, c, p, v=version: o.delete(c, expected_version=v),
        )
    for source, reason in [(b"/path", "not bytes"), ({"first_name": "Ada"}, "not one dict")]:
        yield Case(
            "import_contacts",
            "source",
            reason,
            lambda t, o, c, p, s=source: o.import_contacts(s, progress=False),
        )
    yield Case("find_by_email", "email", "is required", lambda t, o, c, p: o.find_by_email(""))
    yield Case("find_by_phone", "phone", "is required", lambda t, o, c, p: o.find_by_phone(""))
    yield Case(
        "find_by_name", "prefix", "no letters or digits", lambda t, o, c, p: o.find_by_name("!!")
    )
    yield Case("find_by_tag", "tag", "is required", lambda t, o, c, p: o.find_by_tag(""))
    yield Case("list", "order", "must be 'created' or 'name'", lambda t, o, c, p: o.list(order="x"))  # type: ignore[arg-type]
    yield Case("search", "term", "no letters or digits", lambda t, o, c, p: o.search("?!"))
    yield Case("search", "term", "not int", lambda t, o, c, p: o.search(42))  # type: ignore[arg-type]
    at = datetime(2026, 1, 1)  # naive
    yield Case(
        "record_interaction",
        "at",
        "timezone-aware",
        lambda t, o, c, p: o.record_interaction(c, kind="call", at=at),
    )
    for kwargs in [{}, {"ids": ["x"], "tag": "a"}]:
        yield Case(
            "bulk_delete",
            "ids",
            "not both or neither",
            lambda t, o, c, p, k=kwargs: o.bulk_delete(**k),
        )
    yield Case("bulk_delete", "ids", "not one string", lambda t, o, c, p: o.bulk_delete(ids="abc"))
    yield Case(
        "bulk_update", "changes", "nothing to update", lambda t, o, c, p: o.bulk_update(ids=[c])
    )
    for option, value, reason in [
        ("on_conflict", "replace", "must be 'skip', 'update' or 'merge'"),
        ("plan", "fast", "must be 'atomic' or 'economy'"),
        ("format", "xls", "is not one of csv"),
    ]:
        yield Case(
            "import_contacts",
            option,
            reason,
            lambda t, o, c, p, k=option, v=value: o.import_contacts([VALID], **{k: v}),
        )


def group_cases() -> Iterator[Case]:
    for entry, call in [
        ("create_group", lambda o, n: o.create_group(n)),
        ("rename_group.new", lambda o, n: o.rename_group("Team", n)),
    ]:
        for bad, reason in [
            ("", "cannot be blank"),
            ("g" * 101, "the limit is 100"),
            ("a\x00", "control characters"),
            (5, "not int"),
        ]:
            yield Case(
                entry,
                "name" if entry == "create_group" else "new",
                reason,
                lambda t, o, c, p, f=call, b=bad: f(o, b),
            )
    yield Case("create_group", "name", "already exists", lambda t, o, c, p: o.create_group("team"))


CASES = [*field_cases(), *other_cases(), *group_cases()]


def test_the_corpus_has_over_200_distinct_cases() -> None:
    assert len({(c.entry, c.field, c.reason) for c in CASES}) >= 200


@pytest.fixture(scope="module")
def seeded(db: ck.Database) -> Iterator[tuple[ck.Table, ck.OrgStore, str]]:
    table = db.table("contacts-bad-input").create(exist_ok=True)
    org = table.org("org-bad")
    contact = org.add(**VALID, tags=["vip"])
    org.create_group("Team")
    org.add_to_group("Team", contact.id)
    yield table, org, contact.id
    table.delete(missing_ok=True)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_naming_field_and_reason_and_changes_nothing(
    seeded: tuple[ck.Table, ck.OrgStore, str], case: Case, tmp_path: Path
) -> None:
    table, org, contact_id = seeded
    before = sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"]))
    with pytest.raises(ck.ValidationError) as exc:
        case.call(table, org, contact_id, tmp_path)
    reason = exc.value.reason
    if isinstance(exc.value, ck.BackupFormatError):
        ((_line, reason),) = exc.value.bad_lines
    assert (exc.value.field, case.reason in reason) == (case.field, True), reason
    assert sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"])) == before


@pytest.mark.parametrize(
    ("field", "value", "named", "reason"),
    [case for case in FIELD_CASES if case[0] in IMPORT_FIELDS and isinstance(case[1], str)],
)
def test_an_import_reports_the_bad_row_naming_field_and_reason_and_writes_nothing(
    seeded: tuple[ck.Table, ck.OrgStore, str], field: str, value: Any, named: str, reason: str
) -> None:
    table, org, _contact_id = seeded
    before = sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"]))
    row = {**VALID, "email": "row@example.com", field: value}
    report = org.import_contacts([row], progress=False)
    assert report.imported == 0
    ((bad_row, bad_field, bad_reason),) = [(r.row, r.field, r.reason) for r in report.invalid_rows]
    assert (bad_row, bad_field, reason in bad_reason) == (1, named, True), bad_reason
    assert sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"])) == before


def test_a_csv_import_refuses_invisible_spoofing_like_add(
    seeded: tuple[ck.Table, ck.OrgStore, str], tmp_path: Path
) -> None:
    table, org, _contact_id = seeded
    before = sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"]))
    path = tmp_path / "spoof.csv"
    path.write_text(
        "first_name,last_name,email,company\n"
        "\u202eevil,Doe,evil@example.com,\n"
        "Bea,\u2067Doe,bea@example.com,\n"
        "Cy,Doe,cy@example.com,\u200b \u200b\n",
        encoding="utf-8",
    )
    report = org.import_contacts(path, progress=False)
    assert report.imported == 0
    found = sorted((r.field, r.reason) for r in report.invalid_rows)
    assert [field for field, _reason in found] == ["company", "first_name", "last_name"]
    assert ["only invisible" in found[0][1], "U+202E" in found[1][1], "U+2067" in found[2][1]] == [
        True,
        True,
        True,
    ], found
    assert sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"])) == before


# -- the command line (contactkit.cli), on the same table through its endpoint ------------------

CLI_FIELDS = ("first_name", "last_name", "email", "phone", "company", "job_title", "notes")
CLI_CASES = [
    (command, field, value, named, reason)
    for command in ("add", "update")
    for field, value, named, reason in FIELD_CASES
    if field in CLI_FIELDS and isinstance(value, str)
]


@pytest.mark.parametrize(("command", "field", "value", "named", "reason"), CLI_CASES)
def test_the_cli_refuses_bad_input_naming_field_and_reason_and_changes_nothing(
    db: ck.Database,
    seeded: tuple[ck.Table, ck.OrgStore, str],
    command: str,
    field: str,
    value: str,
    named: str,
    reason: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from contactkit.cli import cli

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    table, org, contact_id = seeded
    assert db.endpoint_url is not None
    before = sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"]))
    given = {**VALID, "email": "cli@example.com", field: value}
    option = f"--{field.replace('_', '-')}"
    if command == "add":
        args = ["add", *[a for k, v in given.items() for a in (f"--{k.replace('_', '-')}", v)]]
    else:
        args = ["update", contact_id, option, value]
    connection = ["--endpoint-url", db.endpoint_url, "--table", table.name, "--org", org.org_id]
    result = CliRunner().invoke(cli, [*args, *connection])
    assert result.exit_code != 0
    assert named in result.output and reason in result.output, result.output
    assert sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"])) == before


def test_the_cli_refuses_an_endpoint_that_is_not_a_url_and_changes_nothing(
    seeded: tuple[ck.Table, ck.OrgStore, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from contactkit.cli import cli

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    table, org, _contact_id = seeded
    before = _sorted_scan(table)
    args = ["add", "--first-name", "A", "--last-name", "B", "--email", "url@example.com"]
    connection = ["--endpoint-url", "notaurl", "--table", table.name, "--org", org.org_id]
    result = CliRunner().invoke(cli, [*args, *connection])
    assert result.exit_code == 1 and "'notaurl' is not an endpoint URL" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert _sorted_scan(table) == before


@pytest.mark.parametrize(
    "typed",
    ["add\nJohn\nDoe\n", "list\nedit 1\nJonathan\n"],  # input ends inside add, then edit
    ids=["add", "edit"],
)
def test_the_shell_cancels_a_command_its_input_ends_in_and_changes_nothing(
    db: ck.Database,
    seeded: tuple[ck.Table, ck.OrgStore, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    typed: str,
) -> None:
    from click.testing import CliRunner

    from contactkit.cli import cli

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    table, org, _contact_id = seeded
    assert db.endpoint_url is not None
    before = _sorted_scan(table)
    args = ["shell", "--no-history", "--endpoint-url", db.endpoint_url, "--table", table.name]
    result = CliRunner().invoke(
        cli, [*args, "--org", org.org_id], input=typed, env={"XDG_STATE_HOME": str(tmp_path)}
    )
    assert "↩️  Cancelled." in result.output and result.exit_code == 1, result.output
    assert "please report" not in result.output and "Traceback" not in result.output
    assert _sorted_scan(table) == before


# -- files that used to escape as a traceback ------------------------------------------------

BOM_HEADER = b"\xff\xfe" + "first_name,last_name,email\n".encode("utf-16-le")


@pytest.mark.parametrize(
    ("name", "content", "encoding", "field", "reason"),
    [
        ("odd.csv", BOM_HEADER + b"a", None, "encoding", "not valid utf-16"),
        (
            "x.csv",
            b"first_name,last_name,email\nA,B,a@x.io\n",
            "nonexistent",
            "encoding",
            "unknown",
        ),
        (
            "x.csv",
            "first_name,last_name,email\nJo\u00e9,B,a@x.io\n".encode(),
            "ascii",
            "encoding",
            "ascii",
        ),
        ("x.csv", b"first_name,last_name,email\nA,B,a@x.io\n", "utf-32", "encoding", "utf-32"),
        ("surrogate.csv", BOM_HEADER + b"\x00\xd8a\x00", None, "encoding", "utf-16"),
        ("binary.csv", b"A\x00" * 50 + b"\x00\xd8" + b"A\x00" * 10, None, "encoding", "utf-16-le"),
        ("deep.json", b"[" * 100_000, None, "source", "nested too deeply"),
        (
            "twice.csv",
            b"first_name,last_name,email,email\nA,B,a@x.io,b@x.io\n",
            None,
            "header",
            "'email'",
        ),
    ],
    ids=[
        "bom-odd-byte",
        "nonexistent",
        "ascii",
        "utf-32",
        "bom-lone-surrogate",
        "nul-rich-binary",
        "deep-json",
        "repeated-column",
    ],
)
def test_an_unreadable_import_file_is_refused_naming_the_problem_and_writes_nothing(
    seeded: tuple[ck.Table, ck.OrgStore, str],
    tmp_path: Path,
    name: str,
    content: bytes,
    encoding: str | None,
    field: str,
    reason: str,
) -> None:
    table, org, _contact_id = seeded
    before = sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"]))
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ck.ValidationError) as exc:
        org.import_contacts(path, encoding=encoding, progress=False)
    assert (exc.value.field, reason in exc.value.reason) == (field, True), exc.value.reason
    assert sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"])) == before


def _sorted_scan(table: ck.Table) -> list[dict[str, Any]]:
    return sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"]))


def _outside(items: list[dict[str, Any]], org_id: str) -> list[dict[str, Any]]:
    """The items of every org but ``org_id``."""
    return [i for i in items if not str(i["PK"]).startswith(f"ORG#{org_id}")]


@pytest.mark.parametrize(
    ("name", "content", "field", "reason"),
    [
        (
            "big-cell.csv",
            "first_name,last_name,email\nBig," + "x" * 10_000_000 + ",big@example.com\n",
            "row",
            "has a cell over 131,072 characters",
        ),
        (
            "old.json",
            '[{"first_name": "Old", "last_name": "Row", "email": "old@example.com", '
            '"created_at": "1969-07-20T20:17:40Z"}]',
            "created_at",
            "before 1970",
        ),
        (
            "old.csv",
            "first_name,last_name,email,created_at\nOld,Row,old@example.com,1969-07-20T20:17:40Z\n",
            "created_at",
            "before 1970",
        ),
        ("bad.jsonl", "{not json\n", "row", "line 1 is not valid JSON"),
    ],
    ids=["csv-cell-10MB", "json-before-1970", "csv-before-1970", "jsonl-bad-line"],
)
def test_a_file_of_one_bad_row_is_reported_and_changes_nothing(
    seeded: tuple[ck.Table, ck.OrgStore, str],
    tmp_path: Path,
    name: str,
    content: str,
    field: str,
    reason: str,
) -> None:
    table, org, _contact_id = seeded
    before = _sorted_scan(table)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    report = org.import_contacts(path, progress=False)
    assert report.imported == 0
    ((row, named, why),) = [(r.row, r.field, r.reason) for r in report.invalid_rows]
    assert (row, named, reason in why) == (2 if name.endswith(".csv") else 1, field, True), why
    assert _sorted_scan(table) == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "old.json",
            '[{"first_name": "Old", "last_name": "Row", "email": "old@example.com", '
            '"created_at": "1969-07-20T20:17:40Z"}, '
            '{"first_name": "New", "last_name": "Row", "email": "new@example.com"}]',
        ),
        (
            "old.csv",
            "first_name,last_name,email,created_at\n"
            "Old,Row,old@example.com,1969-07-20T20:17:40Z\n"
            "New,Row,new@example.com,\n",
        ),
    ],
    ids=["json", "csv"],
)
def test_a_creation_time_before_1970_is_an_invalid_row_not_an_aborted_import(
    seeded: tuple[ck.Table, ck.OrgStore, str], tmp_path: Path, name: str, content: str
) -> None:
    org = seeded[0].org(f"org-old-{name.split('.')[1]}")  # an org of its own: it writes
    before = _sorted_scan(seeded[0])
    path = tmp_path / name
    path.write_text(content)
    report = org.import_contacts(path, progress=False)
    assert report.imported == 1 and org.find_by_email("new@example.com") is not None
    ((field, reason),) = [(r.field, r.reason) for r in report.invalid_rows]
    assert field == "created_at" and "before 1970" in reason, reason
    after = _sorted_scan(seeded[0])
    assert _outside(after, org.org_id) == _outside(before, org.org_id)
    assert [i["email"] for i in after if i["type"] == "contact" and i["org_id"] == org.org_id] == [
        "new@example.com"
    ]


def test_a_bad_json_lines_line_is_reported_by_its_line_and_the_others_import(
    seeded: tuple[ck.Table, ck.OrgStore, str], tmp_path: Path
) -> None:
    org = seeded[0].org("org-jsonl")  # an org of its own: it writes
    before = _sorted_scan(seeded[0])
    path = tmp_path / "some.jsonl"
    good = '{"first_name": "%s", "last_name": "L", "email": "%s@example.com"}\n'
    path.write_text(good % ("A", "a") + "{not json\n" + good % ("C", "c"))
    report = org.import_contacts(path, progress=False)
    assert report.imported == 2
    ((row, reason),) = [(r.row, r.reason) for r in report.invalid_rows]
    assert row == 2 and "line 2 is not valid JSON" in reason, reason
    after = _sorted_scan(seeded[0])
    assert _outside(after, org.org_id) == _outside(before, org.org_id)
    contacts = [i for i in after if i["type"] == "contact" and i["org_id"] == org.org_id]
    assert sorted(i["email"] for i in contacts) == ["a@example.com", "c@example.com"]


def _truncated_gzip(path: Path) -> None:
    line = json.dumps({"Item": {"PK": {"S": "ORG#org-bad"}, "SK": {"S": "CONTACT#1"}}}) + "\n"
    path.write_bytes(gzip.compress(line.encode() * 50)[:-20])


@pytest.mark.parametrize(
    ("write", "reason"),
    [
        (_truncated_gzip, "truncated gzip"),
        (lambda path: path.write_bytes(b"\xff\xfe{}\n"), "line 1: is not UTF-8"),
    ],
    ids=["truncated-gzip", "not-utf8"],
)
def test_the_cli_restore_of_an_unreadable_file_says_why_in_one_line(
    db: ck.Database,
    seeded: tuple[ck.Table, ck.OrgStore, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    write: Callable[[Path], Any],
    reason: str,
) -> None:
    from click.testing import CliRunner

    from contactkit.cli import cli

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    table, _org, _contact_id = seeded
    assert db.endpoint_url is not None
    before = sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"]))
    path = tmp_path / "backup.json.gz"
    write(path)
    args = ["restore", str(path), "--endpoint-url", db.endpoint_url, "--table", table.name]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (1, 2) and reason in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert sorted(scan_all(table), key=lambda item: (item["PK"], item["SK"])) == before
