"""The fixed query mix of the benchmark (bench/queries.txt) and its parts, for every engine."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

QUERIES_FILE = Path(__file__).resolve().parent / "queries.txt"
FILTER_KEYS = ("municipality", "year", "doctype")


@dataclass(frozen=True)
class Term:
    """One part of a query: a word, a "quoted phrase" or a prefix (word*)."""

    text: str
    kind: str  # "word" | "phrase" | "prefix"


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    text: str
    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1

    @property
    def terms(self) -> list[Term]:
        return parse_terms(self.text)

    def label(self) -> str:
        options = " ".join(f"{k}={v}" for k, v in self.filters.items())
        page = f" page={self.page}" if self.page > 1 else ""
        return f"{self.kind}: {self.text!r} {options}{page}".strip()


def parse_terms(text: str) -> list[Term]:
    terms = []
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', text):
        if phrase:
            terms.append(Term(phrase, "phrase"))
        elif word.endswith("*") and len(word) > 1:
            terms.append(Term(word[:-1], "prefix"))
        else:
            terms.append(Term(word, "word"))
    return terms


def load_queries(path: Path = QUERIES_FILE) -> list[BenchQuery]:
    """Lines are `kind<TAB>query[<TAB>key=value ...]`; # starts a comment."""
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, text, *rest = line.split("\t") + [""]
        filters, page = {}, 1
        for option in " ".join(rest).split():
            key, _, value = option.partition("=")
            if key == "page":
                page = int(value)
            elif key in FILTER_KEYS and value:
                filters[key] = value
            else:
                raise ValueError(f"{path}:{number}: unknown option {option!r}")
        queries.append(BenchQuery(kind, text.strip(), filters, page))
    return queries
