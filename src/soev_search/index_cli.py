"""The index commands of `soev-index` (rebuild, update, search, stats): progress and output."""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from soev_search import settings
from soev_search.backend import Backend
from soev_search.document import Document, Skipped
from soev_search.errors import SoevError
from soev_search.filters import FACETS, FILTERS, RANGE_PARAMS, FilterValueError
from soev_search.index import BuildReport, UpdateReport
from soev_search.ingest import document_id, ingest_file
from soev_search.questionnaire import Comparison, column_label, compare, find_question
from soev_search.results import SearchRequest, SearchResult
from soev_search.search import SearchBackend
from soev_search.similar import MAX_LIMIT as MAX_SIMILAR
from soev_search.similar import SimilarDocument

EXIT_UNREADABLE = 2
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


def run_search(args: argparse.Namespace) -> int:
    request = SearchRequest(
        query=args.query,
        **{f.name: tuple(dict.fromkeys(getattr(args, f.name))) for f in FILTERS},
        **{param: getattr(args, param) for param in RANGE_PARAMS},
        sort=args.sort,
        page=args.page,
        per_page=args.limit,
    )
    try:
        request.ranges()  # refuses a range that ends before it starts
    except FilterValueError as exc:
        raise SoevError(str(exc)) from None
    result = _engine(args).search(request)
    if args.json:
        print(json.dumps(search_json(result), ensure_ascii=False, indent=2))
    else:
        _print_result(result, bold=sys.stdout.isatty())
    return 0


def run_similar(args: argparse.Namespace) -> int:
    """FILE|ID: an indexed file is looked up by its id; a file from elsewhere is read and
    compared with the index as it is; anything else is taken as a document id."""
    if not 1 <= args.limit <= MAX_SIMILAR:
        raise SoevError(f"--limit must be between 1 and {MAX_SIMILAR}")
    paths = settings.load(corpus=args.corpus, index=args.index)
    engine = _engine(args)
    path = Path(args.document)
    source: Document | None
    if path.is_file():
        source = engine.document(_corpus_id(path, paths.corpus) or "")
        if source is None:  # a file from elsewhere, or not indexed yet
            read = ingest_file(path)
            if isinstance(read, Skipped):
                print(f"soev-index: {args.document}: {read.reason}", file=sys.stderr)
                return EXIT_UNREADABLE
            source = read
        found = engine.similar_to(source, limit=args.limit)
    else:
        source = engine.document(args.document)
        if source is None:
            raise SoevError(f"no file or indexed document {args.document!r} (an id is what "
                            "`soev-index search --json` shows)")
        found = engine.similar(source.id, limit=args.limit) or []
    if args.json:
        print(json.dumps({"id": source.id, "title": source.title,
                          "similar": [s.to_dict() for s in found]}, ensure_ascii=False, indent=2))
    else:
        _print_similar(source, found)
    return 0


def _corpus_id(path: Path, corpus: Path) -> str | None:
    """The id the index gives the file, when it lies in the corpus."""
    try:
        return document_id(path.resolve().relative_to(corpus.resolve()).as_posix())
    except ValueError:
        return None


def _print_similar(source: Document, found: list[SimilarDocument]) -> None:
    print(f"Similar to: {source.title or source.path}"
          + (f" ({source.municipality})" if source.municipality else ""))
    if not found:
        print("No similar documents.")
    for number, item in enumerate(found, 1):
        facts = ", ".join(str(v) for v in (item.municipality, item.year, item.doctype) if v)
        print(f"{number:>3}. {item.title or 'Uden titel'} ({facts}) [{item.score:.2f}]")
        if item.reason:
            print(f"     {item.reason}")
        print(f"     id: {item.id}")


def run_stats(args: argparse.Namespace) -> int:
    stats = _engine(args).stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"Documents: {stats['documents']} (skipped files: {stats['skipped']})")
    print(f"Size on disk: {stats['size_bytes'] / 1e6:.1f} MB")
    print(f"Built: {stats['built_at']}, last updated: {stats['updated_at']}")
    print(f"Corpus: {stats['corpus']}")
    for name, values in stats["facets"].items():
        listed = ", ".join(f"{v['value']} ({v['count']})" for v in values) or "-"
        print(f"{name}: {listed}")
    return 0


def backend_options(args: argparse.Namespace) -> dict[str, str | None]:
    """The backend settings given on the command line, for settings.load()."""
    return {name: getattr(args, name, None)  # commands without the options: the settings'
            for name in ("backend", "database_url", "database_read_url")}


def _engine(args: argparse.Namespace) -> SearchBackend:
    config = settings.load(index=args.index, **backend_options(args))
    return Backend.from_settings(config).engine(config.index)


def run_compare(args: argparse.Namespace) -> int:
    engine = _engine(args)
    comparison = compare(engine.documents(), args.municipality, args.question)
    if args.question is not None and find_question(comparison.questions, args.question) is None:
        raise SoevError(f"no question {args.question!r}: give a number from 1 to "
                        f"{len(comparison.questions)} or a slug (see soev-index compare --json)")
    if args.json:
        data = comparison.to_dict(only_selected=args.question is not None)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif args.question is not None:
        _print_answers(comparison)
    else:
        _print_questions(comparison)
    return 0


def _print_questions(comparison: Comparison) -> None:
    print(f"{len(comparison.documents)} documents: "
          + ", ".join(column_label(d) for d in comparison.documents))
    for number, question in enumerate(comparison.questions, 1):
        print(f"{number:3}. {question.text} ({len(question.answers)} answers)")
    print("\nFigures:")
    for key, bars in comparison.charts.items():
        values = ", ".join(f"{bar.label} {bar.figure.as_text() if bar.figure else '-'}"
                           for bar in bars)
        print(f"  {key}: {values}")


def _print_answers(comparison: Comparison) -> None:
    question = comparison.selected
    if question is None:
        print("No questionnaire documents.")
        return
    print(f"{comparison.questions.index(question) + 1}. {question.text}")
    for doc in comparison.documents:
        answer = question.answers.get(doc.id)
        print(f"\n{column_label(doc)}:\n  " + ("\n  ".join(answer.splitlines()) if answer
                                               else "(not answered)"))


def search_json(result: SearchResult) -> dict:
    data = result.to_dict()
    data["facets"] = {name: data["facets"].get(name, []) for name in FACETS}
    return data


class Progress:
    """A tqdm bar per stage on a terminal; otherwise a plain line now and then."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.terminal = stream.isatty()
        self.bar: tqdm | None = None
        self.stage: str | None = None
        self.last_line = 0.0

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
        elif done == total or time.monotonic() - self.last_line >= PROGRESS_INTERVAL:
            self.last_line = time.monotonic()
            print(f"{STAGE_NAMES.get(stage, stage)}: {done}/{total}", file=self.stream,
                  flush=True)

    def _start(self, stage: str, total: int) -> None:
        if self.bar is not None:
            self.bar.close()
        self.stage = stage
        self.last_line = 0.0
        if self.terminal:
            self.bar = tqdm(total=total, desc=STAGE_NAMES.get(stage, stage), unit="doc",
                            file=self.stream)


def print_build_report(report: BuildReport, out: TextIO) -> None:
    """The rebuild's last word: counts, time, and every skipped file with its reason."""
    print(f"Indexed {report.indexed} documents, skipped {len(report.skipped)} "
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


_MARK = re.compile(r"</?mark>")


def _print_result(result: SearchResult, bold: bool) -> None:
    if result.notice:
        print(result.notice)
    if result.suggestion:
        print(f"Mente du: {result.suggestion}?")
    marks = ("\033[1m", "\033[0m") if bold else ("*", "*")
    pages = max(1, -(-result.total // result.per_page))
    with_all = f", {result.exact_total} with all the words" if result.relaxed else ""
    print(f"{result.total} documents{with_all} (page {result.page} of {pages})")
    for number, hit in enumerate(result.hits, (result.page - 1) * result.per_page + 1):
        about = " · ".join(str(v) for v in (hit.municipality, hit.date or hit.year,
                                               hit.doctype, hit.language) if v)
        print(f"\n{number}. {hit.title}\n   [{about}] id={hit.id} score={hit.score}")
        if hit.url:
            print(f"   {hit.url}")
        snippet = _MARK.sub(lambda m: marks[m.group() == "</mark>"], hit.snippet)
        section = f"{hit.snippet_section}: " if hit.snippet_section else ""
        print(f"   {section}{html.unescape(snippet)}")
    for name in FACETS:
        values = result.facets.get(name, [])
        if values:
            print(f"\n{name}: " + ", ".join(f"{v.value} ({v.count})" for v in values))
