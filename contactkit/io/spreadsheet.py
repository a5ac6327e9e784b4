"""The one formula rule (pure): which text a spreadsheet would run, neutralising it and back.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab
or carriage return) as a formula: ``=HYPERLINK(...)`` or ``+cmd|...`` in a contact's company
becomes code on the reader's machine, and ``+1/2`` shows as ``0.5``. Contacts store such text
as typed (``add()`` and the importer accept it alike); only the CSV writer neutralises it and
the CSV reader of contactkit's format restores it (STYLE.md, principle 12).

``neutralise`` prefixes such cells with ``'``, which spreadsheets show as text and do not
display. To stay reversible, a cell that is already apostrophes followed by a formula gets
one more; ``restore`` removes exactly one, so ``restore(neutralise(x)) == x`` for every
string, and an export imported and exported again is byte for byte the same file.

Phones and numbers are left alone: a sign, then digits, spaces and ``( ) . -`` (several of
them separated by commas, as in ``other_phones``), such as ``+44 20 7946 0958`` or ``-42``.
Every contacts exporter writes phones this way and a spreadsheet reads them as text or as the
same number; ``+1/2`` or ``-2+3`` are not phones, and are neutralised.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = r"[+-]?[0-9 ().-]*[0-9][0-9 ().-]*"
_NUMBERS = re.compile(rf"{_NUMBER}(?:, *{_NUMBER})*")


def is_formula(text: str) -> bool:
    """True for text a spreadsheet would run: ``=1``, ``+1/2``, ``-Acme``, ``@home``.

    Phones and numbers (``+1 555 123 4567``, ``-42``) are not formulas.
    """
    return text.startswith(TRIGGERS) and not _NUMBERS.fullmatch(text)


def neutralise(cell: str) -> str:
    """``'=1+2'`` -> ``"'=1+2"``; cells a spreadsheet would not run are unchanged."""
    return "'" + cell if is_formula(cell) or is_neutralised(cell) else cell


def restore(cell: str) -> str:
    """Undo :func:`neutralise`: ``"'=1+2"`` -> ``'=1+2'``; other cells are unchanged."""
    return cell[1:] if is_neutralised(cell) else cell


def is_neutralised(cell: str) -> bool:
    """True for apostrophes followed by a formula, as :func:`neutralise` writes them."""
    return cell.startswith("'") and is_formula(cell.lstrip("'"))
