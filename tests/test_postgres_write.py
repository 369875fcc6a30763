"""Rebuild and update into PostgreSQL (soev_search.postgres.write) on a real primary, read on
its streaming replica: what the CLI does, replay, atomic swap, a killed rebuild, one writer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest

from conftest import backend_for
from soev_search.backend import Backend
from soev_search.errors import IndexUnavailable, SoevError
from soev_search.postgres import layout
from soev_search.postgres.database import Router
from soev_search.postgres.engine import PostgresSearchEngine
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine
from soev_search.web import create_app
from test_cli_index import cli, wait_for_line
from web_support import free_port, running

SAMPLE_QUERIES = ["kantine", "partnerskab", "socialøkonomi", '"Frida Tarp"', "Velling Koller",
                  "social*", "kommune -strategi", ""]


@pytest.fixture
def backend(request) -> Backend:
    return backend_for("postgres", request)


def start(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "soev_search.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def env_for(backend: Backend) -> dict[str, str]:
    return {**os.environ, "SOEV_BACKEND": "postgres", "SOEV_DATABASE_URL": backend.database_url,
            "SOEV_DATABASE_READ_URL": ",".join(backend.read_urls)}


def replica_engine(backend: Backend) -> PostgresSearchEngine:
    """Reads the replica and nothing else (no primary to fall back to)."""
    return PostgresSearchEngine(Router(None, backend.read_urls))


def total(engine, query: str = "") -> int:
    return engine.search(SearchRequest(query)).total


def live_schemas(backend: Backend) -> tuple[str, list[str]]:
    with psycopg.connect(backend.database_url) as conn:
        return layout.live(conn)[0], layout.builds(conn)


def test_the_cli_rebuilds_into_postgres_and_finds_what_whoosh_finds(backend, pg_cluster,
                                                                     corpus_dir, tmp_path):
    env = env_for(backend)
    built = cli("rebuild", "--corpus", str(corpus_dir), env=env)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Indexed 5 documents, skipped 0 in ")
    whoosh_index = tmp_path / "whoosh"
    assert cli("rebuild", "--corpus", str(corpus_dir), "--index", str(whoosh_index),
               "--backend", "whoosh").returncode == 0
    pg_cluster.wait_replayed()
    whoosh = SearchEngine(whoosh_index)
    for query in SAMPLE_QUERIES:
        found = cli("search", query, "--json", "--limit", "50", env=env)
        assert found.returncode == 0, found.stderr
        answer = json.loads(found.stdout)
        expected = whoosh.search(SearchRequest(query, per_page=50))
        assert {h["id"] for h in answer["hits"]} == {h.id for h in expected.hits}, query
        assert answer["total"] == expected.total
    stats = cli("stats", "--json", env=env)
    assert json.loads(stats.stdout)["documents"] == 5

    # A real server reading only the replica answers the same.
    app = create_app(corpus_dir=corpus_dir, backend=Backend("postgres", None, backend.read_urls))
    with running(app) as base:
        for query in SAMPLE_QUERIES:
            url = f"{base}/api/search?" + urllib.parse.urlencode({"q": query, "per_page": 50})
            with urllib.request.urlopen(url, timeout=30) as response:
                answer = json.load(response)
            expected = whoosh.search(SearchRequest(query, per_page=50))
            assert {h["id"] for h in answer["hits"]} == {h.id for h in expected.hits}, query


def test_a_rebuild_on_the_primary_is_searchable_on_the_replica(backend, pg_cluster,
                                                               corpus_dir):
    backend.rebuild(corpus_dir, Path("unused"))
    pg_cluster.wait_replayed()
    engine = replica_engine(backend)
    assert total(engine) == 5
    assert total(engine, "socialøkonomi") == 5


def test_an_update_reaches_the_replica_within_seconds(backend, pg_cluster, corpus_dir):
    backend.rebuild(corpus_dir, Path("unused"))
    engine = replica_engine(backend)
    pg_cluster.wait_replayed()
    assert total(engine, "xylofon") == 0
    before = engine.build_id()
    (corpus_dir / "ny.txt").write_text("Xylofon i kantinen\n\nKommunen har en xylofon.",
                                       encoding="utf-8")
    (corpus_dir / "jammerbugt-status-2018.txt").unlink()
    changed = corpus_dir / "aalborg-status-september-2018.txt"
    lines = changed.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "\nKommunen har også købt en xylofon til kantinen.\n")
    changed.write_text("\n".join(lines), encoding="utf-8")
    report = backend.update(corpus_dir, Path("unused"))
    assert (report.added, report.changed, report.deleted) == (1, 1, 1)
    started = time.monotonic()
    while total(engine, "xylofon") != 2:
        assert time.monotonic() - started < 10, "the update did not reach the replica"
        time.sleep(0.05)
    assert total(engine) == 5 and engine.document_count() == 5
    assert engine.build_id() != before  # caches keyed on it (the comparison page) renew
    assert engine.complete("xylo") == ["xylofon"]
    assert backend.update(corpus_dir, Path("unused")).added == 0  # nothing changed since


def test_readers_see_the_old_or_the_new_corpus_never_a_mix(backend, pg_cluster, corpus_dir,
                                                           big_corpus):
    backend.rebuild(corpus_dir, Path("unused"))
    engine = backend.engine(Path("unused"))
    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(total(engine))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        backend.rebuild(big_corpus, Path("unused"))
        (big_corpus / "notat-0000.txt").unlink()
        backend.update(big_corpus, Path("unused"))
    finally:
        stop.set()
        reader.join()
    corpora = [5, 300, 299]  # before the rebuild, after it, after the update
    assert set(seen) <= set(corpora)
    order = [corpora.index(seen_total) for seen_total in seen]
    assert order == sorted(order)  # the replica never goes back to an older corpus
    pg_cluster.wait_replayed()
    assert total(engine) == 299


def test_a_killed_rebuild_leaves_the_live_build_answering(backend, corpus_dir, big_corpus):
    env = env_for(backend)
    assert cli("rebuild", "--corpus", str(corpus_dir), env=env).returncode == 0
    live, _ = live_schemas(backend)
    engine = backend.engine(Path("unused"))
    process = start("rebuild", "--corpus", str(big_corpus), env=env)
    wait_for_line(process, "Indexing:")  # the new schema exists and is being filled
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    now_live, schemas = live_schemas(backend)
    assert now_live == live and len(schemas) == 2  # the live one and the killed one
    assert total(engine) == 5 and total(backend.engine(Path("unused"))) == 5

    assert cli("rebuild", "--corpus", str(corpus_dir), env=env).returncode == 0
    now_live, schemas = live_schemas(backend)
    assert now_live != live and schemas == sorted([live, now_live])  # killed one removed
    assert total(engine) == 5


def test_a_second_writer_is_refused(backend, corpus_dir):
    backend.rebuild(corpus_dir, Path("unused"))
    with psycopg.connect(backend.database_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (layout.WRITER_LOCK_KEY,))
        with pytest.raises(SoevError, match="another rebuild or update is running"):
            backend.rebuild(corpus_dir, Path("unused"))
        with pytest.raises(SoevError, match="another rebuild or update is running"):
            backend.update(corpus_dir, Path("unused"))
    assert total(backend.engine(Path("unused"))) == 5


def test_update_before_any_rebuild_says_what_to_run(backend, corpus_dir):
    with pytest.raises(SoevError, match="soev-index rebuild --backend postgres"):
        backend.update(corpus_dir, Path("unused"))



def test_serve_builds_the_missing_index_in_postgres_and_answers(backend, pg_cluster,
                                                                corpus_dir):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "soev_search.cli", "serve", "--port", str(port), "--corpus",
         str(corpus_dir)], env=env_for(backend), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        lines = [process.stdout.readline().rstrip()]
        while lines[-1] and not lines[-1].startswith("Serving on"):
            lines.append(process.stdout.readline().rstrip())
        assert lines[0].startswith("No index in PostgreSQL at 127.0.0.1:"), lines
        assert any(line.startswith("Indexed 5 documents") for line in lines), lines
        pg_cluster.wait_replayed()  # the server reads the replica
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as reply:
            assert json.load(reply) == {"status": "ok", "documents": 5}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_build_of_another_format_is_refused_in_one_line(backend, corpus_dir):
    backend.rebuild(corpus_dir, Path("unused"))
    live, _ = live_schemas(backend)
    with psycopg.connect(backend.database_url, autocommit=True) as conn:
        conn.execute(f"UPDATE \"{live}\".info SET value = '0' WHERE key = 'format'")
    primary = PostgresSearchEngine(Router(backend.database_url))
    refused = f"has format 0; soev-search reads format {layout.FORMAT}"
    with pytest.raises(IndexUnavailable, match=refused):
        primary.search(SearchRequest("kantine"))
    with pytest.raises(IndexUnavailable, match="rebuild it with"):
        backend.update(corpus_dir, Path("unused"))
    result = cli("search", "kantine", env={**env_for(backend), "SOEV_DATABASE_READ_URL": ""})
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
