"""The transaction budget (``contactkit/dynamo/limits.py``)."""

from __future__ import annotations

import pytest

from contactkit.dynamo import limits


def test_every_operation_fits_in_one_transaction() -> None:
    worst = limits.worst_case_actions()
    assert worst  # guards the loop below against an empty budget
    for operation, actions in worst.items():
        if operation == "update_unsplit":  # applied in steps, each one of the other entries
            assert actions > limits.MAX_TRANSACTION_ACTIONS
            continue
        assert 1 <= actions <= limits.MAX_TRANSACTION_ACTIONS, operation


def test_a_full_batch_of_largest_items_fits_in_one_batch_write_request() -> None:
    # Why batch_write checks only the count: the 16 MB request limit follows from it.
    largest_batch = limits.MAX_BATCH_WRITE_ITEMS * limits.MAX_ITEM_BYTES
    assert largest_batch <= limits.MAX_BATCH_WRITE_BYTES == 16 * 1024 * 1024


def test_the_transaction_limit_is_dynamodbs() -> None:
    assert limits.MAX_TRANSACTION_ACTIONS == 100


def test_the_budget_is_computed_from_the_tag_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    before = limits.worst_case_actions()
    monkeypatch.setattr(limits, "MAX_TAGS", limits.MAX_TAGS + 10)
    after = limits.worst_case_actions()
    assert after["add"] == before["add"] + 10
    assert after["update_others"] == before["update_others"] + 20  # old and new tags
    assert after["delete"] == before["delete"] + 10


def test_every_write_pays_one_audit_action() -> None:
    worst = limits.worst_case_actions()
    assert worst["add"] == 1 + 10 + limits.MAX_TAGS + 20 + limits.MAX_SEARCH_TOKENS + 1 == 76
    assert worst["update"] == worst["update_others"] == 90
    assert (worst["update_emails"], worst["update_phones"], worst["update_unsplit"]) == (
        70,
        42,
        150,
    )
    assert worst["delete"] == 96
    assert worst["record_interaction"] == 3
    assert worst["merge"] == 91


def test_too_many_tags_would_break_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TAGS", limits.MAX_TRANSACTION_ACTIONS)
    worst = limits.worst_case_actions()
    worst.pop("update_unsplit")
    assert any(actions > limits.MAX_TRANSACTION_ACTIONS for actions in worst.values())


def test_the_indexed_bounds_cover_the_largest_public_cards() -> None:
    # public Google vCards carry up to 5 emails and 11 phones
    assert limits.MAX_INDEXED_EMAILS >= 10 and limits.MAX_INDEXED_PHONES >= 20
