"""Danish text analysis, the same at index and query time.

A word becomes a term in four steps: lower-case; fold to one spelling (so ``socialøkonomi``,
``socialoekonomi``, ``socialokonomi`` and ``SOCIALØKONOMI`` meet); drop stop words; Snowball
Danish stemming with stem families (``socialøkonomiske`` → ``socialøkonomi``). At index time
a compound word also yields its parts (``partnerskabsaftalens`` → ``partnerskab``, ``aftal``)
at its own position, so a search for a part finds the compound. The parts come from a
vocabulary (`Vocabulary`): a shipped Danish lexicon merged with the words the corpus uses on
their own, never from guesses.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

import Stemmer
from whoosh.lang import stopwords_for_language

from soev_search.municipalities import all_municipalities

# Letters and digits, with single hyphens inside a word ("e-mail", "COVID-19").
WORD_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

# Compound parts shorter than this are never split off: "st|rand", "af|tale" stay whole.
MIN_PART = 4
# A word must occur this often on its own in the corpus to be a compound part.
MIN_PART_COUNT = 2
# Danish joins compound parts with nothing, -s- or -e- ("partnerskab-s-aftale", "børn-e-have").
LINKING_LETTERS = ("", "s", "e")
# Derivational endings that are also words: "partner|skab" is no compound of "skab", nor
# "deporte|ring" of "ring", "sekund|ært" of "ært" or "arbejd|sløs" (arbejd-s-løs) of "sløs".
NOT_PARTS = frozenset({"skab", "else", "ende", "inde", "ning", "lige", "agtig",
                       "ring", "ling", "ener", "aner", "gend", "aert", "slos"})
# Compounds with more parts than this, or longer than this, are left whole (bounds the work).
MAX_PARTS = 4
MAX_COMPOUND = 40
# Package data: Danish stems that are compound parts even when the corpus never uses them alone.
LEXICON_FILE = "lexicon.tsv"
# Distinct raw word forms whose analysis a DanishAnalyzer remembers (a few tens of MB at most).
PIECE_CACHE_SIZE = 500_000

_FOLD_TABLE = str.maketrans({"å": "aa", "æ": "ae", "ø": "o"})


def fold(word: str) -> str:
    """One spelling for the ways Danish is typed without æ, ø, å.

    ø, oe and o all become o (the four spellings of "socialøkonomi" meet); æ becomes ae,
    å becomes aa; other accents are dropped (café → cafe). Applied to the lower-cased word
    on both sides, so "Aarhus"/"Århus" and "Hillerød"/"Hilleroed" meet too.
    """
    folded = word.translate(_FOLD_TABLE)
    while "oe" in folded:
        folded = folded.replace("oe", "o")
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded


STOP_WORDS = frozenset(fold(word) for word in stopwords_for_language("da"))
# Municipality names are not stemmed or split: "Randers" is no form of "rand". Names that
# are also everyday words keep their stemming ("vejen" is "the road" as well as Vejen).
_EVERYDAY_NAMES = {"vejen", "brande", "skive", "odder", "tonder", "faxe"}
PROPER_NAMES = frozenset(
    fold(piece.lower())
    for municipality in all_municipalities()
    for name in (municipality.name, *municipality.aliases)
    for piece in re.split(r"[-\s]+", name)
    if piece
) - _EVERYDAY_NAMES
# PyStemmer (the Snowball project's C stemmers) is three times faster than Whoosh's pure-Python
# Snowball and imports in 1 ms instead of 40 (Whoosh loads every language's stemmer at once).
# One stemmer per thread: PyStemmer's objects are not thread-safe.
_stemmers = threading.local()


def _snowball(word: str) -> str:
    try:
        stemmer = _stemmers.danish
    except AttributeError:
        stemmer = _stemmers.danish = Stemmer.Stemmer("danish")
    return stemmer.stemWord(word)


@lru_cache(maxsize=200_000)
def stem(folded: str) -> str:
    """The word's stem family: `base_stem`, with an adjective in -isk joined to its noun
    ("socialøkonomiske" → "socialøkonomi", "politisk" → "politik") when the lexicon knows it."""
    if folded in PROPER_NAMES:
        return folded
    if folded.endswith("s") and folded[:-1] in PROPER_NAMES:  # genitive: "Aalborgs"
        return folded[:-1]
    return _family(base_stem(folded))


def base_stem(folded: str) -> str:
    """Snowball Danish, plus "-hed" once more so "virksomhedernes" meets "virksomhed". Snowball
    removes one ending, so an inflected form can keep a letter that the bare word loses
    ("indsatsen" → "indsats" but "indsats" → "indsat", "caféen" → "cafe" but "café" → "caf"):
    that final -s or -e goes too, as it does from the bare word."""
    stemmed = _snowball(folded)
    if stemmed != folded and stemmed[-1:] in ("s", "e") and _snowball(stemmed) == stemmed[:-1]:
        stemmed = stemmed[:-1]
    if stemmed.endswith("hed") and len(stemmed) - 3 >= MIN_PART:
        stemmed = stemmed[:-3]
    return stemmed


# A noun must end in a lexicon word at least this long to take in its -isk adjective.
MIN_FAMILY_TAIL = 5


def _family(stemmed: str) -> str:
    """"-isk" adjectives are derived from nouns in -i ("økonomi") or -ik ("politik"); the
    noun that ends in the longer lexicon word (the more frequent, if as long) stands for the
    family: "økologisk" → "økologi", not "øko|logik"."""
    if not stemmed.endswith("isk") or len(stemmed) < MIN_FAMILY_TAIL + 1:
        return stemmed
    known = lexicon()
    best, best_tail = stemmed, (0, 0)
    for noun in (stemmed[:-2], stemmed[:-3] + "ik"):
        # The longest lexicon word the noun ends in, and its frequency.
        tail = next(((len(noun) - start, known[noun[start:]])
                     for start in range(len(noun) - MIN_FAMILY_TAIL + 1)
                     if noun[start:] in known), (0, 0))
        if tail > best_tail:
            best, best_tail = noun, tail
    return best


@cache
def lexicon() -> dict[str, int]:
    """The shipped Danish lexicon: stem → how often it occurs in running text (see
    scripts/build_lexicon.py for its sources and licences)."""
    text = files("soev_search").joinpath("data", LEXICON_FILE).read_text(encoding="utf-8")
    entries = (line.split("\t") for line in text.splitlines() if line)
    return {entry[0]: int(entry[1]) for entry in entries}


@cache
def _lexicon_stems() -> frozenset[str]:
    return frozenset(map(_family, lexicon()))  # its entries are base stems already


def normalize(word: str) -> str:
    """The term one word (without hyphens) becomes, before the stop-word check."""
    return fold(word.lower())


@dataclass(frozen=True)
class Token:
    text: str
    position: int
    start: int
    end: int


@dataclass(frozen=True)
class Word:
    """A piece of text between separators, with its character span."""

    text: str
    start: int
    end: int


def words(text: str) -> Iterator[Word]:
    """Words without hyphens; a hyphenated word yields its pieces."""
    for match in WORD_RE.finditer(text):
        if "-" not in match.group():
            yield Word(match.group(), match.start(), match.end())
            continue
        offset = match.start()
        for piece in match.group().split("-"):
            yield Word(piece, offset, offset + len(piece))
            offset += len(piece) + 1


class Vocabulary:
    """Stems frequent enough on their own in the corpus to count as compound parts."""

    def __init__(self, stems: Iterable[str] = ()) -> None:
        self.stems = frozenset(stems)

    @classmethod
    def learn(cls, counts: Counter[str], min_count: int = MIN_PART_COUNT) -> Vocabulary:
        """The shipped lexicon's stems merged with those the corpus uses often enough."""
        learned = (word for word, count in counts.items() if count >= min_count)
        return cls(itertools.chain(cls.lexicon().stems, learned))

    @classmethod
    def lexicon(cls) -> Vocabulary:
        """The shipped lexicon alone (what is known before any corpus is seen)."""
        return cls(_lexicon_stems())

    def __len__(self) -> int:
        return len(self.stems)

    def __contains__(self, word: object) -> bool:
        """Whether a folded word is an inflection of a vocabulary stem."""
        return isinstance(word, str) and stem(word) in self.stems


def raw_words(text: str) -> list[str]:
    """The words of a text as found (hyphenated words whole): what part_counts counts."""
    return WORD_RE.findall(text)


def part_counts(word_counts: Counter[str]) -> Counter[str]:
    """Raw words (as WORD_RE finds them) and their counts → stems that could be compound parts
    and their counts. Counting raw words first (in C) and stemming each distinct one once is
    what keeps learning the vocabulary cheap on a large corpus."""
    counts: Counter[str] = Counter()
    for word, count in word_counts.items():
        for stemmed in _part_stems(word):
            counts[stemmed] += count
    return counts


@lru_cache(maxsize=200_000)  # a rebuild counts each chunk's words: most were seen before
def _part_stems(word: str) -> tuple[str, ...]:
    """The stems of a raw word's pieces that could be compound parts."""
    stems = []
    for piece in word.split("-"):
        folded = normalize(piece)
        if len(folded) >= MIN_PART and folded.isalpha() and folded not in STOP_WORDS:
            stemmed = stem(folded)
            if len(stemmed) >= MIN_PART and stemmed not in NOT_PARTS:
                stems.append(stemmed)
    return tuple(stems)


class Decompounder:
    """Splits a folded word into vocabulary words, preferring the fewest parts.

    Every part is at least MIN_PART letters and its stem too (so "virk|somhed" is no
    split), parts may be joined by a linking -s- or -e-, the last part may be inflected
    ("aftalens"), and derivational endings that are also words ("-skab") are not parts.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.split = lru_cache(maxsize=200_000)(self._split)
        self._segment = lru_cache(maxsize=200_000)(self._segment_uncached)

    def _split(self, word: str) -> tuple[str, ...]:
        """The stems of the parts, or () when the word is not a known compound."""
        if not (2 * MIN_PART <= len(word) <= MAX_COMPOUND) or not word.isalpha():
            return ()
        if stem(word) in PROPER_NAMES:
            return ()
        parts = self._modifier_and_rest(word, MAX_PARTS)
        return tuple(dict.fromkeys(stem(part) for part in parts)) if parts else ()

    def _segment_uncached(self, word: str, max_parts: int) -> tuple[str, ...] | None:
        if word in self.vocabulary:
            return (word,)
        return self._modifier_and_rest(word, max_parts) if max_parts > 1 else None

    def _modifier_and_rest(self, word: str, max_parts: int) -> tuple[str, ...] | None:
        best: tuple[str, ...] | None = None
        # A stem is a prefix of its word, so a modifier must be at least as long as the
        # shortest vocabulary stem the word starts with; most words start with none.
        stems = self.vocabulary.stems
        shortest = next((n for n in range(MIN_PART, len(word) - MIN_PART + 1)
                         if word[:n] in stems), None)
        if shortest is None:
            return None
        for cut in range(len(word) - MIN_PART, shortest - 1, -1):
            modifier = word[:cut]
            if modifier not in self.vocabulary:
                continue
            for link in LINKING_LETTERS:
                rest = word[cut + len(link):]
                if not word.startswith(link, cut) or len(rest) < MIN_PART:
                    continue
                tail = self._segment(rest, max_parts - 1)
                if tail is not None and (best is None or len(tail) + 1 < len(best)):
                    best = (modifier, *tail)
        return best


class DanishAnalyzer:
    """Text → terms. `index=True` adds compound parts and joined hyphenated words."""

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        self.decompounder = Decompounder(
            Vocabulary.lexicon() if vocabulary is None else vocabulary)
        self.word_terms = lru_cache(maxsize=200_000)(self._word_terms)
        # Raw piece → its terms: words follow Zipf's law, so after a few documents nearly
        # every piece is a dictionary hit instead of fold + stop check + stem + split.
        self._pieces: dict[str, tuple[str, ...]] = {}

    def tokens(self, text: str, index: bool = True) -> Iterator[Token]:
        for term, position, start, end in self.spans(text, index):
            yield Token(term, position, start, end)

    def spans(self, text: str, index: bool = True) -> Iterator[tuple[str, int, int, int]]:
        """(term, position, start, end) of every term: `tokens` without the objects, for the
        indexer's inner loop."""
        analysed = self._pieces.get
        position = 0
        for match in WORD_RE.finditer(text):
            word = match.group()
            if "-" in word:
                yield from self._hyphenated(word, match.start(), position, index)
                position += word.count("-") + 1
                continue
            terms = analysed(word) or self._analyse(word)
            if terms[0]:
                start, end = match.span()
                if index:
                    for term in terms:
                        yield term, position, start, end
                else:
                    yield terms[0], position, start, end
            # A stop word leaves a gap: "iværksættere, der er sociale" is no phrase match.
            position += 1

    def term_positions(self, text: str) -> dict[str, list[int]]:
        """Every index term of the text and its positions: `spans(text, index=True)` grouped
        by term, without the character offsets the index does not keep. The indexer's inner
        loop: one findall instead of a match object per word."""
        found: dict[str, list[int]] = {}
        analysed = self._pieces.get
        position = 0
        for word in WORD_RE.findall(text):
            if "-" in word:
                for term, at, _, _ in self._hyphenated(word, 0, position, True):
                    found.setdefault(term, []).append(at)
                position += word.count("-") + 1
                continue
            terms = analysed(word) or self._analyse(word)
            if terms[0]:
                for term in terms:
                    positions = found.get(term)
                    if positions is None:
                        found[term] = [position]
                    else:
                        positions.append(position)
            position += 1
        return found

    def _hyphenated(self, word: str, offset: int, position: int,
                    index: bool) -> Iterator[tuple[str, int, int, int]]:
        """Each piece at its own position; at index time also the joined word at the first."""
        first_position = position
        for piece in word.split("-"):
            terms = self._pieces.get(piece) or self._analyse(piece)
            if terms[0]:
                yield from ((term, position, offset, offset + len(piece))
                            for term in (terms if index else terms[:1]))
            offset += len(piece) + 1
            position += 1
        if index:
            joined = normalize(word.replace("-", ""))
            if joined not in STOP_WORDS:
                yield stem(joined), first_position, offset - len(word) - 1, offset - 1

    def _analyse(self, piece: str) -> tuple[str, ...]:
        """(stem, *compound parts) of a hyphen-free piece; ("",) for a stop word."""
        folded = normalize(piece)
        if folded in STOP_WORDS:
            terms: tuple[str, ...] = ("",)
        else:
            term = stem(folded)
            terms = (term, *(part for part in self.decompounder.split(folded) if part != term))
        if len(self._pieces) < PIECE_CACHE_SIZE:
            self._pieces[piece] = terms
        return terms

    def terms(self, text: str, index: bool = True) -> list[str]:
        return [term for term, _, _, _ in self.spans(text, index)]

    def _word_terms(self, word: str) -> frozenset[str]:
        """Every index term of one hyphen-free word (stem and compound parts); cached."""
        return frozenset(self.terms(word, index=True))
