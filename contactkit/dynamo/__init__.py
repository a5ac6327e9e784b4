"""DynamoDB, done once: the client wrapper, item types, expressions, paging, limits and costs.

Nothing here knows about contacts. :class:`DynamoClient` is the one door to DynamoDB (it
translates botocore errors once), :func:`pages`/:func:`walk` the one page loop, :data:`Item` and
:func:`serialize`/:func:`deserialize` the one item type and serialiser::

    from boto3.dynamodb.conditions import Attr
    from contactkit.dynamo import render
    render(Attr("version").eq(3))  # ConditionExpression with its names and values
"""

from __future__ import annotations

from . import (
    batches,
    capacity,
    client,
    cursor,
    expressions,
    fastparse,
    fastwrite,
    limits,
    meter,
    paging,
    queries,
    requestcost,
    schema,
    sizes,
    totals,
    transactions,
    types,
)
from .batches import batch_write, chunks
from .client import DynamoClient
from .cursor import CursorCodec
from .expressions import combine, render
from .meter import Meter
from .paging import Page, pages, walk
from .queries import OrgReader
from .sizes import item_size
from .transactions import Action, TransactionWriter
from .types import Item, JsonItem, PlainItem, deserialize, serialize

__all__ = [
    "Action",
    "CursorCodec",
    "DynamoClient",
    "Item",
    "JsonItem",
    "Meter",
    "OrgReader",
    "Page",
    "PlainItem",
    "TransactionWriter",
    "batch_write",
    "batches",
    "capacity",
    "chunks",
    "client",
    "combine",
    "cursor",
    "deserialize",
    "expressions",
    "fastparse",
    "fastwrite",
    "item_size",
    "limits",
    "meter",
    "pages",
    "paging",
    "queries",
    "render",
    "requestcost",
    "schema",
    "serialize",
    "sizes",
    "totals",
    "transactions",
    "types",
    "walk",
]
