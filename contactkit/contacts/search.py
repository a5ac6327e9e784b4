"""Search terms, contact tokens and ranking (pure: no I/O).

A contact is indexed under the words of its name, company, job title and email, each folded
like names (no case, no accents, letters and digits only). A search word matches a token it is a
prefix of ("tech" matches "tech" and "technology"); a multi-word search keeps the contacts that
match every word, ranked by how well they match: an exact word scores more than a prefix, a name
more than other fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..dynamo import limits
from ..errors import ValidationError
from .keys import fold_name

MAX_TOKEN_CHARS = 100
FUZZY_THRESHOLD = 70.0

_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # runs of letters and digits


def words(text: str | None) -> list[str]:
    """Folded words of ``text``: ``"Tech-Corp Inc."`` -> ``["tech", "corp", "inc"]``."""
    if not text:
        return []
    found = (fold_name(part) for part in _WORD.findall(text))
    return [w[:MAX_TOKEN_CHARS] for w in found if w]


def query_words(term: str) -> list[str]:
    """The distinct words of a search term; ``ValidationError`` if it has none."""
    if not isinstance(term, str):
        raise ValidationError("term", f"must be text, not {type(term).__name__}")
    found = list(dict.fromkeys(words(term)))
    if not found:
        raise ValidationError("term", f"{term!r} has no letters or digits to search for")
    return found


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
        return words(self.first_name) + words(self.last_name) + words(self.name)

    def other_tokens(self) -> list[str]:
        return words(self.company) + words(self.job_title) + words(self.email)

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
