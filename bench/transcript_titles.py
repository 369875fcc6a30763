"""Titles on a real transcript corpus: does every document keep its own title line?

Learns the repeated lines from the whole corpus as `rebuild` does, ingests a random sample of
its files and counts the documents whose title is not the file's first line, whose text is
empty, and whose notes say learned lines were kept to save their text. For the speeches of
`../shared/relevance-dev` (unpack them with its score.py):

    .venv/bin/python bench/transcript_titles.py --corpus /tmp/rd/corpus --sample 3000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from soev_search.document import Document  # noqa: E402
from soev_search.ingest import corpus_files, ingest_file, learn_repeated_lines  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = list(corpus_files(args.corpus))
    start = time.perf_counter()
    repeated = learn_repeated_lines(files)
    print(f"learned {len(repeated)} lines from {repeated.documents:,} files "
          f"in {time.perf_counter() - start:.1f} s")
    sample = random.Random(args.seed).sample(files, min(args.sample, len(files)))
    lost = empty = kept = 0
    for path in sample:
        document = ingest_file(path, args.corpus, repeated)
        first = path.read_text(encoding="utf-8", errors="replace").split("\n")[0].strip()
        if not isinstance(document, Document):
            empty += 1
            continue
        lost += document.title != first
        empty += not document.text.strip()
        kept += bool(document.notes)
    print(f"sample {len(sample):,}: title not the first line {lost}, empty or skipped {empty}, "
          f"learned lines kept to save the text {kept}")


if __name__ == "__main__":
    main()
