"""What a rebuild costs per document, stage by stage, in CPU time of one process.

Usage: python bench/rebuild_costs.py [--corpus DIR] [--n 4000]

On the first N files of a corpus (default: the speeches of bench/run.py): ingesting a file
(read, clean, describe), language detection alone with and without the plainly-Danish
shortcut, the rebuild worker's spooling (index fields, packed stored document, word counts),
and indexing the same documents with our schema and with plain Whoosh (add and commit, one
process, one writer each). CPU time, not wall time, so the other users of a shared machine
count less; still compare figures of one run only.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from peers import WhooshPlain
from run import CORPORA_DIR, SPEECHES
from soev_search import ingest
from soev_search.analysis import Vocabulary, part_counts, raw_words
from soev_search.document import Document
from soev_search.index import _SpoolWriter
from soev_search.ingest import language
from soev_search.schema import create_index, document_fields, save_vocabulary
from soev_search.whoosh_write import commit_segments, write_segment


def per_document_ms(work: Callable[[], object], count: int) -> float:
    start = time.process_time()
    work()
    return (time.process_time() - start) / count * 1000


def langdetect_only(texts: list[str]) -> None:
    original = language.plainly_danish
    language.plainly_danish = lambda sample: False
    try:
        for text in texts:
            language.detect_language(text)
    finally:
        language.plainly_danish = original


def index_ours(docs: list[Document], folder: Path) -> float:
    """CPU seconds of indexing as a rebuild's worker writes its segment from the spooled
    fields, committed as the rebuild commits (the vocabulary and the fields are the spool's
    work, timed there)."""
    counts: Counter[str] = Counter()
    for doc in docs:
        counts.update(raw_words(f"{doc.title}\n{doc.text}"))
    vocabulary = Vocabulary.learn(part_counts(counts))
    save_vocabulary(folder, vocabulary)
    fields = [document_fields(doc) for doc in docs]
    start = time.process_time()
    ix = create_index(folder, vocabulary)
    commit_segments(ix, [write_segment(ix, fields, limitmb=128)])
    return time.process_time() - start


def index_plain(docs: list[Document], folder: Path) -> float:
    start = time.process_time()
    peer = WhooshPlain(folder)
    peer.build({"id": d.id, "title": d.title, "text": d.text, "municipality": d.municipality,
                "year": d.year, "doctype": d.doctype} for d in docs)
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPORA_DIR / SPEECHES / "corpus")
    parser.add_argument("--n", type=int, default=4000)
    args = parser.parse_args(argv)
    paths = list(ingest.corpus_files(args.corpus))[:args.n]
    repeated = ingest.learn_repeated_lines(paths)
    for path in paths[:200]:  # warms the per-process caches
        ingest.ingest_file(path, args.corpus, repeated)
    results: list[Document] = []
    n = len(paths)
    rows = {"ingest a file (all of it)": per_document_ms(
        lambda: results.extend(ingest.ingest_file(p, args.corpus, repeated) for p in paths), n)}
    docs = [d for d in results if isinstance(d, Document)]
    texts = [d.text for d in docs]
    rows["  of which language, as ingest does it"] = per_document_ms(
        lambda: [language.detect_language(t) for t in texts], len(docs))
    rows["  language by langdetect alone"] = per_document_ms(lambda: langdetect_only(texts),
                                                             len(docs))
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        spool = _SpoolWriter(folder / "spool.pickle")
        rows["spool (fields, packed document, counts)"] = per_document_ms(
            lambda: [spool.add(d) for d in docs], len(docs))
        spool.finish({}, [], [])
        for name, build in (("index, ours (add + commit)", index_ours),
                            ("index, plain Whoosh (add + commit)", index_plain)):
            target = folder / name.split(",")[1].strip().split()[0]
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            rows[name] = build(docs, target) / len(docs) * 1000
    print(f"{n} files of {args.corpus}, {len(docs)} documents; CPU ms per document:")
    for label, ms in rows.items():
        print(f"  {label:42} {ms:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
