"""How an imported row knows its contact when it has no email: a fingerprint (pure).

A row is matched to the org's contact of its contactkit id (our own exports), else to the
contact of its source id (another app's vCard ``UID``, claimed in the org: ``docs/keys.md``),
else to the contact holding any of its emails, else, when it has no email, to the contact of
the same fingerprint: its display name and the set of its phones. So a file of phone-only and
name-only contacts imported twice writes nothing the second time, and cards with a ``UID`` are
found by it even when two of them are alike in name and phones.
"""

from __future__ import annotations

import unicodedata
from typing import Any

_SEPARATOR = "\x1f"  # between the name and the phones: no cleaned text holds a control character


def fingerprint(contact: Any) -> str:
    """The display name (NFKC, case-folded, spaces collapsed) and the sorted set of phones
    (E.164 when the phone has one, else as entered; extensions ignored).

    Example::

        fingerprint(Contact(id="x", org_id="o", name="Mom", phone="+15551234567"))
        # 'mom\\x1f+15551234567'
    """
    name = " ".join(unicodedata.normalize("NFKC", contact.display_name).casefold().split())
    phones = sorted({p.e164 or " ".join(p.value.split()) for p in contact.phones})
    return _SEPARATOR.join([name, *phones])
