"""Similar documents on real Danish text: do a speech's nearest speeches come from its debate?

The relevance dev set (Folketinget's speeches, ../shared/relevance-dev) groups speeches by the
bill they debate (`relevant` of each "title" query). For a seeded sample of those speeches
this asks the library for the `--limit` most similar documents and reports how many come from
the same debate (sharing a bill), against chance: the share of all other documents that do.
Chair speeches and speeches under 20 words are in no group, so a neighbour of that kind counts
as a miss even when it was said in the same debate (the figure is a lower bound). Also times
each call (warm engine).

    python3 ../shared/relevance-dev/score.py unpack /tmp/rd
    .venv/bin/soev-index rebuild --corpus /tmp/rd/corpus --index /tmp/rd/index
    .venv/bin/python bench/similar.py --index /tmp/rd/index
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from soev_search.search import SearchEngine  # noqa: E402

QUERIES = Path("/work/shared/relevance-dev/queries.json")
SPEECH_ID = re.compile(r"FT\d{5}M\d{3}-\d{4}")


def debates_of(queries: Path) -> dict[str, set[str]]:
    """Speech id → the bills whose debates it belongs to."""
    debates: dict[str, set[str]] = defaultdict(set)
    for query in json.loads(queries.read_text(encoding="utf-8"))["title"]:
        for speech in query["relevant"]:
            debates[speech].add(query["id"])
    return debates


def speech_ids(engine: SearchEngine) -> dict[str, str]:
    """Document id → speech id, from the "[FT...]" in the title or the file name."""
    found = {}
    for doc in engine.documents():
        match = SPEECH_ID.search(doc.title or "") or SPEECH_ID.search(doc.path)
        if match:
            found[doc.id] = match.group()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    engine = SearchEngine(args.index)
    debates = debates_of(args.queries)
    speech_of = speech_ids(engine)
    total = len(speech_of)
    members: dict[str, set[str]] = defaultdict(set)
    for speech, bills in debates.items():
        for bill in bills:
            members[bill].add(speech)
    grouped = sorted(doc for doc, speech in speech_of.items() if speech in debates)
    sample = random.Random(args.seed).sample(grouped, min(args.sample, len(grouped)))

    engine.similar(sample[0], limit=args.limit)  # warm: open the index, load columns
    precision, first, chance, millis, cpu = [], [], [], [], []
    for doc in sample:
        bills = debates[speech_of[doc]]
        started, cpu_started = time.perf_counter(), time.process_time()
        found = engine.similar(doc, limit=args.limit) or []
        millis.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        same = [bool(debates.get(speech_of.get(s.id, ""), set()) & bills) for s in found]
        precision.append(sum(same) / args.limit)
        first.append(1.0 if same and same[0] else 0.0)
        peers = set().union(*(members[bill] for bill in bills)) - {speech_of[doc]}
        chance.append(len(peers) / (total - 1))

    p_at_k, p_at_1, base = (statistics.mean(v) for v in (precision, first, chance))
    millis.sort()
    cpu.sort()
    print(f"{len(sample)} speeches of {len(grouped)} in {len(members)} debates; "
          f"{total} documents in the index")
    print(f"same debate among the {args.limit} most similar: {p_at_k:.1%} "
          f"(nearest alone: {p_at_1:.1%}); chance: {base:.2%}; "
          f"{p_at_k / base:.0f}x chance")
    print(f"time per call: median {statistics.median(millis):.0f} ms, "
          f"p95 {millis[int(0.95 * (len(millis) - 1))]:.0f} ms; CPU time median "
          f"{statistics.median(cpu):.0f} ms, p95 {cpu[int(0.95 * (len(cpu) - 1))]:.0f} ms")


if __name__ == "__main__":
    main()
