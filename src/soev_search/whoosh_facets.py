"""Facet columns of one Whoosh build, and disjunctive facet counting over a matching set.

Each single-valued filter field is a sortable Whoosh column. Per build it is held compactly:
the distinct values once and a small-integer code per docnum (an array, 2 bytes per document
and field instead of a list of Python strings), with the newest-first date rank and the live
docnums as arrays too. Reading the Whoosh columns costs about 30 µs per document, so the
builder saves this form beside the index (`facets.bin`) and opening a build reads that file
instead; a build without it (or with a stale one) is read from its columns. Counting then
needs no index access: each facet's counts respect every active filter but its own, so a user
can widen a choice.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from whoosh.reading import IndexReader

from soev_search.analysis import normalize
from soev_search.filters import stored_value
from soev_search.results import SearchRequest

DATE_FIELD = "date"
FACETS_FILE = "facets.bin"
FORMAT = 1


class FacetColumns:
    """The facet columns (distinct values and a code per docnum), live docnums, newest-first
    date rank and stored spelling of every filter value of one build."""

    def __init__(self, values: dict[str, list[str]], codes: dict[str, array],
                 date_rank: array, alive: Sequence[int], documents: int,
                 keyword_values: dict[str, Iterable[str]]) -> None:
        self.fields = tuple(values)
        self.values = values  # field → distinct values, "" (no value) first
        self.codes = codes  # field → value index per docnum
        self.date_rank = date_rank
        self.alive = alive
        self.documents = documents  # docnums, deleted ones included
        # Filters may name a value in any case or spelling: "aalborg", "Hilleroed".
        self.canonical = {name: {normalize(v): v for v in field_values if v}
                          for name, field_values in values.items()}
        for name, terms in keyword_values.items():
            self.canonical[name] = {normalize(term): term for term in terms}

    @classmethod
    def read(cls, reader: IndexReader, column_fields: tuple[str, ...],
             keyword_fields: tuple[str, ...]) -> FacetColumns:
        """From the index's own columns (every document's values, in Python: the slow way)."""
        columns = {name: read_column(reader, name) for name in (*column_fields, DATE_FIELD)}
        alive: Sequence[int] = (range(reader.doc_count_all()) if not reader.has_deletions()
                                else array("I", reader.all_doc_ids()))
        return cls.from_columns(columns, alive,
                                {name: list(reader.field_terms(name)) for name in keyword_fields})

    @classmethod
    def from_columns(cls, columns: dict[str, list[str]], alive: Sequence[int],
                     keyword_values: dict[str, Iterable[str]]) -> FacetColumns:
        """From every document's value of each column field and of the date ("" = none), by
        docnum: what a rebuild's writers saw, so it need not read the columns back."""
        values, codes = {}, {}
        for name, column in columns.items():
            if name != DATE_FIELD:
                values[name], codes[name] = _encode(column)
        dates = columns[DATE_FIELD]
        newest_first = sorted(range(len(dates)), key=lambda d: (dates[d], -d), reverse=True)
        date_rank = array("I", bytes(4 * len(dates)))
        for rank, docnum in enumerate(newest_first):
            date_rank[docnum] = rank
        return cls(values, codes, date_rank, alive, len(dates), keyword_values)

    @classmethod
    def open(cls, build: Path, reader: IndexReader, column_fields: tuple[str, ...],
             keyword_fields: tuple[str, ...]) -> FacetColumns:
        """The build's saved facets when they match this index, else read from its columns."""
        try:
            return cls._load(build / FACETS_FILE, reader, column_fields, keyword_fields)
        except (OSError, ValueError, KeyError, EOFError):
            return cls.read(reader, column_fields, keyword_fields)

    def save(self, build: Path) -> None:
        """Write the compact form beside the index (before the build is published)."""
        header = {"format": FORMAT, "documents": self.documents,
                  "fields": {name: {"values": self.values[name], "type": self.codes[name].typecode}
                             for name in self.fields},
                  "alive": None if isinstance(self.alive, range) else len(self.alive)}
        with open(build / FACETS_FILE, "wb") as out:
            out.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
            for name in self.fields:
                self.codes[name].tofile(out)
            self.date_rank.tofile(out)
            if not isinstance(self.alive, range):
                array("I", self.alive).tofile(out)

    @classmethod
    def _load(cls, path: Path, reader: IndexReader, column_fields: tuple[str, ...],
              keyword_fields: tuple[str, ...]) -> FacetColumns:
        with open(path, "rb") as source:
            header = json.loads(source.readline())
            documents = header["documents"]
            if (header["format"] != FORMAT or documents != reader.doc_count_all()
                    or tuple(header["fields"]) != column_fields):
                raise ValueError("stale facets file")
            values, codes = {}, {}
            for name, spec in header["fields"].items():
                values[name] = spec["values"]
                codes[name] = _read_array(source, spec["type"], documents)
            date_rank = _read_array(source, "I", documents)
            alive: Sequence[int] = (range(documents) if header["alive"] is None
                                    else _read_array(source, "I", header["alive"]))
        return cls(values, codes, date_rank, alive, documents,
                   {name: list(reader.field_terms(name)) for name in keyword_fields})

    def resolve(self, field: str, value: str) -> str | None:
        """The stored value a filter means, or None when no document has it."""
        return stored_value(self.canonical.get(field, {}), value)

    def value(self, field: str, docnum: int) -> str:
        return self.values[field][self.codes[field][docnum]]

    def count(self, docnums: Iterable[int],
              request: SearchRequest) -> tuple[array, dict[str, Counter[str]]]:
        """Matching docnums (an array) and, per facet, counts under all filters but the
        facet's own."""
        codes = self.codes
        active = []
        for name in self.fields:
            accepts = self._accepts(name, request)
            if accepts is not None:
                allowed = {code for code, value in enumerate(self.values[name]) if accepts(value)}
                active.append((name, codes[name], allowed))
        if not active:
            matching = docnums if isinstance(docnums, array) else array("I", docnums)
            return matching, {name: self._named(name, Counter(map(codes[name].__getitem__,
                                                                  matching)))
                              for name in self.fields}
        by_code: dict[str, Counter[int]] = {name: Counter() for name in self.fields}
        matching = array("I")
        for docnum in docnums:
            failed = [name for name, column, allowed in active if column[docnum] not in allowed]
            if not failed:
                matching.append(docnum)
                for name in self.fields:
                    by_code[name][codes[name][docnum]] += 1
            elif len(failed) == 1:
                by_code[failed[0]][codes[failed[0]][docnum]] += 1
        return matching, {name: self._named(name, counted) for name, counted in by_code.items()}

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

    def _named(self, field: str, by_code: Counter[int]) -> Counter[str]:
        values = self.values[field]
        return Counter({values[code]: count for code, count in by_code.items()})


def _encode(column: list[str]) -> tuple[list[str], array]:
    """Distinct values ("" first) and each document's value as an index into them."""
    values = ["", *sorted(set(column) - {""})]
    code_of = {value: code for code, value in enumerate(values)}
    typecode = "H" if len(values) <= 0xFFFF else "I"
    return values, array(typecode, map(code_of.__getitem__, column))


def _read_array(source, typecode: str, length: int) -> array:
    found = array(typecode)
    found.fromfile(source, length)  # EOFError when the file is short
    return found


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
