"""A small read-through cache of contacts, shared by one store's reads and writes.

Off by default (``table.org(..., cache_size=N)`` turns it on): it sees only the writes made
through the same store, so another writer's change stays invisible until the entry is evicted.
"""

from __future__ import annotations

from collections import OrderedDict

from .model import Contact


class ContactCache:
    """The ``size`` most recently used contacts by id (least recently used evicted first)."""

    def __init__(self, size: int = 0) -> None:
        self.size = size
        self._entries: OrderedDict[str, Contact] = OrderedDict()

    def get(self, contact_id: str) -> Contact | None:
        """The cached contact, or ``None`` (always ``None`` when the cache is off)."""
        contact = self._entries.get(contact_id)
        if contact is not None:
            self._entries.move_to_end(contact_id)
        return contact

    def remember(self, contact: Contact) -> None:
        """Keep ``contact`` (a no-op when the cache is off)."""
        if self.size <= 0:
            return
        self._entries[contact.id] = contact
        self._entries.move_to_end(contact.id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget(self, contact_id: str) -> None:
        """Drop one contact, so the next read goes to the table."""
        self._entries.pop(contact_id, None)

    def clear(self) -> None:
        """Drop every contact."""
        self._entries.clear()
