"""Jinja helpers: Danish labels, dates, and URLs that keep a search's other parameters."""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for

from soev_search import settings
from soev_search.document import Figure
from soev_search.filters import FILTER_NAMES, RANGE_PARAMS, filter_named
from soev_search.questionnaire import column_label
from soev_search.results import SearchRequest
from soev_search.web import labels
from soev_search.web.params import request_to_params


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["danish_date"] = labels.danish_date
    app.jinja_env.filters["thousands"] = thousands
    app.jinja_env.globals.update(
        search_url=search_url,
        figure_text=figure_text,
        column_label=column_label,
        toggle_filter_url=toggle_filter_url,
        clear_filters_url=clear_filters_url,
        clear_range_url=clear_range_url,
        hidden_params=hidden_params,
        range_text=range_text,
        filter_named=filter_named,
        facet_value_label=labels.facet_value_label,
        FACET_LABELS=labels.FACET_LABELS,
        FILTER_NAMES=FILTER_NAMES,
        RANGE_PARAMS=RANGE_PARAMS,
        settings=settings.current,
        DOCTYPE_LABELS=labels.DOCTYPE_LABELS,
        LANGUAGE_LABELS=labels.LANGUAGE_LABELS,
        SORT_LABELS=labels.SORT_LABELS,
        FIGURE_LABELS=labels.FIGURE_LABELS,
        SOURCE_LABELS=labels.SOURCE_LABELS,
    )


def search_url(request: SearchRequest | None = None, endpoint: str = "pages.search",
               external: bool = False, extra: dict[str, Any] | None = None,
               **changes: Any) -> str:
    """The URL of `request` with `changes`; `extra` adds parameters that are not the search's."""
    params = request_to_params(request or SearchRequest(), **changes)
    return url_for(endpoint, _external=external, **params, **(extra or {}))


def toggle_filter_url(request: SearchRequest, facet: str, value: Any,
                      endpoint: str = "pages.search", extra: dict[str, Any] | None = None) -> str:
    """The URL with `value` added to or removed from `facet`, other parameters kept."""
    current = tuple(getattr(request, facet))
    value = filter_named(facet).value_type(value)
    values = tuple(v for v in current if v != value) if value in current else (*current, value)
    # on the page a ranged facet is either some values or a range: choosing a value ends
    # the range
    ends = dict.fromkeys(filter_named(facet).range_params) if filter_named(facet).ranged else {}
    return search_url(request, endpoint, extra=extra, **{facet: values, "page": 1, **ends})


def clear_filters_url(request: SearchRequest, endpoint: str = "pages.search",
                      extra: dict[str, Any] | None = None) -> str:
    """The URL without any filter or range, the words and order kept."""
    cleared = {**dict.fromkeys(FILTER_NAMES, ()), **dict.fromkeys(RANGE_PARAMS)}
    return search_url(request, endpoint, extra=extra, page=1, **cleared)


def clear_range_url(request: SearchRequest, facet: str) -> str:
    return search_url(request, page=1, **dict.fromkeys(filter_named(facet).range_params))


def hidden_params(request: SearchRequest, **changes: Any) -> list[tuple[str, Any]]:
    """(name, value) of every URL parameter of `request` with `changes`, for a form's hidden
    inputs (the range control sends its own ends)."""
    params = request_to_params(request, **changes)
    return [(name, item) for name, value in params.items()
            for item in (value if isinstance(value, list) else [value])]


def range_text(request: SearchRequest, facet: str) -> str:
    """A range for people: "2017–2019", "fra 2017", "til 2019"."""
    span = request.value_range(facet)
    if span is None:
        return ""
    if span.closed:
        return str(span.low) if span.low == span.high else f"{span.low}–{span.high}"
    return f"fra {span.low}" if span.low is not None else f"til {span.high}"


def thousands(number: int) -> str:
    """Danish digit grouping: 12345 → "12.345"."""
    return f"{number:,}".replace(",", ".")


def figure_text(figure: Figure) -> str:
    """A number as precise as the text gave it: "ca. 40", "mindst 100", "23"."""
    number = thousands(figure.value)
    if figure.lower_bound:
        return f"mindst {number}"
    if figure.approximate:
        return f"ca. {number}"
    return number
