"""Pagination cursors (``contactkit/dynamo/cursor.py``): round trip, tamper-proofing and binding."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from contactkit.dynamo import cursor as cursor_module
from contactkit.dynamo.cursor import SECRET_ENV_VAR, CursorCodec
from contactkit.errors import ConfigurationError, InvalidCursorError, ValidationError

SECRET = "test-secret-do-not-leak"
ORG = "org-a"
PATTERN = "by_tag"
ARGS: dict[str, Any] = {"tag": "vip", "order": "name"}
LAST_KEY: dict[str, Any] = {
    "PK": {"S": "ORG#org-a"},
    "SK": {"S": "TAG#vip#CONTACT#01KE6Z5Q8M3V4W5X6Y7Z8A9B0C"},
}
URL_SAFE = re.compile(r"[A-Za-z0-9_\-.]+")
BASE64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
RESTART_HINT = "start again without a cursor"

org_ids = st.from_regex(r"org-[a-z0-9]{1,20}", fullmatch=True)
patterns = st.text(min_size=1, max_size=30)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
args_dicts = st.dictionaries(
    st.text(max_size=10), json_scalars | st.lists(json_scalars, max_size=4), max_size=4
)
# Key values that do not look like a tenant partition (those are built per org below).
plain_text = st.text(max_size=40).filter(lambda s: not s.startswith("ORG#"))
typed_values = st.builds(lambda s: {"S": s}, plain_text) | st.builds(
    lambda n: {"N": str(n)}, st.integers() | st.decimals(allow_nan=False, allow_infinity=False)
)


@st.composite
def keys_of(draw: st.DrawFn, org_id: str) -> dict[str, Any]:
    """A LastEvaluatedKey of ``org_id``: its tenant partition plus arbitrary other attributes."""
    suffix = draw(st.sampled_from(["", "#FAV", "#EMAIL#ada@example.com", "#CONTACT#01X"]))
    extra = draw(st.dictionaries(st.text(min_size=1, max_size=10), typed_values, max_size=3))
    return {**extra, "PK": {"S": f"ORG#{org_id}{suffix}"}}


@st.composite
def queries(draw: st.DrawFn) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    org_id = draw(org_ids)
    return org_id, draw(patterns), draw(args_dicts), draw(keys_of(org_id))


def canonical(args: dict[str, Any]) -> str:
    return json.dumps(args, sort_keys=True, separators=(",", ":"))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def signed(payload: bytes, secret: str = SECRET) -> str:
    """A cursor whose signature is valid for ``payload``, whatever the payload holds."""
    mac = hmac.new(secret.encode(), payload, hashlib.sha256).digest()
    return f"{b64(payload)}.{b64(mac)}"


def body(**overrides: Any) -> bytes:
    """A well-formed payload for ORG/PATTERN/ARGS/LAST_KEY, with some fields replaced."""
    fields: dict[str, Any] = {
        "v": 1,
        "o": ORG,
        "p": PATTERN,
        "a": hashlib.sha256(canonical(ARGS).encode()).hexdigest(),
        "k": LAST_KEY,
        **overrides,
    }
    return json.dumps(fields).encode()


@pytest.fixture
def codec() -> CursorCodec:
    return CursorCodec(SECRET)


@pytest.fixture
def good_cursor(codec: CursorCodec) -> str:
    return codec.encode(ORG, PATTERN, ARGS, LAST_KEY)


def assert_rejected(codec: CursorCodec, cursor: Any, *, says: str = RESTART_HINT) -> None:
    with pytest.raises(InvalidCursorError) as info:
        codec.decode(cursor, ORG, PATTERN, ARGS)
    message = str(info.value)
    assert says in message
    assert RESTART_HINT in message
    assert SECRET not in message


# --- round trip ---------------------------------------------------------------------------


@given(queries())
def test_decode_returns_the_encoded_key(query: tuple[str, str, dict[str, Any], Any]) -> None:
    org_id, pattern, args, last_key = query
    codec = CursorCodec(SECRET)
    cursor = codec.encode(org_id, pattern, args, last_key)
    assert URL_SAFE.fullmatch(cursor)
    assert codec.decode(cursor, org_id, pattern, args) == last_key


@pytest.mark.parametrize("since", [None, "2026-01-05T09:00:00.000Z"])
def test_a_walk_start_rides_along_signed(codec: CursorCodec, since: str | None) -> None:
    cursor = codec.encode(ORG, PATTERN, ARGS, LAST_KEY, since=since)
    assert codec.decode_walk(cursor, ORG, PATTERN, ARGS) == (LAST_KEY, since)
    assert codec.decode(cursor, ORG, PATTERN, ARGS) == LAST_KEY


@given(queries())
def test_cursors_are_deterministic(query: tuple[str, str, dict[str, Any], Any]) -> None:
    org_id, pattern, args, last_key = query
    first = CursorCodec(SECRET).encode(org_id, pattern, args, last_key)
    reordered_args = dict(reversed(list(args.items())))
    reordered_key = dict(reversed(list(last_key.items())))
    assert CursorCodec(SECRET).encode(org_id, pattern, reordered_args, reordered_key) == first


def test_argument_order_does_not_matter_when_resuming(codec: CursorCodec) -> None:
    cursor = codec.encode(ORG, PATTERN, {"tag": "vip", "order": "name"}, LAST_KEY)
    assert codec.decode(cursor, ORG, PATTERN, {"order": "name", "tag": "vip"}) == LAST_KEY


def test_cursor_does_not_contain_the_secret(good_cursor: str) -> None:
    payload = base64.urlsafe_b64decode(good_cursor.split(".")[0] + "==")
    assert SECRET.encode() not in payload
    assert SECRET not in good_cursor


# --- tampering ----------------------------------------------------------------------------


@given(data=st.data(), replacement=st.characters())
def test_any_changed_character_is_rejected(data: st.DataObject, replacement: str) -> None:
    codec = CursorCodec(SECRET)
    cursor = codec.encode(ORG, PATTERN, ARGS, LAST_KEY)
    position = data.draw(st.integers(0, len(cursor) - 1))
    assume(cursor[position] != replacement)
    assert_rejected(codec, cursor[:position] + replacement + cursor[position + 1 :])


@given(data=st.data())
def test_any_removed_character_is_rejected(data: st.DataObject) -> None:
    codec = CursorCodec(SECRET)
    cursor = codec.encode(ORG, PATTERN, ARGS, LAST_KEY)
    position = data.draw(st.integers(0, len(cursor) - 1))
    assert_rejected(codec, cursor[:position] + cursor[position + 1 :])


@given(data=st.data(), extra=st.characters())
def test_any_inserted_or_appended_character_is_rejected(data: st.DataObject, extra: str) -> None:
    codec = CursorCodec(SECRET)
    cursor = codec.encode(ORG, PATTERN, ARGS, LAST_KEY)
    position = data.draw(st.integers(0, len(cursor)))
    assert_rejected(codec, cursor[:position] + extra + cursor[position:])


def test_every_url_safe_substitution_is_rejected(codec: CursorCodec, good_cursor: str) -> None:
    # Exhaustive, because the last character of each base64 part carries unused bits that a
    # lenient decoder ignores: random sampling would rarely hit exactly those substitutions.
    for position, original in enumerate(good_cursor):
        for replacement in BASE64URL_ALPHABET + ".":
            if replacement != original:
                tampered = good_cursor[:position] + replacement + good_cursor[position + 1 :]
                with pytest.raises(InvalidCursorError):
                    codec.decode(tampered, ORG, PATTERN, ARGS)


def test_a_cursor_signed_with_another_secret_is_rejected(good_cursor: str) -> None:
    assert_rejected(CursorCodec("another secret"), good_cursor, says="another secret")


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "abc",
        "a.b",
        "…",
        "%%%",
        ".",
        "..",
        "a..b",
        "x" * 100_000,
        "é.é",
        "\x00.\x00",
        "YWJj.YWJj==",
        "YWJj=.YWJj",
        "Zm9v.",
        ".Zm9v",
        b64(b"\x00\xff" * 40) + "." + b64(b"\x01" * 32),
        b64(b"junk") + "." + b64(b"not a signature"),
    ],
    ids=lambda g: repr(g[:20]),
)
def test_garbage_is_rejected_as_invalid_cursor(codec: CursorCodec, garbage: str) -> None:
    assert_rejected(codec, garbage)


@pytest.mark.parametrize("not_text", [None, 42, b"abc.def", ["a"]])
def test_non_text_is_rejected_as_invalid_cursor(codec: CursorCodec, not_text: Any) -> None:
    assert_rejected(codec, not_text)


def test_padding_on_a_valid_cursor_is_rejected(codec: CursorCodec, good_cursor: str) -> None:
    payload, signature = good_cursor.split(".")
    for padded in (good_cursor + "=", f"{payload}=.{signature}", good_cursor + "=="):
        assert_rejected(codec, padded)


@given(st.text(max_size=300))
def test_arbitrary_text_only_ever_raises_invalid_cursor(text: str) -> None:
    with pytest.raises(InvalidCursorError):
        CursorCodec(SECRET).decode(text, ORG, PATTERN, ARGS)


def test_cursors_longer_than_the_limit_are_rejected_before_parsing(codec: CursorCodec) -> None:
    too_long = signed(body(pad="x" * cursor_module.MAX_CURSOR_LENGTH))
    assert_rejected(codec, too_long, says="longer than")


def test_keys_too_large_for_a_cursor_are_refused_at_encode(codec: CursorCodec) -> None:
    huge = {"PK": {"S": "ORG#org-a"}, "SK": {"S": "x" * cursor_module.MAX_CURSOR_LENGTH}}
    with pytest.raises(ValidationError, match="too large"):
        codec.encode(ORG, PATTERN, ARGS, huge)


# Payloads with a valid signature but contents encode() never writes: only a leaked secret
# or a bug could produce them, and they must still fail cleanly.
@pytest.mark.parametrize(
    ("payload", "says"),
    [
        (b"not json", "malformed"),
        (b"\xff\xfe\x00", "malformed"),
        (b"[" * 3000, "malformed"),
        (b"[]", "malformed"),
        (b'"text"', "malformed"),
        (b"{}", "incompatible version"),
        (body(v=2), "incompatible version"),
        (body(v=True), "incompatible version"),
        (body(v="1"), "incompatible version"),
        (body(k=None), "malformed"),
        (body(k={}), "malformed"),
        (body(k=["PK"]), "malformed"),
        (body(k={"PK": "ORG#org-a"}), "malformed"),
        (body(k={"PK": {"B": "AAAA"}}), "malformed"),
        (body(k={"PK": {"S": 1}}), "malformed"),
        (body(k={"PK": {"S": "ORG#org-a", "N": "1"}}), "malformed"),
    ],
    ids=lambda p: repr(p)[:40],
)
def test_signed_but_malformed_payloads_are_rejected(
    codec: CursorCodec, payload: bytes, says: str
) -> None:
    assert_rejected(codec, signed(payload), says=says)


def test_the_signed_payload_fixture_is_accepted(codec: CursorCodec) -> None:
    # Guards the test above: its payloads fail because of the overridden field, not the frame.
    assert codec.decode(signed(body()), ORG, PATTERN, ARGS) == LAST_KEY


# --- binding to org and query -------------------------------------------------------------


@given(org_ids, org_ids)
def test_a_cursor_of_another_org_is_rejected(org_a: str, org_b: str) -> None:
    assume(org_a != org_b)
    codec = CursorCodec(SECRET)
    cursor = codec.encode(org_a, PATTERN, ARGS, {"PK": {"S": f"ORG#{org_a}"}})
    with pytest.raises(InvalidCursorError, match="belongs to another org"):
        codec.decode(cursor, org_b, PATTERN, ARGS)
    # Refused by the org recorded in the cursor, even when no key value names a tenant.
    untagged = codec.encode(org_a, PATTERN, ARGS, {"SK": {"S": "CONTACT#01X"}})
    with pytest.raises(InvalidCursorError, match="belongs to another org"):
        codec.decode(untagged, org_b, PATTERN, ARGS)


@pytest.mark.parametrize(
    ("pattern", "args"),
    [
        ("by_name", ARGS),
        ("by_tag ", ARGS),
        (PATTERN, {"tag": "vip2", "order": "name"}),
        (PATTERN, {"tag": "VIP", "order": "name"}),
        (PATTERN, {"tag": "vip"}),
        (PATTERN, {"tag": "vip", "order": "name", "limit": 10}),
        (PATTERN, {"tag": ["vip"], "order": "name"}),
        (PATTERN, {}),
    ],
)
def test_a_cursor_of_another_query_is_rejected(
    codec: CursorCodec, good_cursor: str, pattern: str, args: dict[str, Any]
) -> None:
    with pytest.raises(InvalidCursorError, match="another query") as info:
        codec.decode(good_cursor, ORG, pattern, args)
    assert RESTART_HINT in str(info.value)


@given(args_dicts, args_dicts)
def test_cursors_resume_only_with_equal_arguments(
    args: dict[str, Any], other: dict[str, Any]
) -> None:
    assume(canonical(args) != canonical(other))
    codec = CursorCodec(SECRET)
    cursor = codec.encode(ORG, PATTERN, args, LAST_KEY)
    with pytest.raises(InvalidCursorError, match="another query"):
        codec.decode(cursor, ORG, PATTERN, other)


@pytest.mark.parametrize(
    "foreign",
    [
        {"PK": {"S": "ORG#org-b"}},
        {"PK": {"S": "ORG#org-ab"}},  # a prefix of the org id is not the org
        {"PK": {"S": "ORG#org-a"}, "EmailPK": {"S": "ORG#org-b#EMAIL#x@example.com"}},
        {"PK": {"S": "ORG#org-a"}, "SK": {"S": "ORG#org-b#CONTACT#01X"}},
        {"PK": {"S": "ORG#"}},
    ],
)
def test_a_key_of_another_org_is_rejected_even_when_signed(
    codec: CursorCodec, foreign: dict[str, Any]
) -> None:
    cursor = codec.encode(ORG, PATTERN, ARGS, foreign)
    assert_rejected(codec, cursor, says="points into another org")


@pytest.mark.parametrize(
    "own",
    [
        {"PK": {"S": "ORG#org-a"}},
        {"PK": {"S": "ORG#org-a#FAV"}, "SK": {"S": "CONTACT#01X"}},
        {"PK": {"S": "ORG#org-a"}, "EmailPK": {"S": "ORG#org-a#EMAIL#x@example.com"}},
        {"PK": {"S": "org#org-b"}, "N": {"N": "12"}},  # only the exact "ORG#" marks a tenant
    ],
)
def test_keys_of_the_own_org_are_accepted(codec: CursorCodec, own: dict[str, Any]) -> None:
    assert codec.decode(codec.encode(ORG, PATTERN, ARGS, own), ORG, PATTERN, ARGS) == own


# --- bad input to encode ------------------------------------------------------------------


@pytest.mark.parametrize(
    "last_key",
    [
        {},
        {"PK": "ORG#org-a"},
        {"PK": {"B": b"\x00"}},
        {"PK": {"S": 1}},
        {"PK": {"S": "ORG#org-a", "N": "1"}},
        {"PK": {"S": "\ud800"}},
    ],
)
def test_encode_refuses_what_is_not_a_key(codec: CursorCodec, last_key: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        codec.encode(ORG, PATTERN, ARGS, last_key)
    assert info.value.field == "last_key"


@pytest.mark.parametrize("args", [{"n": float("nan")}, {"when": object()}, {"b": b"x"}])
def test_arguments_must_be_plain_json(codec: CursorCodec, args: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        codec.encode(ORG, PATTERN, args, LAST_KEY)
    assert info.value.field == "args"


# --- the secret ---------------------------------------------------------------------------


def test_the_environment_secret_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV_VAR, SECRET)
    cursor = CursorCodec().encode(ORG, PATTERN, ARGS, LAST_KEY)
    assert CursorCodec(SECRET).decode(cursor, ORG, PATTERN, ARGS) == LAST_KEY
    with pytest.raises(InvalidCursorError):
        CursorCodec("another secret").decode(cursor, ORG, PATTERN, ARGS)


def test_the_argument_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV_VAR, "from the environment")
    cursor = CursorCodec(SECRET).encode(ORG, PATTERN, ARGS, LAST_KEY)
    with pytest.raises(InvalidCursorError):
        CursorCodec().decode(cursor, ORG, PATTERN, ARGS)
    assert CursorCodec(SECRET.encode()).decode(cursor, ORG, PATTERN, ARGS) == LAST_KEY


def test_codecs_without_a_secret_share_the_process_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SECRET_ENV_VAR, raising=False)
    first, second = CursorCodec(), CursorCodec()
    cursor = first.encode(ORG, PATTERN, ARGS, LAST_KEY)
    assert second.decode(cursor, ORG, PATTERN, ARGS) == LAST_KEY
    with pytest.raises(InvalidCursorError):
        CursorCodec(SECRET).decode(cursor, ORG, PATTERN, ARGS)


@pytest.mark.parametrize("secret", ["", b""])
def test_an_empty_secret_is_a_configuration_error(secret: str | bytes) -> None:
    with pytest.raises(ConfigurationError):
        CursorCodec(secret)


def test_an_empty_environment_secret_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SECRET_ENV_VAR, "")
    with pytest.raises(ConfigurationError, match=SECRET_ENV_VAR):
        CursorCodec()
