"""Similar documents on Whoosh: the documents holding a document's key terms, ranked.

The key terms (`soev_search.similar`) of the text are looked up in the text field; when the
document answers a questionnaire, the key terms of its questions are looked up in the
questions and answers of the others too, twice as strongly: documents answering the same
questionnaire (the status articles) are the most comparable there are. The scores are
Whoosh's BM25F over the boosted terms, computed straight from the postings (`_score`), and
`mlt:<id>` in a search is the same OR query ranked by Whoosh itself.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable

from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from soev_search.analysis import DanishAnalyzer
from soev_search.document import Document
from soev_search.similar import DEFAULT_LIMIT, KeyTerm, key_terms

FIELD = "text"
QUESTIONS_FIELD = "sections"
QUESTION_BOOST = 2.0
# The best this many are ordered, other municipalities first, before the limit is applied.
MIN_CANDIDATES = 30
# Whoosh's BM25F defaults, so `mlt:` in a search ranks like the similar documents.
BM25_B = 0.75
BM25_K1 = 1.2


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


