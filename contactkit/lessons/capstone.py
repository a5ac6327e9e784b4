"""Lesson 10's capstone: a new access pattern, "contacts by company, newest first", end to end.

Six steps, each a function the learner writes and a checker here (same conventions as
:mod:`contactkit.lessons.exercises`: ``Done: ...``, ``Not done yet: ...`` on the placeholder, or
:class:`~contactkit.lessons.exercises.ExerciseNotDone` saying what is wrong)::

    capstone.check("10-step1", company_keys)            # the key design
    capstone.check("10-step2", backfill, setup.table)   # the key attributes onto every contact
    capstone.check("10-step3", add_company_index, setup.table)  # UpdateTable: the new GSI
    capstone.check("10-step4", add_contact, setup.table)        # the write path
    capstone.check("10-step5", contacts_by_company, setup.table)  # the Query, every page
    capstone.check("10-step6", cost_table, setup.table)  # its cost beside the alternative

The names are fixed by the task: the index ``gsi-company``, its key attributes ``CompanyPK`` and
``CompanySK``, and the org ``org-northwind`` (40 sample contacts, loaded if it is empty).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .checking import query_all
from .exercises import Exercise, ExerciseNotDone, call, fail, require, run

if TYPE_CHECKING:
    from ..store import OrgStore
    from ..table import Table

INDEX = "gsi-company"
PK, SK = "CompanyPK", "CompanySK"
ORG = "org-northwind"
SAMPLE_SIZE = 40
LIST_FIELDS = ("first_name", "last_name", "email", "created_at")


def _table(table: Table | None) -> Table:
    if table is None:
        raise ExerciseNotDone("this check needs a table: pass setup.table")
    return table


def _org(table: Table) -> OrgStore:
    from . import samples

    org = table.org(ORG)
    if not org.list(limit=1).items:
        samples.load(org, samples.read_rows("org-northwind.csv", limit=SAMPLE_SIZE))
    return org


def _contact_items(table: Table) -> list[dict[str, Any]]:
    return query_all(
        table,
        {
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :c)",
            "ExpressionAttributeValues": {":pk": {"S": f"ORG#{ORG}"}, ":c": {"S": "CONTACT#"}},
            "ConsistentRead": True,
        },
    )


def _text(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name, {}).get("S")
    return None if value is None else str(value)


def _company(item: dict[str, Any]) -> str | None:
    company = (_text(item, "company") or "").strip().casefold()
    return company or None


def _index(table: Table) -> dict[str, Any] | None:
    described = table.client.describe_table(TableName=table.name)["Table"]
    for index in described.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] == INDEX:
            return dict(index)
    return None


def _wait_for_index(table: Table, *, present: bool, timeout: float = 600.0) -> None:
    """Until the index is ACTIVE (or gone): on AWS its backfill takes a while."""
    deadline = time.monotonic() + timeout
    while True:
        index = _index(table)
        if (index is None) if not present else (index or {}).get("IndexStatus") == "ACTIVE":
            return
        if time.monotonic() > deadline:
            fail(f"{INDEX} is still {(index or {}).get('IndexStatus')} after {timeout:.0f} s")
        time.sleep(2.0)


def _query_ids(table: Table, partition: str) -> list[str]:
    request: dict[str, Any] = {
        "TableName": table.name,
        "IndexName": INDEX,
        "KeyConditionExpression": f"{PK} = :pk",
        "ExpressionAttributeValues": {":pk": {"S": partition}},
        "ScanIndexForward": False,
    }
    ids: list[str] = []
    while True:
        page = table.client.query(**request)
        ids.extend(item["SK"]["S"].removeprefix("CONTACT#") for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return ids
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# -- step 1: the key design ------------------------------------------------------------------


def check_company_keys(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(org_id, company, created_at, contact_id) -> {CompanyPK, CompanySK}`` or ``{}``."""
    at = "2025-03-16T15:04:54.000Z"
    keys = call(answer, "org-a", "Hooli", at, "01A")
    require(
        isinstance(keys, dict) and set(keys) == {PK, SK},
        f"return a dict with exactly {PK!r} and {SK!r}, not {keys!r}",
    )
    require(all(isinstance(v, str) for v in keys.values()), "both keys are strings")
    pk = keys[PK]
    require(
        pk.startswith("ORG#org-a#"),
        f"{PK} {pk!r} must start with 'ORG#org-a#': the tenant first, for isolation and IAM",
    )
    require(
        call(answer, "org-a", " hooli ", at, "01B")[PK] == pk,
        "'Hooli' and ' hooli ' are one company: strip and fold the case in the key",
    )
    require(
        call(answer, "org-a", "Initech", at, "01A")[PK] != pk,
        "two companies share a partition: put the company in the partition key",
    )
    require(
        call(answer, "org-ab", "Hooli", at, "01A")[PK] != pk,
        "org-ab's Hooli lands in org-a's partition: end the org id with '#'",
    )
    moments = ["2024-01-02T00:00:00.000Z", "2025-12-31T23:59:59.000Z", "2025-01-01T08:00:00.000Z"]
    by_sort_key = {
        call(answer, "org-a", "Hooli", m, f"01{n}")[SK]: m for n, m in enumerate(moments)
    }
    require(
        [by_sort_key[k] for k in sorted(by_sort_key)] == sorted(moments),
        f"{SK} must sort as created_at does (ISO 8601 sorts as text), so that a Query with "
        "ScanIndexForward=False returns the newest first",
    )
    same = {call(answer, "org-a", "Hooli", at, cid)[SK] for cid in ("01X", "01Y")}
    require(len(same) == 2, f"two contacts created in the same second share one {SK}: add the id")
    none = call(answer, "org-a", None, at, "01A")
    require(
        none == {},
        f"a contact without a company gave {none!r}: return {{}} so it stays out of the index "
        "(a sparse index: no entry, no write, no storage)",
    )
    return f"Done: {pk!r} / {keys[SK]!r}; newest first with ScanIndexForward=False."


# -- step 2: the key attributes onto every existing contact ----------------------------------


def check_backfill(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(table, org_id)`` writes CompanyPK/CompanySK onto every contact with a company."""
    chosen = _table(table)
    _org(chosen)
    call(answer, chosen, ORG)
    items = _contact_items(chosen)
    partitions: dict[str, str] = {}
    for item in items:
        name = _text(item, "display_name")
        company = _company(item)
        if company is None:
            require(PK not in item and SK not in item, f"{name} has no company but has {PK}")
            continue
        pk, sk = _text(item, PK), _text(item, SK)
        require(pk is not None and sk is not None, f"{name} ({company}) has no {PK}/{SK} yet")
        assert pk is not None and sk is not None
        require(pk.startswith(f"ORG#{ORG}#"), f"{name}'s {PK} {pk!r} does not start with the org")
        require(
            partitions.setdefault(company, pk) == pk,
            f"{company!r} is under two partition keys",
        )
    require(
        len(set(partitions.values())) == len(partitions),
        "two companies share one partition key",
    )
    with_company = sum(1 for item in items if _company(item))
    return (
        f"Done: {with_company} of {len(items)} contacts carry {PK}/{SK}; "
        f"{len(items) - with_company} without a company stay out of the index."
    )


# -- step 3: UpdateTable, the new index and its backfill -------------------------------------


def check_company_index(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(table)`` adds ``gsi-company`` with UpdateTable; DynamoDB backfills it."""
    chosen = _table(table)
    if _index(chosen) is not None:  # a re-run: drop the index the last run made
        chosen.client.update_table(
            TableName=chosen.name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": INDEX}}]
        )
        _wait_for_index(chosen, present=False)
    call(answer, chosen)
    index = _index(chosen)
    require(index is not None, f"no index {INDEX!r} on the table: UpdateTable's Create")
    assert index is not None
    _wait_for_index(chosen, present=True)
    schema = [(k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]]
    require(
        schema == [(PK, "HASH"), (SK, "RANGE")],
        f"the index key is {schema}: {PK} as HASH, {SK} as RANGE",
    )
    projection = index["Projection"]
    kind = projection["ProjectionType"]
    missing = [
        f
        for f in LIST_FIELDS
        if kind == "KEYS_ONLY"
        or (kind == "INCLUDE" and f not in projection.get("NonKeyAttributes", []))
    ]
    require(
        not missing,
        f"the list shows {', '.join(LIST_FIELDS)}; project them ({', '.join(missing)} missing) "
        "or every row costs a GetItem",
    )
    items = [i for i in _contact_items(chosen) if PK in i]
    require(bool(items), f"no contact carries {PK} yet: do step 2 first")
    entries = sum(len(_query_ids(chosen, p)) for p in {str(_text(i, PK)) for i in items})
    require(
        entries == len(items),
        f"the index holds {entries} entries for {len(items)} contacts with {PK}",
    )
    return (
        f"Done: {INDEX} is ACTIVE ({kind}) and its backfill indexed the {entries} contacts "
        f"that already carried {PK}."
    )


# -- step 4: the write path ------------------------------------------------------------------


def check_add_contact(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(table, org_id, **fields) -> Contact``: added, and in ``gsi-company`` at once."""
    chosen = _table(table)
    org = _org(chosen)
    for old in org.iter_pages(org.find_by_name, "Newman", limit=100):  # a re-run
        org.delete(old.id)
    added = call(
        answer,
        chosen,
        ORG,
        first_name="Zoe",
        last_name="Newman",
        company="Lamna Health",
        email="zoe.newman@lamna.example",
    )
    require(hasattr(added, "id"), f"return the Contact that org.add returned, not {added!r}")
    item = chosen.client.get_item(
        TableName=chosen.name,
        Key={"PK": {"S": f"ORG#{ORG}"}, "SK": {"S": f"CONTACT#{added.id}"}},
        ConsistentRead=True,
    ).get("Item", {})
    pk = _text(item, PK)
    require(pk is not None, f"the new contact has no {PK}: the write path must set the keys")
    others = [
        i
        for i in _contact_items(chosen)
        if _company(i) == "lamna health" and _text(i, "id") != added.id
    ]
    require(
        all(_text(i, PK) == pk for i in others),
        f"the new contact's {PK} {pk!r} is not the one the backfill gave Lamna Health",
    )
    assert pk is not None
    newest = _query_ids(chosen, pk)
    require(newest[:1] == [added.id], f"{added.id} is not first in {INDEX}, newest first")
    solo = call(answer, chosen, ORG, first_name="Nemo", last_name="Newman")
    solo_item = chosen.client.get_item(
        TableName=chosen.name,
        Key={"PK": {"S": f"ORG#{ORG}"}, "SK": {"S": f"CONTACT#{solo.id}"}},
        ConsistentRead=True,
    ).get("Item", {})
    require(PK not in solo_item, f"a contact without a company got {PK}: leave it out")
    return f"Done: Zoe Newman is first of Lamna Health's {len(newest)} in {INDEX}."


# -- step 5: the Query, every page -----------------------------------------------------------

FORCED_PAGE = 2


def check_contacts_by_company(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(table, org_id, company) -> [contact ids]``, newest first, all pages."""
    chosen = _table(table)
    items = _contact_items(chosen)
    wanted = [i for i in items if _company(i) == "lamna health"]
    expected = [
        str(_text(i, "id"))
        for i in sorted(wanted, key=lambda i: str(_text(i, "created_at")), reverse=True)
    ]

    require(bool(expected), f"no contact of Lamna Health in {ORG}: run the set-up cell first")

    def small_pages(params: dict[str, Any], **_: Any) -> None:
        if params.get("IndexName") == INDEX:
            params["Limit"] = FORCED_PAGE

    events = chosen.client.meta.events
    events.register("provide-client-params.dynamodb.Query", small_pages)
    try:
        with chosen.meter() as meter:
            found = call(answer, chosen, ORG, "Lamna Health")
    finally:
        events.unregister("provide-client-params.dynamodb.Query", small_pages)
    found = list(found)
    require(
        meter.by_operation["Scan"].requests == 0,
        f"a Scan: query {INDEX} (IndexName) by {PK} instead",
    )
    require(
        len(found) == len(expected),
        f"{len(found)} contacts, {len(expected)} expected: this check makes each page "
        f"{FORCED_PAGE} items long; follow LastEvaluatedKey until it is absent",
    )
    require(
        found == expected,
        "not newest first: ScanIndexForward=False on a sort key that sorts as created_at",
    )
    require(
        meter.items_read == len(expected),
        f"{meter.items_read} items read for {len(expected)} contacts: read the index only",
    )
    return (
        f"Done: {len(found)} contacts of Lamna Health, newest first, in "
        f"{meter.requests} pages of at most {FORCED_PAGE}."
    )


# -- step 6: the cost table ------------------------------------------------------------------


def check_cost_table(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(table, org_id, company) -> {label: Meter}``: the index beside the org Query."""
    chosen = _table(table)
    measured = call(answer, chosen, ORG, "Lamna Health")
    require(
        isinstance(measured, dict) and len(measured) == 2,
        "return a dict of two meters: {'gsi-company': ..., 'org Query + filter': ...}",
    )
    meters = list(measured.values())
    require(
        all(hasattr(m, "items_read") for m in meters),
        "the values are meters (with setup.table.meter() as m: ...)",
    )
    index_meter, org_meter = meters
    matches = sum(1 for i in _contact_items(chosen) if _company(i) == "lamna health")
    contacts = len(_contact_items(chosen))
    require(
        index_meter.items_read == matches,
        f"the first meter read {index_meter.items_read} items; the index reads the "
        f"{matches} matches only",
    )
    require(
        org_meter.items_read >= contacts,
        f"the second meter read {org_meter.items_read} items; the alternative reads all "
        f"{contacts} contacts of the org and keeps the matches",
    )
    require(index_meter.rcu < org_meter.rcu, "the index should cost fewer RCU than the org Query")
    return (
        f"Done: {index_meter.rcu} RCU for {matches} items read through {INDEX}, "
        f"{org_meter.rcu} RCU for {org_meter.items_read} through the org's partition."
    )


STEPS: dict[str, Exercise] = {
    e.id: e
    for e in (
        Exercise("10-step1", "company_keys", "the index key of a contact", check_company_keys),
        Exercise("10-step2", "backfill", "the keys onto every existing contact", check_backfill),
        Exercise(
            "10-step3", "add_company_index", "UpdateTable adding gsi-company", check_company_index
        ),
        Exercise("10-step4", "add_contact", "the write path", check_add_contact),
        Exercise(
            "10-step5", "contacts_by_company", "the Query, every page", check_contacts_by_company
        ),
        Exercise("10-step6", "cost_table", "the cost beside the alternative", check_cost_table),
    )
}


def check(step_id: str, answer: Callable[..., Any], table: Table | None = None) -> str:
    """Check the learner's function for one step of the capstone (``10-step1`` to ``10-step6``).

    Example::

        capstone.check("10-step5", contacts_by_company, setup.table)
    """
    if step_id not in STEPS:
        raise KeyError(f"no step {step_id!r}: one of {sorted(STEPS)}")
    return run(STEPS[step_id], answer, table)
