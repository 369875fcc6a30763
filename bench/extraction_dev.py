"""Main-text extraction on real pages: ours against trafilatura, in one run.

Runs the development set's scorer (`../shared/extraction-dev/score.py`: 949 real pages with
annotated passages that belong and do not belong to the main text) twice, on
`soev-index show FILE --text` and on trafilatura itself, and prints both results side by side
with the pages where ours fails. Then times the HTML extraction per page, in one process, for
our rules alone, trafilatura alone and what `ingest` now does (trafilatura with our rules).

    .venv/bin/python bench/extraction_dev.py [--dev ../shared/extraction-dev] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))
from soev_search.ingest.html import decode_html, extract_html  # noqa: E402
from soev_search.ingest.html_rules import rule_text  # noqa: E402

SUMMARY = re.compile(r"^F1 ([\d.]+) P ([\d.]+) R ([\d.]+) pages (\d+) failed (\d+)$")
FAILED_PAGE = re.compile(r"^\s+\d+ wrong .*?(\S+\.html)\s+\S+\s+\[(.*)\]$")


class ScoreFailed(RuntimeError):
    """score.py itself did not finish: that extractor's row is reported as failed."""


def score(dev: Path, command: str, jobs: int) -> tuple[dict[str, float], list[str], float]:
    """(F1, P, R, pages, failed), the pages that failed, and the wall time in seconds."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(dev / "score.py"), "--cmd", command, "--jobs", str(jobs),
         "--worst", "100000"], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:  # e.g. score.py's in-process trafilatura aborting on a page
        raise ScoreFailed(f"score.py --cmd {command!r} exited with {result.returncode}")
    lines = result.stdout.strip().split("\n")
    match = SUMMARY.match(lines[-1])
    if match is None:
        raise SystemExit(f"unexpected output of score.py: {lines[-1]!r}")
    names = ("F1", "P", "R", "pages", "failed")
    figures = {name: float(value) for name, value in zip(names, match.groups(), strict=True)}
    failed = [f"{m.group(1)}: {m.group(2)}" for line in lines if (m := FAILED_PAGE.match(line))]
    return figures, failed, elapsed


def timings(dev: Path, limit: int) -> dict[str, float]:
    """Median ms per page of each extractor on the first `limit` pages."""
    import trafilatura

    extractors = {
        "our rules alone (BeautifulSoup)": lambda raw: rule_text(decode_html(raw)),
        "trafilatura alone": lambda raw: trafilatura.extract(
            raw, include_comments=False, include_tables=True),
        "ingest's extraction (trafilatura + our rules)": extract_html,
    }
    evaldata = json.loads((dev / "evaldata.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as work:
        with tarfile.open(dev / "pages.tar.gz") as archive:
            archive.extractall(work, filter="data")
        pages = [(Path(work) / item["file"]).read_bytes()
                 for item in list(evaldata.values())[:limit]]
    result = {}
    for name, extractor in extractors.items():
        spent = []
        for raw in pages:
            start = time.perf_counter()
            extractor(raw)
            spent.append(time.perf_counter() - start)
        result[name] = statistics.median(spent) * 1000
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" /
                        "extraction-dev")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--time-pages", type=int, default=300,
                        help="pages timed per extractor (0: no timing)")
    args = parser.parse_args()
    if not (args.dev / "score.py").exists():
        raise SystemExit(f"no development set at {args.dev} (pass --dev)")
    ours_command = f"{VENV_BIN / 'soev-index'} show {{file}} --text"
    print(f"{'extractor':38} {'F1':>6} {'P':>6} {'R':>6} {'failed':>6} {'wall s':>7}")
    # Each row is printed as soon as it is known: one extractor's crash loses no other figure.
    for name, command in (("soev-index show --text", ours_command),
                          ("trafilatura (score.py's reference)", "trafilatura")):
        try:
            figures, failed, elapsed = score(args.dev, command, args.jobs)
        except ScoreFailed as exc:
            print(f"{name:38} not scored: {exc}", flush=True)
            continue
        print(f"{name:38} {figures['F1']:6.3f} {figures['P']:6.3f} {figures['R']:6.3f} "
              f"{int(figures['failed']):6d} {elapsed:7.0f}", flush=True)
        for page in failed:
            print(f"  failed: {page}", flush=True)
    if args.time_pages:
        print(f"\nmedian ms per page, first {args.time_pages} pages, one process:")
        for name, ms in timings(args.dev, args.time_pages).items():
            print(f"  {name:48} {ms:6.1f}")


if __name__ == "__main__":
    main()
