"""What a meter adds up: one record per request, totals per operation, and their report rows.

A :class:`RequestRecord` is one request as the meter saw it; :class:`OperationStats` adds
records up, field by field, for one operation (or, with :meth:`OperationStats.combined`, for
all of them). Its numeric fields are the meter's totals (:data:`TOTALS`), and :class:`Total`
turns each into an attribute of the meter, so that the list of totals is written once: the
fields of :class:`OperationStats`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Generic, Literal, Protocol, TypeVar, overload

from .requestcost import Capacity, RequestCost

Source = Literal["backend", "computed"]


@dataclass(frozen=True)
class RequestRecord:
    """One request as a meter saw it.

    ``rcu`` and ``wcu`` are what the backend reported in ``ConsumedCapacity`` (``source ==
    "backend"``) or, when it reported nothing (a failed request, a backend that does not
    report, a caller that asked for ``"NONE"``), the meter's own computation from the request
    and response (``source == "computed"``, :mod:`contactkit.dynamo.requestcost`). ``cost``
    is the meter's own account; its ``wcu`` is computed only when the backend reported none.
    """

    operation: str
    cost: RequestCost
    consumed_capacity: float = 0.0  # what the backend reported in ConsumedCapacity
    latency_ms: float = 0.0
    error: bool = False
    reported: Capacity | None = None
    params: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def source(self) -> Source:
        return "backend" if self.reported is not None else "computed"

    @property
    def rcu(self) -> float:
        return self.reported.read if self.reported is not None else self.cost.rcu

    @property
    def wcu(self) -> float:
        return self.reported.write if self.reported is not None else self.cost.wcu


@dataclass
class OperationStats:
    """Totals of one operation (``"Query"``, ``"PutItem"``...) while a meter was active."""

    requests: int = 0
    errors: int = 0
    items_read: int = 0
    items_returned: int = 0
    items_written: int = 0
    bytes_read: int = 0
    rcu: float = 0.0
    wcu: float = 0.0
    consumed_capacity: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    def add(self, record: RequestRecord) -> None:
        """Count one request into these totals."""
        cost = record.cost
        self.requests += 1
        self.errors += int(record.error)
        self.items_read += cost.items_read
        self.items_returned += cost.items_returned
        self.items_written += cost.items_written
        self.bytes_read += cost.bytes_read
        self.rcu += record.rcu
        self.wcu += record.wcu
        self.consumed_capacity += record.consumed_capacity
        self.latencies_ms.append(record.latency_ms)

    @classmethod
    def combined(cls, parts: Iterable[OperationStats]) -> OperationStats:
        """The totals of several operations as one (the ``"total"`` row of a summary)."""
        parts = list(parts)
        sums: dict[str, Any] = {name: sum(getattr(p, name) for p in parts) for name in TOTALS}
        return cls(**sums, latencies_ms=[x for p in parts for x in p.latencies_ms])

    def latency(self) -> tuple[int, float, float]:
        """``(count, p50 ms, p95 ms)`` of these requests."""
        samples = sorted(self.latencies_ms)
        return len(samples), percentile(samples, 50), percentile(samples, 95)

    def row(self, operation: str, *, latency: bool = False) -> dict[str, Any]:
        """These totals as one row of a summary, after its ``operation`` name."""
        row: dict[str, Any] = {"operation": operation}
        row.update((name, getattr(self, name)) for name in TOTALS)
        if latency:
            _, row["p50_ms"], row["p95_ms"] = self.latency()
        return row


TOTALS: tuple[str, ...] = tuple(f.name for f in fields(OperationStats) if f.name != "latencies_ms")
"""The names of the totals: every field of :class:`OperationStats` but its latencies."""


def percentile(sorted_samples: list[float], percent: float) -> float:
    """Nearest-rank percentile (0.0 when there are no samples)."""
    if not sorted_samples:
        return 0.0
    rank = max(1, -(-len(sorted_samples) * percent // 100))
    return sorted_samples[int(rank) - 1]


class HasTotals(Protocol):
    def total(self, name: str) -> float: ...


Number = TypeVar("Number", int, float)


class Total(Generic[Number]):
    """A read-only attribute: one of :data:`TOTALS` summed over every operation.

    Declared once per total on the meter (``rcu = Total(float, "...")``); reading it calls the
    owner's ``total(name)`` with the attribute's own name, which must be one of :data:`TOTALS`.
    """

    def __init__(self, kind: Callable[[float], Number], doc: str) -> None:
        self.kind: Callable[[float], Number] = kind
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        if name not in TOTALS:
            raise TypeError(f"{owner.__name__}.{name}: not a total of OperationStats {TOTALS}")
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> Total[Number]: ...

    @overload
    def __get__(self, instance: HasTotals, owner: type) -> Number: ...

    def __get__(self, instance: HasTotals | None, owner: type) -> Total[Number] | Number:
        if instance is None:
            return self
        return self.kind(instance.total(self.name))
