"""Choosing the backend (soev_search.backend): options, then environment, then Whoosh."""

from __future__ import annotations

import pytest

from soev_search.backend import Backend
from soev_search.errors import SoevError
from soev_search.search import SearchEngine


def test_whoosh_is_the_default(monkeypatch, tmp_path):
    for name in ("SOEV_BACKEND", "SOEV_DATABASE_URL", "SOEV_DATABASE_READ_URL"):
        monkeypatch.delenv(name, raising=False)
    backend = Backend.resolve()
    assert backend == Backend("whoosh")
    assert isinstance(backend.engine(tmp_path), SearchEngine)


def test_the_environment_chooses_postgres_and_lists_replicas(monkeypatch):
    monkeypatch.setenv("SOEV_BACKEND", "postgres")
    monkeypatch.setenv("SOEV_DATABASE_URL", "postgresql://db1/soev")
    monkeypatch.setenv("SOEV_DATABASE_READ_URL", " postgresql://db2/soev, postgresql://db3/soev ,")
    backend = Backend.resolve()
    assert backend.postgres and backend.database_url == "postgresql://db1/soev"
    assert backend.read_urls == ("postgresql://db2/soev", "postgresql://db3/soev")


def test_options_override_the_environment(monkeypatch):
    monkeypatch.setenv("SOEV_BACKEND", "postgres")
    monkeypatch.setenv("SOEV_DATABASE_URL", "postgresql://db1/soev")
    assert Backend.resolve("whoosh").name == "whoosh"
    assert Backend.resolve(database_url="postgresql://other/x").database_url == (
        "postgresql://other/x")


@pytest.mark.parametrize(("name", "url", "message"), [
    ("elastic", None, "unknown backend 'elastic'"),
    ("postgres", None, "SOEV_DATABASE_URL"),
])
def test_bad_settings_are_one_clear_error(monkeypatch, name, url, message):
    monkeypatch.delenv("SOEV_DATABASE_URL", raising=False)
    monkeypatch.delenv("SOEV_DATABASE_READ_URL", raising=False)
    with pytest.raises(SoevError, match=message):
        Backend.resolve(name, url)
