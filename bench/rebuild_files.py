"""A rebuild from a folder of text files: `soev-index rebuild` against plain Whoosh, alternating.

Usage: python bench/rebuild_files.py --corpus DIR --work DIR [--runs 10]

Each run builds a fresh index both ways, taking turns so both see the same machine: the
`soev-index rebuild` console script (ingesting included, the default workers), and plain Whoosh
as a new user indexes the files (cold_search.PLAIN_BUILD: path, first line as title, content;
StandardAnalyzer; one process). Prints the medians and ranges of wall and CPU time and
ours/plain. The issue's check of rebuild speed is of this kind, on ~10,000 short documents.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

from cold_search import PLAIN_BUILD, timed
from measure import SOEV_INDEX_SCRIPT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    ours, plain = args.work / "ours", args.work / "plain"
    commands = {
        "ours": [SOEV_INDEX_SCRIPT, "rebuild", "--corpus", str(args.corpus), "--index", str(ours)],
        "plain": [sys.executable, "-c", PLAIN_BUILD, str(args.corpus), str(plain)],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            shutil.rmtree(ours if name == "ours" else plain, ignore_errors=True)
            runs[name].append(timed(command))
    for name, measured in runs.items():
        walls = [wall for wall, _ in measured]
        print(f"{name:6} wall {statistics.median(walls):6.2f} s ({min(walls):.2f}–"
              f"{max(walls):.2f})  cpu {statistics.median(c for _, c in measured):6.2f} s")
    ours_wall, plain_wall = (statistics.median(w for w, _ in runs[name]) for name in commands)
    print(f"ours/plain: wall {ours_wall / plain_wall:.2f}  [{args.runs} runs each]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
