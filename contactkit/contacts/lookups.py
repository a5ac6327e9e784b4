"""Every way of finding an org's contacts: one Query or GetItem each (plus at most one
BatchGetItem), tenant-scoped keys, and costs that grow with the result, not with the org.
Every Query of an index keeps only items whose table key is the org's (``OrgReader.owned``).

| lookup | request(s) | items read |
|---|---|---|
| ``find_by_email`` | GetItem of the email's claim + GetItem of its contact | ≤ 2 |
| ``find_by_phone`` | Query phone items + BatchGetItem | ≤ 2 x limit |
| ``find_by_primary_email`` / ``_phone`` | Query ``gsi-email`` / ``gsi-phone`` | ≤ limit |
| ``find_by_name`` | Query ``gsi-name``, ``begins_with`` | ≤ limit + 1 |
| ``find_by_tag`` | Query tag items + BatchGetItem | ≤ 2 x limit |
| ``favorites`` | Query ``gsi-favorites`` (sparse) | ≤ limit + 1 |
| ``list`` / ``recent`` | Query the org partition (or ``gsi-name``) | ≤ limit + 1 |
| ``search`` | one Query per word on the token index + BatchGetItem | matching entries + limit |
| ``search(use_index=False)``, ``fuzzy=True`` | Query the whole org (projected) | the org |
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal, TypeVar

from boto3.dynamodb.conditions import Key

from ..clock import Clock, parse_timestamp
from ..dynamo import schema
from ..dynamo.paging import Page
from ..dynamo.queries import OrgReader, check_limit
from ..dynamo.types import Item, deserialize, serialize
from ..errors import NotFoundError, ValidationError
from . import items, keys, phones
from .actions import search_fields
from .audit import AuditEntry, entry_from_item
from .cache import ContactCache
from .model import SUMMARY_FIELDS, Contact, ContactSummary, Interaction
from .search import FUZZY_THRESHOLD, SearchFields, fuzzy_score, query_words, score_fields
from .stats import STATS_ATTRIBUTES, ContactStats, contact_stats

T = TypeVar("T")

# Attributes a search needs from each contact on the org-scan paths.
# (the phone too: a contact without a name, company or email is found by it, its display name)
_SEARCH_FIELDS = tuple(f.name for f in dataclasses.fields(SearchFields))
_SEARCH_ATTRIBUTES = ("id", "org_id", "phone", *_SEARCH_FIELDS)


class OrgLookups:
    """Every read of one org: the read side of :class:`~contactkit.store.OrgStore`.

    Built on an :class:`~contactkit.dynamo.queries.OrgReader` (bound to the org) and the
    store's :class:`~contactkit.contacts.cache.ContactCache`.
    """

    def __init__(
        self, reader: OrgReader, cache: ContactCache, *, phone_region: str, clock: Clock
    ) -> None:
        self.reader = reader
        self.org_id = reader.org_id
        self.cache = cache
        self.phone_region = phone_region
        self.clock = clock

    def get(self, contact_id: str) -> Contact:
        """The contact with this id; ``NotFoundError`` if it is not in this org.

        One strongly consistent GetItem, or none when the store was opened with a cache
        (``table.org(..., cache_size=N)``) and the contact is in it.
        """
        cached = self.cache.get(contact_id)
        if cached is not None:
            return cached
        item = self.read_contact_item(contact_id)
        if item is None:
            raise NotFoundError(self.org_id, contact_id)
        contact = items.contact_from_item(item)
        self.cache.remember(contact)
        return contact

    def read_contact_item(self, contact_id: str) -> Item | None:
        """The stored contact item (DynamoDB JSON, strongly consistent), or ``None``."""
        keys.validate_contact_id(contact_id)
        return self.reader.get_item(serialize(keys.contact_key(self.org_id, contact_id)))

    # -- exact lookups -------------------------------------------------------------------

    def find_by_email(self, email: str, *, consistent: bool = False) -> Contact | None:
        """The contact carrying this email (any of its indexed addresses), or ``None``.

        Case, width and Unicode form do not matter, nor an IDNA-encoded domain
        (:func:`~contactkit.contacts.keys.normalise_email`). Two GetItems: the email's claim
        item, then the contact it names. ``consistent=True`` makes both strongly consistent.
        """
        if not isinstance(email, str) or not email.strip():
            raise ValidationError("email", "is required to look a contact up by email")
        claim = self.reader.get_item(
            serialize(keys.uniqueness_key(self.org_id, email)), consistent=consistent
        )
        if claim is None:
            return None
        contact_id = deserialize(claim)["contact_id"]
        item = self.reader.get_item(
            serialize(keys.contact_key(self.org_id, contact_id)), consistent=consistent
        )
        return items.contact_from_item(item) if item is not None else None

    def find_by_phone(
        self, phone: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """Contacts carrying this phone among any of theirs, given in any format (not unique).

        ``555.123.4567``, ``+1 (555) 123-4567`` and ``(555) 123-4567 x12`` are the same number
        (extensions are ignored). A key Query of the number's membership items, then one
        BatchGetItem of those contacts. Numbers that cannot be normalised are not indexed:
        ``ValidationError`` says so.
        """
        if not isinstance(phone, str) or not phone.strip():
            raise ValidationError("phone", "is required to look a contact up by phone")
        normalised = phones.normalise(phone, self.phone_region)
        if normalised.e164 is None:
            raise ValidationError(
                "phone",
                f"{phone!r} is not a complete number, and such numbers are not indexed; "
                "use search() to find text in contacts instead",
            )
        pointers, next_cursor = self.reader.query_page(
            "phone",
            {"phone": normalised.e164},
            Key("PK").eq(keys.tenant_partition_key(self.org_id))
            & Key("SK").begins_with(keys.phone_prefix(normalised.e164)),
            limit=limit,
            cursor=cursor,
            attributes=("contact_id",),
        )
        ids = [deserialize(p)["contact_id"] for p in pointers]
        return Page(self.fetch_summaries(ids), next_cursor)

    def find_by_primary_email(
        self, email: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """Contacts whose **primary** email is ``email``: one Query of ``gsi-email``.

        The index the lessons query; ``find_by_email`` (any address, through its claim) is the
        store's own lookup. Items another org planted in this index partition are dropped
        (:mod:`contactkit.dynamo.queries`).
        """
        if not isinstance(email, str) or not email.strip():
            raise ValidationError("email", "is required to look a contact up by email")
        return self._summaries(
            "primary_email",
            {"email": keys.normalise_email(email)},
            Key("EmailPK").eq(keys.email_partition_key(self.org_id, email)),
            limit=limit,
            cursor=cursor,
            index=schema.EMAIL_INDEX,
        )

    def find_by_primary_phone(
        self, phone: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """Contacts whose **primary** phone is ``phone`` (any format): one Query of
        ``gsi-phone``; foreign items are dropped as in :meth:`find_by_primary_email`."""
        if not isinstance(phone, str) or not phone.strip():
            raise ValidationError("phone", "is required to look a contact up by phone")
        e164 = phones.normalise(phone, self.phone_region).e164
        if e164 is None:
            raise ValidationError("phone", f"{phone!r} is not a complete number")
        return self._summaries(
            "primary_phone",
            {"phone": e164},
            Key("PhonePK").eq(keys.phone_partition_key(self.org_id, e164)),
            limit=limit,
            cursor=cursor,
            index=schema.PHONE_INDEX,
        )

    # -- list views ------------------------------------------------------------------------

    def find_by_name(
        self, prefix: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """Contacts whose last name starts with ``prefix`` (or ``"last, first"``), A to Z.

        Case and accents do not matter: ``"müller"`` finds Müller, ``"o'brien"`` O'Brien.
        """
        folded = keys.name_prefix(prefix) if isinstance(prefix, str) else ""
        if not folded.strip(keys.SEPARATOR):
            raise ValidationError("prefix", f"{prefix!r} has no letters or digits to look for")
        return self._summaries(
            "name",
            {"prefix": folded},
            Key("PK").eq(keys.tenant_partition_key(self.org_id))
            & Key("NameSK").begins_with(folded),
            limit=limit,
            cursor=cursor,
            index=schema.NAME_INDEX,
            hide_moved=True,
        )

    def find_by_tag(
        self, tag: str, *, limit: int = 25, cursor: str | None = None
    ) -> Page[ContactSummary]:
        """Contacts with this tag (case-insensitive): a key Query of tag items, then one
        BatchGetItem of those contacts. No Scan, no filter over the org."""
        if not isinstance(tag, str) or not tag.strip():
            raise ValidationError("tag", "is required to look contacts up by tag")
        pointers, next_cursor = self.reader.query_page(
            "tag",
            {"tag": keys.fold_tag(tag.strip())},
            Key("PK").eq(keys.tenant_partition_key(self.org_id))
            & Key("SK").begins_with(keys.tag_prefix(tag.strip())),
            limit=limit,
            cursor=cursor,
            attributes=("contact_id",),
        )
        ids = [deserialize(p)["contact_id"] for p in pointers]
        return Page(self.fetch_summaries(ids), next_cursor)

    def favorites(self, *, limit: int = 25, cursor: str | None = None) -> Page[ContactSummary]:
        """Favourite contacts, oldest first, from the sparse ``gsi-favorites`` index."""
        return self._summaries(
            "favorites",
            {},
            Key("FavPK").eq(keys.favorites_partition_key(self.org_id)),
            limit=limit,
            cursor=cursor,
            index=schema.FAVORITES_INDEX,
        )

    def list(
        self,
        *,
        limit: int = 25,
        cursor: str | None = None,
        order: Literal["created", "name"] = "created",
    ) -> Page[ContactSummary]:
        """One page of the org's contacts, by creation time or alphabetically by name."""
        if order == "name":
            return self._summaries(
                "list",
                {"order": order},
                Key("PK").eq(keys.tenant_partition_key(self.org_id)),
                limit=limit,
                cursor=cursor,
                index=schema.NAME_INDEX,
                hide_moved=True,
            )
        if order != "created":
            raise ValidationError("order", f"must be 'created' or 'name', not {order!r}")
        return self._summaries(
            "list", {"order": order}, self.contacts_condition(), limit=limit, cursor=cursor
        )

    def recent(self, *, limit: int = 10, cursor: str | None = None) -> Page[ContactSummary]:
        """The most recently created contacts first (ids are time-ordered ULIDs)."""
        return self._summaries(
            "recent", {}, self.contacts_condition(), limit=limit, cursor=cursor, forward=False
        )

    def iter_pages(self, lookup: Callable[..., Page[T]], *args: Any, **kwargs: Any) -> Iterator[T]:
        """Every result of a paged lookup, page after page: ``org.iter_pages(org.list)``."""
        cursor: str | None = None
        while True:
            page = lookup(*args, cursor=cursor, **kwargs)
            yield from page.items
            cursor = page.next_cursor
            if cursor is None:
                return

    # -- a contact's activity, the org's audit trail and statistics -------------------------

    def activity(
        self, contact_id: str, *, limit: int = 20, cursor: str | None = None
    ) -> Page[Interaction]:
        """A contact's interactions, newest first (one Query of its activity partition)."""
        keys.validate_contact_id(contact_id)
        found, next_cursor = self.reader.query_page(
            "activity",
            {"contact_id": contact_id},
            Key("PK").eq(keys.activity_partition_key(self.org_id, contact_id))
            & Key("SK").begins_with(keys.ACTIVITY_PREFIX),
            limit=limit,
            cursor=cursor,
            forward=False,
        )
        return Page([_interaction(deserialize(i)) for i in found], next_cursor)

    def audit(self, *, limit: int = 25, cursor: str | None = None) -> Page[AuditEntry]:
        """The org's audit trail, newest first.

        One backwards Query per audit partition (``AUDIT_SHARDS`` shards and the earlier single
        partition, docs/keys.md), ``limit`` entries each, merged by sort key; the cursor holds
        the sort key of the last entry returned, so each page starts strictly before it.
        """
        check_limit(limit)
        before: str | None = None
        if cursor is not None:
            before = self.reader.cursors.decode(cursor, self.org_id, "audit", {})["SK"]["S"]
        found: builtins.list[Item] = []
        more = False
        for partition in keys.audit_partition_keys(self.org_id):
            condition = Key("PK").eq(partition) & (
                Key("SK").lt(before)
                if before is not None
                else Key("SK").begins_with(keys.AUDIT_PREFIX)
            )
            page, truncated = self.reader.query_first(condition, limit=limit, forward=False)
            found.extend(page)
            more = more or truncated
        found.sort(key=lambda item: item["SK"]["S"], reverse=True)
        more = more or len(found) > limit
        page_items = found[:limit]
        next_cursor = (
            self.reader.cursors.encode(
                self.org_id, "audit", {}, {"SK": {"S": page_items[-1]["SK"]["S"]}}
            )
            if more and page_items
            else None
        )
        return Page([entry_from_item(i) for i in page_items], next_cursor)

    def stats(self, *, now: datetime | None = None, top: int = 5) -> ContactStats:
        """The seed's statistics over every contact of the org (a full, paginated Query).

        "Recently contacted" means within 30 days before ``now`` (default: the clock's now).
        """
        found = self.reader.query_all(self.contacts_condition(), attributes=STATS_ATTRIBUTES)
        contacts = (
            {
                **values,
                "last_contacted_at": parse_timestamp(at)
                if (at := values.get("last_contacted_at"))
                else None,
            }
            for values in map(deserialize, found)
        )
        return contact_stats(contacts, now or self.clock(), top=top)

    # -- search ----------------------------------------------------------------------------

    def search(
        self,
        term: str,
        *,
        limit: int = 25,
        cursor: str | None = None,
        fuzzy: bool = False,
        use_index: bool = True,
    ) -> Page[ContactSummary]:
        """Contacts matching every word of ``term`` by word prefix, best matches first.

        Matches first and last name, company, job title and email, ignoring case and accents
        ("tech" finds Tech Corp). By default one Query per word on the org's token index:
        cost grows with the matching entries, not the org. ``use_index=False`` reads the whole
        org (projected) and matches in memory: the baseline the index is measured against.
        ``fuzzy=True`` tolerates typos ("jon smth" finds John Smith) with rapidfuzz; it too
        reads the whole org, projected to the searched fields.

        Words shorter than 2 characters are ignored when the term has a longer one; a term
        with none (``"a"``) raises ``ValidationError``. An email's top-level domain and common
        mail words (``example``, ``com``, ``gmail``), company legal forms (``Inc``) and title
        function words (``of``) are not searched by (:mod:`contactkit.contacts.search`). Pages
        resume after the last contact returned (by score, then id), so a contact deleted
        between pages makes no other contact skip a page.
        """
        check_limit(limit)
        words = query_words(term)
        scored: Mapping[str, float]
        if fuzzy:
            scored = self._fuzzy_scores(term)
        elif use_index:
            scored = self._index_scores(words)
        else:
            scored = self._scan_scores(words)
        ranked = sorted(scored.items(), key=lambda pair: (-pair[1], pair[0]))
        pattern = "fuzzy" if fuzzy else "search"
        args = {"term": " ".join(words), "index": use_index}
        if cursor is not None:
            # The cursor holds the last (score, id) returned, not an offset: a contact deleted
            # (or added) between pages moves no other contact across the page boundary.
            last = self.reader.cursors.decode(cursor, self.org_id, pattern, args)
            after = (-float(last["score"]["N"]), last["id"]["S"])
            ranked = [pair for pair in ranked if (-pair[1], pair[0]) > after]
        page = ranked[:limit]
        next_cursor = (
            self.reader.cursors.encode(
                self.org_id,
                pattern,
                args,
                {"score": {"N": repr(float(page[-1][1]))}, "id": {"S": page[-1][0]}},
            )
            if len(ranked) > limit
            else None
        )
        page_ids = [contact_id for contact_id, _ in page]
        return Page(self.fetch_summaries(page_ids), next_cursor)

    def _index_scores(self, words: builtins.list[str]) -> dict[str, int]:
        per_word: builtins.list[dict[str, int]] = []
        partition = Key("PK").eq(keys.search_partition_key(self.org_id))
        for word in words:
            best: dict[str, int] = {}
            for entry in self.reader.query_all(
                partition & Key("SK").begins_with(word), attributes=("SK", "name_token")
            ):
                values = deserialize(entry)
                token, contact_id = keys.token_of(values["SK"])
                exact = 2 if token == word else 1
                score = exact + (2 if values.get("name_token") else 0)
                best[contact_id] = max(best.get(contact_id, 0), score)
            per_word.append(best)
        common = set.intersection(*(set(scores) for scores in per_word)) if per_word else set()
        return {cid: sum(scores[cid] for scores in per_word) for cid in common}

    def _org_search_fields(self) -> Iterator[tuple[str, SearchFields]]:
        for item in self.reader.query_all(self.contacts_condition(), attributes=_SEARCH_ATTRIBUTES):
            values = deserialize(item)
            found: dict[str, Any] = {k: values.get(k) for k in _SEARCH_ATTRIBUTES}
            summary = ContactSummary(**found)
            yield values["id"], search_fields(summary)

    def _scan_scores(self, words: builtins.list[str]) -> dict[str, int]:
        scores = {cid: score_fields(words, fields) for cid, fields in self._org_search_fields()}
        return {cid: score for cid, score in scores.items() if score > 0}

    def _fuzzy_scores(self, term: str) -> dict[str, float]:
        scores = {cid: fuzzy_score(term, fields) for cid, fields in self._org_search_fields()}
        return {cid: score for cid, score in scores.items() if score >= FUZZY_THRESHOLD}

    # -- helpers -----------------------------------------------------------------------------

    def contacts_condition(self) -> Any:
        """The key condition of every contact item of the org (its partition, ``CONTACT#``)."""
        return Key("PK").eq(keys.tenant_partition_key(self.org_id)) & Key("SK").begins_with(
            keys.CONTACT_PREFIX
        )

    def _summaries(
        self,
        pattern: str,
        args: dict[str, Any],
        condition: Any,
        *,
        limit: int,
        cursor: str | None,
        index: str | None = None,
        forward: bool = True,
        hide_moved: bool = False,
    ) -> Page[ContactSummary]:
        found, next_cursor = self.reader.query_page(
            pattern,
            args,
            condition,
            limit=limit,
            cursor=cursor,
            index=index,
            forward=forward,
            attributes=SUMMARY_FIELDS,
            hide_moved=hide_moved,
        )
        return Page([items.summary_from_item(i) for i in found], next_cursor)

    def fetch_summaries(self, contact_ids: builtins.list[str]) -> builtins.list[ContactSummary]:
        """Summaries of ``contact_ids`` in that order, in one BatchGetItem (ids ≤ 100)."""
        wanted = [serialize(keys.contact_key(self.org_id, cid)) for cid in contact_ids]
        found = self.reader.batch_get(wanted, SUMMARY_FIELDS)
        return [items.summary_from_item(item) for item in found]


def _interaction(values: dict[str, Any]) -> Interaction:
    return Interaction(
        id=str(values["SK"]).rsplit(keys.SEPARATOR, 1)[-1],
        contact_id=values["contact_id"],
        kind=values["kind"],
        note=values.get("note"),
        at=parse_timestamp(values["at"]),
    )
