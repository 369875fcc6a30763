"""The surface words of a build and how many documents hold each: "did you mean" and typeahead.

Kept beside the index as one small file per build (word, tab, document count, sorted) rather
than as a Whoosh field: a field costs a posting per word per document (a fifth of the indexing
time and a third of the index), this costs one line per distinct word. Close words are found
with Whoosh's Levenshtein automaton run over the sorted word list.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

from soev_search.analysis import normalize

SPELLING_FILE = "spelling.tsv"
# Letters only, at least three: digits and short words make poor suggestions.
_SURFACE_WORD = re.compile(r"[^\W\d_]{3,}")


def surface_words(text: str) -> set[str]:
    """The distinct lower-cased words of a text, as typed (no folding, no stemming)."""
    return set(_SURFACE_WORD.findall(text.lower()))


class SpellingWords:
    """Word → number of documents containing it."""

    def __init__(self, frequencies: Counter[str] | None = None) -> None:
        self.frequencies: Counter[str] = frequencies if frequencies is not None else Counter()
        self._sorted: list[str] | None = None

    def add(self, words: Iterable[str]) -> None:
        self.frequencies.update(words)
        self._sorted = None

    def merge(self, counts: Counter[str]) -> None:
        """Add the document counts of another set of documents (a rebuild worker's chunk)."""
        self.frequencies.update(counts)
        self._sorted = None

    def remove(self, words: Iterable[str]) -> None:
        for word in words:
            left = self.frequencies[word] - 1
            if left > 0:
                self.frequencies[word] = left
            else:
                self.frequencies.pop(word, None)
        self._sorted = None

    def frequency(self, word: str) -> int:
        return self.frequencies.get(word, 0)

    def items(self) -> Iterator[tuple[str, int]]:
        return iter(self.frequencies.items())

    def within(self, word: str, distance: int, prefix: int = 0) -> Iterator[str]:
        """Words within `distance` edits of `word` sharing its first `prefix` letters."""
        words = self._words()
        dfa = levenshtein_automaton(word, distance, prefix).to_dfa()

        def first_at_or_after(text: str) -> str | None:
            at = bisect.bisect_left(words, text)
            return words[at] if at < len(words) else None

        return find_all_matches(dfa, first_at_or_after)

    def _words(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.frequencies)
        return self._sorted

    def save(self, build: Path) -> None:
        """Write a new file and rename it over the old one: an updated build shares its other
        files with the previous build by hard links, so nothing is ever written in place."""
        lines = (f"{word}\t{count}\n" for word, count in sorted(self.frequencies.items()))
        temp = build / f"{SPELLING_FILE}.tmp"
        temp.write_text("".join(lines), encoding="utf-8")
        os.replace(temp, build / SPELLING_FILE)

    @classmethod
    def load(cls, build: Path) -> SpellingWords:
        """The build's words; none for a build made before this file existed."""
        try:
            text = (build / SPELLING_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        frequencies: Counter[str] = Counter()
        for line in text.splitlines():
            word, _, count = line.partition("\t")
            if word and count.isdigit():
                frequencies[word] = int(count)
        return cls(frequencies)


class Completions:
    """Typeahead: the words of a build starting with a folded prefix, most frequent first."""

    def __init__(self, spelling: SpellingWords) -> None:
        self._words = sorted((normalize(word), word, frequency)
                             for word, frequency in spelling.items())

    def complete(self, folded_prefix: str, limit: int) -> list[str]:
        low = bisect.bisect_left(self._words, (folded_prefix,))
        found = []
        for folded, surface, frequency in self._words[low:]:
            if not folded.startswith(folded_prefix):
                break
            found.append((-frequency, surface))
        return [surface for _, surface in sorted(found)[:limit]]
