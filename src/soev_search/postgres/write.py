"""Rebuild and update into PostgreSQL, with the same ingestion as the Whoosh backend.

rebuild: ingest (soev_search.index's pool and manifest), spool the Documents while counting
words for the compound vocabulary and the spelling words, then load a new build schema with
COPY, index it, and swap `soev.live` to it in one transaction. A killed rebuild leaves an
unreferenced schema, removed by the next writer; the live build is never touched.

update: find changed files against the live build's manifest, ingest them, and apply
deletions, new rows, spelling counts, manifest and info in one transaction.

A session-level advisory lock on the primary refuses a second writer; it ends with the session
even when the writer is killed.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from soev_search import settings
from soev_search.analysis import DanishAnalyzer, Vocabulary, normalize, raw_words
from soev_search.document import Document, Skipped
from soev_search.errors import SoevError
from soev_search.filters import COLUMN_FILTERS, KEYWORD_FILTERS, filter_named
from soev_search.index import (
    BuildReport,
    Ingested,
    Progress,
    UpdateReport,
    find_changes,
    ingest_all,
    learn_vocabulary,
    orphan_warnings,
    require_corpus,
)
from soev_search.ingest import RepeatedLines, corpus_files, learn_repeated_lines
from soev_search.passages import RepeatedPassages
from soev_search.postgres import layout
from soev_search.postgres.database import REBUILD_HINT, Router
from soev_search.postgres.terms import tsvector
from soev_search.spelling import SpellingWords, surface_words

DOC_COLUMNS = ("id", *COLUMN_FILTERS, *KEYWORD_FILTERS, "date", "document", "tsv")


def rebuild(corpus_dir: Path, router: Router, progress: Progress | None = None,
            workers: int | None = None) -> BuildReport:
    """Build the whole corpus into a new schema and make it live; `workers` processes (default:
    the `workers` setting) read the files."""
    started = time.perf_counter()
    workers = workers or settings.current().workers
    corpus_dir = Path(corpus_dir)
    require_corpus(corpus_dir)
    with router.write() as conn, _writer_lock(conn):
        corpus = CorpusReading(corpus_dir, progress, workers)
        indexed = _build(conn, corpus.documents(), corpus_dir, corpus.manifest, corpus.skipped,
                         corpus.repeated, progress)
    return BuildReport(indexed, corpus.skipped, time.perf_counter() - started, corpus.warnings)


class CorpusReading:
    """A whole corpus read for a rebuild with the Whoosh backend's ingestion (its worker pool,
    learned repetition and sidecars): the files and, filled while `documents()` is consumed,
    the manifest, the skipped files and the sidecar warnings."""

    def __init__(self, corpus_dir: Path, progress: Progress | None, workers: int) -> None:
        sidecars: list[Path] = []
        self.corpus_dir = corpus_dir
        self.paths = list(corpus_files(corpus_dir, sidecars))
        self.repeated = learn_repeated_lines(self.paths)
        self.manifest: dict[str, Any] = {}
        self.skipped: list[Skipped] = []
        self.warnings = orphan_warnings(sidecars, corpus_dir)
        self._progress = progress
        self._workers = workers

    def documents(self) -> Iterator[Document]:
        """Every readable document, ingested in the worker pool."""
        for item in ingest_all(self.paths, self.corpus_dir, self.repeated, self._progress,
                               "ingest", self._workers):
            self.manifest[item.rel] = item.manifest_entry()
            self.warnings.extend(item.warnings())
            if isinstance(item.result, Skipped):
                self.skipped.append(item.result)
            else:
                yield item.result


def index_documents(documents: Iterable[Document], router: Router,
                    progress: Progress | None = None) -> int:
    """A build straight from Documents (tests, benchmarks), as index.index_documents."""
    with router.write() as conn, _writer_lock(conn):
        return _build(conn, iter(documents), None, {}, [], None, progress)


def _build(conn: psycopg.Connection, documents: Iterator[Document], corpus_dir: Path | None,
           manifest: dict[str, Any], skipped: list[Skipped], repeated: RepeatedLines | None,
           progress: Progress | None) -> int:
    for statement in layout.SETUP.split(";"):
        if statement.strip():
            conn.execute(statement)
    current = layout.live(conn)
    for old in layout.builds(conn):  # left by a killed rebuild, or older than the previous
        if current is None or old not in current[:2]:
            layout.drop_build(conn, old)
    build = layout.new_build_name()
    conn.execute(sql.SQL("CREATE SCHEMA {}").format(layout.identifier(build)))
    for statement in layout.statements(layout.BUILD_TABLES, build):
        conn.execute(statement)
    word_counts: Counter[str] = Counter()
    spelling = SpellingWords()
    passages = RepeatedPassages()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        spooled = 0
        for doc in documents:
            text = f"{doc.title}\n{doc.text}"
            word_counts.update(raw_words(text))
            spelling.add(surface_words(text))
            passages.add(doc.text)
            spool.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
            spooled += 1
        vocabulary = learn_vocabulary(word_counts)
        spool.seek(0)
        analyzer = DanishAnalyzer(vocabulary)
        spooled_docs = (Document.from_dict(json.loads(line)) for line in spool)
        indexed = _copy_documents(conn, build, analyzer, spooled_docs, spooled, progress)
    _copy_rows(conn, layout.table(build, "vocabulary"), ("stem",),
               ((stem,) for stem in sorted(vocabulary.stems)))
    _copy_rows(conn, layout.table(build, "spelling"), ("word", "folded", "frequency"),
               ((w, normalize(w), n) for w, n in spelling.items()))
    _copy_rows(conn, layout.table(build, "manifest"), ("rel", "entry"),
               ((rel, json.dumps(entry)) for rel, entry in manifest.items()))
    layout.save_passages(conn, build, passages)
    now = _now()
    _write_info(conn, build, {
        "format": layout.FORMAT, "built_at": now, "updated_at": now,
        "corpus": str(corpus_dir.resolve()) if corpus_dir else None,
        "documents": indexed, "skipped": len(skipped), "vocabulary": len(vocabulary),
        "repeated": repeated.to_dict() if repeated is not None else None,
    })
    for statement in layout.statements(layout.BUILD_INDEXES, build):
        conn.execute(statement)
    _publish(conn, build, current)
    return indexed


def _publish(conn: psycopg.Connection, build: str,
             current: tuple[str, str | None, int] | None) -> None:
    """Swap readers to the new build in one transaction; drop the one before the previous."""
    with conn.transaction():
        if current is None:
            conn.execute(f"INSERT INTO {layout.LIVE} (build, previous, version) "
                         "VALUES (%s, NULL, 1)", (build,))
        else:
            conn.execute(f"UPDATE {layout.LIVE} SET build = %s, previous = %s, "
                         "version = version + 1", (build, current[0]))
    if current is not None and current[1]:
        layout.drop_build(conn, current[1])


def update(corpus_dir: Path, router: Router, progress: Progress | None = None,
           workers: int | None = None) -> UpdateReport:
    """Apply added, changed and removed corpus files to the live build in one transaction."""
    started = time.perf_counter()
    workers = workers or settings.current().workers
    corpus_dir = Path(corpus_dir)
    require_corpus(corpus_dir)
    with router.write() as conn, _writer_lock(conn):
        current = _live_or_fail(conn)
        build = current[0]
        info = _read_info(conn, build)
        layout.require_format(info, conn.info.dbname)  # before changing anything
        manifest = dict(conn.execute(
            sql.SQL("SELECT rel, entry FROM {}").format(layout.table(build, "manifest"))))
        changes = find_changes(corpus_dir, manifest)
        report = UpdateReport(deleted=sum(1 for rel in changes.removed if manifest[rel]["id"]),
                              warnings=changes.orphans)
        if not changes.any():
            report.seconds = time.perf_counter() - started
            return report
        repeated = RepeatedLines.from_dict(info["repeated"]) if info.get("repeated") else None
        items = list(ingest_all(changes.modified, corpus_dir, repeated, progress, "update",
                                workers))
        vocabulary = Vocabulary(stem for (stem,) in conn.execute(
            sql.SQL("SELECT stem FROM {}").format(layout.table(build, "vocabulary"))))
        with conn.transaction():
            _apply_changes(conn, build, DanishAnalyzer(vocabulary), manifest, changes, items,
                           report)
            documents = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
                layout.table(build, "docs"))).fetchone()[0]
            info.update(updated_at=_now(), documents=documents,
                        skipped=sum(1 for e in manifest.values() if e["skipped"]))
            _write_info(conn, build, info)
            conn.execute(f"UPDATE {layout.LIVE} SET version = version + 1")
    report.seconds = time.perf_counter() - started
    return report


def _apply_changes(conn: psycopg.Connection, build: str, analyzer: DanishAnalyzer,
                   manifest: dict[str, Any], changes: Any, items: list[Ingested],
                   report: UpdateReport) -> None:
    gone: list[str] = []  # ids whose rows go (removed, changed, now unreadable)
    for rel in changes.removed:
        if manifest[rel]["id"]:
            gone.append(manifest[rel]["id"])
        del manifest[rel]
    for rel, entry in changes.touched.items():
        manifest[rel].update(entry)
    added: list[Document] = []
    for item in items:
        old_id = manifest.get(item.rel, {}).get("id")
        if old_id:
            gone.append(old_id)
        if isinstance(item.result, Skipped):
            report.skipped.append(item.result)
            report.deleted += bool(old_id)
        else:
            added.append(item.result)
            report.changed += bool(old_id)
            report.added += not old_id
        report.warnings.extend(item.warnings())
        manifest[item.rel] = item.manifest_entry()
    docs = layout.table(build, "docs")
    spelling_delta: Counter[str] = Counter()
    ids = sorted({*gone, *(doc.id for doc in added)})
    passages = layout.load_passages(conn, build)
    for (document,) in conn.execute(
            sql.SQL("DELETE FROM {} WHERE id = ANY(%s) RETURNING document").format(docs),
            (ids,)):
        spelling_delta.subtract(surface_words(f"{document['title']}\n{document['text']}"))
        if passages is not None:
            passages.remove(document["text"])
    for doc in added:
        spelling_delta.update(surface_words(f"{doc.title}\n{doc.text}"))
        if passages is not None:
            passages.add(doc.text)
    if passages is not None:
        layout.save_passages(conn, build, passages)
    _copy_documents(conn, build, analyzer, iter(added), len(added), None)
    _apply_spelling(conn, build, spelling_delta)
    table = layout.table(build, "manifest")
    conn.execute(sql.SQL("DELETE FROM {}").format(table))
    _copy_rows(conn, table, ("rel", "entry"),
               ((rel, json.dumps(entry)) for rel, entry in manifest.items()))


def _apply_spelling(conn: psycopg.Connection, build: str, delta: Counter[str]) -> None:
    table = layout.table(build, "spelling")
    rows = [(word, normalize(word), change) for word, change in delta.items() if change]
    if not rows:
        return
    with conn.cursor() as cur:
        cur.executemany(sql.SQL(
            "INSERT INTO {} AS s (word, folded, frequency) VALUES (%s, %s, %s) "
            "ON CONFLICT (word) DO UPDATE SET frequency = s.frequency + excluded.frequency"
        ).format(table), rows)
    conn.execute(sql.SQL("DELETE FROM {} WHERE frequency <= 0").format(table))


def _copy_documents(conn: psycopg.Connection, build: str, analyzer: DanishAnalyzer,
                    documents: Iterator[Document], total: int,
                    progress: Progress | None) -> int:
    copied = 0
    query = sql.SQL("COPY {} ({}) FROM STDIN").format(
        layout.table(build, "docs"), sql.SQL(", ").join(map(sql.Identifier, DOC_COLUMNS)))
    with conn.cursor() as cur, cur.copy(query) as copy:
        for doc in documents:
            copy.write_row(_row(analyzer, doc))
            copied += 1
            if progress:
                progress("index", copied, total)
    return copied


def _row(analyzer: DanishAnalyzer, doc: Document) -> tuple:
    """The values of DOC_COLUMNS: each filter's values as its declaration reads them ("" for
    a missing single value, as the Whoosh columns hold it)."""
    columns = [next(iter(filter_named(name).read(doc)), "") for name in COLUMN_FILTERS]
    keywords = [list(filter_named(name).read(doc)) for name in KEYWORD_FILTERS]
    return (doc.id, *columns, *keywords, doc.date or "",
            json.dumps(doc.to_dict(), ensure_ascii=False), tsvector(analyzer, doc))


def _copy_rows(conn: psycopg.Connection, table: sql.Composed, columns: tuple[str, ...],
               rows: Iterable[tuple]) -> None:
    query = sql.SQL("COPY {} ({}) FROM STDIN").format(
        table, sql.SQL(", ").join(map(sql.Identifier, columns)))
    with conn.cursor() as cur, cur.copy(query) as copy:
        for row in rows:
            copy.write_row(row)


def _write_info(conn: psycopg.Connection, build: str, info: dict[str, Any]) -> None:
    table = layout.table(build, "info")
    conn.execute(sql.SQL("DELETE FROM {}").format(table))
    _copy_rows(conn, table, ("key", "value"),
               ((key, json.dumps(value)) for key, value in info.items()))


def _read_info(conn: psycopg.Connection, build: str) -> dict[str, Any]:
    return dict(conn.execute(sql.SQL("SELECT key, value FROM {}").format(
        layout.table(build, "info"))))


def live_build(router: Router) -> str | None:
    """The live build's schema as searches see it, or None before the first rebuild."""
    def work(conn: psycopg.Connection) -> str | None:
        if conn.execute("SELECT to_regclass(%s)", (layout.LIVE,)).fetchone()[0] is None:
            return None
        current = layout.live(conn)
        return None if current is None else current[0]
    return router.read(work)


def _live_or_fail(conn: psycopg.Connection) -> tuple[str, str | None, int]:
    exists = conn.execute("SELECT to_regclass(%s)", (layout.LIVE,)).fetchone()[0]
    current = layout.live(conn) if exists else None
    if current is None:
        raise SoevError(f"the database holds no search index yet; build it with: {REBUILD_HINT}")
    return current


@contextlib.contextmanager
def _writer_lock(conn: psycopg.Connection) -> Iterator[None]:
    """The database-wide writer lock, held by this session; refuses a second writer."""
    got = conn.execute("SELECT pg_try_advisory_lock(%s)", (layout.WRITER_LOCK_KEY,)).fetchone()[0]
    if not got:
        raise SoevError("another rebuild or update is running on this database; "
                        "try again when it has finished")
    try:
        yield
    finally:
        with contextlib.suppress(psycopg.Error):
            conn.execute("SELECT pg_advisory_unlock(%s)", (layout.WRITER_LOCK_KEY,))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
