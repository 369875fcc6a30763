"""Query tree (soev_search.query) → Whoosh query, words analysed exactly as the index did."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from whoosh import query as wq

from soev_search.analysis import DanishAnalyzer, normalize, stem
from soev_search.filters import ValueRange
from soev_search.query import (
    DEFAULT_FIELDS,
    LIKE_FIELD,
    TEXT_FIELDS,
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Range,
    Word,
)
from soev_search.synonym_runs import synonym_run, terms_of
from soev_search.synonyms import Synonyms
from soev_search.whoosh_andnot import AndNot

TITLE_BOOST = 3.0
# field, value as typed → the value as stored, or None when no document has it
Resolver = Callable[[str, str], "str | None"]
# document id → the query for the documents like it (mlt:<id>), None when there is no such one
LikeQuery = Callable[[str], "wq.Query | None"]


class QueryCompiler:
    def __init__(self, analyzer: DanishAnalyzer, resolve: Resolver,
                 keyword_fields: tuple[str, ...], synonyms: Synonyms | None = None,
                 like: LikeQuery | None = None) -> None:
        self.analyzer = analyzer
        self.resolve = resolve
        self.keyword_fields = keyword_fields
        self.synonyms = synonyms or Synonyms()
        self.like = like

    def compile(self, node: Node | None) -> wq.Query | None:
        if node is None:
            return None
        if isinstance(node, And):
            return self._and(node.items)
        if isinstance(node, Or):
            items = [self._alone(item) for item in node.items]
            items = [item for item in items if item is not None]
            return wq.Or(items) if items else None
        if isinstance(node, Not):
            return self._and((node,))
        return self._leaf(node)

    def _alone(self, node: Node) -> wq.Query | None:
        return self._and((node,)) if isinstance(node, Not) else self.compile(node)

    def _and(self, items: tuple[Node, ...]) -> wq.Query | None:
        positive = self._with_phrase_synonyms([i for i in items if not isinstance(i, Not)])
        negative = [self.compile(i.item) for i in items if isinstance(i, Not)]
        positive = [q for q in positive if q is not None]
        negative = [q for q in negative if q is not None]
        if not positive and not negative:
            return None
        base = positive[0] if len(positive) == 1 else wq.And(positive or [wq.Every()])
        return AndNot(base, wq.Or(negative)) if negative else base

    def _leaf(self, node: Node) -> wq.Query | None:
        if isinstance(node, Word | Phrase):
            return self.text(node.text, DEFAULT_FIELDS)
        if isinstance(node, Prefix):
            return self.prefix(node.text, DEFAULT_FIELDS)
        if isinstance(node, Range):
            return value_range(node.name, node.span)
        assert isinstance(node, Field)
        if node.name in TEXT_FIELDS:
            if node.value.endswith("*") and not node.phrase:
                return self.prefix(node.value.rstrip("*"), (node.name,))
            return self.text(node.value, (node.name,))
        if node.name == "id":
            return wq.Term("id", node.value)
        if node.name == LIKE_FIELD:
            like = self.like(node.value) if self.like is not None else None
            # the document itself is the most like it: left out
            return wq.NullQuery if like is None else AndNot(like, wq.Term("id", node.value))
        return self.filter_term(node.name, node.value)

    def filter_term(self, name: str, value: str) -> wq.Query:
        """A filter value as a term; a value no document has matches nothing."""
        stored = self.resolve(name, value)
        if stored is not None:
            return wq.Term(name, stored)
        return wq.Term(name, value) if name in self.keyword_fields else wq.NullQuery

    def _with_phrase_synonyms(self, nodes: list[Node]) -> list[wq.Query | None]:
        """Each node compiled; a run of words that is a synonyms entry ("socialøkonomisk
        virksomhed") matches as typed (all its words) or as any other entry ("SØV")."""
        compiled: list[wq.Query | None] = []
        at = 0
        while at < len(nodes):
            size = synonym_run(nodes, at, self.synonyms, self.analyzer)
            if size:
                run = nodes[at:at + size]
                together = [q for q in map(self.compile, run) if q is not None]
                others = [q for q in (self._words(other, DEFAULT_FIELDS)
                                      for other in self.synonyms.of(terms_of(run, self.analyzer)))
                          if q is not None]
                compiled.append(wq.Or([wq.And(together), *others]))
                at += size
            else:
                compiled.append(self.compile(nodes[at]))
                at += 1
        return compiled

    def text(self, text: str, fields: tuple[str, ...]) -> wq.Query | None:
        """The text's words in order (a phrase) or, when they are a synonyms entry, any
        other entry of its groups."""
        query = self._words(text, fields)
        if query is None:
            return None
        others = self.synonyms.of(self.analyzer.terms(text, index=False))
        alternatives = [q for q in (self._words(o, fields) for o in others) if q is not None]
        return wq.Or([query, *alternatives]) if alternatives else query

    def _words(self, text: str, fields: tuple[str, ...]) -> wq.Query | None:
        """The text's words in order: one term, or a phrase."""
        tokens = list(self.analyzer.tokens(text, index=False))
        if not tokens:
            return None
        terms = [token.text for token in tokens]
        # Stop words leave gaps in positions; let the phrase span the same gaps.
        gaps = [b.position - a.position for a, b in itertools.pairwise(tokens)]
        slop = max(gaps, default=1)
        queries = []
        for field in fields:
            boost = TITLE_BOOST if field == "title" else 1.0
            if len(terms) == 1:
                queries.append(wq.Term(field, terms[0], boost=boost))
            else:
                queries.append(wq.Phrase(field, terms, slop=slop, boost=boost))
        return queries[0] if len(queries) == 1 else wq.Or(queries)

    def prefix(self, text: str, fields: tuple[str, ...]) -> wq.Query:
        folded = normalize(text)
        starts = {folded, stem(folded)}
        return wq.Or([wq.Prefix(field, start) for field in fields for start in sorted(starts)])


def value_range(field: str, span: ValueRange) -> wq.Query:
    """The documents whose value lies in the range, as ValueRange.contains decides: an open
    range also keeps the documents without a value. Values are stored as text; the ranged
    filters (years) all have four digits, so text order is number order."""
    low = None if span.low is None else str(span.low)
    high = None if span.high is None else str(span.high)
    within = wq.TermRange(field, low, high)
    if span.closed:
        return within
    return wq.Or([within, AndNot(wq.Every(), wq.Every(field))])

