""""Did you mean": unknown words of a query replaced by the most frequent close known word.

The same for both backends; each supplies what is in its index (`KnownWords`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from soev_search.analysis import DanishAnalyzer
from soev_search.query import Node, Word, positive_leaves
from soev_search.synonyms import Synonyms

if TYPE_CHECKING:
    from soev_search.spelling import SpellingWords

# words → those all of whose query terms occur in some title or text (a word without terms
# included). Asked for many words at once, so a backend can look them up in one round trip.
KnownWords = Callable[[list[str]], list[str]]


class Suggester:
    """A word is known when its terms are in the index or it is a synonyms entry (it finds
    the documents of its synonyms); an unknown word gets the most frequent word of the
    build's spelling list within two edits that is known."""

    def __init__(self, analyzer: DanishAnalyzer, synonyms: Synonyms, known: KnownWords,
                 spelling: Callable[[], SpellingWords]) -> None:
        self.analyzer = analyzer
        self.synonyms = synonyms
        self.known_in_index = known
        # Called only for an unknown word: most queries never need the word list.
        self.spelling = spelling

    def suggest(self, raw: str, tree: Node | None) -> str | None:
        suggestion = raw
        changed = False
        for node in positive_leaves(tree):
            if not isinstance(node, Word) or self._known([node.text]):
                continue
            correction = self._closest(node.text)
            if correction:
                suggestion = suggestion.replace(node.text, correction, 1)
                changed = True
        return suggestion if changed else None

    def _known(self, words: list[str]) -> list[str]:
        entries = {word for word in words if self._is_entry(word)}
        others = [word for word in words if word not in entries]
        found = set(self.known_in_index(others)) if others else set()
        return [word for word in words if word in entries or word in found]

    def _is_entry(self, word: str) -> bool:
        return bool(self.synonyms.of(self.analyzer.terms(word, index=False)))

    def _closest(self, word: str) -> str | None:
        lowered = word.lower()
        if len(lowered) < 4 or not lowered.isalpha():
            return None
        spelling = self.spelling()
        for distance in (1, 2):
            candidates = self._known(
                [c for c in spelling.within(lowered, distance, prefix=1) if c != lowered])
            if candidates:
                return max(candidates, key=lambda c: (spelling.frequency(c), c))
        return None
