"""The search library's seam: what every backend offers, and the engine callers get.

The CLI and the web depend only on `SearchBackend`'s methods and on the request and result
types of `soev_search.results`. `SearchEngine(index_dir)` is today's backend, Whoosh
(`soev_search.whoosh_engine`); another backend offers the same methods.
"""

from __future__ import annotations

from typing import Any, Protocol

from soev_search.document import Document
from soev_search.results import FacetValue, SearchRequest, SearchResult
from soev_search.similar import SimilarDocument
from soev_search.whoosh_engine import WhooshEngine


class SearchBackend(Protocol):
    """Thread-safe; follows the index as rebuilds and updates replace it."""

    def search(self, request: SearchRequest) -> SearchResult: ...

    def document(self, doc_id: str) -> Document | None: ...

    def documents(self, request: SearchRequest | None = None) -> list[Document]:
        """Every match of the request in result order, without snippets."""
        ...

    def similar(self, doc_id: str, limit: int = 5) -> list[SimilarDocument] | None:
        """The documents most like the indexed document `doc_id`, other municipalities first;
        None when there is no such document."""
        ...

    def similar_to(self, doc: Document, limit: int = 5) -> list[SimilarDocument]:
        """The indexed documents most like `doc`, which need not be in the index (when it is,
        with the same content, it is left out of the answer)."""
        ...

    def facets(self) -> dict[str, list[FacetValue]]: ...

    def complete(self, prefix: str, limit: int = 8) -> list[str]: ...

    def mark(self, text: str, query: str) -> str:
        """The text HTML-escaped with the query's words in <mark>."""
        ...

    def stats(self) -> dict[str, Any]:
        """What the index holds: documents, facet counts, size, when and from what built."""
        ...

    def build_id(self) -> str:
        """Cheap; changes whenever a rebuild or update replaces the index (a cache key)."""
        ...

    def document_count(self) -> int:
        """Cheap: the documents of the current build."""
        ...


SearchEngine = WhooshEngine
