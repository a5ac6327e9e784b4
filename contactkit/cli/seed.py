"""The seed app's ``import``: its three hard-coded contacts, as the seed's Go code defines them.

Their 7-digit phones are local-only numbers: they are imported as entered, with a warning.
"""

from __future__ import annotations

from typing import Any

SEED_CONTACTS: tuple[dict[str, Any], ...] = (
    {
        "first_name": "Alice",
        "last_name": "Johnson",
        "email": "alice@example.com",
        "phone": "555-0101",
        "company": "Tech Corp",
        "job_title": "Software Engineer",
        "tags": ["engineering", "client"],
    },
    {
        "first_name": "Bob",
        "last_name": "Smith",
        "email": "bob@example.com",
        "phone": "555-0102",
        "company": "Design Studio",
        "job_title": "Creative Director",
        "tags": ["design", "vendor"],
    },
    {
        "first_name": "Carol",
        "last_name": "Williams",
        "email": "carol@example.com",
        "phone": "555-0103",
        "company": "Marketing Inc",
        "job_title": "Marketing Manager",
        "tags": ["marketing", "partner"],
    },
)
