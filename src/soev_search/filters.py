"""The filters a search can be narrowed by: one declaration each, everything else derived.

From `FILTERS` come the `SearchRequest` fields, the index fields (`schema`), facet counting,
the query language's `field:value` names, the web's parameters and their OpenAPI description,
the page's facets and labels, and the CLI's `soev-index search` options.

Adding a filter is one `Filter` entry (with how its values are read from a `Document`) here.
A filter of kind "values" accepts a set of values (OR within a filter, AND across filters).
A filter declared `ranged` also accepts a range of values (`year:2017..2019`; the request
fields, API parameters and CLI options `year_from`/`year_to`, `--year-from/--year-to`); the
range and the set, when both are given, must both hold. `ValueRange.contains` says how a
document without a value fares: left out of a closed range, kept by an open one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from soev_search import settings
from soev_search.analysis import normalize
from soev_search.document import DOCTYPES, SOURCES, Document

YEAR_RANGE = (1900, 2100)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")

FilterKind = Literal["values"]
ValueOrder = Literal["count", "descending"]


class FilterValueError(ValueError):
    """A filter value of the wrong type or out of bounds; the message is Danish, for people."""


@dataclass(frozen=True)
class ValueRange:
    """low..high of a ranged filter, both ends included; either end may be open (None)."""

    low: int | None = None
    high: int | None = None

    def contains(self, stored: str) -> bool:
        """Whether a stored value ("" = the document has none) lies in the range.

        A document without a value is left out of a closed range (2017..2019) and kept by an
        open one (2017.., ..2019): an open range bounds one side only, and a value nobody
        knows is not known to lie outside it. Never silently dropped, never counted in."""
        if not stored:
            return self.low is None or self.high is None
        value = int(stored)
        return ((self.low is None or value >= self.low)
                and (self.high is None or value <= self.high))

    @property
    def closed(self) -> bool:
        return self.low is not None and self.high is not None

    def __str__(self) -> str:
        """As the query language writes it: "2017..2019", "2017..", "..2019"."""
        return f"{'' if self.low is None else self.low}..{'' if self.high is None else self.high}"


@dataclass(frozen=True)
class Filter:
    """A filter's declaration: request field, API parameter, CLI option and index field."""

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
    # Also a range of values (int filters): `name:low..high`, `name_from`/`name_to`.
    ranged: bool = False
    range_labels: tuple[str, str] = ("Fra", "Til")  # Danish, for the page's range control

    @property
    def range_params(self) -> tuple[str, str]:
        """The request fields, API parameters and (with - for _) CLI options of the ends."""
        return f"{self.name}_from", f"{self.name}_to"

    def value_range(self, low: int | None, high: int | None) -> ValueRange | None:
        """The range from two parsed ends (None = open); None when both are open."""
        if low is None and high is None:
            return None
        if low is not None and high is not None and low > high:
            raise FilterValueError(
                f"{self.label}: intervallets start ({low}) ligger efter dets slutning ({high}).")
        return ValueRange(low, high)

    def parse_range(self, raw: str) -> ValueRange:
        """"2017..2019", "2017.." or "..2019" (query language) → a ValueRange."""
        low, dots, high = raw.strip().partition("..")
        span = self.value_range(*(self.parse(end) if end.strip() else None
                                  for end in (low, high))) if dots else None
        if span is None:
            raise FilterValueError(f"{self.label}: skriv et interval som 2017..2019, 2017.. "
                                   "eller ..2019.")
        return span

    def request_fields(self) -> list[tuple[str, type, Any]]:
        """The SearchRequest fields this filter adds: (name, type, default). A "values"
        filter adds one tuple of accepted values; a ranged one also its two ends."""
        ends = [(param, int | None, None) for param in self.range_params] if self.ranged else []
        return [(self.name, tuple, ()), *ends]

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
           check=_check_year, order="descending", ranged=True, range_labels=("Fra år", "Til år"),
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
# Also accept a range of values.
RANGED_FILTERS = tuple(f.name for f in FILTERS if f.ranged)
# The request fields of the ranges' ends, in order: year_from, year_to.
RANGE_PARAMS = tuple(param for f in FILTERS if f.ranged for param in f.range_params)
_BY_NAME = {f.name: f for f in FILTERS}
assert not any(f.facet and f.multi_valued for f in FILTERS), "multi-valued facets are not counted"
assert all(f.value_type is int and not f.multi_valued for f in FILTERS if f.ranged), \
    "only single-valued integer filters are ranged"


def filter_named(name: str) -> Filter:
    return _BY_NAME[name]


def query_field_names() -> dict[str, str]:
    """Each name a query may use for a filter (`kommune:Aalborg`) → the filter's name."""
    return {alias: f.name for f in FILTERS for alias in (f.name, *f.aliases)}


def stored_value(stored: dict[str, str], typed: str) -> str | None:
    """The stored value a filter value means, from `stored` (folded value → value as stored),
    or None when no document has it. A municipality may be named with its "Kommune"
    ("Roskilde Kommune")."""
    key = normalize(typed.strip())
    found = stored.get(key)
    if found is None and key.endswith(" kommune"):
        found = stored.get(key.removesuffix(" kommune").rstrip())
    return found
