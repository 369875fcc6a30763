"""`soev-index rebuild|update|search|stats` as a user runs them: real subprocesses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from soev_search.document import Skipped
from soev_search.index import BuildReport
from soev_search.index_cli import Progress, print_build_report
from soev_search.results import FACETS, SearchRequest
from soev_search.search import SearchEngine
from soev_search.store import BUILDS, current_build

HIT_KEYS = {"id", "title", "municipality", "year", "date", "doctype", "language", "score", "url",
            "snippet", "snippet_section", "snippet_label"}


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "soev_search.cli", *args],
                          capture_output=True, text=True, timeout=120, **kwargs)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "soev_search.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(process: subprocess.Popen, prefix: str) -> str:
    """Read the progress lines (plain, not a terminal) until one starts with prefix."""
    for line in process.stderr:
        if line.startswith(prefix):
            return line
    raise AssertionError(f"no {prefix!r} line; exit {process.wait()}")


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(child) for child in (task / "children").read_text().split())
    return found


def wait_for_children(pid: int, seconds: float = 10.0) -> dict[int, str]:
    """The children of `pid` (waiting for the first), each with its start time."""
    deadline = time.monotonic() + seconds
    while not (found := children_of(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return {child: started for child in found if (started := _start_time(child))}


def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/PID/stat): tells a pid reused by another
    process (busy machines wrap around pid_max quickly) from the one we saw."""
    state = _stat_fields(pid)
    return state[19] if state else None


def _stat_fields(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def wait_until_gone(processes: dict[int, str], seconds: float = 15.0) -> bool:
    """True once every process has exited (a zombie waiting for its reaper counts as exited,
    and so does a pid now used by a process started later)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = set()
        for pid, started in processes.items():
            fields = _stat_fields(pid)
            if fields is not None and fields[0] != "Z" and fields[19] == started:
                alive.add(pid)
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    index = tmp_path_factory.mktemp("cli") / "index"
    result = cli("rebuild", "--corpus", str(corpus), "--index", str(index))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Indexed 5 documents, skipped 0 in ")
    return index


def test_search_json_has_exactly_the_documented_shape(index_dir):
    result = cli("search", "socialøkonomi", "--index", str(index_dir), "--json", "--limit", "2")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"query", "total", "page", "per_page", "hits", "facets", "suggestion"} <= set(data)
    assert data["total"] == 5 and data["per_page"] == 2 and len(data["hits"]) == 2
    assert all(set(hit) == HIT_KEYS for hit in data["hits"])
    assert list(data["facets"]) == list(FACETS)
    assert all(set(v) == {"value", "count"} for vs in data["facets"].values() for v in vs)


def test_search_filters_sort_and_pages(index_dir):
    data = json.loads(cli("search", "", "--index", str(index_dir), "--json", "--sort", "date",
                          "--limit", "2", "--page", "3").stdout)
    assert data["page"] == 3 and len(data["hits"]) == 1
    municipality = data["facets"]["municipality"][0]["value"]
    filtered = json.loads(cli("search", "", "--index", str(index_dir), "--json",
                              "--municipality", municipality).stdout)
    assert {h["municipality"] for h in filtered["hits"]} == {municipality}


def test_search_readable_output(index_dir):
    result = cli("search", "kantine", "--index", str(index_dir))
    assert result.returncode == 0
    assert "documents (page 1 of 1)" in result.stdout
    assert "*kantinedriften*" in result.stdout.lower()
    assert "   Bruges strategien aftalen aktivt? " in result.stdout  # its own "?", no ":"


def test_readable_counts_are_singular_for_one(index_dir):
    one = cli("search", "hillerød", "--index", str(index_dir))
    assert "\n1 document (page 1 of 1)\n" in f"\n{one.stdout}"
    listing = cli("compare", "--municipality", "Roskilde", "--index", str(index_dir)).stdout
    assert listing.startswith("1 document: Roskilde 2018\n")
    assert "(1 answer)" in listing and "answers)" not in listing


def test_compare_lists_questions_and_answers_one(index_dir):
    listing = cli("compare", "--index", str(index_dir))
    assert listing.returncode == 0, listing.stderr
    assert "  1. Har I en strategi for socialøkonomiske virksomheder" in listing.stdout
    assert "staff_ordinary:" in listing.stdout and "Silkeborg 2018 >=100" in listing.stdout
    data = json.loads(cli("compare", "--index", str(index_dir), "--json").stdout)
    second = data["questions"][1]
    answer = cli("compare", "--question", "2", "--index", str(index_dir))
    assert answer.stdout.startswith(f"2. {second['text']}\n")
    for doc in data["documents"]:
        assert f"\n{doc['label']}:\n" in answer.stdout
    one = json.loads(cli("compare", "--question", "2", "--json", "--municipality", "Roskilde",
                         "--index", str(index_dir)).stdout)
    assert [q["number"] for q in one["questions"]] == [2]
    assert [d["municipality"] for d in one["documents"]] == ["Roskilde"]
    unknown = cli("compare", "--question", "999", "--index", str(index_dir))
    assert unknown.returncode == 1 and "no question '999'" in unknown.stderr
    nobody = cli("compare", "--question", "1", "--municipality", "Atlantis",
                 "--index", str(index_dir))
    assert nobody.returncode == 1
    assert "no question '1': no status articles of these municipalities" in nobody.stderr


def test_malformed_query_on_the_cli_explains_itself(index_dir):
    result = cli("search", '"kantine OR', "--index", str(index_dir), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["notice"].startswith("Søgningen kunne ikke forstås")


def test_stats(index_dir):
    data = json.loads(cli("stats", "--index", str(index_dir), "--json").stdout)
    assert data["documents"] == 5 and data["size_bytes"] > 0
    assert data["corpus"].endswith("corpus") and data["built_at"]
    text = cli("stats", "--index", str(index_dir)).stdout
    assert "Documents: 5" in text


@pytest.mark.parametrize("command", [["search", "x"], ["stats"]])
def test_missing_index_is_one_line_and_exit_1(tmp_path, command):
    result = cli(*command, "--index", str(tmp_path / "none"))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "soev-index rebuild" in result.stderr


def test_index_comes_from_the_environment(index_dir, tmp_path):
    env = {**os.environ, "SOEV_INDEX": str(index_dir)}
    result = cli("search", "kantine", "--json", env=env, cwd=tmp_path)
    assert json.loads(result.stdout)["total"] == 2


def test_rebuild_lists_skipped_files_and_exits_0(corpus_dir, tmp_path):
    (corpus_dir / "tom.txt").write_text("   \n")
    result = cli("rebuild", "--corpus", str(corpus_dir), "--index", str(tmp_path / "i"))
    assert result.returncode == 0, result.stderr
    assert "Indexed 5 documents, skipped 1 in " in result.stdout
    assert "  skipped tom.txt: " in result.stdout
    assert "Reading files: 6/6" in result.stderr  # plain progress when not a terminal


def test_update_reports_what_changed(corpus_dir, tmp_path):
    index = str(tmp_path / "i")
    cli("rebuild", "--corpus", str(corpus_dir), "--index", index)
    (corpus_dir / "silkeborg-status-2018.txt").unlink()
    result = cli("update", "--corpus", str(corpus_dir), "--index", index)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Added 0, changed 0, deleted 1, skipped 0 in ")


@pytest.mark.parametrize("stage", ["Reading files:", "Indexing:"])
def test_a_killed_rebuild_leaves_the_old_index_answering(corpus_dir, big_corpus, tmp_path,
                                                         stage):
    index = tmp_path / "index"
    assert cli("rebuild", "--corpus", str(corpus_dir), "--index", str(index)).returncode == 0
    old_build = current_build(index)
    engine = SearchEngine(index)
    assert engine.search(SearchRequest("socialøkonomi")).total == 5

    process = start("rebuild", "--corpus", str(big_corpus), "--index", str(index))
    wait_for_line(process, stage)
    workers = wait_for_children(process.pid)
    assert workers  # both stages use worker processes at this size
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    assert wait_until_gone(workers), "worker processes outlived the killed rebuild"

    assert current_build(index) == old_build
    assert engine.search(SearchRequest("socialøkonomi")).total == 5
    assert SearchEngine(index).search(SearchRequest("socialøkonomi")).total == 5
    leftovers = {p.name for p in (index / BUILDS).iterdir()} - {old_build.name}
    assert leftovers  # the killed build's folder

    result = cli("rebuild", "--corpus", str(corpus_dir), "--index", str(index))
    assert result.returncode == 0, result.stderr
    remaining = {p.name for p in (index / BUILDS).iterdir()}
    assert remaining == {old_build.name, current_build(index).name}
    assert engine.search(SearchRequest("socialøkonomi")).total == 5


def test_concurrent_rebuild_is_refused_and_the_index_stays_whole(corpus_dir, big_corpus,
                                                                  tmp_path):
    index = tmp_path / "index"
    assert cli("rebuild", "--corpus", str(corpus_dir), "--index", str(index)).returncode == 0
    first = start("rebuild", "--corpus", str(big_corpus), "--index", str(index))
    try:
        wait_for_line(first, "Reading files:")
        second = cli("rebuild", "--corpus", str(corpus_dir), "--index", str(index))
        assert second.returncode == 1
        assert "another rebuild or update is running" in second.stderr
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    assert SearchEngine(index).search(SearchRequest("")).total == 5


def test_progress_lines_are_plain_and_throttled(capsys) -> None:
    with Progress(sys.stdout) as progress:
        for done in range(0, 101):
            progress("ingest", done, 100)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Reading files: 0/100" and lines[-1] == "Reading files: 100/100"
    assert len(lines) == 2


def test_a_count_reported_again_is_printed_once(capsys) -> None:
    """The index stage reports its count while it waits for the writers to finish."""
    with Progress(sys.stdout) as progress:
        for done in (0, 100, 100, 100):
            progress("ingest", done, 100)
        for done in (100, 100):
            progress("index", done, 100)
    assert capsys.readouterr().out.splitlines() == [
        "Reading files: 0/100", "Reading files: 100/100", "Indexing: 100/100"]


def test_rebuild_report_names_every_skipped_file(capsys) -> None:
    report = BuildReport(3, [Skipped("a.bin", "binary file"), Skipped("b.txt", "empty file")],
                         1.5)
    print_build_report(report, sys.stdout)
    assert capsys.readouterr().out.splitlines() == [
        "Indexed 3 documents, skipped 2 in 1.5 s",
        "  skipped a.bin: binary file",
        "  skipped b.txt: empty file",
    ]


def test_search_json_finds_compounds_by_their_parts_and_says_when_relaxed(index_dir):
    data = json.loads(cli("search", "vilkår", "--index", str(index_dir), "--json").stdout)
    assert {"Roskilde", "Silkeborg"} <= {hit["municipality"] for hit in data["hits"]}
    assert data["relaxed"] is False and data["exact_total"] == data["total"]
    assert json.loads(cli("search", "rand", "--index", str(index_dir), "--json").stdout)[
        "total"] == 0
    relaxed = json.loads(cli("search", "markedsvilkår xylofon", "--index", str(index_dir),
                             "--json").stdout)
    assert relaxed["relaxed"] is True and relaxed["exact_total"] == 0
    assert relaxed["notice"].startswith("Kun få dokumenter indeholder alle ordene")
    assert {hit["municipality"] for hit in relaxed["hits"]} == {"Roskilde", "Silkeborg"}
    text = cli("search", "markedsvilkår xylofon", "--index", str(index_dir)).stdout
    assert "2 documents, 0 with all the words" in text
