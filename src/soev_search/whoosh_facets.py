"""Facet columns of one Whoosh build, and disjunctive facet counting over a matching set.

Each single-valued filter field is a sortable Whoosh column, read once per build into a list
by docnum. Counting then needs no index access: each facet's counts respect every active
filter but its own, so a user can widen a choice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from whoosh.reading import IndexReader

from soev_search.analysis import normalize
from soev_search.results import SearchRequest

DATE_FIELD = "date"


class FacetColumns:
    """The facet columns, live docnums, newest-first date rank and stored spelling of every
    filter value of one build."""

    def __init__(self, reader: IndexReader, column_fields: tuple[str, ...],
                 keyword_fields: tuple[str, ...]) -> None:
        self.fields = column_fields
        self.columns = {name: read_column(reader, name) for name in (*column_fields, DATE_FIELD)}
        self.alive = list(reader.all_doc_ids())
        dates = self.columns[DATE_FIELD]
        newest_first = sorted(range(len(dates)), key=lambda d: (dates[d], -d), reverse=True)
        self.date_rank = [0] * len(dates)
        for rank, docnum in enumerate(newest_first):
            self.date_rank[docnum] = rank
        # Filters may name a value in any case or spelling: "aalborg", "Hilleroed".
        self.canonical = {
            name: {normalize(value): value for value in set(self.columns[name]) if value}
            for name in column_fields
        }
        for name in keyword_fields:
            self.canonical[name] = {normalize(term): term for term in reader.field_terms(name)}

    def resolve(self, field: str, value: str) -> str | None:
        """The stored value a filter means, or None when no document has it."""
        return self.canonical.get(field, {}).get(normalize(value.strip()))

    def count(self, docnums: Iterable[int],
              request: SearchRequest) -> tuple[list[int], dict[str, Counter[str]]]:
        """Matching docnums and, per facet, counts under all filters but the facet's own."""
        columns = self.columns
        active = []
        for name in self.fields:
            accepts = self._accepts(name, request)
            if accepts is not None:
                active.append((name, columns[name], accepts))
        if not active:
            matching = list(docnums)
            return matching, {name: Counter(map(columns[name].__getitem__, matching))
                              for name in self.fields}
        counts: dict[str, Counter[str]] = {name: Counter() for name in self.fields}
        matching = []
        for docnum in docnums:
            failed = [name for name, column, accepts in active if not accepts(column[docnum])]
            if not failed:
                matching.append(docnum)
                for name in self.fields:
                    counts[name][columns[name][docnum]] += 1
            elif len(failed) == 1:
                counts[failed[0]][columns[failed[0]][docnum]] += 1
        return matching, counts


    def _accepts(self, name: str, request: SearchRequest) -> Callable[[str], bool] | None:
        """Whether a stored value passes the request's filter `name` (its values and its
        range, both when both are given); None when the request does not filter on it."""
        values = getattr(request, name)
        allowed = {self.resolve(name, str(v)) for v in values} - {None} if values else None
        span = request.value_range(name)
        if span is None:
            return None if allowed is None else allowed.__contains__
        if allowed is None:
            return span.contains
        return lambda value: value in allowed and span.contains(value)


def read_column(reader: IndexReader, name: str) -> list[str]:
    """A facet column as a list by docnum ("" = no value). Per segment: Whoosh's combined
    column reader leaves out segments where no document has the field."""
    values: list[str] = []
    for leaf, offset in reader.leaf_readers():
        assert offset == len(values)
        if leaf.has_column(name):
            values.extend(leaf.column_reader(name))
        else:
            values.extend([""] * leaf.doc_count_all())
    return values
