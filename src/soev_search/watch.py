"""Keep the index current: watch the corpus folder and run the atomic `update` on changes.

watchfiles (inotify underneath, polling where there is none) groups a burst of changes into
one batch: it yields once the folder has been silent for `step_ms`, or after `debounce_ms`
at most. Before updating, the changed files must also keep their size and mtime for `quiet`
seconds, so a file still being written (a slow copy, a download) is not read half-way. Each
batch is one `update`, which builds a new index build and swaps CURRENT: a server reading the
index keeps answering and picks up the new build on its next request.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from soev_search.errors import SoevError
from soev_search.index import BuildReport, UpdateReport, die_with_parent, index_exists, rebuild
from soev_search.index import update as update_index
from soev_search.settings import current
from soev_search.store import IndexBusy

Report = BuildReport | UpdateReport


@dataclass(frozen=True)
class WatchSettings:
    quiet: float  # seconds a changed file must stay the same before it is read (settings)
    workers: int | None = None  # processes for reading files (settings)
    step_ms: int = 300  # silence that ends a burst of changes
    debounce_ms: int = 5000  # the longest a burst is gathered before updating anyway
    busy_retry: float = 1.0  # seconds between tries while another update holds the index


def watch_corpus(corpus: Path, index: Path, on_report: Callable[[Report], None],
                 on_error: Callable[[str], None], stop: threading.Event | None = None,
                 settings: WatchSettings | None = None,
                 on_ready: Callable[[], None] | None = None) -> None:
    """Bring the index up to date, then update it after every batch of changes until `stop`
    is set (or forever)."""
    settings = settings or WatchSettings(quiet=current().watch_quiet_ms / 1000)
    corpus, index = Path(corpus), Path(index)
    if not corpus.is_dir():
        raise SoevError(f"corpus folder not found: {corpus}")
    stop = stop or threading.Event()
    # The watcher starts before the catch-up update, so nothing changed in between is missed.
    changes = watchfiles.watch(corpus, watch_filter=CorpusFilter(corpus, index),
                               step=settings.step_ms, debounce=settings.debounce_ms,
                               stop_event=stop, raise_interrupt=False, yield_on_timeout=True,
                               rust_timeout=500)
    next(changes)  # the first (timed-out, empty) round only starts the watcher
    _run(lambda: _catch_up(corpus, index, settings.workers), on_report, on_error, stop,
         settings)
    if on_ready:
        on_ready()
    for batch in changes:
        if not batch:
            continue
        wait_until_quiet({Path(path) for _, path in batch}, settings.quiet, stop)
        if stop.is_set():
            break
        _run(lambda: update_index(corpus, index, workers=settings.workers), on_report,
             on_error, stop, settings)


class CorpusFilter(watchfiles.DefaultFilter):
    """Changes that can matter to the index: not hidden files (our own downloads are written
    under a hidden name and renamed), not editor backups, not the index itself."""

    def __init__(self, corpus: Path, index: Path) -> None:
        super().__init__(ignore_paths=[str(index.resolve())])
        self.corpus = corpus.resolve()

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        try:
            parts = Path(path).resolve().relative_to(self.corpus).parts
        except ValueError:
            return False
        return not any(part.startswith(".") for part in parts) and super().__call__(change, path)


def wait_until_quiet(paths: Iterable[Path], quiet: float, stop: threading.Event) -> None:
    """Return once none of `paths` has changed size or mtime for `quiet` seconds."""
    paths = list(paths)
    before = _stamps(paths)
    while not stop.wait(quiet):
        now = _stamps(paths)
        if now == before:
            return
        before = now


def start_watcher_process(corpus: Path, index: Path, workers: int) -> subprocess.Popen:
    """`soev-index watch` as a child process that ends when its parent does (for `serve
    --watch`: ingestion then never competes with the server's threads for the GIL)."""
    return subprocess.Popen(
        [sys.executable, "-m", "soev_search.cli", "watch", "--corpus", str(corpus),
         "--index", str(index), "--workers", str(workers)],
        preexec_fn=die_with_parent,  # noqa: PLW1509 - started before any server thread
    )


def _catch_up(corpus: Path, index: Path, workers: int | None) -> Report:
    if index_exists(index):
        return update_index(corpus, index, workers=workers)
    return rebuild(corpus, index, workers=workers)


def _run(work: Callable[[], Report], on_report: Callable[[Report], None],
         on_error: Callable[[str], None], stop: threading.Event,
         settings: WatchSettings) -> None:
    """One update; waits while another writer holds the index, reports any other failure
    and lets the watch go on."""
    while not stop.is_set():
        try:
            on_report(work())
            return
        except IndexBusy:
            stop.wait(settings.busy_retry)
        except (SoevError, OSError) as exc:
            on_error(str(exc))
            return


def _stamps(paths: list[Path]) -> list[tuple[int, int] | None]:
    stamps: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            stamps.append(None)
        else:
            stamps.append((st.st_size, st.st_mtime_ns))
    return stamps
