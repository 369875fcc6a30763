"""Fixtures shared by every test module. Module-specific fixtures live in their own test files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pg_cluster import PgCluster, PostgresMissing
from soev_search.backend import Backend
from soev_search.index import rebuild
from web_support import web_app

# The browser fixtures (browser, base_url, page), used by the tests/test_browser*.py modules.
pytest_plugins = ("browser_support",)

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = REPO_ROOT / "corpus"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled sample corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, target)
    return target


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus, built once, for tests that only read it."""
    target = tmp_path_factory.mktemp("bundled") / "index"
    rebuild(BUNDLED_CORPUS, target)
    return target


@pytest.fixture
def big_corpus(tmp_path: Path) -> Path:
    """A few hundred documents cut from the sample texts: slow enough to kill mid-build."""
    source = BUNDLED_CORPUS
    paragraphs = [p for f in sorted(source.iterdir()) for p in f.read_text().split("\n\n")
                  if len(p) > 200]
    corpus = tmp_path / "big"
    corpus.mkdir()
    for number in range(300):
        chosen = [paragraphs[(number * 7 + k) % len(paragraphs)] for k in range(6)]
        text = f"Notat nummer {number} om socialøkonomi\n\n" + "\n\n".join(chosen)
        (corpus / f"notat-{number:04d}.txt").write_text(text)
    return corpus


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The web app over a real index of the web test corpus (built once per session)."""
    return web_app(tmp_path_factory)


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL primary and one streaming replica on loopback, for the whole session.
    scripts/test.sh installs Debian's postgresql; only without it do these tests skip."""
    try:
        cluster = PgCluster(replicas=1)
    except PostgresMissing as exc:
        pytest.skip(str(exc))
    with cluster:
        yield cluster


def backend_for(kind: str, request: pytest.FixtureRequest) -> Backend:
    """The default Whoosh backend, or PostgreSQL on a fresh database of the session's cluster
    (written on the primary, read on the replica)."""
    if kind == "whoosh":
        return Backend()
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    primary, replicas = cluster.new_database()
    return Backend("postgres", primary, tuple(replicas))


def replayed(backend: Backend, request: pytest.FixtureRequest) -> None:
    """Wait until the replicas have what the primary wrote (PostgreSQL only)."""
    if backend.postgres:
        request.getfixturevalue("pg_cluster").wait_replayed()
