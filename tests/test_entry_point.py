"""The `soev-index` executable runs the commands that answer at once without the cyclic
garbage collector, and the others with it; each case in a fresh interpreter, as the
executable runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from soev_search.index import rebuild

# Runs the executable's main with the given arguments, then reports on stderr whether the
# collector is on and how many collections ran since just before main.
REPORT_COLLECTOR = (
    "import gc, json, sys\n"
    "from soev_search import entry_point\n"
    "before = sum(generation['collections'] for generation in gc.get_stats())\n"
    "sys.argv = ['soev-index', *sys.argv[1:]]\n"
    "try:\n"
    "    entry_point.main()\n"
    "except SystemExit as exc:\n"
    "    code = exc.code\n"
    "after = sum(generation['collections'] for generation in gc.get_stats())\n"
    "print(json.dumps([gc.isenabled(), after - before, code]), file=sys.stderr)\n"
)


def collector_after(*args: str) -> tuple[str, bool, int, int]:
    proc = subprocess.run([sys.executable, "-c", REPORT_COLLECTOR, *args], capture_output=True,
                          text=True, timeout=120, check=True)
    enabled, collections, code = json.loads(proc.stderr.strip().splitlines()[-1])
    return proc.stdout, enabled, collections, code


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    target = tmp_path_factory.mktemp("entry") / "index"
    rebuild(corpus, target)
    return target


@pytest.mark.parametrize("command", [["search", "socialøkonomi"], ["stats", "--json"]])
def test_a_command_that_answers_at_once_runs_without_collections(index_dir, command):
    out, enabled, collections, code = collector_after(*command, "--index", str(index_dir))
    assert code == 0 and out.strip()
    assert not enabled
    assert collections == 0


def test_a_long_running_command_keeps_the_collector(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text("Notat om socialøkonomi\n\nKommunen arbejder med sociale "
                                      "virksomheder.\n", encoding="utf-8")
    out, enabled, _, code = collector_after("rebuild", "--corpus", str(corpus),
                                            "--index", str(tmp_path / "index"))
    assert code == 0
    assert enabled


def test_help_before_the_command_keeps_the_collector_and_still_answers():
    out, enabled, _, code = collector_after("--help")
    assert code == 0 and "search" in out
    assert enabled
