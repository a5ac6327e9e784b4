"""A vCard file cut into its cards, before any card is parsed (pure).

Real exports are not always clean: Apple files may start with a stray ``ENCODING:UTF-8`` line,
hand-edited files hold comments, and Android's vCard 2.1 writes photos in base64 whose lines
are not always indented (so one photo can break a parser for the whole file). Cutting the text
into ``BEGIN:VCARD`` ... ``END:VCARD`` blocks first lets one bad card be one refused row; the
lines outside any card are counted, never read as a card.

Photos and the other binary values (``PHOTO`` and Outlook's ``X-MS-CARDPICTURE``, ``LOGO``,
``SOUND``, ``KEY``: embedded in base64 or linked by a URI) are not stored by contactkit: they
are taken out of the card here and counted (``Card.photos``, ``Card.binary``), so a photo is
never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BASE64_LINE = re.compile(r"[A-Za-z0-9+/=]+")
_LINE_END = re.compile(r"\r*\n")
# A property's name and parameters up to its first colon (no quoted parameter values).
_PROPERTY_HEAD = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)?(?:;[^:\"]*)?:")
# Outlook writes its contact picture as X-MS-CARDPICTURE (beside or instead of PHOTO).
_PHOTO_PROPERTIES = frozenset({"PHOTO", "X-MS-CARDPICTURE"})
_BINARY_PROPERTIES = _PHOTO_PROPERTIES | {"LOGO", "SOUND", "KEY"}
# vCard 3.0's PROFILE:VCARD says only "this is a vCard", and vobject refuses it inside a card.
_LEFT_OUT = _BINARY_PROPERTIES | {"PROFILE"}


@dataclass
class Card:
    """One ``BEGIN:VCARD`` ... ``END:VCARD`` block: its first line's number and its text
    without binary values; ``photos`` counts the photos taken out, ``binary`` the other
    properties taken out (``LOGO``, ``SOUND``, ``KEY``, ``PROFILE``) by name."""

    line: int
    text: str
    photos: int = 0
    binary: dict[str, int] = field(default_factory=dict)
    complete: bool = True  # False when the file ended before its END:VCARD


@dataclass
class Cut:
    """The cards of a file and its lines outside every card (``(line number, text)``)."""

    cards: list[Card]
    stray: list[tuple[int, str]]


def cut(text: str) -> Cut:
    """Cut ``text`` into cards (nested ``BEGIN:VCARD``, as a 2.1 ``AGENT`` holds, stay inside)."""
    cards: list[Card] = []
    stray: list[tuple[int, str]] = []
    current: list[str] = []
    start = depth = 0
    for number, line in enumerate(_lines(text), start=1):
        word = line.strip().upper()
        if word == "BEGIN:VCARD":
            if depth == 0:
                current, start = [], number
            depth += 1
        if depth == 0:
            if line.strip():
                stray.append((number, line))
            continue
        current.append(line)
        if word == "END:VCARD":
            depth -= 1
            if depth == 0:
                cards.append(_card(start, current))
    if depth > 0:
        card = _card(start, current)
        card.complete = False
        cards.append(card)
    return Cut(cards, stray)


def _lines(text: str) -> list[str]:
    """The vCard lines of ``text``: a line ends at LF, CRLF or CR CR LF (Thunderbird's test
    files hold all three), or at CR in a file that has no LF (classic Mac OS).

    Not ``str.splitlines``: a value may hold a bare CR (Thunderbird writes a custom field's
    CR as it is), U+2028 or U+0085, which are text inside the line, not its end. A bare CR is
    written as vCard's escaped line break (``\\n``), since vobject would end the line there.
    """
    if "\n" not in text:
        return text.split("\r")
    return [line.rstrip("\r").replace("\r", "\\n") for line in _LINE_END.split(text)]


def _card(start: int, lines: list[str]) -> Card:
    """The card's text with its binary properties (and their continuation lines) left out."""
    kept: list[str] = []
    photos = 0
    binary: dict[str, int] = {}
    skipping = base64_block = soft_break = False
    for line in lines:
        if not soft_break:  # a quoted-printable value's next line is text, not a property
            line = _without_empty_parameters(line)
        soft_break = line.endswith("=") and "QUOTED-PRINTABLE" in line.upper()
        if skipping:
            if line[:1] in (" ", "\t"):
                continue
            if base64_block and (not line.strip() or _BASE64_LINE.fullmatch(line.strip())):
                # vCard 2.1 base64 may continue without indentation and end with a blank line
                continue
            skipping = False
        name, params = _property(line)
        if name in _LEFT_OUT:
            skipping = True
            base64_block = "ENCODING=B" in params or "BASE64" in params
            if name in _PHOTO_PROPERTIES:
                photos += 1
            else:
                binary[name] = binary.get(name, 0) + 1
            continue
        kept.append(line)
    return Card(start, "\n".join(kept) + "\n", photos, binary)


def _without_empty_parameters(line: str) -> str:
    """``ADR;HOME;PREF;:...`` as ``ADR;HOME;PREF:...``: Outlook writes an empty parameter,
    which vobject cannot read (the whole card was lost for it)."""
    match = _PROPERTY_HEAD.match(line)
    if match is None or (";;" not in match.group(0) and not match.group(0).endswith(";:")):
        return line
    name, *params = match.group(0)[:-1].split(";")
    head = ";".join([name, *(p for p in params if p.strip())])
    return head + ":" + line[match.end() :]


def _property(line: str) -> tuple[str, str]:
    """``("PHOTO", "ENCODING=BASE64;TYPE=JPEG")`` from ``item1.PHOTO;ENCODING=BASE64;...:``."""
    if line[:1] in (" ", "\t"):
        return "", ""
    head = line.split(":", 1)[0].upper()
    name, _, params = head.partition(";")
    return name.rpartition(".")[2].strip(), params
