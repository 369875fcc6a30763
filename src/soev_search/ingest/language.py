"""Language of a text with langdetect: deterministic, on a bounded sample, robust when short.

Short texts say too little and default to Danish (the corpus language). Longer ones are cut
into a few chunks spread over the text; each chunk votes with its probabilities, so a Danish
document quoting an English paragraph stays Danish. Danish is favoured slightly over its close
neighbours (Norwegian, Swedish), which langdetect confuses with it on plain prose.
"""

from __future__ import annotations

from collections import Counter

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

DetectorFactory.seed = 0

DEFAULT_LANGUAGE = "da"
MIN_CHARS = 200
CHUNKS = 5
CHUNK_CHARS = 600
_NEIGHBOURS = {"no", "sv"}
# Danish wins over a neighbour that got at most twice its votes.
_NEIGHBOUR_MARGIN = 0.5


def detect_language(text: str) -> str:
    """ISO 639-1 code of the dominant language; DEFAULT_LANGUAGE when unsure or too short."""
    if len(text.strip()) < MIN_CHARS:
        return DEFAULT_LANGUAGE
    votes: Counter[str] = Counter()
    for chunk in _chunks(text):
        try:
            for guess in detect_langs(chunk):
                votes[guess.lang] += guess.prob
        except LangDetectException:
            continue
    if not votes:
        return DEFAULT_LANGUAGE
    best = votes.most_common(1)[0][0]
    if best in _NEIGHBOURS and votes[DEFAULT_LANGUAGE] >= _NEIGHBOUR_MARGIN * votes[best]:
        return DEFAULT_LANGUAGE
    return best


def _chunks(text: str) -> list[str]:
    """Up to CHUNKS pieces of CHUNK_CHARS, evenly spread, cut at spaces."""
    if len(text) <= CHUNK_CHARS * CHUNKS:
        return [text[:CHUNK_CHARS * CHUNKS]]
    step = (len(text) - CHUNK_CHARS) // (CHUNKS - 1)
    pieces = []
    for index in range(CHUNKS):
        start = text.find(" ", index * step)
        start = index * step if start < 0 else start + 1
        pieces.append(text[start:start + CHUNK_CHARS])
    return pieces
