"""Formula neutralisation (``contactkit/io/spreadsheet.py``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contactkit.io.spreadsheet import is_neutralised, neutralise, restore


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("-2+3", "-2+3"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("-42", "-42"),
        ("-2+A1", "'-2+A1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("'=1", "''=1"),
        ("Acme", "Acme"),
        ("'quoted'", "'quoted'"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected
    assert restore(expected) == cell


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1 "), max_size=8) | st.text(max_size=8))
def test_restore_undoes_neutralise_for_every_string(cell: str) -> None:
    assert restore(neutralise(cell)) == cell
    neutral = neutralise(cell)
    arithmetic = all(ch in "0123456789 +-().,/" for ch in neutral)
    assert arithmetic or neutral[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert is_neutralised(neutral) == (neutral != cell)
