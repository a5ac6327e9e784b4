"""Keeping CSV cells inert in spreadsheets (pure): formula-injection neutralisation and back.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab
or carriage return) as a formula: ``=HYPERLINK(...)`` or ``+cmd|...`` in a contact's company
becomes code on the reader's machine. ``neutralise`` prefixes such cells with ``'``, which
spreadsheets show as text and do not display. To stay reversible, a cell that already starts
with apostrophes followed by a trigger gets one more; ``restore`` removes exactly one, so
``restore(neutralise(x)) == x`` for every string (an importer applies ``restore``).

Cells made only of digits, spaces and ``+ - ( ) . , /`` are left alone: phones such as
``+44 20 7946 0958`` and numbers such as ``-42``. A spreadsheet can at worst compute
arithmetic from them; without letters, ``|`` or ``!`` there is no function call, no cell
reference and no DDE link to run, and every contacts exporter writes phones this way.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_ARITHMETIC = re.compile(r"[0-9 +\-().,/]+")


def neutralise(cell: str) -> str:
    """``'=1+2'`` -> ``"'=1+2"``; cells a spreadsheet would not run are unchanged."""
    if _ARITHMETIC.fullmatch(cell):
        return cell
    return "'" + cell if _NEUTRALISED.match(cell) else cell


def restore(cell: str) -> str:
    """Undo :func:`neutralise`: ``"'=1+2"`` -> ``'=1+2'``; other cells are unchanged."""
    return cell[1:] if _ESCAPED.match(cell) else cell


def is_neutralised(cell: str) -> bool:
    """True for a cell :func:`neutralise` produced from a would-be formula."""
    return bool(_ESCAPED.match(cell))
