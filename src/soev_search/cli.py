"""`soev-index`: a thin command line over the library. Each command is one small function."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from soev_search import operator_cli, settings
from soev_search.errors import SoevError
from soev_search.filters import FILTERS, Filter, FilterValueError

EXIT_UNREADABLE = 2


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line. Given the command about to run, that command alone: it parses and
    fails the same, and a fresh search is spared declaring ten subparsers and eighty options
    (argparse looks up translations for each subparser, makes a formatter for each option).
    Every command for --help or a misspelt command."""
    parser = argparse.ArgumentParser(
        prog="soev-index",
        description="Danish full-text search over documents about social economy.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    every = {**COMMANDS, **operator_cli.COMMANDS}
    for name in [command] if command in every else every:
        help_text, declare = every[name]
        declare(commands.add_parser(name, help=help_text))
    return parser


def _declare_show(show: argparse.ArgumentParser) -> None:
    show.add_argument("file")
    form = show.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON object")
    form.add_argument("--text", action="store_true", help="only the cleaned main text")
    show.set_defaults(handler=_run_show)


def _declare_rebuild(rebuild: argparse.ArgumentParser) -> None:
    _declare_indexing(rebuild)
    rebuild.set_defaults(handler=_run_rebuild)


def _declare_update(update: argparse.ArgumentParser) -> None:
    _declare_indexing(update)
    update.set_defaults(handler=_run_update)


def _declare_indexing(command: argparse.ArgumentParser) -> None:
    settings.add_path_options(command)
    _add_workers(command)
    _add_backend(command)


def _declare_search(search: argparse.ArgumentParser) -> None:
    search.add_argument("query")
    for declared in FILTERS:
        search.add_argument(f"--{declared.name}", action="append", default=[],
                            type=_filter_value(declared),
                            help=f"{declared.description} Repeat for several (OR).")
        if declared.ranged:
            low, high = declared.range_params
            for param, help_text in ((low, "from this one on"), (high, "up to this one")):
                search.add_argument(f"--{param.replace('_', '-')}", dest=param,
                                    type=_filter_value(declared),
                                    help=f"Only {declared.name} {help_text} (inclusive).")
    search.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    search.add_argument("--page", type=int, default=1)
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--json", action="store_true")
    settings.add_path_options(search, corpus=False)
    _add_backend(search)
    search.set_defaults(handler=_run_search)


def _declare_similar(similar: argparse.ArgumentParser) -> None:
    similar.add_argument("document", metavar="FILE|ID")
    similar.add_argument("--limit", type=int, default=5, help="how many (1-50, default 5)")
    similar.add_argument("--json", action="store_true")
    settings.add_path_options(similar)
    similar.set_defaults(handler=_run_similar)


def _declare_stats(stats: argparse.ArgumentParser) -> None:
    settings.add_path_options(stats, corpus=False)
    stats.add_argument("--json", action="store_true")
    _add_backend(stats)
    stats.set_defaults(handler=_run_stats)


def _declare_compare(compare: argparse.ArgumentParser) -> None:
    compare.add_argument("--question", help="only this question: its number or slug")
    compare.add_argument("--municipality", action="append", default=[],
                         help="only these municipalities (repeat for several)")
    compare.add_argument("--json", action="store_true")
    settings.add_path_options(compare, corpus=False)
    _add_backend(compare)
    compare.set_defaults(handler=_run_compare)


def _declare_serve(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    settings.add_path_options(serve)
    serve.add_argument("--threads", type=int,
                       help="server threads (default: $SOEV_THREADS or 4 per CPU)")
    _add_workers(serve)
    _add_backend(serve)
    operator_cli.add_watch_option(serve)
    serve.set_defaults(handler=_run_serve)


# name → (help, the function declaring its options and handler); the operator's commands
# (operator_cli.COMMANDS) follow.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "show": ("ingest one file and print the document", _declare_show),
    "rebuild": ("build the index from scratch and swap it in", _declare_rebuild),
    "update": ("add new, re-index changed and delete removed files", _declare_update),
    "search": ("search the index", _declare_search),
    "similar": ("the documents most like one document (a file, or an id in the index)",
                _declare_similar),
    "stats": ("what the index holds", _declare_stats),
    "compare": ("the status articles' questionnaire, municipality by municipality",
                _declare_compare),
    "serve": ("serve the web UI and API", _declare_serve),
}


def _add_workers(command: argparse.ArgumentParser) -> None:
    command.add_argument("--workers", type=int,
                         help="processes for reading files and indexing "
                              "(default: $SOEV_WORKERS or the CPU count)")


def _add_backend(command: argparse.ArgumentParser) -> None:
    command.add_argument("--backend", choices=settings.BACKENDS,
                         help="where the index lives (default: $SOEV_BACKEND or whoosh)")
    command.add_argument("--database-url", help="PostgreSQL primary, written by rebuild and "
                         "update (default: $SOEV_DATABASE_URL)")
    command.add_argument("--database-read-url", help="PostgreSQL replicas that searches read, "
                         "comma-separated (default: $SOEV_DATABASE_READ_URL, else the primary)")


def _filter_value(declared: Filter):
    """argparse's converter for one filter value: the declaration's parsing and checks."""
    def convert(raw: str) -> object:
        try:
            return declared.parse(raw)
        except FilterValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = declared.name  # argparse names the option's type in its message
    return convert


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # `soev-index` has no options of its own (but --help): the first argument is the command
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        return args.handler(args)
    except SoevError as exc:
        print(f"soev-index: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _run_show(args: argparse.Namespace) -> int:
    from soev_search.document import Skipped
    from soev_search.ingest import ingest_file
    from soev_search.ingest import show as present

    path = Path(args.file)
    corpus = present.corpus_of(path)
    result = ingest_file(path, corpus, present.repeated_for(corpus))
    if isinstance(result, Skipped):
        print(f"soev-index: {args.file}: {result.reason}", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.json:
        print(present.as_json(result))
    elif args.text:
        print(result.text)
    else:
        print(present.as_summary(result))
    return 0


def _run_rebuild(args: argparse.Namespace) -> int:
    from soev_search import index_cli

    return index_cli.run_rebuild(args)


def _run_update(args: argparse.Namespace) -> int:
    from soev_search import index_cli

    return index_cli.run_update(args)


def _run_search(args: argparse.Namespace) -> int:
    from soev_search import search_cli

    return search_cli.run_search(args)


def _run_similar(args: argparse.Namespace) -> int:
    from soev_search import search_cli

    return search_cli.run_similar(args)


def _run_stats(args: argparse.Namespace) -> int:
    from soev_search import search_cli

    return search_cli.run_stats(args)


def _run_compare(args: argparse.Namespace) -> int:
    from soev_search import search_cli

    return search_cli.run_compare(args)


def _run_serve(args: argparse.Namespace) -> int:
    from soev_search.backend import backend_options
    from soev_search.web.serve import serve  # Flask loads only for this command

    serve(settings.load(corpus=args.corpus, index=args.index, threads=args.threads,
                        workers=args.workers, **backend_options(args)), args.host, args.port,
          watch=args.watch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
