"""Contacts DataFrames built without a database, for the pure analytics and chart tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from contactkit.contacts import items
from contactkit.contacts.model import Address, Contact
from contactkit.frames.columns import COLUMNS, FrameBuilder

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
_IDS = iter(f"01J{n:023d}" for n in range(10**6))


def contact(**fields: Any) -> Contact:
    """A contact with defaults for the required fields; ``days_ago`` sets ``created_at``."""
    created = NOW - timedelta(days=fields.pop("days_ago", 0))
    address = fields.pop("address", None)
    values: dict[str, Any] = {
        "id": next(_IDS),
        "org_id": "org-a",
        "first_name": "Ann",
        "last_name": "Lee",
        "email": f"user{fields.get('n', 0)}@example.com",
        "created_at": created,
        "updated_at": created,
    }
    fields.pop("n", None)
    values.update(fields)
    return Contact(**values, address=Address(**address) if address else None)


def frame(contacts: list[Contact]) -> pd.DataFrame:
    builder = FrameBuilder(COLUMNS)
    builder.add([items.contact_item(c, "token") for c in contacts])
    return builder.frame()
