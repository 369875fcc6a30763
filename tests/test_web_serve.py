"""`soev-index serve`: builds the missing index, prints the URL, answers over real HTTP."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from soev_search import settings
from soev_search.errors import SoevError
from soev_search.web.serve import serve
from web_support import free_port


def test_serve_builds_the_index_and_answers(corpus_dir: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    port = free_port()
    command = [sys.executable, "-m", "soev_search.cli", "serve", "--port", str(port),
               "--corpus", str(corpus_dir), "--index", str(index)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip())
            if line.startswith("Serving on"):
                break
        assert lines[-1] == f"Serving on http://127.0.0.1:{port}/", lines
        assert any(line.startswith("Indexed 5 documents") for line in lines), lines
        assert "Reading files: 5/5" in lines, lines
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as reply:
            assert json.load(reply) == {"status": "ok", "documents": 5}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=strategi", timeout=10) as reply:
            assert reply.status == 200 and "strategi" in reply.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_reports_a_busy_port_as_one_line(corpus_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        paths = settings.load(corpus=corpus_dir, index=tmp_path / "index")
        try:
            serve(paths, "127.0.0.1", port, out=io.StringIO())
        except SoevError as exc:
            assert "--port" in str(exc)
        else:
            raise AssertionError("serving on a busy port must fail")

