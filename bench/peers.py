"""The peers ours is compared with, doing the same work on the same already-clean text.

- whoosh-plain: Whoosh as its tutorial uses it: StandardAnalyzer, one writer, no facets, no
  highlights, default query parser.
- sqlite-fts5: SQLite's FTS5 (stdlib sqlite3), unicode61 tokenizer keeping æ/ø/å.
- tantivy: the Rust engine through its Python package, the fast reference.

Every peer indexes id, title, text (searched) and municipality, year, doctype (filters only),
and answers a BenchQuery with (total, titles of the requested page of 10).

Building runs in its own process so its peak memory can be measured:
    python bench/peers.py build --engine tantivy --docs docs.jsonl --index DIR
prints one JSON line: {"engine": ..., "seconds": ..., "documents": ...}. A search from a fresh
process (what the benchmark compares `soev-index search` with):
    python bench/peers.py search --engine whoosh-plain --index DIR --query WORD
prints {"total": ..., "titles": [...]}.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from queries import BenchQuery, Term

PER_PAGE = 10
SEARCHED_FIELDS = ("title", "text")


class Peer(Protocol):
    name: str

    def build(self, docs: Iterable[dict[str, Any]]) -> int: ...
    def replace(self, doc: dict[str, Any]) -> None: ...
    def search(self, query: BenchQuery) -> tuple[int, list[str]]: ...
    def close(self) -> None: ...


def read_docs(path: Path) -> Iterator[dict[str, Any]]:
    """Clean documents as the ingester made them, one JSON object per line."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


class WhooshPlain:
    name = "whoosh-plain"

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._searcher = None

    def _schema(self):
        from whoosh import fields
        from whoosh.analysis import StandardAnalyzer

        return fields.Schema(
            id=fields.ID(stored=True, unique=True),
            title=fields.TEXT(stored=True, analyzer=StandardAnalyzer()),
            text=fields.TEXT(analyzer=StandardAnalyzer()),
            municipality=fields.ID, year=fields.ID, doctype=fields.ID)

    def build(self, docs: Iterable[dict[str, Any]]) -> int:
        from whoosh import index

        ix = index.create_in(_fresh_dir(self.index_dir), self._schema())
        writer, count = ix.writer(), 0
        for doc in docs:
            writer.add_document(**_whoosh_fields(doc))
            count += 1
        writer.commit()
        return count

    def replace(self, doc: dict[str, Any]) -> None:
        from whoosh import index

        writer = index.open_dir(self.index_dir).writer()
        writer.update_document(**_whoosh_fields(doc))
        writer.commit()
        self.close()

    def search(self, query: BenchQuery) -> tuple[int, list[str]]:
        from whoosh import index
        from whoosh.qparser import MultifieldParser
        from whoosh.query import And, Every, Term

        if self._searcher is None:
            self._searcher = index.open_dir(self.index_dir).searcher()
        searcher = self._searcher
        parsed = (MultifieldParser(list(SEARCHED_FIELDS), searcher.schema).parse(query.text)
                  if query.text else Every())
        filters = [Term(key, value) for key, value in query.filters.items()]
        results = searcher.search_page(parsed, query.page, pagelen=PER_PAGE,
                                       filter=And(filters) if filters else None)
        return results.total, [hit["title"] for hit in results]

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def _whoosh_fields(doc: dict[str, Any]) -> dict[str, str]:
    return {"id": doc["id"], "title": doc["title"], "text": doc["text"],
            "municipality": doc.get("municipality") or "", "year": str(doc.get("year") or ""),
            "doctype": doc.get("doctype") or ""}


class SqliteFts5:
    name = "sqlite-fts5"

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / "fts.sqlite"
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.path)
        return self._db

    def build(self, docs: Iterable[dict[str, Any]]) -> int:
        _fresh_dir(self.path.parent)
        db = self._connect()
        # remove_diacritics 0: å, æ, ø are letters of their own in Danish, not accented a, o.
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, text, "
                   "municipality UNINDEXED, year UNINDEXED, doctype UNINDEXED, "
                   "tokenize = 'unicode61 remove_diacritics 0')")
        with db:
            db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                           (_sqlite_row(doc) for doc in docs))
        return db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def replace(self, doc: dict[str, Any]) -> None:
        db = self._connect()
        with db:
            db.execute("DELETE FROM docs WHERE id = ?", (doc["id"],))
            db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", _sqlite_row(doc))

    def search(self, query: BenchQuery) -> tuple[int, list[str]]:
        db = self._connect()
        where, params = [], []
        if query.text:
            where.append("docs MATCH ?")
            params.append(" AND ".join(_fts5_term(term) for term in query.terms))
        for key, value in query.filters.items():
            where.append(f"{key} = ?")
            params.append(value)
        clause = " WHERE " + " AND ".join(where) if where else ""
        total = db.execute(f"SELECT count(*) FROM docs{clause}", params).fetchone()[0]
        order = " ORDER BY rank" if query.text else ""
        rows = db.execute(f"SELECT title FROM docs{clause}{order} LIMIT ? OFFSET ?",
                          [*params, PER_PAGE, (query.page - 1) * PER_PAGE]).fetchall()
        return total, [row[0] for row in rows]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _sqlite_row(doc: dict[str, Any]) -> tuple:
    return (doc["id"], doc["title"], doc["text"], doc.get("municipality") or "",
            str(doc.get("year") or ""), doc.get("doctype") or "")


def _fts5_term(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + "*" if term.kind == "prefix" else quoted


class Tantivy:
    name = "tantivy"

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._index = None

    def _schema(self):
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True)
        builder.add_text_field("text")
        for key in ("municipality", "year", "doctype"):
            builder.add_text_field(key, tokenizer_name="raw")
        return builder.build()

    def _open(self):
        import tantivy

        if self._index is None:
            self._index = tantivy.Index(self._schema(), path=str(self.index_dir))
        return self._index

    def build(self, docs: Iterable[dict[str, Any]]) -> int:
        import tantivy

        _fresh_dir(self.index_dir)
        writer, count = self._open().writer(), 0
        for doc in docs:
            writer.add_document(tantivy.Document(**_whoosh_fields(doc)))
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        return count

    def replace(self, doc: dict[str, Any]) -> None:
        import tantivy

        index = self._open()
        writer = index.writer()
        writer.delete_documents("id", doc["id"])
        writer.add_document(tantivy.Document(**_whoosh_fields(doc)))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()

    def search(self, query: BenchQuery) -> tuple[int, list[str]]:
        import tantivy

        index = self._open()
        schema = index.schema
        parts = [(tantivy.Occur.Must, self._term_query(index, term)) for term in query.terms]
        parts += [(tantivy.Occur.Must, tantivy.Query.term_query(schema, key, value))
                  for key, value in query.filters.items()]
        combined = tantivy.Query.boolean_query(parts) if parts else tantivy.Query.all_query()
        searcher = index.searcher()
        result = searcher.search(combined, PER_PAGE, count=True,
                                 offset=(query.page - 1) * PER_PAGE)
        titles = [searcher.doc(address)["title"][0] for _, address in result.hits]
        return result.count, titles

    @staticmethod
    def _term_query(index, term: Term):
        import tantivy

        if term.kind == "prefix":
            pattern = tantivy.Query.regex_query
            alternatives = [pattern(index.schema, f, term.text.lower() + ".*")
                            for f in SEARCHED_FIELDS]
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, q) for q in alternatives])
        text = f'"{term.text}"' if term.kind == "phrase" else term.text
        return index.parse_query(text, list(SEARCHED_FIELDS), conjunction_by_default=True)

    def close(self) -> None:
        self._index = None


PEERS = {peer.name: peer for peer in (WhooshPlain, SqliteFts5, Tantivy)}


def make_peer(name: str, index_dir: Path) -> Peer:
    return PEERS[name](index_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build or search one peer's index.")
    parser.add_argument("command", choices=("build", "search"))
    parser.add_argument("--engine", choices=sorted(PEERS), required=True)
    parser.add_argument("--docs", type=Path, help="JSON lines of documents (build)")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--query", default="", help="the query (search)")
    args = parser.parse_args(argv)
    peer = make_peer(args.engine, args.index)
    if args.command == "search":
        total, titles = peer.search(BenchQuery("cli", args.query))
        peer.close()
        print(json.dumps({"total": total, "titles": titles}, ensure_ascii=False))
        return 0
    if args.docs is None:
        parser.error("build needs --docs")
    start = time.perf_counter()
    count = peer.build(read_docs(args.docs))
    seconds = time.perf_counter() - start
    peer.close()
    print(json.dumps({"engine": args.engine, "seconds": seconds, "documents": count}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
