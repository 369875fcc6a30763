"""Load test: concurrent HTTP clients while a full rebuild and then an update swap the index.

Usage: python bench/loadtest.py [--n 2000] [--clients 8] [--duration 120] [--backend postgres]

With --backend postgres a temporary PostgreSQL primary and two streaming replicas run on
loopback (tests/pg_cluster.py; Debian's postgresql must be installed, and the script run as
root or a user who may start it); rebuild and update write the primary and two `serve`
processes each read their own replica, the clients taking turns between them.

1. A corpus of the first --n generated documents is indexed and `soev-index serve` started on
   a free loopback port.
2. --clients threads query it (keep-alive, one request at a time each) until --duration
   seconds pass or --max-requests are made; half of the requests are the match-all query, the
   rest come from bench/queries.txt.
3. Meanwhile --add documents are added and `soev-index rebuild` runs; then --remove documents
   are deleted, --add-later added, and `soev-index update` runs.

Checks: no request may fail (status other than 200, connection error, bad JSON), and every
match-all answer's total must be the size of one of the three corpora (before the rebuild,
after it, after the update) -- anything else is an answer from a half-built index. Each client
must also never go back to an older corpus once it saw a newer one. Exit status 1 on any
failure. Prints p50/p95/p99 latency and throughput.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import random
import shutil
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import generate_corpus
from measure import SOEV_INDEX, get_json, percentile, run_measured, search_path, serve
from queries import load_queries
from run import CORPORA_DIR, RESULTS_DIR, ensure_corpus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pg_cluster import PgCluster  # noqa: E402 - the tests' throw-away cluster

REQUEST_TIMEOUT = 60


@dataclass
class ClientLog:
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)  # match-all totals, in order


def client_loop(port: int, paths: list[str], match_all: str, stop: threading.Event,
                max_requests: int, log: ClientLog, seed: int) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    for _ in range(max_requests):
        if stop.is_set():
            break
        is_match_all = rng.random() < 0.5
        path = match_all if is_match_all else rng.choice(paths)
        start = time.perf_counter()
        try:
            status, body = get_json(connection, path)
        except (OSError, http.client.HTTPException) as exc:
            log.failures.append(f"{path}: {type(exc).__name__}: {exc}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
            continue
        log.latencies_ms.append((time.perf_counter() - start) * 1000)
        if status != 200 or not isinstance(body, dict) or "total" not in body:
            log.failures.append(f"{path}: HTTP {status}: {str(body)[:200]}")
        elif is_match_all:
            log.totals.append(body["total"])
    connection.close()


def copy_documents(source: Path, target: Path, indexes: range) -> list[Path]:
    """Copies generated documents by number (their file names end in -NNNNNN)."""
    copied = []
    for index in indexes:
        folder = source / f"{index // generate_corpus.FILES_PER_FOLDER:03d}"
        (original,) = folder.glob(f"*-{index:06d}.*")
        destination = target / original.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, destination)
        copied.append(destination)
    return copied


def total_now(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    status, body = get_json(connection, path)
    connection.close()
    if status != 200:
        raise RuntimeError(f"match-all query answered {status}: {body}")
    return body["total"]


def wait_for_total(ports: list[int], path: str, expected: int,
                   timeout: float = 60) -> float | None:
    """Seconds until every server answers with the new corpus size, or None if one never
    does."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if all(total_now(port, path) == expected for port in ports):
            return time.monotonic() - start
        time.sleep(0.1)
    return None


def run_step(label: str, command: list[str]) -> float:
    measured = run_measured(command)
    if measured.code != 0:
        raise RuntimeError(f"{label} failed ({measured.code}): {measured.stderr[-2000:]}")
    print(f"  {label}: {measured.seconds:.1f} s, peak {measured.peak_mb:.0f} MB", flush=True)
    return measured.seconds


def monotonic_violations(totals: list[int], order: list[int]) -> int:
    """How often a client saw an older corpus after a newer one."""
    phase = {total: number for number, total in enumerate(order)}
    seen = [phase[t] for t in totals if t in phase]
    return sum(1 for before, after in zip(seen, seen[1:], strict=False) if after < before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="documents before the rebuild")
    parser.add_argument("--add", type=int, default=500, help="documents added for the rebuild")
    parser.add_argument("--remove", type=int, default=200, help="deleted before the update")
    parser.add_argument("--add-later", type=int, default=50, help="added before the update")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=120, help="at most this many seconds")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per client")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--source", type=Path, default=generate_corpus.DEFAULT_SOURCE)
    parser.add_argument("--backend", choices=("whoosh", "postgres"), default="whoosh",
                        help="postgres: a primary and two replicas, a server on each replica")
    args = parser.parse_args(argv)
    if args.remove > args.n or args.remove == args.add_later:
        parser.error("--remove must be at most --n and differ from --add-later")

    generated = ensure_corpus(args.n + args.add + args.add_later, args.seed, args.source)
    work = CORPORA_DIR / "work" / "loadtest"
    shutil.rmtree(work, ignore_errors=True)
    corpus, index = work / "corpus", work / "index"
    copy_documents(generated, corpus, range(args.n))
    sizes = [args.n, args.n + args.add, args.n + args.add - args.remove + args.add_later]
    match_all = search_path("")
    paths = [search_path(q.text, q.filters, q.page) for q in load_queries()]
    logs = [ClientLog() for _ in range(args.clients)]
    stop = threading.Event()
    report: dict = {"args": vars(args) | {"source": str(args.source)}, "sizes": sizes}

    with contextlib.ExitStack() as stack:
        # Where rebuild and update write, and what each server reads.
        write_options: list[str] = []
        server_options: list[list[str]] = [[]]
        if args.backend == "postgres":
            cluster = stack.enter_context(PgCluster(replicas=2))
            write_options = ["--backend", "postgres", "--database-url", cluster.primary.url]
            server_options = [[*write_options, "--database-read-url", url]
                              for url in cluster.replica_urls]
        run_step("initial rebuild", [*SOEV_INDEX, "rebuild", "--corpus", str(corpus),
                                     "--index", str(index), *write_options])
        servers = [stack.enter_context(serve(index, corpus, options=options))
                   for options in server_options]
        ports = [server.port for server in servers]
        if wait_for_total(ports, match_all, sizes[0]) is None:
            print(f"match-all total is not {sizes[0]} on every server: is every generated "
                  "document ingested, and does an empty query match all?", file=sys.stderr)
            return 1
        threads = [threading.Thread(target=client_loop, daemon=True, args=(
            ports[number % len(ports)], paths, match_all, stop, args.max_requests, log,
            args.seed + number))
            for number, log in enumerate(logs)]
        started = time.monotonic()
        deadline = started + args.duration
        for thread in threads:
            thread.start()
        time.sleep(min(3, args.duration / 10))
        copy_documents(generated, corpus, range(args.n, args.n + args.add))
        report["rebuild_s"] = run_step("rebuild under load", [
            *SOEV_INDEX, "rebuild", "--corpus", str(corpus), "--index", str(index),
            *write_options])
        report["rebuild_visible_after_s"] = wait_for_total(ports, match_all, sizes[1])
        removed = sorted(corpus.rglob("*.*"))[: args.remove]
        for path in removed:
            path.unlink()
        copy_documents(generated, corpus, range(args.n + args.add,
                                                args.n + args.add + args.add_later))
        report["update_s"] = run_step("update under load", [
            *SOEV_INDEX, "update", "--corpus", str(corpus), "--index", str(index),
            *write_options])
        report["update_visible_after_s"] = wait_for_total(ports, match_all, sizes[2])
        time.sleep(min(3, max(0.0, deadline - time.monotonic())))
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        elapsed = time.monotonic() - started
        report["server_peak_mb"] = max(server.peak_rss_mb() for server in servers)

    return print_report(report, logs, sizes, elapsed)


def print_report(report: dict, logs: list[ClientLog], sizes: list[int], elapsed: float) -> int:
    latencies = [ms for log in logs for ms in log.latencies_ms]
    failures = [failure for log in logs for failure in log.failures]
    totals = Counter(total for log in logs for total in log.totals)
    half_built = {total: count for total, count in totals.items() if total not in sizes}
    going_back = sum(monotonic_violations(log.totals, sizes) for log in logs)
    requests = len(latencies) + sum(1 for f in failures if "HTTP" not in f)
    report.update(
        requests=requests, failures=len(failures), failure_examples=failures[:10],
        match_all_totals=dict(totals), half_built_answers=half_built, went_back=going_back,
        seconds=elapsed, throughput_rps=requests / elapsed,
        p50_ms=percentile(latencies, 0.5) if latencies else None,
        p95_ms=percentile(latencies, 0.95) if latencies else None,
        p99_ms=percentile(latencies, 0.99) if latencies else None)
    print(f"\ncorpus sizes (before rebuild, after rebuild, after update): {sizes}")
    print(f"requests {requests} in {elapsed:.1f} s = {report['throughput_rps']:.1f}/s; "
          f"latency ms p50 {report['p50_ms']:.1f}  p95 {report['p95_ms']:.1f}  "
          f"p99 {report['p99_ms']:.1f}; server peak {report['server_peak_mb']:.0f} MB")
    print(f"match-all totals seen: {dict(sorted(totals.items()))}")
    print(f"new index visible after: rebuild {report['rebuild_visible_after_s']} s, "
          f"update {report['update_visible_after_s']} s")
    print(f"failed requests: {len(failures)}; half-built answers: {sum(half_built.values())}; "
          f"went back to an older index: {going_back}")
    for failure in failures[:10]:
        print(f"  {failure}")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"loadtest-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(f"results: {out}")
    ok = (not failures and not half_built and not going_back
          and report["rebuild_visible_after_s"] is not None
          and report["update_visible_after_s"] is not None)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
