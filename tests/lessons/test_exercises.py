"""Exercise checkers: a wrong answer fails with a message a learner understands.

The placeholders and the reference solutions are in test_exercises_placeholders.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import contactkit as ck
from contactkit.lessons import capstone, course, exercises, samples
from contactkit.lessons.exercises import ExerciseNotDone
from contactkit.ops import iam

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def per_item_units(sizes: list[int], consistent: bool) -> float:
    blocks = sum(max(1, -(-s // 4096)) for s in sizes) or 1  # GetItem's rule, not a Query's
    return float(blocks) if consistent else blocks / 2


def strong_only(sizes: list[int], consistent: bool) -> float:
    return float(max(1, -(-sum(sizes) // 4096)))


@pytest.mark.parametrize(
    ("answer", "message"),
    [(per_item_units, "adds the sizes up first"), (strong_only, "consistent=False")],
)
def test_query_units_wrong(answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("00-ex1", answer)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda o, c, n, i: (f"COUNTRY#{c}", f"{n}#{i}"), "start with the tenant"),
        (lambda o, c, n, i: (f"ORG#{o}#{c}", f"{n.casefold()}#{i}"), "fold the case"),
        (lambda o, c, n, i: (f"ORG#{o}#", f"{c}#{n.casefold()}#{i}"), "put the country"),
        (lambda o, c, n, i: (f"ORG#{o}#{c.upper()}", f"{n}#{i}"), "uppercase letters"),
        (lambda o, c, n, i: (f"ORG#{o}#{c.upper()}", n.casefold()), "add the id"),
        (lambda o, c, n, i: [f"ORG#{o}#{c}", n], "return a tuple"),
    ],
)
def test_country_keys_wrong(answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("01-ex1", answer)


@pytest.mark.parametrize(
    ("projection", "message"),
    [
        ({"ProjectionType": "ALL"}, "project only what the list shows"),
        ({"ProjectionType": "KEYS_ONLY"}, "would not be in the index"),
        ({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["first_name"]}, "last_name, email"),
        ({"ProjectionType": "SOME"}, "ProjectionType is one of"),
    ],
)
def test_list_projection_wrong(table: ck.Table, projection: dict[str, Any], message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("02-ex1", lambda: projection, table)


def two_puts(client: Any, table_name: str, org_id: str, contact_id: str, email: str) -> None:
    client.put_item(
        TableName=table_name,
        Item={"PK": {"S": f"ORG#{org_id}"}, "SK": {"S": f"CONTACT#{contact_id}"}},
    )
    client.put_item(
        TableName=table_name,
        Item={
            "PK": {"S": f"ORG#{org_id}#EMAIL#{email}"},
            "SK": {"S": "UNIQUE"},
            "contact_id": {"S": contact_id},
        },
    )


def unconditional(client: Any, table_name: str, org_id: str, contact_id: str, email: str) -> None:
    client.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": table_name,
                    "Item": {"PK": {"S": f"ORG#{org_id}"}, "SK": {"S": f"CONTACT#{contact_id}"}},
                }
            },
            {
                "Put": {
                    "TableName": table_name,
                    "Item": {
                        "PK": {"S": f"ORG#{org_id}#EMAIL#{email}"},
                        "SK": {"S": "UNIQUE"},
                        "contact_id": {"S": contact_id},
                    },
                }
            },
        ]
    )


@pytest.mark.parametrize(
    ("answer", "message"), [(two_puts, "one transact_write_items"), (unconditional, "accepted")]
)
def test_unique_email_wrong(table: ck.Table, answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("03-ex1", answer, table)


def read_then_write(client: Any, table_name: str, org_id: str, contact_id: str) -> int:
    key = {"PK": {"S": f"ORG#{org_id}"}, "SK": {"S": f"CONTACT#{contact_id}"}}
    item = client.get_item(TableName=table_name, Key=key).get("Item", key)
    count = int(item.get("calls", {"N": "0"})["N"]) + 1
    client.put_item(TableName=table_name, Item={**item, "calls": {"N": str(count)}})
    return count


def add_anywhere(client: Any, table_name: str, org_id: str, contact_id: str) -> int:
    answer = client.update_item(
        TableName=table_name,
        Key={"PK": {"S": f"ORG#{org_id}"}, "SK": {"S": f"CONTACT#{contact_id}"}},
        UpdateExpression="ADD calls :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    return int(answer["Attributes"]["calls"]["N"])


@pytest.mark.parametrize(
    ("answer", "message"),
    [(read_then_write, "loses counts"), (add_anywhere, "attribute_exists")],
)
def test_call_counter_wrong(table: ck.Table, answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("03-ex2", answer, table)


def no_retry(client: Any, table_name: str, items: list[Any], sleep: Any) -> None:
    for start in range(0, len(items), 25):
        chunk = [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
        client.batch_write_item(RequestItems={table_name: chunk})


def no_backoff(client: Any, table_name: str, items: list[Any], sleep: Any) -> None:
    for start in range(0, len(items), 25):
        chunk = [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
        while chunk:
            answer = client.batch_write_item(RequestItems={table_name: chunk})
            chunk = answer.get("UnprocessedItems", {}).get(table_name, [])


@pytest.mark.parametrize(
    ("answer", "message"), [(no_retry, "UnprocessedItems"), (no_backoff, "backoff")]
)
def test_write_all_wrong(table: ck.Table, answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("04-ex1", answer, table)


def policy_with(patterns: list[str], actions: list[str], resources: str = "/index/*") -> Any:
    def answer(org_id: str, table_name: str) -> dict[str, Any]:
        arn = iam.table_arn(table_name)
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": actions,
                    "Resource": [arn, f"{arn}{resources}"],
                    "Condition": {
                        "ForAllValues:StringLike": {
                            "dynamodb:LeadingKeys": [p.format(org=org_id) for p in patterns]
                        }
                    },
                }
            ],
        }

    return answer


READS = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"]
RIGHT = ["ORG#{org}", "ORG#{org}#*"]


def any_table(org_id: str, table_name: str) -> dict[str, Any]:
    policy: dict[str, Any] = policy_with(RIGHT, READS)(org_id, table_name)
    policy["Statement"][0]["Resource"] = "*"
    return policy


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (policy_with(["ORG#{org}*"], READS), "org-contoso-eu"),
        (policy_with(RIGHT, [*READS, "dynamodb:PutItem"]), "read-only"),
        (policy_with(RIGHT, ["dynamodb:GetItem"]), "Query on org-contoso's own keys"),
        (policy_with(RIGHT, READS, resources=""), "list the indexes"),
        (any_table, "another table"),
        (lambda org_id, table_name: "policy", "as a dict"),
    ],
)
def test_read_only_policy_wrong(answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("09-ex1", answer)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda o, c, t, i: {"CompanyPK": f"COMPANY#{c}", "CompanySK": t}, "start with"),
        (lambda o, c, t, i: {"CompanyPK": f"ORG#{o}#{c}", "CompanySK": f"{t}#{i}"}, "fold"),
        (
            lambda o, c, t, i: {
                "CompanyPK": f"ORG#{o}#{(c or '').strip().lower()}",
                "CompanySK": i,
            },
            "sort as created_at",
        ),
        (
            lambda o, c, t, i: {
                "CompanyPK": f"ORG#{o}#{(c or '').strip().lower()}",
                "CompanySK": f"{t}#{i}",
            },
            "sparse",
        ),
    ],
)
def test_company_keys_wrong(answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        capstone.check("10-step1", answer)


def test_capstone_index_and_table_are_required(table: ck.Table) -> None:
    with pytest.raises(ExerciseNotDone, match="no index 'gsi-company'"):
        capstone.check("10-step3", lambda t: None, table)
    with pytest.raises(ExerciseNotDone, match="needs a table"):
        capstone.check("10-step2", lambda t, o: None)


def count_one_page(client: Any, table_name: str, org_id: str) -> int:
    page = client.query(
        TableName=table_name,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :c)",
        ExpressionAttributeValues={":pk": {"S": f"ORG#{org_id}"}, ":c": {"S": "CONTACT#"}},
        Select="COUNT",
    )
    return int(page["Count"])


def count_partition(client: Any, table_name: str, org_id: str) -> int:
    request: dict[str, Any] = {
        "TableName": table_name,
        "KeyConditionExpression": "PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": f"ORG#{org_id}"}},
        "Select": "COUNT",
    }
    total = 0
    while True:
        page = client.query(**request)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [(count_one_page, "one page"), (count_partition, "the tag items")],
)
def test_count_contacts_wrong(table: ck.Table, answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("05-ex1", answer, table)


def test_capstone_query_must_follow_every_page(table: ck.Table) -> None:
    solutions = {
        c["id"]: course._source(c)
        for c in course.read_notebook(NOTEBOOKS / "solutions.ipynb")["cells"]
    }
    namespace: dict[str, Any] = {}
    for step in ("10-step1", "10-step2", "10-step3"):
        exec(solutions[f"{step}-solution"], namespace)
    samples.load(table.org(capstone.ORG), samples.read_rows("org-northwind.csv", limit=40))
    namespace["backfill"](table, capstone.ORG)
    namespace["add_company_index"](table)

    def first_page(table: ck.Table, org_id: str, company: str) -> list[str]:
        partition = namespace["company_keys"](org_id, company, "", "")["CompanyPK"]
        page = table.client.query(
            TableName=table.name,
            IndexName=capstone.INDEX,
            KeyConditionExpression="CompanyPK = :pk",
            ExpressionAttributeValues={":pk": {"S": partition}},
            ScanIndexForward=False,
        )
        return [item["SK"]["S"].removeprefix("CONTACT#") for item in page["Items"]]

    with pytest.raises(ExerciseNotDone, match="follow LastEvaluatedKey"):
        capstone.check("10-step5", first_page, table)
