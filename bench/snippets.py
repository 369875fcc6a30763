"""Snippet cost and distinctness: the query mix through the library at a page size.

Usage: python bench/snippets.py --index DIR [--per-page 100] [--rounds 3] [--learn DOCS.jsonl]

Times every query of bench/queries.txt (after one warm-up pass, so rankings come from the
per-build cache and the snippets of the page are most of the work) and reports p50/p95 ms,
and the share of hits whose snippet is the same text as another hit's on the same page.
With --learn, also times learning the repeated passages from a JSON-lines file of clean
documents (run.py writes one to bench/corpora/work/n<N>/docs.jsonl): the work a rebuild
adds for them. To compare two versions of the code on the same corpus, run this once with
each (PYTHONPATH=OTHER_CHECKOUT/src for the other) against an index each version built.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import time
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
    for request in requests:  # warm-up, and distinctness
        snippets = [_TAG.sub("", hit.snippet) for hit in engine.search(request).hits]
        hits += len(snippets)
        same += sum(1 for s in snippets if snippets.count(s) > 1)
    latencies = []
    for _ in range(rounds):
        for request in requests:
            start = time.perf_counter()
            engine.search(request)
            latencies.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": percentile(latencies, 0.5), "p95_ms": percentile(latencies, 0.95),
            "hits": hits, "same_snippet_share": same / hits if hits else 0.0}


def time_learning(docs: Path) -> dict[str, float]:
    from soev_search.passages import RepeatedPassages

    texts = [json.loads(line)["text"] for line in docs.open(encoding="utf-8")]
    repeated = RepeatedPassages()
    start = time.perf_counter()
    for text in texts:
        repeated.add(text)
    return {"documents": len(texts), "learn_s": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--learn", type=Path, help="clean documents (JSON lines) to learn from")
    args = parser.parse_args(argv)
    figures = {"per_page": args.per_page,
               **time_pages(SearchEngine(args.index), args.per_page, args.rounds)}
    if args.learn:
        figures |= time_learning(args.learn)
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
