"""Build src/soev_search/data/lexicon.tsv: Danish word stems that may be compound parts.

    apt-get download hunspell-da && dpkg-deb -x hunspell-da_*.deb /tmp/hunspell-da
    .venv/bin/python scripts/build_lexicon.py /tmp/hunspell-da/usr/share/hunspell/da_DK.dic \
        /work/shared/danish-text/europarl-da.txt.gz src/soev_search/data/lexicon.tsv

A stem is kept when it is the stem of a lower-case base word of Debian's Danish hunspell
dictionary (Stavekontrolden, LGPL-2.1/GPL-2/MPL-1.1) and words with that stem occur at least
MIN_EUROPARL times in the Europarl Danish sentences (no copyright restrictions): the dictionary
says it is a Danish word, the running text that it is a common one (rare dictionary words such
as "ling" would otherwise be split out of "betaling"). Stems that occur at least FREQUENT times
in Europarl are kept too: the dictionary lists base words, and derivations it makes by affix
rules ("beskæftigelse" from "beskæftige") stem differently. Each line is "stem<TAB>count".
"""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from pathlib import Path

from soev_search.analysis import (
    MIN_PART,
    NOT_PARTS,
    STOP_WORDS,
    base_stem,
    normalize,
    raw_words,
)

MIN_EUROPARL = 3
FREQUENT = 50


def dictionary_stems(dic: Path) -> set[str]:
    stems = set()
    for line in dic.read_text(encoding="utf-8").splitlines()[1:]:
        word = line.split("/", 1)[0].strip()
        if not word.isalpha() or not word.islower():
            continue  # proper nouns, abbreviations, phrases
        folded = normalize(word)
        if len(folded) >= MIN_PART and folded not in STOP_WORDS:
            stems.add(base_stem(folded))
    return {s for s in stems if len(s) >= MIN_PART and s not in NOT_PARTS}


def text_counts(sentences: Path) -> Counter[str]:
    words: Counter[str] = Counter()
    with gzip.open(sentences, "rt", encoding="utf-8") as lines:
        for line in lines:
            words.update(raw_words(line))
    counts: Counter[str] = Counter()
    for word, count in words.items():
        for piece in word.split("-"):
            if piece.isalpha():
                counts[base_stem(normalize(piece))] += count
    return counts


def main(dic: str, sentences: str, out: str) -> None:
    stems = dictionary_stems(Path(dic))
    counts = text_counts(Path(sentences))
    frequent = {s for s, count in counts.items() if count >= FREQUENT and len(s) >= MIN_PART
                and s.isalpha() and s not in NOT_PARTS and s not in STOP_WORDS}
    kept = sorted({s for s in stems if counts[s] >= MIN_EUROPARL} | frequent)
    Path(out).write_text("".join(f"{s}\t{counts[s]}\n" for s in kept), encoding="utf-8")
    print(f"{len(stems)} dictionary stems, {len(kept)} kept in {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
