"""How long a file dropped into the corpus takes to become searchable under `serve --watch`.

Copies the bundled corpus to a temporary folder, starts `soev-index serve --watch` on it, writes
one small file at a time and polls the JSON API until the file's own word is found.

    .venv/bin/python bench/watch_latency.py --runs 7
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        corpus = Path(temp) / "corpus"
        shutil.copytree(CORPUS, corpus)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "soev_search.cli", "serve", "--watch", "--port", str(port),
             "--corpus", str(corpus), "--index", str(Path(temp) / "index")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for line in server.stdout:
                if line.startswith("Serving on"):
                    break
            time.sleep(3)  # the watcher's first catch-up update
            seconds = [_drop_and_find(corpus, port, run) for run in range(args.runs)]
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("seconds until searchable:", ", ".join(f"{s:.2f}" for s in seconds))
    print(f"median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s")


def _drop_and_find(corpus: Path, port: int, run: int) -> float:
    word = f"maalord{run}x"
    started = time.monotonic()
    (corpus / f"maaling-{run}.txt").write_text(f"Socialøkonomi og {word} i kommunen.",
                                               encoding="utf-8")
    while _total(port, word) == 0:
        time.sleep(0.05)
    found = time.monotonic() - started
    time.sleep(0.5)
    return found


def _total(port: int, word: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q={word}",
                                timeout=10) as reply:
        return json.load(reply)["total"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
