""""Did you mean": unknown words of a query replaced by the most frequent close word."""

from __future__ import annotations

from collections.abc import Callable

from whoosh.reading import IndexReader

from soev_search.analysis import DanishAnalyzer
from soev_search.query import DEFAULT_FIELDS, Node, Word, positive_leaves
from soev_search.spelling import SpellingWords
from soev_search.synonyms import Synonyms


class Suggester:
    """A word is known when its terms are in the index or it is a synonyms entry (it finds
    the documents of its synonyms); an unknown word gets the most frequent word of the
    build's spelling list within two edits that is known."""

    def __init__(self, analyzer: DanishAnalyzer, reader: IndexReader,
                 spelling: Callable[[], SpellingWords], synonyms: Synonyms) -> None:
        self.analyzer = analyzer
        self.reader = reader
        self.synonyms = synonyms
        # Called only for an unknown word: most queries never need the word list.
        self.spelling = spelling

    def suggest(self, raw: str, tree: Node | None) -> str | None:
        suggestion = raw
        changed = False
        for node in positive_leaves(tree):
            if not isinstance(node, Word) or self._known(node.text):
                continue
            correction = self._closest(node.text)
            if correction:
                suggestion = suggestion.replace(node.text, correction, 1)
                changed = True
        return suggestion if changed else None

    def _known(self, word: str) -> bool:
        terms = self.analyzer.terms(word, index=False)
        return not terms or bool(self.synonyms.of(terms)) or all(
            any(self.reader.doc_frequency(field, term) for field in DEFAULT_FIELDS)
            for term in terms)

    def _closest(self, word: str) -> str | None:
        lowered = word.lower()
        if len(lowered) < 4 or not lowered.isalpha():
            return None
        spelling = self.spelling()
        for distance in (1, 2):
            candidates = [c for c in spelling.within(lowered, distance, prefix=1)
                          if c != lowered and self._known(c)]
            if candidates:
                return max(candidates, key=lambda c: (spelling.frequency(c), c))
        return None
