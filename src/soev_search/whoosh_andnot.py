"""A fix for whoosh-reloaded 2.7.5's AND NOT ("a -b" could return a document containing b)."""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import AndNotMatcher


class _AndNotMatcher(AndNotMatcher):
    """Whoosh's AndNotMatcher lets a prohibited document through when the two matchers do not
    start on the same document; skip prohibited documents from the start."""

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class AndNot(wq.AndNot):
    """`a` without the documents matching `b`, using the fixed matcher."""

    def matcher(self, searcher, context=None):
        return _AndNotMatcher(self.a.matcher(searcher, context),
                              self.b.matcher(searcher, searcher.boolean_context()))
