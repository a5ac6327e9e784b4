"""vCard 2.1, 3.0 and 4.0 (``.vcf``) with vobject: several cards per file, folded lines,
quoted-printable, ``tel:`` URIs, ``CATEGORIES`` as tags."""

from __future__ import annotations

from typing import Any

import vobject  # type: ignore[import-untyped]

from ...errors import ValidationError
from .rows import Source, SourceRow, extras
from .text import Decoded

_USED = {"VERSION", "N", "FN", "EMAIL", "TEL", "ORG", "TITLE", "ADR", "CATEGORIES", "NOTE"}
_USED |= {"BDAY", "NICKNAME", "URL", "PRODID", "UID", "REV"}


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
        rows.append(SourceRow(number, values))
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
