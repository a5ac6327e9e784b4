"""Following DynamoDB's pages: the one loop over ``LastEvaluatedKey`` that every walk uses.

A Query or Scan answers at most 1 MB (or ``Limit`` items) per request and says where it stopped
in ``LastEvaluatedKey``; the next request starts there with ``ExclusiveStartKey``. Reading "all
of it" means looping until that key is absent: the seed's ``List(1000)`` stopped after one page.
(The lessons reproduce that mistake on purpose in :mod:`contactkit.lessons.antipatterns`.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from .client import DynamoClient
from .types import Item

T = TypeVar("T")

Walkable = Literal["Query", "Scan"]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results; pass ``next_cursor`` back to get the next (``None``: no more).

    A page may hold fewer than ``limit`` items while more remain: DynamoDB stops a page at 1 MB
    and counts ``Limit`` before filters. Only ``next_cursor is None`` means the end.
    """

    items: list[T]
    next_cursor: str | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]


def pages(
    client: DynamoClient,
    operation: Walkable,
    request: Mapping[str, Any],
    *,
    stop: threading.Event | None = None,
) -> Iterator[dict[str, Any]]:
    """Every response of a Query or Scan, following ``LastEvaluatedKey`` to the end.

    ``stop`` ends the walk before the next request once set (parallel scans stop early).
    """
    request = dict(request)
    while stop is None or not stop.is_set():
        response = client.call(operation, **request)
        yield response
        last_key = response.get("LastEvaluatedKey")
        if not last_key:
            return
        request["ExclusiveStartKey"] = last_key


def walk(client: DynamoClient, operation: Walkable, request: Mapping[str, Any]) -> Iterator[Item]:
    """Every item of a Query or Scan, page after page."""
    for response in pages(client, operation, request):
        yield from response.get("Items", [])
