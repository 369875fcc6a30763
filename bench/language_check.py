"""How often the plainly-Danish shortcut of ingest.language disagrees with langdetect, and
what it saves: every text is judged with the shortcut and with langdetect alone.

Usage: python bench/language_check.py [--speeches DIR] [--pages DIR] [--europarl FILE]

Texts: the speeches of the short-document benchmark (bench/corpora/speeches/corpus, made by
bench/run.py), the HTML pages of /work/shared/extraction-dev (foreign languages; unpack
pages.tar.gz and pass the folder it unpacks to), and passages of 10 Europarl sentences.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from soev_search.ingest import language

BENCH_DIR = Path(__file__).resolve().parent
SHARED = Path("/work/shared")


def load_texts(speeches: Path, pages: Path | None, europarl: Path, limit: int) -> dict[str, str]:
    texts = {f"speech/{p.name}": p.read_text(encoding="utf-8")
             for p in sorted(speeches.glob("*.txt"))[:limit]}
    if pages is not None:
        from bs4 import BeautifulSoup

        for page in sorted(pages.rglob("*.html")):
            texts[f"page/{page.name}"] = BeautifulSoup(page.read_bytes(), "lxml").get_text(" ")
    if europarl.is_file():
        with gzip.open(europarl, "rt", encoding="utf-8") as lines:
            sentences = [line.strip() for _, line in zip(range(limit * 2), lines, strict=False)]
        for start in range(0, len(sentences), 10):
            texts[f"europarl/{start}"] = " ".join(sentences[start:start + 10])
    return texts


def judged(texts: dict[str, str], shortcut: bool) -> tuple[dict[str, str], float]:
    original: Callable[[str], bool] = language.plainly_danish
    if not shortcut:
        language.plainly_danish = lambda sample: False
    try:
        start = time.process_time()
        answers = {key: language.detect_language(text) for key, text in texts.items()}
        return answers, time.process_time() - start
    finally:
        language.plainly_danish = original


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=Path,
                        default=BENCH_DIR / "corpora" / "speeches" / "corpus")
    parser.add_argument("--pages", type=Path,
                        help="folder where extraction-dev's pages.tar.gz was unpacked")
    parser.add_argument("--europarl", type=Path,
                        default=SHARED / "danish-text" / "europarl-da.txt.gz")
    parser.add_argument("--limit", type=int, default=6000, help="speeches (and sentences / 2)")
    args = parser.parse_args(argv)
    texts = load_texts(args.speeches, args.pages, args.europarl, args.limit)
    fast, fast_seconds = judged(texts, shortcut=True)
    slow, slow_seconds = judged(texts, shortcut=False)
    differing = [key for key in texts if fast[key] != slow[key]]
    print(f"{len(texts)} texts; langdetect alone {slow_seconds:.1f} s CPU, with the shortcut "
          f"{fast_seconds:.1f} s; languages (langdetect): {dict(Counter(slow.values()))}")
    print(f"{len(differing)} disagreements (shortcut vs langdetect):")
    for key in differing:
        print(f"  {key}: {fast[key]} vs {slow[key]}: {texts[key][:120]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
