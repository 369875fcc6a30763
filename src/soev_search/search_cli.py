"""The reading commands of `soev-index` (search, stats, compare): plain text or JSON out.

Kept apart from the index-building commands so a search imports only the search library, not
the ingester and its parsers (langdetect, lxml, BeautifulSoup, pypdf ...): a search from a
fresh process is mostly start-up.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from soev_search import settings
from soev_search.backend import Backend, backend_options
from soev_search.document import Document, Skipped
from soev_search.errors import SoevError
from soev_search.filters import FACETS, FILTERS, RANGE_PARAMS, FilterValueError
from soev_search.results import SearchRequest, SearchResult
from soev_search.search import SearchBackend
from soev_search.similar import MAX_LIMIT as MAX_SIMILAR
from soev_search.similar import SimilarDocument

if TYPE_CHECKING:
    from soev_search.questionnaire import Comparison

EXIT_UNREADABLE = 2


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
            from soev_search.ingest import ingest_file  # only for a file from outside the index

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
    from soev_search.ingest import document_id

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


def run_compare(args: argparse.Namespace) -> int:
    from soev_search.questionnaire import compare, find_question  # not for a search

    engine = _engine(args)
    comparison = compare(engine.documents(), args.municipality, args.question)
    if args.question is not None and find_question(comparison.questions, args.question) is None:
        count = len(comparison.questions)
        raise SoevError(f"no question {args.question!r}: "
                        + (f"give a number from 1 to {count} or a slug (see soev-index "
                           "compare --json)" if count else "no status articles of these "
                           "municipalities"))
    if args.json:
        data = comparison.to_dict(only_selected=args.question is not None)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif args.question is not None:
        _print_answers(comparison)
    else:
        _print_questions(comparison)
    return 0


def _print_questions(comparison: Comparison) -> None:
    from soev_search.questionnaire import column_label

    print(f"{counted(len(comparison.documents), 'document')}: "
          + ", ".join(column_label(d) for d in comparison.documents))
    for number, question in enumerate(comparison.questions, 1):
        print(f"{number:3}. {question.text} ({counted(len(question.answers), 'answer')})")
    print("\nFigures:")
    for key, bars in comparison.charts.items():
        values = ", ".join(f"{bar.label} {bar.figure.as_text() if bar.figure else '-'}"
                           for bar in bars)
        print(f"  {key}: {values}")


def _print_answers(comparison: Comparison) -> None:
    from soev_search.questionnaire import column_label

    question = comparison.selected
    if question is None:
        print("No questionnaire documents.")
        return
    print(f"{comparison.questions.index(question) + 1}. {question.text}")
    for doc in comparison.documents:
        answer = question.answers.get(doc.id)
        print(f"\n{column_label(doc)}:\n  " + ("\n  ".join(answer.splitlines()) if answer
                                               else "(not answered)"))


def counted(number: int, noun: str) -> str:
    """"1 document", "2 documents": the CLI's English count of a regular noun."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _engine(args: argparse.Namespace) -> SearchBackend:
    """The engine of the backend the settings and options choose."""
    config = settings.load(index=args.index, **backend_options(args))
    return Backend.from_settings(config).engine(config.index)


def search_json(result: SearchResult) -> dict:
    data = result.to_dict()
    data["facets"] = {name: data["facets"].get(name, []) for name in FACETS}
    return data


_MARK = re.compile(r"</?mark>")


def _print_result(result: SearchResult, bold: bool) -> None:
    if result.notice:
        print(result.notice)
    if result.suggestion:
        print(f"Mente du: {result.suggestion}?")
    marks = ("\033[1m", "\033[0m") if bold else ("*", "*")
    pages = max(1, -(-result.total // result.per_page))
    with_all = f", {result.exact_total} with all the words" if result.relaxed else ""
    print(f"{counted(result.total, 'document')}{with_all} (page {result.page} of {pages})")
    for number, hit in enumerate(result.hits, (result.page - 1) * result.per_page + 1):
        about = " · ".join(str(v) for v in (hit.municipality, hit.date or hit.year,
                                               hit.doctype, hit.language) if v)
        print(f"\n{number}. {hit.title}\n   [{about}] id={hit.id} score={hit.score}")
        if hit.url:
            print(f"   {hit.url}")
        snippet = _MARK.sub(lambda m: marks[m.group() == "</mark>"], hit.snippet)
        section = f"{hit.snippet_label} " if hit.snippet_label else ""
        print(f"   {section}{html.unescape(snippet)}")
    for name in FACETS:
        values = result.facets.get(name, [])
        if values:
            print(f"\n{name}: " + ", ".join(f"{v.value} ({v.count})" for v in values))
