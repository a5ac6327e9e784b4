"""Duplicate candidates (pure): the one scorer of "these two contacts may be one person".

``find_candidates`` considers a pair when it shares a normalised email (case, ``+sub-address``,
dots in Gmail local parts), an E.164 phone, or has similar names: rapidfuzz
``token_sort_ratio`` of the folded full names of at least 80, or one first name a prefix of the
other ("Cam", "Cameron") with the same last name. Names are compared within blocks sharing the
first letter of the first or of the last name (pairs differing in both first letters are not
compared). Each pair is then scored from all its signals, because one signal alone is weak
evidence (sample data, like real address books, has namesakes and shared switchboard numbers):

* same email: 100; same phone and similar names: 100;
* similar names: 0.8 x the name ratio (a nickname counts as 90); same phone alone: 60;
* plus 15 for the same company (at most 99).

``min_score`` (default 85) keeps the likely ones: on the generated sample data (5,000 contacts)
this finds every planted near-duplicate (52 of 52). A pair is reported once, with every
reason that matched, best score first.

``org.duplicate_candidates()`` (:mod:`contactkit.contacts.merge`) runs it over an org, and
``frames.analytics.duplicate_candidates(df)`` over a DataFrame's rows, org by org.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz

from . import keys
from .model import ContactSummary

NAME_FLOOR = 80.0  # name ratio that makes a pair worth scoring
MIN_SCORE = 85.0
NICKNAME_RATIO = 90.0
PHONE_ONLY = 60.0
COMPANY_BONUS = 15.0
_GMAIL = {"gmail.com", "googlemail.com"}


@dataclass(frozen=True)
class DuplicateCandidate:
    """Two contacts that may be one person: ``first`` is the older, ``score`` 0-100."""

    first: ContactSummary
    second: ContactSummary
    score: float
    reasons: tuple[str, ...]


def email_identity(email: str) -> str:
    """``John.Doe+news@GMail.com`` -> ``johndoe@gmail.com``: one mailbox, one identity."""
    local, _, domain = keys.normalise_email(email).rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


@dataclass(frozen=True)
class _Folded:
    """A contact's names and company, folded once (comparisons run on pairs)."""

    first: str
    last: str
    full: str
    company: str

    @classmethod
    def of(cls, contact: ContactSummary) -> _Folded:
        if not (contact.first_name or contact.last_name):  # a one-text name, or none
            first, last = "", keys.fold_name(contact.name or "")
        else:
            first = keys.fold_name(contact.first_name or "")
            last = keys.fold_name(contact.last_name or "")
        return cls(first, last, f"{first} {last}", keys.fold_name(contact.company or ""))


def _nickname(a: _Folded, b: _Folded) -> bool:
    short, long = sorted((a.first, b.first), key=len)
    return 0 < len(short) < len(long) and long.startswith(short) and a.last == b.last


def score_pair(
    a: ContactSummary, b: ContactSummary, fa: _Folded, fb: _Folded
) -> tuple[float, tuple[str, ...]]:
    """The likelihood (0-100) that two contacts are one person, and the signals behind it."""
    reasons: list[str] = []
    if a.email and b.email and email_identity(a.email) == email_identity(b.email):
        reasons.append("email")
    phone = bool(a.phone_e164) and a.phone_e164 == b.phone_e164
    if phone:
        reasons.append("phone")
    ratio = float(fuzz.token_sort_ratio(fa.full, fb.full))
    if ratio >= NAME_FLOOR:
        reasons.append("name")
    if _nickname(fa, fb):
        reasons.append("nickname")
        ratio = max(ratio, NICKNAME_RATIO)
    elif ratio < NAME_FLOOR:
        ratio = 0.0
    same_company = bool(fa.company) and fa.company == fb.company
    if same_company:
        reasons.append("company")
    if "email" in reasons or (phone and ratio):
        return 100.0, tuple(reasons)
    score = max(0.8 * ratio, PHONE_ONLY if phone else 0.0)
    if same_company and score:
        score = min(99.0, score + COMPANY_BONUS)
    return round(score, 1), tuple(reasons)


def find_candidates(
    contacts: list[ContactSummary], min_score: float = MIN_SCORE
) -> list[DuplicateCandidate]:
    """Likely duplicate pairs among ``contacts`` (pure; see the module notes for the rules)."""
    folded = {c.id: _Folded.of(c) for c in contacts}
    pairs: set[tuple[ContactSummary, ContactSummary]] = set()

    def consider(a: ContactSummary, b: ContactSummary) -> None:
        pairs.add((a, b) if a.id < b.id else (b, a))

    for key in (lambda c: email_identity(c.email) if c.email else None, _phone):
        groups: dict[str, list[ContactSummary]] = {}
        for contact in contacts:
            value = key(contact)
            if value:
                groups.setdefault(value, []).append(contact)
        for same in groups.values():
            for a, b in combinations(same, 2):
                consider(a, b)
    for block in _blocks(contacts, folded):
        for a, b in combinations(block, 2):
            fa, fb = folded[a.id], folded[b.id]
            if fuzz.token_sort_ratio(fa.full, fb.full) >= NAME_FLOOR or _nickname(fa, fb):
                consider(a, b)
    found = []
    for a, b in pairs:
        score, reasons = score_pair(a, b, folded[a.id], folded[b.id])
        if score >= min_score:
            found.append(DuplicateCandidate(a, b, score, reasons))
    return sorted(found, key=lambda c: (-c.score, c.first.id, c.second.id))


def _phone(contact: ContactSummary) -> str | None:
    return contact.phone_e164


def _blocks(
    contacts: list[ContactSummary], folded: dict[str, _Folded]
) -> Iterator[list[ContactSummary]]:
    """Contacts sharing a first letter of first name, or of last name (pairs may repeat)."""
    blocks: dict[tuple[str, str], list[ContactSummary]] = {}
    for contact in contacts:
        names = folded[contact.id]
        for part, name in (("first", names.first), ("last", names.last)):
            if name:
                blocks.setdefault((part, name[0]), []).append(contact)
    yield from blocks.values()
