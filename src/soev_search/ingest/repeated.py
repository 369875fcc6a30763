"""Corpus-level boilerplate: lines that recur at the top or bottom of many documents.

Template lines (skip links, comment forms, site footers) sit at the edges of a captured page,
while a shared questionnaire repeats its questions in the middle of every answer sheet. So we
only learn from, and only strip, the edges: the first and last EDGE_LINES non-blank lines.

Numbers are looked at before lines are compared. At the top, where the title line is, every
number counts: title lines that differ only in an id, a date or a number ("[FT20222M033-0042]
…, 2023-03-15, punkt 1") are never one template. At the bottom, counts and dates are folded
("This Post Has 3 Comments", "Udskrevet 15.03.2023" are each one template) but identifiers
are not. The first line left at the top is the title line: the bottom pass never strips it,
nor the first line of text after it, so learned repetition never empties a document.

Learning is one streaming pass with bounded memory: each text file contributes the hashes of
its edge lines (read from its first and last EDGE_BYTES only), counted with the Misra-Gries
heavy-hitter sketch, which keeps at most SKETCH_SIZE counters and never over-counts; so a
line is only called boilerplate when it is truly frequent.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soev_search.ingest.encoding import NotText, decode_text
from soev_search.ingest.text import normalize_text

EDGE_LINES = 12
EDGE_BYTES = 4096
SKETCH_SIZE = 20_000
# A line is boilerplate when at least MIN_DOCUMENTS documents, and at least MIN_SHARE of the
# documents learned from, have it at an edge. Three of five seeds share their blog footer.
MIN_DOCUMENTS = 3
MIN_SHARE = 0.002
# Lines longer than this are prose, never template; template lines frame the prose.
PROSE_CHARS = 150
LEARNED_SUFFIXES = (".txt",)
KEPT_NOTE = ("learned boilerplate lines kept: removing them would have left the document "
             "without its text")

# A token holding a digit, with the letters and joiners around it ("FT20222M033-0042", "3").
# (Starting only where a token starts: the same matches, without retrying every position
# inside a token that holds no digit, which made long lines quadratic.)
_NUMBER_TOKEN = re.compile(r"(?<![\w.:/-])[\w.:/-]*\d[\w.:/-]*")
_DATE = re.compile(
    r"(?:\d{4}-\d{1,2}(?:-\d{1,2})?|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|(?:19|20)\d{2}|"
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
    r"[.,:]?$")
_COUNT = re.compile(r"\d{1,4}[.,:]?$")
_HEAD, _TAIL = "head", "tail"


@dataclass(frozen=True)
class RepeatedLines:
    """Hashes of normalised lines that are boilerplate at the top or bottom of a document
    (`head_key` and `tail_key` of the line)."""

    hashes: frozenset[int] = frozenset()
    documents: int = 0

    def __contains__(self, line: str) -> bool:
        return head_key(line) in self.hashes or tail_key(line) in self.hashes

    def __len__(self) -> int:
        return len(self.hashes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, saved with the index so that `update` cleans as `rebuild` did."""
        return {"hashes": sorted(self.hashes), "documents": self.documents}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RepeatedLines:
        return cls(frozenset(int(key) for key in data["hashes"]), int(data["documents"]))


def head_key(line: str) -> int:
    """The line as a template at the top: case and spacing do not matter, numbers do."""
    return _key(_HEAD, line)


def tail_key(line: str) -> int:
    """The line as a template at the bottom: case, spacing, counts and dates do not matter,
    identifiers do."""
    return _key(_TAIL, line)


def _key(edge: str, line: str) -> int:
    def fold(match: re.Match[str]) -> str:
        token = match.group(0)
        if _DATE.match(token):
            return "<date>"
        return "0" if _COUNT.match(token) else token

    normal = " ".join(line.casefold().split())
    if edge == _TAIL:
        normal = _NUMBER_TOKEN.sub(fold, normal)
    digest = hashlib.blake2b(f"{edge}\0{normal}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def edge_lines(lines: list[str]) -> tuple[list[str], list[str]]:
    """The short lines framing the prose, (top, bottom): up to EDGE_LINES non-blank lines
    before the first prose line (longer than PROSE_CHARS) and after the last one."""
    content = [line for line in lines if line.strip()]
    prose = [i for i, line in enumerate(content) if len(line) > PROSE_CHARS]
    if not prose:
        return content[:EDGE_LINES], content[-EDGE_LINES:]
    return content[:prose[0]][:EDGE_LINES], content[prose[-1] + 1:][-EDGE_LINES:]


def learn_repeated_lines(paths: Iterable[Path], mapper: Callable = map,
                         parts: int = 1) -> RepeatedLines:
    """One pass over the files (text files only, their edges only) → the recurring edge lines.

    With `parts` > 1 the files are counted in that many slices by `mapper` (a process pool's
    map: the slices are counted in parallel) and the sketches merged."""
    paths = list(paths)
    size = math.ceil(len(paths) / max(parts, 1)) or 1
    slices = [paths[start:start + size] for start in range(0, len(paths), size)]
    total = EdgeCounts()
    for counted in mapper(count_edges, slices):
        total = total.merge(counted)
    return total.repeated()


@dataclass
class EdgeCounts:
    """Misra-Gries counts of edge-line hashes over some text files."""

    counters: dict[int, int] = field(default_factory=dict)
    documents: int = 0

    def merge(self, other: EdgeCounts) -> EdgeCounts:
        """The counts of both sets of files: counters added, then, beyond SKETCH_SIZE, the
        (SKETCH_SIZE+1)-th largest subtracted from all (Misra-Gries sketches merge so, still
        never over-counting; Agarwal et al., "Mergeable summaries", PODS 2012)."""
        counters = dict(self.counters)
        for key, count in other.counters.items():
            counters[key] = counters.get(key, 0) + count
        if len(counters) > SKETCH_SIZE:
            cut = sorted(counters.values(), reverse=True)[SKETCH_SIZE]
            counters = {key: count - cut for key, count in counters.items() if count > cut}
        return EdgeCounts(counters, self.documents + other.documents)

    def repeated(self) -> RepeatedLines:
        needed = max(MIN_DOCUMENTS, math.ceil(MIN_SHARE * self.documents))
        return RepeatedLines(frozenset(k for k, n in self.counters.items() if n >= needed),
                             self.documents)


def count_edges(paths: Iterable[Path]) -> EdgeCounts:
    """The edge-line counts of some files, in one streaming pass with bounded memory."""
    counts = EdgeCounts()
    for path in paths:
        keys = _edge_keys(path)
        if keys is None:
            continue
        counts.documents += 1
        for key in keys:
            _count(counts.counters, key)
    return counts


def _count(sketch: dict[int, int], key: int) -> None:
    """Misra-Gries: count, or take a free counter, or decrement every counter."""
    if key in sketch:
        sketch[key] += 1
    elif len(sketch) < SKETCH_SIZE:
        sketch[key] = 1
    else:
        for other in list(sketch):
            sketch[other] -= 1
            if sketch[other] == 0:
                del sketch[other]


def _edge_keys(path: Path) -> set[int] | None:
    if path.suffix.lower() not in LEARNED_SUFFIXES:
        return None
    try:
        head, tail = _read_edges(path)
        text = decode_text(head + b"\n" + tail)
    except (OSError, NotText):
        return None
    top, bottom = edge_lines(normalize_text(text).split("\n"))
    return {head_key(line) for line in top} | {tail_key(line) for line in bottom}


def _read_edges(path: Path) -> tuple[bytes, bytes]:
    """Whole lines from the first and last EDGE_BYTES (a cut line would not decode cleanly)."""
    with path.open("rb") as handle:
        head = handle.read(EDGE_BYTES)
        size = handle.seek(0, 2)
        if size <= EDGE_BYTES:
            return head, b""
        head = head[: head.rfind(b"\n") + 1]
        handle.seek(max(EDGE_BYTES, size - EDGE_BYTES))
        tail = handle.read(EDGE_BYTES)
    return head, tail[tail.find(b"\n") + 1:]


def strip_repeated_edges(lines: list[str], repeated: RepeatedLines | None) -> list[str]:
    """Drop learned boilerplate lines (and blanks) from the top and bottom of `lines`."""
    return strip_repeated(lines, repeated)[0]


def strip_repeated(lines: list[str],
                   repeated: RepeatedLines | None) -> tuple[list[str], str | None]:
    """`strip_repeated_edges`, and a note when learned lines were kept so that the document
    keeps its title line and some text (None when not)."""
    if not repeated:
        return lines, None
    hashes = repeated.hashes
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or head_key(lines[start]) in hashes):
        start += 1
    if start == end:
        return lines, KEPT_NOTE
    # The title line and the first line of text after it are never stripped from below.
    floor = next((i for i in range(start + 1, end) if lines[i].strip()), start) + 1
    while end > floor and (not lines[end - 1].strip() or tail_key(lines[end - 1]) in hashes):
        end -= 1
    kept_learned = end == floor and tail_key(lines[end - 1]) in hashes
    return lines[start:end], KEPT_NOTE if kept_learned else None
