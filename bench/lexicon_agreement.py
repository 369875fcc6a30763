"""How well a lexicon alone splits compounds, measured against a large corpus's own vocabulary.

    .venv/bin/python bench/lexicon_agreement.py DA_DK.DIC EUROPARL.TXT.GZ CORPUS_DIR

On a large corpus the learned vocabulary (stems used standalone at least twice) splits well;
a municipality's corpus is small, so the lexicon must split nearly as well without it. For
each candidate lexicon this prints how many distinct words of at least 8 letters it splits,
the share of the corpus vocabulary's splits it reproduces exactly, and how many words it
splits that the corpus vocabulary leaves whole (mostly wrong splits), with examples.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from build_lexicon import FREQUENT, MIN_EUROPARL, dictionary_stems, text_counts  # noqa: E402

from soev_search.analysis import (  # noqa: E402
    MIN_PART,
    MIN_PART_COUNT,
    NOT_PARTS,
    Decompounder,
    Vocabulary,
    normalize,
    part_counts,
    raw_words,
)


def main(dic: str, europarl: str, corpus: str) -> None:
    words: Counter[str] = Counter()
    for path in Path(corpus).iterdir():
        words.update(raw_words(path.read_text(encoding="utf-8")))
    reference = Decompounder(Vocabulary(
        s for s, count in part_counts(words).items() if count >= MIN_PART_COUNT))
    dictionary = dictionary_stems(Path(dic))
    counts = text_counts(Path(europarl))
    common = {s for s, count in counts.items()
              if len(s) >= MIN_PART and s.isalpha() and s not in NOT_PARTS}
    base = {s for s in dictionary if counts[s] >= MIN_EUROPARL}
    candidates = {
        "hunspell-da, all base words": dictionary,
        f"Europarl alone (>= {MIN_EUROPARL})": {s for s in common if counts[s] >= MIN_EUROPARL},
        f"hunspell-da in Europarl (>= {MIN_EUROPARL})": base,
        f"... plus Europarl >= {FREQUENT} (shipped)":
            base | {s for s in common if counts[s] >= FREQUENT},
    }
    distinct = sorted({normalize(w) for w in words if w.isalpha() and len(w) >= 8})
    expected = {w: reference.split(w) for w in distinct}
    splits = sum(1 for parts in expected.values() if parts)
    print(f"{len(distinct)} distinct words of 8+ letters; the corpus vocabulary splits {splits}")
    random.seed(1)
    for name, stems in candidates.items():
        decompounder = Decompounder(Vocabulary(stems))
        found = {w: decompounder.split(w) for w in distinct}
        same = sum(1 for w, parts in found.items() if parts and parts == expected[w])
        extra = [w for w, parts in found.items() if parts and not expected[w]]
        print(f"{name:40} {len(stems):6} stems  splits {sum(map(bool, found.values())):6}  "
              f"same as corpus {same / splits:6.1%}  splits the corpus does not {len(extra)}")
        print("    e.g. " + ", ".join(f"{w}={'|'.join(found[w])}"
                                     for w in random.sample(extra, min(6, len(extra)))))


if __name__ == "__main__":
    main(*sys.argv[1:])
