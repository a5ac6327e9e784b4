"""Key values that hash once: moto's ``DynamoType`` for key attributes, with its work cached.

moto stores a table as ``{hash key: {range key: item}}`` keyed by ``DynamoType``, whose
``__hash__`` and ``__eq__`` go through ``cast_value`` (five type tests, and a ``Decimal`` for a
number) on every call. One write of an import looks its item up several times (its
condition, the write, the capacity charge), so those casts were the engine's largest cost:
about 27 per item written. A :class:`KeyValue` computes its cast, its hash and its sort value
once, when it is made.

It is a ``DynamoType`` and compares and hashes exactly as one (same ``type``, equal
``cast_value``; ``hash((type, cast_value))``), so a dict keyed by moto's own ``DynamoType``
finds a ``KeyValue`` and the other way round. Only strings, numbers and binaries (the types a
key can have) become one: any other value stays moto's, errors and all.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from moto.dynamodb.models.dynamo_type import DynamoType


def _same(payload: Any) -> Any:
    return payload


_CASTS: dict[str, Callable[[Any], Any]] = {"S": _same, "N": Decimal, "B": _same}


class KeyValue(DynamoType):
    """A string, number or binary ``DynamoType`` whose cast, hash and sort value are kept."""

    # moto's DynamoType has no __slots__; these three names join its instance dict.
    cast: Any
    hash_value: int
    sort: Any

    def __init__(self, kind: str, payload: Any) -> None:
        # Not DynamoType.__init__: a key is never a list or a map, nothing to convert.
        self.type = kind
        self.value = payload
        self.cast = cast = _CASTS[kind](payload)
        self.hash_value = hash((kind, cast))
        if kind == "B":
            self.sort = payload if isinstance(payload, bytes) else base64.b64decode(payload)
        else:
            self.sort = cast

    @property
    def cast_value(self) -> Any:
        return self.cast

    def __hash__(self) -> int:
        return self.hash_value

    def __eq__(self, other: object) -> bool:
        if type(other) is KeyValue:
            return self.hash_value == other.hash_value and (
                self.type == other.type and self.cast == other.cast
            )
        return super().__eq__(other)  # type: ignore[operator]

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)


def key_value(attribute: Any) -> DynamoType:
    """moto's value of one key attribute's DynamoDB JSON (a :class:`KeyValue` when it can be).

    >>> key_value({"N": "1.0"}) == key_value({"N": "1"})
    True
    """
    if type(attribute) is dict and len(attribute) == 1:
        ((kind, payload),) = attribute.items()
        if kind in _CASTS and isinstance(payload, (str, bytes)):
            try:
                return KeyValue(kind, payload)
            except (ArithmeticError, ValueError, TypeError):
                pass  # a malformed number or binary: moto's own value reports it later
    return DynamoType(attribute)
