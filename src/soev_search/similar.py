"""Similar documents ("Lignende dokumenter"): the others that use the same distinctive terms.

A document's key terms are its terms as the index has them (stems and compound parts, from the
Danish analyzer) weighted by tf·idf; terms found in no other document, numbers, municipality
names and, in a corpus large enough to tell, terms in more than half of all documents
(boilerplate such as "formand" or "tak") are left out. The best KEY_TERMS of them, each boosted
by its weight, make one OR query on the text field, ranked by Whoosh's BM25F, the approach of
Lucene's MoreLikeThis; the questions of a questionnaire the document answers count too
(QUESTION_BOOST). Each hit is explained by the key terms it shares, shown in the source
document's own spelling ("socialøkonomiske", not "socialokonom").
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from soev_search.analysis import PROPER_NAMES, DanishAnalyzer
from soev_search.document import Document

FIELD = "text"
KEY_TERMS = 25
# Terms in more than this share of the documents say nothing about one of them ...
MAX_DF_SHARE = 0.5
# ... but in a handful of documents a share says little: a term in 4 of 5 may be exactly
# what sets a group apart (the status articles' questionnaire), so idf alone weighs there.
MIN_DOCS_FOR_DF_SHARE = 50
MIN_TERM_CHARS = 3
# Only the start of a very long document is analysed: its key terms are settled long before.
MAX_ANALYSED_CHARS = 200_000
# Candidates ranked before those of other municipalities are put first.
MIN_CANDIDATES = 30
REASON_WORDS = 4
# Documents answering the same questionnaire (the status articles) are the most comparable
# there are: the key terms of the questions are matched against the questions and answers
# of the others too, twice as strongly as the text's.
QUESTIONS_FIELD = "sections"
QUESTION_BOOST = 2.0
DEFAULT_LIMIT = 5
MAX_LIMIT = 50


@dataclass(frozen=True)
class KeyTerm:
    term: str  # as indexed: a stem or a compound part
    word: str  # how the document writes it
    weight: float


@dataclass(frozen=True)
class SimilarDocument:
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


def find_similar(searcher: Searcher, analyzer: DanishAnalyzer, doc: Document,
                 docnum: int | None, municipality_of: Callable[[int], str],
                 limit: int = DEFAULT_LIMIT) -> list[tuple[int, float, tuple[str, ...]]]:
    """(docnum, score, shared words) of the documents most like `doc`, those of other
    municipalities first, each group best first. `docnum` is `doc`'s own place in the index
    (left out of the answer), None for a document from outside it."""
    query, terms = _query(searcher, analyzer, doc)
    if query is None or limit < 1:
        return []
    depth = max(MIN_CANDIDATES, 3 * limit) + 1
    words = {t.term: t.word for t in terms}
    order = {t.term: i for i, t in enumerate(terms)}
    found = []
    for hit in searcher.search(query, limit=depth, terms=True):
        if hit.docnum == docnum:
            continue
        matched = {_text(term) for _, term in hit.matched_terms()}
        # two terms may read the same ("socialøkonomiske": the word and one of its parts)
        shared = tuple(dict.fromkeys(
            words[t] for t in sorted(matched & words.keys(), key=order.__getitem__)))
        found.append((hit.docnum, float(hit.score), shared))
    own = doc.municipality or ""
    # sorted() is stable: within each group the best stay first
    found.sort(key=lambda item: bool(own) and municipality_of(item[0]) == own)
    return found[:limit]


def query_for(searcher: Searcher, analyzer: DanishAnalyzer, doc: Document) -> wq.Query | None:
    """The similarity query alone (for `mlt:<id>` in the query language)."""
    return _query(searcher, analyzer, doc)[0]


def _query(searcher: Searcher, analyzer: DanishAnalyzer,
           doc: Document) -> tuple[wq.Query | None, list[KeyTerm]]:
    """The OR of the text's key terms, and of the questions' key terms when the document
    answers a questionnaire; with all key terms, most distinctive first."""
    total = searcher.doc_count()
    terms = key_terms(doc.text, analyzer, lambda t: searcher.doc_frequency(FIELD, t), total)
    parts = [_boosted(FIELD, terms, 1.0)]
    questions = "\n".join(section.question for section in doc.sections)
    asked = key_terms(questions, analyzer,
                      lambda t: searcher.doc_frequency(QUESTIONS_FIELD, t), total)
    parts.append(_boosted(QUESTIONS_FIELD, asked, QUESTION_BOOST))
    parts = [part for part in parts if part is not None]
    if not parts:
        return None, []
    merged = {t.term: t for t in asked}
    merged.update({t.term: t for t in terms})
    ordered = sorted(merged.values(), key=lambda t: (-t.weight, t.term))
    return (parts[0] if len(parts) == 1 else wq.Or(parts)), ordered


def _boosted(field: str, terms: list[KeyTerm], boost: float) -> wq.Query | None:
    """One OR of the key terms, each boosted by its weight relative to the strongest."""
    if not terms:
        return None
    strongest = terms[0].weight
    return wq.Or([wq.Term(field, t.term, boost=boost * t.weight / strongest) for t in terms])


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


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term
