"""Whoosh's matching and BM25F scoring, computed a posting list at a time.

Whoosh finds and scores a query's documents one document at a time through a tree of Python
matchers (unions, intersections, phrase spans): about 100–300 ms for a phrase or a prefix that
matches half of 10,000 longer documents. Here the same matcher tree, as Whoosh builds it for
each segment, is evaluated a node at a time instead: a term's postings are read block by block
into dicts of docnum → score, unions and intersections merge dicts, a phrase checks positions
only in the documents holding all its words. Phrases and prefixes stand in for Whoosh's with
the same tree but nodes left for evaluating here (Whoosh's would start matching when made).
Every score is the same arithmetic in the same order as Whoosh's (BM25F per posting, the
tree's sums, boosts), so the scores are equal to the last bit and the ranking is the same; a
query with a matcher of a kind not handled here is left to Whoosh's own search.
"""

from __future__ import annotations

from array import array
from itertools import accumulate
from typing import NamedTuple

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.compat import loads
from whoosh.formats import Positions
from whoosh.matching import (
    AndNotMatcher,
    ArrayUnionMatcher,
    IntersectionMatcher,
    ListMatcher,
    Matcher,
    NullMatcher,
    NullMatcherClass,
    UnionMatcher,
    WrappingMatcher,
)
from whoosh.query import Or, Phrase, Prefix, Query, SpanNear2, Term
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE
from whoosh.util import make_binary_tree, make_weighted_tree
from whoosh.util.numeric import byte_to_length

from soev_search.cache import RecentCache

Scores = dict[int, float]


class Unsupported(Exception):
    """A matcher of a kind not evaluated here: the query is left to Whoosh."""


# Kept per build: posting lists read recently, up to this many postings together (12 bytes
# each: docnum and weight), and the documents of recently checked phrases. Whoosh's segments
# are read, not memory-mapped (server memory), so this is the page cache of the common words.
POSTINGS_KEPT = 1_000_000
PHRASES_KEPT = 256

Postings = tuple[array, array]  # docnums ("I") and weights ("d": Whoosh's floats exactly)


class _Scorer(NamedTuple):
    """What BM25FScorer computes with."""

    idf: float
    avgfl: float
    B: float  # noqa: N815 - BM25FScorer's names
    K1: float  # noqa: N815


class PostingsCache:
    """What a build's searches share: BM25F's length part per document, and recently read
    posting lists and phrase matches. Thread-safe."""

    def __init__(self, postings_kept: int = POSTINGS_KEPT,
                 phrases_kept: int = PHRASES_KEPT) -> None:
        self._norms: dict[tuple, array] = {}
        self.postings: RecentCache[tuple, Postings] = RecentCache(
            postings_kept, weigh=lambda postings: len(postings[0]))
        self.phrases: RecentCache[tuple, array] = RecentCache(phrases_kept)

    def norms(self, reader: SegmentReader, offset: int, field: str,
              scorer: BM25FScorer | _Scorer) -> array:
        """k1 * ((1 - b) + b * length / average) of each document of a segment's field:
        Whoosh's expression on its stored length bytes, computed once per build (Whoosh reads
        the length byte and computes it again for every posting)."""
        b, k1, avgfl = scorer.B, scorer.K1, scorer.avgfl
        key = (offset, field, b, k1, avgfl)
        norms = self._norms.get(key)
        if norms is None:
            by_byte = [k1 * ((1 - b) + b * byte_to_length(byte) / avgfl) for byte in range(256)]
            norms = self._norms[key] = array("d", (by_byte[byte]
                                                 for byte in _length_bytes(reader, field)))
        return norms


def _length_bytes(reader: SegmentReader, field: str) -> bytes:
    """The field's column of length bytes, read at once (Whoosh reads it a byte at a time)."""
    perdoc = reader._perdoc  # noqa: SLF001
    column = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)  # noqa: SLF001
    count = reader.doc_count_all()
    if column is None:
        return bytes(count)
    stored = column._count  # noqa: SLF001 - documents after the last nonzero one are left out
    raw = column._dbfile.get(column._basepos, stored)  # noqa: SLF001
    return bytes(raw) + bytes(count - stored)


def scores(searcher: Searcher, query: Query, cache: PostingsCache) -> Scores:
    """docnum → score of every document the query matches, as Whoosh's search would score
    them (its default BM25F weighting), for a searcher of this build."""
    found: Scores = {}
    context = searcher.context()
    lazy = query.accept(_stand_in)
    try:
        for subsearcher, offset in searcher.leaf_searchers():
            matcher = lazy.matcher(subsearcher, context)
            segment = _Segment(subsearcher.reader(), offset, cache)
            for docnum, score in segment.scores(matcher).items():
                found[docnum + offset] = score
    except Unsupported:
        return {docnum: score for score, docnum in searcher.search(query, limit=None).top_n}
    return found


def _stand_in(query: Query) -> Query:
    """Phrases and prefixes whose matchers are made for evaluating here."""
    if type(query) is Phrase:
        return _LazyPhrase(query.fieldname, query.words, query.slop, query.boost,
                           query.char_ranges)
    if type(query) is Prefix:
        return _LazyPrefix(query.fieldname, query.text, query.boost, query.constantscore)
    return query


class _LazyPhrase(Phrase):
    """Phrase.matcher, except that the span matcher does not look for its first match when
    made (Whoosh's looks at the positions of every document up to it): the tree is
    evaluated here, from the postings, never stepped."""

    def matcher(self, searcher: Searcher, context=None):  # noqa: ANN001, ANN201 - Whoosh's
        if self.fieldname not in searcher.schema:
            return NullMatcher()
        field = searcher.schema[self.fieldname]
        if not field.format or not field.format.supports("positions"):
            return Phrase.matcher(self, searcher, context)  # Whoosh's error
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return NullMatcher()
            if (self.fieldname, word) not in reader:
                return NullMatcher()
            terms.append(Term(self.fieldname, word))
        matcher = _PhraseCandidates([t.matcher(searcher, context) for t in terms],
                                    slop=self.slop, ordered=True, mindist=1)
        return WrappingMatcher(matcher, boost=self.boost) if self.boost != 1.0 else matcher


class _LazyPrefix(Prefix):
    """Prefix.matcher (MultiTerm's, then Or's) with the same tree over the same terms, but
    its leaves are left for evaluating here: a Whoosh term matcher looks its term up about
    five times and reads its first block, and the preloaded OR of a small segment steps its
    terms when made. Each segment's terms are expanded once, not for sizing and matching."""

    def _btexts(self, ixreader):  # noqa: ANN001, ANN202 - Whoosh's
        expanded = self.__dict__.setdefault("_expanded", {})
        words = expanded.get(id(ixreader))
        if words is None:
            words = expanded[id(ixreader)] = list(Prefix._btexts(self, ixreader))
        return words

    def matcher(self, searcher: Searcher, context=None):  # noqa: ANN001, ANN201 - Whoosh's
        field = self.fieldname
        if (context is None or not self.constantscore or type(searcher.weighting) is not BM25F
                or field not in searcher.schema or not searcher.schema[field].scorable):
            return Prefix.matcher(self, searcher, context)
        reader = searcher.reader()
        words = [word for word in self._btexts(reader) if word]
        if not words:
            return NullMatcher()
        if len(words) == 1:
            return Term(field, words[0]).matcher(searcher, context)
        kind = Or.matcher_type  # Or._matcher's choice, for the terms' OR
        if kind == Or.AUTO_MATCHER:
            kind = (Or.DEFAULT_MATCHER if len(words) < Or.TOO_MANY_CLAUSES and (
                context.needs_current or len(words) == 2 or searcher.doc_count_all() > 5000)
                else Or.ARRAY_MATCHER)
        leaves = [_TermLeaf(searcher, field, word) for word in words]
        if kind == Or.ARRAY_MATCHER:  # unscored (constant score): 1.0 for each document
            return _Unscored(leaves)
        if kind != Or.DEFAULT_MATCHER:
            return Prefix.matcher(self, searcher, context)
        tree = make_weighted_tree(UnionMatcher, [(reader.doc_frequency(field, leaf.word), leaf)
                                                 for leaf in leaves])
        return WrappingMatcher(tree, boost=self.boost) if self.boost != 1.0 else tree


class _Deferred(Matcher):
    """A node left for evaluating here; to Whoosh's matchers around it, one that matches
    nothing (they only position themselves when made)."""

    def is_active(self) -> bool:
        return False


class _TermLeaf(_Deferred):
    """A term of a segment, as Term.matcher would score it (BM25F over the whole index)."""

    def __init__(self, searcher: Searcher, field: str, word: bytes) -> None:
        self.searcher = searcher
        self.field = field
        self.word = word


class _Unscored(_Deferred):
    """Whoosh's unscored preloaded OR of terms."""

    def __init__(self, leaves: list[_TermLeaf]) -> None:
        self.leaves = leaves


class _PhraseCandidates(SpanNear2.SpanNear2Matcher):
    """A SpanNear2Matcher that stands where Whoosh's would, left where it starts."""

    def __init__(self, ms, slop=1, ordered=True, mindist=1) -> None:  # noqa: ANN001
        self.ms = ms
        self.slop = slop
        self.ordered = ordered
        self.mindist = mindist
        self._spans = None
        WrappingMatcher.__init__(self, make_binary_tree(IntersectionMatcher, ms))


class _Segment:
    """Evaluates one segment's matcher tree."""

    def __init__(self, reader: SegmentReader, offset: int, cache: PostingsCache) -> None:
        self.reader = reader
        self.offset = offset
        self.cache = cache
        self._postings: dict[tuple, tuple] = {}  # (offset, field, word) → what _read read

    def scores(self, matcher) -> Scores:  # noqa: ANN001 - any Whoosh matcher
        kind = type(matcher)
        if kind is W3LeafMatcher and type(matcher.scorer) is BM25FScorer:
            return self._leaf(matcher)
        if kind is W3LeafMatcher or kind is ListMatcher:
            matcher.reset()
            return _stepped(matcher)
        if kind is WrappingMatcher:
            boost = matcher.boost
            return {d: s * boost for d, s in self.scores(matcher.child).items()}
        if kind is UnionMatcher:
            return _union(self.scores(matcher.a), self.scores(matcher.b))
        if kind is IntersectionMatcher:
            return _intersection(self.scores(matcher.a), self.scores(matcher.b))
        if isinstance(matcher, AndNotMatcher):
            kept = self.scores(matcher.a)
            for docnum in self.scores(matcher.b):
                kept.pop(docnum, None)
            return kept
        if (kind is _PhraseCandidates or kind is SpanNear2.SpanNear2Matcher) and matcher.ordered:
            return self._phrase(matcher)
        if kind is ArrayUnionMatcher:
            return self._array_union(matcher)
        if kind is _TermLeaf:
            return self._term(matcher)
        if kind is _Unscored:
            found: Scores = {}
            for leaf in matcher.leaves:
                found.update(dict.fromkeys(self._term_postings(leaf)[0], 1.0))
            return found
        if kind is NullMatcherClass:
            return {}
        raise Unsupported(kind.__name__)

    def _read(self, leaf, values: bool):  # noqa: ANN001 - W3LeafMatcher or ListMatcher
        """The leaf's docnums, weights and (when asked) raw values, from its first block;
        read once per leaf (a phrase's words are both intersected and checked), and kept
        without the values for the next searches."""
        if type(leaf) is not W3LeafMatcher and type(leaf) is not ListMatcher:
            raise Unsupported(type(leaf).__name__)
        key = (self.offset, *leaf._term)  # noqa: SLF001 - (field, word)
        known = self._postings.get(key)
        if known is not None and (known[2] is not None or not values):
            return known
        if type(leaf) is ListMatcher:  # a term in one document: Whoosh inlines it
            read = (list(leaf._ids), [], list(leaf._values or ()))  # noqa: SLF001
            self._postings[key] = read
            return read
        if not values:
            kept = self.cache.postings.get(key)
            if kept is not None:
                read = self._postings[key] = (*kept, None)
                return read
        ids = array("I")
        weights = array("d")
        raw: list[bytes] | None = [] if values else None
        leaf.reset()
        while True:
            leaf._read_ids()  # noqa: SLF001 - a block at a time instead of a posting
            leaf._read_weights()  # noqa: SLF001
            ids.extend(leaf._ids)  # noqa: SLF001
            block = leaf._weights  # noqa: SLF001 - an array("f") or a list
            weights.fromlist(block.tolist() if isinstance(block, array) else list(block))
            if raw is not None:
                leaf._read_values()  # noqa: SLF001
                raw.extend(leaf._values)  # noqa: SLF001
            if leaf._lastblock:  # noqa: SLF001
                break
            leaf._goto(leaf._nextoffset)  # noqa: SLF001
        self.cache.postings.put(key, (ids, weights))
        read = self._postings[key] = (ids, weights, raw)
        return read

    def _leaf(self, leaf: W3LeafMatcher) -> Scores:
        """BM25FScorer._score for each posting: Whoosh's bm25(), the same expression."""
        ids, weights, _ = self._read(leaf, values=False)
        return self._bm25(ids, weights, leaf._term[0], leaf.scorer)  # noqa: SLF001

    def _bm25(self, ids: array, weights: array, field: str, scorer: _Scorer) -> Scores:
        norms = self.cache.norms(self.reader, self.offset, field, scorer)
        idf, k1_plus = scorer.idf, scorer.K1 + 1
        return {docnum: idf * ((tf * k1_plus) / (tf + norms[docnum]))
                for docnum, tf in zip(ids, weights, strict=True)}

    def _term(self, leaf: _TermLeaf) -> Scores:
        """What Term.matcher's BM25FScorer would give each posting."""
        searcher = leaf.searcher
        parent = searcher.get_parent()
        weighting = searcher.weighting
        scorer = _Scorer(idf=parent.idf(leaf.field, leaf.word),
                         avgfl=parent.avg_field_length(leaf.field) or 1,
                         B=weighting._field_B.get(leaf.field, weighting.B),  # noqa: SLF001
                         K1=weighting.K1)
        ids, weights = self._term_postings(leaf)
        return self._bm25(ids, weights, leaf.field, scorer)

    def _term_postings(self, leaf: _TermLeaf) -> Postings:
        key = (self.offset, leaf.field, leaf.word)
        kept = self.cache.postings.get(key)
        if kept is not None:
            return kept
        matcher = self.reader.postings(leaf.field, leaf.word)
        if type(matcher) is W3LeafMatcher:
            ids, weights, _ = self._read(matcher, values=False)
            return ids, weights
        ids, weights = array("I"), array("d")  # inlined: a term of one document
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return ids, weights

    def _phrase(self, matcher: SpanNear2.SpanNear2Matcher) -> Scores:
        """The intersection's scores where the words stand in order within the slop."""
        if matcher.mindist != 1:
            raise Unsupported("phrase with a minimum distance")
        if not all(_decodes_as_positions(_format(leaf)) for leaf in matcher.ms):
            raise Unsupported("phrase over another postings format")
        slop, boost = matcher.slop, matcher.boost
        key = (self.offset, tuple(leaf._term for leaf in matcher.ms), slop)  # noqa: SLF001
        known = self.cache.phrases.get(key)
        if known is None:
            read = [self._read(leaf, values=True) for leaf in matcher.ms]
        together = self.scores(matcher.child)
        if known is None:
            known = array("I", sorted(_in_order(together, read, slop)))
            self.cache.phrases.put(key, known)
        return {docnum: together[docnum] * boost for docnum in known}

    def _array_union(self, matcher: ArrayUnionMatcher) -> Scores:
        """Whoosh's preloaded OR: each sub-matcher's scores times the boost, added in order
        from 0.0, a document counting when its sum is above 0; unscored (the terms of a
        prefix in a small segment), 1.0 for every document."""
        boost = matcher._boost  # noqa: SLF001
        sums: Scores = {}
        for sub in matcher._submatchers:  # noqa: SLF001
            found = self.scores(sub)
            if not matcher._scored:  # noqa: SLF001
                sums.update(dict.fromkeys(found, 1.0))
                continue
            for docnum, score in found.items():
                sums[docnum] = sums.get(docnum, 0.0) + score * boost
        return {docnum: total for docnum, total in sorted(sums.items()) if total > 0}


def _union(a: Scores, b: Scores) -> Scores:
    merged = dict(a)
    for docnum, score in b.items():
        first = merged.get(docnum)
        merged[docnum] = score if first is None else first + score
    return merged


def _intersection(a: Scores, b: Scores) -> Scores:
    small = a if len(a) <= len(b) else b
    return {docnum: a[docnum] + b[docnum] for docnum in small
            if docnum in a and docnum in b}


def _stepped(matcher) -> Scores:  # noqa: ANN001 - any Whoosh matcher
    """A matcher of another kind, stepped through as Whoosh's collector does."""
    found: Scores = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


def _format(leaf) -> object:  # noqa: ANN001 - W3LeafMatcher or ListMatcher
    return leaf._format if type(leaf) is ListMatcher else leaf.format  # noqa: SLF001


def _decodes_as_positions(postings_format: object) -> bool:
    """Whoosh's Positions format, or one that stores and decodes its postings the same way."""
    kind = type(postings_format)
    return (isinstance(postings_format, Positions)
            and kind.decode_positions is Positions.decode_positions
            and kind.encode is Positions.encode)


def _in_order(candidates: Scores, read: list, slop: int) -> list[int]:
    """The candidates where the words stand in order, each at most `slop` after the one
    before: SpanNear2Matcher._get_spans with ordered=True and mindist=1, on plain positions
    (a span grows by a next word 1 to `slop` positions after its end, so only the ends
    matter). Positions are decoded as Positions.decode_positions does: a count, then the
    pickled deltas."""
    if not candidates:
        return []
    words = [({docnum: at for at, docnum in enumerate(ids)}, raw) for ids, _, raw in read]
    (first_at, first_raw), following = words[0], words[1:]
    steps = range(1, slop + 1)
    found = []
    for docnum in candidates:
        value = first_raw[first_at[docnum]]
        ends = set(accumulate(loads(value[_INT_SIZE:] if value.endswith(b".")
                                    else value[_INT_SIZE:] + b".")))
        for at, raw in following:
            value = raw[at[docnum]]
            positions = accumulate(loads(value[_INT_SIZE:] if value.endswith(b".")
                                         else value[_INT_SIZE:] + b"."))
            if slop == 1:
                ends = {p for p in positions if p - 1 in ends}
            else:
                ends = {p for p in positions if any(p - step in ends for step in steps)}
            if not ends:
                break
        if ends:
            found.append(docnum)
    return found
