"""Building and updating the index: corpus → Documents → a new build, swapped in atomically.

`rebuild` ingests every file (in a pool of `workers` processes when the corpus is big enough
to gain), learns the compound vocabulary from the texts, indexes into a fresh build folder and
points CURRENT at it. `update` re-ingests only what changed (size/mtime, then content hash, against
the build's manifest) into a copy-on-write build: the new build hard-links the current one's
immutable Whoosh segment files and adds a segment, so a reader is never disturbed and a
crash leaves the current build as it was.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing.util
import os
import shutil
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from soev_search import ingest, settings
from soev_search.analysis import MIN_PART_COUNT, Vocabulary, part_counts, raw_words
from soev_search.document import Document, Skipped
from soev_search.errors import IndexUnavailable, SoevError
from soev_search.ingest import RepeatedLines
from soev_search.ingest.sidecar import (
    SIDECAR_SUFFIX,
    document_of_sidecar,
    sidecar_path,
    sidecar_problems,
)
from soev_search.passages import RepeatedPassages
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

MANIFEST = "manifest.json"
REPEATED = "repeated.json"
SPOOL = "spool.jsonl"
# Below this many files a process pool costs more than it saves.
POOL_THRESHOLD = 40

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
        corpus = CorpusReading(corpus_dir, progress, workers)
        indexed = _build(index_dir, corpus.documents(), corpus_dir, corpus.manifest,
                         corpus.skipped, corpus.repeated, progress, workers)
    return BuildReport(indexed, corpus.skipped, time.perf_counter() - started, corpus.warnings)


class CorpusReading:
    """A whole corpus read for a rebuild (by either backend): its files, the repetition learned
    from them, and, filled while `documents()` is consumed, the manifest, the skipped files and
    the sidecar warnings."""

    def __init__(self, corpus_dir: Path, progress: Progress | None, workers: int) -> None:
        sidecars: list[Path] = []
        self.corpus_dir = corpus_dir
        self.paths = list(ingest.corpus_files(corpus_dir, sidecars))
        self.repeated = ingest.learn_repeated_lines(self.paths)
        self.manifest: dict[str, Any] = {}
        self.skipped: list[Skipped] = []
        self.warnings = _orphan_warnings(sidecars, corpus_dir)
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


def index_documents(documents: Iterable[Document], index_dir: Path,
                    progress: Progress | None = None) -> int:
    """Build an index straight from Documents (tests, benchmarks); `update` will see every
    corpus file as new, since no file manifest exists."""
    index_dir = Path(index_dir)
    with writer_lock(index_dir):
        return _build(index_dir, iter(documents), None, {}, [], None, progress,
                      settings.current().workers)


def _build(index_dir: Path, documents: Iterator[Document], corpus_dir: Path | None,
           manifest: dict[str, Any], skipped: list[Skipped], repeated: RepeatedLines | None,
           progress: Progress | None, workers: int) -> int:
    """Spool the documents while learning the vocabulary, index them, publish the build.

    The manifest and skipped list are filled while `documents` is consumed."""
    previous = _current_or_none(index_dir)
    _remove_unfinished_builds(index_dir, keep=previous)
    build = new_build_dir(index_dir)
    word_counts: Counter[str] = Counter()
    spelling = SpellingWords()
    repeated_passages = RepeatedPassages()
    spooled = 0
    with open(build / SPOOL, "w", encoding="utf-8") as spool:
        for doc in documents:
            text = f"{doc.title}\n{doc.text}"
            word_counts.update(raw_words(text))
            spelling.add(surface_words(text))
            repeated_passages.add(doc.text)
            spool.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
            spooled += 1
    vocabulary = learn_vocabulary(word_counts)
    save_vocabulary(build, vocabulary)
    spelling.save(build)
    repeated_passages.save(build)
    indexed = _index_spool(build, vocabulary, spooled, progress, workers)
    (build / SPOOL).unlink()
    if repeated is not None:
        write_json(build / REPEATED, repeated.to_dict())
    write_json(build / MANIFEST, manifest)
    _write_build_info(build, corpus_dir, indexed, len(skipped), len(vocabulary))
    publish(index_dir, build)
    remove_stale_builds(index_dir, keep_previous=previous)
    return indexed


def learn_vocabulary(word_counts: Counter[str]) -> Vocabulary:
    """The compound vocabulary of a rebuild (either backend) from its raw word counts."""
    # The synonyms' words are compound parts too: "flexjob" finds "fleksjobordningen".
    word_counts.update(dict.fromkeys(synonym_words(), MIN_PART_COUNT))
    return Vocabulary.learn(part_counts(word_counts))


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
        report = UpdateReport(deleted=sum(1 for rel in changes.removed if manifest[rel]["id"]),
                              warnings=changes.orphans)
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
        writer = ix.writer(timeout=30.0, limitmb=settings.current().writer_memory_mb)
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
    changes = Changes(orphans=_orphan_warnings(sidecars, corpus_dir))
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


def _orphan_warnings(sidecars: list[Path], corpus_dir: Path) -> list[Skipped]:
    return [Skipped(_relative(path, corpus_dir),
                    f"no document named {document_of_sidecar(path).name!r} beside it; not used")
            for path in ingest.orphan_sidecars(sidecars)]


def die_with_parent(_: object = None) -> None:
    """In a forked worker: end when the rebuild that started it dies, even by SIGKILL.

    Without this, pool workers and Whoosh's writer processes outlive a killed rebuild,
    waiting forever on queues nobody writes to.
    """
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
        # The parent may have died between fork and prctl: then no signal will ever come.
        parent = multiprocessing.parent_process()
        if parent is not None and os.getppid() != parent.pid:
            os._exit(1)


# Runs in every process multiprocessing forks (our ingest pool and Whoosh's writer processes).
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


def _index_spool(build: Path, vocabulary: Vocabulary, total: int,
                 progress: Progress | None, workers: int) -> int:
    ix = create_index(build, vocabulary)
    # Whoosh's multi-process writer: ~25% faster indexing on 2 cores, ~20% larger index
    # (one segment per process, not merged); worth it only for corpora that need the pool.
    options = ({"procs": workers, "multisegment": True}
               if total >= POOL_THRESHOLD and workers > 1 else {})
    writer = ix.writer(limitmb=settings.current().writer_memory_mb, **options)
    indexed = 0
    try:
        with open(build / SPOOL, encoding="utf-8") as spool:
            for line in spool:
                writer.add_document(**document_fields(Document.from_dict(json.loads(line))))
                indexed += 1
                if progress:
                    progress("index", indexed, total)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return indexed


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
