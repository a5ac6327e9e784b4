"""The lessons' exercises (00-09, 11) and their checkers: each asks for a function to write.

Every exercise cell of a lesson defines one function whose committed body is the placeholder
``raise NotImplementedError("your code here")``; its check cell calls :func:`check` with the
exercise's id, the function and the lesson's table::

    exercises.check("03-ex1", add_with_unique_email, setup.table)

:func:`check` calls the learner's function on cases of its own (in orgs of its own,
``org-exercise-NN``, so the lesson's data is untouched) and returns ``"Done: ..."`` when the
answer is right, or ``"Not done yet: ..."`` while the function is still the placeholder (it
does not raise, so an untouched lesson runs to the end); a wrong answer raises
:class:`ExerciseNotDone` (an ``AssertionError``) saying, in a learner's words, what is
wrong. The reference solutions are in ``notebooks/solutions.ipynb``, under cell ids
``<exercise id>-solution``; ``tests/lessons/test_exercises_placeholders.py`` runs every
checker on the committed placeholder and on the reference. The checkers of 00-05 and 09 are
here, those of 06-08 and 11 (reading the data: search, load, chart, explore) in
:mod:`contactkit.lessons.reading_exercises`; what they share is in
:mod:`contactkit.lessons.checking`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ..dynamo.sizes import item_size
from ..ops import iam
from . import reading_exercises
from .checking import PLACEHOLDER as PLACEHOLDER
from .checking import Exercise as Exercise
from .checking import ExerciseNotDone as ExerciseNotDone
from .checking import call as call
from .checking import fail as fail
from .checking import need_table as _table
from .checking import query_all
from .checking import require as require
from .checking import run as run

if TYPE_CHECKING:
    from ..table import Table


def _clear(table: Table, partitions: list[str]) -> None:
    """Delete every item of these partitions (a re-run of a check starts from nothing)."""
    client = table.client
    for partition in partitions:
        request: dict[str, Any] = {
            "TableName": table.name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
            "ProjectionExpression": "PK, SK",
            "ConsistentRead": True,
        }
        while True:
            page = client.query(**request)
            for key in page["Items"]:
                client.delete_item(TableName=table.name, Key=key)
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _get(table: Table, pk: str, sk: str) -> dict[str, Any] | None:
    found = table.client.get_item(
        TableName=table.name, Key={"PK": {"S": pk}, "SK": {"S": sk}}, ConsistentRead=True
    )
    return found.get("Item")


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


# -- 00: capacity units ----------------------------------------------------------------------


def check_query_units(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(sizes, consistent)``: the RCU of one Query reading items of these byte sizes."""
    cases = [
        ([100], True, 1.0),
        ([100], False, 0.5),
        ([], False, 0.5),
        ([3000, 3000], True, 2.0),
        ([1000] * 4, True, 1.0),
        ([5000], False, 1.0),
        ([4096], True, 1.0),
        ([4097], True, 2.0),
    ]
    for sizes, consistent, expected in cases:
        got = call(answer, list(sizes), consistent)
        require(
            got == expected,
            f"{len(sizes)} item(s) of {sizes[:3]} bytes, consistent={consistent}: {got!r} RCU, "
            f"expected {expected}. A Query adds the sizes up first, rounds the sum up to 4 KB "
            "(4,096 bytes), charges one unit per 4 KB (half when eventually consistent) and at "
            "least one block even when it reads nothing",
        )
    return f"Done: your rule gives the engine's RCU on all {len(cases)} cases."


# -- 01: a key for a new access pattern ------------------------------------------------------


def check_country_keys(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(org_id, country, last_name, contact_id) -> (partition key, sort key)``."""
    ada = call(answer, "org-a", "GB", "Lovelace", "01A")
    require(
        isinstance(ada, tuple) and len(ada) == 2 and all(isinstance(k, str) for k in ada),
        f"return a tuple (partition key, sort key) of two strings, not {ada!r}",
    )
    pk, _ = ada
    require(
        pk.startswith("ORG#org-a#"),
        f"the partition key {pk!r} must start with the tenant, 'ORG#org-a#': every key of an "
        "org starts so (isolation, and lesson 09's IAM policy)",
    )
    require(
        call(answer, "org-a", "GB", "Babbage", "01B")[0] == pk,
        "two contacts of the same org and country must share one partition key: the Query "
        "asks for it by equality",
    )
    require(
        call(answer, "org-a", "gb", "Babbage", "01B")[0] == pk,
        "'gb' and 'GB' are the same country: fold the case in the key",
    )
    require(
        call(answer, "org-ab", "GB", "Lovelace", "01A")[0] != pk,
        "org-ab's contacts land in org-a's partition: end the org id with '#'",
    )
    require(
        call(answer, "org-a", "FR", "Lovelace", "01A")[0] != pk,
        "contacts of another country share the partition: put the country in the partition key",
    )
    names = ["de Vries", "Adams", "Zhou", "babbage", "Lovelace"]
    sort_keys = {
        call(answer, "org-a", "GB", name, f"01{n}")[1]: name for n, name in enumerate(names)
    }
    ordered = [sort_keys[k] for k in sorted(sort_keys)]
    require(
        ordered == sorted(names, key=str.casefold),
        f"sorted by sort key the names come out as {ordered}: fold the case of the last name "
        "(uppercase letters sort before all lowercase ones)",
    )
    twins = {call(answer, "org-a", "GB", "Smith", cid)[1] for cid in ("01X", "01Y")}
    require(
        len(twins) == 2, "two Smiths get one sort key: the second overwrites the first; add the id"
    )
    return f"Done: {pk!r} + {ada[1]!r}: one Query per org and country, by last name."


# -- 02: a projection that halves a cost -----------------------------------------------------

LIST_FIELDS = ("first_name", "last_name", "email")
PROJECTION_ORG = "org-exercise-02"


def check_list_projection(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer() -> Projection`` of ``gsi-name`` for a list screen of names and emails."""
    from . import samples

    projection = call(answer)
    require(isinstance(projection, dict), f"return a Projection dict, not {projection!r}")
    kind = projection.get("ProjectionType")
    require(
        kind in ("ALL", "KEYS_ONLY", "INCLUDE"),
        f"ProjectionType is one of 'ALL', 'KEYS_ONLY', 'INCLUDE', not {kind!r}",
    )
    included = set(projection.get("NonKeyAttributes", []))
    require(
        kind == "INCLUDE" or not included, "NonKeyAttributes go with ProjectionType 'INCLUDE' only"
    )
    missing = [
        f for f in LIST_FIELDS if kind == "KEYS_ONLY" or (kind == "INCLUDE" and f not in included)
    ]
    require(
        not missing,
        f"the list shows {', '.join(LIST_FIELDS)}; {', '.join(missing)} would not be in the "
        "index, and each row would need a GetItem of the contact (more, not less)",
    )
    chosen = _table(table)
    org = chosen.org(PROJECTION_ORG)
    if not org.list(limit=1).items:
        samples.load(org, samples.read_rows("org-northwind.csv", limit=40))
    items = [
        i
        for i in _org_items(chosen, f"ORG#{PROJECTION_ORG}")
        if i["SK"]["S"].startswith("CONTACT#")
    ]
    keys = ("PK", "SK", "NameSK")

    def query_rcu(attributes: set[str] | None) -> float:
        size = sum(
            item_size(
                {k: v for k, v in i.items() if attributes is None or k in attributes or k in keys}
            )
            for i in items
        )
        return max(1, -(-size // 4096)) / 2

    full = query_rcu(None)
    mine = query_rcu(None if kind == "ALL" else included)
    require(
        mine <= full / 2,
        f"listing the org's {len(items)} contacts through the index costs {mine} RCU with your "
        f"projection, {full} with ALL: project only what the list shows",
    )
    return (
        f"Done: listing {len(items)} contacts reads {mine} RCU instead of {full} "
        "(smaller index entries; a write of a projected field still updates the index)."
    )


def _org_items(table: Table, partition: str) -> list[dict[str, Any]]:
    return query_all(
        table,
        {
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
        },
    )


# -- 03: a uniqueness transaction, an UpdateItem counter -------------------------------------

UNIQUE_ORG = "org-exercise-03"


def check_unique_email(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(client, table_name, org_id, contact_id, email)`` adds a contact, email unique."""
    chosen = _table(table)
    org, email = UNIQUE_ORG, "ada@example.com"
    claim_pk = f"ORG#{org}#EMAIL#{email}"
    _clear(chosen, [f"ORG#{org}", claim_pk])
    with chosen.meter() as meter:
        call(answer, chosen.client, chosen.name, org, "01ADA", email)
    contact = _get(chosen, f"ORG#{org}", "CONTACT#01ADA")
    claim = _get(chosen, claim_pk, "UNIQUE")
    require(contact is not None, f"no contact item at PK 'ORG#{org}', SK 'CONTACT#01ADA'")
    require(
        claim is not None, f"no email claim at PK {claim_pk!r}, SK 'UNIQUE' (the uniqueness item)"
    )
    require(
        (claim or {}).get("contact_id", {}).get("S") == "01ADA",
        "the claim must say which contact holds the email: store contact_id in it",
    )
    transactions = meter.by_operation["TransactWriteItems"].requests
    require(
        transactions == 1 and meter.requests == 1,
        f"{meter.requests} request(s), {transactions} TransactWriteItems: write both items in "
        "one transact_write_items call, so neither can exist without the other",
    )
    try:
        call(answer, chosen.client, chosen.name, org, "01TWIN", email)
    except ClientError as exc:
        require(
            _error_code(exc) == "TransactionCanceledException",
            f"the second add failed with {_error_code(exc)}, not TransactionCanceledException",
        )
    else:
        fail(
            "a second contact with the same email was accepted: put the claim with "
            "ConditionExpression 'attribute_not_exists(PK)'"
        )
    require(
        _get(chosen, f"ORG#{org}", "CONTACT#01TWIN") is None,
        "the refused contact was written all the same: its put belongs in the same transaction",
    )
    call(answer, chosen.client, chosen.name, org, "01BOB", "bob@example.com")
    require(
        _get(chosen, f"ORG#{org}", "CONTACT#01BOB") is not None,
        "a contact with another email was refused: the condition belongs on the claim only",
    )
    return "Done: one transaction; the second ada@example.com is refused and writes nothing."


def check_call_counter(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(client, table_name, org_id, contact_id) -> int``: one UpdateItem ADD."""
    chosen = _table(table)
    org = UNIQUE_ORG
    _clear(chosen, [f"ORG#{org}"])
    chosen.client.put_item(
        TableName=chosen.name,
        Item={"PK": {"S": f"ORG#{org}"}, "SK": {"S": "CONTACT#01CAL"}, "first_name": {"S": "Cal"}},
    )
    counts = []
    with chosen.meter() as meter:
        for _ in range(3):
            counts.append(call(answer, chosen.client, chosen.name, org, "01CAL"))
    item = _get(chosen, f"ORG#{org}", "CONTACT#01CAL") or {}
    stored = item.get("calls", {}).get("N")
    require(stored == "3", f"after three calls the item's calls is {stored!r}, not 3")
    require(
        item.get("first_name") is not None,
        "the contact lost its other attributes: use UpdateItem, not PutItem",
    )
    updates = meter.by_operation["UpdateItem"].requests
    require(
        updates == 3 and meter.requests == 3,
        f"{meter.requests} requests for three calls ({updates} UpdateItem): a read then a write "
        "loses counts when two run at once; one UpdateItem with 'ADD calls :one' does not",
    )
    require(
        [int(c) for c in counts] == [1, 2, 3],
        f"the function returned {counts}: return the new count (ReturnValues='UPDATED_NEW')",
    )
    try:
        call(answer, chosen.client, chosen.name, org, "01GONE")
    except ClientError as exc:
        require(
            _error_code(exc) == "ConditionalCheckFailedException",
            f"counting a missing contact failed with {_error_code(exc)}",
        )
    require(
        _get(chosen, f"ORG#{org}", "CONTACT#01GONE") is None,
        "counting a call of a deleted contact created an item: add "
        "ConditionExpression 'attribute_exists(PK)'",
    )
    return "Done: 1, 2, 3 in one UpdateItem each, and no item appears for a missing contact."


# -- 04: a retry loop on UnprocessedItems ----------------------------------------------------

RETRY_ORG = "org-exercise-04"


def check_write_all(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(client, table_name, items, sleep)`` writes every item through BatchWriteItem."""
    from ..engine.faults import FaultInjector

    chosen = _table(table)
    partition = f"ORG#{RETRY_ORG}"
    _clear(chosen, [partition])
    items = [
        {"PK": {"S": partition}, "SK": {"S": f"ROW#{n:03d}"}, "n": {"N": str(n)}} for n in range(60)
    ]
    sleeps: list[float] = []
    injector = FaultInjector(chosen.client, seed=4).add("BatchWriteItem", "unprocessed", times=3)
    with chosen.meter() as meter, injector:
        try:
            call(answer, chosen.client, chosen.name, [dict(i) for i in items], sleeps.append)
        except ClientError as exc:
            fail(f"BatchWriteItem refused a request ({_error_code(exc)}): at most 25 items each")
    stored = len(_org_items(chosen, partition))
    require(
        stored == len(items),
        f"{len(items) - stored} of {len(items)} items are missing: BatchWriteItem handed them "
        "back in UnprocessedItems; send those again until none are left",
    )
    require(
        meter.by_operation["BatchWriteItem"].requests >= 3 + 3,
        "fewer requests than batches plus retries: send 25 items a request",
    )
    require(
        len(sleeps) >= 3 and all(s > 0 for s in sleeps),
        f"slept {sleeps} between retries: wait (sleep(seconds)) before each retry, longer "
        "each time (backoff), or a throttled table is hammered",
    )
    return (
        f"Done: all {len(items)} items written in "
        f"{meter.by_operation['BatchWriteItem'].requests} requests, "
        f"{len(sleeps)} waits before retries."
    )


# -- 05: every page of a COUNT ---------------------------------------------------------------

PAGES_ORG = "org-exercise-05"
PAGE_LIMIT = 3


def check_count_contacts(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(client, table_name, org_id) -> int``: the org's contacts, over every page."""
    chosen = _table(table)
    partition = f"ORG#{PAGES_ORG}"
    _clear(chosen, [partition])
    contacts = 10
    for n in range(contacts):
        for sort_key in (f"CONTACT#01C{n:02d}", f"TAG#client#CONTACT#01C{n:02d}"):
            chosen.client.put_item(
                TableName=chosen.name, Item={"PK": {"S": partition}, "SK": {"S": sort_key}}
            )

    def small_pages(params: dict[str, Any], **_: Any) -> None:
        params["Limit"] = PAGE_LIMIT

    events = chosen.client.meta.events
    events.register("provide-client-params.dynamodb.Query", small_pages)
    try:
        with chosen.meter() as meter:
            counted = call(answer, chosen.client, chosen.name, PAGES_ORG)
    finally:
        events.unregister("provide-client-params.dynamodb.Query", small_pages)
    require(
        meter.by_operation["Scan"].requests == 0,
        "a Scan reads every tenant: Query the org's partition",
    )
    require(
        meter.items_returned == 0,
        f"{meter.items_returned} items came back: Select='COUNT' returns only the count",
    )
    require(
        counted != PAGE_LIMIT,
        f"you counted {counted}: that is one page (this check makes pages of {PAGE_LIMIT} "
        "items, as 1 MB would on a big org); add up Count over every page, passing "
        "LastEvaluatedKey as ExclusiveStartKey until it is absent",
    )
    require(
        counted != 2 * contacts,
        f"you counted {counted}: the tag items of the partition too; "
        "begins_with(SK, 'CONTACT#') in the key condition",
    )
    require(counted == contacts, f"you counted {counted!r}, the org has {contacts} contacts")
    return f"Done: {contacts} contacts, counted over {meter.requests} pages, no item returned."


# -- 09: an IAM policy -----------------------------------------------------------------------


def check_read_only_policy(answer: Callable[..., Any], table: Table | None = None) -> str:
    """``answer(org_id, table_name) -> policy``: org_id's items, read only, table and indexes."""
    policy = call(answer, "org-contoso", "contacts")
    require(isinstance(policy, dict), f"return the policy document as a dict, not {policy!r}")
    arn = iam.table_arn("contacts")
    own = ["ORG#org-contoso", "ORG#org-contoso#EMAIL#ada%40example.com"]
    neighbour = ["ORG#org-contoso-eu"]
    reads = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"]
    writes = [
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
    ]
    try:
        for action in reads:
            require(
                iam.allows(policy, action, arn, own),
                f"{action} on org-contoso's own keys is denied: allow the reads",
            )
        require(
            iam.allows(policy, "dynamodb:Query", f"{arn}/index/gsi-name", ["ORG#org-contoso"]),
            "a Query of an index (table/contacts/index/gsi-name) is denied: list the indexes too",
        )
        for action in writes:
            require(
                not iam.allows(policy, action, arn, own),
                f"{action} is allowed: the role is read-only",
            )
        require(
            not iam.allows(policy, "dynamodb:Query", arn, neighbour),
            "org-contoso-eu's partition is readable: 'ORG#org-contoso*' matches it; use "
            "'ORG#org-contoso' and 'ORG#org-contoso#*'",
        )
        require(
            not iam.allows(policy, "dynamodb:Scan", arn, []),
            "Scan is allowed: a Scan names no partition key, so LeadingKeys cannot limit it",
        )
        require(
            not iam.allows(policy, "dynamodb:GetItem", iam.table_arn("other"), own),
            "another table is readable: name this table's ARN in Resource",
        )
    except Exception as exc:
        if isinstance(exc, ExerciseNotDone):
            raise
        fail(f"the policy cannot be evaluated: {exc}")
    return "Done: org-contoso can read its own items and index entries, and nothing else."


EXERCISES: dict[str, Exercise] = {
    e.id: e
    for e in (
        Exercise(
            "00-ex1", "query_read_units", "the RCU of a Query, from item sizes", check_query_units
        ),
        Exercise(
            "01-ex1",
            "country_keys",
            "a key for contacts by country, by last name",
            check_country_keys,
        ),
        Exercise(
            "02-ex1",
            "list_projection",
            "an index projection that halves a list's RCU",
            check_list_projection,
        ),
        Exercise(
            "03-ex1",
            "add_with_unique_email",
            "a uniqueness transaction in boto3",
            check_unique_email,
        ),
        Exercise("03-ex2", "count_call", "an UpdateItem counter", check_call_counter),
        Exercise(
            "04-ex1", "write_all", "a retry loop on UnprocessedItems, with backoff", check_write_all
        ),
        Exercise("05-ex1", "count_contacts", "a COUNT Query over every page", check_count_contacts),
        Exercise(
            "09-ex1",
            "read_only_policy",
            "a read-only IAM policy for one org",
            check_read_only_policy,
        ),
        *reading_exercises.EXERCISES,
    )
}


def check(exercise_id: str, answer: Callable[..., Any], table: Table | None = None) -> str:
    """Check the learner's function for exercise ``exercise_id``: ``Done: ...`` or why not.

    Returns ``"Not done yet: ..."`` while ``answer`` is the placeholder; raises
    :class:`ExerciseNotDone` with what is wrong otherwise.

    Example::

        exercises.check("03-ex2", count_call, setup.table)
    """
    if exercise_id not in EXERCISES:
        raise KeyError(f"no exercise {exercise_id!r}: one of {sorted(EXERCISES)}")
    return run(EXERCISES[exercise_id], answer, table)
