"""Ingest: a file in the corpus becomes a cleaned, described Document, or a Skipped with a reason.

PROVISIONAL minimal version (UTF-8 text only); the full ingester replaces the body of
`ingest_file` and keeps these two signatures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from soev_search.document import FIGURE_KEYS, Document, Skipped

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".pdf")


def corpus_files(corpus_root: Path) -> Iterator[Path]:
    """Every candidate file below the corpus root, in a stable order (README.md excluded)."""
    for path in sorted(corpus_root.rglob("*")):
        if path.name.startswith(".") or path.name == "README.md":
            continue
        if path.is_file() or path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield path


def ingest_file(path: Path, corpus_root: Path | None = None) -> Document | Skipped:
    rel = _relative(path, corpus_root)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Skipped(rel, f"unreadable: {exc}")
    if not text.strip():
        return Skipped(rel, "empty file")
    return Document(
        id=hashlib.sha1(rel.encode()).hexdigest()[:16],
        path=rel,
        title=text.strip().splitlines()[0][:200],
        text=text,
        source="text",
        content_hash=hashlib.sha256(raw).hexdigest(),
        figures=dict.fromkeys(FIGURE_KEYS),
    )


def _relative(path: Path, corpus_root: Path | None) -> str:
    if corpus_root is not None:
        try:
            return path.resolve().relative_to(corpus_root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name
