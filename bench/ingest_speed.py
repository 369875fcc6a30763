"""Ingest speed: ms per document for the bundled corpus and HTML fixtures, and the cost of
learning repeated lines over a large generated corpus of text files.

    .venv/bin/python bench/ingest_speed.py [--learn-docs 20000]
"""

from __future__ import annotations

import argparse
import pickle
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from soev_search.ingest import corpus_files, ingest_file, learn_repeated_lines  # noqa: E402

RUNS = 7
WORDS = ["socialøkonomi", "virksomhed", "kommune", "borgere", "job", "fleksjob", "frivillige",
         "strategi", "indkøb", "partnerskab", "café", "værksted", "rådgivning", "netværk",
         "udbud", "beskæftigelse"]


def per_document_ms(paths: list[Path]) -> None:
    for path in paths:
        ingest_file(path)  # warm up (langdetect profiles, regexes)
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            ingest_file(path)
            timings.append(time.perf_counter() - start)
        size = path.stat().st_size
        print(f"{path.name:45} {size:8,} B  {statistics.median(timings) * 1000:7.1f} ms")


def learning(count: int) -> None:
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number in range(count):
            body = "\n\n".join(" ".join(rng.choices(WORDS, k=rng.randint(30, 120)))
                               for _ in range(rng.randint(2, 12)))
            (root / f"{number:06d}.txt").write_text(
                f"skip to Main Content\n\nArtikel {number}\n\n{body}\n\nThis Post Has 0 "
                f"Comments\n\nSkriv et svar\n\nBack To Top", encoding="utf-8")
        start = time.perf_counter()
        repeated = learn_repeated_lines(corpus_files(root))
        seconds = time.perf_counter() - start
    print(f"learn_repeated_lines over {count:,} text files: {seconds:.2f} s "
          f"({seconds / count * 1e6:.0f} µs/file), {len(repeated)} lines learned, "
          f"pickled {len(pickle.dumps(repeated)):,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learn-docs", type=int, default=20_000)
    args = parser.parse_args()
    paths = sorted((ROOT / "corpus").glob("*.txt"))
    paths += sorted((ROOT / "tests" / "fixtures" / "ingest").glob("*.html"))
    per_document_ms(paths)
    learning(args.learn_docs)


if __name__ == "__main__":
    main()
