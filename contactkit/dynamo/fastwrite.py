"""Fast serialisation of large write requests: ``TransactWriteItems`` and ``BatchWriteItem``.

botocore validates and serialises a request by walking its shape model value by value, and
its endpoint rules search every table name of the request: for a transaction of 100 puts
that is most of the client's time (about 100 µs per item). Here a request whose items are
plain DynamoDB JSON is checked by a validator compiled once from the same shape model (it
accepts only what botocore's validator accepts; anything else, bytes and numbers included,
takes botocore's own path, errors and all) and its body is dumped by orjson. botocore is left
to do everything else on a small stand-in request naming the same tables: endpoint rules,
headers, signing (of the real body), retries, error parsing.

Three botocore events carry it (botocore calls a wildcard event's handlers first, then the
exact event's, then the less specific events'):

* ``provide-client-params`` (registered last): when the items pass the check, botocore goes
  on with a copy of the parameters whose items member is the stand-in (the caller's dict,
  which other handlers may hold, is not changed);
* ``before-parameter-build`` (registered last on the least specific event, so after the cost
  meter and botocore's own handlers, which may add ``ReturnConsumedCapacity`` or a
  ``ClientRequestToken``): the real parameters (those final members around the real items)
  are kept in the request context (:func:`sent_params`) and dumped;
* ``before-call`` (registered first on ``before-call.dynamodb.*``, before any handler that
  reads the body, such as :class:`~contactkit.ops.iam.PolicyGuard`): the stand-in's body is
  replaced by the real one.

DynamoDB's JSON protocol maps every member to its own name and every string, list, map and
boolean to itself, so the body is the same document botocore would send (orjson writes UTF-8
where ``json.dumps`` escapes; both are the same JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from botocore.model import Shape
    from mypy_boto3_dynamodb import DynamoDBClient

_UNIQUE_ID = "contactkit-fast-write"
_REAL_PARAMS = "contactkit-fast-write-params"
_REAL_ITEMS = "contactkit-fast-write-items"
_STAND_IN = "contactkit-fast-write-stand-in"
_BODY = "contactkit-fast-write-body"
# The members that carry the items; the rest of a request stays botocore's to validate.
_ITEMS_MEMBER = {"TransactWriteItems": "TransactItems", "BatchWriteItem": "RequestItems"}

Check = Callable[[Any], bool]
_STRING_VALUES = frozenset({"S", "N"})
_STRING_SETS = frozenset({"SS", "NS"})


def _attribute_value(value: Any) -> bool:
    """An AttributeValue botocore accepts and orjson writes as botocore would (no binaries)."""
    if type(value) is not dict or len(value) != 1:
        return False
    ((kind, payload),) = value.items()
    if kind in _STRING_VALUES:
        return type(payload) is str
    if kind == "BOOL" or kind == "NULL":
        return type(payload) is bool
    if kind == "M":
        return type(payload) is dict and all(
            type(k) is str and _attribute_value(v) for k, v in payload.items()
        )
    if kind == "L":
        return type(payload) is list and all(_attribute_value(v) for v in payload)
    if kind in _STRING_SETS:
        return type(payload) is list and all(type(s) is str for s in payload)
    return False  # B, BS (base64 by botocore) or not a member


def _attribute_map(value: Any) -> bool:
    """An item or key: a dict of names to AttributeValues (a string value checked inline)."""
    if type(value) is not dict:
        return False
    for name, attribute in value.items():
        if type(name) is not str:
            return False
        if type(attribute) is dict and len(attribute) == 1 and type(attribute.get("S")) is str:
            continue  # the common case, without a call
        if not _attribute_value(attribute):
            return False
    return True


def _is_attribute_map(shape: Any) -> bool:
    """An item's or a key's shape: any string names (no minimum length) to AttributeValues."""
    names = shape.key
    return bool(
        shape.value.name == "AttributeValue"
        and names.type_name == "string"
        and "min" not in names.metadata
    )


def _compile(shape: Shape, cache: dict[str, Check]) -> Check:
    """A check that passes only values botocore's validator passes (without its errors)."""
    if shape.name == "AttributeValue":
        return _attribute_value
    if shape.name in cache:
        return cache[shape.name]
    low = shape.metadata.get("min")
    kind = shape.type_name
    check: Check
    if kind == "string":

        def check(value: Any) -> bool:
            return type(value) is str and (low is None or len(value) >= low)

    elif kind == "boolean":

        def check(value: Any) -> bool:
            return type(value) is bool

    elif kind == "list":
        member = _compile(shape.member, cache)  # type: ignore[attr-defined]

        def check(value: Any) -> bool:
            return (
                type(value) is list
                and (low is None or len(value) >= low)
                and all(member(v) for v in value)
            )

    elif kind == "map" and _is_attribute_map(shape):
        check = _attribute_map
    elif kind == "map":
        key_check = _compile(shape.key, cache)  # type: ignore[attr-defined]
        value_check = _compile(shape.value, cache)  # type: ignore[attr-defined]

        def check(value: Any) -> bool:
            return type(value) is dict and all(
                key_check(k) and value_check(v) for k, v in value.items()
            )

    elif kind == "structure" and not getattr(shape, "is_document_type", False):
        members: dict[str, Check] = {}
        required = tuple(shape.metadata.get("required", ()))
        union = bool(getattr(shape, "is_tagged_union", False))
        cache[shape.name] = lambda value: structure(value)  # recursive shapes
        members.update(
            (name, _compile(member_shape, cache))
            for name, member_shape in shape.members.items()  # type: ignore[attr-defined]
        )

        def structure(value: Any) -> bool:
            if type(value) is not dict or (union and len(value) != 1):
                return False
            if any(name not in value for name in required):
                return False
            for name, member_value in value.items():
                member = members.get(name)
                if member is None or not member(member_value):
                    return False
            return True

        check = structure
    else:  # numbers, blobs, documents: botocore's path

        def check(value: Any) -> bool:
            return False

    cache[shape.name] = check
    return check


_checks: dict[str, Check] = {}


def _items_check(model: Any) -> Check:
    """The compiled check of the operation's items member (one per operation, process-wide)."""
    name = model.name
    if name not in _checks:
        _checks[name] = _compile(model.input_shape.members[_ITEMS_MEMBER[name]], {})
    return _checks[name]


def _stand_in(operation: str, items: Any) -> Any:
    """A minimal valid items member naming the same tables (what the endpoint rules read)."""
    if operation == "BatchWriteItem":
        return {table: [{"DeleteRequest": {"Key": {}}}] for table in items}
    tables = dict.fromkeys(body["TableName"] for action in items for body in action.values())
    return [
        {"ConditionCheck": {"TableName": table, "Key": {}, "ConditionExpression": "x"}}
        for table in tables
    ]


def stand_in_params(
    params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
) -> dict[str, Any] | None:
    """Hand botocore a stand-in for the items member when the check passes.

    The caller's dict is left as it is (handlers and callers may hold it); botocore goes on
    with the returned copy.
    """
    member = _ITEMS_MEMBER.get(model.name)
    if member is None or member not in params or _STAND_IN in context:
        return None
    items = params[member]
    if not _items_check(model)(items):
        return None  # botocore validates (and reports) it
    stand_in = {**params, member: _stand_in(model.name, items)}
    context[_STAND_IN] = stand_in
    context[_REAL_ITEMS] = items
    return stand_in


def before_parameter_build(
    params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any
) -> None:
    """Make the real body: the final top-level members (a token, ReturnConsumedCapacity added
    by other handlers) around the real items. Registered last, after those handlers."""
    stand_in = context.pop(_STAND_IN, None)
    items = context.pop(_REAL_ITEMS, None)
    if stand_in is None or params is not stand_in:
        return  # another provide-client-params handler's answer won: botocore's path
    member = _ITEMS_MEMBER[model.name]
    real = {**params, member: items}
    try:
        body = orjson.dumps(real)
    except TypeError:  # a value orjson does not write as botocore would: botocore's path
        params[member] = items
        return
    context[_REAL_PARAMS] = real
    context[_BODY] = body


def before_call(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """Put the real body in place of the stand-in's, before anything reads or signs it."""
    body = context.get(_BODY)
    if body is not None:
        params["body"] = body


def sent_params(context: Mapping[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The parameters the caller sent: ``params`` unless the fast path swapped in a stand-in."""
    real: dict[str, Any] | None = context.get(_REAL_PARAMS)
    return params if real is None else real


def register(client: DynamoDBClient) -> None:
    """Serialise this client's TransactWriteItems and BatchWriteItem bodies with orjson."""
    events = client.meta.events
    # A provide-client-params handler may return the parameters to use: botocore's documented
    # hook, though botocore-stubs types handlers as -> None.
    events.register_last(
        "provide-client-params",
        stand_in_params,  # type: ignore[arg-type]
        unique_id=f"{_UNIQUE_ID}-params",
    )
    events.register_last(
        "before-parameter-build", before_parameter_build, unique_id=f"{_UNIQUE_ID}-build"
    )
    events.register_first("before-call.dynamodb.*", before_call, unique_id=f"{_UNIQUE_ID}-call")


def unregister(client: DynamoDBClient) -> None:
    events = client.meta.events
    events.unregister("provide-client-params", unique_id=f"{_UNIQUE_ID}-params")
    events.unregister("before-parameter-build", unique_id=f"{_UNIQUE_ID}-build")
    events.unregister("before-call.dynamodb.*", unique_id=f"{_UNIQUE_ID}-call")
