"""Marking the words a query matches: snippets for result lists, whole texts for documents.

A word is marked when its index terms (stem, compound parts) meet the query's terms, so the
marks agree with what the search matched: "aftale" marks "partnerskabsaftalens". Everything
else is HTML-escaped; the only markup produced is <mark>.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from soev_search.analysis import DanishAnalyzer, normalize, stem
from soev_search.query import TEXT_FIELDS, Field, Node, Phrase, Prefix, Word, positive_leaves
from soev_search.synonyms import Synonyms

SNIPPET_CHARS = 240
# Snippets look for matches only this far into a text: long documents stay cheap.
SNIPPET_SCAN_CHARS = 20_000
_CONTEXT_BEFORE = 60
_SPACE = re.compile(r"\s+")


def highlighter_for(analyzer: DanishAnalyzer, tree: Node | None,
                    synonyms: Synonyms | None = None) -> Highlighter:
    """Marks what the query's positive words, phrases and prefixes match, and the synonyms
    they were searched with."""
    terms: set[str] = set()
    prefixes: set[str] = set()
    typed: list[str] = []  # the terms of all the plain words, for a multi-word synonym
    for node in positive_leaves(tree):
        if isinstance(node, Prefix) or (isinstance(node, Field) and node.value.endswith("*")):
            prefixes.add(normalize((node.text if isinstance(node, Prefix)
                                    else node.value).rstrip("*")))
        elif isinstance(node, Word | Phrase) or (
                isinstance(node, Field) and node.name in TEXT_FIELDS):
            text = node.value if isinstance(node, Field) else node.text
            found = analyzer.terms(text, index=False)
            terms.update(found)
            typed.extend(found if isinstance(node, Word) else ())
            for other in synonyms.of(found) if synonyms else ():
                terms.update(analyzer.terms(other, index=False))
    for other in synonyms.of(typed) if synonyms and len(typed) > 1 else ():
        terms.update(analyzer.terms(other, index=False))
    return Highlighter(analyzer, terms, prefixes)


class Highlighter:
    def __init__(self, analyzer: DanishAnalyzer, terms: Iterable[str],
                 prefixes: Iterable[str] = ()) -> None:
        self.analyzer = analyzer
        self.terms = frozenset(terms)
        self.prefixes = tuple({p for prefix in prefixes for p in (prefix, stem(prefix))})
        needles = sorted(self.terms | set(self.prefixes), key=len, reverse=True)
        self._candidates = (re.compile("|".join(map(_raw_spellings, needles)), re.IGNORECASE)
                            if needles else None)

    def matches(self, word: str) -> bool:
        word_terms = self.analyzer.word_terms(word)
        if not self.terms.isdisjoint(word_terms):
            return True
        if self.prefixes:
            folded = normalize(word)
            return any(t.startswith(self.prefixes) for t in (folded, *word_terms))
        return False

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the matched words, in order.

        A matching word contains one of the terms or prefixes in its folded form (stems
        and compound parts are pieces of the word), so a regex over the raw text finds
        the few candidates and only those are analysed.
        """
        if self._candidates is None:
            return []
        found: dict[int, int] = {}
        for match in self._candidates.finditer(text):
            start, end = _enclosing_word(text, match.start(), match.end())
            if start not in found and self.matches(text[start:end]):
                found[start] = end
        return sorted(found.items())

    def mark(self, text: str) -> str:
        """The whole text, escaped, with <mark> around every matched word."""
        return _render(text, self.spans(text), 0, len(text), collapse=False)

    def snippet(self, text: str, length: int = SNIPPET_CHARS) -> str:
        """The passage with the most distinct matched words (or the opening), escaped."""
        scanned = text[:SNIPPET_SCAN_CHARS]
        spans = self.spans(scanned)
        start = _best_window(scanned, spans, length)
        start = max(0, start - _CONTEXT_BEFORE) if spans else 0
        start = _word_boundary(text, start, backwards=True)
        end = _word_boundary(text, min(len(text), start + length), backwards=False)
        inside = [span for span in spans if span[0] >= start and span[1] <= end]
        body = _render(text, inside, start, end, collapse=True).strip()
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(text) else ""
        return f"{prefix}{body}{suffix}"


# How a folded letter may be written in the raw text (the inverse of analysis.fold).
_SPELLINGS = {"o": "(?:oe|o|ø|ö|ó|ô)", "e": "[eéèêë]", "a": "[aáàâä]", "u": "[uúùûü]",
              "i": "[iíìîï]", "c": "[cç]", "n": "[nñ]", "y": "[yý]"}


def _raw_spellings(folded: str) -> str:
    """A regex matching the raw spellings of a folded piece: "aa" also as "å", "o" as "ø"."""
    out: list[str] = []
    at = 0
    while at < len(folded):
        pair = folded[at:at + 2]
        if pair in ("aa", "ae"):
            out.append(f"(?:{pair}|{'å' if pair == 'aa' else 'æ'})")
            at += 2
            continue
        out.append(_SPELLINGS.get(folded[at], re.escape(folded[at])))
        at += 1
    return "".join(out)


def _enclosing_word(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _best_window(text: str, spans: list[tuple[int, int]], length: int) -> int:
    """Start of the window of `length` chars with the most distinct, then most, matches."""
    words = [text[s:e].lower() for s, e in spans]
    best_start, best_score = 0, (0, 0)
    end = 0
    for i, (start, _) in enumerate(spans):
        end = max(end, i)
        while end + 1 < len(spans) and spans[end + 1][1] <= start + length:
            end += 1
        inside = words[i:end + 1]
        score = (len(set(inside)), len(inside))
        if score > best_score:
            best_start, best_score = start, score
    return best_start


def _word_boundary(text: str, at: int, backwards: bool) -> int:
    """Move `at` to the nearest whitespace so no word is cut in half (within 30 chars)."""
    if at <= 0 or at >= len(text):
        return max(0, min(at, len(text)))
    window = range(at, max(0, at - 30), -1) if backwards else range(at, min(len(text), at + 30))
    return next((i for i in window if text[i].isspace()), at)


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int,
            collapse: bool) -> str:
    out: list[str] = []
    at = start
    for span_start, span_end in spans:
        out.append(_escape(text[at:span_start], collapse))
        out.append(f"<mark>{_escape(text[span_start:span_end], collapse)}</mark>")
        at = span_end
    out.append(_escape(text[at:end], collapse))
    return "".join(out)


def _escape(text: str, collapse: bool) -> str:
    return html.escape(_SPACE.sub(" ", text) if collapse else text, quote=True)
