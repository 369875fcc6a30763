"""scripts/run.sh's index check (scripts/ensure_index.sh), run for real: an index of another
format is rebuilt with serve's --corpus/--index, a readable one is left alone."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from soev_search.index import rebuild
from soev_search.search import SearchEngine
from soev_search.store import BUILD_INFO, FORMAT, POINTER, current_build

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def ensure_index(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / "ensure_index.sh"), *args],
                          capture_output=True, text=True, timeout=120)


def test_an_index_of_another_format_is_rebuilt_and_a_readable_one_kept(tmp_path):
    index = tmp_path / "index"
    rebuild(CORPUS, index)
    info_path = current_build(index) / BUILD_INFO
    info = json.loads(info_path.read_text())
    info["format"] = FORMAT - 1  # as an older checkout built it
    info_path.write_text(json.dumps(info))

    result = ensure_index("--port", "9", "--index", str(index), f"--corpus={CORPUS}")
    assert result.returncode == 0, result.stderr
    assert f"has format {FORMAT - 1}" in result.stdout and "Indexed 5 documents" in result.stdout
    assert SearchEngine(index).stats()["documents"] == 5

    built = (index / POINTER).read_text()
    again = ensure_index("--index", str(index), "--corpus", str(CORPUS))
    assert again.returncode == 0 and again.stdout == ""
    assert (index / POINTER).read_text() == built
