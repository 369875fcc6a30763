"""Similar documents ("Lignende dokumenter"): what they are, whatever the index.

A document's key terms are its terms as the index has them (stems and compound parts, from the
Danish analyzer) weighted by tf·idf; terms found in no other document, numbers, municipality
names and, in a corpus large enough to tell, terms in more than half of all documents
(boilerplate such as "formand" or "tak") are left out. A backend ranks the documents holding
the best KEY_TERMS of them (`soev_search.whoosh_similar`: BM25 over the boosted terms, the
approach of Lucene's MoreLikeThis). Each answer is explained by the key terms it shares, shown
in the source document's own spelling ("socialøkonomiske", not "socialokonom").
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from soev_search.analysis import PROPER_NAMES, DanishAnalyzer
from soev_search.document import Document

KEY_TERMS = 25
# Terms in more than this share of the documents say nothing about one of them ...
MAX_DF_SHARE = 0.5
# ... but in a handful of documents a share says little: a term in 4 of 5 may be exactly
# what sets a group apart (the status articles' questionnaire), so idf alone weighs there.
MIN_DOCS_FOR_DF_SHARE = 50
MIN_TERM_CHARS = 3
# Only the start of a very long document is analysed: its key terms are settled long before.
MAX_ANALYSED_CHARS = 200_000
REASON_WORDS = 4
DEFAULT_LIMIT = 5
MAX_LIMIT = 50


@dataclass(frozen=True)
class KeyTerm:
    """A distinctive word of a document: as indexed, as written, and its weight."""

    term: str  # as indexed: a stem or a compound part
    word: str  # how the document writes it
    weight: float


@dataclass(frozen=True)
class SimilarDocument:
    """A document like the given one, with its score and the words they share."""

    id: str
    title: str
    municipality: str | None
    year: int | None
    date: str | None
    doctype: str
    score: float
    # The shared key terms, most distinctive first, in the source document's spelling.
    shared: tuple[str, ...]
    # One Danish line saying why: "Fælles nøgleord: fleksjob, kantine og frivillige".
    reason: str

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["shared"] = list(self.shared)
        return values


def key_terms(text: str, analyzer: DanishAnalyzer, doc_frequency: Callable[[str], int],
              total: int, limit: int = KEY_TERMS) -> list[KeyTerm]:
    """The `limit` most distinctive terms of `text` in an index of `total` documents."""
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    compounds: dict[str, Counter[str]] = defaultdict(Counter)
    text = text[:MAX_ANALYSED_CHARS]
    for term, _, start, end in analyzer.spans(text, index=True):
        counts[term] += 1
        word = text[start:end].lower()
        # A word's own stem shows as the word; a compound part shows as its compound only
        # when the document never writes the part alone.
        (spellings if _own_term(analyzer, word) == term else compounds)[term][word] += 1
    max_df = total * MAX_DF_SHARE if total >= MIN_DOCS_FOR_DF_SHARE else total
    scored = []
    for term, count in counts.items():
        if len(term) < MIN_TERM_CHARS or term.isdigit() or term in PROPER_NAMES:
            continue
        df = doc_frequency(term)
        if df < 2 or df > max_df:  # in no other document, or in too many
            continue
        idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
        scored.append((round((1 + math.log(count)) * idf, 6), term))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [KeyTerm(term, _spelling(spellings[term] or compounds[term]), weight)
            for weight, term in scored[:limit]]


def similar_document(doc: Document, score: float, shared: tuple[str, ...]) -> SimilarDocument:
    return SimilarDocument(id=doc.id, title=doc.title, municipality=doc.municipality,
                           year=doc.year, date=doc.date, doctype=doc.doctype,
                           score=round(score, 4), shared=shared, reason=reason(shared))


def reason(shared: tuple[str, ...]) -> str:
    """"Fælles nøgleord: a, b og c" with the first REASON_WORDS shared words."""
    shown = list(shared[:REASON_WORDS])
    if not shown:
        return ""
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} og {shown[-1]}"
    return f"Fælles nøgleord: {listed}"


def _own_term(analyzer: DanishAnalyzer, word: str) -> str | None:
    terms = analyzer.terms(word, index=False)
    return terms[0] if len(terms) == 1 else None


def _spelling(forms: Counter[str]) -> str:
    """The most frequent form; ties go to the shorter (usually the plainer) one."""
    return min(forms.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
