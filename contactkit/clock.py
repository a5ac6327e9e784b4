"""Time and id sources, injectable so that tests and notebooks are deterministic.

A clock is any zero-argument callable returning a timezone-aware UTC ``datetime``; an id
generator is any zero-argument callable returning a new id string. The defaults use the system
clock and fresh randomness; ``FixedClock`` and a seeded ``UlidGenerator`` reproduce a run exactly.
"""

from __future__ import annotations

import functools
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ulid import ULID

Clock = Callable[[], datetime]
IdGenerator = Callable[[], str]

_RANDOM_BITS = 80
_RANDOM_LIMIT = 1 << _RANDOM_BITS
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def system_clock() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 timestamp (``Z`` or an offset) into an aware UTC datetime."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no time zone; add 'Z' for UTC")
    return parsed.astimezone(UTC)


@functools.lru_cache(maxsize=256)  # a write formats the same few moments many times
def format_timestamp(moment: datetime) -> str:
    """The stored form: ISO 8601 in UTC with milliseconds, which sorts as text.

    Equal moments in other time zones are equal datetimes (and hash alike): the cache gives
    them the same UTC text, as formatting them would.
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass a timezone-aware datetime")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_millis(moment: datetime) -> datetime:
    """Drop sub-millisecond precision, which the stored form does not keep."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class FixedClock:
    """A clock that starts at a fixed moment and advances by ``tick`` on every reading.

    Example::

        clock = FixedClock("2026-01-05T09:00:00Z")
        clock()  # 2026-01-05 09:00:00+00:00
        clock()  # 2026-01-05 09:00:01+00:00
    """

    def __init__(self, start: str | datetime, tick: timedelta = timedelta(seconds=1)) -> None:
        if isinstance(start, datetime) and start.tzinfo is None:
            # astimezone() would read a naive start in the machine's zone: not reproducible.
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware start")
        self._now = parse_timestamp(start) if isinstance(start, str) else start.astimezone(UTC)
        self._tick = tick
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            now = self._now
            self._now = now + self._tick
            return now

    def __repr__(self) -> str:
        return f"FixedClock({format_timestamp(self._now)!r}, tick={self._tick!r})"


class UlidGenerator:
    """Monotonic ULIDs: 48-bit millisecond time + 80 random bits, Crockford base32.

    Within one millisecond (or when the clock stands still or goes back) the random part is
    incremented instead of redrawn, so ids always sort in generation order. With a ``seed``
    the sequence is reproducible.

    Example::

        ids = UlidGenerator(clock=FixedClock("2026-01-05T09:00:00Z"), seed=7)
        ids()  # '01KE6...'
    """

    def __init__(self, clock: Clock | None = None, seed: int | None = None) -> None:
        self._clock = clock or system_clock
        self._random = random.Random(seed) if seed is not None else random.SystemRandom()
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_random = 0

    def __call__(self) -> str:
        with self._lock:
            # Integer arithmetic: a float timestamp() * 1000 can round up to the next millisecond.
            ms = (self._clock() - _EPOCH) // timedelta(milliseconds=1)
            if ms <= self._last_ms:
                ms = self._last_ms
                self._last_random += 1
                if self._last_random >= _RANDOM_LIMIT:  # 2**80 ids in one ms: move time on
                    ms += 1
                    self._last_random = self._random.getrandbits(_RANDOM_BITS - 1)
            else:
                # One bit of head-room keeps increments from overflowing in practice.
                self._last_random = self._random.getrandbits(_RANDOM_BITS - 1)
            self._last_ms = ms
            raw = ms.to_bytes(6, "big") + self._last_random.to_bytes(10, "big")
            return str(ULID.from_bytes(raw))
