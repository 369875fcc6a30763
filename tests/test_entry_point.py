"""The `soev-index` executable runs the commands that answer at once without the cyclic
garbage collector and freezes their objects before the interpreter's teardown; the others
run and end as usual. Each case in a fresh interpreter, as the executable runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Runs the executable's main with the given arguments and reports, on stderr as it exits,
# whether the collector is on, how many collections ran since just before main, the exit
# code and how many objects are frozen.
REPORT = (
    "import gc, json, sys\n"
    "from soev_search import entry_point\n"
    "before = sum(generation['collections'] for generation in gc.get_stats())\n"
    "sys.argv = ['soev-index', *sys.argv[1:]]\n"
    "try:\n"
    "    entry_point.main()\n"
    "except SystemExit as exc:\n"
    "    after = sum(generation['collections'] for generation in gc.get_stats())\n"
    "    print(json.dumps([gc.isenabled(), after - before, exc.code, gc.get_freeze_count()]),\n"
    "          file=sys.stderr)\n"
    "    raise\n"
)


def run(*args: str) -> tuple[subprocess.CompletedProcess, list]:
    proc = subprocess.run([sys.executable, "-c", REPORT, *args], capture_output=True,
                          text=True, timeout=120)
    return proc, json.loads(proc.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("command", [["search", "socialøkonomi"], ["stats", "--json"]])
def test_a_command_that_answers_at_once_runs_without_collections_and_ends_frozen(
        bundled_index, command):
    proc, (enabled, collections, code, frozen) = run(*command, "--index", str(bundled_index))
    assert proc.returncode == code == 0 and proc.stdout.strip()
    assert not enabled
    assert collections == 0
    assert frozen > 10_000  # the imported modules' objects, at least


def test_a_failing_one_shot_command_keeps_its_exit_code_and_message(tmp_path):
    proc, (_, _, code, _) = run("search", "kantine", "--index", str(tmp_path / "none"))
    assert proc.returncode == code == 1
    assert proc.stderr.startswith("soev-index: ")


def test_a_long_running_command_keeps_the_collector_and_freezes_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notat.txt").write_text("Notat om socialøkonomi\n\nKommunen arbejder med sociale "
                                      "virksomheder.\n", encoding="utf-8")
    proc, (enabled, _, code, frozen) = run("rebuild", "--corpus", str(corpus),
                                           "--index", str(tmp_path / "index"))
    assert proc.returncode == code == 0
    assert enabled and frozen == 0


def test_help_before_the_command_keeps_the_collector_and_still_answers():
    proc, (enabled, _, code, frozen) = run("--help")
    assert proc.returncode == code == 0 and "search" in proc.stdout
    assert enabled and frozen == 0
