"""Language of a text with langdetect: deterministic, on a bounded sample, robust when short.

Short texts say too little and default to Danish (the corpus language). Plainly Danish prose
(mostly Danish function words, some only Danish has, none of its neighbours' or of other
languages) is Danish without asking langdetect, which reads its sample character by character
in Python and was most of the cost of ingesting a short document. Other texts are cut into a
few chunks spread over the text; each chunk votes with its probabilities, so a Danish document
quoting an English paragraph stays Danish. Danish is favoured slightly over its close
neighbours (Norwegian, Swedish), which langdetect confuses with it on plain prose.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_LANGUAGE = "da"
MIN_CHARS = 200
CHUNKS = 3
# langdetect reads its sample character by character in Python: 3 x 300 characters tell
# Danish from its neighbours as well as 3 x 500 did.
CHUNK_CHARS = 300
# langdetect's random trials (its default is 7, and they are most of its cost): 2 gave the
# same answer as 7 on every document of a 1,000-document benchmark corpus, on Danish texts
# mixed with English and on the language tests, at 45% of the time.
TRIALS = 2
# Below this probability the one-sample guess is unsure and the chunks vote.
SURE = 0.9
# The languages a Danish municipal document is plausibly written in: Danish and its
# neighbours, the major European languages, and the largest immigrant languages in Denmark.
# langdetect weighs every loaded language for every n-gram, so 20 profiles instead of its 55
# cut detection time by a third and its start-up (once per worker process) from 0.25 s to 0.03 s.
LANGUAGES = ("da", "no", "sv", "en", "de", "nl", "fr", "es", "it", "pt", "pl", "fi", "ro",
             "ru", "uk", "ar", "tr", "so", "ur", "fa")
_NEIGHBOURS = {"no", "sv"}
# Danish wins over a neighbour that got at most twice its votes.
_NEIGHBOUR_MARGIN = 0.5
# The plainly-Danish test: at least this many words, this share of them common Danish
# function words, and Danish-only words outnumbering foreign markers at least this many times.
# On 6,000 speeches, 1,200 Europarl passages and 949 foreign web pages it disagreed with
# langdetect only on 33 Danish speeches that langdetect took for Norwegian
# (bench/language_check.py).
PLAIN_MIN_WORDS = 20
PLAIN_COMMON_SHARE = 0.15
PLAIN_MARGIN = 4


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_DANISH_COMMON = _word_set("""
    ad af alle alt anden at blev blive bliver da de dem den denne der deres det dette dig din
    disse dog du efter eller en end er et for fra ham han hans har havde have hende hendes her
    hos hun hvad hvis hvor i ikke ind jeg jer jo kunne man mange med meget men mig min mine mit
    mod ned noget nogle nu når og også om op os over på selv sig sin sine sit skal skulle som
    sådan thi til ud under var vi vil ville vor være været""")
# Common in Danish, not words of Norwegian or Swedish (which write av, opp, ut, hadde, hva,
# takk/tack, neste/nästa ...).
_DANISH_ONLY = _word_set("""
    af havde hvad noget nogle nogen op ud ind været blive bliver hende mellem igennem vores
    lige sidste gøre giver siger jer os mod første ikke også når jeg nu tak næste""")
# Norwegian, Swedish, English, German, Dutch and French words a Danish text hardly uses
# (not English "to": it is Danish for two, in 31 of 10,000 speeches' samples).
_FOREIGN = _word_set("""
    av etter ble hadde hva noe noen ut opp mellom gjennom vært gjøre ikkje blir bli meg deg seg
    vår våre och inte är att för jag vad hade någon något några mellan varit göra också från
    till när där här ju the and of is und die das ist nicht zu auf het een van niet voor
    zijn les des est""")
_LETTERS = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str:
    """ISO 639-1 code of the dominant language; DEFAULT_LANGUAGE when unsure or too short.

    One langdetect run on a sample spread over the text settles most documents; only when it
    is unsure (a mixed text) does each chunk vote, weighted by its probabilities."""
    if len(text.strip()) < MIN_CHARS:
        return DEFAULT_LANGUAGE
    chunks = _chunks(text)
    sample = " ".join(chunks)
    if plainly_danish(sample):
        return DEFAULT_LANGUAGE
    votes = _probabilities(sample)
    if votes and max(votes.values()) < SURE and len(chunks) > 1:
        votes = Counter()
        for chunk in chunks:
            votes.update(_probabilities(chunk))
    if not votes:
        return DEFAULT_LANGUAGE
    best = votes.most_common(1)[0][0]
    if best in _NEIGHBOURS and votes[DEFAULT_LANGUAGE] >= _NEIGHBOUR_MARGIN * votes[best]:
        return DEFAULT_LANGUAGE
    return best


def plainly_danish(sample: str) -> bool:
    """Whether a sample is Danish prose beyond doubt, judged by its function words."""
    words = _LETTERS.findall(sample.lower())
    if len(words) < PLAIN_MIN_WORDS:
        return False
    common = sum(map(_DANISH_COMMON.__contains__, words))
    danish = sum(map(_DANISH_ONLY.__contains__, words))
    foreign = sum(map(_FOREIGN.__contains__, words))
    return (common >= PLAIN_COMMON_SHARE * len(words) and danish >= 1
            and foreign * PLAIN_MARGIN <= danish)


def _probabilities(sample: str) -> Counter[str]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    detector.n_trial = TRIALS
    try:
        detector.append(sample)
        return Counter({guess.lang: guess.prob for guess in detector.get_probabilities()})
    except LangDetectException:
        return Counter()


@cache
def _factory() -> Any:
    """langdetect's language profiles, loaded once per process (seeded: deterministic).
    Imported on first need: plainly Danish and short texts never need it."""
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY

    DetectorFactory.seed = 0
    factory = DetectorFactory()
    factory.load_json_profile([Path(PROFILES_DIRECTORY, language).read_text(encoding="utf-8")
                               for language in LANGUAGES])
    return factory


def _chunks(text: str) -> list[str]:
    """Up to CHUNKS pieces of CHUNK_CHARS, evenly spread, cut at spaces."""
    if len(text) <= CHUNK_CHARS * CHUNKS:
        return [text]
    step = (len(text) - CHUNK_CHARS) // (CHUNKS - 1)
    pieces = []
    for index in range(CHUNKS):
        start = text.find(" ", index * step)
        start = index * step if start < 0 else start + 1
        pieces.append(text[start:start + CHUNK_CHARS])
    return pieces
