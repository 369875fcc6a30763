"""`soev-index add` as an operator runs it: the real command line (in a subprocess where the
process boundary matters, else in-process for speed), a real loopback HTTP server, a real index
that is updated (or not) afterwards."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import BUNDLED_CORPUS
from http_support import Site, default_site, serving
from soev_search.cli import main
from soev_search.index import rebuild
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine
from soev_search.store import current_build, writer_lock


@pytest.fixture
def site() -> Iterator[Site]:
    with serving(default_site()) as running:
        yield running


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(BUNDLED_CORPUS / "silkeborg-status-2018.txt", corpus)
    rebuild(corpus, tmp_path / "index")
    return corpus, tmp_path / "index"


def add(paths: tuple[Path, Path], *args: str) -> subprocess.CompletedProcess:
    """`soev-index add` in its own process."""
    corpus, index = paths
    return subprocess.run([sys.executable, "-m", "soev_search.cli", "add", *args,
                           "--corpus", str(corpus), "--index", str(index), "--timeout", "1"],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., subprocess.CompletedProcess]:
    """`soev-index add` through cli.main in this process: same parser, handlers and output."""
    def add_here(paths: tuple[Path, Path], *args: str) -> subprocess.CompletedProcess:
        capsys.readouterr()
        code = main(["add", *args, "--corpus", str(paths[0]), "--index", str(paths[1]),
                     "--timeout", "1"])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)
    return add_here


def test_added_pages_and_pdfs_are_found_with_their_url(site: Site,
                                                       paths: tuple[Path, Path]) -> None:
    page, pdf = site.url("/strategi/socialøkonomi.html"), site.url("/notat.pdf")
    result = add(paths, page, pdf, "--doctype", "strategi")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("added ")
    assert "Added 2, changed 0, deleted 0" in result.stdout
    engine = SearchEngine(paths[1])
    [hit] = engine.search(SearchRequest(query="pdfnotatord")).hits
    doc = engine.document(hit.id)
    assert doc.url == pdf and doc.doctype == "strategi" and doc.set_by_hand == ["doctype"]
    assert hit.url == pdf
    assert engine.search(SearchRequest(query="frivilligcentret")).hits[0].url == page
    found = subprocess.run([sys.executable, "-m", "soev_search.cli", "search", "pdfnotatord",
                            "--index", str(paths[1])], capture_output=True, text=True,
                           timeout=60)
    assert f"   {pdf}\n" in found.stdout


def test_each_failure_is_one_line_and_the_good_ones_are_still_added(
        site: Site, paths: tuple[Path, Path]) -> None:
    result = add(paths, site.url("/missing.html"), site.url("/notat.pdf"), site.url("/slow"),
                 site.url("/fake.pdf"))
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    errors = [line for line in errors if line.startswith("soev-index:")]
    assert errors == [
        f"soev-index: add {site.url('/missing.html')}: HTTP 404 Not Found",
        f"soev-index: add {site.url('/slow')}: timed out (no answer within 1 s)",
        f"soev-index: add {site.url('/fake.pdf')}: not a document: served as application/pdf "
        "but is not a PDF",
    ]
    assert SearchEngine(paths[1]).search(SearchRequest(query="pdfnotatord")).total == 1


def test_adding_the_same_url_again_changes_nothing_until_it_changes(
        site: Site, paths: tuple[Path, Path],
        run: Callable[..., subprocess.CompletedProcess]) -> None:
    url = site.url("/nyhed.html")
    site.page("/nyhed.html", word="førsteudgave")
    assert run(paths, url).returncode == 0
    build = current_build(paths[1])
    again = run(paths, url)
    assert again.stdout.startswith("unchanged ") and current_build(paths[1]) == build
    site.page("/nyhed.html", word="andenudgave")
    refreshed = run(paths, url)
    assert refreshed.stdout.startswith("refreshed ")
    assert "Added 0, changed 1, deleted 0" in refreshed.stdout
    engine = SearchEngine(paths[1])
    assert engine.search(SearchRequest(query="andenudgave")).total == 1
    assert engine.search(SearchRequest(query="førsteudgave")).total == 0


def test_no_update_leaves_the_index_alone(site: Site, paths: tuple[Path, Path],
        run: Callable[..., subprocess.CompletedProcess]) -> None:
    build = current_build(paths[1])
    result = run(paths, site.url("/notat.pdf"), "--no-update")
    assert result.returncode == 0 and current_build(paths[1]) == build
    assert (paths[0] / f"127.0.0.1-{site.port}" / "notat.pdf").is_file()


def test_a_correction_of_a_file_in_the_corpus_re_indexes_it(paths: tuple[Path, Path],
        run: Callable[..., subprocess.CompletedProcess]) -> None:
    document = paths[0] / "silkeborg-status-2018.txt"
    result = run(paths, str(document), "--municipality", "Aarhus", "--date", "2018-05")
    assert result.returncode == 0 and result.stdout.startswith("corrected ")
    meta = json.loads((paths[0] / "silkeborg-status-2018.txt.meta.json").read_text())
    assert meta == {"municipality": "Aarhus", "date": "2018-05"}
    [hit] = SearchEngine(paths[1]).search(SearchRequest(query="Silkeborg")).hits
    assert (hit.municipality, hit.date) == ("Aarhus", "2018-05")


def test_a_bad_correction_is_refused_before_anything_is_fetched(
        site: Site, paths: tuple[Path, Path],
        run: Callable[..., subprocess.CompletedProcess]) -> None:
    result = run(paths, site.url("/notat.pdf"), "--date", "2018-02-30")
    assert result.returncode == 2
    assert result.stderr.strip() == ("soev-index: add: --date: impossible date '2018-02-30' "
                                     "(YYYY, YYYY-MM or YYYY-MM-DD)")
    assert site.requests == []


def test_add_builds_the_index_when_there_is_none(site: Site, tmp_path: Path,
        run: Callable[..., subprocess.CompletedProcess]) -> None:
    corpus, index = tmp_path / "new-corpus", tmp_path / "new-index"
    result = run((corpus, index), site.url("/notat.pdf"))
    assert result.returncode == 0, result.stderr
    assert "Indexed 1 document, skipped 0" in result.stdout
    assert SearchEngine(index).search(SearchRequest(query="pdfnotatord")).total == 1


def test_add_waits_for_another_update_instead_of_failing(site: Site,
                                                         paths: tuple[Path, Path],
        run: Callable[..., subprocess.CompletedProcess]) -> None:
    held = threading.Event()

    def hold_the_index() -> None:
        with writer_lock(paths[1]):
            held.set()
            time.sleep(2.0)

    holder = threading.Thread(target=hold_the_index)
    holder.start()
    assert held.wait(10)
    result = run(paths, site.url("/notat.pdf"))
    holder.join()
    assert result.returncode == 0, result.stderr
    assert SearchEngine(paths[1]).search(SearchRequest(query="pdfnotatord")).total == 1
