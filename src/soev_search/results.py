"""The contract between the search library and its callers (CLI, web, embed, feeds)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, make_dataclass
from typing import Any, Literal

from soev_search.document import Document
from soev_search.filters import FACETS, FILTERS, ValueRange, filter_named
from soev_search.highlight import Highlighter

__all__ = ["FACETS", "FacetValue", "Hit", "SearchRequest", "SearchResult", "SortOrder"]

SortOrder = Literal["relevance", "date"]
DEFAULT_PER_PAGE = 10


def _filter_values(request: Any) -> dict[str, tuple]:
    """The active filters: name → accepted values."""
    return {f.name: values for f in FILTERS if (values := getattr(request, f.name))}


def _value_range(request: Any, name: str) -> ValueRange | None:
    """The range of a ranged filter the request asks for (None: none, or not ranged)."""
    declared = filter_named(name)
    if not declared.ranged:
        return None
    low, high = (getattr(request, param) for param in declared.range_params)
    return declared.value_range(low, high)


def _ranges(request: Any) -> dict[str, ValueRange]:
    """The active ranges: filter name → range."""
    return {f.name: span for f in FILTERS if (span := _value_range(request, f.name))}


# What a caller asks: the query, then one field per filter of soev_search.filters (a tuple of
# accepted values: OR within a filter, AND across filters), then order and page. Made from
# FILTERS so that a new filter is a field here without being written here.
SearchRequest = make_dataclass(
    "SearchRequest",
    [("query", str, field(default="")),
     *[(name, kind, field(default=default))
       for f in FILTERS for name, kind, default in f.request_fields()],
     ("sort", SortOrder, field(default="relevance")),
     ("page", int, field(default=1)),
     ("per_page", int, field(default=DEFAULT_PER_PAGE))],
    frozen=True,
    namespace={"__doc__": "A search: the query, the filters, the order and the page.",
               "filter_values": _filter_values, "value_range": _value_range,
               "ranges": _ranges},
)
SearchRequest.__module__ = __name__


@dataclass(frozen=True)
class Hit:
    """One document of a result page, with its snippet."""

    id: str
    title: str
    municipality: str | None
    year: int | None
    date: str | None
    doctype: str
    language: str
    score: float
    # HTML: matched words in <mark>, everything else escaped.
    snippet: str
    # Where the document was fetched from (its sidecar's url), if it was.
    url: str | None = None
    # Plain text: the question the snippet's passage answers (questionnaires), else None.
    snippet_section: str | None = None
    # The section as shown before the snippet: "Formål:", but "Bruges den aktivt?" as is.
    snippet_label: str | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "snippet_label", label_with_separator(self.snippet_section))


def hit_for(doc: Document, score: float, highlighter: Highlighter,
            repetition: Callable[[str], float]) -> Hit:
    """A matching document as one hit (either backend): its fields, score and snippet."""
    snippet = highlighter.snippet(doc.text, title=doc.title, sections=doc.sections,
                                  repetition=repetition)
    return Hit(id=doc.id, title=doc.title, municipality=doc.municipality, year=doc.year,
               date=doc.date, doctype=doc.doctype, language=doc.language,
               score=round(score, 4), snippet=snippet.html,
               snippet_section=snippet.section, url=doc.url)


# A label already ending like this reads as one; a ":" after it would be doubled punctuation.
_ENDS_A_LABEL = tuple("?!.:;…")


def label_with_separator(section: str | None) -> str | None:
    """The section as a label before the text it heads: with ":" unless it ends in punctuation."""
    if not section:
        return None
    return section if section.endswith(_ENDS_A_LABEL) else f"{section}:"


@dataclass(frozen=True)
class FacetValue:
    """A facet's value and how many matching documents have it."""

    value: str
    count: int


@dataclass
class SearchResult:
    """One page of hits, with the facet counts of every match."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # "Did you mean": the whole query with unknown words corrected, or None.
    suggestion: str | None = None
    # Set when the query could not be parsed as written and was searched as plain words,
    # or when it was relaxed.
    notice: str | None = None
    # False: total and facets count the documents matching the whole query. True: all the
    # words together found less than a page, so total and facets count the documents
    # matching most of the words (ranked after those matching all, which exact_total counts).
    relaxed: bool = False
    exact_total: int = 0
    # Per facet, how many of the documents its counts cover have no value (no year, ...):
    # with a year range, the documents without a year that it keeps (open) or leaves out
    # (closed).
    without_value: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def facet_values(name: str, counts: Counter[str], active: Iterable[str]) -> list[FacetValue]:
    """A facet's values with counts (active values kept even at 0), most frequent first or,
    as the filter declares (years), by value descending."""
    values = {value: count for value, count in counts.items() if value}
    for value in active:
        values.setdefault(str(value), 0)
    if filter_named(name).order == "descending":
        ordered = sorted(values.items(), key=lambda item: item[0], reverse=True)
    else:
        ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    return [FacetValue(value, count) for value, count in ordered]
