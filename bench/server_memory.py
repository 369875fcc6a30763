"""Server memory on a large index of short documents, without a long ingest.

Usage: python bench/server_memory.py [--n 50000] [--rounds 3]

Builds an index of N documents straight from the speeches of bench/run.py (each file up to
as many times as needed, with ids of their own, indexed with `index_documents`: no
ingesting), serves it with `soev-index serve` on loopback, runs the speeches' query mix over
HTTP and prints the server's resident memory (heap and mapped files) after each pass.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from measure import get_json, percentile, search_path, serve
from queries import load_queries
from run import CORPORA_DIR, SPEECHES, SPEECHES_QUERIES
from soev_search.document import FIGURE_KEYS, Document
from soev_search.index import index_documents


def speeches(corpus: Path, count: int) -> Iterator[Document]:
    """`count` documents from the speeches: title line, text, the date of the title."""
    files = sorted(corpus.glob("*.txt"))
    for number in range(count):
        source = files[number % len(files)]
        copy = number // len(files)
        title, _, text = source.read_text(encoding="utf-8").partition("\n")
        parts = title.split(", ")
        date = parts[1] if len(parts) > 1 and parts[1][:4].isdigit() else None
        yield Document(id=f"{copy}-{source.stem}", path=f"{copy}/{source.name}", title=title,
                       text=text, source="text", content_hash=f"{copy}-{source.stem}",
                       date=date, year=int(date[:4]) if date else None, doctype="referat",
                       figures=dict.fromkeys(FIGURE_KEYS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    corpus = CORPORA_DIR / SPEECHES / "corpus"
    index = CORPORA_DIR / "work" / f"memory-n{args.n}"
    if not index.exists():
        print(f"indexing {args.n} documents into {index} ...", flush=True)
        index_documents(speeches(corpus, args.n), index)
    queries = load_queries(SPEECHES_QUERIES)
    with serve(index, corpus, startup_timeout=300) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        print("opened:", server.memory_mb())
        latencies = []
        for round_number in range(args.rounds):
            for query in queries:
                start = time.perf_counter()
                status, body = get_json(connection, search_path(query.text, query.filters,
                                                                query.page))
                latencies.append((time.perf_counter() - start) * 1000)
                if status != 200:
                    raise RuntimeError(f"HTTP {status} for {query.label()}: {body}")
            print(f"after pass {round_number + 1}:", server.memory_mb())
        total = get_json(connection, "/api/search?q=")[1]["total"]
        print(f"{total} documents; HTTP p50 {percentile(latencies, 0.5):.1f} ms, "
              f"p95 {percentile(latencies, 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
