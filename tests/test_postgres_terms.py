"""Our analysis as PostgreSQL literals (soev_search.postgres.terms), checked by a real server."""

from __future__ import annotations

import psycopg
import pytest

from soev_search.analysis import DanishAnalyzer, Vocabulary
from soev_search.document import FIGURE_KEYS, Document, Section
from soev_search.postgres.terms import (
    MAX_POSITION,
    prefix_query,
    quote,
    text_query,
    tsvector,
)

ANALYZER = DanishAnalyzer(Vocabulary(["partnerskab", "aftal", "kantin", "drift"]))


def doc(title: str, text: str, sections: tuple[Section, ...] = ()) -> Document:
    return Document(id="d", path="d.txt", title=title, text=text, source="text",
                    content_hash="d", figures=dict.fromkeys(FIGURE_KEYS),
                    sections=list(sections))


@pytest.fixture(scope="module")
def conn(pg_cluster):
    with psycopg.connect(pg_cluster.primary.url, autocommit=True) as conn:
        yield conn


def matches(conn, vector: str, query: str) -> bool:
    return conn.execute("SELECT %s::tsvector @@ %s::tsquery", (vector, query)).fetchone()[0]


def test_fields_are_weights_and_compound_parts_share_the_position(conn):
    vector = tsvector(ANALYZER, doc("Kantinen", "En partnerskabsaftale om kantinedrift."))
    assert matches(conn, vector, "'kantin':A")
    # A part, then two positions on ("om" is a stop word) the next compound's part.
    assert matches(conn, vector, "'aftal':C <2> 'kantin':C")
    assert not matches(conn, vector, "'aftal':A")
    sections = tsvector(ANALYZER, doc("", "", (Section("Hvem driver kantinen?", "Vi"),)))
    assert matches(conn, sections, "'kantin':B") and not matches(conn, sections, "'kantin':AC")


def test_no_phrase_runs_from_one_field_into_the_next(conn):
    vector = tsvector(ANALYZER, doc("Drift", "Kantine for alle"))
    assert matches(conn, vector, "'drift':AC & 'kantin':AC")
    assert not matches(conn, vector, text_query(ANALYZER, "drift kantine", "AC"))
    assert matches(conn, vector, text_query(ANALYZER, "kantine for alle", "AC"))


def test_stop_words_keep_their_gap_in_phrases(conn):
    vector = tsvector(ANALYZER, doc("", "partnerskabsaftale med seks virksomheder"))
    query = text_query(ANALYZER, "aftale med seks", "C")
    assert "<2>" in query
    assert matches(conn, vector, query)
    assert not matches(conn, vector, text_query(ANALYZER, "aftale seks", "C"))


def test_prefix_matches_the_folded_word_and_its_stem(conn):
    vector = tsvector(ANALYZER, doc("Socialøkonomiske virksomheder", ""))
    assert matches(conn, vector, prefix_query("socialøk", "AC"))
    assert not matches(conn, vector, prefix_query("socialøk", "C"))


def test_a_long_text_is_capped_at_postgresql_limits(conn):
    vector = tsvector(ANALYZER, doc("", "kantine " * 20_000))
    positions = vector.split(":", 1)[1].split(",")
    assert len(positions) == 256  # PostgreSQL keeps at most 256 positions per lexeme
    assert max(int(p.rstrip("ABC")) for p in positions) <= MAX_POSITION
    assert matches(conn, vector, "'kantin'")


def test_quote_escapes_quotes_and_backslashes(conn):
    assert quote("it's") == "'it''s'"
    assert conn.execute("SELECT %s::tsquery", (quote("a\\b'c"),)).fetchone()[0] == "'a\\\\b''c'"


def test_only_stop_words_make_no_query():
    assert text_query(ANALYZER, "og i med", "AC") is None
