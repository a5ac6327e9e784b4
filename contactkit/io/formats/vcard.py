"""vCard 2.1, 3.0 and 4.0 (``.vcf``) with vobject: several cards per file, folded lines,
quoted-printable, ``tel:`` URIs, ``CATEGORIES`` as tags.

Every ``EMAIL``, ``TEL`` and ``ADR`` becomes an entry of the contact's labelled lists (preferred
ones first, else in file order), labelled by its ``TYPE`` (``CELL`` is mobile) or by the
``X-ABLabel`` of its item group (Apple's ``_$!<Mobile>!$_`` form read as ``mobile``); ``N``
gives the name parts, ``ORG`` the company and department, ``BDAY`` the birthday (``--0517``
and ``19900517`` read as ``--05-17`` and ``1990-05-17``), ``URL`` the websites, ``NICKNAME``
the nickname. A card with no name in ``N`` that is not contactkit's gets its name from ``FN``.

A card's ``UID`` is its source id (``source_id``: a re-import finds the contact by it), unless it
is a contactkit id (a ULID: the contact's id, as earlier contactkit exports wrote it).
contactkit's own properties (:mod:`contactkit.io.columns`, written by
:mod:`contactkit.io.export`) are read back: ``X-CONTACTKIT-ID`` as the contact's id (``UID``
is then its source id when the two differ), ``X-CONTACTKIT-CUSTOM`` into custom fields, the
favourite flag, the creation and last-contacted times, the groups, and the exact note
(``X-CONTACTKIT-NOTE``, used only while it still matches ``NOTE``, in case another app edited
the card)."""

from __future__ import annotations

import re
from typing import Any

import vobject  # type: ignore[import-untyped]
from ulid import ULID

from ...errors import ValidationError
from .. import columns
from . import cards
from .rows import Source, SourceRow, encoding_problems, parse_flag, set_entries
from .text import Decoded

_USED = {"VERSION", "N", "FN", "EMAIL", "TEL", "ORG", "TITLE", "ADR", "CATEGORIES", "NOTE"}
_USED |= {"BDAY", "NICKNAME", "URL", "PRODID", "UID", "REV", columns.VCARD_LABEL.upper()}
_OURS = (
    columns.VCARD_CUSTOM,
    columns.VCARD_FAVORITE,
    columns.VCARD_GROUP,
    columns.VCARD_NOTE,
    columns.VCARD_NAME,
    columns.VCARD_ID,
    *columns.VCARD_TIMES.values(),
)
_USED |= {name.upper() for name in _OURS}
_LABEL_OF_TYPE = {vcard_type.lower(): label for label, vcard_type in columns.VCARD_TYPES.items()}
_BIRTHDAY = re.compile(r"(\d{4}|--)-?(\d{2})-?(\d{2})(?:T.*)?")


def read_vcard(decoded: Decoded) -> Source:
    """Every card of a vCard file as one row (the first card is row 1).

    The file is cut into cards first (:mod:`.cards`): a card vobject cannot read is one
    refused row, lines outside every card are counted in a note, and photos are left out
    and counted, so nothing in one card stops the others.
    """
    rows: list[SourceRow] = []
    ignored: dict[str, int] = {}
    found = cards.cut(decoded.text)
    photos = 0
    for number, card_text in enumerate(found.cards, start=1):
        photos += card_text.photos
        for name, count in card_text.binary.items():
            ignored[name] = ignored.get(name, 0) + count
        row = _row(number, card_text, ignored)
        if decoded.replaced:
            row.problems.extend(encoding_problems(row.values))
        rows.append(row)
    notes = [decoded.note] if decoded.note else []
    if found.stray:
        line, text = found.stray[0]
        shown = text if len(text) <= 40 else text[:37] + "..."
        notes.append(
            f"{len(found.stray)} line(s) outside every BEGIN:VCARD ... END:VCARD ignored "
            f"(the first, line {line}: {shown!r})"
        )
    if not found.cards and decoded.text.strip():
        raise ValidationError("source", "not a vCard file: no BEGIN:VCARD ... END:VCARD card")
    return Source("vcard", rows, list(ignored), decoded.encoding, notes, photos, ignored)


def _row(number: int, card_text: cards.Card, ignored: dict[str, int]) -> SourceRow:
    """One card as a row; a card vobject cannot read is a row with that problem."""
    if not card_text.complete:
        return SourceRow(number, {}, [("card", "the file ends before this card's END:VCARD")])
    try:
        card = vobject.readOne(card_text.text, allowQP=True)
        values, problems = _values(card)
    except (vobject.base.VObjectError, ValueError, TypeError, AttributeError) as exc:
        reason = f"is not a readable vCard (line {card_text.line} on): {exc}"
        return SourceRow(number, {}, [("card", reason)])
    for child in card.getChildren():
        name = child.name.upper()
        if name not in _USED:
            ignored[name] = ignored.get(name, 0) + 1
    return SourceRow(number, values, problems)


def _values(card: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A parsed card in our field names, and the problems of contactkit's own properties."""
    values: dict[str, Any] = {}
    labels = _item_labels(card)
    _name(card, values)
    emails = [
        _entry(str(e.value).strip(), e, labels)
        for e in _sorted_pref(card.contents.get("email", []))
    ]
    set_entries(values, "emails", [e for e in emails if e["value"]])
    phones = [
        _entry(_tel(str(t.value)), t, labels) for t in _sorted_pref(card.contents.get("tel", []))
    ]
    set_entries(values, "phones", [p for p in phones if p["value"]])
    if "org" in card.contents:
        org = card.org.value
        parts = [org] if isinstance(org, str) else [str(p) for p in org]
        _set(values, "company", parts[0] if parts else None)
        _set(values, "department", "; ".join(p for p in parts[1:] if p.strip()))
    _set(values, "job_title", _single(card, "title"))
    _set(values, "notes", _single(card, "note"))
    _set(values, "nickname", _single(card, "nickname"))
    _set(values, "birthday", _birthday(_single(card, "bday")))
    websites = [str(line.value).strip() for line in card.contents.get("url", [])]
    _set_list(values, "websites", [w for w in websites if w])
    addresses = [_address(line, labels) for line in _sorted_pref(card.contents.get("adr", []))]
    set_entries(values, "addresses", [a for a in addresses if a])
    tags: list[str] = []
    for line in card.contents.get("categories", []):
        value = line.value
        tags.extend(str(v).strip() for v in (value if isinstance(value, list) else [value]))
    if _is_ours(card) and tags:  # our own card: a blank tag is a blank tag (refused like add())
        values["tags"] = tags
    elif any(tags):  # another app's: empty categories mean nothing
        values["tags"] = [t for t in tags if t]
    problems = _ours(card, values)
    return values, problems


def _item_labels(card: Any) -> dict[str, str]:
    """``{item group: label}`` from the card's ``X-ABLabel`` lines."""
    found: dict[str, str] = {}
    for line in card.contents.get(columns.VCARD_LABEL, []):
        if line.group:
            text = str(line.value).strip()
            if text.startswith("_$!<") and text.endswith(">!$_"):  # Apple's standard labels
                text = text[4:-4].lower()
            found[line.group.lower()] = text
    return found


def _label(line: Any, labels: dict[str, str]) -> str | None:
    """An entry's label: its item group's ``X-ABLabel``, else its first meaningful ``TYPE``."""
    if line.group and line.group.lower() in labels:
        return labels[line.group.lower()] or None
    types = [t.strip().lower() for v in line.params.get("TYPE", []) for t in v.split(",")]
    types += [str(t).lower() for t in getattr(line, "singletonparams", [])]  # 2.1: TEL;CELL:
    for kind in types:
        if kind and kind not in columns.VCARD_PLAIN_TYPES:
            return str(_LABEL_OF_TYPE.get(kind, kind))
    return None


def _entry(value: str, line: Any, labels: dict[str, str]) -> dict[str, Any]:
    label = _label(line, labels)
    return {"value": value, "label": label} if label else {"value": value}


def _address(line: Any, labels: dict[str, str]) -> dict[str, Any] | None:
    adr = line.value
    parts = {
        "street": adr.street if isinstance(adr.street, str) else " ".join(adr.street),
        "city": adr.city,
        "state": adr.region,
        "postal_code": adr.code,
        "country": adr.country,
    }
    found: dict[str, Any] = {
        k: _one_line(v) for k, v in parts.items() if isinstance(v, str) and v.strip()
    }
    if not found:
        return None
    label = _label(line, labels)
    if label:
        found["label"] = label
    return found


def _one_line(text: str) -> str:
    """An address part on one line: Apple and Google write a street of several lines
    (``25334\\nSouth Crescent Drive``), which an address part cannot hold; its lines are
    joined by ``", "``."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return ", ".join(line for line in lines if line)


def _birthday(text: str | None) -> str | None:
    """vCard's ``--0517``, ``19900517`` or ``1990-05-17`` as the model's form."""
    if text is None:
        return None
    match = _BIRTHDAY.fullmatch(text)
    if match is None:
        return text  # the model's check names what is wrong with it
    year, month, day = match.groups()
    return f"{year}-{month}-{day}" if year != "--" else f"--{month}-{day}"


def _set_list(values: dict[str, Any], name: str, entries: list[Any]) -> None:
    if entries:
        values[name] = entries


def _name(card: Any, values: dict[str, Any]) -> None:
    if "n" in card.contents:
        n = card.n.value
        for name, part in (
            ("prefix", n.prefix),
            ("first_name", n.given),
            ("middle_name", n.additional),
            ("last_name", n.family),
            ("suffix", n.suffix),
        ):
            _set(values, name, _joined(part))
    if _is_ours(card):  # contactkit's FN is the display name; the single full name has its own line
        _set(values, "name", _single(card, columns.VCARD_NAME))
    elif ("first_name" not in values or "last_name" not in values) and "fn" in card.contents:
        first, _, last = str(card.fn.value).strip().rpartition(" ")
        values.setdefault("first_name", first or last)
        if first:
            values.setdefault("last_name", last)


def _sorted_pref(lines: list[Any]) -> list[Any]:
    """Preferred values first (``TYPE=PREF`` in 2.1/3.0, ``PREF=1`` in 4.0), else file order."""

    def preferred(line: Any) -> bool:
        types = [t.lower() for v in line.params.get("TYPE", []) for t in v.split(",")]
        return "pref" in types or "PREF" in line.params

    return sorted(lines, key=lambda line: not preferred(line))


def _tel(value: str) -> str:
    """``tel:+1-310-555-0175;ext=12`` -> ``+1-310-555-0175 ext. 12`` (vCard 4.0 URIs)."""
    text = value.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
        number, _, params = text.partition(";")
        for param in params.split(";"):
            key, _, ext = param.partition("=")
            if key.lower() == "ext" and ext:
                return f"{number} ext. {ext}"
        return number
    return text


def _single(card: Any, prop: str) -> str | None:
    if prop not in card.contents:
        return None
    value = card.contents[prop][0].value
    text = value if isinstance(value, str) else str(value)
    return text.strip() or None


def _joined(value: Any) -> str | None:
    text = value if isinstance(value, str) else " ".join(str(v) for v in value)
    return text.strip() or None


def _set(values: dict[str, Any], name: str, text: str | None) -> None:
    if text:
        values[name] = text


def _ours(card: Any, values: dict[str, Any]) -> list[tuple[str, str]]:
    """contactkit's own properties into ``values``; ``(field, reason)`` for what is wrong."""
    problems: list[tuple[str, str]] = []
    uid = _single(card, "uid")
    own = _single(card, columns.VCARD_ID)
    if own and _is_ulid(own):  # contactkit's card: UID is the source id unless it is the id
        values[columns.ID_FIELD] = own
        if uid and uid != own:
            values["source_id"] = uid
    elif uid and _is_ulid(uid):  # an earlier contactkit card (UID was the id), or a ULID
        values[columns.ID_FIELD] = uid
    elif uid:  # another app's id for the card: how a re-import finds its contact
        values["source_id"] = uid
    for line in card.contents.get(columns.VCARD_CUSTOM, []):
        encoded = line.params.get("NAME", [""])[0]
        try:
            name = columns.percent_decode(encoded)
        except UnicodeDecodeError:
            problems.append(("custom_fields", f"NAME={encoded!r} is not a percent-encoded name"))
            continue
        values.setdefault("custom_fields", {})[name] = str(line.value)
    favorite = _single(card, columns.VCARD_FAVORITE)
    if favorite is not None:
        flag, reason = parse_flag(favorite)
        if reason:
            problems.append(("favorite", reason))
        elif flag:
            values["favorite"] = True
    for name, prop in columns.VCARD_TIMES.items():
        _set(values, name, _single(card, prop))
    groups = [str(line.value).strip() for line in card.contents.get(columns.VCARD_GROUP, [])]
    if any(groups):
        values["groups"] = [g for g in groups if g]
    exact = card.contents.get(columns.VCARD_NOTE)
    if exact and "notes" in values:
        try:
            note = columns.percent_decode(str(exact[0].value))
        except UnicodeDecodeError:
            note = ""
        # Only while NOTE still says the same (CR and CRLF read back as LF).
        if note.replace("\r\n", "\n").replace("\r", "\n").strip() == values["notes"]:
            values["notes"] = note
    return problems


def _is_ours(card: Any) -> bool:
    """Whether contactkit wrote the card (its ``PRODID``, or ``X-CONTACTKIT-*`` properties)."""
    if _single(card, "prodid") == columns.VCARD_PRODID:
        return True
    return any(name.startswith(columns.VCARD_PREFIX) for name in card.contents)


def _is_ulid(text: str) -> bool:
    try:
        ULID.from_str(text)
    except ValueError:
        return False
    return True
