"""The index folder's format: a build of another format (or none) is refused by every entry
point with one line naming `soev-index rebuild`, and `update` never links it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from soev_search.index import rebuild
from soev_search.search import SearchEngine
from soev_search.store import BUILD_INFO, BUILDS, FORMAT, current_build
from soev_search.web import create_app


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "soev_search.cli", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module", params=["none", "other"])
def old_index(request, tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index) whose build.json has no format, or a format this version does not read."""
    from conftest import BUNDLED_CORPUS

    base = tmp_path_factory.mktemp("old-format")
    index = base / "index"
    rebuild(BUNDLED_CORPUS, index)
    info_path = current_build(index) / BUILD_INFO
    info = json.loads(info_path.read_text())
    if request.param == "none":
        del info["format"]
    else:
        info["format"] = FORMAT + 1
    info_path.write_text(json.dumps(info))
    return BUNDLED_CORPUS, index


def refusal(text: str) -> bool:
    return "format" in text and "soev-index rebuild" in text


def test_the_library_refuses_it(old_index) -> None:
    from soev_search.errors import IndexUnavailable

    with pytest.raises(IndexUnavailable, match="soev-index rebuild"):
        SearchEngine(old_index[1]).stats()


@pytest.mark.parametrize("command", [["search", "kantine"], ["stats"], ["compare"]])
def test_cli_reading_commands_exit_1_with_one_line(old_index, command) -> None:
    run = cli(*command, "--index", str(old_index[1]))
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and refusal(run.stderr), run.stderr


def test_update_refuses_before_linking_anything(old_index) -> None:
    corpus, index = old_index
    builds = sorted((index / BUILDS).iterdir())
    run = cli("update", "--corpus", str(corpus), "--index", str(index))
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and refusal(run.stderr), run.stderr
    assert sorted((index / BUILDS).iterdir()) == builds


def test_serve_refuses_before_listening(old_index) -> None:
    corpus, index = old_index
    run = cli("serve", "--port", "0", "--corpus", str(corpus), "--index", str(index))
    assert run.returncode == 1
    assert refusal(run.stderr.strip().splitlines()[-1]), run.stderr


def test_web_answers_503_json_for_the_api_and_html_for_pages(old_index) -> None:
    client = create_app(old_index[1], old_index[0]).test_client()
    for url in ("/api/search?q=kantine", "/api/facets", "/api/documents/x",
                "/api/complete?q=so", "/api/compare", "/healthz"):
        response = client.get(url)
        assert response.status_code == 503 and response.is_json, url
        body = response.get_json()
        assert refusal(body.get("detail") or body.get("error")), (url, body)
    for url in ("/", "/?q=kantine", "/compare", "/documents/x", "/embed", "/feed",
                "/export.csv"):
        response = client.get(url)
        assert response.status_code == 503 and response.mimetype == "text/html", url
        assert refusal(response.get_data(as_text=True)), url


def test_a_rebuild_replaces_it(old_index, tmp_path) -> None:
    corpus, index = old_index
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    run = cli("rebuild", "--corpus", str(corpus), "--index", str(copy))
    assert run.returncode == 0, run.stderr
    assert SearchEngine(copy).stats()["documents"] == 5
