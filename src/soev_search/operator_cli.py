"""The operator's commands of `soev-index`: `add` (URLs and files into the corpus) and
`watch` (keep the index current). Thin: the work is in fetch.py, index.py and watch.py."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from soev_search.config import Paths, resolve_paths

EXIT_FAILED = 1
EXIT_USAGE = 2


def add_commands(commands: argparse._SubParsersAction) -> None:
    add = commands.add_parser("add", help="add web pages, PDFs or files to the corpus")
    add.add_argument("targets", nargs="+", metavar="URL|FILE")
    for name in ("municipality", "doctype", "date", "title", "language"):
        add.add_argument(f"--{name}", help=f"set the {name} by hand (written to the sidecar)")
    add.add_argument("--no-update", action="store_true", help="do not update the index")
    add.add_argument("--timeout", type=float, help="seconds to wait for a server")
    add.add_argument("--corpus", help="corpus folder (default: $SOEV_CORPUS or ./corpus)")
    add.add_argument("--index", help="index folder (default: $SOEV_INDEX or ./index)")
    add.set_defaults(handler=run_add)

    watch = commands.add_parser("watch", help="keep the index current as the corpus changes")
    watch.add_argument("--corpus", help="corpus folder (default: $SOEV_CORPUS or ./corpus)")
    watch.add_argument("--index", help="index folder (default: $SOEV_INDEX or ./index)")
    watch.set_defaults(handler=run_watch)


def add_watch_option(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--watch", action="store_true",
                       help="keep the index current as files in the corpus change")


def run_add(args: argparse.Namespace) -> int:
    from soev_search import fetch

    paths = resolve_paths(args.corpus, args.index)
    try:
        overrides = fetch.check_overrides({name: getattr(args, name) for name in
                                           ("municipality", "doctype", "date", "title",
                                            "language")})
    except fetch.FetchError as exc:
        print(f"soev-index: add: {exc}", file=sys.stderr)
        return EXIT_USAGE
    limits = fetch.FetchLimits() if args.timeout is None else fetch.FetchLimits(args.timeout)
    failed = changed = 0
    with fetch.new_client(limits) as client:
        for target in args.targets:
            try:
                if fetch.is_url(target):
                    added = fetch.add_url(target, paths.corpus, overrides, limits, client)
                else:
                    added = fetch.add_file(Path(target), paths.corpus, overrides)
            except fetch.FetchError as exc:
                print(f"soev-index: add {target}: {exc}", file=sys.stderr, flush=True)
                failed += 1
                continue
            changed += added.status != "unchanged"
            print(f"{added.status:<10} {_shown(added.path, paths.corpus)}  ← {target}",
                  flush=True)
    if changed and not args.no_update:
        _refresh_index(paths)
    return EXIT_FAILED if failed else 0


def run_watch(args: argparse.Namespace) -> int:
    from soev_search.watch import watch_corpus

    paths = resolve_paths(args.corpus, args.index)
    watch_corpus(paths.corpus, paths.index, on_report=_print_report, on_error=_print_error,
                 on_ready=lambda: print(f"{_clock()} Watching {paths.corpus} for changes "
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


def _refresh_index(paths: Paths) -> None:
    from soev_search import index_cli
    from soev_search.index import index_exists

    if index_exists(paths.index):
        index_cli.run_update(argparse.Namespace(corpus=paths.corpus, index=paths.index))
    else:
        index_cli.run_rebuild(argparse.Namespace(corpus=paths.corpus, index=paths.index))


def _shown(path: Path, corpus: Path) -> str:
    try:
        return str(path.resolve().relative_to(corpus.resolve().parent))
    except ValueError:
        return str(path)
