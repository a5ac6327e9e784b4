"""The table's key schema and global secondary indexes (pure data, used by ``Table.create``).

One table, on-demand billing, string keys ``PK``/``SK``. Every index is keyed by tenant-scoped
values (see :mod:`contactkit.contacts.keys`), so no index query can reach another org's items,
and every index is sparse: items without the index's key attributes are not in it.
"""

from __future__ import annotations

from typing import Any

DEFAULT_TABLE_NAME = "contacts"

EMAIL_INDEX = "gsi-email"
PHONE_INDEX = "gsi-phone"
NAME_INDEX = "gsi-name"
FAVORITES_INDEX = "gsi-favorites"

# index name -> (hash key attribute, range key attribute or None)
INDEX_KEYS: dict[str, tuple[str, str | None]] = {
    EMAIL_INDEX: ("EmailPK", None),
    PHONE_INDEX: ("PhonePK", "SK"),
    NAME_INDEX: ("PK", "NameSK"),
    FAVORITES_INDEX: ("FavPK", "SK"),
}


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def create_table_request(table_name: str) -> dict[str, Any]:
    """The ``CreateTable`` parameters for the recommended design."""
    attributes = {"PK", "SK"} | {
        name for pair in INDEX_KEYS.values() for name in pair if name is not None
    }
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": _key_schema("PK", "SK"),
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in sorted(attributes)
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index,
                "KeySchema": _key_schema(*pair),
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, pair in INDEX_KEYS.items()
        ],
    }


def describe_schema(description: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """``{"table" or index name: (hash, range)}`` from a ``DescribeTable`` response's Table."""

    def pair(schema: list[dict[str, str]]) -> tuple[str, str | None]:
        by_type = {k["KeyType"]: k["AttributeName"] for k in schema}
        return by_type["HASH"], by_type.get("RANGE")

    found = {"table": pair(description["KeySchema"])}
    for index in description.get("GlobalSecondaryIndexes", []):
        found[index["IndexName"]] = pair(index["KeySchema"])
    return found


def expected_schema() -> dict[str, tuple[str, str | None]]:
    return {"table": ("PK", "SK"), **INDEX_KEYS}
