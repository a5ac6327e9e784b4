"""Search: tokens and ranking (pure), the token index kept in sync, backfill, fuzzy search."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import contactkit as ck
from contactkit.contacts import search
from contactkit.contacts.search import (
    SearchFields,
    contact_tokens,
    email_words,
    query_words,
    restates,
    score_tokens,
    words,
)
from contactkit.dynamo import limits
from tests.conftest import items_of_type

# -- pure ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tech-Corp Inc.", ["tech", "corp", "inc"]),
        ("john.doe@example.com", ["john", "doe", "example", "com"]),
        ("Müller & Söhne", ["muller", "sohne"]),
        ("O'Brien", ["o", "brien"]),
        ("", []),
        (None, []),
    ],
)
def test_words_fold_and_split(text: str | None, expected: list[str]) -> None:
    assert words(text) == expected


def test_query_words_need_letters() -> None:
    with pytest.raises(ck.ValidationError) as exc:
        query_words(" -- ")
    assert exc.value.field == "term"
    assert query_words("Tech tech TECH corp") == ["tech", "corp"]


def test_contact_tokens_names_first_distinct_and_capped() -> None:
    fields = SearchFields(
        "John",
        "Smith",
        "john@smith.example",
        company="Smith & Sons",
        job_title=" ".join(f"word{n}" for n in range(40)),
    )
    tokens = contact_tokens(fields)
    assert tokens[:2] == ("john", "smith")
    assert len(tokens) == len(set(tokens)) == limits.MAX_SEARCH_TOKENS


@given(st.text(max_size=300))
def test_tokens_never_contain_the_separator(text: str) -> None:
    assert all("#" not in w and w for w in words(text))


def test_scores_rank_exact_names_above_prefixes_and_other_fields() -> None:
    exact_name = score_tokens(["smith"], ["smith"], {"smith"})
    prefix_name = score_tokens(["smith"], ["smithers"], {"smithers"})
    exact_other = score_tokens(["smith"], ["smith"], set())
    assert exact_name > prefix_name and exact_name > exact_other
    assert score_tokens(["smith", "acme"], ["smith"], {"smith"}) == 0  # every word must match


# -- the store ------------------------------------------------------------------------------


def add(org: ck.OrgStore, first: str, last: str, **fields: Any) -> ck.Contact:
    email = fields.pop("email", f"{first}.{last}@example.com".lower().replace("'", ""))
    return org.add(first_name=first, last_name=last, email=email, **fields)


@pytest.fixture
def people(org: ck.OrgStore) -> dict[str, ck.Contact]:
    return {
        "alice": add(org, "Alice", "Johnson", company="Tech Corp", job_title="Software Engineer"),
        "bob": add(org, "Bob", "Smith", company="Design Studio", job_title="Creative Director"),
        "carol": add(
            org, "Carol", "Williams", company="Marketing Inc", job_title="Marketing Manager"
        ),
        "john": add(org, "John", "Smith", company="Acme", job_title="CTO at a technology firm"),
        "jose": add(org, "José", "Tech", company="Zed"),
    }


def names(page: Any) -> list[str]:
    return [c.full_name for c in page]


@pytest.mark.parametrize("use_index", [True, False])
def test_search_by_word_prefix_ranked(
    org: ck.OrgStore, people: dict[str, ck.Contact], use_index: bool
) -> None:
    # "tech": a last name first, then an exact company word, then a prefix in a job title.
    assert names(org.search("tech", use_index=use_index)) == [
        "José Tech",
        "Alice Johnson",
        "John Smith",
    ]
    assert names(org.search("SMITH", use_index=use_index)) == ["Bob Smith", "John Smith"]
    assert names(org.search("smith design", use_index=use_index)) == ["Bob Smith"]
    assert names(org.search("jose", use_index=use_index)) == ["José Tech"]
    assert names(org.search("nobody", use_index=use_index)) == []


def test_search_pages_with_cursors(org: ck.OrgStore) -> None:
    for n in range(7):
        add(org, f"Person{n}", "Common")
    first = org.search("common", limit=3)
    assert len(first) == 3 and first.next_cursor is not None
    seen = [c.id for c in org.iter_pages(org.search, "common", limit=3)]
    assert len(seen) == len(set(seen)) == 7
    with pytest.raises(ck.InvalidCursorError):
        org.search("other", cursor=first.next_cursor)


def test_search_never_reads_another_org(table: ck.Table) -> None:
    add(table.org("org-a"), "Alice", "Tech")
    assert names(table.org("org-b").search("tech")) == []
    assert names(table.org("org-b").search("tech", use_index=False)) == []
    assert names(table.org("org-b").search("alce tech", fuzzy=True)) == []


def test_index_follows_updates_and_deletes(
    table: ck.Table, org: ck.OrgStore, people: dict[str, ck.Contact]
) -> None:
    org.update(people["bob"].id, company="Tech Partners", last_name="Smythe")
    assert "Bob Smythe" in names(org.search("tech partners"))
    # Bob's email still says smith: a name match ranks above it
    assert names(org.search("smith")) == ["John Smith", "Bob Smythe"]
    org.delete(people["bob"].id)
    assert "Bob Smythe" not in names(org.search("tech"))
    tokens = items_of_type(table, "token")
    assert all(people["bob"].id not in t["SK"] for t in tokens)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("jon smth", "John Smith"),
        ("alise jonson", "Alice Johnson"),
        ("carol wiliams", "Carol Williams"),
    ],
)
def test_fuzzy_search_tolerates_typos(
    org: ck.OrgStore, people: dict[str, ck.Contact], term: str, expected: str
) -> None:
    assert names(org.search(term, fuzzy=True))[0] == expected


def test_backfill_builds_the_index_for_older_contacts(
    table: ck.Table, org: ck.OrgStore, people: dict[str, ck.Contact]
) -> None:
    for token in items_of_type(table, "token"):  # simulate contacts stored before the index
        table.client.delete_item(
            TableName=table.name, Key={"PK": {"S": token["PK"]}, "SK": {"S": token["SK"]}}
        )
    assert names(org.search("tech")) == []
    assert org.backfill_search_index() == len(people)
    assert names(org.search("tech")) == ["José Tech", "Alice Johnson", "John Smith"]
    count = len(items_of_type(table, "token"))
    assert org.backfill_search_index() == len(people)  # idempotent: run it again safely
    assert len(items_of_type(table, "token")) == count


# -- stop-words, short words, stable pages ---------------------------------------------------


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("john.doe@example.com", ["john", "doe"]),
        ("ada.l@mail.acme.co.uk", ["ada", "acme"]),
        ("info@www.gmail.com", ["info"]),
        ("x@acme.de", ["acme"]),
        (None, []),
    ],
)
def test_email_words_leave_out_web_noise(email: str | None, expected: list[str]) -> None:
    assert email_words(email) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("jsmith", True), ("johnsmith", True), ("smith42", True), ("sjs", True), ("jones", False)],
)
def test_address_words_restating_the_name(word: str, expected: bool) -> None:
    assert restates(word, ["john", "smith"]) is expected


def test_tokens_leave_out_stop_words_and_one_letter_words() -> None:
    fields = SearchFields(
        "J", "Smith", "jsmith@example.com", company="Acme Inc", job_title="Head of Sales"
    )
    assert contact_tokens(fields) == ("smith", "acme", "head", "sales")


@pytest.mark.parametrize("term", ["a", "J.", "a b"])
def test_a_term_without_a_two_letter_word_is_refused(org: ck.OrgStore, term: str) -> None:
    with pytest.raises(ck.ValidationError, match="at least 2 letters") as exc:
        org.search(term)
    assert exc.value.field == "term"


def test_short_words_are_ignored_beside_longer_ones() -> None:
    assert query_words("j smith") == ["smith"]
    assert query_words("李") == ["李"]  # one CJK character is a word


@pytest.mark.parametrize("use_index", [True, False])
def test_stop_words_find_names_not_addresses(
    org: ck.OrgStore, people: dict[str, ck.Contact], use_index: bool
) -> None:
    add(org, "Example", "Person", email="someone@other.example")
    # Every contact has an address at example.com; only the name says "example".
    assert names(org.search("example", use_index=use_index)) == ["Example Person"]
    assert names(org.search("inc", use_index=use_index)) == []  # "Marketing Inc"
    assert names(org.search("marketing", use_index=use_index)) == ["Carol Williams"]


def test_search_pages_skip_no_contact_when_another_is_deleted(org: ck.OrgStore) -> None:
    added = [add(org, f"Person{n}", "Common") for n in range(7)]
    first = org.search("common", limit=3)
    shown = [c.id for c in first]
    org.delete(shown[0])  # a contact already seen goes away between pages
    rest: list[str] = []
    cursor = first.next_cursor
    while cursor is not None:
        page = org.search("common", limit=3, cursor=cursor)
        rest.extend(c.id for c in page)
        cursor = page.next_cursor
    assert sorted(shown + rest) == sorted(c.id for c in added)  # with an offset: one skipped
    assert not set(shown) & set(rest)


@given(st.text())
def test_long_enough_counts_wide_characters_twice_in_any_word(word: str) -> None:
    width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in word)
    assert search.long_enough(word) is (width >= search.MIN_WORD_CHARS)


@given(st.text())
def test_words_are_the_same_asked_twice(text: str) -> None:
    first = search.words(text)
    first.append("mutated by a caller")
    assert search.words(text) == first[:-1]
