"""The database layout: one schema per build, and `soev.live` naming the build readers use.

    soev.live              one row: build (the live schema), previous, version
    soev_b_<stamp>.docs    one row per document: facet columns, mentions, the Document as
                           JSON, the tsvector (GIN-indexed), seq (insertion order: ties)
    soev_b_<stamp>.spelling, .vocabulary, .manifest, .info
    soev_b_<stamp>.blobs   files the Whoosh build keeps beside its index, byte for byte
                           (repeated-passages.bin: the corpus's repeated passages, snippets)

A rebuild fills a new schema and swaps `soev.live` in one transaction; an update changes the
live schema's tables and bumps `version` in one transaction. Readers read `soev.live` in the
same snapshot as everything else, so they see one whole build.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import psycopg
from psycopg import sql

from soev_search.errors import IndexUnavailable
from soev_search.filters import COLUMN_FILTERS, KEYWORD_FILTERS
from soev_search.passages import FILE as PASSAGES_FILE
from soev_search.passages import RepeatedPassages, RepeatedSlots

# The layout's version, kept in every build's info: a build of another format is refused.
FORMAT = 2
LIVE = "soev.live"
BUILD_PREFIX = "soev_b_"
# pg_advisory_lock key held by a running rebuild or update ("soev" in ASCII).
WRITER_LOCK_KEY = 0x736F6576

_BUILD_NAME = re.compile(rf"{BUILD_PREFIX}[0-9a-z_]+")

SETUP = """
CREATE SCHEMA IF NOT EXISTS soev;
CREATE TABLE IF NOT EXISTS soev.live (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    build text NOT NULL,
    previous text,
    version bigint NOT NULL
);
"""

BUILD_TABLES = """
CREATE TABLE {schema}.docs (
    seq bigint GENERATED ALWAYS AS IDENTITY,
    id text NOT NULL,
    {filter_columns},
    date text COLLATE "C" NOT NULL,
    document jsonb NOT NULL,
    tsv tsvector NOT NULL
);
CREATE TABLE {schema}.spelling (
    word text COLLATE "C" PRIMARY KEY,
    folded text COLLATE "C" NOT NULL,
    frequency integer NOT NULL
);
CREATE TABLE {schema}.vocabulary (stem text PRIMARY KEY);
CREATE TABLE {schema}.manifest (rel text PRIMARY KEY, entry jsonb NOT NULL);
CREATE TABLE {schema}.info (key text PRIMARY KEY, value jsonb);
CREATE TABLE {schema}.blobs (name text PRIMARY KEY, data bytea NOT NULL);
"""

# After the bulk load: building indexes once is faster than maintaining them row by row.
BUILD_INDEXES = """
ALTER TABLE {schema}.docs ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX ON {schema}.docs (seq);
CREATE INDEX ON {schema}.docs (date DESC, seq);
CREATE INDEX ON {schema}.docs USING gin (tsv);
{keyword_indexes}
CREATE INDEX ON {schema}.spelling (folded text_pattern_ops);
VACUUM ANALYZE {schema}.docs;
VACUUM ANALYZE {schema}.spelling;
"""


def require_format(info: dict, where: str) -> None:
    """IndexUnavailable unless the build was written in this layout's format."""
    found = info.get("format")
    if found != FORMAT:
        raise IndexUnavailable(
            f"the search index in database {where} has format {found}; soev-search reads "
            f"format {FORMAT}; rebuild it with: soev-index rebuild --backend postgres")


def new_build_name() -> str:
    return BUILD_PREFIX + datetime.now(UTC).strftime("%Y%m%d_%H%M%S_%f")


def identifier(build: str) -> sql.Identifier:
    """A build's schema as an SQL identifier; only names we make are accepted."""
    if not _BUILD_NAME.fullmatch(build):
        raise ValueError(f"not a build schema: {build!r}")
    return sql.Identifier(build)


def statements(template: str, build: str) -> list[sql.Composed]:
    """The template's statements with the build's schema and the filters' columns (one per
    declared filter: text for a single value, text[] for several) filled in."""
    columns = [f"{name} text NOT NULL" for name in COLUMN_FILTERS]
    columns += [f"{name} text[] NOT NULL" for name in KEYWORD_FILTERS]
    indexes = "".join(f"CREATE INDEX ON {{schema}}.docs USING gin ({name});"
                      for name in KEYWORD_FILTERS)
    template = template.format(schema="{schema}", filter_columns=",\n    ".join(columns),
                               keyword_indexes=indexes)
    return [sql.SQL(part.strip()).format(schema=identifier(build))
            for part in template.split(";") if part.strip()]


def live(conn: psycopg.Connection) -> tuple[str, str | None, int] | None:
    """(build, previous, version) or None before the first rebuild."""
    row = conn.execute(f"SELECT build, previous, version FROM {LIVE}").fetchone()
    return None if row is None else (row[0], row[1], row[2])


def builds(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
                        (BUILD_PREFIX + "%",)).fetchall()
    return sorted(name for (name,) in rows if _BUILD_NAME.fullmatch(name))


def drop_build(conn: psycopg.Connection, build: str) -> None:
    conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(identifier(build)))


def table(build: str, name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(identifier(build), sql.Identifier(name))


def save_passages(conn: psycopg.Connection, build: str, passages: RepeatedPassages) -> None:
    """The passage counts in the build's blobs, in the Whoosh build's file format."""
    conn.execute(sql.SQL("INSERT INTO {} (name, data) VALUES (%s, %s) ON CONFLICT (name) "
                         "DO UPDATE SET data = excluded.data").format(table(build, "blobs")),
                 (PASSAGES_FILE, passages.to_bytes()))


def load_passages(conn: psycopg.Connection, build: str) -> RepeatedPassages | None:
    """The build's passage counts (what `update` changes); None when it has none."""
    data = _passages_blob(conn, build)
    return None if data is None else RepeatedPassages.from_bytes(data)


def load_repeated_slots(conn: psycopg.Connection, build: str) -> RepeatedSlots | None:
    """The build's repeated passages as a search uses them; None when it has none
    (snippets then only lose the knowledge of repeated text)."""
    data = _passages_blob(conn, build)
    return None if data is None else RepeatedSlots.from_bytes(data)


def _passages_blob(conn: psycopg.Connection, build: str) -> bytes | None:
    row = conn.execute(sql.SQL("SELECT data FROM {} WHERE name = %s").format(
        table(build, "blobs")), (PASSAGES_FILE,)).fetchone()
    return None if row is None else bytes(row[0])
