"""The filters a search can be narrowed by: one declaration each, everything else derived.

From `FILTERS` come the `SearchRequest` fields, the index fields (`schema`), facet counting,
the query language's `field:value` names, the web's parameters and their OpenAPI description,
the page's facets and labels, and the CLI's `soev-index search` options.

Adding a filter is one `Filter` entry (with how its values are read from a `Document`) here.
A filter of kind "values" accepts a set of values (OR within a filter, AND across filters).
Another kind (a range, `year:2017..2019`) would be one more `kind` with its own request
fields, parsing and matching, declared the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from soev_search import settings
from soev_search.document import DOCTYPES, SOURCES, Document

YEAR_RANGE = (1900, 2100)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")

FilterKind = Literal["values"]
ValueOrder = Literal["count", "descending"]


class FilterValueError(ValueError):
    """A filter value of the wrong type or out of bounds; the message is Danish, for people."""


@dataclass(frozen=True)
class Filter:
    name: str  # the SearchRequest field, the API parameter, the CLI option and the index field
    label: str  # Danish, for the page
    description: str  # English, for the OpenAPI description and the CLI help
    # The document's values as the index stores them (strings; none when it has no value).
    read: Callable[[Document], tuple[str, ...]]
    value_type: type = str
    # A document may have several values: indexed as keywords, filtered through the query,
    # not counted. A single-valued filter is a column, counted in stats().
    multi_valued: bool = False
    facet: bool = False  # counted and shown with every result (disjunctive faceting)
    aliases: tuple[str, ...] = ()  # more names for `name:value` in the query language
    # Raises FilterValueError for a value outside the filter's domain.
    check: Callable[[Any], None] | None = None
    openapi: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    order: ValueOrder = "count"  # how facet values are listed
    kind: FilterKind = "values"

    def request_fields(self) -> list[tuple[str, type, Any]]:
        """The SearchRequest fields this filter adds: (name, type, default). A "values"
        filter adds one tuple of accepted values; a range kind would add its two bounds."""
        return [(self.name, tuple, ())]

    def parse(self, raw: str) -> Any:
        """One value as typed (URL, CLI) → the request's value; FilterValueError if wrong."""
        value = raw.strip()
        longest = settings.current().max_value_chars
        if len(value) > longest:
            raise FilterValueError(f"Filterværdien er for lang: højst {longest} tegn.")
        converted = _to_int(value, self.label) if self.value_type is int else value
        if self.check is not None:
            self.check(converted)
        return converted


def _to_int(value: str, label: str) -> int:
    if not value.isascii() or not value.isdigit():
        raise FilterValueError(f"{label} skal være et tal, ikke '{value[:20]}'.")
    return int(value[:9]) if len(value) <= 9 else 10**9  # longer is out of range anyway


def _check_year(year: int) -> None:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise FilterValueError(f"Årstallet skal ligge mellem {YEAR_RANGE[0]} og {YEAR_RANGE[1]}.")


def _check_doctype(value: str) -> None:
    if value not in DOCTYPES:
        raise FilterValueError(
            f"Ukendt dokumenttype '{value[:20]}'. Brug en af: {', '.join(DOCTYPES)}.")


def _check_source(value: str) -> None:
    if value not in SOURCES:
        raise FilterValueError(f"Ukendt kilde '{value[:20]}'. Brug en af: {', '.join(SOURCES)}.")


def _check_language(value: str) -> None:
    if not LANGUAGE_CODE.match(value):
        raise FilterValueError("Sproget skal være en sprogkode som 'da' eller 'en'.")


def _one(value: object) -> tuple[str, ...]:
    return () if value is None or value == "" else (str(value),)


FILTERS: tuple[Filter, ...] = (
    Filter("municipality", "Kommune", "Only documents of these municipalities.",
           read=lambda doc: _one(doc.municipality), facet=True, aliases=("kommune",)),
    Filter("year", "År", "Only documents from these years.",
           read=lambda doc: _one(doc.year), value_type=int, facet=True, aliases=("år", "aar"),
           check=_check_year, order="descending",
           openapi={"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]}),
    Filter("doctype", "Dokumenttype", "Only these document types.",
           read=lambda doc: _one(doc.doctype), facet=True, aliases=("type",),
           check=_check_doctype, openapi={"type": "string", "enum": list(DOCTYPES)}),
    Filter("language", "Sprog", "Only documents in these languages (ISO 639-1 codes, e.g. da).",
           read=lambda doc: _one(doc.language), facet=True, aliases=("sprog",),
           check=_check_language, openapi={"type": "string", "pattern": LANGUAGE_CODE.pattern}),
    Filter("source", "Kilde", "Only documents from these sources.",
           read=lambda doc: _one(doc.source), aliases=("kilde",), check=_check_source,
           openapi={"type": "string", "enum": list(SOURCES)}),
    Filter("mentions", "Nævner kommunen", "Only documents whose text names these "
           "municipalities.", read=lambda doc: tuple(doc.municipalities_mentioned),
           multi_valued=True, aliases=("nævner", "naevner")),
)

FILTER_NAMES = tuple(f.name for f in FILTERS)
# Counted and shown with every result.
FACETS = tuple(f.name for f in FILTERS if f.facet)
# One value per document: a column of the index.
COLUMN_FILTERS = tuple(f.name for f in FILTERS if not f.multi_valued)
# Several values per document: keywords of the index.
KEYWORD_FILTERS = tuple(f.name for f in FILTERS if f.multi_valued)
_BY_NAME = {f.name: f for f in FILTERS}
assert not any(f.facet and f.multi_valued for f in FILTERS), "multi-valued facets are not counted"


def filter_named(name: str) -> Filter:
    return _BY_NAME[name]


def query_field_names() -> dict[str, str]:
    """Each name a query may use for a filter (`kommune:Aalborg`) → the filter's name."""
    return {alias: f.name for f in FILTERS for alias in (f.name, *f.aliases)}
