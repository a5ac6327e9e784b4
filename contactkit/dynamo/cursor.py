"""Pagination cursors: DynamoDB's ``LastEvaluatedKey`` as opaque, signed, URL-safe text.

A cursor is two base64url parts (no padding) joined by a dot::

    <payload>.<HMAC-SHA256(secret, payload)>

    payload = compact JSON {"v": 1, "o": <org id>, "p": <pattern>,
                            "a": <SHA-256 of the canonical JSON of the pattern's arguments>,
                            "k": <LastEvaluatedKey, DynamoDB JSON>,
                            "s": <when the walk started, for name-ordered walks (optional)>}

The cursor is therefore bound to the org, to the access pattern and to its arguments: resuming
it anywhere else raises :class:`~contactkit.errors.InvalidCursorError`, as does any alteration,
truncation or garbage. Cursors are deterministic (no timestamp, no nonce), so the same page of
the same query always yields the same text. The payload is signed, not encrypted: it reveals the
key of the last item read, which the caller could read anyway.

Secret. ``CursorCodec(secret)`` uses ``secret``; without one, the environment variable
``CONTACTKIT_CURSOR_SECRET``; without that, a random secret created once per process. Cursors
signed with the per-process secret die with the process: they are not valid in another process
or on another machine, so anything that hands cursors across processes (a CLI, a web service
with several workers) must configure a persistent secret.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from typing import Any, TypeGuard

from ..errors import ConfigurationError, InvalidCursorError, ValidationError

SECRET_ENV_VAR = "CONTACTKIT_CURSOR_SECRET"
FORMAT_VERSION = 1
MAX_CURSOR_LENGTH = 4096
# Key attribute types DynamoDB allows besides binary, which contactkit's keys never use.
_KEY_TYPES = frozenset({"S", "N"})
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_TENANT_PREFIX = "ORG#"
_RESTART = "start again without a cursor"


@functools.cache
def _process_secret() -> bytes:
    """The random secret of this process: created on first use, kept only in memory."""
    return secrets.token_bytes(32)


def _resolve_secret(secret: str | bytes | None) -> bytes:
    """The HMAC key: the argument, else the environment variable, else the process secret."""
    if secret is None:
        from_env = os.environ.get(SECRET_ENV_VAR)
        if from_env is None:
            return _process_secret()
        if not from_env:
            raise ConfigurationError(
                f"{SECRET_ENV_VAR} is set but empty: set it to a long random value, or unset it "
                "to use a per-process secret"
            )
        return from_env.encode("utf-8")
    if not isinstance(secret, str | bytes):
        raise ConfigurationError(f"cursor secret must be str or bytes, not {type(secret).__name__}")
    if not secret:
        raise ConfigurationError("cursor secret is empty: pass a long random value, or None")
    return secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Decode unpadded base64url, accepting only the one text ``_b64encode`` would produce."""
    if not _BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    # The decoder ignores the unused low bits of the last character, so several texts decode
    # to the same bytes; insisting on the canonical one makes every altered character count.
    if _b64encode(data) != text:
        raise ValueError("not canonical base64url")
    return data


def _args_digest(args: Mapping[str, Any]) -> str:
    """SHA-256 of the arguments' canonical JSON (sorted keys, compact), in hex."""
    try:
        canonical = json.dumps(dict(args), sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            "args", f"pattern arguments must be plain JSON values: {exc}"
        ) from exc
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _is_key(value: object) -> TypeGuard[Mapping[str, Mapping[str, str]]]:
    """True for a DynamoDB-JSON key: ``{name: {"S" | "N": str}, ...}``, not empty."""
    if not isinstance(value, Mapping) or not value:
        return False
    for name, typed in value.items():
        if not isinstance(name, str) or not isinstance(typed, Mapping) or len(typed) != 1:
            return False
        ((kind, text),) = typed.items()
        if kind not in _KEY_TYPES or not isinstance(text, str):
            return False
    return True


def _belongs_to(key: Mapping[str, Mapping[str, str]], org_id: str) -> bool:
    """True unless some value of ``key`` names a tenant partition other than ``org_id``'s."""
    own = f"{_TENANT_PREFIX}{org_id}"
    for typed in key.values():
        for text in typed.values():
            if text.startswith(_TENANT_PREFIX) and text != own and not text.startswith(own + "#"):
                return False
    return True


def _not_ours() -> InvalidCursorError:
    return InvalidCursorError(
        "cursor is not valid (altered, truncated, or signed with another secret); "
        f"pass back the next_cursor exactly as returned, or {_RESTART}"
    )


class CursorCodec:
    """Signs and checks pagination cursors.

    :param secret: the HMAC secret; ``None`` reads ``CONTACTKIT_CURSOR_SECRET``, else uses a
        random per-process secret (cursors then stop working when the process ends).

    Example::

        codec = CursorCodec("a long random secret")
        cursor = codec.encode("org-a", "by_tag", {"tag": "vip"}, page["LastEvaluatedKey"])
        start = codec.decode(cursor, "org-a", "by_tag", {"tag": "vip"})  # ExclusiveStartKey
    """

    def __init__(self, secret: str | bytes | None = None) -> None:
        self._key = _resolve_secret(secret)

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()

    def encode(
        self,
        org_id: str,
        pattern: str,
        args: Mapping[str, Any],
        last_key: Mapping[str, Any],
        *,
        since: str | None = None,
    ) -> str:
        """Return the cursor that resumes ``pattern(args)`` in ``org_id`` after ``last_key``.

        :param org_id: the org the query ran in.
        :param pattern: the access pattern's name, e.g. ``"by_tag"``.
        :param args: the pattern's arguments (JSON scalars and lists), e.g. ``{"tag": "vip"}``.
        :param last_key: DynamoDB's ``LastEvaluatedKey``, e.g. ``{"PK": {"S": "ORG#org-a"}}``.
        :param since: when the walk started (ISO 8601), for walks that hide items moved during
            them; returned by :meth:`decode_walk`.
        :raises ValidationError: if ``args`` or ``last_key`` cannot go into a cursor.
        """
        if not _is_key(last_key):
            raise ValidationError(
                "last_key", 'expected a LastEvaluatedKey like {"PK": {"S": "..."}} (S or N values)'
            )
        body = {
            "v": FORMAT_VERSION,
            "o": org_id,
            "p": pattern,
            "a": _args_digest(args),
            "k": {name: dict(typed) for name, typed in last_key.items()},
        }
        if since is not None:
            body["s"] = since
        try:
            payload = json.dumps(
                body, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise ValidationError("last_key", f"cannot be put in a cursor: {exc}") from exc
        cursor = f"{_b64encode(payload)}.{_b64encode(self._sign(payload))}"
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValidationError(
                "last_key", f"too large for a cursor (at most {MAX_CURSOR_LENGTH} characters)"
            )
        return cursor

    def decode(
        self, cursor: str, org_id: str, pattern: str, args: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Return the ``ExclusiveStartKey`` in ``cursor``, checking that it belongs here.

        :param cursor: text returned by :meth:`encode` (with the same secret).
        :param org_id: the org the query runs in now.
        :param pattern: the access pattern running now.
        :param args: its arguments now; they must equal those the cursor was made for.
        :raises InvalidCursorError: if the cursor was altered, is garbage, or belongs to
            another org or another query.
        :raises ValidationError: if ``args`` are not plain JSON values (a caller's bug).
        """
        return self.decode_walk(cursor, org_id, pattern, args)[0]

    def decode_walk(
        self, cursor: str, org_id: str, pattern: str, args: Mapping[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        """Like :meth:`decode`, and also the walk's start time given to :meth:`encode`."""
        payload = self._verified_payload(cursor)
        try:
            body = json.loads(payload)
        except (ValueError, RecursionError) as exc:
            raise InvalidCursorError(f"cursor is malformed; {_RESTART}") from exc
        if not isinstance(body, dict):
            raise InvalidCursorError(f"cursor is malformed; {_RESTART}")
        version = body.get("v")
        if type(version) is not int or version != FORMAT_VERSION:
            raise InvalidCursorError(
                f"cursor was made by an incompatible version of contactkit; {_RESTART}"
            )
        if body.get("o") != org_id:
            raise InvalidCursorError(f"cursor belongs to another org; {_RESTART}")
        if body.get("p") != pattern or body.get("a") != _args_digest(args):
            raise InvalidCursorError(
                "cursor belongs to another query (another pattern or other arguments); pass it "
                f"only to the query that returned it, or {_RESTART}"
            )
        key = body.get("k")
        if not _is_key(key):
            raise InvalidCursorError(f"cursor is malformed; {_RESTART}")
        if not _belongs_to(key, org_id):
            raise InvalidCursorError(f"cursor points into another org's data; {_RESTART}")
        since = body.get("s")
        if since is not None and not isinstance(since, str):
            raise InvalidCursorError(f"cursor is malformed; {_RESTART}")
        return dict(key), since

    def _verified_payload(self, cursor: object) -> bytes:
        """The payload bytes of ``cursor`` if its signature is ours, else InvalidCursorError."""
        if not isinstance(cursor, str) or not cursor:
            raise _not_ours()
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise InvalidCursorError(
                f"cursor is longer than {MAX_CURSOR_LENGTH} characters, so not one of ours; "
                f"{_RESTART}"
            )
        payload_text, dot, signature_text = cursor.partition(".")
        if not dot:
            raise _not_ours()
        try:
            payload = _b64decode(payload_text)
            signature = _b64decode(signature_text)
        except ValueError as exc:  # binascii.Error is a ValueError
            raise _not_ours() from exc
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise _not_ours()
        return payload
