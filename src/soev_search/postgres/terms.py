"""Our Danish analysis in PostgreSQL's terms: pre-analysed tsvectors and tsqueries.

PostgreSQL never analyses text here: a document's tsvector is written as a literal from
DanishAnalyzer's terms and positions, and a query tree is compiled into a tsquery literal from
the same analyzer, so both backends match the same terms. Fields are weights: title A,
sections B, text C. The fields sit in one tsvector one after another with a gap of positions
between them, so no phrase can run from one field into the next.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable

from soev_search.analysis import DanishAnalyzer, normalize, stem
from soev_search.document import Document

# PostgreSQL's limits: positions above 16383 are stored as 16383, and a lexeme keeps at most
# 256 positions. Past them a term still matches, but phrases no longer can.
MAX_POSITION = 16383
MAX_POSITIONS_PER_TERM = 256
FIELD_GAP = 64
FIELD_WEIGHTS = {"title": "A", "sections": "B", "text": "C"}
# What a plain word searches (as the Whoosh backend: title and text, not the sections).
DEFAULT_WEIGHTS = "AC"


def sections_text(doc: Document) -> str:
    return "\n".join(f"{s.question}\n{s.answer}" for s in doc.sections)


def tsvector(analyzer: DanishAnalyzer, doc: Document) -> str:
    """The document's tsvector literal: every index term with its positions and weight."""
    positions: dict[str, list[str]] = defaultdict(list)
    offset = 1
    for weight, text in (("A", doc.title), ("B", sections_text(doc)), ("C", doc.text)):
        last = -1
        for term, position, _, _ in analyzer.spans(text, index=True):
            at = min(offset + position, MAX_POSITION)
            found = positions[term]
            entry = f"{at}{weight}"
            if len(found) < MAX_POSITIONS_PER_TERM and (not found or found[-1] != entry):
                found.append(entry)
            last = position
        offset += last + 1 + FIELD_GAP
    return " ".join(f"{quote(term)}:{','.join(found)}" for term, found in positions.items())


def quote(term: str) -> str:
    """A lexeme as a quoted tsvector/tsquery literal."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def text_query(analyzer: DanishAnalyzer, text: str, weights: str) -> str | None:
    """Words as the query side analyses them: one term, or a phrase with the stop-word gaps
    kept as distances (`a <2> b`); None when only stop words remain."""
    by_position: dict[int, list[str]] = defaultdict(list)
    for term, position, _, _ in analyzer.spans(text, index=False):
        if term not in by_position[position]:
            by_position[position].append(term)
    if not by_position:
        return None
    ordered = sorted(by_position)
    parts = [_alternatives(by_position[p], weights) for p in ordered]
    query = parts[0]
    for (before, after), part in zip(itertools.pairwise(ordered), parts[1:], strict=True):
        distance = after - before
        query += f" {'<->' if distance == 1 else f'<{distance}>'} {part}"
    return query


def prefix_query(text: str, weights: str) -> str:
    """Terms starting with the folded text or its stem (as the Whoosh backend's Prefix)."""
    folded = normalize(text)
    starts = sorted({folded, stem(folded)})
    return " | ".join(f"{quote(start)}:*{weights}" for start in starts)


def _alternatives(terms: Iterable[str], weights: str) -> str:
    found = [f"{quote(term)}:{weights}" for term in terms]
    return found[0] if len(found) == 1 else "(" + " | ".join(found) + ")"
