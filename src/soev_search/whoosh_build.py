"""One opened Whoosh build: its index, a pool of searchers, facet columns and per-build caches.

A WhooshEngine keeps one OpenBuild per build it serves; a rebuild or update makes a new build,
so everything here is computed once and never invalidated, only dropped with the build.
"""

from __future__ import annotations

import contextlib
import heapq
import threading
from array import array
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from soev_search import settings
from soev_search.analysis import DanishAnalyzer
from soev_search.cache import RecentCache
from soev_search.document import Document
from soev_search.errors import IndexUnavailable
from soev_search.filters import COLUMN_FILTERS, KEYWORD_FILTERS
from soev_search.passages import RepeatedSlots
from soev_search.schema import load_vocabulary, open_index, unpack_document
from soev_search.spelling import Completions, SpellingWords
from soev_search.store import REBUILD_HINT
from soev_search.synonyms import SynonymsFile
from soev_search.whoosh_facets import FacetColumns
from soev_search.whoosh_postings import PostingsCache, scores


class Ranking:
    """(docnum, score) pairs best first, held in two arrays: a complete ranking of a broad
    query holds every match, at 12 bytes each instead of about 100 as a list of tuples."""

    __slots__ = ("docnums", "scores")

    def __init__(self, hits: Iterable[tuple[int, float]] = ()) -> None:
        hits = hits if isinstance(hits, list) else list(hits)
        self.docnums = array("I", map(itemgetter(0), hits))
        self.scores = array("d", map(itemgetter(1), hits))

    def __len__(self) -> int:
        return len(self.docnums)

    def first(self, limit: int | None) -> list[tuple[int, float]]:
        return list(zip(self.docnums[:limit], self.scores[:limit], strict=True))

    def among(self, allowed: set[int]) -> Ranking:
        """The hits whose docnum is allowed, in the same order."""
        return Ranking((docnum, score) for docnum, score
                       in zip(self.docnums, self.scores, strict=True) if docnum in allowed)


class OpenBuild:
    """Thread-safe; searchers are pooled so each thread has its own."""

    def __init__(self, build: Path, info: dict[str, Any]) -> None:
        self.build = build
        self.info = info
        self.analyzer = DanishAnalyzer(load_vocabulary(build))
        self.index = open_index(build, self.analyzer.decompounder.vocabulary)
        self.synonyms = SynonymsFile(lambda text: self.analyzer.terms(text, index=False))
        self._pool: list[Searcher] = []
        self._pool_lock = threading.Lock()
        self._retired = False
        self._postings = PostingsCache()
        recent = settings.current().query_cache
        self._matches: RecentCache[str, array] = RecentCache(recent)
        self._rankings: RecentCache[tuple, Ranking] = RecentCache(recent)
        self._spelling: SpellingWords | None = None
        self._completions: Completions | None = None
        self._repeated: RepeatedSlots | None | bool = False  # False: not read yet
        with self.searcher() as searcher:
            try:
                self.facets = FacetColumns.open(build, searcher.reader(), COLUMN_FILTERS,
                                                KEYWORD_FILTERS)
            except Exception as exc:  # Whoosh raises many kinds on damaged files
                raise self._damaged(exc) from None

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

    def matches(self, searcher: Searcher, query: wq.Query) -> array:
        """Every docnum the query matches, ascending (an array: 4 bytes each); the latest
        queries are cached (paging and facet clicks repeat the query with other filters).
        Matching scores too, a posting list at a time, so the complete ranking is cached
        with it."""
        key = repr(query)
        found = self._matches.get(key)
        if found is None:
            found = array("I", sorted(self._ranking(searcher, query).docnums))
            self._matches.put(key, found)
        return found

    def ranked(self, searcher: Searcher, query: wq.Query, allowed: set[int] | None,
               filters: tuple, limit: int | None) -> list[tuple[int, float]]:
        """The best `limit` (docnum, score) of the query's matches among `allowed` (None =
        all), best first, ties by docnum; `filters` names `allowed` for the cache."""
        key = (repr(query), filters)
        ranking = self._rankings.get(key)
        if ranking is None:
            ranking = self._ranking(searcher, query)
            if allowed is not None:
                ranking = ranking.among(allowed)
                self._rankings.put(key, ranking)
        return ranking.first(limit)

    def rank(self, searcher: Searcher, query: wq.Query, allowed: set[int],
             limit: int | None) -> list[tuple[int, float]]:
        """The best `limit` of `allowed` by the query's score, uncached (relaxed matches: their
        groups change with the filters)."""
        scored = scores(searcher, query, self._postings)
        hits = [(docnum, score) for docnum, score in scored.items() if docnum in allowed]
        return _best(hits, limit)

    def _ranking(self, searcher: Searcher, query: wq.Query) -> Ranking:
        """The query's complete ranking (Whoosh's BM25F scores), cached."""
        key = (repr(query), ())
        ranking = self._rankings.get(key)
        if ranking is None:
            ranking = Ranking(_best(list(scores(searcher, query, self._postings).items()),
                                    None))
            self._rankings.put(key, ranking)
        return ranking

    def load(self, searcher: Searcher, docnum: int) -> Document:
        try:
            return unpack_document(searcher.stored_fields(docnum)["document"])
        except (ValueError, KeyError, TypeError) as exc:  # not a stored document of ours
            raise self._damaged(exc) from None

    def spelling(self) -> SpellingWords:
        """The build's surface words, read on first use (only suggestions and typeahead
        need them); racing threads would both read the same file, harmlessly."""
        if self._spelling is None:
            self._spelling = SpellingWords.load(self.build)
        return self._spelling

    def completions(self) -> Completions:
        if self._completions is None:
            self._completions = Completions(self.spelling())
        return self._completions

    def repetition(self, passage: str) -> float:
        """How much of a passage the corpus repeats (0.0 when the build has no counts); the
        repeated slots are read on first use, racing threads would both read the same file."""
        if self._repeated is False:
            self._repeated = RepeatedSlots.load(self.build)
        repeated = self._repeated
        return repeated.repetition(passage) if isinstance(repeated, RepeatedSlots) else 0.0


def _best(hits: list[tuple[int, float]], limit: int | None) -> list[tuple[int, float]]:
    """(docnum, score) best first, ties by docnum, as Whoosh's collector orders them."""
    if limit is None or limit >= len(hits):
        hits.sort()  # by docnum (unique), then stably by score
        hits.sort(key=itemgetter(1), reverse=True)
        return hits
    return heapq.nsmallest(limit, hits, key=lambda hit: (-hit[1], hit[0]))
