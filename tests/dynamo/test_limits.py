"""The transaction budget (``contactkit/dynamo/limits.py``)."""

from __future__ import annotations

import pytest

from contactkit.dynamo import limits


def test_every_operation_fits_in_one_transaction() -> None:
    worst = limits.worst_case_actions()
    assert worst  # guards the loop below against an empty budget
    for operation, actions in worst.items():
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
    assert after["update"] == before["update"] + 20  # old and new tags
    assert after["delete"] == before["delete"] + 10


def test_every_write_pays_one_audit_action() -> None:
    worst = limits.worst_case_actions()
    # contact + 6 claims + source claim + 15 tags + 12 phones + 15 tokens + audit
    assert worst["add"] == 1 + 6 + 1 + 15 + 12 + 15 + 1 == 51
    # every one of them released and re-made, in one transaction
    assert worst["update"] == 1 + 2 * (6 + 1 + 15 + 12 + 15) + 1 == 100
    assert worst["delete"] == 51 + 20 == 71  # and 20 group memberships
    assert worst["record_interaction"] == 3
    assert worst["merge"] == 1 + 15 + 2 * 15 + 20 + 1 + 1 == 68
    assert worst["merge_take_over"] == 1 + 6 + 12 + 1 + 2 * 15 + 1 == 51


def test_too_many_tags_would_break_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TAGS", limits.MAX_TRANSACTION_ACTIONS)
    worst = limits.worst_case_actions()
    assert any(actions > limits.MAX_TRANSACTION_ACTIONS for actions in worst.values())


def test_the_indexed_bounds_cover_the_largest_public_cards() -> None:
    # public Google vCards carry up to 5 emails and 11 phones
    assert limits.MAX_INDEXED_EMAILS >= 5 and limits.MAX_INDEXED_PHONES >= 11
