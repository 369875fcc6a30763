"""Building and updating the index: corpus → Documents → a new build, swapped in atomically.

`rebuild` forks `workers` processes once (when the corpus is big enough to gain) and makes
three passes with them. They learn the corpus's repeated edge lines in slices; then they
ingest the files in chunks, each writing its documents' index fields to a spool file and
returning only manifest entries, skipped files and word counts, so the main process never
handles a document. Then the compound vocabulary is learned from the counts, each worker
writes one Whoosh segment from a run of spool files, the main process commits the segments
into a fresh build folder, and CURRENT is pointed at it.

`update` re-ingests only what changed (size/mtime, then content hash, against the build's
manifest) into a copy-on-write build: the new build hard-links the current one's immutable
Whoosh segment files and adds a segment, so a reader is never disturbed and a crash leaves
the current build as it was.
"""

from __future__ import annotations

import ctypes
import hashlib
import itertools
import multiprocessing.util
import os
import pickle
import shutil
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from soev_search import ingest, settings
from soev_search.analysis import MIN_PART_COUNT, Vocabulary, part_counts, raw_words
from soev_search.document import Document, Skipped
from soev_search.errors import IndexUnavailable, SoevError
from soev_search.filters import COLUMN_FILTERS, KEYWORD_FILTERS
from soev_search.ingest import RepeatedLines
from soev_search.ingest.sidecar import (
    SIDECAR_SUFFIX,
    document_of_sidecar,
    sidecar_path,
    sidecar_problems,
)
from soev_search.passages import RepeatedPassages, WordHashes, document_slots
from soev_search.schema import (
    create_index,
    document_fields,
    load_vocabulary,
    open_index,
    save_vocabulary,
    unpack_document,
)
from soev_search.spelling import SpellingWords, surface_words
from soev_search.store import (
    BUILD_INFO,
    BUILDS,
    FORMAT,
    REBUILD_HINT,
    current_build,
    new_build_dir,
    publish,
    read_json,
    readable_build,
    remove_stale_builds,
    write_json,
    writer_lock,
)
from soev_search.synonyms import synonym_words
from soev_search.whoosh_facets import DATE_FIELD, FacetColumns
from soev_search.whoosh_write import Segment, commit_segments, write_segment
from soev_search.whoosh_write import writer as index_writer

MANIFEST = "manifest.json"
REPEATED = "repeated.json"
SPOOL_DIR = "spool"
# Below this many files a process pool costs more than it saves.
POOL_THRESHOLD = 40
# Files per task of the ingest pool. Large tasks first: the main process merges each task's
# word, spelling and passage counts, and per file that costs less the more files share the
# counts (a third of the merging at 512 against 64). Small tasks at the end, the last
# TAIL_CHUNKS per worker, so the workers finish together.
CHUNK_FILES = 512
TAIL_CHUNK_FILES = 64
TAIL_CHUNKS = 8

# stage ("ingest", "index", "update"), done, total
Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    indexed: int
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    # Problems in the sidecars of indexed documents: (sidecar path, problem), one per problem.
    warnings: list[Skipped] = field(default_factory=list)


@dataclass
class UpdateReport:
    added: int = 0
    changed: int = 0
    deleted: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[Skipped] = field(default_factory=list)

    @classmethod
    def before_applying(cls, changes: Changes, manifest: dict[str, Any]) -> UpdateReport:
        """An update's report before its changes are applied (either backend): the removed
        files that were documents are deleted, the sidecars without a document warned of."""
        return cls(deleted=sum(1 for rel in changes.removed if manifest[rel]["id"]),
                   warnings=changes.orphans)


@dataclass(frozen=True)
class Ingested:
    """One corpus file after ingestion, with what the manifest needs to notice changes."""

    rel: str
    mtime_ns: int
    size: int
    digest: str | None
    result: Document | Skipped
    # The sidecar's [mtime_ns, size], or None without one: a changed sidecar re-indexes.
    meta: list[int] | None = None

    def manifest_entry(self) -> dict[str, Any]:
        doc_id = self.result.id if isinstance(self.result, Document) else None
        reason = self.result.reason if isinstance(self.result, Skipped) else None
        return {"mtime_ns": self.mtime_ns, "size": self.size, "hash": self.digest,
                "id": doc_id, "skipped": reason, "meta": self.meta}

    def warnings(self) -> list[Skipped]:
        if not isinstance(self.result, Document):
            return []
        return [Skipped(self.rel + SIDECAR_SUFFIX, problem)
                for problem in sidecar_problems(self.result)]


@dataclass
class Spooled:
    """A chunk of corpus files after ingestion in a worker: the documents' index fields are
    in `path` (one pickle each); the rest is what the main process needs from them."""

    path: Path
    documents: int
    manifest: dict[str, dict[str, Any]]
    skipped: list[Skipped]
    parts: Counter[str]  # possible compound parts and their counts (part_counts of the words)
    surface: Counter[str]  # surface words and how many documents hold each (spelling)
    passages: Counter[int]  # slots of word runs and how many documents hold each (snippets)
    warnings: list[Skipped] = field(default_factory=list)  # problems in sidecars


def _read_spool(path: Path, documents: int) -> Iterator[dict[str, Any]]:
    with open(path, "rb") as spool:
        for _ in range(documents):
            yield pickle.load(spool)


# The word hashes of passage counting, kept for all chunks a worker process spools.
_WORD_HASHES = WordHashes()


class _SpoolWriter:
    """Writes one chunk's documents as index fields and counts their words."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = open(path, "wb")  # noqa: SIM115 - closed by finish()
        self.documents = 0
        self.words: Counter[str] = Counter()  # raw words, made into part counts at the end
        self.surface: Counter[str] = Counter()
        self.passages: Counter[int] = Counter()

    def add(self, doc: Document) -> None:
        text = f"{doc.title}\n{doc.text}"
        self.words.update(raw_words(text))
        self.surface.update(surface_words(text))
        self.passages.update(document_slots(doc.text, _WORD_HASHES))
        pickle.dump(document_fields(doc), self.file, pickle.HIGHEST_PROTOCOL)
        self.documents += 1

    def finish(self, manifest: dict[str, dict[str, Any]], skipped: list[Skipped],
               warnings: list[Skipped]) -> Spooled:
        self.file.close()
        # Part counts add up over chunks: made here, in parallel, not by the main process.
        return Spooled(self.path, self.documents, manifest, skipped, part_counts(self.words),
                       self.surface, self.passages, warnings)


def index_exists(index_dir: Path) -> bool:
    try:
        current_build(index_dir)
    except IndexUnavailable:
        return False
    return True


def rebuild(corpus_dir: Path, index_dir: Path, progress: Progress | None = None,
            workers: int | None = None) -> BuildReport:
    """Build the whole index into a new build folder and swap it in; `workers` processes
    (default: the `workers` setting) read the files and write the index."""
    started = time.perf_counter()
    workers = workers or settings.current().workers
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    require_corpus(corpus_dir)
    with writer_lock(index_dir):
        sidecars: list[Path] = []
        paths = list(ingest.corpus_files(corpus_dir, sidecars))
        warnings = orphan_warnings(sidecars, corpus_dir)
        with Workers(workers if len(paths) >= POOL_THRESHOLD else 1) as pool:
            repeated = ingest.learn_repeated_lines(paths, pool.map, parts=2 * pool.processes)

            def spool(spool_dir: Path) -> Iterator[Spooled]:
                return _spool_files(paths, corpus_dir, repeated, spool_dir, progress, pool)

            indexed, skipped, found = _build(index_dir, spool, corpus_dir, repeated, progress,
                                             pool)
    return BuildReport(indexed, skipped, time.perf_counter() - started, warnings + found)


def index_documents(documents: Iterable[Document], index_dir: Path,
                    progress: Progress | None = None) -> int:
    """Build an index straight from Documents (tests, benchmarks); `update` will see every
    corpus file as new, since no file manifest exists."""
    index_dir = Path(index_dir)

    def spool(spool_dir: Path) -> Iterator[Spooled]:
        writer = _SpoolWriter(spool_dir / "documents.pickle")
        for doc in documents:
            writer.add(doc)
        yield writer.finish({}, [], [])

    with writer_lock(index_dir), Workers(1) as pool:
        return _build(index_dir, spool, None, None, progress, pool)[0]


class Workers:
    """A rebuild's worker processes (with one, the work runs in this process), forked once
    for all its passes, and a count of documents indexed that they share."""

    def __init__(self, processes: int) -> None:
        self.processes = max(processes, 1)
        self.indexed = multiprocessing.Value("q", 0)
        _share_indexed_count(self.indexed)
        self._pool = (ProcessPoolExecutor(max_workers=self.processes,
                                          initializer=_share_indexed_count,
                                          initargs=(self.indexed,))
                      if self.processes > 1 else None)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def map(self, work: Callable, items: Iterable) -> Iterator:
        """work(item) for each item, in order (in parallel in the processes)."""
        return iter(self._pool.map(work, items)) if self._pool else map(work, items)

    def each(self, work: Callable, items: list, waiting: Callable[[], None]) -> list:
        """[work(item) for item in items], calling `waiting` about every 0.25 s meanwhile."""
        if self._pool is None:
            return [work(item) for item in items]
        futures = [self._pool.submit(work, item) for item in items]
        while wait(futures, timeout=0.25).not_done:
            waiting()
        return [future.result() for future in futures]


# The running rebuild's count of documents indexed (set in every worker process).
_indexed: Any = None


def _share_indexed_count(counter: Any) -> None:
    global _indexed
    _indexed = counter


def _build(index_dir: Path, spool: Callable[[Path], Iterator[Spooled]],
           corpus_dir: Path | None, repeated: RepeatedLines | None, progress: Progress | None,
           pool: Workers) -> tuple[int, list[Skipped], list[Skipped]]:
    """Spool the documents, learn the vocabulary from their words, index them, publish the
    build; the number indexed, the files skipped and the sidecar problems."""
    previous = _current_or_none(index_dir)
    _remove_unfinished_builds(index_dir, keep=previous)
    build = new_build_dir(index_dir)
    spool_dir = build / SPOOL_DIR
    spool_dir.mkdir()
    manifest: dict[str, Any] = {}
    skipped: list[Skipped] = []
    warnings: list[Skipped] = []
    parts: Counter[str] = Counter()
    spelling = SpellingWords()
    repeated_passages = RepeatedPassages()
    chunks = []
    for chunk in spool(spool_dir):
        manifest.update(chunk.manifest)
        skipped.extend(chunk.skipped)
        warnings.extend(chunk.warnings)
        parts.update(chunk.parts)
        spelling.merge(chunk.surface)
        repeated_passages.merge(chunk.passages, chunk.documents)
        # Taken over: free the chunk's share while the index is written.
        chunk.parts, chunk.surface, chunk.passages, chunk.manifest = (
            Counter(), Counter(), Counter(), {})
        chunks.append(chunk)
    vocabulary = vocabulary_of_parts(parts)
    del parts
    save_vocabulary(build, vocabulary)
    spelling.save(build)
    repeated_passages.save(build)
    del spelling, repeated_passages
    indexed = _index_spools(build, vocabulary, chunks, progress, pool)
    shutil.rmtree(spool_dir)
    if repeated is not None:
        write_json(build / REPEATED, repeated.to_dict())
    write_json(build / MANIFEST, manifest)
    _write_build_info(build, corpus_dir, indexed, len(skipped), len(vocabulary))
    publish(index_dir, build)
    remove_stale_builds(index_dir, keep_previous=previous)
    return indexed, skipped, warnings


def learn_vocabulary(word_counts: Counter[str]) -> Vocabulary:
    """The compound vocabulary of a rebuild (either backend) from its raw word counts."""
    return vocabulary_of_parts(part_counts(word_counts))


def vocabulary_of_parts(parts: Counter[str]) -> Vocabulary:
    """The compound vocabulary from the part counts of the corpus's words."""
    # The synonyms' words are compound parts too: "flexjob" finds "fleksjobordningen".
    parts.update(part_counts(Counter(dict.fromkeys(synonym_words(), MIN_PART_COUNT))))
    return Vocabulary.learn(parts)


def update(corpus_dir: Path, index_dir: Path, progress: Progress | None = None,
           workers: int | None = None) -> UpdateReport:
    """Add new files, re-index changed ones and delete removed ones, in a new build."""
    started = time.perf_counter()
    workers = workers or settings.current().workers
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    require_corpus(corpus_dir)
    with writer_lock(index_dir):
        # A build of another format is refused before anything of it is linked or read.
        current, current_info = readable_build(index_dir)
        manifest: dict[str, Any] = read_json(current / MANIFEST)
        changes = find_changes(corpus_dir, manifest)
        report = UpdateReport.before_applying(changes, manifest)
        if not changes.any():
            report.seconds = time.perf_counter() - started
            return report
        _remove_unfinished_builds(index_dir, keep=current)
        build = new_build_dir(index_dir)
        _link_build(current, build)
        vocabulary = load_vocabulary(current)
        ix = open_index(build, vocabulary, readonly=False)
        spelling = SpellingWords.load(current)
        repeated_passages = RepeatedPassages.load(current)
        writer = index_writer(ix, settings.current().writer_memory_mb)
        try:
            with ix.searcher() as before:
                for rel in changes.removed:
                    if manifest[rel]["id"]:
                        _forget_words(before, manifest[rel]["id"], spelling,
                                      repeated_passages)
                        writer.delete_by_term("id", manifest[rel]["id"])
                    del manifest[rel]
                for rel, entry in changes.touched.items():
                    manifest[rel].update(entry)
                for item in ingest_all(changes.modified, corpus_dir, _load_repeated(current),
                                        progress, "update", workers):
                    old_id = manifest.get(item.rel, {}).get("id")
                    if old_id:
                        _forget_words(before, old_id, spelling, repeated_passages)
                    if isinstance(item.result, Document):
                        spelling.add(surface_words(f"{item.result.title}\n{item.result.text}"))
                        if repeated_passages is not None:
                            repeated_passages.add(item.result.text)
                    _apply(writer, item, old_id, report)
                    report.warnings.extend(item.warnings())
                    manifest[item.rel] = item.manifest_entry()
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        spelling.save(build)
        _save_facets(build, vocabulary)
        if repeated_passages is not None:
            repeated_passages.save(build)
        write_json(build / MANIFEST, manifest)
        documents = ix.doc_count()
        _write_build_info(build, corpus_dir, documents,
                          sum(1 for e in manifest.values() if e["skipped"]), len(vocabulary),
                          built_at=current_info.get("built_at"))
        publish(index_dir, build)
        remove_stale_builds(index_dir, keep_previous=current)
    report.seconds = time.perf_counter() - started
    return report


def _forget_words(searcher, doc_id: str, spelling: SpellingWords,
                  repeated_passages: RepeatedPassages | None) -> None:
    """Take a document that is being replaced or deleted out of the word and passage counts."""
    stored = searcher.document(id=doc_id)
    if stored is not None:
        doc = unpack_document(stored["document"])
        spelling.remove(surface_words(f"{doc.title}\n{doc.text}"))
        if repeated_passages is not None:
            repeated_passages.remove(doc.text)


def _apply(writer, item: Ingested, old_id: str | None, report: UpdateReport) -> None:
    if isinstance(item.result, Skipped):
        report.skipped.append(item.result)
        if old_id:
            writer.delete_by_term("id", old_id)
            report.deleted += 1
        return
    if old_id and old_id != item.result.id:
        writer.delete_by_term("id", old_id)
    writer.update_document(**document_fields(item.result))
    if old_id:
        report.changed += 1
    else:
        report.added += 1


@dataclass
class Changes:
    modified: list[Path] = field(default_factory=list)  # new or different content
    touched: dict[str, dict] = field(default_factory=dict)  # same content, new mtime/size
    removed: list[str] = field(default_factory=list)
    orphans: list[Skipped] = field(default_factory=list)  # sidecars without a document

    def any(self) -> bool:
        return bool(self.modified or self.touched or self.removed)


def find_changes(corpus_dir: Path, manifest: dict[str, Any]) -> Changes:
    """Compare mtime and size first; hash only files whose stat differs."""
    sidecars: list[Path] = []
    paths = list(ingest.corpus_files(corpus_dir, sidecars))
    changes = Changes(orphans=orphan_warnings(sidecars, corpus_dir))
    with_sidecar = set(sidecars)
    seen: set[str] = set()
    for path in paths:
        rel = _relative(path, corpus_dir)
        seen.add(rel)
        entry = manifest.get(rel)
        mtime_ns, size = _stat(path)
        # Most files have no sidecar: no stat for those.
        meta = _sidecar_stamp(path) if sidecar_path(path) in with_sidecar else None
        same_meta = entry is not None and entry.get("meta") == meta
        if same_meta and (entry["mtime_ns"], entry["size"]) == (mtime_ns, size):
            continue
        digest = _digest(path)
        if same_meta and digest is not None and entry["hash"] == digest:
            changes.touched[rel] = {"mtime_ns": mtime_ns, "size": size}
        else:
            changes.modified.append(path)
    changes.removed = sorted(set(manifest) - seen)
    return changes


def orphan_warnings(sidecars: list[Path], corpus_dir: Path) -> list[Skipped]:
    return [Skipped(_relative(path, corpus_dir),
                    f"no document named {document_of_sidecar(path).name!r} beside it; not used")
            for path in ingest.orphan_sidecars(sidecars)]


def die_with_parent(_: object = None) -> None:
    """In a forked worker: end when the rebuild that started it dies, even by SIGKILL.

    Without this, pool workers outlive a killed rebuild, waiting forever on queues nobody
    writes to.
    """
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
        # The parent may have died between fork and prctl: then no signal will ever come.
        parent = multiprocessing.parent_process()
        if parent is not None and os.getppid() != parent.pid:
            os._exit(1)


# Runs in every process multiprocessing forks (the worker pools of rebuild and update).
multiprocessing.util.register_after_fork(die_with_parent, die_with_parent)


def ingest_all(paths: list[Path], corpus_dir: Path, repeated: RepeatedLines | None,
                progress: Progress | None,
                stage: str, workers: int) -> Iterator[Ingested]:
    work = partial(_ingest_one, corpus_dir=corpus_dir, repeated=repeated)
    total = len(paths)
    if progress:
        progress(stage, 0, total)
    if total < POOL_THRESHOLD or workers < 2:
        results: Iterable[Ingested] = map(work, paths)
        yield from _report(results, progress, stage, total)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from _report(pool.map(work, paths, chunksize=8), progress, stage, total)


def _spool_files(paths: list[Path], corpus_dir: Path, repeated: RepeatedLines | None,
                 spool_dir: Path, progress: Progress | None, pool: Workers) -> Iterator[Spooled]:
    """Ingest the files in chunks (in the worker processes), in order."""
    chunks = [(spool_dir / f"{start:08d}.pickle", paths[start:end])
              for start, end in _chunk_bounds(len(paths), pool.processes)]
    work = partial(_spool_chunk, corpus_dir=corpus_dir, repeated=repeated)
    total, done = len(paths), 0
    if progress:
        progress("ingest", 0, total)
    for chunk in pool.map(work, chunks):
        done += len(chunk.manifest)
        if progress:
            progress("ingest", done, total)
        yield chunk


def _chunk_bounds(total: int, processes: int) -> list[tuple[int, int]]:
    """(start, end) of each ingest task: CHUNK_FILES files, then TAIL_CHUNK_FILES at the end."""
    tail_from = max(0, total - TAIL_CHUNKS * TAIL_CHUNK_FILES * processes)
    bounds, start = [], 0
    while start < total:
        size = CHUNK_FILES if start + CHUNK_FILES <= tail_from else TAIL_CHUNK_FILES
        bounds.append((start, min(total, start + size)))
        start += size
    return bounds


def _spool_chunk(chunk: tuple[Path, list[Path]], corpus_dir: Path,
                 repeated: RepeatedLines | None) -> Spooled:
    """Runs in a worker process: ingest a chunk of files into one spool file."""
    path, files = chunk
    writer = _SpoolWriter(path)
    manifest: dict[str, dict[str, Any]] = {}
    skipped: list[Skipped] = []
    warnings: list[Skipped] = []
    for file in files:
        item = _ingest_one(file, corpus_dir, repeated)
        manifest[item.rel] = item.manifest_entry()
        warnings.extend(item.warnings())
        if isinstance(item.result, Skipped):
            skipped.append(item.result)
        else:
            writer.add(item.result)
    return writer.finish(manifest, skipped, warnings)


def _report(results: Iterable[Ingested], progress: Progress | None, stage: str,
            total: int) -> Iterator[Ingested]:
    for done, item in enumerate(results, 1):
        if progress:
            progress(stage, done, total)
        yield item


def _ingest_one(path: Path, corpus_dir: Path, repeated: RepeatedLines | None) -> Ingested:
    """Runs in a worker process: ingest and hash one file."""
    mtime_ns, size = _stat(path)
    meta = _sidecar_stamp(path)
    result = ingest.ingest_file(path, corpus_dir, repeated)
    # A Document already carries the hash of its bytes: read the file once, not twice.
    digest = result.content_hash if isinstance(result, Document) else _digest(path)
    return Ingested(_relative(path, corpus_dir), mtime_ns, size, digest, result, meta)


def _index_spools(build: Path, vocabulary: Vocabulary, chunks: list[Spooled],
                  progress: Progress | None, pool: Workers) -> int:
    """Index the spooled documents: each worker process writes one segment from a run of
    spool files, then the segments are committed in order and the facet columns saved from
    what the writers saw."""
    total = sum(chunk.documents for chunk in chunks)
    ix = create_index(build, vocabulary)
    runs = [(build, run) for run in _even_runs(chunks, pool.processes)]

    def report() -> None:
        if progress:
            progress("index", pool.indexed.value, total)

    report()
    written = pool.each(_write_segment, runs, report)
    if progress:
        progress("index", total, total)
    commit_segments(ix, [part.segment for part in written if part.segment is not None])
    columns = {name: [value for part in written for value in part.columns[name]]
               for name in FACET_COLUMNS}
    FacetColumns.from_columns(columns, range(total), {}).save(build)
    return total


@dataclass
class WrittenSegment:
    """What a segment writer returns: the segment, and each facet column's value per
    document in docnum order (the writer saw them all)."""

    segment: Segment | None
    columns: dict[str, list[str]]


# The fields whose values facets.bin holds: the single-valued filters and the date.
FACET_COLUMNS = (*COLUMN_FILTERS, DATE_FIELD)


# Part of a spool file: (path, index of its first document, number of documents).
SpoolPart = tuple[Path, int, int]


def _write_segment(run: tuple[Path, list[SpoolPart]]) -> WrittenSegment:
    """Runs in a worker process: one segment from a run of spool files (or parts of them)."""
    build, spools = run
    ix = open_index(build, load_vocabulary(build), readonly=False)
    columns: dict[str, list[str]] = {name: [] for name in FACET_COLUMNS}

    def documents() -> Iterator[dict[str, Any]]:
        for path, first, count in spools:
            for fields in itertools.islice(_read_spool(path, first + count), first, None):
                for name, column in columns.items():
                    column.append(fields.get(name, ""))
                yield fields
            with _indexed.get_lock():
                _indexed.value += count

    segment = write_segment(ix, documents(), settings.current().writer_memory_mb)
    return WrittenSegment(segment, columns)


def _even_runs(chunks: list[Spooled], runs: int) -> list[list[SpoolPart]]:
    """The spooled documents in `runs` consecutive runs of about the same size (spool bytes:
    the writing work is in the text, not the number of documents); the spool file at a
    boundary is shared between two runs, so a large chunk costs no imbalance."""
    sizes = [chunk.path.stat().st_size for chunk in chunks]
    total = sum(sizes)
    result: list[list[SpoolPart]] = [[]]
    done = 0.0
    for chunk, size in zip(chunks, sizes, strict=True):
        per_document = size / max(chunk.documents, 1)
        first, left = 0, chunk.documents
        while left:
            share = total * len(result) / runs - done
            taken = left if len(result) == runs else min(left, round(share / per_document))
            if taken > 0:
                result[-1].append((chunk.path, first, taken))
                first, left, done = first + taken, left - taken, done + taken * per_document
            if left:
                result.append([])
    return [run for run in result if run]


def _save_facets(build: Path, vocabulary: Vocabulary) -> None:
    """The facet columns in the compact form a search opens quickly (read once, here)."""
    with open_index(build, vocabulary).reader() as reader:
        FacetColumns.read(reader, COLUMN_FILTERS, KEYWORD_FILTERS).save(build)


def _load_repeated(build: Path) -> RepeatedLines | None:
    """The repetition learned at rebuild; none for a build made straight from Documents."""
    if not (build / REPEATED).is_file():
        return None
    data = read_json(build / REPEATED)
    try:
        return RepeatedLines.from_dict(data)
    except (KeyError, TypeError, ValueError):
        raise IndexUnavailable(f"the search index is damaged ({REPEATED}); rebuild it with: "
                               f"{REBUILD_HINT}") from None


def _write_build_info(build: Path, corpus_dir: Path | None, documents: int, skipped: int,
                      vocabulary: int, built_at: str | None = None) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    write_json(build / BUILD_INFO, {
        "format": FORMAT,
        "built_at": built_at or now,
        "updated_at": now,
        "corpus": str(corpus_dir.resolve()) if corpus_dir else None,
        "documents": documents,
        "skipped": skipped,
        "vocabulary": vocabulary,
    })


def _link_build(source: Path, target: Path) -> None:
    """Share the source build's files: Whoosh never changes a segment file once written."""
    for path in source.iterdir():
        if not path.is_file() or path.name.endswith("_LOCK"):
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def _remove_unfinished_builds(index_dir: Path, keep: Path | None) -> None:
    """Builds a crashed or killed writer left behind (no build.json); we hold the lock."""
    for build in (index_dir / BUILDS).glob("*"):
        if build != keep and not (build / BUILD_INFO).is_file():
            shutil.rmtree(build, ignore_errors=True)


def _current_or_none(index_dir: Path) -> Path | None:
    try:
        return current_build(index_dir)
    except IndexUnavailable:
        return None


def require_corpus(corpus_dir: Path) -> None:
    if not corpus_dir.is_dir():
        raise SoevError(f"corpus folder not found: {corpus_dir}")


def _relative(path: Path, corpus_dir: Path) -> str:
    return path.relative_to(corpus_dir).as_posix()


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


def _sidecar_stamp(path: Path) -> list[int] | None:
    try:
        st = sidecar_path(path).stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None
