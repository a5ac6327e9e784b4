"""Every DynamoDB key contactkit writes or queries, built in one pure module.

Layout (single table, string keys ``PK``/``SK``; ``docs/keys.md`` is the key table)::

    contact            PK ORG#<org>                    SK CONTACT#<id>
    email uniqueness   PK ORG#<org>#EMAIL#<email key>  SK UNIQUE      (one per address)
    tag membership     PK ORG#<org>                    SK TAG#<tag>#CONTACT#<id>
    phone membership   PK ORG#<org>                    SK PHONE#<E.164>#CONTACT#<id> (one per phone)
    source-id claim    PK ORG#<org>                    SK SOURCE#<source id> (a vCard UID)
    activity           PK ORG#<org>#CONTACT#<id>       SK ACTIVITY#<timestamp>#<ulid>
    group              PK ORG#<org>                    SK GROUP#<group>
    group member       PK ORG#<org>                    SK GROUP#<group>#MEMBER#<id>
    audit entry        PK ORG#<org>#AUDIT#<shard>      SK AUDIT#<timestamp>#<ulid> (shard 0-7)

    gsi-email      EmailPK ORG#<org>#EMAIL#<email key> (the primary email)
    gsi-phone      PhonePK ORG#<org>#PHONE#<E.164>     SK (the contact's; the primary phone)
    gsi-name       PK (the contact's)                  NameSK <last>#<first>#<id> (or display name)
    gsi-favorites  FavPK   ORG#<org>#FAV               SK (the contact's)

Key safety. User text inside an exact-match key is escaped (``%`` -> ``%25``, ``#`` -> ``%23``),
so an encoded value never contains the separator and the ``#`` that follows it terminates it:
no value's key equals, or is a ``begins_with`` prefix of, another value's key (tag ``c`` queries
``TAG#c#``, which tag ``c#`` -> ``TAG#c%23#`` does not match). Values too long for DynamoDB's key
limits keep a prefix and end in ``%H`` plus a SHA-256 of the whole value: ``%H`` never occurs in
an escaped value, so shortened and unshortened values cannot collide either. Name sort keys keep
only letters and digits, folded for case and accents, so they sort alphabetically, match by
prefix, and never contain the separator.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from ..dynamo.limits import MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES
from ..errors import ValidationError

SEPARATOR = "#"
ORG_ID_PATTERN = re.compile(r"^org-[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
CONTACT_ID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
UNIQUE_SORT_KEY = "UNIQUE"
CONTACT_PREFIX = "CONTACT#"
TAG_PREFIX = "TAG#"
PHONE_PREFIX = "PHONE#"
SOURCE_PREFIX = "SOURCE#"
ACTIVITY_PREFIX = "ACTIVITY#"
GROUP_PREFIX = "GROUP#"
MEMBER_LABEL = "MEMBER#"
AUDIT_PREFIX = "AUDIT#"

# Budgets for user text inside keys, leaving room for the fixed parts (ORG#, org id, labels).
_EXACT_VALUE_BYTES = 900
_NAME_PART_BYTES = 400
_HASH_MARK = "%H"


def validate_org_id(org_id: str) -> str:
    """Return ``org_id`` if it is ``org-`` plus lowercase letters, digits and inner dashes."""
    if not isinstance(org_id, str) or not ORG_ID_PATTERN.fullmatch(org_id):
        raise ValidationError(
            "org_id",
            f"{org_id!r} is not an org id: use 'org-' followed by 1-60 lowercase letters, "
            "digits or dashes, for example 'org-a1b2c3d4'",
        )
    return org_id


def validate_contact_id(contact_id: str) -> str:
    """Return ``contact_id`` if it is a ULID as contactkit generates them."""
    if not isinstance(contact_id, str) or not CONTACT_ID_PATTERN.fullmatch(contact_id):
        raise ValidationError(
            "id", f"{contact_id!r} is not a contact id (26 characters, as returned by add())"
        )
    return contact_id


def escape(value: str) -> str:
    """Escape ``%`` and the separator so the result never contains ``#`` (injective)."""
    return value.replace("%", "%25").replace(SEPARATOR, "%23")


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def exact(value: str) -> str:
    """Encode user text for an exact-match key: escaped, and shortened without collisions."""
    escaped = escape(value)
    if len(escaped.encode("utf-8")) <= _EXACT_VALUE_BYTES:
        return escaped
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
    budget = _EXACT_VALUE_BYTES - len(_HASH_MARK) - len(digest)
    head: list[str] = []
    size = 0
    for ch in value:  # escape character by character so no escape sequence is ever split
        piece = escape(ch)
        size += len(piece.encode("utf-8"))
        if size > budget:
            break
        head.append(piece)
    return "".join(head) + _HASH_MARK + digest


_ASCII_NOT_ALNUM = {c: None for c in range(128) if not chr(c).isalnum()}


def fold_name(text: str) -> str:
    """Fold a name for sorting and prefix search: no accents, no case, letters and digits only.

    ``fold_name("Müller") == "muller"``, ``fold_name("O'Brien") == "obrien"``,
    ``fold_name("van der Berg") == "vanderberg"``.
    """
    if text.isascii():  # NFKD and casefold leave ASCII as lower() does; no combining marks
        return text.lower().translate(_ASCII_NOT_ALNUM)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in stripped.casefold() if ch.isalnum())


def fold_tag(tag: str) -> str:
    """The case-insensitive identity of a tag (``VIP`` and ``vip`` are one tag)."""
    return unicodedata.normalize("NFKC", tag).casefold()


@functools.lru_cache(maxsize=8192)
def normalise_email(email: str) -> str:
    """The identity of an email address in keys: ``NFKC(local).casefold() @ unicode domain``.

    The local part is folded under NFKC and casefold (fullwidth ``FULL`` and ``full``, ``josé``
    in NFC and NFD are one address); the domain is IDNA-decoded to Unicode and lower-cased
    (``bücher.de`` and ``xn--bcher-kva.de`` are one domain). ``email-validator`` splits the
    address and decodes the domain; its own normalised form keeps the local part's case and
    width, so it is not the key. Text it cannot parse falls back to NFKC and casefold.
    """
    text = email.strip()
    parts = email_parts(text)
    if isinstance(parts, str):
        return unicodedata.normalize("NFKC", text).casefold()
    local, domain = parts
    return f"{unicodedata.normalize('NFKC', local).casefold()}@{domain.lower()}"


@functools.lru_cache(maxsize=16384)
def email_parts(email: str) -> tuple[str, str] | str:
    """``(local part, Unicode domain)`` of a valid address (``email-validator``, no DNS), else
    why it is not one. Cached: an import checks each address, then keys it."""
    try:
        valid = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return valid.local_part, valid.domain


def legacy_email_key(email: str) -> str:
    """The earlier one-email model's key form (``strip().lower()``): for the migration."""
    return email.strip().lower()


def tenant_partition_key(org_id: str) -> str:
    """``ORG#<org>``: the partition holding an org's contacts and tag memberships."""
    return f"ORG#{org_id}"


def contact_sort_key(contact_id: str) -> str:
    return f"{CONTACT_PREFIX}{contact_id}"


def contact_key(org_id: str, contact_id: str) -> dict[str, str]:
    return {"PK": tenant_partition_key(org_id), "SK": contact_sort_key(contact_id)}


def email_partition_key(org_id: str, email: str) -> str:
    """Tenant-scoped email key, shared by the uniqueness item and ``gsi-email``."""
    return f"ORG#{org_id}#EMAIL#{exact(normalise_email(email))}"


def uniqueness_key(org_id: str, email: str) -> dict[str, str]:
    return {"PK": email_partition_key(org_id, email), "SK": UNIQUE_SORT_KEY}


def legacy_uniqueness_key(org_id: str, email: str) -> dict[str, str]:
    """Where the old model claimed ``email`` (key ``email.strip().lower()``)."""
    return {"PK": f"ORG#{org_id}#EMAIL#{exact(legacy_email_key(email))}", "SK": UNIQUE_SORT_KEY}


def phone_partition_key(org_id: str, e164: str) -> str:
    return f"ORG#{org_id}#PHONE#{exact(e164)}"


def phone_prefix(e164: str) -> str:
    """``PHONE#<E.164>#``: every membership item of one number, and of no other number."""
    return f"{PHONE_PREFIX}{exact(e164)}{SEPARATOR}"


def phone_sort_key(e164: str, contact_id: str) -> str:
    """``PHONE#<E.164>#CONTACT#<id>``: one contact carrying one number (extension ignored)."""
    return f"{phone_prefix(e164)}{contact_sort_key(contact_id)}"


def source_sort_key(source_id: str) -> str:
    """``SOURCE#<source id>``: the claim of an id from another address book (exact, unique)."""
    return f"{SOURCE_PREFIX}{exact(source_id)}"


def source_key(org_id: str, source_id: str) -> dict[str, str]:
    """The key of the source-id claim: under the org, found by GetItem or BatchGetItem."""
    return {"PK": tenant_partition_key(org_id), "SK": source_sort_key(source_id)}


def favorites_partition_key(org_id: str) -> str:
    return f"ORG#{org_id}#FAV"


def name_sort_key(last_name: str, first_name: str, contact_id: str) -> str:
    """``<last>#<first>#<id>``, folded; the id keeps keys unique for equal names."""
    last = _truncate_utf8(fold_name(last_name), _NAME_PART_BYTES)
    first = _truncate_utf8(fold_name(first_name), _NAME_PART_BYTES)
    return f"{last}{SEPARATOR}{first}{SEPARATOR}{contact_id}"


def name_prefix(query: str) -> str:
    """The ``begins_with`` value for a name search: ``"smi"`` or ``"smith, j"``.

    A comma separates last name from first name; the separator keeps field boundaries, so
    ``"smith, j"`` matches Smith, John but never Smithj.
    """
    if "," in query:
        last, _, first = query.partition(",")
        return f"{fold_name(last)}{SEPARATOR}{fold_name(first)}"
    return fold_name(query)


def tag_prefix(tag: str) -> str:
    """``TAG#<tag>#``: every membership item of one tag, and of no other tag."""
    return f"{TAG_PREFIX}{exact(fold_tag(tag))}{SEPARATOR}"


def tag_sort_key(tag: str, contact_id: str) -> str:
    return f"{tag_prefix(tag)}{contact_sort_key(contact_id)}"


def activity_partition_key(org_id: str, contact_id: str) -> str:
    return f"ORG#{org_id}#CONTACT#{contact_id}"


def activity_sort_key(timestamp: str, activity_id: str) -> str:
    return f"{ACTIVITY_PREFIX}{timestamp}{SEPARATOR}{activity_id}"


def check_key_sizes(key: dict[str, str]) -> None:
    """Raise if a key exceeds DynamoDB's limits (a bug guard: encoders keep within them)."""
    pk, sk = key["PK"], key["SK"]
    if len(pk.encode("utf-8")) > MAX_PARTITION_KEY_BYTES:
        raise ValidationError("PK", f"partition key longer than {MAX_PARTITION_KEY_BYTES} bytes")
    if len(sk.encode("utf-8")) > MAX_SORT_KEY_BYTES:
        raise ValidationError("SK", f"sort key longer than {MAX_SORT_KEY_BYTES} bytes")


def search_partition_key(org_id: str) -> str:
    """``ORG#<org>#SEARCH``: the org's token index (one item per word per contact)."""
    return f"ORG#{org_id}#SEARCH"


def search_sort_key(token: str, contact_id: str) -> str:
    """``<token>#<id>``; tokens are folded letters and digits, so they never contain ``#``."""
    return f"{token}{SEPARATOR}{contact_id}"


def token_of(search_sort_key_value: str) -> tuple[str, str]:
    """Split a token sort key back into ``(token, contact id)``."""
    token, _, contact_id = search_sort_key_value.rpartition(SEPARATOR)
    return token, contact_id


def fold_group(name: str) -> str:
    """The case-insensitive identity of a group name (``Friends`` and ``friends`` are one)."""
    return fold_tag(name)


def group_sort_key(name: str) -> str:
    """``GROUP#<group>``: the group's own item in the tenant partition."""
    return f"{GROUP_PREFIX}{exact(fold_group(name))}"


def group_member_prefix(name: str) -> str:
    """``GROUP#<group>#MEMBER#``: every member item of one group, and of no other group."""
    return f"{group_sort_key(name)}{SEPARATOR}{MEMBER_LABEL}"


def group_member_sort_key(name: str, contact_id: str) -> str:
    return f"{group_member_prefix(name)}{contact_id}"


AUDIT_SHARDS = 8
"""How many partitions an org's audit trail is spread over (see :func:`audit_shard`)."""


def audit_shard(subject: str) -> int:
    """The audit shard of a write: a hash of its contact's id (of the entry's id for org-level
    writes), so one contact's history stays in one shard and an org's writes spread evenly."""
    digest = hashlib.sha256(subject.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % AUDIT_SHARDS


def audit_partition_key(org_id: str, shard: int) -> str:
    """``ORG#<org>#AUDIT#<shard>``: one of the org's ``AUDIT_SHARDS`` audit partitions.

    One partition for every write of an org, its sort keys only increasing, would be a hot
    spot DynamoDB cannot split (docs/keys.md, "The audit trail").
    """
    if not 0 <= shard < AUDIT_SHARDS:
        raise ValueError(f"audit shard {shard} is not in 0..{AUDIT_SHARDS - 1}")
    return f"ORG#{org_id}#AUDIT#{shard}"


def legacy_audit_partition_key(org_id: str) -> str:
    """``ORG#<org>#AUDIT``: the single audit partition of earlier versions (still read)."""
    return f"ORG#{org_id}#AUDIT"


def audit_partition_keys(org_id: str) -> tuple[str, ...]:
    """Every partition holding the org's audit entries: the shards, then the legacy one."""
    return (
        *(audit_partition_key(org_id, shard) for shard in range(AUDIT_SHARDS)),
        legacy_audit_partition_key(org_id),
    )


def audit_sort_key(timestamp: str, entry_id: str) -> str:
    """``AUDIT#<timestamp>#<ulid>``: sorts by time, so a backwards Query is newest first."""
    return f"{AUDIT_PREFIX}{timestamp}{SEPARATOR}{entry_id}"


def org_partition_prefix(org_id: str) -> str:
    """``ORG#<org>#``: every partition key of an org other than ``ORG#<org>`` starts so."""
    return f"{tenant_partition_key(org_id)}{SEPARATOR}"
