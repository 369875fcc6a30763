"""The operator's commands of `soev-index`: `add` (URLs and files into the corpus) and
`watch` (keep the index current). Thin: the work is in fetch.py, index.py and watch.py."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from soev_search import settings
from soev_search.errors import SoevError
from soev_search.settings import Settings

EXIT_FAILED = 1
EXIT_USAGE = 2
# How long `add` waits for another update of the index to finish before giving up.
BUSY_WAIT_SECONDS = 120


def _declare_add(add: argparse.ArgumentParser) -> None:
    add.add_argument("targets", nargs="+", metavar="URL|FILE")
    for name in ("municipality", "doctype", "date", "title", "language"):
        add.add_argument(f"--{name}", help=f"set the {name} by hand (written to the sidecar)")
    add.add_argument("--no-update", action="store_true", help="do not update the index")
    add.add_argument("--timeout", type=int,
                     help="seconds to wait for a server (default: $SOEV_FETCH_TIMEOUT or 20)")
    settings.add_path_options(add)
    add.set_defaults(handler=run_add)


def _declare_watch(watch: argparse.ArgumentParser) -> None:
    settings.add_path_options(watch)
    watch.add_argument("--workers", type=int,
                       help="processes for reading files (default: $SOEV_WORKERS or the CPUs)")
    watch.set_defaults(handler=run_watch)


# name → (help, the function declaring its options and handler), as cli.COMMANDS
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "add": ("add web pages, PDFs or files to the corpus", _declare_add),
    "watch": ("keep the index current as the corpus changes", _declare_watch),
}


def add_watch_option(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--watch", action="store_true",
                       help="keep the index current as files in the corpus change")


def run_add(args: argparse.Namespace) -> int:
    from soev_search import fetch

    config = settings.load(corpus=args.corpus, index=args.index, fetch_timeout=args.timeout)
    try:
        overrides = fetch.check_overrides({name: getattr(args, name) for name in
                                           ("municipality", "doctype", "date", "title",
                                            "language")})
    except fetch.FetchError as exc:
        print(f"soev-index: add: {exc}", file=sys.stderr)
        return EXIT_USAGE
    limits = fetch.FetchLimits.from_settings(config)
    failed = changed = 0
    with fetch.new_client(limits) as client:
        for target in args.targets:
            try:
                if fetch.is_url(target):
                    added = fetch.add_url(target, config.corpus, overrides, limits, client)
                else:
                    added = fetch.add_file(Path(target), config.corpus, overrides)
            except fetch.FetchError as exc:
                print(f"soev-index: add {target}: {exc}", file=sys.stderr, flush=True)
                failed += 1
                continue
            changed += added.status != "unchanged"
            print(f"{added.status:<10} {_shown(added.path, config.corpus)}  ← {target}",
                  flush=True)
    if changed and not args.no_update:
        _refresh_index(config)
    return EXIT_FAILED if failed else 0


def run_watch(args: argparse.Namespace) -> int:
    from soev_search.watch import WatchSettings, watch_corpus

    config = settings.load(corpus=args.corpus, index=args.index, workers=args.workers)
    if config.backend == "postgres":
        raise SoevError("watch keeps a Whoosh index folder current; with the postgres "
                        "backend run soev-index update where the corpus is")
    watch_corpus(config.corpus, config.index, on_report=_print_report, on_error=_print_error,
                 settings=WatchSettings(quiet=config.watch_quiet_ms / 1000,
                                        workers=config.workers),
                 on_ready=lambda: print(f"{_clock()} Watching {config.corpus} for changes "
                                        "(Ctrl-C to stop)", flush=True))
    return 0


def _print_report(report: object) -> None:
    from soev_search.index import UpdateReport
    from soev_search.index_cli import print_build_report, print_update_report

    if isinstance(report, UpdateReport):
        if report.added or report.changed or report.deleted or report.skipped or report.warnings:
            print_update_report(report, sys.stdout, prefix=f"{_clock()} ")
    else:
        print(f"{_clock()} ", end="")
        print_build_report(report, sys.stdout)


def _print_error(message: str) -> None:
    print(f"{_clock()} soev-index watch: {message}", file=sys.stderr, flush=True)


def _clock() -> str:
    return time.strftime("%H:%M:%S")


def _refresh_index(config: Settings) -> None:
    """Update (or first build) the index; while another writer (e.g. a watcher that noticed
    the same files) holds it, wait for it rather than fail."""
    from soev_search import index_cli
    from soev_search.index import index_exists
    from soev_search.store import IndexBusy

    args = argparse.Namespace(corpus=config.corpus, index=config.index, workers=config.workers)
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    while True:
        try:
            if index_exists(config.index):
                index_cli.run_update(args)
            else:
                index_cli.run_rebuild(args)
            return
        except IndexBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _shown(path: Path, corpus: Path) -> str:
    try:
        return str(path.resolve().relative_to(corpus.resolve().parent))
    except ValueError:
        return str(path)
