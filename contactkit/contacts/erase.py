"""Forgetting: erase one contact with everything about it, or purge a whole org.

``erase(contact_id)`` is the right to be forgotten for one person. In order, each step
resumable: the contact's activity (batched deletes), then the contact with its email claim,
tag and member items and search tokens (one transaction, ``OrgStore.delete``), then every audit
entry that names it: deleted, except an import transaction's entry, which names the other
contacts of its transaction too and keeps them with ``(erased)`` in the erased contact's place.
The audit trail keeps one ``erase`` entry that names no one. Finding the
audit entries is one Query of the org's audit partition filtered on the contact: it reads the
org's whole trail (O(audit log)), the price of keeping the trail in one time-ordered
partition; erasures are rare.

``purge()`` deletes every item of the org, found by key (:mod:`contactkit.contacts.orgdata`), in
``BatchWriteItem`` chunks of 25. Each contact's dependent items go before the contact, so a
purge that is interrupted is finished by running it again. Writes that arrive for the org
while it is being purged are not prevented: stop the org's writers first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, ConditionExpressionBuilder, Key

from ..dynamo.batches import WriteRequest, batch_write, chunks
from ..dynamo.paging import walk
from ..dynamo.types import Item, serialize
from ..errors import BackendError, NotFoundError
from . import keys
from .orgdata import org_items

if TYPE_CHECKING:
    from .writer import ContactWriter

ERASED = "(erased)"  # what an import's audit entry says in place of an erased contact's id


@dataclass(frozen=True)
class EraseReport:
    """What ``org.erase`` removed for one contact."""

    contact_id: str
    contact: bool  # False when an earlier, interrupted erase had already removed it
    activity: int
    audit_entries: int


@dataclass(frozen=True)
class PurgeReport:
    """What ``org.purge`` deleted: ``items`` in all, per item type, in ``requests`` batches."""

    org_id: str
    items: int
    by_type: dict[str, int] = field(default_factory=dict)
    requests: int = 0


def erase(writer: ContactWriter, contact_id: str) -> EraseReport:
    """Remove a contact and everything about it; ``NotFoundError`` if nothing was left."""
    keys.validate_contact_id(contact_id)
    activity = writer.purge_activity(contact_id)
    try:
        writer.delete(contact_id)
        deleted = True
    except NotFoundError:
        deleted = False
    audit_entries = _forget(writer, list(_audit_keys(writer, contact_id)), contact_id)
    if not (deleted or activity or audit_entries):
        raise NotFoundError(writer.org_id, contact_id)
    token = writer.ids()
    writer.write([writer.audit_action("erase", None, token)], token, "erase")
    return EraseReport(contact_id, deleted, activity, audit_entries)


def _audit_keys(writer: ContactWriter, contact_id: str) -> Iterator[Item]:
    """Keys of the audit entries naming the contact (as subject or in their detail).

    Every audit partition is read: an entry names a contact in its detail (a merge) from the
    shard of the entry's own subject.
    """
    for partition in keys.audit_partition_keys(writer.org_id):
        # One builder numbers the placeholders of both expressions apart.
        builder = ConditionExpressionBuilder()
        key_condition = builder.build_expression(Key("PK").eq(partition), is_key_condition=True)
        names_it = builder.build_expression(
            Attr("contact_id").eq(contact_id) | Attr("detail").contains(contact_id)
        )
        request: dict[str, Any] = {
            "TableName": writer.table_name,
            "ConsistentRead": True,
            "KeyConditionExpression": key_condition.condition_expression,
            "FilterExpression": names_it.condition_expression,
            "ExpressionAttributeNames": {
                **key_condition.attribute_name_placeholders,
                **names_it.attribute_name_placeholders,
                "#erase_action": "action",
                "#erase_detail": "detail",
            },
            "ExpressionAttributeValues": serialize(
                {
                    **key_condition.attribute_value_placeholders,
                    **names_it.attribute_value_placeholders,
                }
            ),
            "ProjectionExpression": "PK, SK, contact_id, #erase_action, #erase_detail",
        }
        yield from walk(writer.dynamo, "Query", request)


def _forget(writer: ContactWriter, found: list[Item], contact_id: str) -> int:
    """Delete the entries naming the contact; an import transaction's entry, shared with the
    other contacts it wrote, loses only the contact's id. Returns how many entries."""
    shared = [
        item
        for item in found
        if item.get("action", {}).get("S") == "import" and "contact_id" not in item
    ]
    for item in shared:
        detail = item["detail"]["S"].replace(contact_id, ERASED)
        try:
            writer.dynamo.call(
                "UpdateItem",
                TableName=writer.table_name,
                Key={"PK": item["PK"], "SK": item["SK"]},
                UpdateExpression="SET #detail = :detail",
                ConditionExpression="attribute_exists(PK)",  # never a bare item where none is
                ExpressionAttributeNames={"#detail": "detail"},
                ExpressionAttributeValues={":detail": {"S": detail}},
            )
        except BackendError as error:
            if error.code != "ConditionalCheckFailedException":
                raise
            # deleted meanwhile (a purge): nothing names the contact any more
    rest = [{"PK": item["PK"], "SK": item["SK"]} for item in found if item not in shared]
    return len(shared) + _delete(writer, iter(rest))


def _delete(writer: ContactWriter, found: Iterator[Item]) -> int:
    # Collected first: deleting while DynamoDB pages through the same partition is safe, but
    # a list keeps the count exact if a retry re-reads a page.
    doomed = list(found)
    for chunk in chunks({"DeleteRequest": {"Key": key}} for key in doomed):
        batch_write(writer.dynamo, writer.table_name, chunk)
    return len(doomed)


def purge(writer: ContactWriter) -> PurgeReport:
    """Delete every item of the org (resumable: run it again to finish an interrupted one)."""
    writer.cache.clear()
    by_type: Counter[str] = Counter()
    requests = 0
    walk = org_items(writer.dynamo, writer.table_name, writer.org_id, keys_only=True)

    def deletes() -> Iterator[WriteRequest]:
        for item in walk:
            by_type[item.get("type", {}).get("S", "other")] += 1
            yield {"DeleteRequest": {"Key": {"PK": item["PK"], "SK": item["SK"]}}}

    for chunk in chunks(deletes()):
        requests += batch_write(writer.dynamo, writer.table_name, chunk)
    return PurgeReport(writer.org_id, sum(by_type.values()), dict(by_type), requests)
