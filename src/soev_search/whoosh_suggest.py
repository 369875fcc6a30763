""""Did you mean" on Whoosh: the words known to the index, by their terms' doc frequency."""

from __future__ import annotations

from whoosh.reading import IndexReader

from soev_search.analysis import DanishAnalyzer
from soev_search.query import DEFAULT_FIELDS
from soev_search.suggest import KnownWords


def known_words(analyzer: DanishAnalyzer, reader: IndexReader) -> KnownWords:
    """The words all of whose terms are in some title or text field of the index."""
    def known(words: list[str]) -> list[str]:
        return [word for word in words if all(
            any(reader.doc_frequency(field, term) for field in DEFAULT_FIELDS)
            for term in analyzer.terms(word, index=False))]
    return known
