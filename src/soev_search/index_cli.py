"""The index-building commands of `soev-index` (rebuild, update): progress and reports."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from soev_search import settings
from soev_search.backend import Backend, backend_options
from soev_search.document import Skipped
from soev_search.index import BuildReport, UpdateReport

STAGE_NAMES = {"ingest": "Reading files", "index": "Indexing", "update": "Updating"}
# Plain progress lines (not a terminal): at most one per this many seconds per stage.
PROGRESS_INTERVAL = 2.0


def run_rebuild(args: argparse.Namespace) -> int:
    config = settings.load(corpus=args.corpus, index=args.index, workers=args.workers,
                           **backend_options(args))
    with Progress(sys.stderr) as progress:
        report = Backend.from_settings(config).rebuild(config.corpus, config.index,
                                                       progress=progress, workers=config.workers)
    print_build_report(report, sys.stdout)
    return 0


def run_update(args: argparse.Namespace) -> int:
    config = settings.load(corpus=args.corpus, index=args.index, workers=args.workers,
                           **backend_options(args))
    with Progress(sys.stderr) as progress:
        report = Backend.from_settings(config).update(config.corpus, config.index,
                                                      progress=progress, workers=config.workers)
    print_update_report(report, sys.stdout)
    return 0


class Progress:
    """A tqdm bar per stage on a terminal; otherwise a plain line now and then."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.terminal = stream.isatty()
        self.bar: Any = None  # a tqdm bar
        self.stage: str | None = None
        self.last_line = 0.0
        self.last_done: int | None = None  # a count is printed once, however often reported

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self._start(stage, total)
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
        elif done != self.last_done and (
                done == total or time.monotonic() - self.last_line >= PROGRESS_INTERVAL):
            self.last_line, self.last_done = time.monotonic(), done
            print(f"{STAGE_NAMES.get(stage, stage)}: {done}/{total}", file=self.stream,
                  flush=True)

    def _start(self, stage: str, total: int) -> None:
        if self.bar is not None:
            self.bar.close()
        self.stage = stage
        self.last_line, self.last_done = 0.0, None
        if self.terminal:
            from tqdm import tqdm  # only on a terminal: importing it costs 40 ms

            self.bar = tqdm(total=total, desc=STAGE_NAMES.get(stage, stage), unit="doc",
                            file=self.stream)


def print_build_report(report: BuildReport, out: TextIO) -> None:
    """The rebuild's last word: counts, time, and every skipped file with its reason."""
    print(f"Indexed {report.indexed} document{'' if report.indexed == 1 else 's'}, "
          f"skipped {len(report.skipped)} "
          f"in {report.seconds:.1f} s", file=out, flush=True)
    _print_skipped(report.skipped, out)
    _print_warnings(report.warnings, out)


def print_update_report(report: UpdateReport, out: TextIO, prefix: str = "") -> None:
    print(f"{prefix}Added {report.added}, changed {report.changed}, deleted {report.deleted}, "
          f"skipped {len(report.skipped)} in {report.seconds:.1f} s", file=out, flush=True)
    _print_skipped(report.skipped, out)
    _print_warnings(report.warnings, out)


def _print_skipped(skipped: list[Skipped], out: TextIO) -> None:
    for item in skipped:
        print(f"  skipped {item.path}: {item.reason}", file=out, flush=True)


def _print_warnings(warnings: list[Skipped], out: TextIO) -> None:
    """Sidecar problems: the document is indexed, without the fields that were wrong."""
    for item in warnings:
        print(f"  warning {item.path}: {item.reason}", file=out, flush=True)
