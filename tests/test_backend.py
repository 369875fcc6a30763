"""Choosing the backend (soev_search.backend) from the settings: Whoosh unless told otherwise."""

from __future__ import annotations

import pytest

from soev_search import settings
from soev_search.backend import Backend
from soev_search.errors import SoevError
from soev_search.search import SearchEngine


def test_whoosh_is_the_default(tmp_path):
    backend = Backend.from_settings(settings.load(env={}))
    assert backend == Backend("whoosh")
    assert isinstance(backend.engine(tmp_path), SearchEngine)


def test_the_environment_chooses_postgres_and_lists_replicas():
    env = {"SOEV_BACKEND": "postgres", "SOEV_DATABASE_URL": "postgresql://db1/soev",
           "SOEV_DATABASE_READ_URL": " postgresql://db2/soev, postgresql://db3/soev ,"}
    backend = Backend.from_settings(settings.load(env=env))
    assert backend.postgres and backend.database_url == "postgresql://db1/soev"
    assert backend.read_urls == ("postgresql://db2/soev", "postgresql://db3/soev")


def test_options_override_the_environment():
    env = {"SOEV_BACKEND": "postgres", "SOEV_DATABASE_URL": "postgresql://db1/soev"}
    assert Backend.from_settings(settings.load(env=env, backend="whoosh")).name == "whoosh"
    chosen = Backend.from_settings(settings.load(env=env, database_url="postgresql://o/x"))
    assert chosen.database_url == "postgresql://o/x"


@pytest.mark.parametrize(("env", "message"), [
    ({"SOEV_BACKEND": "elastic"}, "SOEV_BACKEND must be whoosh or postgres, not 'elastic'"),
    ({"SOEV_BACKEND": "postgres"}, "needs a database: set SOEV_DATABASE_URL"),
])
def test_bad_settings_are_one_clear_error(env, message):
    with pytest.raises(SoevError, match=message):
        Backend.from_settings(settings.load(env=env))
