"""watch.py with real file operations on a real index: a burst is one update, a half-written
file is read only when complete, removals and sidecars count; and `soev-index serve --watch`
as a real server that keeps answering while a dropped file becomes searchable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import BUNDLED_CORPUS
from soev_search.index import UpdateReport, rebuild
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine
from soev_search.watch import Report, WatchSettings, watch_corpus
from web_support import free_port

FAST = WatchSettings(quiet=1.0, step_ms=200, debounce_ms=3000)
SEEDS = ("silkeborg-status-2018.txt", "hilleroed-notat-socialoekonomi-2017.txt")


class Watcher:
    """watch_corpus in a thread; collects its reports."""

    def __init__(self, corpus: Path, index: Path) -> None:
        self.reports: list[Report] = []
        self.errors: list[str] = []
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=watch_corpus, daemon=True, kwargs={
            "corpus": corpus, "index": index, "on_report": self.reports.append,
            "on_error": self.errors.append, "stop": self.stop, "settings": FAST,
            "on_ready": self.ready.set})

    def updates(self) -> list[UpdateReport]:
        return [r for r in self.reports if isinstance(r, UpdateReport) and
                (r.added or r.changed or r.deleted)]

    def wait_for(self, count: int, seconds: float = 15.0) -> list[UpdateReport]:
        deadline = time.monotonic() + seconds
        while len(self.updates()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.updates()) >= count, (self.reports, self.errors)
        return self.updates()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SEEDS:
        shutil.copy(BUNDLED_CORPUS / name, folder / name)
    return folder


@pytest.fixture
def watcher(corpus: Path, tmp_path: Path) -> Iterator[Watcher]:
    rebuild(corpus, tmp_path / "index")
    running = Watcher(corpus, tmp_path / "index")
    running.thread.start()
    assert running.ready.wait(30)
    yield running
    running.stop.set()
    running.thread.join(timeout=10)
    assert not running.thread.is_alive()


def hits(index: Path, query: str) -> int:
    return SearchEngine(index).search(SearchRequest(query=query)).total


def settle(watcher: Watcher, seconds: float = 1.5) -> None:
    """Give a wrongly split burst time to show up as a second update."""
    time.sleep(seconds)
    assert not watcher.errors


def test_a_burst_of_new_files_is_one_update(watcher: Watcher, corpus: Path,
                                            tmp_path: Path) -> None:
    for number in range(8):
        (corpus / f"nyhed-{number}.txt").write_text(
            f"Nyhed {number} om socialøkonomi og byglimt{number}.", encoding="utf-8")
    [report] = watcher.wait_for(1)
    assert report.added == 8
    settle(watcher)
    assert len(watcher.updates()) == 1
    assert hits(tmp_path / "index", "byglimt5") == 1


def test_a_half_written_file_is_read_only_when_complete(watcher: Watcher, corpus: Path,
                                                        tmp_path: Path) -> None:
    with open(corpus / "langsom.txt", "w", encoding="utf-8") as handle:
        handle.write("Første halvdel af notatet om socialøkonomi. ")
        handle.flush()
        time.sleep(0.5)  # longer than the watcher's step, shorter than its quiet period
        handle.write("Anden halvdel med afslutningsord.")
    [report] = watcher.wait_for(1)
    assert report.added == 1
    settle(watcher)
    assert len(watcher.updates()) == 1  # never indexed half, then again whole
    assert hits(tmp_path / "index", "afslutningsord") == 1


def test_removed_files_and_changed_sidecars_reach_the_index(watcher: Watcher, corpus: Path,
                                                            tmp_path: Path) -> None:
    index = tmp_path / "index"
    (corpus / SEEDS[1]).unlink()
    [removal] = watcher.wait_for(1)
    assert removal.deleted == 1 and hits(index, "Hillerød") == 0
    meta = corpus / f"{SEEDS[0]}.meta.json"
    meta.write_text(json.dumps({"municipality": "Gotham", "doctype": "strategi"}),
                    encoding="utf-8")
    correction = watcher.wait_for(2)[1]
    assert correction.changed == 1
    assert [w.path for w in correction.warnings] == [f"{SEEDS[0]}.meta.json"]
    engine = SearchEngine(index)
    assert engine.search(SearchRequest(query="", doctype=("strategi",))).total == 1


def test_hidden_and_temporary_files_are_ignored(watcher: Watcher, corpus: Path) -> None:
    (corpus / ".download.pdf.part").write_bytes(b"%PDF-1.4 half")
    (corpus / "notat.txt~").write_text("backup", encoding="utf-8")
    settle(watcher, 2.0)
    assert watcher.updates() == []


def test_the_watch_waits_while_another_update_holds_the_index(corpus: Path,
                                                              tmp_path: Path) -> None:
    from soev_search.store import writer_lock

    index = tmp_path / "index"
    rebuild(corpus, index)
    running = Watcher(corpus, index)
    running.thread.start()
    assert running.ready.wait(30)
    try:
        with writer_lock(index):
            (corpus / "ventende.txt").write_text("Socialøkonomi og ventetid.", encoding="utf-8")
            time.sleep(2.0)
            assert running.updates() == []
        [report] = running.wait_for(1)
        assert report.added == 1 and not running.errors
    finally:
        running.stop.set()
        running.thread.join(timeout=10)


def start_server(corpus: Path, index: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "soev_search.cli", "serve", "--watch", "--port", str(port),
         "--corpus", str(corpus), "--index", str(index)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Serving on"):
            break
    assert lines and lines[-1].startswith("Serving on"), lines
    return process, f"http://127.0.0.1:{port}"


def total(base: str, query: str) -> int:
    url = f"{base}/api/search?q={urllib.parse.quote(query)}"
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.load(reply)["total"]


def until(condition: Callable[[], bool], seconds: float) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, "not in time"
        time.sleep(0.1)
    return time.monotonic() - started


def test_serve_watch_finds_a_dropped_file_while_searches_go_on(corpus: Path,
                                                               tmp_path: Path) -> None:
    process, base = start_server(corpus, tmp_path / "index")
    failures: list[str] = []
    answered = 0
    stop = threading.Event()

    def search_all_the_time() -> None:
        nonlocal answered
        while not stop.is_set():
            try:
                assert total(base, "socialøkonomi") >= 1
                answered += 1
            except Exception as exc:  # noqa: BLE001 - every failure is a finding
                failures.append(repr(exc))

    searcher = threading.Thread(target=search_all_the_time, daemon=True)
    try:
        until(lambda: total(base, "") == 2, 15)  # the watcher's catch-up is done
        searcher.start()
        (corpus / "ny-strategi.txt").write_text(
            "Ny strategi for socialøkonomi med havnekantinen.", encoding="utf-8")
        found_after = until(lambda: total(base, "havnekantinen") == 1, 15)
        (corpus / "ny-strategi.txt").unlink()
        until(lambda: total(base, "havnekantinen") == 0, 15)
    finally:
        stop.set()
        searcher.join(timeout=10)
        process.terminate()
        process.wait(timeout=10)
    assert not failures and answered > 0
    assert found_after < 10
