"""Formula neutralisation (``contactkit/io/spreadsheet.py``): the one formula rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactkit.io.spreadsheet import is_formula, is_neutralised, neutralise, restore


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+1 (212) 555-0187", "+1 (212) 555-0187"),
        ("+1 212-555-0188, +44 20 7946 0958", "+1 212-555-0188, +44 20 7946 0958"),
        ("-42", "-42"),
        ("-4.2", "-4.2"),
        ("-2+3", "'-2+3"),  # a spreadsheet shows 1: not a phone
        ("+1/2", "'+1/2"),  # a spreadsheet shows 0.5
        ("-", "'-"),
        ("-2+A1", "'-2+A1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("@home", "'@home"),
        ("-Acme", "'-Acme"),
        ("=== agenda", "'=== agenda"),
        ("-john@example.com", "'-john@example.com"),
        ("\t=1", "'\t=1"),
        ("\t1", "'\t1"),
        ("'=1", "''=1"),
        ("''+x", "'''+x"),
        ("'-42", "'-42"),
        ("Acme", "Acme"),
        ("'quoted'", "'quoted'"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected
    assert restore(expected) == cell


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1", True),
        ("+1/2", True),
        ("-Acme", True),
        ("@home", True),
        ("\rx", True),
        ("+1 555 123 4567", False),
        ("-42", False),
        ("A-1", False),
        ("'=1", False),
        ("", False),
    ],
)
def test_is_formula(text: str, formula: bool) -> None:
    assert is_formula(text) is formula


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1 ,/()."), max_size=8) | st.text(max_size=8))
def test_restore_undoes_neutralise_for_every_string(cell: str) -> None:
    neutral = neutralise(cell)
    assert restore(neutral) == cell
    assert not is_formula(neutral)
    assert is_neutralised(neutral) == (neutral != cell)
    assert neutral in (cell, "'" + cell)
