"""The benchmark: ours against plain Whoosh, SQLite FTS5 and tantivy, same work, same run.

Usage: python bench/run.py [--sizes 1k,10k,50k] [--corpora generated,speeches] [--repeat 3]

Two kinds of corpus, cached in bench/corpora/: generated documents of about 5 KB (one corpus
per size, by bench/generate_corpus.py; queries in bench/queries.txt), and the 19,281 real
speeches of Folketinget, about 650 bytes each, where the fixed cost per document dominates
(unpacked once from /work/shared/relevance-dev/corpus.tar.gz; queries in
bench/queries-speeches.txt). For each corpus:
  - ingest once to clean documents (timed: one process) that the peers index;
  - rebuild: ours (`soev-index rebuild`, ingesting included) and each peer, each in a fresh
    process, --repeat times; median wall time, documents/s, MB/s and peak memory; ours also
    with 1 worker process and with 2 (SOEV_WORKERS), for the scaling;
  - queries: the mix, in the library (ours with facets and highlights) and over HTTP
    (`soev-index serve` on loopback); p50/p95 over all queries and rounds, and p50/p95 of the
    first pass, where each query is seen for the first time by a freshly opened engine;
  - a search from a fresh process, --cold-runs times each, alternating: the `soev-index
    search` console script against a fresh Python process that opens the plain Whoosh index
    and searches it (bench/peers.py search); medians.
On the largest generated corpus and on the speeches: update after changing one document.
Every peer figure is also given as a ratio peer/ours. Results go to
bench/results/bench-<time>.json as well.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import sys
import tarfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import generate_corpus
from measure import (
    SOEV_INDEX,
    SOEV_INDEX_SCRIPT,
    get_json,
    median,
    percentile,
    run_measured,
    search_path,
    serve,
)
from peers import PEERS, make_peer
from queries import QUERIES_FILE, BenchQuery, load_queries
from soev_search import ingest
from soev_search.document import Document
from soev_search.results import SearchRequest
from soev_search.settings import cpu_count

BENCH_DIR = Path(__file__).resolve().parent
CORPORA_DIR = BENCH_DIR / "corpora"
RESULTS_DIR = BENCH_DIR / "results"
OURS = "ours"
PEERS_SCRIPT = BENCH_DIR / "peers.py"
PLAIN = "whoosh-plain"
SPEECHES = "speeches"
SPEECHES_SOURCE = Path("/work/shared/relevance-dev/corpus.tar.gz")
SPEECHES_QUERIES = BENCH_DIR / "queries-speeches.txt"
# A query not in any mix: opens an engine before the first-time pass without warming it.
OPENING_QUERY = BenchQuery("open", "zzqxv")
UPDATE_MARK = "\nTilføjet til benchmarkens opdatering: kantinedrift og fleksjob.\n"


def parse_size(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


# --- corpus and clean documents ------------------------------------------------------------------


def ensure_corpus(n: int, seed: int, source: Path) -> Path:
    """The generated corpus of n documents, made once and reused (written aside, then renamed)."""
    target = CORPORA_DIR / f"n{n}-s{seed}"
    if not target.exists():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        print(f"generating {n} documents into {target} ...", flush=True)
        generate_corpus.generate(generate_corpus.load_source(source), n, seed, partial)
        partial.rename(target)
    return target


def ensure_speeches(source: Path) -> Path:
    """The speeches, unpacked once (aside, then renamed); the folder holding the .txt files."""
    target = CORPORA_DIR / SPEECHES
    if not target.exists():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        print(f"unpacking {source} into {target} ...", flush=True)
        with tarfile.open(source) as archive:
            archive.extractall(partial, filter="data")
        partial.rename(target)
    return target / "corpus"


@dataclass(frozen=True)
class BenchCorpus:
    name: str  # work folder and results key: "n10000", "speeches"
    path: Path
    queries: list[BenchQuery]
    cold_word: str  # the word of the fresh-process search


def corpus_bytes(corpus: Path) -> int:
    return sum(path.stat().st_size for path in corpus.rglob("*") if path.is_file())


def write_clean_documents(corpus: Path, out: Path) -> tuple[float, int]:
    """Ingests the corpus in one process, as the peers will read it; returns (seconds, count)."""
    start = time.perf_counter()
    paths = list(ingest.corpus_files(corpus))
    repeated = ingest.learn_repeated_lines(paths)
    count = 0
    with out.open("w", encoding="utf-8") as lines:
        for path in paths:
            result = ingest.ingest_file(path, corpus, repeated)
            if isinstance(result, Document):
                lines.write(json.dumps(_clean_fields(result), ensure_ascii=False) + "\n")
                count += 1
    return time.perf_counter() - start, count


def _clean_fields(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "title": doc.title, "text": doc.text,
            "municipality": doc.municipality, "year": doc.year, "doctype": doc.doctype}


# --- rebuild ---------------------------------------------------------------------------------


def time_builds(commands: dict[str, tuple[list[str], dict[str, str] | None]],
                repeat: int) -> dict[str, dict[str, Any]]:
    """Each command `repeat` times, the commands taking turns (ours, then each peer, again),
    so a change in the machine's load falls on all of them alike; medians."""
    runs: dict[str, list] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (command, env) in commands.items():
            measured = run_measured(command, env=env)
            if measured.code != 0:
                raise RuntimeError(f"{name} build failed ({measured.code}): "
                                   f"{measured.stderr[-2000:]}")
            runs[name].append(measured)
    return {name: {"seconds": median([r.seconds for r in measured]),
                   "cpu_seconds": median([r.cpu_seconds for r in measured]),
                   "peak_mb": max(r.peak_mb for r in measured),
                   "runs": [round(r.seconds, 3) for r in measured]}
            for name, measured in runs.items()}


def bench_builds(corpus: Path, docs: Path, work: Path, repeat: int,
                 peers: list[str]) -> dict[str, dict[str, Any]]:
    rebuild = [*SOEV_INDEX, "rebuild", "--corpus", str(corpus), "--index", str(work / OURS)]
    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        OURS: (rebuild, None)}  # workers: the CPU count
    for workers in (1, 2):  # the scaling from one core to two
        if workers != cpu_count():
            commands[f"{OURS}-{workers}w"] = (rebuild, {"SOEV_WORKERS": str(workers)})
    for name in peers:
        commands[name] = ([sys.executable, str(PEERS_SCRIPT), "build", "--engine", name,
                           "--docs", str(docs), "--index", str(work / name)], None)
    builds = time_builds(commands, repeat)
    for workers in (1, 2):
        builds.setdefault(f"{OURS}-{workers}w", builds[OURS])
    return builds


# --- queries ----------------------------------------------------------------------------------


def to_request(query: BenchQuery) -> SearchRequest:
    filters = query.filters
    return SearchRequest(
        query=query.text,
        municipality=(filters["municipality"],) if "municipality" in filters else (),
        year=(int(filters["year"]),) if "year" in filters else (),
        doctype=(filters["doctype"],) if "doctype" in filters else (),
        page=query.page)


def time_queries(search: Callable[[BenchQuery], int], queries: list[BenchQuery],
                 rounds: int) -> dict[str, Any]:
    """Latency in ms of the first pass over the mix (each query seen for the first time), and
    over `rounds` passes after it. Call with a freshly opened engine."""
    totals, first, first_cpu = {}, [], []
    for query in queries:
        start, cpu = time.perf_counter(), time.process_time()
        totals[query.label()] = search(query)
        first.append((time.perf_counter() - start) * 1000)
        first_cpu.append((time.process_time() - cpu) * 1000)
    latencies = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            search(query)
            latencies.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": percentile(latencies, 0.50), "p95_ms": percentile(latencies, 0.95),
            "p99_ms": percentile(latencies, 0.99), "first_p50_ms": percentile(first, 0.50),
            "first_p95_ms": percentile(first, 0.95),
            # CPU time of this process: the latency without the other users of the machine.
            "first_cpu_p50_ms": percentile(first_cpu, 0.50),
            "first_cpu_p95_ms": percentile(first_cpu, 0.95),
            "first_ms": dict(zip(totals, (round(ms, 1) for ms in first), strict=True)),
            "totals": totals}


def bench_library_queries(work: Path, queries: list[BenchQuery], rounds: int,
                          peers: list[str]) -> dict[str, dict[str, Any]]:
    from soev_search.search import SearchEngine

    engine = SearchEngine(work / OURS)
    engine.search(to_request(OPENING_QUERY))
    results = {OURS: time_queries(lambda q: engine.search(to_request(q)).total, queries, rounds)}
    for name in peers:
        peer = make_peer(name, work / name)
        peer.search(OPENING_QUERY)
        results[name] = time_queries(lambda q, peer=peer: peer.search(q)[0], queries, rounds)
        peer.close()
    return results


def bench_http_queries(work: Path, corpus: Path, queries: list[BenchQuery],
                       rounds: int) -> dict[str, Any]:
    with serve(work / OURS, corpus) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

        def search(query: BenchQuery) -> int:
            status, body = get_json(connection, search_path(query.text, query.filters,
                                                            query.page))
            if status != 200:
                raise RuntimeError(f"HTTP {status} for {query.label()}: {body}")
            return body["total"]

        figures = time_queries(search, queries, rounds)
        figures["server_peak_mb"] = server.peak_rss_mb()
        figures["server_memory_mb"] = server.memory_mb()
        connection.close()
    return figures


# --- a search from a fresh process -------------------------------------------------------------


def bench_cold_search(work: Path, word: str, runs: int) -> dict[str, Any]:
    """`soev-index search WORD` against plain Whoosh opened and searched by a fresh Python
    process, alternating so both see the same machine; medians of wall time."""
    commands = {
        OURS: [SOEV_INDEX_SCRIPT, "search", word, "--index", str(work / OURS)],
        PLAIN: [sys.executable, str(PEERS_SCRIPT), "search", "--engine", PLAIN,
                "--index", str(work / PLAIN), "--query", word],
    }
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            measured = run_measured(command)
            if measured.code != 0:
                raise RuntimeError(f"{name} search failed: {measured.stderr[-2000:]}")
            seconds[name].append(measured.seconds)
    return {"word": word, **{name: median(values) for name, values in seconds.items()},
            "runs": {name: [round(v, 3) for v in values] for name, values in seconds.items()}}


# --- update -----------------------------------------------------------------------------------


def bench_update(corpus: Path, docs: Path, work: Path, repeat: int,
                 peers: list[str]) -> dict[str, float]:
    """Change one document, then time ours (`soev-index update`) and each peer's replace."""
    target = sorted(corpus.rglob("*.txt"))[len(list(corpus.rglob("*.txt"))) // 2]
    original = target.read_bytes()
    update = [*SOEV_INDEX, "update", "--corpus", str(corpus), "--index", str(work / OURS)]
    seconds: dict[str, float] = {}
    try:
        runs = []
        for attempt in range(repeat):
            # Alternate the content so every run really has one changed document to re-index.
            target.write_bytes(original + (UPDATE_MARK * (attempt % 2 + 1)).encode())
            measured = run_measured(update)
            if measured.code != 0:
                raise RuntimeError(f"update failed: {measured.stderr[-2000:]}")
            runs.append(measured.seconds)
        seconds[OURS] = median(runs)
    finally:
        target.write_bytes(original)
        run_measured(update)
    with docs.open(encoding="utf-8") as lines:
        doc = json.loads(lines.readline())
    for name in peers:
        peer = make_peer(name, work / name)
        runs = []
        for attempt in range(repeat):
            changed = dict(doc, text=doc["text"] + UPDATE_MARK * (attempt % 2 + 1))
            start = time.perf_counter()
            peer.replace(changed)
            runs.append(time.perf_counter() - start)
        peer.close()
        seconds[name] = median(runs)
    return seconds


# --- report -----------------------------------------------------------------------------------


def ratio(value: float, ours: float) -> str:
    return f"{value / ours:.2f}x" if ours else "-"


def print_size_table(name: str, figures: dict[str, Any], engines: list[str]) -> None:
    builds, library = figures["builds"], figures["library"]
    n, size_mb = figures["documents"], figures["bytes"] / 1e6
    print(f"\n== {name}: {n} documents, {size_mb:.1f} MB; ingest to clean text (1 process): "
          f"{figures['ingest_seconds']:.1f} s ({n / figures['ingest_seconds']:.0f} docs/s)")
    print("   (peer columns: figure, then peer/ours)")
    header = f"{'':28}" + "".join(f"{name:>22}" for name in engines)
    print(header)
    rows: list[tuple[str, Callable[[str], float], str]] = [
        ("rebuild s (median)", lambda e: builds[e]["seconds"], "{:.1f}"),
        ("rebuild CPU s (median)", lambda e: builds[e]["cpu_seconds"], "{:.1f}"),
        ("rebuild docs/s", lambda e: n / builds[e]["seconds"], "{:.0f}"),
        ("rebuild MB/s", lambda e: size_mb / builds[e]["seconds"], "{:.2f}"),
        ("rebuild peak MB", lambda e: builds[e]["peak_mb"], "{:.0f}"),
        ("query p50 ms (library)", lambda e: library[e]["p50_ms"], "{:.1f}"),
        ("query p95 ms (library)", lambda e: library[e]["p95_ms"], "{:.1f}"),
        ("first-time query p50 ms", lambda e: library[e]["first_p50_ms"], "{:.1f}"),
        ("first-time query p95 ms", lambda e: library[e]["first_p95_ms"], "{:.1f}"),
        ("first-time p50 CPU ms", lambda e: library[e]["first_cpu_p50_ms"], "{:.1f}"),
        ("first-time p95 CPU ms", lambda e: library[e]["first_cpu_p95_ms"], "{:.1f}"),
    ]
    for label, value, form in rows:
        ours = value(OURS)
        cells = [form.format(ours)] + [f"{form.format(value(e))} ({ratio(value(e), ours)})"
                                       for e in engines[1:]]
        print(f"{label:28}" + "".join(f"{cell:>22}" for cell in cells))
    one, two = builds[f"{OURS}-1w"], builds[f"{OURS}-2w"]
    print(f"{'ours rebuild, 1 / 2 workers':28}  {one['seconds']:.1f} s / {two['seconds']:.1f} s "
          f"(speed-up {one['seconds'] / two['seconds']:.2f}x; CPU {one['cpu_seconds']:.1f} / "
          f"{two['cpu_seconds']:.1f} s)")
    if PLAIN in builds:
        time_ratio = builds[OURS]["seconds"] / builds[PLAIN]["seconds"]
        memory_ratio = builds[OURS]["peak_mb"] / builds[PLAIN]["peak_mb"]
        print(f"{'ours/plain Whoosh rebuild':28}  {time_ratio:.2f}x time, "
              f"{memory_ratio:.2f}x peak memory")
    cold = figures.get("cold_search")
    if cold:
        print(f"{'fresh-process search, s':28}  ours {cold[OURS]:.2f}, plain Whoosh "
              f"{cold[PLAIN]:.2f} (ours/plain {cold[OURS] / cold[PLAIN]:.2f}x; "
              f"'{cold['word']}', median of {len(cold['runs'][OURS])})")
    http_figures = figures.get("http")
    if http_figures:
        print(f"{'query ms over HTTP (ours)':28}  p50 {http_figures['p50_ms']:.1f}  "
              f"p95 {http_figures['p95_ms']:.1f}  p99 {http_figures['p99_ms']:.1f}; "
              f"server peak {http_figures['server_peak_mb']:.0f} MB "
              f"({', '.join(f'{k} {v:.0f}' for k, v in http_figures['server_memory_mb'].items())})")


def print_update(name: str, seconds: dict[str, float], engines: list[str]) -> None:
    ours = seconds[OURS]
    cells = [f"{ours:.2f}"] + [f"{seconds[e]:.2f} ({ratio(seconds[e], ours)})"
                               for e in engines[1:]]
    print(f"\n{f'update 1 doc, {name}, s':28}" + "".join(f"{cell:>22}" for cell in cells))


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "platform": platform.platform(), "time": time.strftime("%Y-%m-%dT%H:%M:%S")}


def bench_corpus(corpus: BenchCorpus, args: argparse.Namespace,
                 peers: list[str]) -> dict[str, Any]:
    work = CORPORA_DIR / "work" / corpus.name
    work.mkdir(parents=True, exist_ok=True)
    docs = work / "docs.jsonl"
    ingest_seconds, clean_count = write_clean_documents(corpus.path, docs)
    figures: dict[str, Any] = {"documents": clean_count, "bytes": corpus_bytes(corpus.path),
                               "ingest_seconds": ingest_seconds}
    print(f"{corpus.name}: benchmarking rebuilds ...", flush=True)
    figures["builds"] = bench_builds(corpus.path, docs, work, args.repeat, peers)
    print(f"{corpus.name}: benchmarking queries ...", flush=True)
    figures["library"] = bench_library_queries(work, corpus.queries, args.rounds, peers)
    if PLAIN in peers and args.cold_runs:
        figures["cold_search"] = bench_cold_search(work, corpus.cold_word, args.cold_runs)
    if not args.no_http:
        figures["http"] = bench_http_queries(work, corpus.path, corpus.queries, args.rounds)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k", help="generated sizes, e.g. 1k,10k,50k")
    parser.add_argument("--corpora", default=f"generated,{SPEECHES}",
                        help=f"which corpora: generated, {SPEECHES} or both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per build/update figure")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the query mix")
    parser.add_argument("--cold-runs", type=int, default=5,
                        help="fresh-process searches per engine (0: none)")
    parser.add_argument("--peers", default=",".join(PEERS), help="peers to compare with")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP query figures")
    parser.add_argument("--source", type=Path, default=generate_corpus.DEFAULT_SOURCE)
    parser.add_argument("--speeches", type=Path, default=SPEECHES_SOURCE,
                        help="the speeches' .tar.gz")
    args = parser.parse_args(argv)
    kinds = {kind for kind in args.corpora.split(",") if kind}
    if kinds - {"generated", SPEECHES}:
        parser.error(f"unknown corpora: {', '.join(sorted(kinds - {'generated', SPEECHES}))}")
    peers = [name for name in args.peers.split(",") if name]
    unknown = set(peers) - set(PEERS)
    if unknown:
        parser.error(f"unknown peers: {', '.join(sorted(unknown))}")
    engines = [OURS, *peers]
    corpora = []
    if "generated" in kinds:
        queries = load_queries(QUERIES_FILE)
        corpora += [BenchCorpus(f"n{n}", ensure_corpus(n, args.seed, args.source), queries,
                                "socialøkonomi")
                    for n in (parse_size(size) for size in args.sizes.split(","))]
    if SPEECHES in kinds:
        corpora.append(BenchCorpus(SPEECHES, ensure_speeches(args.speeches),
                                   load_queries(SPEECHES_QUERIES), "klimaet"))
    report: dict[str, Any] = {"machine": machine(), "args": {key: str(value) for key, value in
                                                             vars(args).items()},
                              "queries": {c.name: [asdict(q) for q in c.queries]
                                          for c in corpora},
                              "sizes": {}, "update": {}}
    for corpus in corpora:
        figures = bench_corpus(corpus, args, peers)
        report["sizes"][corpus.name] = figures
        print_size_table(corpus.name, figures, engines)
    generated = [c for c in corpora if c.name != SPEECHES]
    updated = [c for c in corpora if c.name == SPEECHES]
    if generated:
        updated.insert(0, max(generated, key=lambda c: int(c.name[1:])))
    for corpus in updated:
        work = CORPORA_DIR / "work" / corpus.name
        report["update"][corpus.name] = bench_update(corpus.path, work / "docs.jsonl", work,
                                                     args.repeat, peers)
        print_update(corpus.name, report["update"][corpus.name], engines)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
