"""Snippet cost and distinctness: the query mix through the library at a page size.

Usage: python bench/snippets.py --index DIR [--per-page 100] [--rounds 3] [--learn DOCS.jsonl]
                                [--cpu [--baseline OLD_highlight.py]]

Times every query of bench/queries.txt on a fresh engine: its first sight of each query
(first_p50/first_p95: matching, ranking and snippets, nothing cached), then `--rounds`
passes more (p50/p95: rankings come from the per-build cache, so the page's snippets are most
of the work); and the share of hits whose snippet is the same text as another hit's on the
same page.
With --learn, also times learning the repeated passages from a JSON-lines file of clean
documents (run.py writes one to bench/corpora/work/n<N>/docs.jsonl): the work a rebuild
adds for them. With --cpu, the CPU time per hit of making its snippet alone (the least
disturbed by other load on the machine), and with --baseline the same for an older
highlight.py (e.g. `git show REV:src/soev_search/highlight.py > /tmp/old.py`) on the same
texts, alternating in one process. To compare two versions of the code on the same corpus,
run this once with each (PYTHONPATH=OTHER_CHECKOUT/src for the other) against an index each
version built.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from measure import percentile
from queries import load_queries
from run import to_request
from soev_search.search import SearchEngine

_TAG = re.compile(r"</?mark>")


def time_pages(engine: SearchEngine, per_page: int, rounds: int) -> dict[str, float]:
    queries = load_queries()
    requests = [to_request(query) for query in queries]
    requests = [dataclasses.replace(r, per_page=per_page) for r in requests]
    hits = same = 0
    first = []
    for request in requests:  # first sight of each query (nothing cached), and distinctness
        start = time.perf_counter()
        found = engine.search(request).hits
        first.append((time.perf_counter() - start) * 1000)
        snippets = [_TAG.sub("", hit.snippet) for hit in found]
        hits += len(snippets)
        same += sum(1 for s in snippets if snippets.count(s) > 1)
    latencies = []
    for _ in range(rounds):
        for request in requests:
            start = time.perf_counter()
            engine.search(request)
            latencies.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": percentile(latencies, 0.5), "p95_ms": percentile(latencies, 0.95),
            "first_p50_ms": percentile(first, 0.5), "first_p95_ms": percentile(first, 0.95),
            "hits": hits, "same_snippet_share": same / hits if hits else 0.0}


def snippet_cpu(engine: SearchEngine, per_page: int, baseline: Path | None,
                rounds: int) -> dict[str, float]:
    """CPU ms per hit of making the snippet alone, for the mix's hits; with `baseline` (an
    older highlight.py), that one's on the same texts, alternating, in this process."""
    from soev_search.highlight import highlighter_for, idf
    from soev_search.query import parse

    build = engine._current()
    fresh = SearchEngine(engine.index_dir)._current()  # its repetition cache is empty
    work = []
    with build.searcher() as searcher:
        documents = searcher.doc_count()
        for query in load_queries():
            request = dataclasses.replace(to_request(query), per_page=per_page)
            tree = parse(request.query).tree
            now = highlighter_for(build.analyzer, tree, lambda term, s=searcher: idf(
                s.doc_frequency("text", term), documents))
            old = (_load(baseline).Highlighter(build.analyzer, now.terms,
                                               set(now._prefix_of.values()))
                   if baseline else None)
            work.extend((now, old, engine.document(hit.id))
                        for hit in engine.search(request).hits)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        start = time.process_time()
        for now, _, doc in work:
            now.snippet(doc.text, title=doc.title, sections=doc.sections,
                        repetition=fresh.repetition)
        ours.append((time.process_time() - start) * 1000 / len(work))
        if baseline:
            start = time.process_time()
            for _, old, doc in work:
                old.snippet(doc.text)
            theirs.append((time.process_time() - start) * 1000 / len(work))
    # the first round meets every passage for the first time (repetition not yet cached)
    figures = {"snippet_cpu_ms_per_hit_first": ours[0], "snippet_cpu_ms_per_hit": min(ours)}
    if baseline:
        figures["baseline_snippet_cpu_ms_per_hit"] = min(theirs)
    return figures


def _load(path: Path):
    spec = importlib.util.spec_from_file_location("baseline_highlight", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_learning(docs: Path) -> dict[str, float]:
    """CPU seconds of learning the repeated passages, and of the word counting a rebuild's
    main process already does (compound vocabulary and spelling words), for comparison."""
    from soev_search.analysis import raw_words
    from soev_search.passages import RepeatedPassages
    from soev_search.spelling import SpellingWords, surface_words

    texts = [json.loads(line)["text"] for line in docs.open(encoding="utf-8")]
    repeated = RepeatedPassages()
    start = time.process_time()
    for text in texts:
        repeated.add(text)
    learn = time.process_time() - start
    words: Counter[str] = Counter()
    spelling = SpellingWords()
    start = time.process_time()
    for text in texts:
        words.update(raw_words(text))
        spelling.add(surface_words(text))
    return {"documents": len(texts), "learn_cpu_s": learn,
            "word_counting_cpu_s": time.process_time() - start}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--learn", type=Path, help="clean documents (JSON lines) to learn from")
    parser.add_argument("--cpu", action="store_true", help="CPU time of snippet making alone")
    parser.add_argument("--baseline", type=Path,
                        help="with --cpu: an older highlight.py to time on the same texts")
    args = parser.parse_args(argv)
    engine = SearchEngine(args.index)
    figures = {"per_page": args.per_page, **time_pages(engine, args.per_page, args.rounds)}
    if args.cpu:  # a fresh engine: nothing cached
        figures |= snippet_cpu(SearchEngine(args.index), args.per_page, args.baseline,
                               args.rounds)
    if args.learn:
        figures |= time_learning(args.learn)
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
