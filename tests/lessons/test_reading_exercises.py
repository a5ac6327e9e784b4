"""The checkers of lessons 06-08 and 11: a typical wrong answer fails with its message.

Each wrong answer is the reference solution with one mistake a learner makes; the reference
itself passes (and the placeholders say "Not done yet") in test_exercises_placeholders.py.
"""

from __future__ import annotations

from typing import Any

import matplotlib
import pandas as pd
import pytest

import contactkit as ck
from contactkit.contacts.search import words
from contactkit.lessons import exercises
from contactkit.lessons.exercises import ExerciseNotDone

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def word_prefix(
    *,
    fold: bool = True,
    pages: bool = True,
    once: bool = True,
    key: bool = True,
    scan: bool = False,
) -> Any:
    def find_by_word_prefix(client: Any, table_name: str, org_id: str, prefix: str) -> list[str]:
        folded = "".join(words(prefix)) if fold else prefix
        values = {":pk": {"S": f"ORG#{org_id}#SEARCH"}, ":prefix": {"S": folded}}
        if scan:
            request: dict[str, Any] = {
                "TableName": table_name,
                "FilterExpression": "PK = :pk AND begins_with(SK, :prefix)",
                "ExpressionAttributeValues": values,
            }
        elif key:
            request = {
                "TableName": table_name,
                "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
                "ExpressionAttributeValues": values,
            }
        else:
            request = {
                "TableName": table_name,
                "KeyConditionExpression": "PK = :pk",
                "FilterExpression": "begins_with(SK, :prefix)",
                "ExpressionAttributeValues": values,
            }
        ids: list[str] = []
        while True:
            page = client.scan(**request) if scan else client.query(**request)
            for item in page["Items"]:
                if not once or item["contact_id"]["S"] not in ids:
                    ids.append(item["contact_id"]["S"])
            if not pages or "LastEvaluatedKey" not in page:
                return ids
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    return find_by_word_prefix


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (word_prefix(fold=False), "fold the prefix"),
        (word_prefix(pages=False), "follow LastEvaluatedKey"),
        (word_prefix(once=False), "keep each id once"),
        (word_prefix(key=False), "begins_with\\(SK, :prefix\\) in the KeyConditionExpression"),
        (word_prefix(scan=True), "a Scan reads every tenant"),
        (lambda *args: "01ABC", "return a list of contact ids"),
    ],
)
def test_word_prefix_wrong(table: ck.Table, answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("06-ex1", answer, table)


def companies(*, contacts_only: bool = True, pages: bool = True, project: bool = True) -> Any:
    def load_companies(client: Any, table_name: str, org_ids: list[str]) -> pd.DataFrame:
        rows = []
        for org_id in org_ids:
            request: dict[str, Any] = {
                "TableName": table_name,
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": f"ORG#{org_id}"}},
            }
            if contacts_only:
                request["KeyConditionExpression"] += " AND begins_with(SK, :contact)"
                request["ExpressionAttributeValues"][":contact"] = {"S": "CONTACT#"}
            if project:
                request["ProjectionExpression"] = "org_id, company"
            while True:
                page = client.query(**request)
                rows += [
                    {"org_id": org_id, "company": item.get("company", {}).get("S")}
                    for item in page["Items"]
                ]
                if not pages or "LastEvaluatedKey" not in page:
                    break
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return pd.DataFrame(rows, columns=["org_id", "company"])

    return load_companies


def scanned(client: Any, table_name: str, org_ids: list[str]) -> pd.DataFrame:
    request: dict[str, Any] = {"TableName": table_name}
    rows = []
    while True:
        page = client.scan(**request)
        rows += [
            {"org_id": item["org_id"]["S"], "company": item.get("company", {}).get("S")}
            for item in page["Items"]
            if item.get("type", {}).get("S") == "contact" and item["org_id"]["S"] in org_ids
        ]
        if "LastEvaluatedKey" not in page:
            return pd.DataFrame(rows, columns=["org_id", "company"])
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (companies(contacts_only=False), "the partition holds tag items too"),
        (companies(pages=False), "follow LastEvaluatedKey"),
        (companies(project=False), "ProjectionExpression"),
        (scanned, "Query each org's partition"),
        (lambda *args: companies()(*args)[["company"]], "one column per attribute"),
    ],
)
def test_load_companies_wrong(table: ck.Table, answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("07-ex1", answer, table)


def email_domains(
    *,
    lower: bool = True,
    top_first: bool = True,
    vertical: bool = False,
    own_ax: bool = True,
    labelled: bool = True,
) -> Any:
    def plot_email_domains(df: pd.DataFrame, ax: Any = None, n: int = 5) -> Any:
        emails = df["email"].dropna()
        domains = emails.str.rsplit("@", n=1).str[-1]
        domains = domains.str.lower() if lower else domains
        ranked = sorted(domains.value_counts().items(), key=lambda p: (-p[1], p[0]))[:n]
        if ax is None or not own_ax:
            _, ax = plt.subplots()
        positions = range(len(ranked))
        counts = [count for _, count in ranked]
        if vertical:
            ax.bar(positions, counts)
            ax.set_xticks(positions, [domain for domain, _ in ranked])
        else:
            ax.barh(positions, counts)
            ax.set_yticks(positions, [domain for domain, _ in ranked])
        if top_first:
            ax.invert_yaxis()
        if labelled:
            ax.set_title("Email domains")
            ax.set_xlabel("contacts")
        return ax

    return plot_email_domains


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (email_domains(lower=False), "domains in lower case"),
        (email_domains(top_first=False), "most contacts on top"),
        (email_domains(vertical=True), "draw horizontal ones"),
        (email_domains(own_ax=False), "draw on that Axes and return it"),
        (email_domains(labelled=False), "a title"),
        (lambda df, ax=None, n=5: None, "return the matplotlib Axes"),
    ],
)
def test_email_domains_chart_wrong(answer: Any, message: str) -> None:
    figures = set(plt.get_fignums())
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("08-ex1", answer)
    assert set(plt.get_fignums()) == figures, "the check closes the figures it made"


def completes(*, phones: bool = True, ordered: bool = True) -> Any:
    def to_complete(df: pd.DataFrame) -> pd.DataFrame:
        absent = df["email"].isna() | (df["phone"].isna() if phones else False)
        gaps = df[absent]
        missing = [
            ", ".join(field for field, gone in (("email", e), ("phone", p)) if gone)
            for e, p in zip(gaps["email"].isna(), gaps["phone"].isna(), strict=True)
        ]
        frame = pd.DataFrame({"display_name": gaps["display_name"].to_numpy(), "missing": missing})
        return frame.sort_values("display_name", ignore_index=True) if ordered else frame

    return to_complete


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (completes(phones=False), "have no phone"),
        (completes(ordered=False), "sort them by display_name"),
        (lambda df: df[df["email"].isna()][["display_name"]], "keep display_name and add missing"),
    ],
)
def test_to_complete_wrong(answer: Any, message: str) -> None:
    with pytest.raises(ExerciseNotDone, match=message):
        exercises.check("11-ex1", answer)


def test_to_complete_is_checked_on_the_shipped_sample_only() -> None:
    seen: list[pd.DataFrame] = []
    exercises.check("11-ex1", lambda df: seen.append(df) or completes()(df))
    assert set(seen[0]["org_id"]) == {"org-sample"}
    assert "Mum" in set(seen[0]["display_name"])  # a row of data/your-contacts-sample.csv
