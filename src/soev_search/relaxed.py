"""Relaxed matching: which queries may be relaxed, and how many of their words must match.

When every word of a query together finds less than a page of documents, the documents that
match most of the words follow the full matches, ranked below them and by how many words they
match (as Elasticsearch's ``minimum_should_match`` or Meilisearch's matching strategy do). A
query written with ``AND``, a ``"phrase"`` or a ``field:`` is taken at its word and never
relaxed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from soev_search.query import And, Field, Node, Not, Or, Phrase, Prefix, Word

NOTICE_RELAXED = (
    "Kun få dokumenter indeholder alle ordene; "
    "dokumenter med de fleste af ordene vises efter dem."
)


@dataclass(frozen=True)
class Relaxation:
    """The clauses of a relaxable query: at least `minimum` of `clauses` must match."""

    clauses: tuple[Node, ...]
    excluded: tuple[Node, ...]
    minimum: int


def relaxation(tree: Node | None) -> Relaxation | None:
    """How a query may be relaxed, or None when it must match as written."""
    if not isinstance(tree, And) or tree.explicit or not _free_words(tree):
        return None
    clauses = tuple(item for item in tree.items if not isinstance(item, Not))
    excluded = tuple(item.item for item in tree.items if isinstance(item, Not))
    if len(clauses) < 2:
        return None
    return Relaxation(clauses, excluded, minimum_should_match(len(clauses)))


def minimum_should_match(clauses: int) -> int:
    """Most of the words: one of two, two of three or four, three of five, and so on."""
    return max(1, (clauses + 1) // 2)


def matched_clauses(clause_matches: Iterable[Iterable[int]]) -> Counter[int]:
    """Docnum → how many clauses it matches."""
    counts: Counter[int] = Counter()
    for docnums in clause_matches:
        counts.update(docnums)
    return counts


def _free_words(node: Node) -> bool:
    """Whether a query is only words, prefixes, OR and NOT (no phrase, no field, no AND)."""
    if isinstance(node, Word | Prefix):
        return True
    if isinstance(node, Phrase | Field):
        return False
    if isinstance(node, Not):
        return _free_words(node.item)
    if isinstance(node, And) and node.explicit:
        return False
    return all(_free_words(item) for item in node.items) if isinstance(node, And | Or) else False
