"""Keeping a search index in sync from DynamoDB Streams: the road to a search service.

The table stays the source of truth. Its stream (``NEW_AND_OLD_IMAGES``) delivers every change of
every item, in order per item; a consumer applies the contact changes to a search index and
remembers how far it got (a checkpoint per shard), so it can stop and resume, and replaying
records it already applied changes nothing.

* :func:`enable_stream` turns the stream on (idempotent) and returns its ARN;
* :class:`StreamReader` reads new records, shard by shard, from a checkpoint;
* :class:`SearchIndex` is an in-memory inverted index, the stand-in for OpenSearch or similar;
* :class:`SearchIndexer` ties them together: ``indexer.sync()`` after writes.

Example::

    arn = enable_stream(table)
    indexer = SearchIndexer(StreamReader(db.streams, arn), SearchIndex())
    org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    indexer.sync()                      # SyncReport(records=..., applied=1, ...)
    indexer.index.search("org-a1b2c3d4", "love")

Where it runs: on AWS, a Lambda function subscribed to the stream, or a Kinesis consumer; here,
a call after writes. Streams keep records for 24 hours: a consumer that stops for longer must
rebuild the index from the table (``SearchIndexer.rebuild``).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from ..contacts.items import CONTACT_TYPE
from ..contacts.search import SearchFields, query_words, score_fields
from ..dynamo.client import DynamoClient
from ..dynamo.types import PlainItem, deserialize
from ..errors import ContactKitError

if TYPE_CHECKING:
    from botocore.client import BaseClient

    from ..store import OrgStore
    from ..table import Table

STREAM_VIEW_TYPE: Final = "NEW_AND_OLD_IMAGES"
MAX_RECORDS_PER_CALL = 1000  # GetRecords' own maximum


def enable_stream(table: Table, *, timeout: float = 300.0) -> str:
    """Turn on the table's stream with old and new images (if not on) and return its ARN."""
    description = table.describe()
    spec = description.get("StreamSpecification") or {}
    if not spec.get("StreamEnabled"):
        table.dynamo.call(
            "UpdateTable",
            TableName=table.name,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": STREAM_VIEW_TYPE},
        )
    elif spec.get("StreamViewType") != STREAM_VIEW_TYPE:
        raise ContactKitError(
            f"table {table.name!r} has a {spec.get('StreamViewType')} stream; the indexer needs "
            f"{STREAM_VIEW_TYPE} (disable the stream and enable it again)"
        )
    deadline = time.monotonic() + timeout
    while True:
        description = table.describe()
        arn = description.get("LatestStreamArn")
        if arn and description["TableStatus"] == "ACTIVE":
            return str(arn)
        if time.monotonic() > deadline:
            raise ContactKitError(f"the stream of {table.name!r} was not ready in {timeout} s")
        time.sleep(0.1)


@dataclass(frozen=True)
class Change:
    """One stream record: what happened to which item, with the item before and after."""

    event: str  # "INSERT", "MODIFY" or "REMOVE"
    sequence: str
    keys: PlainItem
    old: PlainItem | None
    new: PlainItem | None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Change:
        data = record["dynamodb"]
        old, new = data.get("OldImage"), data.get("NewImage")
        return cls(
            event=str(record["eventName"]),
            sequence=str(data["SequenceNumber"]),
            keys=deserialize(dict(data["Keys"])),
            old=deserialize(dict(old)) if old else None,
            new=deserialize(dict(new)) if new else None,
        )


class StreamReader:
    """Reads a stream's new records, every shard, resuming after its checkpoint.

    ``streams_client`` is ``db.streams`` (a :class:`~contactkit.dynamo.client.DynamoClient`) or
    the plain boto3 client ``db.streams_client``, which is wrapped in one. ``checkpoint`` maps
    shard ids to the last sequence number read; pass a saved one to resume.
    """

    def __init__(
        self,
        streams_client: DynamoClient[BaseClient] | BaseClient | None,
        stream_arn: str,
        checkpoint: Mapping[str, str] | None = None,
    ) -> None:
        if streams_client is None:
            raise ContactKitError("this connection has no DynamoDB Streams client")
        # Every request goes through the wrapper, where botocore's errors are translated.
        self.streams: DynamoClient[BaseClient] = (
            streams_client
            if isinstance(streams_client, DynamoClient)
            else DynamoClient(streams_client)
        )
        self.client = self.streams.raw
        self.stream_arn = stream_arn
        self.checkpoint: dict[str, str] = dict(checkpoint or {})

    def _shards(self) -> Iterator[str]:
        request: dict[str, Any] = {"StreamArn": self.stream_arn}
        while True:
            description = self.streams.call("DescribeStream", **request)["StreamDescription"]
            for shard in description.get("Shards", []):
                yield str(shard["ShardId"])
            last = description.get("LastEvaluatedShardId")
            if not last:
                return
            request["ExclusiveStartShardId"] = last

    def read(self) -> list[Change]:
        """Every record written since the checkpoint (and move the checkpoint past them)."""
        changes: list[Change] = []
        for shard_id in self._shards():
            position: dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
            if shard_id in self.checkpoint:
                position = {
                    "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                    "SequenceNumber": self.checkpoint[shard_id],
                }
            iterator = self.streams.call(
                "GetShardIterator", StreamArn=self.stream_arn, ShardId=shard_id, **position
            ).get("ShardIterator")
            while iterator:
                page = self.streams.call(
                    "GetRecords", ShardIterator=iterator, Limit=MAX_RECORDS_PER_CALL
                )
                records = page.get("Records", [])
                if not records:
                    break  # an open shard: nothing new yet
                for record in records:
                    change = Change.from_record(record)
                    changes.append(change)
                    self.checkpoint[shard_id] = change.sequence
                iterator = page.get("NextShardIterator")
        return changes


def _fields(values: Mapping[str, Any]) -> SearchFields:
    return SearchFields(
        first_name=values.get("first_name", ""),
        last_name=values.get("last_name", ""),
        email=values.get("email", ""),
        name=values.get("name"),
        company=values.get("company"),
        job_title=values.get("job_title"),
    )


class SearchIndex:
    """An in-memory inverted index of contacts per org, searched by word prefix.

    The stand-in for a search service: it holds the searchable fields of each contact and
    ranks with the same rules as ``org.search`` (:mod:`contactkit.contacts.search`).
    """

    def __init__(self) -> None:
        self._docs: dict[tuple[str, str], tuple[int, SearchFields]] = {}
        self._postings: dict[str, dict[str, set[str]]] = {}  # org -> token -> contact ids
        self._sorted: dict[str, list[str]] = {}  # org -> sorted tokens, for prefix lookups

    def __len__(self) -> int:
        return len(self._docs)

    def version(self, org_id: str, contact_id: str) -> int | None:
        """The version of the contact the index holds, or ``None``."""
        doc = self._docs.get((org_id, contact_id))
        return doc[0] if doc else None

    def put(self, org_id: str, contact_id: str, version: int, fields: SearchFields) -> None:
        """Index (or re-index) one contact."""
        self.remove(org_id, contact_id)
        self._docs[(org_id, contact_id)] = (version, fields)
        postings = self._postings.setdefault(org_id, {})
        for token in fields.name_tokens() + fields.other_tokens():
            if token not in postings:
                postings[token] = set()
                bisect.insort(self._sorted.setdefault(org_id, []), token)
            postings[token].add(contact_id)

    def remove(self, org_id: str, contact_id: str) -> None:
        """Forget one contact (nothing happens if it is not indexed)."""
        doc = self._docs.pop((org_id, contact_id), None)
        if doc is None:
            return
        postings = self._postings[org_id]
        for token in set(doc[1].name_tokens() + doc[1].other_tokens()):
            ids = postings.get(token)
            if ids is None:
                continue
            ids.discard(contact_id)
            if not ids:
                del postings[token]
                tokens = self._sorted[org_id]
                del tokens[bisect.bisect_left(tokens, token)]

    def _prefixed(self, org_id: str, word: str) -> set[str]:
        tokens = self._sorted.get(org_id, [])
        found: set[str] = set()
        for position in range(bisect.bisect_left(tokens, word), len(tokens)):
            if not tokens[position].startswith(word):
                break
            found |= self._postings[org_id][tokens[position]]
        return found

    def search(self, org_id: str, term: str, *, limit: int = 25) -> list[str]:
        """Ids of the org's contacts matching every word of ``term``, best first."""
        words = query_words(term)
        candidates = set.intersection(*(self._prefixed(org_id, w) for w in words))
        scored = [(score_fields(words, self._docs[(org_id, cid)][1]), cid) for cid in candidates]
        return [cid for _, cid in sorted(scored, key=lambda pair: (-pair[0], pair[1]))[:limit]]


@dataclass(frozen=True)
class SyncReport:
    """What one :meth:`SearchIndexer.sync` read from the stream and did with it."""

    records: int  # stream records read (every item type)
    applied: int  # contact changes applied to the index
    skipped: int  # contact changes older than what the index holds (replays)
    ignored: int  # records of other item types (tags, claims, tokens ...)


class SearchIndexer:
    """Applies a table's contact changes, read from its stream, to a :class:`SearchIndex`."""

    def __init__(self, reader: StreamReader, index: SearchIndex | None = None) -> None:
        self.reader = reader
        self.index = index if index is not None else SearchIndex()
        # Contact ids are never reused, so a removal is final: replayed older images stay out.
        self._removed: dict[tuple[str, str], int] = {}

    def apply(self, change: Change) -> str:
        """Apply one change: ``"applied"``, ``"skipped"`` (stale) or ``"ignored"`` (no contact)."""
        image = change.new or change.old or {}
        if image.get("type") != CONTACT_TYPE:
            return "ignored"
        org_id, contact_id = str(image["org_id"]), str(image["id"])
        key = (org_id, contact_id)
        if change.new is None:
            if key in self._removed:
                return "skipped"
            self.index.remove(org_id, contact_id)
            self._removed[key] = int(image.get("version", 1))
            return "applied"
        version = int(change.new.get("version", 1))
        held = self.index.version(org_id, contact_id)
        if key in self._removed or (held is not None and held >= version):
            return "skipped"  # replayed or out of order: never go back to an older version
        self.index.put(org_id, contact_id, version, _fields(change.new))
        return "applied"

    def apply_all(self, changes: Iterable[Change]) -> SyncReport:
        outcomes = [self.apply(change) for change in changes]
        return SyncReport(
            records=len(outcomes),
            applied=outcomes.count("applied"),
            skipped=outcomes.count("skipped"),
            ignored=outcomes.count("ignored"),
        )

    def sync(self) -> SyncReport:
        """Read what the stream has since the last sync and apply it."""
        return self.apply_all(self.reader.read())

    def rebuild(self, org: OrgStore) -> int:
        """Index every contact of ``org`` from the table (after losing the stream's history)."""
        count = 0
        for contact in org.iter_pages(org.list, limit=100):
            fields = SearchFields(
                first_name=contact.first_name or "",
                last_name=contact.last_name or "",
                name=contact.name,
                email=contact.email,
                company=contact.company,
                job_title=contact.job_title,
            )
            self.index.put(org.org_id, contact.id, contact.version, fields)
            count += 1
        return count
