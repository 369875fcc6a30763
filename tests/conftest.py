"""Fixtures shared by every test module. Module-specific fixtures live in their own test files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

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


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The web app over a real index of the web test corpus (built once per session)."""
    return web_app(tmp_path_factory)


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()
