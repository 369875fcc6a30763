"""Title and document type of a cleaned text."""

from __future__ import annotations

import re

MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 25
# Document type words, in compounds too ("frivilligpolitik", "opsamlingsnotat"); in the title
# the earliest one wins ("Handleplan - Kolding Kommunes socialøkonomiske strategi").
_DOCTYPE_WORDS = (
    ("referat", re.compile(r"referat|dagsorden", re.IGNORECASE)),
    ("kvalitetsstandard", re.compile(r"kvalitetsstandard", re.IGNORECASE)),
    ("handleplan", re.compile(r"hand(?:le|lings)plan", re.IGNORECASE)),
    ("notat", re.compile(r"notat", re.IGNORECASE)),
    ("strategi", re.compile(r"strategi", re.IGNORECASE)),
    # "politik" but not "politiker(e/ne)" (politicians).
    ("politik", re.compile(r"politik(?!er(?:e|ne|en)?\b)", re.IGNORECASE)),
)
_ARTICLE_SOURCES = {"blog"}


def title_from_text(text: str) -> str:
    """The first line when it is title-like, else the opening words of the text."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    words = first.split()
    if len(first) <= MAX_TITLE_CHARS and len(words) <= MAX_TITLE_WORDS:
        return first
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) <= MAX_TITLE_CHARS:
        return sentence
    return " ".join(words[:12]) + " …"


def doctype(title: str, text: str, source: str, is_article: bool = False) -> str:
    """One of DOCTYPES: the type named first in the title, else what the source implies,
    else a type named in the opening lines, else "andet"."""
    from_title = _earliest_type(title)
    if source in _ARTICLE_SOURCES:
        return "artikel"
    if from_title:
        return from_title
    if is_article:
        return "artikel"
    return _earliest_type(text[:200]) or "andet"


def _earliest_type(text: str) -> str | None:
    found = [(match.start(), name) for name, pattern in _DOCTYPE_WORDS
             if (match := pattern.search(text))]
    return min(found)[1] if found else None
