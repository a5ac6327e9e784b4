"""Clocks, timestamps and ULIDs (``contactkit/clock.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ulid import ULID

from contactkit.clock import FixedClock, UlidGenerator, format_timestamp, parse_timestamp
from contactkit.contacts.keys import validate_contact_id

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

fixed_offsets = st.builds(
    timezone,
    st.timedeltas(
        min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
    ),
)
aware_datetimes = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(9000, 1, 1), timezones=fixed_offsets
)


def truncated_to_ms(moment: datetime) -> datetime:
    """The same instant in UTC, cut to whole milliseconds (offsets may have microseconds)."""
    in_utc = moment.astimezone(UTC)
    return in_utc - timedelta(microseconds=in_utc.microsecond % 1000)


def frozen(moment: datetime) -> Iterator[datetime]:
    while True:
        yield moment


def clock_from(moments: Iterator[datetime]):  # type: ignore[no-untyped-def]
    return lambda: next(moments)


# --- FixedClock ----------------------------------------------------------------------------


def test_fixed_clock_ticks_one_second_by_default() -> None:
    clock = FixedClock("2026-01-05T09:00:00Z")
    assert [clock() for _ in range(3)] == [START + timedelta(seconds=s) for s in range(3)]


@pytest.mark.parametrize("tick", [timedelta(milliseconds=1), timedelta(minutes=5), timedelta(0)])
def test_fixed_clock_ticks_by_the_given_tick(tick: timedelta) -> None:
    clock = FixedClock(START, tick=tick)
    assert [clock() for _ in range(3)] == [START, START + tick, START + 2 * tick]


@pytest.mark.parametrize(
    "start",
    [
        "2026-01-05T09:00:00Z",
        "2026-01-05T09:00:00+00:00",
        "2026-01-05T10:00:00+01:00",
        "2026-01-05T04:00:00-05:00",
        START,
        datetime(2026, 1, 5, 10, 0, tzinfo=timezone(timedelta(hours=1))),
    ],
)
def test_fixed_clock_accepts_text_or_datetime_and_reads_utc(start: str | datetime) -> None:
    now = FixedClock(start)()
    assert now == START
    assert now.tzinfo is UTC


@pytest.mark.parametrize("start", ["2026-01-05T09:00:00", datetime(2026, 1, 5, 9, 0)])
def test_fixed_clock_rejects_naive_starts(start: str | datetime) -> None:
    # A naive start would be read in the machine's local zone: runs would differ between machines.
    with pytest.raises(ValueError):
        FixedClock(start)


# --- timestamps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (START, "2026-01-05T09:00:00.000Z"),
        (START.replace(microsecond=123_999), "2026-01-05T09:00:00.123Z"),
        (
            datetime(2026, 1, 5, 10, 0, tzinfo=timezone(timedelta(hours=1))),
            "2026-01-05T09:00:00.000Z",
        ),
    ],
)
def test_format_timestamp(moment: datetime, text: str) -> None:
    assert format_timestamp(moment) == text


@pytest.mark.parametrize(
    "text", ["2026-01-05T09:00:00Z", "2026-01-05T09:00:00.000Z", "2026-01-05T10:00:00+01:00"]
)
def test_parse_timestamp_returns_aware_utc(text: str) -> None:
    parsed = parse_timestamp(text)
    assert parsed == START
    assert parsed.tzinfo is UTC


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError):
        format_timestamp(datetime(2026, 1, 5, 9, 0))
    with pytest.raises(ValueError):
        parse_timestamp("2026-01-05T09:00:00")


@given(aware_datetimes)
def test_timestamps_round_trip_to_the_millisecond(moment: datetime) -> None:
    text = format_timestamp(moment)
    parsed = parse_timestamp(text)
    assert parsed == truncated_to_ms(moment)
    assert parsed.tzinfo is UTC
    assert format_timestamp(parsed) == text


@given(st.lists(aware_datetimes, min_size=2, max_size=20))
def test_timestamps_sort_as_text_in_time_order(moments: list[datetime]) -> None:
    assert sorted(format_timestamp(m) for m in moments) == [
        format_timestamp(m) for m in sorted(moments)
    ]


# --- UlidGenerator -------------------------------------------------------------------------


def test_ulids_are_26_character_contact_ids() -> None:
    ids = UlidGenerator(clock=FixedClock(START), seed=1)
    for _ in range(20):
        new_id = ids()
        assert len(new_id) == 26
        assert validate_contact_id(new_id) == new_id
        assert str(ULID.from_str(new_id)) == new_id


def test_ulids_increase_strictly_with_a_frozen_clock() -> None:
    ids = UlidGenerator(clock=clock_from(frozen(START)), seed=1)
    generated = [ids() for _ in range(1000)]
    assert all(a < b for a, b in pairwise(generated))


def test_ulids_increase_strictly_with_a_clock_going_backwards() -> None:
    backwards = (START - timedelta(seconds=s) for s in range(10**6))
    ids = UlidGenerator(clock=clock_from(backwards), seed=1)
    generated = [ids() for _ in range(1000)]
    assert all(a < b for a, b in pairwise(generated))


@given(st.lists(st.integers(min_value=-5_000, max_value=5_000), min_size=2, max_size=50))
def test_ulids_increase_strictly_whatever_the_clock_does(offsets_ms: list[int]) -> None:
    moments = iter([START + timedelta(milliseconds=ms) for ms in offsets_ms])
    ids = UlidGenerator(clock=clock_from(moments), seed=3)
    generated = [ids() for _ in offsets_ms]
    assert all(a < b for a, b in pairwise(generated))


def test_same_seed_and_clock_give_the_same_sequence() -> None:
    first = UlidGenerator(clock=FixedClock(START, tick=timedelta(0)), seed=7)
    second = UlidGenerator(clock=FixedClock(START, tick=timedelta(0)), seed=7)
    assert [first() for _ in range(50)] == [second() for _ in range(50)]


def test_different_seeds_give_different_sequences() -> None:
    first = UlidGenerator(clock=FixedClock(START), seed=7)
    second = UlidGenerator(clock=FixedClock(START), seed=8)
    assert first() != second()


def test_unseeded_generators_differ() -> None:
    assert UlidGenerator(clock=FixedClock(START))() != UlidGenerator(clock=FixedClock(START))()


realistic_moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)
ulid_moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
)


def first_ulid_at(moment: datetime) -> ULID:
    return ULID.from_str(UlidGenerator(clock=clock_from(frozen(moment)), seed=1)())


@given(realistic_moments)
def test_ulid_time_decodes_to_the_clocks_time(moment: datetime) -> None:
    assert first_ulid_at(moment).datetime == truncated_to_ms(moment)


@given(ulid_moments)
def test_ulid_milliseconds_are_the_clocks_milliseconds(moment: datetime) -> None:
    assert first_ulid_at(moment).milliseconds == (moment - EPOCH) // timedelta(milliseconds=1)


@pytest.mark.parametrize(
    "moment",
    [
        START,
        START.replace(microsecond=999_999),
        EPOCH,
        # Found by search: a float timestamp rounded this one up to the next millisecond.
        datetime(5512, 9, 20, 17, 1, 44, 164996, tzinfo=UTC),
    ],
)
def test_ulid_milliseconds_are_exact(moment: datetime) -> None:
    assert first_ulid_at(moment).milliseconds == (moment - EPOCH) // timedelta(milliseconds=1)


def test_ulids_from_a_fixed_clock_carry_each_reading() -> None:
    ids = UlidGenerator(clock=FixedClock(START), seed=1)
    assert [ULID.from_str(ids()).datetime for _ in range(3)] == [
        START + timedelta(seconds=s) for s in range(3)
    ]


def test_one_instant_in_two_zones_is_formatted_alike_in_either_order() -> None:
    # format_timestamp caches by datetime, and equal instants are equal datetimes.
    later_zone = START.astimezone(timezone(timedelta(hours=5, minutes=30)))
    for first, second in ((START, later_zone), (later_zone, START)):
        format_timestamp.cache_clear()
        assert format_timestamp(first) == format_timestamp(second) == "2026-01-05T09:00:00.000Z"
