"""Page numbers left inside text captured from a PDF, and paragraphs across page breaks.

A page number is recognised by sequence, not by looking like a number: the pages of a
transcript end in n, n+1, n+2, ... So "... medborgerskab. 1" / "2. Væsentlig erhvervsdrift"
loses the 1 (page 1 ends) and keeps "2." (the list item opening page 2), and "budget 2017-2020"
or "17 kommuner" are never part of such a run.
"""

from __future__ import annotations

import re

from soev_search.ingest.text import blocks, join_blocks

_TRAILING_NUMBER = re.compile(r"\s(\d{1,4})$")
# A standalone number inside running text, as a page number would appear there.
_INLINE_NUMBER = re.compile(r"(?<=\S) (\d{1,4})(?= \S)")
_SENTENCE_END = re.compile(r"[.!?:;)\"”]$")
_MIN_RUN = 3
_MIN_PAGE_CHARS = 150
_MAX_PAGE_CHARS = 12_000


def remove_page_numbers(text: str) -> str:
    """Strip page numbers of a PDF transcript; rejoin sentences a page break cut in two."""
    parts = blocks(text)
    numbered = _numbered_page_blocks(parts)
    if numbered:
        return _rejoin_pages([_TRAILING_NUMBER.sub("", p) if i in numbered else p
                              for i, p in enumerate(parts)], numbered)
    return join_blocks([_strip_inline_run(part) for part in parts])


def _numbered_page_blocks(parts: list[str]) -> set[int]:
    """Indexes of blocks ending in consecutive page numbers (the longest such run)."""
    best: list[int] = []
    run: list[int] = []
    previous = None
    for index, part in enumerate(parts):
        match = _TRAILING_NUMBER.search(part)
        number = int(match.group(1)) if match else None
        if number is not None and previous is not None and number == previous + 1 and run:
            run.append(index)  # a short page (often the last) may continue a run
        elif number is not None and len(part) < _MIN_PAGE_CHARS:
            number, run = None, []
        else:
            run = [index] if number is not None else []
        previous = number
        if len(run) > len(best):
            best = list(run)
    return set(best) if len(best) >= 2 else set()


def _rejoin_pages(parts: list[str], page_ends: set[int]) -> str:
    """Join a page's last sentence to the next page when the break cut it (lowercase start)."""
    merged: list[str] = []
    for index, part in enumerate(parts):
        continues = (index - 1 in page_ends and merged and not _SENTENCE_END.search(merged[-1])
                     and part[:1].islower())
        if continues:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return join_blocks(merged)


def _strip_inline_run(block: str) -> str:
    """Pages run together in one block: find n, n+1, ... at page-like spacing, ending the block."""
    if len(block) < _MIN_RUN * _MIN_PAGE_CHARS:
        return block
    positions = _inline_page_run(block)
    if not positions:
        return block
    out, last = [], 0
    for start, end in positions:
        before = block[last:start]
        out.append(before)
        out.append("\n\n" if _SENTENCE_END.search(before) else " ")
        last = end
    out.append(block[last:])
    return "".join(out).strip()


def _inline_page_run(block: str) -> list[tuple[int, int]]:
    """Spans of the page numbers, found backwards from a number that ends the block."""
    final = _TRAILING_NUMBER.search(block)
    if not final:
        return []
    candidates = [(m.start(), m.end(), int(m.group(1))) for m in _INLINE_NUMBER.finditer(block)]
    chain = [(final.start(), final.end(), int(final.group(1)))]
    while chain[-1][2] > 1:
        position, _, number = chain[-1]
        fitting = [c for c in candidates if c[2] == number - 1
                   and _MIN_PAGE_CHARS <= position - c[0] <= _MAX_PAGE_CHARS]
        if not fitting:
            break
        chain.append(max(fitting, key=lambda c: c[0]))
    if len(chain) < _MIN_RUN:
        return []
    return [(start, end) for start, end, _ in reversed(chain)]
