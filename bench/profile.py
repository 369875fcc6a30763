"""Profiles ours with pyinstrument: the rebuild, the ingester alone, and the query path.

Usage: python bench/profile.py [--n 10000] [--rounds 5]

Writes bench/results/profile-{rebuild,ingest,query}.{html,txt}. The rebuild ingests in a
process pool whose workers pyinstrument cannot see, so the ingester is also profiled alone,
in this process, on the same files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pyinstrument import Profiler

import generate_corpus
from queries import load_queries
from run import CORPORA_DIR, RESULTS_DIR, ensure_corpus, to_request
from soev_search import ingest
from soev_search.index import rebuild
from soev_search.search import SearchEngine

INGEST_SAMPLE = 2000  # files the ingester is profiled on alone


def profiled(name: str, work: Callable[[], object]) -> float:
    profiler = Profiler(interval=0.002)
    start = time.perf_counter()
    profiler.start()
    work()
    profiler.stop()
    seconds = time.perf_counter() - start
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"profile-{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    (RESULTS_DIR / f"profile-{name}.txt").write_text(text, encoding="utf-8")
    print(f"{name}: {seconds:.1f} s -> bench/results/profile-{name}.html / .txt")
    return seconds


def ingest_alone(corpus: Path) -> None:
    paths = list(ingest.corpus_files(corpus))[:INGEST_SAMPLE]
    repeated = ingest.learn_repeated_lines(paths)
    for path in paths:
        ingest.ingest_file(path, corpus, repeated)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query mix")
    parser.add_argument("--source", type=Path, default=generate_corpus.DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    corpus = ensure_corpus(args.n, args.seed, args.source)
    index = CORPORA_DIR / "work" / f"profile-n{args.n}"
    shutil.rmtree(index, ignore_errors=True)
    profiled("rebuild", lambda: rebuild(corpus, index))
    profiled("ingest", lambda: ingest_alone(corpus))
    engine = SearchEngine(index)
    requests = [to_request(query) for query in load_queries()]
    for request in requests:  # warm caches, as a running server would have them
        engine.search(request)
    seconds = profiled("query", lambda: [engine.search(r) for _ in range(args.rounds)
                                         for r in requests])
    print(f"query: {seconds / (args.rounds * len(requests)) * 1000:.1f} ms per query on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())
