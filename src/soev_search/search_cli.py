"""The reading commands of `soev-index` (search, stats): a request in, plain text or JSON out.

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

from soev_search import settings
from soev_search.filters import FACETS, FILTERS
from soev_search.results import SearchRequest, SearchResult
from soev_search.search import SearchEngine


def run_search(args: argparse.Namespace) -> int:
    request = SearchRequest(
        query=args.query,
        **{f.name: tuple(dict.fromkeys(getattr(args, f.name))) for f in FILTERS},
        sort=args.sort,
        page=args.page,
        per_page=args.limit,
    )
    result = SearchEngine(settings.load(index=args.index).index).search(request)
    if args.json:
        print(json.dumps(search_json(result), ensure_ascii=False, indent=2))
    else:
        _print_result(result, bold=sys.stdout.isatty())
    return 0


def run_stats(args: argparse.Namespace) -> int:
    stats = SearchEngine(settings.load(index=args.index).index).stats()
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
    print(f"{result.total} documents (page {result.page} of {pages})")
    for number, hit in enumerate(result.hits, (result.page - 1) * result.per_page + 1):
        about = " · ".join(str(v) for v in (hit.municipality, hit.date or hit.year,
                                               hit.doctype, hit.language) if v)
        print(f"\n{number}. {hit.title}\n   [{about}] id={hit.id} score={hit.score}")
        snippet = _MARK.sub(lambda m: marks[m.group() == "</mark>"], hit.snippet)
        print(f"   {html.unescape(snippet)}")
    for name in FACETS:
        values = result.facets.get(name, [])
        if values:
            print(f"\n{name}: " + ", ".join(f"{v.value} ({v.count})" for v in values))
