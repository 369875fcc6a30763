"""The search library over PostgreSQL: the same public API and answers as the Whoosh engine.

Each call is one read-only snapshot on a replica (or the primary): it reads `soev.live`, then
asks for the matching set's facet combinations (`GROUP BY` the facet columns; totals and the
disjunctive counts are computed from those groups exactly as the Whoosh engine computes them
from its columns), then for one page of hits ordered by `ts_rank_cd` or by date. Snippets are
made from the fetched text by our Highlighter. What one build needs in memory (its analyzer
with the compound vocabulary, the facet values, the spelling words) is loaded once per build
and version.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from soev_search import settings
from soev_search.analysis import DanishAnalyzer, Vocabulary, normalize
from soev_search.cache import RecentCache
from soev_search.document import Document
from soev_search.errors import IndexUnavailable
from soev_search.filters import (
    COLUMN_FILTERS,
    FACETS,
    KEYWORD_FILTERS,
    ValueRange,
    stored_value,
)
from soev_search.highlight import highlighter_for, idf
from soev_search.passages import RepeatedSlots
from soev_search.postgres import layout
from soev_search.postgres.database import REBUILD_HINT, Router
from soev_search.postgres.terms import (
    DEFAULT_WEIGHTS,
    FIELD_WEIGHTS,
    prefix_query,
    quote,
    text_query,
)
from soev_search.query import (
    And,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Range,
    Word,
    has_scoring,
    parse,
)
from soev_search.relaxed import NOTICE_RELAXED, minimum_should_match, relaxation
from soev_search.results import FacetValue, SearchRequest, SearchResult, facet_values, hit_for
from soev_search.similar import (
    DEFAULT_LIMIT,
    MAX_ANALYSED_CHARS,
    SimilarDocument,
    key_terms,
    similar_document,
)
from soev_search.spelling import SpellingWords
from soev_search.suggest import KnownWords, Suggester
from soev_search.synonym_runs import synonym_run, terms_of
from soev_search.synonyms import Synonyms, SynonymsFile

# ts_rank_cd's weights for D, C (text), B (sections), A (title): a title match counts three
# times a text match, as TITLE_BOOST does in the Whoosh engine.
RANK_WEIGHTS = "{0.1, 0.333, 0.333, 1.0}"
# Divide the rank by 1 + log(document length): long speeches do not win by length alone.
RANK_NORMALIZATION = 1
# Similar documents: the best this many are ordered, other municipalities first, before the
# limit is applied (as the Whoosh backend does).
SIMILAR_CANDIDATES = 30
# Rank at least this far ahead, so the next pages of a query come from the cache.
RANK_AHEAD = 50
# Terms whose "did you mean" check (does any title or text have it?) is remembered per build.
KNOWN_TERMS = 10_000


class PostgresSearchEngine:
    """Thread-safe; reads through a Router (replicas first, then the primary)."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self._lock = threading.Lock()
        self._states: dict[tuple[str, int], _BuildState] = {}

    def search(self, request: SearchRequest) -> SearchResult:
        return self.router.read(lambda conn: _Search(self._state(conn), conn, request).result())

    def document(self, doc_id: str) -> Document | None:
        def work(conn: psycopg.Connection) -> Document | None:
            state = self._state(conn)
            row = conn.execute(sql.SQL("SELECT document FROM {} WHERE id = %s").format(
                state.docs), (doc_id,)).fetchone()
            return None if row is None else Document.from_dict(row[0])
        return self.router.read(work)

    def documents(self, request: SearchRequest | None = None) -> list[Document]:
        def work(conn: psycopg.Connection) -> list[Document]:
            run = _Search(self._state(conn), conn, request or SearchRequest())
            return [Document.from_dict(doc) for doc, _ in run.ordered(None, 0)]
        return self.router.read(work)

    def similar(self, doc_id: str, limit: int = DEFAULT_LIMIT) -> list[SimilarDocument] | None:
        def work(conn: psycopg.Connection) -> list[SimilarDocument] | None:
            state = self._state(conn)
            row = conn.execute(sql.SQL("SELECT document FROM {} WHERE id = %s").format(
                state.docs), (doc_id,)).fetchone()
            if row is None:
                return None
            return _similar(state, conn, Document.from_dict(row[0]), doc_id, limit)
        return self.router.read(work)

    def similar_to(self, doc: Document, limit: int = DEFAULT_LIMIT) -> list[SimilarDocument]:
        def work(conn: psycopg.Connection) -> list[SimilarDocument]:
            state = self._state(conn)
            row = conn.execute(sql.SQL("SELECT document->>'content_hash' FROM {} WHERE id = %s"
                                       ).format(state.docs), (doc.id,)).fetchone()
            # Another document under the same id is not left out.
            own = doc.id if row is not None and row[0] == doc.content_hash else None
            return _similar(state, conn, doc, own, limit)
        return self.router.read(work)

    def facets(self) -> dict[str, list[FacetValue]]:
        def work(conn: psycopg.Connection) -> dict[str, list[FacetValue]]:
            counts = _Search(self._state(conn), conn, SearchRequest()).counts
            return {name: facet_values(name, counts[name], ()) for name in FACETS}
        return self.router.read(work)

    def complete(self, prefix: str, limit: int = 8) -> list[str]:
        """Words of the index that complete the last word typed, most frequent first."""
        head, _, last = prefix.rstrip().rpartition(" ") if prefix.strip() else ("", "", "")
        if len(last) < 2 or prefix.endswith(" ") or "\x00" in last:
            return []

        def work(conn: psycopg.Connection) -> list[str]:
            state = self._state(conn)
            pattern = _like_prefix(normalize(last))
            rows = conn.execute(sql.SQL(
                "SELECT word FROM {} WHERE folded LIKE %s "
                "ORDER BY frequency DESC, word LIMIT %s").format(
                layout.table(state.build, "spelling")), (pattern, limit)).fetchall()
            return [word for (word,) in rows]
        lead = f"{head} " if head else ""
        return [f"{lead}{word}" for word in self.router.read(work)]

    def mark(self, text: str, query: str) -> str:
        state = self.router.read(self._state)
        return highlighter_for(state.analyzer, parse(query).tree,
                               state.synonyms.current()).mark(text)

    def stats(self) -> dict[str, Any]:
        def work(conn: psycopg.Connection) -> dict[str, Any]:
            state = self._state(conn)
            run = _Search(state, conn, SearchRequest())
            size = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind = 'r'", (state.build,)).fetchone()[0]
            info = state.info
            return {
                "documents": run.total,
                "facets": {name: [fv.__dict__ for fv in facet_values(name, run.counts[name], ())]
                           for name in COLUMN_FILTERS},
                "size_bytes": int(size),
                "built_at": info.get("built_at"),
                "updated_at": info.get("updated_at"),
                "corpus": info.get("corpus"),
                "skipped": info.get("skipped"),
                "vocabulary": info.get("vocabulary"),
                "build": state.build,
            }
        return self.router.read(work)

    def build_id(self) -> str:
        """The live build and its version: changes with every rebuild and update."""
        return self.router.read(lambda conn: "{}@{}".format(*_live(conn)))

    def document_count(self) -> int:
        return self.router.read(lambda conn: int(self._state(conn).info["documents"]))

    def close(self) -> None:
        self.router.close()

    def _state(self, conn: psycopg.Connection) -> _BuildState:
        """The live build as this snapshot sees it; loaded once per build and version."""
        key = _live(conn)
        state = self._states.get(key)
        if state is None:
            with self._lock:
                same_build = next((s for (b, _), s in self._states.items() if b == key[0]),
                                  None)
            state = _BuildState.load(conn, key[0], same_build)
            with self._lock:
                # Replicas may lag each other: keep a few versions, newest last.
                self._states[key] = state
                while len(self._states) > 4:
                    self._states.pop(next(iter(self._states)))
        return state


def _recent() -> RecentCache:
    return RecentCache(settings.current().query_cache)


@dataclass
class _BuildState:
    build: str
    analyzer: DanishAnalyzer
    info: dict[str, Any]
    # Per facet: folded value → the stored value (filters may be typed in any case/spelling).
    canonical: dict[str, dict[str, str]]
    # Per build and version (so never stale): facet groups and rankings of recent queries,
    # and whether a term occurs in some title or text ("did you mean").
    groups: RecentCache[str, list[tuple]] = field(default_factory=_recent, repr=False)
    rankings: RecentCache[tuple[str, str | None], tuple[list[tuple[int, float]], bool]] = field(
        default_factory=_recent, repr=False)
    known: RecentCache[str, bool] = field(
        default_factory=lambda: RecentCache(KNOWN_TERMS), repr=False)
    _spelling: SpellingWords | None = field(default=None, repr=False)
    # The corpus's repeated passages (snippets avoid them), read on first use; None: none.
    _passages: RepeatedSlots | None | bool = field(default=False, repr=False)
    # Term → documents whose text holds it (the snippet weights' idf).
    text_frequency: dict[str, int] = field(default_factory=dict, repr=False)
    synonyms: SynonymsFile | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        analyzer = self.analyzer
        self.synonyms = SynonymsFile(lambda text: analyzer.terms(text, index=False))

    @property
    def docs(self) -> sql.Composed:
        return layout.table(self.build, "docs")

    @classmethod
    def load(cls, conn: psycopg.Connection, build: str,
             same_build: _BuildState | None) -> _BuildState:
        if same_build is not None:  # an update never changes the vocabulary
            analyzer = same_build.analyzer
        else:
            stems = conn.execute(sql.SQL("SELECT stem FROM {}").format(
                layout.table(build, "vocabulary"))).fetchall()
            analyzer = DanishAnalyzer(Vocabulary(stem for (stem,) in stems))
        info = dict(conn.execute(sql.SQL("SELECT key, value FROM {}").format(
            layout.table(build, "info"))).fetchall())
        layout.require_format(info, conn.info.dbname)
        canonical = {}
        docs = layout.table(build, "docs")
        for name in (*COLUMN_FILTERS, *KEYWORD_FILTERS):
            column = sql.Identifier(name)
            if name in KEYWORD_FILTERS:
                column = sql.SQL("unnest({})").format(column)
            values = conn.execute(sql.SQL("SELECT DISTINCT {} FROM {}").format(
                column, docs)).fetchall()
            canonical[name] = {normalize(value): value for (value,) in values if value}
        return cls(build, analyzer, info, canonical)

    def resolve(self, name: str, value: str) -> str | None:
        return stored_value(self.canonical.get(name, {}), value)

    def repetition(self, conn: psycopg.Connection) -> Callable[[str], float]:
        """How much of a passage the corpus repeats (0.0 without counts)."""
        if self._passages is False:
            self._passages = layout.load_repeated_slots(conn, self.build)
        passages = self._passages
        if not isinstance(passages, RepeatedSlots):
            return lambda passage: 0.0
        return passages.repetition

    def weights(self, conn: psycopg.Connection, terms: Iterable[str]) -> dict[str, float]:
        """Each term's idf over the texts, as the Whoosh backend weighs snippet words."""
        self.count_texts(conn, terms)
        documents = int(self.info.get("documents") or 0)
        return {t: idf(self.text_frequency[t], documents) for t in set(terms)}

    def count_texts(self, conn: psycopg.Connection, terms: Iterable[str]) -> None:
        """Fill text_frequency for the terms (one statement for those not seen yet)."""
        unseen = sorted(set(terms) - self.text_frequency.keys())
        if unseen:
            queries = {f"{quote(t)}:C": t for t in unseen}
            found = dict(conn.execute(sql.SQL(
                "SELECT q, (SELECT count(*) FROM {} WHERE tsv @@ q::tsquery) "
                "FROM unnest({}::text[]) AS q").format(self.docs, sql.Literal(sorted(queries)))))
            for query, term in queries.items():
                self.text_frequency[term] = found.get(query, 0)

    def spelling(self, conn: psycopg.Connection) -> SpellingWords:
        """The build's surface words, read on first use (racing threads read it twice)."""
        if self._spelling is None:
            rows = conn.execute(sql.SQL("SELECT word, frequency FROM {}").format(
                layout.table(self.build, "spelling"))).fetchall()
            self._spelling = SpellingWords(Counter(dict(rows)))
        return self._spelling


@dataclass(frozen=True)
class _Part:
    """A compiled query node: an SQL condition and, for ranking, a tsquery of its words."""

    where: sql.Composable
    rank: str | None = None
    # The whole node as one tsquery when it has only words (one GIN lookup).
    tsquery: str | None = None


_FALSE = _Part(sql.SQL("false"))


class _Compiler:
    """Query tree → SQL over the docs table, analysing words as the index did."""

    def __init__(self, state: _BuildState, synonyms: Synonyms) -> None:
        self.state = state
        self.analyzer = state.analyzer
        self.synonyms = synonyms

    def compile(self, node: Node | None) -> _Part | None:
        if node is None:
            return None
        if isinstance(node, And):
            return self._and(node.items)
        if isinstance(node, Or):
            return self._or([self._alone(item) for item in node.items])
        if isinstance(node, Not):
            return self._and((node,))
        return self._leaf(node)

    def _alone(self, node: Node) -> _Part | None:
        return self._and((node,)) if isinstance(node, Not) else self.compile(node)

    def _and(self, items: tuple[Node, ...]) -> _Part | None:
        positive = self._with_phrase_synonyms([i for i in items if not isinstance(i, Not)])
        negative = [self.compile(i.item) for i in items if isinstance(i, Not)]
        return self._all(positive, negative)

    @staticmethod
    def _all(positive: list[_Part | None], negative: list[_Part | None]) -> _Part | None:
        """Every positive part and none of the negative ones."""
        positive = [p for p in positive if p is not None]
        negative = [p for p in negative if p is not None]
        if not positive and not negative:
            return None
        # Every word must match (the SQL condition), but the rank query ORs them: ts_rank_cd
        # then counts each word's occurrences, as BM25 sums per term, instead of only the
        # spans holding all words (nDCG@10 on relevance-dev 0.259 instead of 0.221).
        ranks = [p.rank for p in positive if p.rank]
        rank = " | ".join(f"({r})" for r in ranks) if ranks else None
        if all(p.tsquery for p in (*positive, *negative)):
            query = " & ".join([*(f"({p.tsquery})" for p in positive),
                                *(f"!({p.tsquery})" for p in negative)])
            return _words(query, rank)
        where = sql.SQL(" AND ").join([*(p.where for p in positive),
                                       *(sql.SQL("NOT ({})").format(p.where) for p in negative)])
        return _Part(sql.SQL("({})").format(where), rank)

    def _with_phrase_synonyms(self, nodes: list[Node]) -> list[_Part | None]:
        """Each node compiled; a run of words that is a synonyms entry ("socialøkonomisk
        virksomhed") matches as typed (all its words) or as any other entry ("SØV"), as the
        Whoosh backend's QueryCompiler does."""
        compiled: list[_Part | None] = []
        at = 0
        while at < len(nodes):
            size = synonym_run(nodes, at, self.synonyms, self.analyzer)
            if not size:
                compiled.append(self.compile(nodes[at]))
                at += 1
                continue
            run = nodes[at:at + size]
            together = self._all([self.compile(node) for node in run], [])
            others = [_words(text_query(self.analyzer, other, DEFAULT_WEIGHTS))
                      for other in self.synonyms.of(terms_of(run, self.analyzer))]
            compiled.append(self._or([together, *others]))
            at += size
        return compiled

    def _text(self, text: str, weights: str) -> _Part | None:
        """The text's words in order or, when they are a synonyms entry, any other entry."""
        query = text_query(self.analyzer, text, weights)
        if query is None:
            return None
        others = [text_query(self.analyzer, other, weights)
                  for other in self.synonyms.of(self.analyzer.terms(text, index=False))]
        return self._or([_words(q) for q in (query, *others) if q])

    @staticmethod
    def _or(parts: list[_Part | None]) -> _Part | None:
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        ranks = [p.rank for p in parts if p.rank]
        rank = " | ".join(f"({r})" for r in ranks) if ranks else None
        if all(p.tsquery for p in parts):
            return _words(" | ".join(f"({p.tsquery})" for p in parts), rank)
        return _Part(sql.SQL("({})").format(sql.SQL(" OR ").join(p.where for p in parts)), rank)

    def _leaf(self, node: Node) -> _Part | None:
        if isinstance(node, Word | Phrase):
            return self._text(node.text, DEFAULT_WEIGHTS)
        if isinstance(node, Prefix):
            return _words(prefix_query(node.text, DEFAULT_WEIGHTS))
        if isinstance(node, Range):
            return _Part(_range_condition(node.name, node.span))
        assert isinstance(node, Field)
        if node.name in FIELD_WEIGHTS:
            weights = FIELD_WEIGHTS[node.name]
            if node.value.endswith("*") and not node.phrase:
                return _words(prefix_query(node.value.rstrip("*"), weights))
            return self._text(node.value, weights)
        if node.name == "id":
            if "\x00" in node.value:  # PostgreSQL text cannot hold NUL; no id does
                return _FALSE
            return _Part(sql.SQL("(id = {})").format(sql.Literal(node.value)))
        value = self.state.resolve(node.name, node.value)
        if value is None:  # no document has it
            return _FALSE
        if node.name in KEYWORD_FILTERS:
            return _Part(sql.SQL("({} @> {})").format(sql.Identifier(node.name),
                                                      sql.Literal([value])))
        return _Part(sql.SQL("({} = {})").format(sql.Identifier(node.name), sql.Literal(value)))


def _words(query: str | None, rank: str | None = "") -> _Part | None:
    """A part that is one tsquery; its rank query is itself unless given."""
    if query is None:
        return None
    condition = sql.SQL("(tsv @@ {}::tsquery)").format(sql.Literal(query))
    return _Part(condition, query if rank == "" else rank, query)


class _Search:
    """One request in one snapshot: compile, count facets, order, page, snippets."""

    def __init__(self, state: _BuildState, conn: psycopg.Connection,
                 request: SearchRequest) -> None:
        self.state = state
        self.conn = conn
        self.request = request
        parsed = parse(request.query)
        self.tree = parsed.tree
        self.synonyms = state.synonyms.current()
        self.compiler = _Compiler(state, self.synonyms)
        self.part = self.compiler.compile(self.tree)
        self.notice = parsed.notice_once_compiled(self.part)
        self.where = self._where(self.part)
        self.filters = self._filters()
        self.counts, self.total, unfiltered = self._count(self.where)
        # The documents matching all the words; self.total adds relaxed ones, if any.
        self.exact_total = self.total
        # Set when relaxed: "this document matches all the words" and "how many it matches".
        self.exact: sql.Composable | None = None
        self.matched_words: sql.Composable | None = None
        # A query already searched otherwise than written (parsed.notice) is not relaxed too.
        if (self.part is not None and parsed.notice is None
                and self.exact_total < _page_size(request)):
            self._relax(unfiltered)

    def _relax(self, exact_unfiltered: int) -> None:
        """Add the documents matching most (not all) of the words, when the query allows
        (soev_search.relaxed; the same rule as the Whoosh backend)."""
        plan = relaxation(self.tree)
        if plan is None:
            return
        clauses = [p for p in map(self.compiler.compile, plan.clauses) if p is not None]
        if len(clauses) < 2:
            return
        matched_words = sql.SQL("({})").format(sql.SQL(" + ").join(
            sql.SQL("({})::int").format(clause.where) for clause in clauses))
        excluded = [p for p in map(self.compiler.compile, plan.excluded) if p is not None]
        relaxed = [sql.SQL("{} >= {}").format(
            matched_words, sql.Literal(minimum_should_match(len(clauses))))]
        relaxed += [sql.SQL("NOT ({})").format(part.where) for part in excluded]
        either = sql.SQL("(({}) OR ({}))").format(self.part.where, sql.SQL(" AND ").join(relaxed))
        union = self._where(_Part(either))
        counts, total, unfiltered = self._count(union)
        if unfiltered == exact_unfiltered:  # no document matches most of the words
            return
        self.exact, self.matched_words = self.part.where, matched_words
        self.where, self.counts, self.total = union, counts, total
        if self.total > self.exact_total:
            self.notice = NOTICE_RELAXED

    def _where(self, part: _Part | None) -> sql.Composable:
        """The query and the multi-valued filters (mentions), which filter like the query
        (they have no counted column)."""
        conditions: list[sql.Composable] = [part.where] if part else []
        for name in KEYWORD_FILTERS:
            if values := getattr(self.request, name):
                # Only stored values can match; a value no document has matches nothing.
                wanted = sorted({self.state.resolve(name, str(v)) for v in values} - {None})
                conditions.append(sql.SQL("({} && {}::text[])").format(
                    sql.Identifier(name), sql.Literal(wanted)))
        return sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("true")

    def _filters(self) -> list[tuple[str, Callable[[str], bool], sql.Composable]]:
        """The active single-valued filters: name, whether a stored value passes (its values
        and its range, both when both are given), and the same as an SQL condition."""
        active = []
        for name in COLUMN_FILTERS:
            values = getattr(self.request, name)
            span = self.request.value_range(name)
            if not values and span is None:
                continue
            allowed = {self.state.resolve(name, str(v)) for v in values} - {None}
            conditions = [sql.SQL("{} = ANY({})").format(sql.Identifier(name),
                                                         sql.Literal(sorted(allowed)))]
            if span is not None:
                conditions = conditions[:1 if values else 0] + [_range_condition(name, span)]
            if not values:
                active.append((name, span.contains, conditions[0]))
            elif span is None:
                active.append((name, allowed.__contains__, conditions[0]))
            else:
                active.append((name, lambda v, a=allowed, r=span: v in a and r.contains(v),
                               sql.SQL(" AND ").join(conditions)))
        return active

    def _count(self, condition: sql.Composable) -> tuple[dict[str, Counter[str]], int, int]:
        """Facet counts under all filters but the facet's own, from the matching set's
        groups of facet values; the number of documents passing every filter; and the number
        matching the condition, filters aside."""
        where = condition.as_string(self.conn)
        groups = self.state.groups.get(where)
        if groups is None:
            columns = sql.SQL(", ").join(map(sql.Identifier, COLUMN_FILTERS))
            groups = self.conn.execute(sql.SQL(
                "SELECT {columns}, count(*) FROM {docs} WHERE {where} GROUP BY {columns}"
            ).format(columns=columns, docs=self.state.docs, where=condition)).fetchall()
            self.state.groups.put(where, groups)
        counts: dict[str, Counter[str]] = {name: Counter() for name in COLUMN_FILTERS}
        total = 0
        for *values, count in groups:
            row = dict(zip(COLUMN_FILTERS, values, strict=True))
            failed = [name for name, accepts, _ in self.filters if not accepts(row[name])]
            if not failed:
                total += count
                for name in COLUMN_FILTERS:
                    counts[name][row[name]] += count
            elif len(failed) == 1:
                counts[failed[0]][row[failed[0]]] += count
        return counts, total, sum(group[-1] for group in groups)

    def ordered(self, limit: int | None, offset: int) -> list[tuple[dict, float]]:
        """(document, score) of the matching documents from `offset`, best or newest first."""
        if self.total == 0:
            return []
        ranking = self._ranking(None if limit is None else offset + limit)
        chosen = ranking[offset:] if limit is None else ranking[offset:offset + limit]
        if not chosen:
            return []
        documents = dict(self.conn.execute(sql.SQL(
            "SELECT seq, document FROM {} WHERE seq = ANY(%s)").format(self.state.docs),
            ([seq for seq, _ in chosen],)).fetchall())
        return [(documents[seq], score) for seq, score in chosen]

    def _ranking(self, depth: int | None) -> list[tuple[int, float]]:
        """(seq, score) of at least the first `depth` matching documents (None: all), best or
        newest first; ranked RANK_AHEAD deep and kept per build and version, so the next
        pages and repeated queries are not ranked again."""
        conditions = [self.where, *(condition for _, _, condition in self.filters)]
        relevance = (self.part is not None and self.part.rank is not None
                     and self.request.sort != "date" and has_scoring(self.tree))
        if relevance:
            score = sql.SQL("ts_rank_cd({}::float4[], tsv, {}::tsquery, {})").format(
                sql.Literal(RANK_WEIGHTS), sql.Literal(self.part.rank),
                sql.Literal(RANK_NORMALIZATION))
            order = sql.SQL("score DESC, seq")
        else:
            score = sql.SQL("0.0")
            order = sql.SQL("date DESC, seq")
        if self.exact is not None:  # relaxed: all the words first, then by words matched
            order = sql.SQL("({}) DESC, {} DESC, {}").format(self.exact, self.matched_words,
                                                            order)
        where = sql.SQL(" AND ").join(conditions)
        key = (where.as_string(self.conn), self.part.rank if relevance else None)
        cached = self.state.rankings.get(key)
        if cached is not None and (cached[1] or (depth is not None and len(cached[0]) >= depth)):
            return cached[0]
        fetch = None if depth is None else max(depth, RANK_AHEAD)
        query = sql.SQL("SELECT seq, {score} AS score FROM {docs} WHERE {where} "
                        "ORDER BY {order} LIMIT {limit}").format(
            score=score, docs=self.state.docs, where=where, order=order,
            limit=sql.Literal(fetch) if fetch is not None else sql.SQL("ALL"))
        ranking = [(seq, float(value)) for seq, value in self.conn.execute(query)]
        self.state.rankings.put(key, (ranking, fetch is None or len(ranking) < fetch))
        return ranking

    def result(self) -> SearchResult:
        per_page = _page_size(self.request)
        page = max(1, self.request.page)
        page_documents = self.ordered(per_page, (page - 1) * per_page)
        terms = highlighter_for(self.state.analyzer, self.tree, self.synonyms).terms
        weights = self.state.weights(self.conn, terms) if page_documents else {}
        marker = highlighter_for(self.state.analyzer, self.tree, self.synonyms,
                                 lambda term: weights.get(term, 1.0))
        repetition = self.state.repetition(self.conn)
        hits = [hit_for(Document.from_dict(doc), score, marker, repetition)
                for doc, score in page_documents]
        return SearchResult(
            query=self.request.query,
            total=self.total,
            relaxed=self.total > self.exact_total,
            exact_total=self.exact_total,
            page=page,
            per_page=per_page,
            hits=hits,
            facets={name: facet_values(name, self.counts[name], self._active(name))
                    for name in FACETS},
            without_value={name: self.counts[name].get("", 0) for name in FACETS},
            suggestion=Suggester(self.state.analyzer, self.synonyms,
                                 _known_words(self.state, self.conn),
                                 lambda: self.state.spelling(self.conn)).suggest(
                self.request.query, self.tree),
            notice=self.notice,
        )

    def _active(self, name: str) -> list[str]:
        return [self.state.resolve(name, str(v)) or str(v) for v in getattr(self.request, name)]



def _known_words(state: _BuildState, conn: psycopg.Connection) -> KnownWords:
    """The words all of whose terms occur in some title or text: the terms not yet in the
    build's cache looked up in one query."""
    def known_words(words: list[str]) -> list[str]:
        known = state.known
        terms = {word: state.analyzer.terms(word, index=False) for word in words}
        unseen = sorted({t for ts in terms.values() for t in ts if known.get(t) is None})
        if unseen:
            queries = {f"{quote(t)}:{DEFAULT_WEIGHTS}": t for t in unseen}
            found = {queries[q] for (q,) in conn.execute(sql.SQL(
                "SELECT q FROM unnest({}::text[]) AS q "
                "WHERE EXISTS (SELECT 1 FROM {} WHERE tsv @@ q::tsquery)").format(
                sql.Literal(sorted(queries)), state.docs))}
            for term in unseen:
                known.put(term, term in found)
        return [word for word, ts in terms.items() if all(known.get(t) for t in ts)]
    return known_words


def _similar(state: _BuildState, conn: psycopg.Connection, doc: Document,
             exclude_id: str | None, limit: int) -> list[SimilarDocument]:
    """The documents holding `doc`'s key terms (soev_search.similar), ranked by ts_rank_cd
    over those terms in the texts; other municipalities first, each group best first."""
    if limit < 1:
        return []
    text = doc.text[:MAX_ANALYSED_CHARS]
    state.count_texts(conn, {term for term, _, _, _ in state.analyzer.spans(text, index=True)})
    documents = int(state.info.get("documents") or 0)
    terms = key_terms(text, state.analyzer, state.text_frequency.__getitem__, documents)
    if not terms:
        return []
    queries = [f"{quote(t.term)}:C" for t in terms]
    flags = sql.SQL(", ").join(sql.SQL("tsv @@ {}::tsquery").format(sql.Literal(q))
                               for q in queries)
    anyone = " | ".join(queries)
    rows = conn.execute(sql.SQL(
        "SELECT document, ts_rank_cd({}::float4[], tsv, {}::tsquery, {}) AS score, "
        "ARRAY[{}] FROM {} WHERE tsv @@ {}::tsquery AND id IS DISTINCT FROM {} "
        "ORDER BY score DESC, seq LIMIT {}").format(
        sql.Literal(RANK_WEIGHTS), sql.Literal(anyone), sql.Literal(RANK_NORMALIZATION), flags,
        state.docs, sql.Literal(anyone), sql.Literal(exclude_id),
        sql.Literal(max(SIMILAR_CANDIDATES, 3 * limit)))).fetchall()
    found = [(Document.from_dict(row[0]), float(row[1]),
              tuple(t.word for t, has in zip(terms, row[2], strict=True) if has))
             for row in rows]
    own = doc.municipality or ""
    found.sort(key=lambda item: bool(own) and item[0].municipality == own)  # stable
    return [similar_document(other, score, shared) for other, score, shared in found[:limit]]


def _range_condition(name: str, span: ValueRange) -> sql.Composable:
    """The documents whose value lies in the range, as ValueRange.contains decides (an open
    range also keeps documents without a value); the ranged values (years) all have four
    digits, so text order is number order, as in the Whoosh backend."""
    column = sql.Identifier(name)
    parts = [sql.SQL("{} <> ''").format(column)]
    if span.low is not None:
        parts.append(sql.SQL("{} >= {}").format(column, sql.Literal(str(span.low))))
    if span.high is not None:
        parts.append(sql.SQL("{} <= {}").format(column, sql.Literal(str(span.high))))
    within = sql.SQL("({})").format(sql.SQL(" AND ").join(parts))
    return within if span.closed else sql.SQL("({} OR {} = '')").format(within, column)


def _page_size(request: SearchRequest) -> int:
    return max(1, min(request.per_page, settings.current().max_per_page))


def _live(conn: psycopg.Connection) -> tuple[str, int]:
    """(build, version) of the live build in this snapshot."""
    row = conn.execute(f"SELECT build, version FROM {layout.LIVE}").fetchone()
    if row is None:
        raise IndexUnavailable(f"the database holds no search index yet; build it with: "
                               f"{REBUILD_HINT}")
    return row[0], row[1]


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
