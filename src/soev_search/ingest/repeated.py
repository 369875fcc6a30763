"""Corpus-level boilerplate: lines that recur at the top or bottom of many documents.

Template lines (skip links, comment forms, site footers) sit at the edges of a captured page,
while a shared questionnaire repeats its questions in the middle of every answer sheet. So we
only learn from, and only strip, the edges: the first and last EDGE_LINES non-blank lines.

Learning is one streaming pass with bounded memory: each text file contributes the hashes of
its edge lines (read from its first and last EDGE_BYTES only), counted with the Misra-Gries
heavy-hitter sketch, which keeps at most SKETCH_SIZE counters and never over-counts; so a
line is only called boilerplate when it is truly frequent.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
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

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class RepeatedLines:
    """Hashes of normalised lines that are boilerplate at the edges of a document."""

    hashes: frozenset[int] = frozenset()
    documents: int = 0

    def __contains__(self, line: str) -> bool:
        return line_key(line) in self.hashes

    def __len__(self) -> int:
        return len(self.hashes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, saved with the index so that `update` cleans as `rebuild` did."""
        return {"hashes": sorted(self.hashes), "documents": self.documents}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RepeatedLines:
        return cls(frozenset(int(key) for key in data["hashes"]), int(data["documents"]))


def line_key(line: str) -> int:
    """Case, spacing and numbers do not matter: "This Post Has 3 Comments" is one template."""
    normal = _DIGITS.sub("0", " ".join(line.casefold().split()))
    return int.from_bytes(hashlib.blake2b(normal.encode(), digest_size=8).digest(), "big")


def edge_lines(lines: list[str]) -> list[str]:
    """The short lines framing the prose: up to EDGE_LINES non-blank lines before the first
    prose line (longer than PROSE_CHARS) and after the last one."""
    content = [line for line in lines if line.strip()]
    prose = [i for i, line in enumerate(content) if len(line) > PROSE_CHARS]
    if not prose:
        return content[:EDGE_LINES] + content[-EDGE_LINES:]
    head = content[:prose[0]][:EDGE_LINES]
    tail = content[prose[-1] + 1:][-EDGE_LINES:]
    return head + tail


def learn_repeated_lines(paths: Iterable[Path]) -> RepeatedLines:
    """One pass over the files (text files only, their edges only) → the recurring edge lines."""
    sketch: dict[int, int] = {}
    documents = 0
    for path in paths:
        keys = _edge_keys(path)
        if keys is None:
            continue
        documents += 1
        for key in keys:
            _count(sketch, key)
    needed = max(MIN_DOCUMENTS, math.ceil(MIN_SHARE * documents))
    return RepeatedLines(frozenset(k for k, n in sketch.items() if n >= needed), documents)


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
    return {line_key(line) for line in edge_lines(normalize_text(text).split("\n"))}


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
    if not repeated:
        return lines
    start, end = 0, len(lines)
    while start < end and (not lines[start].strip() or lines[start] in repeated):
        start += 1
    while end > start and (not lines[end - 1].strip() or lines[end - 1] in repeated):
        end -= 1
    return lines[start:end] if start < end else lines
