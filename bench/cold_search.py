"""A search from a fresh process: `soev-index search` against plain Whoosh, alternating.

Usage: python bench/cold_search.py --corpus DIR --work DIR [--runs 15] QUERY [SEARCH OPTION ...]

Builds, when missing, WORK/ours (`soev-index rebuild`) and WORK/plain: plain Whoosh as a new
user indexes a folder of text files (path, title = the first line, content; Whoosh's
StandardAnalyzer, one writer). Then runs, --runs times each and alternating so both see the
same machine: the `soev-index search QUERY [options] --index WORK/ours` console script, and a
fresh Python process that opens WORK/plain, parses QUERY with Whoosh's QueryParser and prints
the first 10 hits. Prints the medians (and minimums) of wall time and CPU time and ours/plain.
Search options such as `--municipality X` or `--json` apply to ours only.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from measure import SOEV_INDEX_SCRIPT

# Kept to what a plain Whoosh user writes: importing anything more would slow plain down.
PLAIN_BUILD = """
import sys
from pathlib import Path
from whoosh import fields, index
schema = fields.Schema(path=fields.ID(stored=True, unique=True), title=fields.TEXT(stored=True),
                       content=fields.TEXT)
Path(sys.argv[2]).mkdir(parents=True)
writer = index.create_in(sys.argv[2], schema).writer()
for path in sorted(Path(sys.argv[1]).rglob("*.txt")):
    text = path.read_text(encoding="utf-8", errors="replace")
    writer.add_document(path=str(path), title=text.split("\\n", 1)[0], content=text)
writer.commit()
"""
PLAIN_SEARCH = """
import sys
from whoosh import index
from whoosh.qparser import QueryParser
ix = index.open_dir(sys.argv[1])
with ix.searcher() as searcher:
    query = QueryParser("content", ix.schema).parse(sys.argv[2])
    for hit in searcher.search(query, limit=10):
        print(hit["path"], hit["title"][:60])
"""


def build_missing(corpus: Path, work: Path) -> None:
    if not (work / "ours").exists():
        subprocess.run([SOEV_INDEX_SCRIPT, "rebuild", "--corpus", str(corpus),
                        "--index", str(work / "ours")], check=True, stdout=subprocess.DEVNULL)
    if not (work / "plain").exists():
        subprocess.run([sys.executable, "-c", PLAIN_BUILD, str(corpus), str(work / "plain")],
                       check=True)


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of the command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("query")
    args, search_options = parser.parse_known_args()
    build_missing(args.corpus, args.work)
    commands = {
        "ours": [SOEV_INDEX_SCRIPT, "search", args.query, *search_options,
                 "--index", str(args.work / "ours")],
        "plain": [sys.executable, "-c", PLAIN_SEARCH, str(args.work / "plain"), args.query],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            runs[name].append(timed(command))
    figures = {name: (statistics.median(w for w, _ in measured),
                      statistics.median(c for _, c in measured), min(w for w, _ in measured))
               for name, measured in runs.items()}
    for name, (wall, cpu, fastest) in figures.items():
        print(f"{name:6} wall {1000 * wall:6.1f} ms (min {1000 * fastest:6.1f})  "
              f"cpu {1000 * cpu:6.1f} ms")
    (wall, cpu, fastest), (plain_wall, plain_cpu, plain_fastest) = figures.values()
    print(f"ours/plain: wall {wall / plain_wall:.2f} (min {fastest / plain_fastest:.2f}), "
          f"cpu {cpu / plain_cpu:.2f}  [{' '.join(commands['ours'][1:-2])}; {args.runs} runs]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
