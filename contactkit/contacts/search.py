"""Search terms, contact tokens and ranking (pure: no I/O).

A contact is indexed under the words of its name, company, job title and email, each folded
like names (no case, no accents, letters and digits only). A search word matches a token it is a
prefix of ("tech" matches "tech" and "technology"); a multi-word search keeps the contacts that
match every word, ranked by how well they match: an exact word scores more than a prefix, a name
more than other fields.

Two rules keep the index small and its reads short (docs/keys.md, "Search tokens"):

* **Email noise is not indexed.** An address contributes the words of its local part and of its
  domain, less the top-level domain (``com``, ``de``, ``example``) and the words every address
  shares (:data:`EMAIL_STOP_WORDS`: ``www``, ``mail``, ``gmail``, ``co``...). Searching for
  ``example`` finds contacts with that word in their name, company or title, not every contact
  at ``example.com``. Names, companies and titles keep every word.
* **Search words have at least** :data:`MIN_WORD_CHARS` **characters** (a CJK character counts
  two, as it is a word). Shorter words of a term are ignored when the term has a longer one
  (``"j smith"`` searches ``smith``); a term with none (``"a"``) is refused with a
  ``ValidationError`` saying so, rather than reading every entry that starts with ``a``.
  Shorter tokens are not stored: no search word could match them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..dynamo import limits
from ..errors import ValidationError
from .keys import fold_name

MAX_TOKEN_CHARS = 100
MIN_WORD_CHARS = 2
FUZZY_THRESHOLD = 70.0

# Words of email addresses that tell contacts apart from nobody: second-level labels of
# country domains, web and mail prefixes, the big mail providers, documentation domains.
EMAIL_STOP_WORDS = frozenset(
    {
        "ac", "co", "com", "edu", "gov", "net", "org", "ne", "or",
        "www", "web", "http", "https", "mail", "email", "mx", "smtp",
        "example", "test", "invalid", "localhost",
        "gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "live", "msn",
        "icloud", "me", "mac", "aol", "protonmail", "proton", "pm", "gmx", "yandex",
        "zoho", "fastmail", "mailbox", "posteo", "qq", "163", "126",
    }
)  # fmt: skip

# Words that say what kind of company or sentence a word is in, not which one: legal forms and
# the function words of titles ("Head of Operations"). Not applied to names.
STOP_WORDS = frozenset(
    {
        "inc", "llc", "llp", "ltd", "plc", "gmbh", "corp", "co", "ag", "sa", "sas", "sarl",
        "srl", "spa", "bv", "nv", "oy", "ab", "pty", "kk", "limited", "incorporated",
        "corporation", "company", "group", "holdings",
        "of", "and", "the", "at", "for", "to", "in", "on", "by", "an", "und", "der", "et",
    }
)  # fmt: skip

_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # runs of letters and digits


def words(text: str | None) -> list[str]:
    """Folded words of ``text``: ``"Tech-Corp Inc."`` -> ``["tech", "corp", "inc"]``."""
    if not text:
        return []
    return list(_words(text))


@functools.lru_cache(maxsize=8192)  # a contact's names are read three times per write
def _words(text: str) -> tuple[str, ...]:
    found = (fold_name(part) for part in _WORD.findall(text))
    return tuple(w[:MAX_TOKEN_CHARS] for w in found if w)


def long_enough(word: str) -> bool:
    """Whether a folded word is searchable: ``MIN_WORD_CHARS`` wide (CJK characters count 2)."""
    if word.isascii():  # no ASCII character is wide
        return len(word) >= MIN_WORD_CHARS
    width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in word)
    return width >= MIN_WORD_CHARS


def email_words(email: str | None) -> list[str]:
    """The words an address is searched by: ``"ada.l@mail.acme.co.uk"`` -> ``["ada", "acme"]``.

    The local part's words and the domain's, less its last label (the top-level domain) and
    :data:`EMAIL_STOP_WORDS`; words shorter than ``MIN_WORD_CHARS`` go too.
    """
    if not email:
        return []
    local, _, domain = email.rpartition("@") if "@" in email else (email, "", "")
    labels = domain.split(".")[:-1] if "." in domain else []
    found = words(local) + [w for label in labels for w in words(label)]
    return [
        w for w in found if w not in EMAIL_STOP_WORDS and w not in STOP_WORDS and long_enough(w)
    ]


def restates(word: str, names: Sequence[str]) -> bool:
    """Whether an address word only spells the person's names and initials, in any order
    and with trailing digits: ``"jsmith"``, ``"annaallen"``, ``"smith42"`` for John/Anna Smith.
    """
    stem = word.rstrip("0123456789")
    pieces = {n for n in names if n} | {n[0] for n in names if n}
    reachable = {0}  # positions of stem reachable by a sequence of pieces
    for start in range(len(stem)):
        if start in reachable:
            reachable.update(start + len(p) for p in pieces if stem.startswith(p, start))
    return bool(stem) and len(stem) in reachable


def query_words(term: str) -> list[str]:
    """The distinct searchable words of a term; ``ValidationError`` if it has none.

    Words shorter than ``MIN_WORD_CHARS`` are left out when the term has a longer one.
    """
    if not isinstance(term, str):
        raise ValidationError("term", f"must be text, not {type(term).__name__}")
    found = list(dict.fromkeys(words(term)))
    if not found:
        raise ValidationError("term", f"{term!r} has no letters or digits to search for")
    kept = [w for w in found if long_enough(w)]
    if not kept:
        raise ValidationError(
            "term",
            f"{term!r} is too short to search for: a search word needs at least "
            f"{MIN_WORD_CHARS} letters or digits (shorter words are ignored when the term "
            "has a longer one)",
        )
    return kept


@dataclass(frozen=True)
class SearchFields:
    """The fields a contact is searched by (a contact or a projected summary)."""

    first_name: str
    last_name: str
    email: str | None
    company: str | None = None
    job_title: str | None = None
    name: str | None = None  # the full name, when it is not split into given and family name

    def name_tokens(self) -> list[str]:
        found = words(self.first_name) + words(self.last_name) + words(self.name)
        return [w for w in found if long_enough(w)]

    def other_tokens(self) -> list[str]:
        found = words(self.company) + words(self.job_title)
        names = words(self.first_name) + words(self.last_name) + words(self.name)
        return [w for w in found if long_enough(w) and w not in STOP_WORDS] + [
            w for w in email_words(self.email) if not restates(w, names)
        ]

    def text(self) -> str:
        parts = (
            self.first_name,
            self.last_name,
            self.name,
            self.company,
            self.job_title,
            self.email,
        )
        return " ".join(p for p in parts if p)


def contact_tokens(fields: SearchFields) -> tuple[str, ...]:
    """The tokens stored for a contact: distinct, names first, at most ``MAX_SEARCH_TOKENS``.

    The cap keeps every write within the transaction budget (see ``contactkit.dynamo.limits``);
    words beyond it (rare: very long titles) are not indexed and found only by the org scan.
    """
    ordered = dict.fromkeys(fields.name_tokens() + fields.other_tokens())
    return tuple(ordered)[: limits.MAX_SEARCH_TOKENS]


def word_score(word: str, token: str, *, in_name: bool) -> int:
    """How well one search word matches one token: 0 (no), 1-4 (prefix/exact, name/other)."""
    if not token.startswith(word):
        return 0
    exact = 2 if token == word else 1
    return exact + (2 if in_name else 0)


def score_tokens(query: Sequence[str], tokens: Iterable[str], name_tokens: set[str]) -> int:
    """A contact's score for a query: the sum over words of its best token; 0 if any misses."""
    token_list = list(tokens)
    total = 0
    for word in query:
        best = max((word_score(word, t, in_name=t in name_tokens) for t in token_list), default=0)
        if best == 0:
            return 0
        total += best
    return total


def score_fields(query: Sequence[str], fields: SearchFields) -> int:
    """Score a contact read in full (the org-scan path) by the token index's rules."""
    names = fields.name_tokens()
    return score_tokens(query, names + fields.other_tokens(), set(names))


def fuzzy_score(term: str, fields: SearchFields) -> float:
    """Typo-tolerant similarity (0-100) of a term to a contact, with rapidfuzz.

    Compares the folded term with the folded name, and with all searchable text, keeping the
    better; ``"jon smth"`` scores high against John Smith.
    """
    folded = " ".join(words(term))
    name = " ".join(fields.name_tokens())
    everything = " ".join(words(fields.text()))
    return max(
        fuzz.token_sort_ratio(folded, name),
        fuzz.token_set_ratio(folded, everything) * 0.9,  # whole-text matches rank below names
    )
