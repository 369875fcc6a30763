"""Main-text extraction quality: our HTML ingester against trafilatura, on realistic pages.

Each page `X.html` in tests/fixtures/ingest/ has a hand-made ground truth `X.truth.txt` (the
article's own text). Scores over words (lower-cased \\w+ tokens, counted as multisets):
  kept   = share of the ground truth's words that the output has (recall),
  leaked = share of the output's words that are not in the ground truth (boilerplate let in).
Also times each extractor (median of a few runs per page).

    .venv/bin/python bench/ingest_quality.py
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from soev_search.ingest import ingest_file  # noqa: E402
from soev_search.ingest.readers import extract  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ingest"
RUNS = 5


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.casefold()))


def scores(output: str, truth: str) -> tuple[float, float]:
    got, want = words(output), words(truth)
    common = sum((got & want).values())
    kept = common / max(1, sum(want.values()))
    leaked = 1 - common / max(1, sum(got.values()))
    return kept, leaked


def ours(path: Path) -> str:
    """The whole ingest (extraction, cleaning, metadata, language, structure)."""
    result = ingest_file(path)
    return getattr(result, "text", "")


def ours_extraction_only(path: Path) -> str:
    """Extraction and cleaning only: the same work trafilatura does."""
    return extract(path, path.read_bytes(), None).text


def trafilatura_default(path: Path) -> str:
    return trafilatura.extract(path.read_bytes(), include_comments=False) or ""


def trafilatura_precision(path: Path) -> str:
    return trafilatura.extract(path.read_bytes(), include_comments=False,
                               favor_precision=True) or ""


EXTRACTORS: dict[str, Callable[[Path], str]] = {
    "ours": ours,
    "ours-extraction-only": ours_extraction_only,
    "trafilatura": trafilatura_default,
    "trafilatura-precision": trafilatura_precision,
}


def main() -> None:
    pages = sorted(FIXTURES.glob("*.html"))
    totals: dict[str, list[tuple[float, float, float]]] = {name: [] for name in EXTRACTORS}
    print(f"{'page':24} {'extractor':22} {'kept':>6} {'leaked':>7} {'ms':>7}")
    for page in pages:
        truth_file = page.with_suffix(".truth.txt")
        if not truth_file.exists():
            continue
        truth = truth_file.read_text(encoding="utf-8")
        for name, extractor in EXTRACTORS.items():
            timings = []
            for _ in range(RUNS):
                start = time.perf_counter()
                output = extractor(page)
                timings.append(time.perf_counter() - start)
            kept, leaked = scores(output, truth)
            ms = statistics.median(timings) * 1000
            totals[name].append((kept, leaked, ms))
            print(f"{page.stem:24} {name:22} {kept:6.1%} {leaked:7.1%} {ms:7.1f}")
    print()
    for name, rows in totals.items():
        kept = statistics.mean(r[0] for r in rows)
        leaked = statistics.mean(r[1] for r in rows)
        ms = statistics.mean(r[2] for r in rows)
        print(f"{'MEAN':24} {name:22} {kept:6.1%} {leaked:7.1%} {ms:7.1f}")


if __name__ == "__main__":
    main()
