"""First-time query latency: each round opens a fresh engine and runs the query mix once, so
every query is seen for the first time; wall and CPU time per query kind.

With --isolated every query gets an engine of its own, so nothing read for an earlier query
(posting lists, phrase matches kept per build) helps it: the cost of words never searched
before. The build's lazily read files (repeated passages, for snippets) are read before
timing there, since only the first search after opening pays for them.

    nice -n 10 .venv/bin/python bench/first_time.py --index DIR [--queries FILE] [--rounds 5]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from measure import percentile
from queries import QUERIES_FILE, BenchQuery, load_queries
from run import to_request
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine

OPENING_QUERY = "zzqxv"  # opens the build, matches nothing


def first_pass(index: Path, queries: list[BenchQuery], isolated: bool,
               repeated: int) -> tuple[list[tuple[float, float]], list[float]]:
    """(wall ms, CPU ms) of each query on a freshly opened engine; then the wall ms of
    `repeated` more passes over the mix on the same engine."""
    engine = opened(index, isolated)
    timings = []
    for query in queries:
        if isolated:
            engine = opened(index, isolated)
        start, cpu = time.perf_counter(), time.process_time()
        engine.search(to_request(query))
        timings.append(((time.perf_counter() - start) * 1000,
                        (time.process_time() - cpu) * 1000))
    again = []
    for _ in range(repeated):
        for query in queries:
            start = time.perf_counter()
            engine.search(to_request(query))
            again.append((time.perf_counter() - start) * 1000)
    return timings, again


def opened(index: Path, preload: bool) -> SearchEngine:
    engine = SearchEngine(index)
    engine.search(SearchRequest(query=OPENING_QUERY))
    if preload:
        engine._current().repetition("")  # noqa: SLF001 - reads the repeated passages
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--each", action="store_true", help="also print every query's medians")
    parser.add_argument("--repeated", type=int, default=0,
                        help="passes of the mix after the first one, on the same engine")
    parser.add_argument("--isolated", action="store_true",
                        help="a fresh engine for every query, not one per round")
    args = parser.parse_args()
    queries = load_queries(args.queries)
    by_query: dict[int, list[tuple[float, float]]] = defaultdict(list)
    repeated: list[float] = []
    for _ in range(args.rounds):
        timings, again = first_pass(args.index, queries, args.isolated, args.repeated)
        for number, timing in enumerate(timings):
            by_query[number].append(timing)
        repeated += again
    by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for number, query in enumerate(queries):
        by_kind[query.kind] += by_query[number]
        by_kind["all"] += by_query[number]
    print(f"{'kind':10} {'n':>4} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>8} {'cpu p95':>8}")
    for kind, timings in by_kind.items():
        wall, cpu = [t[0] for t in timings], [t[1] for t in timings]
        print(f"{kind:10} {len(timings):4} {percentile(wall, 0.5):9.1f} "
              f"{percentile(wall, 0.95):9.1f} {percentile(cpu, 0.5):8.1f} "
              f"{percentile(cpu, 0.95):8.1f}")
    if repeated:
        print(f"repeated queries, wall ms: p50 {percentile(repeated, 0.5):.1f}, "
              f"p95 {percentile(repeated, 0.95):.1f} ({len(repeated)} searches)")
    if args.each:
        for number, query in enumerate(queries):
            timings = by_query[number]
            print(f"{percentile([t[0] for t in timings], 0.5):8.1f} "
                  f"{percentile([t[1] for t in timings], 0.5):8.1f}  {query.label()}")


if __name__ == "__main__":
    main()
