"""Multi-word synonyms entries in a query tree, found the same way by both backends."""

from __future__ import annotations

from soev_search.analysis import DanishAnalyzer
from soev_search.query import Node, Word
from soev_search.synonyms import Synonyms


def synonym_run(nodes: list[Node], at: int, synonyms: Synonyms,
                analyzer: DanishAnalyzer) -> int:
    """The length of the longest run of two or more words from `at` that is an entry."""
    for size in range(min(synonyms.longest, len(nodes) - at), 1, -1):
        run = nodes[at:at + size]
        if all(isinstance(node, Word) for node in run) and synonyms.of(
                terms_of(run, analyzer)):
            return size
    return 0


def terms_of(words: list[Node], analyzer: DanishAnalyzer) -> list[str]:
    """The query terms of the words among these nodes, in order."""
    return [term for node in words if isinstance(node, Word)
            for term in analyzer.terms(node.text, index=False)]
