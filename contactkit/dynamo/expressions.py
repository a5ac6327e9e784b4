"""boto3's ``Key``/``Attr`` condition builders, rendered for the low-level client.

The client API takes expression strings with placeholder maps; boto3's builder produces them,
so no expression is assembled by hand anywhere in contactkit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boto3.dynamodb.conditions import ConditionBase, ConditionExpressionBuilder

from .types import serialize


def render(
    condition: ConditionBase,
    *,
    key_condition: bool = False,
    name: str = "ConditionExpression",
    builder: ConditionExpressionBuilder | None = None,
) -> dict[str, Any]:
    """``{"ConditionExpression": ..., "ExpressionAttributeNames": ..., ...Values}``.

    Expressions of one request (a key condition and a filter) must share a ``builder`` so their
    placeholders do not collide; merge their name and value maps.
    """
    builder = builder or ConditionExpressionBuilder()
    built = builder.build_expression(condition, is_key_condition=key_condition)
    params: dict[str, Any] = {name: built.condition_expression}
    if built.attribute_name_placeholders:
        params["ExpressionAttributeNames"] = built.attribute_name_placeholders
    if built.attribute_value_placeholders:
        params["ExpressionAttributeValues"] = serialize(built.attribute_value_placeholders)
    return params


def combine(*parts: Mapping[str, Any]) -> dict[str, Any]:
    """One request from parts, merging their placeholder maps (names and values).

    Parts built with one shared ``builder`` (see :func:`render`) never reuse a placeholder.
    """
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if key in ("ExpressionAttributeNames", "ExpressionAttributeValues") and key in merged:
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged
