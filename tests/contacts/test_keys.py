"""Key construction: validation, key safety and DynamoDB's key sizes."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contactkit.contacts import keys
from contactkit.errors import ValidationError

CONTACT_ID = "01KE6Z5Q8M3V4W5X6Y7Z8A9B0C"
OTHER_ID = "01KE6Z5Q8M3V4W5X6Y7Z8A9B0D"
MAX_ORG_ID = "org-" + "a" * 60

# DynamoDB's documented limits, written out here so the tests do not trust the package's constants.
PARTITION_KEY_LIMIT = 2048
SORT_KEY_LIMIT = 1024

org_ids = st.from_regex(keys.ORG_ID_PATTERN, fullmatch=True)
contact_ids = st.from_regex(keys.CONTACT_ID_PATTERN, fullmatch=True)
# Text that is easy to confuse once escaped: separators, escape characters and their codes.
tricky_text = st.text(alphabet="#%23Hab", max_size=12)
# Characters whose UTF-8 or NFKD form is much longer than one byte.
heavy_chars = st.sampled_from(["#", "%", "é", "ß", "中", "😀", "ﷺ", "\u0301", "a"])


@st.composite
def long_text(draw: st.DrawFn) -> str:
    """1,000-5,000 characters mixing ``#``, ``%`` and multi-byte characters."""
    unit = draw(st.lists(heavy_chars, min_size=1, max_size=20)).copy()
    length = draw(st.integers(min_value=1000, max_value=5000))
    text = "".join(unit) * (length // len(unit) + 1)
    return text[:length]


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def terminated_prefix_clash(a: str, b: str) -> bool:
    """True if the key of ``a`` (ended by the separator) equals or begins the key of ``b``."""
    return (keys.exact(b) + "#").startswith(keys.exact(a) + "#")


# --- org and contact ids ------------------------------------------------------------------


@pytest.mark.parametrize(
    "org_id", ["org-a", "org-1", "org-a1b2c3d4", "org-acme-corp", "org-a-b-c", MAX_ORG_ID]
)
def test_valid_org_ids_are_returned_unchanged(org_id: str) -> None:
    assert keys.validate_org_id(org_id) == org_id


@pytest.mark.parametrize(
    "org_id",
    [
        "Org-acme",  # uppercase prefix
        "org-Acme",  # uppercase letter
        "ORG-ACME",
        "acme",  # missing org-
        "org_acme",
        "org-",  # nothing after the prefix
        "org-acme#x",  # the separator
        "org-a#EMAIL#b",
        "org-acme-",  # trailing dash
        "org--acme",  # leading dash
        "org-" + "a" * 61,  # too long
        "org-acme corp",
        "org-acmé",
        "org-acme\n",  # a trailing newline must not slip past the pattern's end anchor
        "",
    ],
)
def test_invalid_org_ids_are_rejected(org_id: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        keys.validate_org_id(org_id)
    assert excinfo.value.field == "org_id"


@pytest.mark.parametrize("org_id", [None, 123, b"org-acme", ["org-acme"]])
def test_non_string_org_ids_are_rejected(org_id: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        keys.validate_org_id(org_id)  # type: ignore[arg-type]
    assert excinfo.value.field == "org_id"


@given(org_ids)
def test_generated_org_ids_never_contain_the_separator(org_id: str) -> None:
    assert keys.validate_org_id(org_id) == org_id
    assert "#" not in org_id


@pytest.mark.parametrize("contact_id", [CONTACT_ID, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "0" * 26])
def test_valid_contact_ids_are_returned_unchanged(contact_id: str) -> None:
    assert keys.validate_contact_id(contact_id) == contact_id


@pytest.mark.parametrize(
    "contact_id",
    [
        CONTACT_ID.lower(),
        CONTACT_ID[:-1],  # 25 characters
        CONTACT_ID + "A",  # 27 characters
        "01ARZ3NDEKTSV4RRFFQ69G5FAI",  # I, L, O and U are not Crockford base32
        "01ARZ3NDEKTSV4RRFFQ69G5FAL",
        "01ARZ3NDEKTSV4RRFFQ69G5FAO",
        "01ARZ3NDEKTSV4RRFFQ69G5FAU",
        "01ARZ3NDEKTSV4RRFFQ69G5FA#",
        "CONTACT#" + CONTACT_ID,
        CONTACT_ID + "\n",
        "",
        None,
        42,
    ],
)
def test_invalid_contact_ids_are_rejected(contact_id: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        keys.validate_contact_id(contact_id)  # type: ignore[arg-type]
    assert excinfo.value.field == "id"


# --- escape and exact ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [("#", "%23"), ("%", "%25"), ("c", "c#"), ("a#b", "a%23b"), ("%23", "%2523"), ("", "#")],
)
def test_escape_keeps_look_alike_values_apart(a: str, b: str) -> None:
    assert keys.escape(a) != keys.escape(b)
    assert "#" not in keys.escape(a) + keys.escape(b)


@given(st.text())
def test_escape_never_contains_the_separator(value: str) -> None:
    assert "#" not in keys.escape(value)


@given(st.one_of(st.text(), tricky_text), st.one_of(st.text(), tricky_text))
def test_escape_is_injective(a: str, b: str) -> None:
    assume(a != b)
    assert keys.escape(a) != keys.escape(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("c", "c#"),
        ("c", "c%23"),
        ("c#", "c%23"),
        ("", "#"),
        ("vip", "vip#x"),
        ("x" * 900, "x" * 901),  # the last unshortened value and the first shortened one
        ("x" * 2000, "x" * 2001),
        ("x" * 2000, "x" * 1999 + "y"),  # same first 900 bytes, different ends
        ("#" * 300, "#" * 301),  # 900 escaped bytes exactly, then one more
    ],
)
def test_exact_keys_of_different_values_never_clash(a: str, b: str) -> None:
    assert keys.exact(a) != keys.exact(b)
    assert not terminated_prefix_clash(a, b)
    assert not terminated_prefix_clash(b, a)


@given(st.one_of(st.text(), tricky_text), st.one_of(st.text(), tricky_text))
def test_exact_keys_are_prefix_free(a: str, b: str) -> None:
    assume(a != b)
    assert keys.exact(a) != keys.exact(b)
    assert not terminated_prefix_clash(a, b)
    assert not terminated_prefix_clash(b, a)


@settings(deadline=None)
@given(long_text(), st.text(max_size=5), st.text(max_size=5))
def test_long_values_sharing_a_long_head_never_clash(head: str, end_a: str, end_b: str) -> None:
    a, b = head + end_a, head + end_b
    assume(a != b)
    assert keys.exact(a) != keys.exact(b)
    assert not terminated_prefix_clash(a, b)
    assert not terminated_prefix_clash(b, a)


@settings(deadline=None)
@given(st.one_of(long_text(), st.text()), st.one_of(long_text(), st.text()))
def test_long_and_short_values_never_clash(a: str, b: str) -> None:
    assume(a != b)
    assert not terminated_prefix_clash(a, b)
    assert not terminated_prefix_clash(b, a)


@settings(deadline=None)
@given(long_text())
def test_long_values_are_shortened_deterministically_with_a_sha256(value: str) -> None:
    encoded = keys.exact(value)
    assert encoded == keys.exact(value)
    assert "#" not in encoded
    assert utf8_len(encoded) <= 900
    if utf8_len(keys.escape(value)) > 900:
        assert encoded.endswith("%H" + hashlib.sha256(value.encode("utf-8")).hexdigest())
    else:
        assert encoded == keys.escape(value)


def test_a_value_spelling_out_another_values_shortened_key_does_not_collide_with_it() -> None:
    long_value = "x" * 2000
    forged = keys.exact(long_value)  # contains %H and a digest
    assert keys.exact(forged) != keys.exact(long_value)
    assert not terminated_prefix_clash(forged, long_value)
    assert not terminated_prefix_clash(long_value, forged)


def test_shortening_never_splits_an_escape_sequence() -> None:
    # 899 bytes of "%" escapes are 2,697 bytes; the head must end on a whole "%25".
    head = keys.exact("%" * 899).split("%H")[0]
    assert head == "%25" * (len(head) // 3)


# --- tags ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("queried", "other"),
    [("c", "c#"), ("c", "c%23"), ("c", "c#CONTACT#x"), ("vip", "vip#"), ("", "#"), ("a", "ab")],
)
def test_tag_prefix_matches_no_other_tag(queried: str, other: str) -> None:
    assert keys.tag_sort_key(queried, CONTACT_ID).startswith(keys.tag_prefix(queried))
    assert not keys.tag_sort_key(other, CONTACT_ID).startswith(keys.tag_prefix(queried))


@given(st.one_of(st.text(max_size=50), tricky_text), st.one_of(st.text(max_size=50), tricky_text))
def test_tag_prefix_matches_exactly_the_tags_equal_to_it(queried: str, other: str) -> None:
    member = keys.tag_sort_key(other, CONTACT_ID).startswith(keys.tag_prefix(queried))
    assert member == (keys.fold_tag(queried) == keys.fold_tag(other))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("VIP", "vip"),
        ("Vip", "vIP"),
        ("Straße", "STRASSE"),
        ("\uff36\uff49\uff50", "vip"),  # fullwidth "Vip"
    ],
)
def test_tags_equal_ignoring_case_share_a_prefix(a: str, b: str) -> None:
    assert keys.tag_prefix(a) == keys.tag_prefix(b)
    assert keys.tag_sort_key(b, CONTACT_ID).startswith(keys.tag_prefix(a))


def test_tag_sort_keys_of_one_tag_differ_by_contact() -> None:
    assert keys.tag_sort_key("vip", CONTACT_ID) != keys.tag_sort_key("vip", OTHER_ID)


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Müller", "muller"),
        ("O'Brien", "obrien"),
        ("van der Berg", "vanderberg"),
        ("José", "jose"),
        ("Zoë", "zoe"),
        ("Ångström", "angstrom"),
        ("François", "francois"),
        ("Dvořák", "dvorak"),
        ("ÉLODIE", "elodie"),
        ("Smith-Jones", "smithjones"),
        ("Smith#Jones", "smithjones"),
        ("  ", ""),
    ],
)
def test_fold_name(name: str, folded: str) -> None:
    assert keys.fold_name(name) == folded


@given(st.one_of(st.text(), st.text(st.characters(max_codepoint=127))))
def test_fold_name_takes_a_short_cut_for_ascii_only_where_it_folds_alike(name: str) -> None:
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert keys.fold_name(name) == "".join(ch for ch in stripped.casefold() if ch.isalnum())


@pytest.mark.parametrize("address", ["Ada@Example.com", "not an address", "x@xn--bcher-kva.de"])
def test_email_parts_is_what_email_validator_says(address: str) -> None:
    parts = keys.email_parts(address)
    try:
        valid = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        assert parts == str(exc)
    else:
        assert parts == (valid.local_part, valid.domain)


@given(st.text())
def test_fold_name_keeps_only_letters_and_digits(name: str) -> None:
    folded = keys.fold_name(name)
    assert "#" not in folded
    assert all(ch.isalnum() for ch in folded)


@pytest.mark.parametrize(
    ("query", "last", "first", "matches"),
    [
        ("smith, j", "Smith", "John", True),
        ("smith, j", "Smithj", "Ann", False),
        ("smith, j", "Smith", "Ann", False),
        ("smi", "Smith", "John", True),
        ("smi", "Smithers", "Ann", True),
        ("smith", "Smithers", "Ann", True),
        ("smith,", "Smith", "John", True),
        ("smith,", "Smithers", "Ann", False),
        ("Smith, John", "smith", "john", True),
        ("SMITH,JOHN", "Smith", "Johnny", True),
        ("o'brien", "O'Brien", "Pat", True),
        ("muller", "Müller", "Hans", True),
        ("Müller, h", "MULLER", "Hans", True),
        ("van der", "Van Der Berg", "Jan", True),
        ("smith#j", "Smithj", "Ann", True),  # no comma: the whole query is a last-name prefix
        ("smith#j", "Smith", "John", False),
    ],
)
def test_name_prefix(query: str, last: str, first: str, matches: bool) -> None:
    sort_key = keys.name_sort_key(last, first, CONTACT_ID)
    assert sort_key.startswith(keys.name_prefix(query)) is matches


names_without_commas = st.text(alphabet=st.characters(exclude_characters=","), max_size=30)


@given(names_without_commas, names_without_commas, names_without_commas)
def test_last_name_query_with_comma_matches_only_that_last_name(
    queried_last: str, last: str, first: str
) -> None:
    assume(utf8_len(keys.fold_name(last)) <= 400)
    sort_key = keys.name_sort_key(last, first, CONTACT_ID)
    matches = sort_key.startswith(keys.name_prefix(queried_last + ","))
    assert matches == (keys.fold_name(queried_last) == keys.fold_name(last))


@given(names_without_commas, names_without_commas)
def test_full_name_query_matches_its_own_sort_key(last: str, first: str) -> None:
    assume(utf8_len(keys.fold_name(last)) <= 400 and utf8_len(keys.fold_name(first)) <= 400)
    sort_key = keys.name_sort_key(last, first, CONTACT_ID)
    assert sort_key.startswith(keys.name_prefix(f"{last}, {first}"))
    assert sort_key.startswith(keys.name_prefix(last))


def test_name_sort_keys_order_by_last_name_then_first_name() -> None:
    # Folding drops spaces, so "Van Der" sorts as "vander": after "Vance" (letter by letter).
    expected = [
        ("Van", "Anna"),
        ("Van", "Zed"),  # a first name never pushes a last name past a longer one
        ("Vance", "Adam"),
        ("Vance", "Bob"),
        ("Van Der", "Al"),
        ("van der Berg", "Jan"),
        ("Vanderbilt", "Amy"),
    ]
    shuffled = [expected[i] for i in (3, 6, 0, 5, 2, 4, 1)]
    ids = {name: f"{CONTACT_ID[:-2]}{i:02d}" for i, name in enumerate(shuffled)}
    by_key = sorted(shuffled, key=lambda name: keys.name_sort_key(*name, ids[name]))
    assert by_key == expected


@given(st.lists(st.tuples(names_without_commas, names_without_commas), min_size=2, max_size=8))
def test_name_sort_keys_sort_like_folded_last_then_first(names: list[tuple[str, str]]) -> None:
    for last, first in names:
        assume(utf8_len(keys.fold_name(last)) <= 400 and utf8_len(keys.fold_name(first)) <= 400)
    rows = [(last, first, f"{CONTACT_ID[:-2]}{i:02d}") for i, (last, first) in enumerate(names)]
    by_key = sorted(rows, key=lambda row: keys.name_sort_key(*row))
    by_fields = sorted(rows, key=lambda r: (keys.fold_name(r[0]), keys.fold_name(r[1]), r[2]))
    assert by_key == by_fields


def test_equal_names_get_distinct_sort_keys() -> None:
    assert keys.name_sort_key("Smith", "John", CONTACT_ID) != keys.name_sort_key(
        "Smith", "John", OTHER_ID
    )


# --- emails and tenants --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Alice@Example.com", "alice@example.COM"),
        ("BOB@X.ORG", "bob@x.org"),
        ("  carol@example.com ", "Carol@Example.com"),
    ],
)
def test_emails_equal_ignoring_case_share_a_uniqueness_key(a: str, b: str) -> None:
    assert keys.uniqueness_key("org-acme", a) == keys.uniqueness_key("org-acme", b)
    assert keys.email_partition_key("org-acme", a) == keys.email_partition_key("org-acme", b)


ascii_emails = st.from_regex(
    r"[A-Za-z0-9._%+-]{1,30}@[A-Za-z0-9-]{1,20}\.[A-Za-z]{2,6}", fullmatch=True
)


@given(ascii_emails)
def test_email_case_never_changes_the_uniqueness_key(email: str) -> None:
    expected = keys.uniqueness_key("org-acme", email)
    assert keys.uniqueness_key("org-acme", email.swapcase()) == expected
    assert keys.uniqueness_key("org-acme", email.upper()) == expected


@given(st.one_of(ascii_emails, tricky_text), st.one_of(ascii_emails, tricky_text))
def test_different_emails_get_different_uniqueness_keys(a: str, b: str) -> None:
    assume(keys.normalise_email(a) != keys.normalise_email(b))
    assert keys.uniqueness_key("org-acme", a) != keys.uniqueness_key("org-acme", b)


@given(org_ids, org_ids, st.text(max_size=254))
def test_the_same_email_in_two_orgs_gets_different_keys(org_a: str, org_b: str, email: str) -> None:
    assume(org_a != org_b)
    assert keys.uniqueness_key(org_a, email) != keys.uniqueness_key(org_b, email)
    assert keys.email_partition_key(org_a, email) != keys.email_partition_key(org_b, email)


def test_an_email_cannot_reach_into_another_orgs_keys() -> None:
    # org-a's email "x#EMAIL#y" must not produce org-a's key for another value or another org.
    assert keys.email_partition_key("org-a", "x#EMAIL#y") != keys.email_partition_key("org-a", "x")
    assert not keys.email_partition_key("org-a", "x#EMAIL#y").startswith(
        keys.email_partition_key("org-a", "x") + "#"
    )


# --- key sizes -----------------------------------------------------------------------------

ARABIC_LIGATURE = "ﷺ"  # one character that NFKD expands to 18


def assert_within_limits(partition_key: str, sort_key: str) -> None:
    keys.check_key_sizes({"PK": partition_key, "SK": sort_key})
    assert utf8_len(partition_key) <= PARTITION_KEY_LIMIT
    assert utf8_len(sort_key) <= SORT_KEY_LIMIT


@pytest.mark.parametrize("char", [ARABIC_LIGATURE, "😀", "#", "%", "é", "ﾊﾟ", "㍿"])
def test_pathological_values_at_their_maximum_length_stay_within_key_limits(char: str) -> None:
    assert_within_limits(
        keys.email_partition_key(MAX_ORG_ID, char * 254),
        keys.UNIQUE_SORT_KEY,
    )
    unique = keys.uniqueness_key(MAX_ORG_ID, char * 254)
    assert_within_limits(unique["PK"], unique["SK"])
    assert_within_limits(keys.phone_partition_key(MAX_ORG_ID, char * 40), CONTACT_ID)
    assert_within_limits(
        keys.tenant_partition_key(MAX_ORG_ID), keys.tag_sort_key(char * 50, CONTACT_ID)
    )
    assert_within_limits(
        keys.tenant_partition_key(MAX_ORG_ID),
        keys.name_sort_key(char * 100, char * 100, CONTACT_ID),
    )


def test_the_arabic_ligature_really_expands() -> None:
    # Guards the test above: the ligature must be the pathological case it claims to be.
    assert utf8_len(keys.fold_name(ARABIC_LIGATURE * 100)) > 2 * SORT_KEY_LIMIT
    assert utf8_len(keys.fold_tag(ARABIC_LIGATURE * 50)) > SORT_KEY_LIMIT


@given(
    org_ids,
    contact_ids,
    st.text(max_size=254),
    st.text(max_size=40),
    st.text(max_size=50),
    st.text(max_size=100),
    st.text(max_size=100),
)
def test_every_key_stays_within_dynamodb_limits(
    org_id: str, contact_id: str, email: str, phone: str, tag: str, last: str, first: str
) -> None:
    unique = keys.uniqueness_key(org_id, email)
    assert_within_limits(unique["PK"], unique["SK"])
    assert_within_limits(keys.email_partition_key(org_id, email), keys.contact_sort_key(contact_id))
    assert_within_limits(keys.phone_partition_key(org_id, phone), keys.contact_sort_key(contact_id))
    assert_within_limits(keys.tenant_partition_key(org_id), keys.tag_sort_key(tag, contact_id))
    assert_within_limits(
        keys.tenant_partition_key(org_id), keys.name_sort_key(last, first, contact_id)
    )
    contact = keys.contact_key(org_id, contact_id)
    assert_within_limits(contact["PK"], contact["SK"])


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ({"PK": "p" * (PARTITION_KEY_LIMIT + 1), "SK": "s"}, "PK"),
        ({"PK": "é" * (PARTITION_KEY_LIMIT // 2 + 1), "SK": "s"}, "PK"),  # bytes, not characters
        ({"PK": "p", "SK": "s" * (SORT_KEY_LIMIT + 1)}, "SK"),
        ({"PK": "p", "SK": "😀" * (SORT_KEY_LIMIT // 4 + 1)}, "SK"),
    ],
)
def test_check_key_sizes_rejects_oversized_keys(key: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        keys.check_key_sizes(key)
    assert excinfo.value.field == field


def test_check_key_sizes_accepts_keys_at_the_limit() -> None:
    keys.check_key_sizes({"PK": "p" * PARTITION_KEY_LIMIT, "SK": "s" * SORT_KEY_LIMIT})


# --- the remaining fixed layouts -----------------------------------------------------------


def test_key_layouts() -> None:
    assert keys.contact_key("org-acme", CONTACT_ID) == {
        "PK": "ORG#org-acme",
        "SK": f"CONTACT#{CONTACT_ID}",
    }
    assert keys.uniqueness_key("org-acme", "Ann@X.org") == {
        "PK": "ORG#org-acme#EMAIL#ann@x.org",
        "SK": "UNIQUE",
    }
    assert keys.phone_partition_key("org-acme", "+15551234567") == "ORG#org-acme#PHONE#+15551234567"
    assert keys.favorites_partition_key("org-acme") == "ORG#org-acme#FAV"
    assert keys.tag_sort_key("VIP", CONTACT_ID) == f"TAG#vip#CONTACT#{CONTACT_ID}"
    assert keys.name_sort_key("Müller", "Zoë", CONTACT_ID) == f"muller#zoe#{CONTACT_ID}"
    assert (
        keys.activity_partition_key("org-acme", CONTACT_ID) == f"ORG#org-acme#CONTACT#{CONTACT_ID}"
    )
    assert (
        keys.activity_sort_key("2026-01-05T09:00:00.000Z", OTHER_ID)
        == f"ACTIVITY#2026-01-05T09:00:00.000Z#{OTHER_ID}"
    )


# -- fuzzing every user value that reaches a key ------------------------------------------------

any_text = st.one_of(st.text(), tricky_text, long_text())


@given(any_text, any_text, contact_ids)
def test_group_member_prefixes_match_exactly_the_members_of_that_group(
    a: str, b: str, contact_id: str
) -> None:
    member = keys.group_member_sort_key(b, contact_id)
    same = keys.fold_group(a) == keys.fold_group(b)
    assert member.startswith(keys.group_member_prefix(a)) == same
    assert (keys.group_sort_key(a) == keys.group_sort_key(b)) == same
    assert not keys.group_sort_key(b).startswith(keys.group_member_prefix(a))


@given(org_ids, org_ids, any_text, any_text)
def test_email_and_phone_keys_belong_to_one_org_and_one_value(
    org_a: str, org_b: str, a: str, b: str
) -> None:
    for key_of, same in [
        (keys.email_partition_key, keys.normalise_email(a) == keys.normalise_email(b)),
        (keys.phone_partition_key, a == b),
    ]:
        first, second = key_of(org_a, a), key_of(org_b, b)
        assert first.split(keys.SEPARATOR)[1] == org_a  # the org is never overwritten
        assert (first == second) == (org_a == org_b and same)
        if org_a != org_b or not same:
            assert not second.startswith(first + keys.SEPARATOR)


@given(any_text, contact_ids)
def test_search_tokens_never_hold_the_separator_and_split_back(text: str, contact_id: str) -> None:
    from contactkit.contacts.search import words

    for token in words(text):
        assert keys.SEPARATOR not in token
        assert keys.token_of(keys.search_sort_key(token, contact_id)) == (token, contact_id)


@given(any_text, any_text, contact_ids)
def test_sort_keys_of_different_kinds_never_prefix_match(tag: str, group: str, cid: str) -> None:
    tenant_keys = {
        "contact": keys.contact_sort_key(cid),
        "tag": keys.tag_sort_key(tag, cid),
        "group": keys.group_sort_key(group),
        "member": keys.group_member_sort_key(group, cid),
    }
    prefixes = {
        "contact": keys.CONTACT_PREFIX,
        "tag": keys.TAG_PREFIX,
        "group": keys.GROUP_PREFIX,
        "member": keys.GROUP_PREFIX,
    }
    for kind, key in tenant_keys.items():
        for other, prefix in prefixes.items():
            assert key.startswith(prefix) == (prefixes[kind] == prefix), (kind, other)


# -- the email key form -----------------------------------------------------------------------

EMAIL_TWINS = [
    ("jos\u00e9@example.com", "jose\u0301@example.com"),  # NFC and NFD
    ("\uff26\uff35\uff2c\uff2c@example.com", "full@example.com"),  # fullwidth and ASCII
    ("user@b\u00fccher.de", "user@xn--bcher-kva.de"),  # Unicode and IDNA (punycode) domain
    ("Ada.Lovelace@EXAMPLE.com", "ada.lovelace@example.com"),  # case, on both sides
    ("STRASSE@example.com", "strasse@example.com"),
]


@pytest.mark.parametrize(("one", "other"), EMAIL_TWINS)
def test_one_address_written_two_ways_has_one_key(one: str, other: str) -> None:
    assert keys.normalise_email(one) == keys.normalise_email(other)
    assert keys.uniqueness_key("org-a", one) == keys.uniqueness_key("org-a", other)


def test_the_key_form_is_the_folded_local_part_and_the_unicode_domain() -> None:
    assert (
        keys.normalise_email("  \uff26\uff35\uff2c\uff2c@XN--BCHER-KVA.DE ")
        == "full@b\u00fccher.de"
    )
    assert keys.normalise_email("Stra\u00dfe@example.com") == "strasse@example.com"  # casefold


def test_the_key_form_is_not_email_validators_normalized_form() -> None:
    from email_validator import validate_email

    address = "\uff26\uff35\uff2c\uff2c@example.com"
    assert validate_email(address, check_deliverability=False).normalized != "full@example.com"
    assert keys.normalise_email(address) == "full@example.com"


@pytest.mark.parametrize("address", ["ada@example.com", "a.b+c@sub.example.org", "x@y.io"])
def test_plain_ascii_addresses_keep_the_old_key(address: str) -> None:
    # the migration moves only the claims whose key changed
    assert keys.uniqueness_key("org-a", address) == keys.legacy_uniqueness_key("org-a", address)


def test_different_addresses_keep_different_keys() -> None:
    assert keys.normalise_email("ab@example.com") != keys.normalise_email("a.b@example.com")
    assert keys.normalise_email("user@bucher.de") != keys.normalise_email("user@b\u00fccher.de")


def test_phone_keys_are_exact_and_bounded() -> None:
    assert keys.phone_sort_key("+15551234567", "01J0") == "PHONE#+15551234567#CONTACT#01J0"
    assert not keys.phone_sort_key("+155512345678", "01J0").startswith(
        keys.phone_prefix("+15551234567")
    )


_LOCAL = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éèçñüÉÑÜ"
    ),
    min_size=1,
    max_size=20,
)


@given(local=_LOCAL, domain=st.sampled_from(["example.com", "b\u00fccher.de", "xn--bcher-kva.de"]))
def test_the_email_key_ignores_unicode_form_case_and_width(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    key = keys.normalise_email(address)
    assert keys.normalise_email(unicodedata.normalize("NFD", address)) == key
    assert keys.normalise_email(address.upper()) == key
    assert keys.normalise_email(key) == key  # a key is its own key
