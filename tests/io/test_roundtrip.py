"""Round trips (hypothesis): any contact the model accepts survives export -> import exactly.

For each format (CSV, JSON, vCard) and each generated org of one to three contacts: the
export imported into an empty org gives every field back (id, names, email, phone, company,
job title, tags, address, custom fields, notes, favourite, created, last contacted, groups),
and importing the org's own export back into it writes nothing. One engine and one table for
the module, two orgs per example; ``EXAMPLES`` examples per format.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import contactkit as ck
from contactkit.contacts.model import DIRECTION_CONTROLS, check_visible

EXAMPLES = 40  # per format
FORMATS = {"csv": "csv", "json": "json", "vcf": "vcf"}
# What the store sets on every write, and the org: not part of a contact's copy.
NOT_COPIED = {"org_id", "updated_at", "version"}


class SettableClock:
    """The engine's clock: each example sets it to the creation time it wants."""

    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


CLOCK = SettableClock()
ORG_NUMBERS = itertools.count()


@pytest.fixture(scope="module")
def shared_table() -> Iterator[ck.Table]:
    db = ck.connect(clock=CLOCK)
    table = db.table("contacts-roundtrip").create()
    yield table
    table.delete(missing_ok=True)
    db.close()


def fresh_org(table: ck.Table) -> ck.OrgStore:
    return table.org(f"org-rt-{next(ORG_NUMBERS)}")


# -- strategies -----------------------------------------------------------------------------

# Any character but surrogates, control characters and direction controls (which the model
# refuses), with the awkward ones made common: non-BMP, the separators of our files, quotes,
# formula triggers, the joiners of Persian words and emoji.
AWKWARD = [*"😀\U0001d518𠀀;,\"':\\%éß=+-@\u200c\u200d"]
CHARS = st.one_of(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=DIRECTION_CONTROLS),
    st.sampled_from(AWKWARD),
)


def visible(text: str) -> bool:
    """Whether the model takes ``text``: not only invisible characters."""
    try:
        check_visible("text", text)
    except ck.ValidationError:
        return False
    return True


def line(max_size: int = 12) -> st.SearchStrategy[str]:
    """One line of text, sometimes starting like a spreadsheet formula."""
    body = st.text(CHARS, min_size=1, max_size=max_size).filter(visible)
    return st.one_of(body, st.tuples(st.sampled_from("=+-@"), body).map("".join))


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


NOTES = st.lists(
    st.tuples(line(20), st.sampled_from(["\r\n", "\n", "\r", "\t", " "])), max_size=4
).map(lambda parts: "".join(a + b for a, b in parts) + "end")
PHONES = st.one_of(
    st.sampled_from(["+44 20 7946 0958", "555-0101", "1-800-FLOWERS", "+1 555 123 4567 x123"]),
    st.from_regex(r"\+?[0-9][0-9 ().-]{2,15}", fullmatch=True),
)
EMAILS = st.tuples(
    st.from_regex(r"[=+-]?[a-z0-9][a-z0-9._+-]{0,10}", fullmatch=True),
    st.sampled_from(["example.com", "bücher.de", "xn--bcher-kva.de", "EXAMPLE.org"]),
).map(lambda parts: f"{parts[0]}@{parts[1]}")
CUSTOM_NAMES = st.one_of(
    st.sampled_from(['a"b', "weird name", "a:b;c", "100%", "naïve", "birthday", "website"]),
    line(10),
)
TIMES = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))

CONTACTS = st.fixed_dictionaries(
    {
        "first_name": line(),
        "last_name": line(),
        "email": EMAILS,
        "phone": optional(PHONES),
        "company": optional(line()),
        "job_title": optional(line()),
        "tags": st.lists(line(8), max_size=4),
        "address": optional(
            st.dictionaries(
                st.sampled_from(["street", "city", "state", "postal_code", "country"]), line()
            )
        ),
        "custom_fields": st.dictionaries(CUSTOM_NAMES, line(), max_size=3),
        "notes": optional(NOTES),
        "favorite": st.booleans(),
    }
)
PEOPLE = st.lists(
    st.tuples(
        CONTACTS,
        TIMES,  # created
        optional(TIMES),  # last contacted
        st.lists(line(10), max_size=2),  # groups
    ),
    min_size=1,
    max_size=3,
)


def build(org: ck.OrgStore, people: list[tuple[Any, ...]]) -> None:
    """The generated contacts, through the public API (``add``, interactions, groups)."""
    for number, (values, created, contacted, groups) in enumerate(people):
        CLOCK.now = created
        local, domain = values["email"].split("@")
        try:  # emails made distinct: each contact claims its own
            contact = org.add(**{**values, "email": f"{local}{number}@{domain}"})
        except ck.ValidationError:  # not a contact the model accepts (a blank name...)
            reject()
        if contacted is not None:
            org.record_interaction(contact.id, "call", at=contacted)
        for group in groups:
            with contextlib.suppress(ck.ValidationError):  # exists already, or a blank name
                org.create_group(group)
            try:
                org.add_to_group(group, contact.id)
            except ck.ContactKitError:
                reject()
    CLOCK.now += timedelta(days=1)


def every_field(org: ck.OrgStore) -> dict[str, dict[str, Any]]:
    from contactkit.io.export import iter_contacts

    return {
        c.id: {k: v for k, v in dataclasses.asdict(c).items() if k not in NOT_COPIED}
        for c in iter_contacts(org.lookups)
    }


def writes(report: ck.ImportReport) -> set[str]:
    return set(report.requests_by_operation) - {"BatchGetItem", "Query", "GetItem"}


def check_round_trip(table: ck.Table, folder: Path, format: str, people: Any) -> None:
    source = fresh_org(table)
    build(source, people)
    path = folder / f"{source.org_id}.{FORMATS[format]}"
    source.export(path)

    target = fresh_org(table)
    report = target.import_contacts(path)
    assert (report.invalid_rows, report.failed) == ([], [])
    assert every_field(target) == every_field(source)

    again = source.import_contacts(path)  # the org's own export, back into it
    assert (again.imported, again.updated, writes(again)) == (0, 0, set())
    assert {s.reason.split(":")[0] for s in again.skipped} == {"unchanged"}
    assert {s.existing_id for s in again.skipped} == set(every_field(source))


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("format", list(FORMATS))
@SETTINGS
@given(people=PEOPLE)
def test_any_contact_survives_export_and_import_exactly(
    shared_table: ck.Table, tmp_path: Path, format: str, people: Any
) -> None:
    check_round_trip(shared_table, tmp_path, format, people)
