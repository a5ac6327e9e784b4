"""Item types and the one serialiser between DynamoDB's typed values and Python values.

Two meanings, one name each, defined here and imported everywhere else:

* :data:`Item`: an item as the low-level client sends and returns it, every value typed
  (``{"PK": {"S": "ORG#org-a"}, "version": {"N": "3"}}``); for type checkers its values are
  the stubs' ``AttributeValueTypeDef``.
* :data:`PlainItem`: the same item as Python values (``{"PK": "ORG#org-a", "version":
  Decimal(3)}``), what :func:`deserialize` returns and :func:`serialize` takes.
* :data:`JsonItem`: the item as DynamoDB's export files (and so backups) hold it: typed values
  as in :data:`Item`, but binary values as base64 text.

Every conversion goes through :func:`serialize` and :func:`deserialize`, which are boto3's own
``TypeSerializer``/``TypeDeserializer`` (numbers come back as ``Decimal``); :func:`serialize`
writes strings, booleans, lists and dicts itself, as boto3 writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    # Only type checkers read the stubs; at run time a value is a plain dict.
    AttributeValue = AttributeValueTypeDef
else:
    AttributeValue = dict[str, Any]

Item = dict[str, AttributeValue]
"""One item in DynamoDB JSON: ``{"PK": {"S": "ORG#org-a"}, "version": {"N": "3"}, ...}``."""

PlainItem = dict[str, Any]
"""One item as Python values: ``{"PK": "ORG#org-a", "version": Decimal("3"), ...}``."""

JsonItem = dict[str, dict[str, Any]]
"""An item of an export file: :data:`Item` with binary values as base64 text."""

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def serialize(values: Mapping[str, Any]) -> Item:
    """Python values to DynamoDB JSON, dropping ``None`` (absent attributes)."""
    return {k: serialize_value(v) for k, v in values.items() if v is not None}


def serialize_value(value: Any) -> Any:
    """One Python value to DynamoDB JSON, exactly as boto3's ``TypeSerializer`` does.

    Strings, booleans, lists and dicts (most of a contact's values) are written here; every
    other value (numbers with their rounding checks, binaries, sets, errors) goes to boto3.
    """
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is bool:
        return {"BOOL": value}
    if kind is list:
        return {"L": [serialize_value(v) for v in value]}
    if kind is dict:
        return {"M": {k: serialize_value(v) for k, v in value.items()}}
    return _serializer.serialize(value)


def deserialize(item: Mapping[str, Any]) -> PlainItem:
    """DynamoDB JSON to Python values (numbers as ``Decimal``, sets as ``set``)."""
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def deserialize_value(value: Any) -> Any:
    """One attribute value, such as ``{"S": "x"}``, to its Python value."""
    return _deserializer.deserialize(value)
