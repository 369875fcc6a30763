"""Measuring tools shared by the benchmark and the load test: timed runs with peak memory,
percentiles, and a `soev-index serve` on a loopback port."""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SOEV_INDEX = (sys.executable, "-m", "soev_search.cli")
# The installed console script, as a user runs it (fresh-process timings).
SOEV_INDEX_SCRIPT = str(Path(sys.executable).with_name("soev-index"))

# Runs a command and reports, as its last stderr line, the wall time, the command's peak RSS
# and its CPU time (RUSAGE_CHILDREN of this wrapper covers exactly that command and its
# children).
_WRAPPER = (
    "import json, resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "seconds = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'code': code, 'seconds': seconds, 'peak_kb': usage.ru_maxrss,\n"
    "                  'cpu': usage.ru_utime + usage.ru_stime}), file=sys.stderr)\n"
)


@dataclass
class Measured:
    code: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0


def run_measured(command: Sequence[str], timeout: float = 3600,
                 env: dict[str, str] | None = None) -> Measured:
    """Runs `command` (with `env` added to this environment) and measures it."""
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True,
                          text=True, timeout=timeout, cwd=REPO_ROOT,
                          env={**os.environ, **env} if env else None)
    stderr, _, last = proc.stderr.rstrip("\n").rpartition("\n")
    report = json.loads(last)
    return Measured(report["code"], report["seconds"], report["peak_kb"] / 1024, proc.stdout,
                    stderr, report["cpu"])


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share 0.95 → p95) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def memory_mb(self) -> dict[str, float]:
        """The server's resident memory now, in MB: heap and stacks (RssAnon) and mapped
        files (RssFile), and its peak (VmHWM)."""
        found = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                found[key] = int(value.split()[0]) / 1024
        return found

    def peak_rss_mb(self) -> float:
        """The server's peak resident memory so far (VmHWM), in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


@contextmanager
def serve(index: Path, corpus: Path, startup_timeout: float = 120,
          options: Sequence[str] = ()) -> Iterator[Server]:
    """`soev-index serve` (with more `options`) on a free loopback port, stopped (by its pid)
    on exit."""
    port = free_port()
    process = subprocess.Popen(
        [*SOEV_INDEX, "serve", "--host", "127.0.0.1", "--port", str(port), "--index", str(index),
         "--corpus", str(corpus), *options],
        cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    server = Server(process, port)
    try:
        _wait_until_healthy(server, startup_timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited: {server.process.stderr.read()[-2000:]}")
        try:
            status, _ = get_json(http.client.HTTPConnection("127.0.0.1", server.port, timeout=5),
                                 "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not healthy after {timeout:.0f} s")


def get_json(connection: http.client.HTTPConnection, path: str) -> tuple[int, Any]:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    try:
        return response.status, json.loads(body)
    except ValueError:
        return response.status, None


def search_path(query: str, filters: dict[str, str] | None = None, page: int = 1) -> str:
    params = {"q": query, **(filters or {})}
    if page > 1:
        params["page"] = str(page)
    return "/api/search?" + urllib.parse.urlencode(params)
