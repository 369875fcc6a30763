"""Sentence-sized passages of a text, and how much of each the corpus repeats.

Snippets are chosen among passages. Text that many documents share word for word (a
newsletter's standard introduction, a questionnaire's fixed questions) tells results apart
badly, so the build counts, for every run of SHINGLE_WORDS words inside a passage, how many
documents contain it. A passage's repetition is the share of its words covered by runs that
at least MIN_DOCUMENTS documents and MIN_SHARE of the corpus contain: 1.0 for a copied
sentence, around 0.5 for a template sentence with a name filled in, near 0 for the rest.

The counts live in a fixed table of TABLE_SLOTS 16-bit counters indexed by the run's hash,
so memory stays the same for any corpus size; two runs sharing a slot add up, which only
matters when together they reach the threshold, rare at the table's size. `update` subtracts
a replaced document's runs and adds the new ones, so the counts stay those of the corpus.
A search needs only the few slots at the threshold (`RepeatedSlots`): the file lists them
before the compressed counts, so a fresh `soev-index search` reads a few KB, not 8 MB.
"""

from __future__ import annotations

import bisect
import math
import os
import re
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FILE = "repeated-passages.bin"
# Snippets come from this many first characters of a text, so only they are counted.
SCAN_CHARS = 20_000
SHINGLE_WORDS = 5
MIN_DOCUMENTS = 3
MIN_SHARE = 0.002
# A passage at least this repeated is not chosen for a snippet when another passage matches.
REPEATED = 0.8
TABLE_BITS = 22
TABLE_SLOTS = 1 << TABLE_BITS
MAX_PASSAGE_CHARS = 240
_COUNT_MAX = 0xFFFF
_SLOT_MASK = TABLE_SLOTS - 1
# Passages whose repetition is remembered.
_REPETITION_CACHE = 50_000
# Words whose hash is remembered (Zipf: the frequent ones come first).
_WORD_CACHE = 100_000
# The file: the documents counted, the slot of a reference run (counts hashed otherwise, by
# another Python's tuple hash, are not used) and how many slots reach the threshold, each
# 64-bit little-endian; those slots (32-bit little-endian, ascending); the zlib-compressed
# counts (16-bit little-endian), which only `update` reads.
_HEADER = 24
_SLOT_BYTES = 4

# A sentence ends at . ! ? or … before a space and a capital letter (or a quote and one),
# and at every line break: "bl.a. skrevet", "f.eks. i" and "ca. 40 %" stay whole.
# (The pattern starts with the ending character itself, five times faster than a lookbehind.)
_SENTENCE_END = re.compile(
    r"[.!?…\n](?:(?<=[.!?…])[ \t]+(?=[\"“”„«(]?[A-ZÆØÅÄÖÜ])|(?<=\n)\n*)")
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_NONZERO = re.compile(b"[^\x00]")


@dataclass(frozen=True)
class Passage:
    """A passage's character span in its text."""

    start: int
    end: int


def split_passages(text: str, max_chars: int = MAX_PASSAGE_CHARS) -> list[Passage]:
    """Sentences and lines of `text`, stripped; one longer than `max_chars` is cut into
    pieces at spaces, so a text without punctuation still has snippet-sized passages."""
    sentences = Sentences(text, max_chars)
    return [passage for number in range(len(sentences))
            for passage in sentences.passages(number)]


class Sentences:
    """The sentence spans of a text from one regex pass; the passages of a sentence are made
    when asked for, so a snippet pays only for the sentences around its matches."""

    def __init__(self, text: str, max_chars: int = MAX_PASSAGE_CHARS) -> None:
        self.text = text
        self.max_chars = max_chars
        bounds = [match.span() for match in _SENTENCE_END.finditer(text)]
        self.starts = [0, *(end for _, end in bounds)]
        # A sentence keeps its . ! ? or …, not the line break.
        self.ends = [*(start + (text[start] != "\n") for start, _ in bounds), len(text)]
        self._passages: dict[int, list[Passage]] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def number_at(self, position: int) -> int:
        """The sentence a character (not a sentence boundary) belongs to."""
        return bisect.bisect_right(self.starts, position) - 1

    def passages(self, number: int) -> list[Passage]:
        found = self._passages.get(number)
        if found is None:
            found = self._passages[number] = list(
                _pieces(self.text, self.starts[number], self.ends[number], self.max_chars))
        return found

    def passage_at(self, position: int) -> tuple[int, Passage] | None:
        """The sentence number and passage holding a character, None between passages."""
        number = self.number_at(position)
        for passage in self.passages(number):
            if passage.start <= position < passage.end:
                return number, passage
        return None

    def neighbours(self, number: int, passage: Passage) -> tuple[Passage | None, Passage | None]:
        """The passages right after and right before this one (None at the text's ends)."""
        own = self.passages(number)
        at = own.index(passage)
        after = own[at + 1:] or next((self.passages(n) for n in range(number + 1, len(self))
                                      if self.passages(n)), [])
        before = own[:at] or next((self.passages(n) for n in range(number - 1, -1, -1)
                                   if self.passages(n)), [])
        return (after[0] if after else None), (before[-1] if before else None)


def _pieces(text: str, start: int, end: int, max_chars: int) -> Iterator[Passage]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        yield Passage(start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield Passage(start, end)


def passage_words(text: str) -> list[str]:
    """The words repetition is counted on: lower case, every digit alike ("status 2018"
    and "status 2019" are the same template)."""
    return _WORD.findall(_DIGIT.sub("0", text.lower()))


class WordHashes(dict):
    """Word → CRC-32 (+1, so no word hashes to 0), remembering the first _WORD_CACHE words
    (Zipf: the frequent ones come first)."""

    def __missing__(self, word: str) -> int:
        value = zlib.crc32(word.encode("utf-8")) + 1
        if len(self) < _WORD_CACHE:
            self[word] = value
        return value


def shingle_slots(words: list[str], hashes: WordHashes) -> list[int]:
    """Table slot of every run of SHINGLE_WORDS words (of the whole passage when shorter):
    Python's hash of the tuple of the words' CRC-32. A tuple of ints hashes the same in
    every process (no per-process salt, unlike str); the file records the hash of a
    reference tuple, so counts made by a Python that hashes tuples otherwise are not used."""
    codes = list(map(hashes.__getitem__, words))
    if len(codes) < SHINGLE_WORDS:
        return [hash(tuple(codes)) & _SLOT_MASK] if codes else []
    runs = zip(*(codes[i:] for i in range(SHINGLE_WORDS)), strict=False)
    return [code & _SLOT_MASK for code in map(hash, runs)]


def document_slots(text: str, hashes: WordHashes | None = None) -> set[int]:
    """The table slots of a document's word runs, each once (what `RepeatedPassages.merge`
    counts); only the first SCAN_CHARS characters, where snippets look."""
    hashes = hashes if hashes is not None else WordHashes()
    slots: set[int] = set()
    text = text[:SCAN_CHARS]
    # passage_words of the whole text at once, while lower case keeps the offsets
    # (a few letters, as "İ", grow when lowered)
    lowered = _DIGIT.sub("0", text.lower())
    same_offsets = len(lowered) == len(text)
    for passage in split_passages(text):
        words = (_WORD.findall(lowered, passage.start, passage.end) if same_offsets
                 else passage_words(text[passage.start:passage.end]))
        slots.update(shingle_slots(words, hashes))
    return slots


def _reference_slot() -> int:
    return shingle_slots(["socialøkonomiske", "virksomheder", "i", "0000", "kommuner"],
                         WordHashes())[0]


class RepeatedPassages:
    """Per-slot document counts of the corpus's word runs; learned at rebuild, kept by update."""

    def __init__(self, counts: array | None = None, documents: int = 0) -> None:
        self.counts = counts if counts is not None else array("H", bytes(2 * TABLE_SLOTS))
        self.documents = documents
        self._hashes = WordHashes()
        # Searches meet the same passages again and again (the shared introduction above all).
        self.repetition = lru_cache(maxsize=_REPETITION_CACHE)(self._repetition)

    # --- learning (rebuild and update) ---------------------------------------------------

    def add(self, text: str) -> None:
        self.merge(Counter(document_slots(text, self._hashes)), 1)

    def remove(self, text: str) -> None:
        self.merge(dict.fromkeys(document_slots(text, self._hashes), -1), -1)

    def merge(self, slot_documents: Mapping[int, int], documents: int) -> None:
        """Add (or with negative numbers take away) the slot counts of `documents`
        documents, e.g. counted by a worker process with `document_slots`."""
        counts = self.counts
        if documents > 0 and self.documents + documents <= _COUNT_MAX:
            # a slot counts each document once, so no counter can pass the documents
            for slot, number in slot_documents.items():
                counts[slot] += number
        else:
            for slot, number in slot_documents.items():
                value = counts[slot]
                if value != _COUNT_MAX:  # a saturated counter no longer knows its count
                    counts[slot] = min(_COUNT_MAX, max(0, value + number))
        self.documents = max(0, self.documents + documents)

    # --- use (search) ----------------------------------------------------------------------

    @property
    def threshold(self) -> int:
        return max(MIN_DOCUMENTS, math.ceil(self.documents * MIN_SHARE))

    def _repetition(self, passage_text: str) -> float:
        """Share of the passage's words inside runs that enough documents contain."""
        if self.documents < MIN_DOCUMENTS:
            return 0.0
        counts, threshold = self.counts, self.threshold
        return _covered_share(passage_text, self._hashes, lambda slot: counts[slot] >= threshold)

    def repeated_slots(self) -> array:
        """The slots whose runs enough documents contain, ascending (what a search uses)."""
        if self.documents < MIN_DOCUMENTS:
            return array("I")
        counts, threshold = self.counts, self.threshold
        # A loop over 4M counters takes a tenth of a second; regexes over the counters' low
        # and high bytes find the few candidates three times faster.
        raw = counts.tobytes() if sys.byteorder == "little" else _swapped(counts).tobytes()
        low, high = raw[0::2], raw[1::2]
        candidates = {match.start() for match in _NONZERO.finditer(high)}
        if threshold <= 0xFF:
            at_least = re.compile(b"[" + re.escape(bytes([threshold])) + b"-\xff]")
            candidates.update(match.start() for match in at_least.finditer(low))
        return array("I", sorted(slot for slot in candidates if counts[slot] >= threshold))

    # --- storage -----------------------------------------------------------------------------

    def save(self, build: Path) -> None:
        """Write a new file and rename it over the old: an updated build shares the previous
        build's files by hard links, so nothing is written in place."""
        temp = build / f"{FILE}.tmp"
        temp.write_bytes(self.to_bytes())
        os.replace(temp, build / FILE)

    def to_bytes(self) -> bytes:
        """The file's bytes."""
        counts, slots = self.counts, self.repeated_slots()
        if sys.byteorder == "big":  # the file is little-endian everywhere
            counts, slots = _swapped(counts), _swapped(slots)
        header = b"".join(number.to_bytes(8, "little")
                          for number in (self.documents, _reference_slot(), len(slots)))
        return header + slots.tobytes() + zlib.compress(counts.tobytes(), 1)

    @classmethod
    def load(cls, build: Path) -> RepeatedPassages | None:
        """The build's counts; None for a build made before they were kept or a damaged
        file (snippets then only lose the knowledge of repeated text)."""
        try:
            return cls.from_bytes((build / FILE).read_bytes())
        except FileNotFoundError:
            return None

    @classmethod
    def from_bytes(cls, data: bytes) -> RepeatedPassages | None:
        """The counts of a file's bytes; None when damaged."""
        head = _read_head(data)
        if head is None:
            return None
        documents, slot_count = head
        try:
            body = zlib.decompress(data[_HEADER + _SLOT_BYTES * slot_count:])
        except zlib.error:
            return None
        if len(body) != 2 * TABLE_SLOTS:
            return None
        counts = array("H")
        counts.frombytes(body)
        if sys.byteorder == "big":
            counts.byteswap()
        return cls(counts, documents)


class RepeatedSlots:
    """What a search needs of the counts: the slots that reach the threshold, read from the
    start of the file without the counts themselves."""

    def __init__(self, slots: frozenset[int]) -> None:
        self.slots = slots
        self._hashes = WordHashes()
        self.repetition = lru_cache(maxsize=_REPETITION_CACHE)(self._repetition)

    def _repetition(self, passage_text: str) -> float:
        """Share of the passage's words inside runs that enough documents contain."""
        if not self.slots:
            return 0.0
        return _covered_share(passage_text, self._hashes, self.slots.__contains__)

    @classmethod
    def load(cls, build: Path) -> RepeatedSlots | None:
        """The build's repeated slots; None as for `RepeatedPassages.load`."""
        try:
            with (build / FILE).open("rb") as file:
                head = file.read(_HEADER)
                parsed = _read_head(head)
                if parsed is None:
                    return None
                return cls.from_bytes(head + file.read(_SLOT_BYTES * parsed[1]))
        except FileNotFoundError:
            return None

    @classmethod
    def from_bytes(cls, data: bytes) -> RepeatedSlots | None:
        """The repeated slots of a file's bytes (the counts after them may be left off);
        None when damaged."""
        head = _read_head(data)
        if head is None:
            return None
        end = _HEADER + _SLOT_BYTES * head[1]
        if len(data) < end:
            return None
        slots = array("I")
        slots.frombytes(data[_HEADER:end])
        if sys.byteorder == "big":
            slots.byteswap()
        return cls(frozenset(slots))


def _swapped(numbers: array) -> array:
    """A copy in the other byte order."""
    copy = array(numbers.typecode, numbers)
    copy.byteswap()
    return copy


def _read_head(data: bytes) -> tuple[int, int] | None:
    """(documents, repeated slots) of a file's header; None when it is not one of this
    Python's files."""
    if len(data) < _HEADER or int.from_bytes(data[8:16], "little") != _reference_slot():
        return None
    slot_count = int.from_bytes(data[16:24], "little")
    if slot_count > TABLE_SLOTS:
        return None
    return int.from_bytes(data[:8], "little"), slot_count


def _covered_share(passage_text: str, hashes: WordHashes,
                   repeated: Callable[[int], bool]) -> float:
    """Share of the passage's words inside runs whose slot is `repeated`."""
    words = passage_words(passage_text)
    if not words:
        return 0.0
    slots = shingle_slots(words, hashes)
    width = min(SHINGLE_WORDS, len(words))
    covered = [False] * len(words)
    for first, slot in enumerate(slots):
        if repeated(slot):
            covered[first:first + width] = [True] * width
    return sum(covered) / len(words)
