"""First-time query latency: each round opens a fresh engine and runs the query mix once, so
every query is seen for the first time; wall and CPU time per query kind.

    nice -n 10 .venv/bin/python bench/first_time.py --index DIR [--queries FILE] [--rounds 5]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from measure import percentile
from queries import QUERIES_FILE, BenchQuery, load_queries
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine

OPENING_QUERY = "zzqxv"  # opens the build, matches nothing


def to_request(query: BenchQuery) -> SearchRequest:
    filters = query.filters
    return SearchRequest(
        query=query.text,
        municipality=(filters["municipality"],) if "municipality" in filters else (),
        year=(int(filters["year"]),) if "year" in filters else (),
        doctype=(filters["doctype"],) if "doctype" in filters else (),
        page=query.page)


def first_pass(index: Path, queries: list[BenchQuery]) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) of each query on a freshly opened engine."""
    engine = SearchEngine(index)
    engine.search(SearchRequest(query=OPENING_QUERY))
    timings = []
    for query in queries:
        start, cpu = time.perf_counter(), time.process_time()
        engine.search(to_request(query))
        timings.append(((time.perf_counter() - start) * 1000,
                        (time.process_time() - cpu) * 1000))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--each", action="store_true", help="also print every query's medians")
    args = parser.parse_args()
    queries = load_queries(args.queries)
    by_query: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(args.rounds):
        for number, timing in enumerate(first_pass(args.index, queries)):
            by_query[number].append(timing)
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
    if args.each:
        for number, query in enumerate(queries):
            timings = by_query[number]
            print(f"{percentile([t[0] for t in timings], 0.5):8.1f} "
                  f"{percentile([t[1] for t in timings], 0.5):8.1f}  {query.label()}")


if __name__ == "__main__":
    main()
