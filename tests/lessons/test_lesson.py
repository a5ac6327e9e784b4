"""Lesson set-up: deterministic, one table per lesson, AWS opt-in with a prefix, clean-up."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

import contactkit as ck
from contactkit.lessons import lesson


@pytest.mark.parametrize(
    ("environ", "prefix"),
    [
        ({}, ""),
        ({"CONTACTKIT_LESSONS_AWS_REGION": "eu-west-1"}, "contactkit-lessons-"),
        ({"CONTACTKIT_LESSONS_AWS_REGION": "eu-west-1", "CONTACTKIT_TABLE_PREFIX": "me-"}, "me-"),
        ({"CONTACTKIT_TABLE_PREFIX": "local-"}, "local-"),
        ({"CONTACTKIT_LESSONS_AWS_REGION": ""}, ""),
    ],
)
def test_table_prefix(environ: Mapping[str, str], prefix: str) -> None:
    assert lesson.table_prefix(environ) == prefix


def run_once() -> tuple[str, str, str]:
    setup = lesson.start("99-test", environ={})
    try:
        org = setup.org("org-a")
        first = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        org.add(first_name="Bob", last_name="Smith", email="bob@example.com")
        page = org.list(limit=1)
        assert page.next_cursor is not None
        return first.id, str(first.created_at), page.next_cursor
    finally:
        setup.cleanup()


def test_two_runs_print_the_same_ids_times_and_cursors() -> None:
    assert run_once() == run_once()


def test_start_creates_an_empty_table_of_the_lesson_and_cleanup_deletes_it() -> None:
    setup = lesson.start("99-tables", environ={})
    assert setup.table.name == "tutorial-99-tables"
    assert setup.items() == []
    scratch = setup.scratch_table("seed")
    assert scratch.name == "tutorial-99-tables-seed"
    setup.org("org-a").add(first_name="A", last_name="B", email="a@example.com")
    assert len(setup.items()) >= 2
    assert setup.items(scratch) == []
    message = setup.cleanup()
    assert message == (
        "deleted 2 table(s): tutorial-99-tables, tutorial-99-tables-seed; connection closed"
    )
    assert setup.db.engine is None


def test_start_refuses_aws_and_an_endpoint_together() -> None:
    environ = {
        "CONTACTKIT_LESSONS_AWS_REGION": "eu-west-1",
        "AWS_ENDPOINT_URL_DYNAMODB": "http://localhost:8000",
    }
    with pytest.raises(ck.ConfigurationError, match="both"):
        lesson.start("99-aws", environ=environ)


def test_repr_names_the_lesson_table_and_backend() -> None:
    setup = lesson.start("99-repr", environ={})
    try:
        assert repr(setup) == "<Lesson 99-repr: table 'tutorial-99-repr' on embedded>"
    finally:
        setup.cleanup()


def test_measure_returns_the_meter_of_the_action() -> None:
    setup = lesson.start("99-measure", environ={})
    try:
        org = setup.org("org-a")
        ada = org.add(first_name="Ada", last_name="Lovelace", email="ada@example.com")
        meter = setup.measure(lambda: org.get(ada.id))
        assert (meter.requests, meter.items_read) == (1, 1)
    finally:
        setup.cleanup()
