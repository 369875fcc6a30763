"""The contract between the search library and its callers (CLI, web, embed, feeds)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FACETS = ("municipality", "year", "doctype", "language")
SortOrder = Literal["relevance", "date"]


@dataclass(frozen=True)
class SearchRequest:
    query: str = ""
    # Each filter holds the accepted values of one facet: OR within a facet, AND across facets.
    municipality: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    doctype: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    # Documents whose cleaned text names this municipality (municipalities_mentioned).
    mentions: tuple[str, ...] = ()
    sort: SortOrder = "relevance"
    page: int = 1
    per_page: int = 10


@dataclass(frozen=True)
class Hit:
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
    # Plain text: the question the snippet's passage answers (questionnaires), else None.
    snippet_section: str | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # "Did you mean": the whole query with unknown words corrected, or None.
    suggestion: str | None = None
    # Set when the query could not be parsed as written and was searched as plain words.
    notice: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
