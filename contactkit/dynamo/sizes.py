"""Item sizes by DynamoDB's documented rules (pure), for the 400 KB limit and capacity units.

Rules (DynamoDB Developer Guide, "Item sizes and formats"): an item's size is the sum of its
attribute names' and values' sizes. Strings and binary count their bytes (UTF-8); a number counts
about one byte per two significant digits plus one; null and booleans count one byte; a list or
map counts 3 bytes plus one byte per element plus its elements (map keys count as names).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson

from .types import Item

_CONTAINER_OVERHEAD = 3


def number_size(text: str | int | Decimal) -> int:
    """Bytes of a DynamoDB number: significant digits / 2, rounded up, plus one."""
    if type(text) is int:
        text = str(abs(text))
    if type(text) is str and text.isascii() and text.isdigit():  # most numbers: no sign, no point
        digits = text
    else:
        # Strip zeros by hand: Decimal.normalize() rounds to 28 digits, DynamoDB keeps 38.
        digits = "".join(map(str, Decimal(str(text)).as_tuple().digits))
    significant = len(digits.strip("0")) or 1
    return (significant + 1) // 2 + 1


def value_size(value: Mapping[str, Any]) -> int:
    """Bytes of one DynamoDB-JSON value such as ``{"S": "abc"}``."""
    ((kind, payload),) = value.items()
    if kind == "S":
        return len(payload) if payload.isascii() else len(payload.encode("utf-8"))
    if kind == "M":
        total = _CONTAINER_OVERHEAD
        for name, element in payload.items():
            total += 1 + (len(name) if name.isascii() else len(name.encode("utf-8")))
            total += value_size(element)
        return total
    if kind == "L":
        total = _CONTAINER_OVERHEAD
        for element in payload:
            total += 1 + value_size(element)
        return total
    if kind == "N":
        return number_size(payload)
    if kind == "B":
        return len(payload)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in payload)
    if kind == "NS":
        return sum(number_size(n) for n in payload)
    if kind == "BS":
        return sum(len(b) for b in payload)
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def json_bound(value: Any) -> float:
    """An upper bound of the size of DynamoDB JSON (an item, a value, actions), made cheaply:
    the length of its JSON. Infinite when it has none here (binaries, numbers as Python objects).

    Every name and string is in the JSON whole (UTF-8) and quoted; a number's text is at least
    its size (one byte per two digits, plus one); a null or boolean (one byte) is written as a
    word; a list's or map's overhead (3 bytes, one per element) is less than its type tag and
    punctuation.
    """
    try:
        return len(orjson.dumps(value))
    except TypeError:
        return math.inf


def item_size(item: Item) -> int:
    """Bytes of a DynamoDB-JSON item, as DynamoDB counts them against the 400 KB limit."""
    # The loop is the hot path of every write (sizes, limits, capacity): ASCII names and
    # strings are counted without encoding, everything else goes through value_size.
    total = 0
    for name, value in item.items():
        total += len(name) if name.isascii() else len(name.encode("utf-8"))
        text = value.get("S")
        if text is not None and len(value) == 1:
            total += len(text) if text.isascii() else len(text.encode("utf-8"))
        else:
            total += value_size(value)
    return total
