"""The query language, parsed into a small tree; anything malformed falls back to plain words.

    socialøkonomi kantine       all words must match (best first)
    "sociale iværksættere"      a phrase
    kantine OR café             either (OR binds tighter than the implicit AND)
    NOT strategi, -strategi     must not match
    title:strategi              a field (see FIELDS; Danish names work too)
    municipality:Aalborg        a facet value (case and æøå spelling do not matter)
    year:2017..2019             a range of years (2017.. and ..2019 are open; see ValueRange)
    social*                     a prefix (at least two letters)
    mlt:<id>                    documents like the one with this id (Danish: lignende:)
    (a OR b) c                  grouping

`parse` never raises: a query that is not well-formed is searched as its plain words and
the result carries a Danish notice saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from soev_search import settings
from soev_search.analysis import WORD_RE
from soev_search.filters import (
    RANGED_FILTERS,
    FilterValueError,
    ValueRange,
    filter_named,
    query_field_names,
)

MAX_CLAUSES = 40
# The fields of words (not of filter values): plain words search DEFAULT_FIELDS.
TEXT_FIELDS = ("title", "text", "sections")
DEFAULT_FIELDS = ("title", "text")
# mlt:<id>, the documents like that one, ranked by similarity
LIKE_FIELD = "mlt"
MIN_PREFIX = 2

# Field names a query may use (and Danish aliases) → the index field; the filters' names
# come from their declaration.
FIELDS = {
    "title": "title", "titel": "title",
    "text": "text", "tekst": "text",
    "sections": "sections", "svar": "sections",
    **query_field_names(),
    "id": "id",
    "mlt": LIKE_FIELD, "lignende": LIKE_FIELD,
}
OPERATORS = {"AND", "OR", "NOT"}

NOTICE_MALFORMED = (
    "Søgningen kunne ikke forstås som skrevet; der er søgt på ordene i stedet."
)
# The query's words were all stop words: nothing left to search, so everything is listed.
NOTICE_ONLY_COMMON_WORDS = (
    "Søgningen bestod kun af meget almindelige ord; alle dokumenter vises."
)
NOTICE_TOO_LONG = "Søgningen var for lang; der er søgt på de første ord i stedet."


@dataclass(frozen=True)
class Word:
    """A word, searched in the default fields."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Words in this order (a quoted phrase)."""

    text: str


@dataclass(frozen=True)
class Prefix:
    """The words that start with this text (social*)."""

    text: str


@dataclass(frozen=True)
class Field:
    """A word or phrase in one field, or a filter's value (title:, municipality:)."""

    name: str  # an index field (a value of FIELDS)
    value: str
    phrase: bool = False


@dataclass(frozen=True)
class Range:
    """A ranged filter's span (year:2017..2019)."""

    name: str  # a ranged filter: year:2017..2019, year:2017.., year:..2019
    span: ValueRange


@dataclass(frozen=True)
class Not:
    """The documents that do not match the item (NOT, -)."""

    item: Node


@dataclass(frozen=True)
class And:
    """The documents matching every item."""

    items: tuple[Node, ...]
    # Written with AND: every word is required, the query is never relaxed.
    explicit: bool = False


@dataclass(frozen=True)
class Or:
    """The documents matching any item."""

    items: tuple[Node, ...]


Node = Word | Phrase | Prefix | Field | Range | Not | And | Or


@dataclass(frozen=True)
class ParsedQuery:
    """The query's tree, and the notice of a query searched otherwise than written."""

    tree: Node | None  # None: no query, browse everything
    notice: str | None = None

    def notice_once_compiled(self, compiled: object | None) -> str | None:
        """The notice to show once the tree is compiled (`compiled` is the backend's query):
        the parse's own, else that only common words were typed when nothing was left."""
        if self.notice is None and self.tree is not None and compiled is None:
            return NOTICE_ONLY_COMMON_WORDS
        return self.notice


class QuerySyntaxError(ValueError):
    pass


def parse(text: str) -> ParsedQuery:
    """The query's tree, or its plain words with a notice when it is malformed."""
    text = text.strip()
    if not text:
        return ParsedQuery(None)
    longest = settings.current().max_query_chars
    if len(text) > longest:
        return ParsedQuery(plain_words(text[:longest]), NOTICE_TOO_LONG)
    try:
        return ParsedQuery(_Parser(_lex(text)).parse())
    except QuerySyntaxError:
        return ParsedQuery(plain_words(text), NOTICE_MALFORMED)


def plain_words(text: str) -> Node | None:
    """All the words of the text (operators dropped), all required."""
    found = [m.group() for m in WORD_RE.finditer(text) if m.group() not in OPERATORS]
    items = tuple(Word(word) for word in found[:MAX_CLAUSES])
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items)


# A field's quoted value (title:"to ord") is one lexeme: its name stops at the first colon.
_LEXEME = re.compile(r'\s+|"[^"]*"|"|\(|\)|[^\s"():]+:"[^"]*"|[^\s"()]+')


@dataclass(frozen=True)
class _Lexeme:
    """A piece of the query text: a parenthesis, an operator, a negation or a term."""

    kind: str  # "(" ")" "op" "neg" "term"
    text: str


def _lex(text: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    for match in _LEXEME.finditer(text):
        chunk = match.group()
        if chunk.isspace():
            continue
        if chunk == '"':
            raise QuerySyntaxError("unbalanced quote")
        if chunk in "()":
            lexemes.append(_Lexeme(chunk, chunk))
        elif chunk in OPERATORS:
            lexemes.append(_Lexeme("op", chunk))
        elif chunk.startswith("-") and len(chunk) > 1:
            lexemes.append(_Lexeme("neg", "-"))
            lexemes.append(_Lexeme("term", chunk[1:]))
        else:
            lexemes.append(_Lexeme("term", chunk))
    if len(lexemes) > 3 * MAX_CLAUSES:
        raise QuerySyntaxError("too many clauses")
    return lexemes


class _Parser:
    """query := and; and := or ([AND] or)*; or := unary (OR unary)*;
    unary := NOT unary | - atom | atom; atom := term | ( and )"""

    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lexemes = lexemes
        self.at = 0

    def parse(self) -> Node:
        node = self._and()
        if self._peek() is not None:
            raise QuerySyntaxError(f"unexpected {self._peek().text!r}")
        return node

    def _peek(self) -> _Lexeme | None:
        return self.lexemes[self.at] if self.at < len(self.lexemes) else None

    def _next(self) -> _Lexeme:
        lexeme = self._peek()
        if lexeme is None:
            raise QuerySyntaxError("query ends too early")
        self.at += 1
        return lexeme

    def _and(self) -> Node:
        items = [self._or()]
        explicit = False
        while (lexeme := self._peek()) is not None and lexeme.kind != ")":
            if lexeme.text == "AND":
                self._next()
                explicit = True
            items.append(self._or())
        return items[0] if len(items) == 1 else And(tuple(items), explicit)

    def _or(self) -> Node:
        items = [self._unary()]
        while (lexeme := self._peek()) is not None and lexeme.text == "OR":
            self._next()
            items.append(self._unary())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def _unary(self) -> Node:
        lexeme = self._next()
        if lexeme.text == "NOT":
            return Not(self._unary())
        if lexeme.kind == "neg":
            return Not(self._atom(self._next()))
        return self._atom(lexeme)

    def _atom(self, lexeme: _Lexeme) -> Node:
        if lexeme.kind == "(":
            if (following := self._peek()) is not None and following.kind == ")":
                raise QuerySyntaxError("empty parentheses")
            node = self._and()
            if self._next().kind != ")":
                raise QuerySyntaxError("unbalanced parenthesis")
            return node
        if lexeme.kind != "term":
            raise QuerySyntaxError(f"misplaced {lexeme.text!r}")
        return _term(lexeme.text)


def _term(chunk: str) -> Node:
    if chunk.startswith('"'):
        return Phrase(chunk.strip('"'))
    name, colon, value = chunk.partition(":")
    if colon and name and not _is_url_like(value):
        if name.lower() not in FIELDS:
            raise QuerySyntaxError(f"unknown field {name!r}")
        phrase = value.startswith('"')
        value = value.strip('"').strip()
        if not value:
            raise QuerySyntaxError(f"no value for field {name!r}")
        field = FIELDS[name.lower()]
        if field in RANGED_FILTERS and ".." in value:
            try:
                return Range(field, filter_named(field).parse_range(value))
            except FilterValueError as exc:
                raise QuerySyntaxError(str(exc)) from None
        return Field(field, value, phrase)
    if chunk.endswith("*"):
        stem = chunk.rstrip("*")
        if len(stem) < MIN_PREFIX or not WORD_RE.fullmatch(stem):
            raise QuerySyntaxError("prefix too short")
        return Prefix(stem)
    if not WORD_RE.search(chunk):
        raise QuerySyntaxError(f"no word in {chunk!r}")
    return Word(chunk)


def _is_url_like(value: str) -> bool:
    return value.startswith("//")


def positive_leaves(node: Node | None) -> Iterator[Node]:
    """The leaves a document must or may contain (not those under NOT)."""
    if node is None or isinstance(node, Not):
        return
    if isinstance(node, And | Or):
        for item in node.items:
            yield from positive_leaves(item)
    else:
        yield node


def has_scoring(tree: Node | None) -> bool:
    """Relevance needs words; a query of only filters (municipality:x) sorts by date."""
    return any(isinstance(n, Word | Phrase | Prefix)
               or (isinstance(n, Field) and n.name in (*TEXT_FIELDS, LIKE_FIELD))
               for n in positive_leaves(tree))
