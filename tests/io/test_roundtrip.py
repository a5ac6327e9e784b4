"""Round trips (hypothesis): any contact the model accepts survives export -> import exactly.

For each format (CSV, JSON, vCard) and each generated org of one to three contacts: the
export imported into an empty org gives every field back (id, every name part, nickname,
labelled emails, phones and addresses, company, department, job title, birthday, websites,
tags, custom fields, notes, favourite, source id, created, last contacted, groups), and
importing the org's own export back into it writes nothing. The contacts may have no name, a
one-word name, no email (phone-only, company-only), several emails, phones and addresses with
free-text labels, phone extensions and letters, a birthday without a year, a source id (a
vCard UID, any one-line text), and text with non-BMP characters,
CR/LF, a leading ``=+-@``, ``;`` and ``,``. One engine and one table for the module, two orgs
per example; ``EXAMPLES`` examples per format.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import contactkit as ck
from contactkit.contacts.cleaning import DIRECTION_CONTROLS, check_visible

EXAMPLES = 35  # per format
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

LABELS = st.one_of(
    st.none(),
    st.sampled_from(["work", "home", "mobile", "other", "Work", "my; label, x", "Büro"]),
    line(8),
)
PHONES_WITH_EXTRAS = st.one_of(
    PHONES,
    st.sampled_from(["+1 555 123 4567 ext. 9", "1-800-FLOWERS x12", "+15551234567;ext=7"]),
)
BIRTHDAYS = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2000, 12, 31)).map(
        lambda d: d.strftime("--%m-%d")  # no year (2000 allows Feb 29)
    ),
)
ADDRESS = st.dictionaries(
    st.sampled_from(["street", "city", "state", "postal_code", "country"]), line(), min_size=1
)


# A vCard UID from another app (a URN, Apple's, Google's), or any one-line text (a CSV id).
SOURCE_IDS = st.one_of(
    st.sampled_from(["urn:uuid:0b9e7a52-0000-4000-8000-00000000000", "ABPerson-", "c0ffee"]),
    line(30),
)


def labelled(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """An entry as text, or ``{"value": ..., "label": ...}``."""
    return st.one_of(
        values, st.builds(lambda v, label: {"value": v, "label": label}, values, LABELS)
    )


CONTACTS = st.fixed_dictionaries(
    {},
    optional={
        "prefix": line(),
        "first_name": line(),
        "middle_name": line(),
        "last_name": line(),
        "suffix": line(),
        "name": st.one_of(line(), st.sampled_from(["Mom", "Priya", "Joe's Pizza"])),
        "nickname": line(),
        "emails": st.lists(labelled(EMAILS), min_size=1, max_size=3),
        "phones": st.lists(labelled(PHONES_WITH_EXTRAS), min_size=1, max_size=3),
        "company": line(),
        "department": line(),
        "job_title": line(),
        "birthday": BIRTHDAYS,
        "websites": st.lists(line(20), min_size=1, max_size=2),
        "tags": st.lists(line(8), max_size=4),
        "addresses": st.lists(
            st.one_of(ADDRESS, st.builds(lambda a, lb: {**a, "label": lb}, ADDRESS, LABELS)),
            min_size=1,
            max_size=2,
        ),
        "custom_fields": st.dictionaries(CUSTOM_NAMES, line(), max_size=3),
        "notes": NOTES,
        "favorite": st.booleans(),
        "source_id": SOURCE_IDS,
    },
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


def distinct(number: int, entry: Any) -> Any:
    """An email entry made the ``number``th contact's own (every contact claims its own)."""
    value = entry["value"] if isinstance(entry, dict) else entry
    local, domain = value.split("@")
    own = f"{local}{number}@{domain}"
    return {**entry, "value": own} if isinstance(entry, dict) else own


def build(org: ck.OrgStore, people: list[tuple[Any, ...]]) -> None:
    """The generated contacts, through the public API (``add``, interactions, groups)."""
    for number, (values, created, contacted, groups) in enumerate(people):
        CLOCK.now = created
        if "emails" in values:
            values = {**values, "emails": [distinct(number, e) for e in values["emails"]]}
        if "source_id" in values:  # a source id is unique in the org too
            values = {**values, "source_id": f"{values['source_id']}{number}"}
        try:
            contact = org.add(**values)
        except ck.ValidationError:  # not a contact the model accepts (nothing to know it by...)
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
