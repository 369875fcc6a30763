"""The files shipped in the package's `data/` folder (the lexicon, the municipalities, the
synonyms). Read beside this module rather than through importlib.resources, whose zipfile and
tempfile machinery a fresh `soev-index search` would import for nothing: the package is
always installed as files."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_text(name: str) -> str:
    """A shipped data file's text."""
    return (DATA_DIR / name).read_text(encoding="utf-8")
