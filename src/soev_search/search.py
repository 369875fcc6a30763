"""The search library: one SearchEngine per index folder, shared by the CLI and the web.

Each request checks CURRENT's stat (cheap) and, when a rebuild or update has swapped in a
new build, opens it; requests already running finish on the old one. The matching set is
found unscored; facet counts come from the facet columns loaded once per build, over that whole
set, each facet ignoring its own filter (disjunctive faceting). Only the documents up to the
requested page are ranked (Whoosh's top-k collector), except for phrase and prefix queries,
whose matching costs more than scoring: those are matched and ranked in one pass. Snippets
are made only for the page.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import itertools
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

from whoosh import query as wq
from whoosh.matching import AndNotMatcher
from whoosh.searching import Searcher

from soev_search.analysis import DanishAnalyzer, normalize, stem
from soev_search.document import Document
from soev_search.errors import IndexUnavailable
from soev_search.highlight import Highlighter
from soev_search.municipalities import municipality_names
from soev_search.query import (
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    parse,
)
from soev_search.results import FACETS, FacetValue, Hit, SearchRequest, SearchResult
from soev_search.schema import FACET_FIELDS, load_vocabulary, open_index, unpack_document
from soev_search.similar import SimilarDocument, find_similar, query_for, similar_document
from soev_search.spelling import SpellingWords
from soev_search.store import (
    BUILD_INFO,
    REBUILD_HINT,
    current_build,
    pointer_stamp,
    read_json,
    size_on_disk,
)

TITLE_BOOST = 3.0
MAX_PER_PAGE = 100
# Match sets and rankings of this many recent queries are kept per build.
QUERY_CACHE = 32
# Rank at least this far ahead, so the next pages of a query come from the cache.
RANK_AHEAD = 50
DEFAULT_FIELDS = ("title", "text")
NOTICE_ONLY_COMMON_WORDS = (
    "Søgningen bestod kun af meget almindelige ord; alle dokumenter vises."
)


class SearchEngine:
    """Thread-safe; cheap to create; opens the index on first use."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._stamp: tuple[int, int, int] | None = None

    def search(self, request: SearchRequest) -> SearchResult:
        generation = self._current()
        with generation.searcher() as searcher:
            return _Search(generation, searcher, request).result()

    def document(self, doc_id: str) -> Document | None:
        generation = self._current()
        with generation.searcher() as searcher:
            docnum = searcher.document_number(id=doc_id)
            return None if docnum is None else generation.load(searcher, docnum)

    def documents(self, request: SearchRequest | None = None) -> list[Document]:
        generation = self._current()
        with generation.searcher() as searcher:
            run = _Search(generation, searcher, request or SearchRequest())
            return [generation.load(searcher, docnum) for docnum, _ in run.ordered()]

    def similar(self, doc_id: str, limit: int = 5) -> list[SimilarDocument] | None:
        """The documents most like the indexed document `doc_id`; None when there is none."""
        generation = self._current()
        with generation.searcher() as searcher:
            docnum = searcher.document_number(id=doc_id)
            if docnum is None:
                return None
            return generation.similar(searcher, generation.load(searcher, docnum), docnum,
                                      limit)

    def similar_to(self, doc: Document, limit: int = 5) -> list[SimilarDocument]:
        """The indexed documents most like `doc`, which need not be in the index."""
        generation = self._current()
        with generation.searcher() as searcher:
            docnum = searcher.document_number(id=doc.id)
            return generation.similar(searcher, doc, docnum, limit)

    def facets(self) -> dict[str, list[FacetValue]]:
        generation = self._current()
        counts = generation.count(generation.alive, SearchRequest())[1]
        return {name: _facet_values(name, counts[name], ()) for name in FACETS}

    def complete(self, prefix: str, limit: int = 8) -> list[str]:
        """Words of the index that complete the last word typed, most frequent first."""
        head, _, last = prefix.rstrip().rpartition(" ") if prefix.strip() else ("", "", "")
        if len(last) < 2 or prefix.endswith(" "):
            return []
        words = self._current().completions(normalize(last), limit)
        lead = f"{head} " if head else ""
        return [f"{lead}{word}" for word in words]

    def mark(self, text: str, query: str) -> str:
        generation = self._current()
        return generation.highlighter(parse(query).tree).mark(text)

    def stats(self) -> dict[str, Any]:
        generation = self._current()
        counts = generation.count(generation.alive, SearchRequest())[1]
        return {
            "documents": len(generation.alive),
            "facets": {name: [fv.__dict__ for fv in _facet_values(name, counts[name], ())]
                       for name in FACET_FIELDS},
            "size_bytes": size_on_disk(generation.build),
            "built_at": generation.info.get("built_at"),
            "updated_at": generation.info.get("updated_at"),
            "corpus": generation.info.get("corpus"),
            "skipped": generation.info.get("skipped"),
            "vocabulary": generation.info.get("vocabulary"),
            "build": generation.build.name,
        }

    def _current(self) -> _Generation:
        stamp = pointer_stamp(self.index_dir)
        generation = self._generation
        if generation is not None and stamp == self._stamp:
            return generation
        with self._lock:
            if self._generation is not None and stamp == self._stamp:
                return self._generation
            build = current_build(self.index_dir)
            old = self._generation
            if old is None or old.build != build:
                self._generation = _Generation(build)
                if old is not None:
                    old.retire()
            self._stamp = stamp
            return self._generation


def search(index_dir: Path, request: SearchRequest) -> SearchResult:
    """One search without keeping an engine (the CLI)."""
    return SearchEngine(index_dir).search(request)


class _Generation:
    """One opened build: its index, facet columns, vocabulary and a pool of searchers."""

    def __init__(self, build: Path) -> None:
        self.build = build
        self.info = read_json(build / BUILD_INFO)
        self.analyzer = DanishAnalyzer(load_vocabulary(build))
        self.index = open_index(build, self.analyzer.decompounder.vocabulary)
        self._pool: list[Searcher] = []
        self._pool_lock = threading.Lock()
        self._retired = False
        self._matches: _Recent[str, list[int]] = _Recent(QUERY_CACHE)
        self._rankings: _Recent[tuple, tuple[list[tuple[int, float]], bool]] = _Recent(
            QUERY_CACHE)
        self._completions: list[tuple[str, str, int]] | None = None
        self._spelling: SpellingWords | None = None
        with self.searcher() as searcher:
            self._load_columns(searcher)

    def _load_columns(self, searcher: Searcher) -> None:
        reader = searcher.reader()
        try:
            self.columns = {name: _column(reader, name) for name in (*FACET_FIELDS, "date")}
            self.alive = list(reader.all_doc_ids())
        except Exception as exc:  # Whoosh raises many kinds on damaged files
            raise self._damaged(exc) from None
        dates = self.columns["date"]
        newest_first = sorted(range(len(dates)), key=lambda d: (dates[d], -d), reverse=True)
        self.date_rank = [0] * len(dates)
        for rank, docnum in enumerate(newest_first):
            self.date_rank[docnum] = rank
        # Filters may name a value in any case or spelling: "aalborg", "Hilleroed".
        self.canonical = {
            name: {normalize(value): value for value in set(values) if value}
            for name, values in self.columns.items()
        }

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher for this thread alone; returned to the pool afterwards."""
        with self._pool_lock:
            searcher = self._pool.pop() if self._pool else None
        if searcher is None:
            try:
                searcher = self.index.searcher()
            except Exception as exc:  # Whoosh raises many kinds on damaged files
                raise self._damaged(exc) from None
        try:
            yield searcher
        finally:
            with self._pool_lock:
                keep = not self._retired
                if keep:
                    self._pool.append(searcher)
            if not keep:
                searcher.close()

    def _damaged(self, exc: Exception) -> IndexUnavailable:
        return IndexUnavailable(
            f"the search index in {self.build.parent.parent} is damaged "
            f"({type(exc).__name__}); rebuild it with: {REBUILD_HINT}"
        )

    def retire(self) -> None:
        with self._pool_lock:
            self._retired = True
            pool, self._pool = self._pool, []
        for searcher in pool:
            searcher.close()

    def matches(self, searcher: Searcher, query: wq.Query) -> list[int]:
        """Every docnum the query matches, unscored, ascending; the latest queries are cached
        (paging and facet clicks repeat the query with other filters)."""
        key = repr(query)
        found = self._matches.get(key)
        if found is None:
            if _costly(query):
                # Phrase and prefix matching cost more than scoring: match and rank at once.
                ranking = self._rank(searcher, query, None, None)
                self._rankings.put((key, ()), (ranking, True))
                found = sorted(docnum for docnum, _ in ranking)
            else:
                found = list(searcher.docs_for_query(query))
            self._matches.put(key, found)
        return found

    def ranked(self, searcher: Searcher, query: wq.Query, allowed: set[int] | None,
               filters: tuple, limit: int | None) -> list[tuple[int, float]]:
        """The best `limit` (docnum, score) of the query's matches among `allowed` (None =
        all), best first, ties by docnum; `filters` names `allowed` for the cache."""
        key = (repr(query), filters)
        cached = self._rankings.get(key)
        if cached is not None:
            hits, complete = cached
            if complete or (limit is not None and len(hits) >= limit):
                return hits[:limit]
        unfiltered = self._rankings.get((repr(query), ()))
        if allowed is not None and unfiltered is not None and unfiltered[1]:
            hits, complete = [hit for hit in unfiltered[0] if hit[0] in allowed], True
        else:
            depth = None if limit is None else max(limit, RANK_AHEAD)
            hits = self._rank(searcher, query, allowed, depth)
            complete = depth is None or len(hits) < depth
        self._rankings.put(key, (hits, complete))
        return hits[:limit]

    @staticmethod
    def _rank(searcher: Searcher, query: wq.Query, allowed: set[int] | None,
              depth: int | None) -> list[tuple[int, float]]:
        if allowed is not None and not allowed:
            return []  # Whoosh reads an empty filter as no filter
        top = searcher.search(query, limit=depth, filter=allowed).top_n
        hits = [(docnum, float(score)) for score, docnum in top]
        if depth is None:  # the unlimited collector leaves the order to us
            hits.sort(key=lambda hit: (-hit[1], hit[0]))
        return hits

    def similar(self, searcher: Searcher, doc: Document, docnum: int | None,
                limit: int) -> list[SimilarDocument]:
        found = find_similar(searcher, self.analyzer, doc, docnum,
                             self.columns["municipality"].__getitem__, limit)
        return [similar_document(self.load(searcher, other), score, shared)
                for other, score, shared in found]

    def load(self, searcher: Searcher, docnum: int) -> Document:
        return unpack_document(searcher.stored_fields(docnum)["document"])

    def resolve(self, field: str, value: str) -> str | None:
        """The stored facet value a filter means, or None when no document has it."""
        return self.canonical.get(field, {}).get(normalize(value.strip()))

    def count(self, docnums: list[int] | set[int],
              request: SearchRequest) -> tuple[list[int], dict[str, Counter[str]]]:
        """Matching docnums and, per facet, counts under all filters but the facet's own."""
        active = []
        for name in FACET_FIELDS:
            values = getattr(request, name)
            if values:
                allowed = {self.resolve(name, str(v)) for v in values} - {None}
                active.append((name, self.columns[name], allowed))
        columns = self.columns
        if not active:
            matching = list(docnums)
            return matching, {name: Counter(map(columns[name].__getitem__, matching))
                              for name in FACET_FIELDS}
        counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
        matching = []
        for docnum in docnums:
            failed = [name for name, column, allowed in active if column[docnum] not in allowed]
            if not failed:
                matching.append(docnum)
                for name in FACET_FIELDS:
                    counts[name][columns[name][docnum]] += 1
            elif len(failed) == 1:
                counts[failed[0]][columns[failed[0]][docnum]] += 1
        return matching, counts

    def highlighter(self, tree: Node | None) -> Highlighter:
        terms: set[str] = set()
        prefixes: set[str] = set()
        for node in _positive_leaves(tree):
            if isinstance(node, Prefix) or (isinstance(node, Field) and node.value.endswith("*")):
                prefixes.add(normalize((node.text if isinstance(node, Prefix)
                                        else node.value).rstrip("*")))
            elif isinstance(node, (Word, Phrase)) or (
                    isinstance(node, Field) and node.name in ("title", "text", "sections")):
                text = node.value if isinstance(node, Field) else node.text
                terms.update(self.analyzer.terms(text, index=False))
        return Highlighter(self.analyzer, terms, prefixes)

    def completions(self, folded_prefix: str, limit: int) -> list[str]:
        if self._completions is None:
            self._completions = self._load_completions()
        words = self._completions
        low = bisect.bisect_left(words, (folded_prefix,))
        found = []
        for folded, surface, frequency in words[low:]:
            if not folded.startswith(folded_prefix):
                break
            found.append((-frequency, surface))
        return [surface for _, surface in sorted(found)[:limit]]

    def _load_completions(self) -> list[tuple[str, str, int]]:
        return sorted((normalize(word), word, frequency)
                      for word, frequency in self.spelling().items())

    def spelling(self) -> SpellingWords:
        """The build's surface words, read on first use (only suggestions and typeahead
        need them); racing threads would both read the same file, harmlessly."""
        if self._spelling is None:
            self._spelling = SpellingWords.load(self.build)
        return self._spelling


class _Search:
    """One request against one searcher: compile, filter, count, order, page, snippets."""

    def __init__(self, generation: _Generation, searcher: Searcher,
                 request: SearchRequest) -> None:
        self.generation = generation
        self.searcher = searcher
        self.request = request
        parsed = parse(request.query)
        self.tree = parsed.tree
        self.notice = parsed.notice
        self.query = _Compiler(generation, searcher).compile(self.tree)
        if self.tree is not None and self.query is None and self.notice is None:
            self.notice = NOTICE_ONLY_COMMON_WORDS
        self.query = self._with_filters(self.query)
        self.matched = None if self.query is None else generation.matches(searcher, self.query)
        docnums = generation.alive if self.matched is None else self.matched
        self.matching, self.counts = generation.count(docnums, request)

    def _with_filters(self, compiled: wq.Query | None) -> wq.Query | None:
        """mentions and source filter like the query itself (they are not counted facets)."""
        extra = []
        if self.request.mentions:
            names = {normalize(n): n for n in municipality_names()}
            extra.append(wq.Or([wq.Term("mentions", names.get(normalize(m), m))
                                for m in self.request.mentions]))
        if not extra:
            return compiled
        return wq.And([*([compiled] if compiled is not None else [wq.Every()]), *extra])

    def ordered(self, limit: int | None = None) -> list[tuple[int, float]]:
        """(docnum, score) of the first `limit` matching documents, best or newest first."""
        if self.query is None or self.request.sort == "date" or not _has_scoring(self.tree):
            rank = self.generation.date_rank.__getitem__
            newest = (sorted(self.matching, key=rank) if limit is None
                      else heapq.nsmallest(limit, self.matching, key=rank))
            return [(docnum, 0.0) for docnum in newest]
        filtered = len(self.matching) < len(self.matched)
        filters = tuple((name, tuple(sorted(map(str, getattr(self.request, name)))))
                        for name in FACET_FIELDS) if filtered else ()
        return self.generation.ranked(self.searcher, self.query,
                                      set(self.matching) if filtered else None, filters, limit)

    def result(self) -> SearchResult:
        per_page = max(1, min(self.request.per_page, MAX_PER_PAGE))
        page = max(1, self.request.page)
        start = (page - 1) * per_page
        page_hits = self.ordered(limit=start + per_page)[start:]
        highlighter = self.generation.highlighter(self.tree)
        return SearchResult(
            query=self.request.query,
            total=len(self.matching),
            page=page,
            per_page=per_page,
            hits=[self._hit(docnum, score, highlighter) for docnum, score in page_hits],
            facets={name: _facet_values(name, self.counts[name], self._active(name))
                    for name in FACETS},
            suggestion=_Suggester(self.generation, self.searcher).suggest(
                self.request.query, self.tree),
            notice=self.notice,
        )

    def _active(self, name: str) -> list[str]:
        return [self.generation.resolve(name, str(v)) or str(v)
                for v in getattr(self.request, name)]

    def _hit(self, docnum: int, score: float, highlighter: Highlighter) -> Hit:
        doc = self.generation.load(self.searcher, docnum)
        return Hit(
            id=doc.id,
            title=doc.title,
            municipality=doc.municipality,
            year=doc.year,
            date=doc.date,
            doctype=doc.doctype,
            language=doc.language,
            score=round(score, 4),
            snippet=highlighter.snippet(doc.text),
        )


class _Compiler:
    """Query tree → Whoosh query, analysing words exactly as the index did."""

    def __init__(self, generation: _Generation, searcher: Searcher) -> None:
        self.generation = generation
        self.searcher = searcher
        self.analyzer = generation.analyzer

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
        positive = [self.compile(i) for i in items if not isinstance(i, Not)]
        negative = [self.compile(i.item) for i in items if isinstance(i, Not)]
        positive = [q for q in positive if q is not None]
        negative = [q for q in negative if q is not None]
        if not positive and not negative:
            return None
        base = positive[0] if len(positive) == 1 else wq.And(positive or [wq.Every()])
        return _AndNot(base, wq.Or(negative)) if negative else base

    def _leaf(self, node: Node) -> wq.Query | None:
        if isinstance(node, Word | Phrase):
            return self._text(node.text, DEFAULT_FIELDS)
        if isinstance(node, Prefix):
            return self._prefix(node.text, DEFAULT_FIELDS)
        assert isinstance(node, Field)
        if node.name in ("title", "text", "sections"):
            if node.value.endswith("*") and not node.phrase:
                return self._prefix(node.value.rstrip("*"), (node.name,))
            return self._text(node.value, (node.name,))
        if node.name == "mentions":
            names = {normalize(n): n for n in municipality_names()}
            return wq.Term("mentions", names.get(normalize(node.value), node.value))
        if node.name == "id":
            return wq.Term("id", node.value)
        if node.name == "mlt":
            return self._like(node.value)
        value = self.generation.resolve(node.name, node.value)
        return wq.Term(node.name, value) if value is not None else wq.NullQuery

    def _like(self, doc_id: str) -> wq.Query:
        """mlt:<id>: the documents like that one, without itself."""
        docnum = self.searcher.document_number(id=doc_id)
        if docnum is None:
            return wq.NullQuery
        like = query_for(self.searcher, self.analyzer, self.generation.load(self.searcher, docnum))
        return wq.NullQuery if like is None else _AndNot(like, wq.Term("id", doc_id))

    def _text(self, text: str, fields: tuple[str, ...]) -> wq.Query | None:
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

    def _prefix(self, text: str, fields: tuple[str, ...]) -> wq.Query:
        folded = normalize(text)
        starts = {folded, stem(folded)}
        return wq.Or([wq.Prefix(field, start) for field in fields for start in sorted(starts)])


class _Suggester:
    """"Did you mean": unknown words replaced by the most frequent close word of the index."""

    def __init__(self, generation: _Generation, searcher: Searcher) -> None:
        self.generation = generation
        self.reader = searcher.reader()

    def suggest(self, raw: str, tree: Node | None) -> str | None:
        suggestion = raw
        changed = False
        for node in _positive_leaves(tree):
            if not isinstance(node, Word) or self._known(node.text):
                continue
            correction = self._closest(node.text)
            if correction:
                suggestion = suggestion.replace(node.text, correction, 1)
                changed = True
        return suggestion if changed else None

    def _known(self, word: str) -> bool:
        terms = self.generation.analyzer.terms(word, index=False)
        return not terms or all(
            any(self.reader.doc_frequency(field, term) for field in DEFAULT_FIELDS)
            for term in terms)

    def _closest(self, word: str) -> str | None:
        lowered = word.lower()
        if len(lowered) < 4 or not lowered.isalpha():
            return None
        spelling = self.generation.spelling()
        for distance in (1, 2):
            candidates = [c for c in spelling.within(lowered, distance, prefix=1)
                          if c != lowered and self._known(c)]
            if candidates:
                return max(candidates, key=lambda c: (spelling.frequency(c), c))
        return None


K = TypeVar("K")
V = TypeVar("V")


class _Recent(Generic[K, V]):
    """A small thread-safe LRU mapping."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class _AndNotMatcher(AndNotMatcher):
    """whoosh-reloaded 2.7.5's AndNotMatcher lets a prohibited document through when the
    two matchers do not start on the same document ("a -b" found a doc with b); skip
    prohibited documents from the start."""

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class _AndNot(wq.AndNot):
    def matcher(self, searcher, context=None):
        return _AndNotMatcher(self.a.matcher(searcher, context),
                              self.b.matcher(searcher, searcher.boolean_context()))


def _column(reader, name: str) -> list[str]:
    """A facet column as a list by docnum ("" = no value). Per segment: Whoosh's combined
    column reader leaves out segments where no document has the field."""
    values: list[str] = []
    for leaf, offset in reader.leaf_readers():
        assert offset == len(values)
        if leaf.has_column(name):
            values.extend(leaf.column_reader(name))
        else:
            values.extend([""] * leaf.doc_count_all())
    return values


def _costly(query: wq.Query) -> bool:
    return isinstance(query, wq.Phrase | wq.Prefix) or any(map(_costly, query.children()))


def _positive_leaves(node: Node | None) -> Iterator[Node]:
    """The leaves a document must or may contain (not those under NOT)."""
    if node is None or isinstance(node, Not):
        return
    if isinstance(node, And | Or):
        for item in node.items:
            yield from _positive_leaves(item)
    else:
        yield node


def _has_scoring(tree: Node | None) -> bool:
    """Relevance needs words; a query of only filters (municipality:x) sorts by date."""
    return any(isinstance(n, Word | Phrase | Prefix)
               or (isinstance(n, Field) and n.name in ("title", "text", "sections", "mlt"))
               for n in _positive_leaves(tree))


def _facet_values(name: str, counts: Counter[str], active: tuple) -> list[FacetValue]:
    values = {value: count for value, count in counts.items() if value}
    for value in active:
        values.setdefault(str(value), 0)
    if name == "year":
        ordered = sorted(values.items(), key=lambda item: item[0], reverse=True)
    else:
        ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    return [FacetValue(value, count) for value, count in ordered]
