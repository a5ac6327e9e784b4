"""Streams: the embedded engine serves them, and the indexer keeps a search index in sync."""

from __future__ import annotations

import pytest

import contactkit as ck
from contactkit.contacts.search import SearchFields
from contactkit.ops.streams import Change, SearchIndex, SearchIndexer, StreamReader, enable_stream


@pytest.fixture
def indexed(table: ck.Table) -> tuple[ck.OrgStore, SearchIndexer]:
    arn = enable_stream(table)
    return table.org("org-a"), SearchIndexer(StreamReader(table.db.streams_client, arn))


def test_enable_stream_is_idempotent(table: ck.Table) -> None:
    first = enable_stream(table)
    assert enable_stream(table) == first
    assert table.describe()["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


def test_reader_returns_each_record_once_and_resumes(table: ck.Table) -> None:
    arn = enable_stream(table)
    org = table.org("org-a")
    reader = StreamReader(table.db.streams_client, arn)
    org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    first = reader.read()
    assert [c.event for c in first if c.keys["SK"].startswith("CONTACT#")] == ["INSERT"]
    assert reader.read() == []
    org.add(first_name="Bob", last_name="Smith", email="bob@example.com")
    resumed = StreamReader(table.db.streams_client, arn, reader.checkpoint).read()
    assert resumed and all(c not in first for c in resumed)


def test_indexer_follows_adds_updates_and_deletes(
    indexed: tuple[ck.OrgStore, SearchIndexer],
) -> None:
    org, indexer = indexed
    ada = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    bob = org.add(first_name="Bob", last_name="Smith", email="bob@example.com", company="Tech")
    report = indexer.sync()
    assert (report.applied, report.skipped) == (2, 0)
    assert report.ignored == report.records - 2  # claims and tokens are not contacts
    assert indexer.index.search("org-a", "love") == [ada.id]
    org.update(ada.id, company="Tech Analytical")
    org.delete(bob.id)
    indexer.sync()
    assert indexer.index.search("org-a", "tech") == [ada.id]
    assert indexer.index.search("org-a", "smith") == []
    assert indexer.index.search("org-b", "love") == []  # other orgs see nothing
    assert len(indexer.index) == 1


def test_replaying_the_whole_stream_changes_nothing(
    indexed: tuple[ck.OrgStore, SearchIndexer],
) -> None:
    org, indexer = indexed
    ada = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    org.update(ada.id, last_name="King")
    gone = org.add(first_name="Gone", last_name="Soon", email="gone@example.com")
    org.delete(gone.id)
    arn = indexer.reader.stream_arn
    every = StreamReader(org.table.db.streams_client, arn).read()
    indexer.apply_all(every)
    state = (indexer.index.search("org-a", "king"), indexer.index.version("org-a", ada.id))
    replay = indexer.apply_all(every)
    assert (replay.applied, replay.skipped) == (0, 4)  # add, update, add, delete
    assert (indexer.index.search("org-a", "king"), indexer.index.version("org-a", ada.id)) == state
    assert indexer.index.search("org-a", "lovelace") == []
    assert indexer.index.search("org-a", "soon") == []


def test_rebuild_indexes_the_table(table: ck.Table) -> None:
    org = table.org("org-a")
    ada = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    indexer = SearchIndexer(StreamReader(table.db.streams_client, "arn:unused"))
    assert indexer.rebuild(org) == 1
    assert indexer.index.search("org-a", "ada") == [ada.id]


@pytest.mark.parametrize(
    ("term", "expected"),
    [("jo", ["1", "2"]), ("john", ["1", "2"]), ("johnson", ["2"]), ("jo sm", ["1"]), ("xy", [])],
)
def test_search_index_ranks_like_org_search(term: str, expected: list[str]) -> None:
    index = SearchIndex()
    index.put("org-a", "1", 1, SearchFields("John", "Smith", "js@example.com"))
    index.put("org-a", "2", 1, SearchFields("Mary", "Johnson", "mj@example.com"))
    assert sorted(index.search("org-a", term)) == expected
    index.remove("org-a", "1")
    index.remove("org-a", "1")
    assert "1" not in index.search("org-a", "jo")


def test_search_index_refuses_a_term_too_short_like_org_search() -> None:
    with pytest.raises(ck.ValidationError, match="at least 2 letters"):
        SearchIndex().search("org-a", "x")


def test_change_from_a_remove_record() -> None:
    record = {
        "eventName": "REMOVE",
        "dynamodb": {
            "SequenceNumber": "7",
            "Keys": {"PK": {"S": "p"}, "SK": {"S": "s"}},
            "OldImage": {"PK": {"S": "p"}, "SK": {"S": "s"}, "version": {"N": "3"}},
        },
    }
    change = Change.from_record(record)
    assert (change.event, change.sequence, change.new) == ("REMOVE", "7", None)
    assert change.old is not None and change.old["version"] == 3


def test_reader_needs_a_streams_client() -> None:
    with pytest.raises(ck.ContactKitError, match="Streams"):
        StreamReader(None, "arn")


def test_reader_takes_the_wrapped_client_and_names_failed_operations(table: ck.Table) -> None:
    arn = enable_stream(table)
    reader = StreamReader(table.db.streams, arn)
    assert reader.streams is table.db.streams and reader.client is table.db.streams_client
    table.org("org-a").add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    assert reader.read()
    with pytest.raises(ck.BackendError, match=r"^DescribeStream failed: "):
        StreamReader(table.db.streams_client, "arn:too-short").read()  # botocore refuses it
