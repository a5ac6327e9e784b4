"""DynamoDB JSON: the one ``Item`` type and the one serialiser between it and Python values.

Every module that holds items in DynamoDB's wire shape (``{"PK": {"S": "..."}}``) uses
:data:`Item`; every conversion goes through :func:`serialize` and :func:`deserialize`, which
are boto3's own ``TypeSerializer``/``TypeDeserializer`` (numbers come back as ``Decimal``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

Item = dict[str, Any]
"""One item in DynamoDB JSON: ``{"PK": {"S": "ORG#org-a"}, "version": {"N": "3"}, ...}``."""

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def serialize(values: Mapping[str, Any]) -> Item:
    """Python values to DynamoDB JSON, dropping ``None`` (absent attributes)."""
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def deserialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """DynamoDB JSON to Python values (numbers as ``Decimal``, sets as ``set``)."""
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def deserialize_value(value: Any) -> Any:
    """One attribute value, such as ``{"S": "x"}``, to its Python value."""
    return _deserializer.deserialize(value)
