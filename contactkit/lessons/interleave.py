"""Races shown step by step: concurrent writers interleaved in a fixed order, without threads.

A *writer* is a generator that performs one request per step and yields ``(action, result)``
after it. :func:`interleave` advances named writers in the order given, then runs whatever is left,
and returns the log. The same order always gives the same log, so a notebook can show exactly
the interleaving that breaks a naive design, and the same interleaving against the right one.

Example::

    log = interleave(
        {"A": store_add(org, email="x@example.com", ...), "B": store_add(org, ...)},
        order=["A", "B"],
    )
    show.rows(step.as_row() for step in log)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ContactKitError

if TYPE_CHECKING:
    from ..store import OrgStore

Writer = Iterator[tuple[str, str]]


@dataclass(frozen=True)
class Step:
    """One step of one writer: what it did and what it saw."""

    number: int
    writer: str
    action: str
    result: str

    def as_row(self) -> dict[str, Any]:
        return {
            "step": self.number,
            "writer": self.writer,
            "action": self.action,
            "result": self.result,
        }


def interleave(writers: Mapping[str, Writer], order: Sequence[str]) -> list[Step]:
    """Run one step of ``writers[name]`` for each name in ``order``, then finish them all.

    A name whose writer has already finished is skipped. Remaining steps run writer by writer,
    in the order of ``writers``.
    """
    unknown = set(order) - set(writers)
    if unknown:
        raise ValueError(f"order names writers that do not exist: {sorted(unknown)}")
    log: list[Step] = []
    finished: set[str] = set()

    def advance(name: str) -> bool:
        if name in finished:
            return False
        try:
            action, result = next(writers[name])
        except StopIteration:
            finished.add(name)
            return False
        log.append(Step(len(log) + 1, name, action, result))
        return True

    for name in order:
        advance(name)
    for name in writers:
        while advance(name):
            pass
    return log


def store_add(org: OrgStore, **fields: Any) -> Writer:
    """``org.add(...)`` as a one-step writer: the contact and its email claim in one transaction."""
    try:
        contact = org.add(**fields)
    except ContactKitError as error:
        yield "TransactWriteItems: contact + email claim", f"{type(error).__name__}: {error}"
        return
    yield "TransactWriteItems: contact + email claim", f"written {contact.id}"


def store_update(
    org: OrgStore, contact_id: str, *, versioned: bool = True, **changes: Any
) -> Writer:
    """Read a contact, then ``org.update`` it: two steps, so another writer can come between.

    With ``versioned=True`` the update carries ``expected_version`` from the read and is refused
    if someone wrote since; with ``False`` the store re-reads and re-applies the change.
    """
    contact = org.get(contact_id)
    yield "get", f"read version {contact.version}"
    expected = contact.version if versioned else None
    label = f"update(expected_version={expected}) " + ", ".join(
        f"{k}={v!r}" for k, v in changes.items()
    )
    try:
        updated = org.update(contact_id, expected_version=expected, **changes)
    except ContactKitError as error:
        yield label, f"{type(error).__name__}: {error}"
        return
    yield label, f"written version {updated.version}"
