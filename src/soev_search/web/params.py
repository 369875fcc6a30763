"""Turn request parameters into a validated SearchRequest; wrong values become a ParamError (400).

Shared by the pages, the API, the feeds and the embed page, so every entry point accepts the
same parameters with the same bounds. Unknown parameters are ignored; empty values (as an
unselected <select> sends them) count as absent.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from werkzeug.datastructures import MultiDict

from soev_search import settings
from soev_search.filters import FILTER_NAMES, FILTERS, RANGE_PARAMS, Filter, FilterValueError
from soev_search.results import DEFAULT_PER_PAGE, SearchRequest

SORT_ORDERS = ("relevance", "date")
# /api/complete's `limit`.
DEFAULT_COMPLETIONS = 8
MAX_COMPLETIONS = 10

# Every parameter a search URL may carry, in the order the OpenAPI description lists them.
SEARCH_PARAMS = ("q", *FILTER_NAMES, *RANGE_PARAMS, "sort", "page", "per_page")


class ParamError(ValueError):
    """A request parameter has a wrong type or value; the message is Danish and user-facing."""


def parse_search_request(args: MultiDict[str, str], default_per_page: int = DEFAULT_PER_PAGE,
                         max_per_page: int | None = None) -> SearchRequest:
    limits = settings.current()
    request = SearchRequest(
        query=parse_query(args),
        **{f.name: _values(args, f) for f in FILTERS},
        **{param: _range_end(args, f, param) for f in FILTERS if f.ranged
           for param in f.range_params},
        sort=_sort(_single(args, "sort")),
        page=bounded_int(args, "page", 1, 1, limits.max_page),
        per_page=bounded_int(args, "per_page", default_per_page, 1,
                             max_per_page or limits.max_per_page),
    )
    try:
        request.ranges()  # refuses a range that ends before it starts
    except FilterValueError as exc:
        raise ParamError(str(exc)) from None
    return request


def parse_query(args: MultiDict[str, str]) -> str:
    """The `q` parameter; longer than the `max_query_chars` setting is an error."""
    query = _single(args, "q")
    longest = settings.current().max_query_chars
    if len(query) > longest:
        raise ParamError(f"Søgningen er for lang: højst {longest} tegn.")
    return query


def request_to_params(request: SearchRequest, **changes: Any) -> dict[str, Any]:
    """The URL parameters that reproduce `request` (with `changes`), defaults left out."""
    if changes:
        request = replace(request, **changes)
    params: dict[str, Any] = {}
    if request.query:
        params["q"] = request.query
    for name, values in request.filter_values().items():
        params[name] = list(values)
    for param in RANGE_PARAMS:
        if getattr(request, param) is not None:
            params[param] = getattr(request, param)
    if request.sort != "relevance":
        params["sort"] = request.sort
    if request.page != 1:
        params["page"] = request.page
    if request.per_page != DEFAULT_PER_PAGE:
        params["per_page"] = request.per_page
    return params


def _single(args: MultiDict[str, str], name: str) -> str:
    return (args.get(name) or "").strip()


def _values(args: MultiDict[str, str], declared: Filter) -> tuple:
    raw = [value.strip() for value in args.getlist(declared.name) if value.strip()]
    most = settings.current().max_values_per_filter
    if len(raw) > most:
        raise ParamError(f"For mange værdier for '{declared.name}': højst {most}.")
    converted = []
    for value in raw:
        try:
            item = declared.parse(value)
        except FilterValueError as exc:
            raise ParamError(str(exc)) from None
        if item not in converted:
            converted.append(item)
    return tuple(converted)


def _range_end(args: MultiDict[str, str], declared: Filter, param: str) -> int | None:
    """One end of a range (year_from, year_to); empty or absent is open."""
    value = _single(args, param)
    if not value:
        return None
    try:
        return declared.parse(value)
    except FilterValueError as exc:
        raise ParamError(str(exc)) from None


def _sort(value: str) -> str:
    if not value:
        return "relevance"
    if value not in SORT_ORDERS:
        raise ParamError("Sortering skal være 'relevance' eller 'date'.")
    return value


def bounded_int(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    value = _single(args, name)
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise ParamError(f"'{name}' skal være et helt tal, ikke '{value[:20]}'.")
    number = int(value[:9])  # a longer digit string is out of range anyway
    if len(value) > 9 or not low <= number <= high:
        raise ParamError(f"'{name}' skal ligge mellem {low} og {high}.")
    return number
