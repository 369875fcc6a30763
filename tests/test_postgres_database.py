"""Reads go to a replica, fall back to the primary, and fail as one clear error
(soev_search.postgres.database), with real servers stopped and started again."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import backend_for
from pg_cluster import Server
from soev_search.backend import Backend
from soev_search.errors import IndexUnavailable
from soev_search.postgres.database import DatabaseUnavailable, Router, describe
from soev_search.postgres.engine import PostgresSearchEngine
from soev_search.results import SearchRequest
from soev_search.web import create_app
from test_cli_index import cli


@pytest.fixture(scope="module")
def backend(request, pg_cluster, tmp_path_factory) -> Backend:
    """The sample corpus on the primary, replayed to the replica."""
    backend = backend_for("postgres", request)
    backend.rebuild(Path(__file__).resolve().parent.parent / "corpus", Path("unused"))
    pg_cluster.wait_replayed()
    return backend


@contextlib.contextmanager
def stopped(server: Server) -> Iterator[None]:
    server.stop()
    try:
        yield
    finally:
        server.start()


def search_total(engine: PostgresSearchEngine) -> int:
    return engine.search(SearchRequest("socialøkonomi")).total


def test_searches_read_the_replica(backend):
    engine = PostgresSearchEngine(Router(backend.database_url, backend.read_urls))
    served_by = engine.router.read(
        lambda conn: conn.execute("SELECT pg_is_in_recovery()").fetchone()[0])
    assert served_by is True  # a replica (in recovery), not the primary
    assert search_total(engine) == 5


def test_a_replica_that_is_down_makes_searches_fall_back_to_the_primary(backend, pg_cluster):
    engine = backend.engine(Path("unused"))
    assert search_total(engine) == 5  # an idle connection to the replica is now pooled
    with stopped(pg_cluster.replicas[0]):
        for _ in range(3):
            assert search_total(engine) == 5
        hit = engine.search(SearchRequest("kantine")).hits[0]
        assert engine.document(hit.id).title == hit.title
        assert engine.complete("socialø")
    pg_cluster.wait_replayed()
    assert search_total(engine) == 5  # and back on the replica


def test_the_primary_down_is_a_503_and_one_cli_line(backend, pg_cluster):
    primary_only = Backend("postgres", backend.database_url)
    app = create_app(config={"TESTING": True}, backend=primary_only)
    client = app.test_client()
    assert client.get("/api/search?q=kantine").status_code == 200
    env = {**os.environ, "SOEV_BACKEND": "postgres", "SOEV_DATABASE_URL": backend.database_url}
    env.pop("SOEV_DATABASE_READ_URL", None)
    with stopped(pg_cluster.primary):
        response = client.get("/api/search?q=kantine")
        assert response.status_code == 503
        body = response.get_json()
        assert body["status"] == 503 and "cannot be reached" in body["detail"]
        assert "Traceback" not in response.get_data(as_text=True)
        assert client.get("/healthz").status_code == 503

        for command in (["search", "kantine"], ["stats"], ["update", "--corpus", "corpus"]):
            result = cli(*command, env=env)
            assert result.returncode == 1, command
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("soev-index: "), result.stderr
            assert "cannot be reached" in lines[0] and "Traceback" not in result.stderr

        # With the replica named too, searches still answer while the primary is down.
        assert search_total(backend.engine(Path("unused"))) == 5
    assert client.get("/api/search?q=kantine").status_code == 200


def test_no_server_at_all_is_database_unavailable(backend):
    engine = PostgresSearchEngine(Router("postgresql://postgres@127.0.0.1:1/none"))
    with pytest.raises(DatabaseUnavailable, match="127.0.0.1:1/none"):
        engine.search(SearchRequest("x"))


def test_an_empty_database_names_the_rebuild_command(request):
    with pytest.raises(IndexUnavailable, match="soev-index rebuild --backend postgres"):
        backend_for("postgres", request).engine(Path("unused")).stats()


def test_messages_never_show_a_password():
    assert describe("postgresql://soev:hemmelig@db.example:5433/soev") == "db.example:5433/soev"
