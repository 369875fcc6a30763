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

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from whoosh import query as wq
from whoosh.reading import IndexReader
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
# Whoosh's BM25F defaults, so `mlt:` in a search ranks like the similar documents
BM25_B = 0.75
BM25_K1 = 1.2
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
    if limit < 1:
        return []
    groups = _key_term_groups(searcher, analyzer, doc)
    terms = [t for _, _, group in groups for t in group]
    reader = searcher.reader()
    scores, matched = _score(reader, groups)
    scores.pop(docnum, None)
    if reader.has_deletions():  # postings still list deleted documents until a merge
        scores = {d: score for d, score in scores.items() if not reader.is_deleted(d)}
    depth = max(MIN_CANDIDATES, 3 * limit)
    best = heapq.nsmallest(depth, scores, key=lambda d: (-scores[d], d))
    found = [(d, scores[d], _shared(terms, matched[d])) for d in best]
    own = doc.municipality or ""
    # sorted() is stable: within each group the best stay first
    found.sort(key=lambda item: bool(own) and municipality_of(item[0]) == own)
    return found[:limit]


def query_for(searcher: Searcher, analyzer: DanishAnalyzer, doc: Document) -> wq.Query | None:
    """The same similarity as one Whoosh query (for `mlt:<id>` in the query language, where
    it combines with words and filters; Whoosh ranks it with the same BM25)."""
    parts = [_boosted(field, group, boost)
             for field, boost, group in _key_term_groups(searcher, analyzer, doc)]
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def _key_term_groups(searcher: Searcher, analyzer: DanishAnalyzer,
                     doc: Document) -> list[tuple[str, float, list[KeyTerm]]]:
    """(field, boost, key terms): the text's, and the questions' when the document answers
    a questionnaire."""
    total = searcher.doc_count()
    groups = [(FIELD, 1.0, key_terms(doc.text, analyzer,
                                      lambda t: searcher.doc_frequency(FIELD, t), total))]
    questions = "\n".join(section.question for section in doc.sections)
    if questions:
        groups.append((QUESTIONS_FIELD, QUESTION_BOOST, key_terms(
            questions, analyzer, lambda t: searcher.doc_frequency(QUESTIONS_FIELD, t), total)))
    return [group for group in groups if group[2]]


def _score(reader: IndexReader, groups: list[tuple[str, float, list[KeyTerm]]],
           ) -> tuple[dict[int, float], dict[int, int]]:
    """BM25 scores of every document holding a key term (Whoosh's formula and parameters,
    summed over the boosted terms), and per document a bit mask of the terms it holds.

    Read straight from the postings: an order of magnitude faster than Whoosh's OR matcher
    over the same terms, which the benchmark measured at about 0.4 s per document."""
    scores: dict[int | None, float] = defaultdict(float)
    matched: dict[int, int] = defaultdict(int)
    count = max(1, reader.doc_count_all())
    leaves = reader.leaf_readers()
    bit = 1
    for field, boost, terms in groups:
        average = reader.field_length(field) / count
        strongest = terms[0].weight
        norms: dict[int, float] = {}
        for term in terms:
            idf = math.log(count / (reader.doc_frequency(field, term.term) + 1)) + 1
            weight = boost * term.weight / strongest * idf
            # segment by segment: Whoosh's multi-segment wrapper costs more than the reading
            for leaf, offset in leaves:
                if (field, term.term) not in leaf:
                    continue
                for docnum, tf in leaf.postings(field, term.term).items_as("weight"):
                    docnum += offset
                    norm = norms.get(docnum)
                    if norm is None:
                        length = leaf.doc_field_length(docnum - offset, field, 1)
                        norm = norms[docnum] = BM25_K1 * (1 - BM25_B + BM25_B * length / average)
                    scores[docnum] += weight * tf * (BM25_K1 + 1) / (tf + norm)
                    matched[docnum] |= bit
            bit <<= 1
    return scores, matched


def _shared(terms: list[KeyTerm], mask: int) -> tuple[str, ...]:
    """The readable words of the terms in `mask`, most distinctive first, each once (two
    terms may read the same: "socialøkonomiske" for the word and one of its parts)."""
    held = [t for i, t in enumerate(terms) if mask >> i & 1]
    held.sort(key=lambda t: -t.weight)
    return tuple(dict.fromkeys(t.word for t in held))


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
