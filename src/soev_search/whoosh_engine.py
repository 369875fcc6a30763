"""The search library on Whoosh: one WhooshEngine per index folder, shared by CLI and web.

Each request checks CURRENT's stat (cheap) and, when a rebuild or update has swapped in a
new build, opens it; requests already running finish on the old one. The matching set is
found and scored in one pass, a posting list at a time (`whoosh_postings`: Whoosh's own
matching and BM25F scores, without its matcher-per-document loop), and its ranking cached;
facet counts come from the facet columns loaded once per build, over the whole matching set,
each facet ignoring its own filter (disjunctive faceting). Snippets are made only for the
page.
"""

from __future__ import annotations

import heapq
import threading
from functools import partial
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from soev_search import settings
from soev_search.analysis import normalize
from soev_search.document import Document
from soev_search.filters import COLUMN_FILTERS, FACETS, KEYWORD_FILTERS
from soev_search.highlight import Highlighter, highlighter_for, idf
from soev_search.query import has_scoring, parse
from soev_search.relaxed import (
    NOTICE_RELAXED,
    matched_clauses,
    minimum_should_match,
    relaxation,
)
from soev_search.results import FacetValue, Hit, SearchRequest, SearchResult, facet_values, hit_for
from soev_search.similar import DEFAULT_LIMIT, SimilarDocument, similar_document
from soev_search.store import pointer_stamp, readable_build, size_on_disk
from soev_search.suggest import Suggester
from soev_search.whoosh_build import OpenBuild
from soev_search.whoosh_query import QueryCompiler
from soev_search.whoosh_similar import find_similar, query_for
from soev_search.whoosh_suggest import known_words


class WhooshEngine:
    """Thread-safe; cheap to create; opens the index on first use."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._open: OpenBuild | None = None
        self._stamp: tuple[int, int, int] | None = None

    def search(self, request: SearchRequest) -> SearchResult:
        build = self._current()
        with build.searcher() as searcher:
            return _Search(build, searcher, request).result()

    def document(self, doc_id: str) -> Document | None:
        build = self._current()
        with build.searcher() as searcher:
            docnum = searcher.document_number(id=doc_id)
            return None if docnum is None else build.load(searcher, docnum)

    def documents(self, request: SearchRequest | None = None) -> list[Document]:
        build = self._current()
        with build.searcher() as searcher:
            run = _Search(build, searcher, request or SearchRequest())
            return [build.load(searcher, docnum) for docnum, _ in run.ordered()]

    def similar(self, doc_id: str, limit: int = DEFAULT_LIMIT) -> list[SimilarDocument] | None:
        build = self._current()
        with build.searcher() as searcher:
            docnum = searcher.document_number(id=doc_id)
            if docnum is None:
                return None
            return _similar(build, searcher, build.load(searcher, docnum), docnum, limit)

    def similar_to(self, doc: Document, limit: int = DEFAULT_LIMIT) -> list[SimilarDocument]:
        build = self._current()
        with build.searcher() as searcher:
            docnum = searcher.document_number(id=doc.id)
            if docnum is not None and build.load(searcher, docnum).content_hash != doc.content_hash:
                docnum = None  # another document under the same id: it is not left out
            return _similar(build, searcher, doc, docnum, limit)

    def facets(self) -> dict[str, list[FacetValue]]:
        build = self._current()
        counts = build.facets.count(build.facets.alive, SearchRequest())[1]
        return {name: facet_values(name, counts[name], ()) for name in FACETS}

    def complete(self, prefix: str, limit: int = 8) -> list[str]:
        """Words of the index that complete the last word typed, most frequent first."""
        head, _, last = prefix.rstrip().rpartition(" ") if prefix.strip() else ("", "", "")
        if len(last) < 2 or prefix.endswith(" "):
            return []
        words = self._current().completions().complete(normalize(last), limit)
        lead = f"{head} " if head else ""
        return [f"{lead}{word}" for word in words]

    def mark(self, text: str, query: str) -> str:
        build = self._current()
        return highlighter_for(build.analyzer, parse(query).tree,
                               build.synonyms.current()).mark(text)

    def build_id(self) -> str:
        """Names the build being served; changes with every rebuild and update."""
        return self._current().build.name

    def document_count(self) -> int:
        return len(self._current().facets.alive)

    def stats(self) -> dict[str, Any]:
        build = self._current()
        counts = build.facets.count(build.facets.alive, SearchRequest())[1]
        return {
            "documents": len(build.facets.alive),
            "facets": {name: [fv.__dict__ for fv in facet_values(name, counts[name], ())]
                       for name in COLUMN_FILTERS},
            "size_bytes": size_on_disk(build.build),
            "built_at": build.info.get("built_at"),
            "updated_at": build.info.get("updated_at"),
            "corpus": build.info.get("corpus"),
            "skipped": build.info.get("skipped"),
            "vocabulary": build.info.get("vocabulary"),
            "build": build.build.name,
        }

    def _current(self) -> OpenBuild:
        stamp = pointer_stamp(self.index_dir)
        opened = self._open
        if opened is not None and stamp == self._stamp:
            return opened
        with self._lock:
            if self._open is not None and stamp == self._stamp:
                return self._open
            build, info = readable_build(self.index_dir)
            old = self._open
            if old is None or old.build != build:
                self._open = OpenBuild(build, info)
                if old is not None:
                    old.retire()
            self._stamp = stamp
            return self._open


class _Search:
    """One request against one searcher: compile, filter, count, order, page, snippets."""

    def __init__(self, build: OpenBuild, searcher: Searcher, request: SearchRequest) -> None:
        self.build = build
        self.searcher = searcher
        self.request = request
        parsed = parse(request.query)
        self.tree = parsed.tree
        self.compiler = QueryCompiler(build.analyzer, build.facets.resolve, KEYWORD_FILTERS,
                                      build.synonyms.current(), like=self._like)
        self.query = self.compiler.compile(self.tree)
        self.notice = parsed.notice_once_compiled(self.query)
        self.query = self._with_keyword_filters(self.query)
        self.matched = None if self.query is None else build.matches(searcher, self.query)
        docnums = build.facets.alive if self.matched is None else self.matched
        self.matching, self.counts = build.facets.count(docnums, request)
        # The documents matching all the words; self.matching adds relaxed ones, if any.
        self.exact = self.matching
        self.relaxed: dict[int, list[int]] = {}  # words matched → relaxed docnums
        self.relaxed_scoring: wq.Query | None = None
        # A query already searched otherwise than written (parsed.notice) is not relaxed too.
        if (self.matched is not None and parsed.notice is None
                and len(self.exact) < _page_size(request)):
            self._relax()

    def _relax(self) -> None:
        """Add the documents matching most (not all) of the words, when the query allows."""
        plan = relaxation(self.tree)
        if plan is None:
            return
        clauses = [q for q in map(self.compiler.compile, plan.clauses) if q is not None]
        if len(clauses) < 2:
            return
        minimum = minimum_should_match(len(clauses))
        matched = matched_clauses(self.build.matches(self.searcher, clause)
                                  for clause in clauses)
        candidates = {docnum for docnum, count in matched.items() if count >= minimum}
        candidates.difference_update(self.matched)
        excluded = [q for q in map(self.compiler.compile, plan.excluded) if q is not None]
        if excluded:
            candidates.difference_update(self.build.matches(self.searcher, wq.Or(excluded)))
        required = self._with_keyword_filters(None)
        if required is not None:
            candidates.intersection_update(self.build.matches(self.searcher, required))
        if not candidates:
            return
        self.matching, self.counts = self.build.facets.count(
            sorted(candidates.union(self.matched)), self.request)
        exact = set(self.exact)
        for docnum in self.matching:
            if docnum not in exact:
                self.relaxed.setdefault(matched[docnum], []).append(docnum)
        self.relaxed_scoring = wq.Or(clauses)
        if self.relaxed:
            self.notice = NOTICE_RELAXED

    def _like(self, doc_id: str) -> wq.Query | None:
        """mlt:<id>: the similarity query of that document; None when there is none."""
        docnum = self.searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        return query_for(self.searcher, self.build.analyzer,
                         self.build.load(self.searcher, docnum))

    def _with_keyword_filters(self, compiled: wq.Query | None) -> wq.Query | None:
        """Multi-valued filters (mentions) filter like the query itself; they have no column.
        With no query, the filters alone (None when there are none)."""
        extra = [wq.Or([self.compiler.filter_term(name, value) for value in values])
                 for name in KEYWORD_FILTERS if (values := getattr(self.request, name))]
        if not extra:
            return compiled
        return wq.And([compiled if compiled is not None else wq.Every(), *extra])

    def ordered(self, limit: int | None = None) -> list[tuple[int, float]]:
        """(docnum, score) of the first `limit` matching documents, best or newest first:
        those matching all the words, then those matching most of them (more words first)."""
        hits = self._ordered_exact(limit)
        for count in sorted(self.relaxed, reverse=True):
            wanted = None if limit is None else limit - len(hits)
            if wanted is not None and wanted <= 0:
                break
            hits += self._ordered_relaxed(self.relaxed[count], wanted)
        return hits

    def _ordered_exact(self, limit: int | None) -> list[tuple[int, float]]:
        if self.query is None or self.request.sort == "date" or not has_scoring(self.tree):
            return self._newest(self.exact, limit)
        filtered = len(self.exact) < len(self.matched)
        filters = (*((name, tuple(sorted(map(str, getattr(self.request, name)))))
                     for name in COLUMN_FILTERS),
                   *((name, str(span)) for name, span in self.request.ranges().items())
                   ) if filtered else ()
        return self.build.ranked(self.searcher, self.query,
                                 set(self.exact) if filtered else None, filters, limit)

    def _ordered_relaxed(self, docnums: list[int], limit: int | None) -> list[tuple[int, float]]:
        if self.request.sort == "date" or self.relaxed_scoring is None:
            return self._newest(docnums, limit)
        return self.build.rank(self.searcher, self.relaxed_scoring, set(docnums), limit)

    def _newest(self, docnums: list[int], limit: int | None) -> list[tuple[int, float]]:
        rank = self.build.facets.date_rank.__getitem__
        newest = (sorted(docnums, key=rank) if limit is None
                  else heapq.nsmallest(limit, docnums, key=rank))
        return [(docnum, 0.0) for docnum in newest]

    def result(self) -> SearchResult:
        per_page = _page_size(self.request)
        page = max(1, self.request.page)
        start = (page - 1) * per_page
        page_hits = self.ordered(limit=start + per_page)[start:]
        documents = self.searcher.doc_count()
        highlighter = highlighter_for(
            self.build.analyzer, self.tree, self.compiler.synonyms,
            lambda term: idf(self.searcher.doc_frequency("text", term), documents))
        suggester = Suggester(self.build.analyzer, self.compiler.synonyms,
                              known_words(self.build.analyzer, self.searcher.reader()),
                              self.build.spelling)
        return SearchResult(
            query=self.request.query,
            total=len(self.matching),
            relaxed=bool(self.relaxed),
            exact_total=len(self.exact),
            page=page,
            per_page=per_page,
            hits=[self._hit(docnum, score, highlighter) for docnum, score in page_hits],
            facets={name: facet_values(name, self.counts[name], self._active(name))
                    for name in FACETS},
            suggestion=suggester.suggest(self.request.query, self.tree),
            notice=self.notice,
            without_value={name: self.counts[name].get("", 0) for name in FACETS},
        )

    def _active(self, name: str) -> list[str]:
        return [self.build.facets.resolve(name, str(v)) or str(v)
                for v in getattr(self.request, name)]

    def _hit(self, docnum: int, score: float, highlighter: Highlighter) -> Hit:
        doc = self.build.load(self.searcher, docnum)
        return hit_for(doc, score, highlighter, self.build.repetition)


def _page_size(request: SearchRequest) -> int:
    return max(1, min(request.per_page, settings.current().max_per_page))


def _similar(build: OpenBuild, searcher: Searcher, doc: Document, docnum: int | None,
             limit: int) -> list[SimilarDocument]:
    found = find_similar(searcher, build.analyzer, doc, docnum,
                         partial(build.facets.value, "municipality"), limit)
    return [similar_document(build.load(searcher, other), score, shared)
            for other, score, shared in found]
