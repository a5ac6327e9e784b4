"""vCard 2.1, 3.0 and 4.0 (``.vcf``) with vobject: several cards per file, folded lines,
quoted-printable, ``tel:`` URIs, ``CATEGORIES`` as tags.

contactkit's own properties (:mod:`contactkit.io.columns`, written by
:mod:`contactkit.io.export`) are read back: ``UID`` as the contact's id when it is a
contactkit id (a ULID), ``X-CONTACTKIT-CUSTOM`` into custom fields, the favourite flag, the
creation and last-contacted times, the groups, and the exact note (``X-CONTACTKIT-NOTE``, used
only while it still matches ``NOTE``, in case another app edited the card)."""

from __future__ import annotations

from typing import Any

import vobject  # type: ignore[import-untyped]
from ulid import ULID

from ...errors import ValidationError
from .. import columns
from .rows import Source, SourceRow, extras, parse_flag
from .text import Decoded

_USED = {"VERSION", "N", "FN", "EMAIL", "TEL", "ORG", "TITLE", "ADR", "CATEGORIES", "NOTE"}
_USED |= {"BDAY", "NICKNAME", "URL", "PRODID", "UID", "REV"}
_OURS = (
    columns.VCARD_CUSTOM,
    columns.VCARD_FAVORITE,
    columns.VCARD_GROUP,
    columns.VCARD_NOTE,
    *columns.VCARD_TIMES.values(),
)
_USED |= {name.upper() for name in _OURS}


def read_vcard(decoded: Decoded) -> Source:
    """Every card of a vCard file as one row (the first card is row 1)."""
    rows: list[SourceRow] = []
    unused: dict[str, None] = {}
    try:
        cards = list(vobject.readComponents(decoded.text, allowQP=True))
    except vobject.base.ParseError as exc:
        raise ValidationError("source", f"not a valid vCard file: {exc}") from exc
    for number, card in enumerate(cards, start=1):
        values: dict[str, Any] = {}
        names = {child.name.upper() for child in card.getChildren()}
        for name in sorted(names - _USED):
            unused[name] = None
        _name(card, values)
        emails = [str(e.value).strip() for e in _sorted_pref(card.contents.get("email", []))]
        if emails:
            values["email"] = emails[0]
            extras(values, "other_emails", emails[1:])
        phones = [_tel(str(t.value)) for t in _sorted_pref(card.contents.get("tel", []))]
        if phones:
            values["phone"] = phones[0]
            extras(values, "other_phones", phones[1:])
        if "org" in card.contents:
            org = card.org.value
            parts = [org] if isinstance(org, str) else [str(p) for p in org]
            _set(values, "company", parts[0] if parts else None)
            extras(values, "department", parts[1:])
        _set(values, "job_title", _single(card, "title"))
        _set(values, "notes", _single(card, "note"))
        if "adr" in card.contents:
            adr = card.adr.value
            address = {
                "street": adr.street if isinstance(adr.street, str) else " ".join(adr.street),
                "city": adr.city,
                "state": adr.region,
                "postal_code": adr.code,
                "country": adr.country,
            }
            found = {k: v for k, v in address.items() if isinstance(v, str) and v.strip()}
            if found:
                values["address"] = found
        tags: list[str] = []
        for line in card.contents.get("categories", []):
            value = line.value
            tags.extend(str(v).strip() for v in (value if isinstance(value, list) else [value]))
        if tags:
            values["tags"] = [t for t in tags if t]
        for prop, name in (("bday", "birthday"), ("nickname", "nickname"), ("url", "website")):
            text = _single(card, prop)
            if text:
                values.setdefault("custom_fields", {})[name] = text
        problems = _ours(card, values)
        rows.append(SourceRow(number, values, problems))
    notes = [decoded.note] if decoded.note else []
    return Source("vcard", rows, list(unused), decoded.encoding, notes)


def _name(card: Any, values: dict[str, Any]) -> None:
    if "n" in card.contents:
        n = card.n.value
        _set(values, "first_name", _joined(n.given))
        _set(values, "last_name", _joined(n.family))
    if ("first_name" not in values or "last_name" not in values) and "fn" in card.contents:
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
    if uid and _is_ulid(uid):
        values[columns.ID_FIELD] = uid
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


def _is_ulid(text: str) -> bool:
    try:
        ULID.from_str(text)
    except ValueError:
        return False
    return True
