"""Plain-text conventions shared by every reader: normalised whitespace, paragraphs as blocks.

Cleaned text keeps the document's lines; paragraphs (blocks) are separated by one blank line.
"""

from __future__ import annotations

import re

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


# Whitespace other than a plain space and a newline (every character str.isspace() accepts)
# and invisible characters: a text without them, without doubled spaces, spaces at line
# edges and runs of blank lines is left as it is by normalize_text, but for its ends.
_UNUSUAL = re.compile("[\t\v\f\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f"
                      "\u205f\u3000\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def normalize_text(text: str) -> str:
    """Unify newlines and spaces, drop invisible characters, keep at most one blank line."""
    stripped = text.strip()
    if not (_UNUSUAL.search(stripped) or "  " in stripped or " \n" in stripped
            or "\n " in stripped or "\n\n\n" in stripped):
        return stripped  # most files are clean already: a few scans instead of a pass per line
    return _normalize_lines(text)


def _normalize_lines(text: str) -> str:
    """normalize_text the long way, line by line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _INVISIBLE.sub("", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def blocks(text: str) -> list[str]:
    """Paragraphs of normalised text (non-empty, separated by blank lines)."""
    return [block for block in text.split("\n\n") if block.strip()]


def join_blocks(parts: list[str]) -> str:
    return "\n\n".join(part.strip() for part in parts if part.strip())


def lines_to_text(lines: list[str]) -> str:
    """Lines (blank ones mark paragraph breaks) back to normalised text."""
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def cut_at_line(text: str, limit: int) -> str:
    """At most `limit` characters, ending at a line break when one is reasonably near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    newline = head.rfind("\n")
    return head[:newline] if newline > limit * 0.9 else head
