"""Bytes → str for text-like files: BOMs, strict UTF-8, then detection with a Danish sanity check.

charset-normalizer alone often calls short Danish cp1252 text "cp1250" (ø → ř), so its guess
competes with the Western single-byte encodings and the decoding that reads most like Danish
(or any Western European text) wins.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WESTERN_FALLBACKS = ("cp1252", "iso-8859-15", "latin-1")
# Characters expected in Danish (and most Western European) prose beyond ASCII.
_EXPECTED = set("æøåÆØÅéÉèüÜöÖäÄáíóúñçÇ–—„“”‘’«»…•€§½°´·×\u00a0\u00ad")
# Share of control characters above which bytes are not text.
_MAX_CONTROL_SHARE = 0.01
_SAMPLE = 200_000
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


class NotText(ValueError):
    """The bytes are not text in any encoding we accept (binary, NUL bytes, control codes)."""


def decode_text(raw: bytes) -> str:
    """Decode `raw` to str; raise NotText for binary data. Never guesses when UTF-8 decodes."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _checked(raw[len(bom):].decode(encoding, errors="replace"))
    if b"\x00" in raw[:_SAMPLE]:
        raise NotText("binary file (NUL bytes)")
    try:
        return _checked(raw.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _checked(_best_single_byte(raw))


def _best_single_byte(raw: bytes) -> str:
    import charset_normalizer  # only for text that is not UTF-8: most runs never load it

    sample = raw[:_SAMPLE]
    candidates = list(_WESTERN_FALLBACKS)
    guess = charset_normalizer.from_bytes(sample).best()
    if guess is not None and guess.encoding not in candidates:
        candidates.append(guess.encoding)
    # Highest score wins; a tie goes to the earlier candidate: cp1252 first, the guess last.
    best_encoding = max(
        candidates, key=lambda enc: (_western_score(sample.decode(enc, errors="replace")),
                                     -candidates.index(enc)))
    return raw.decode(best_encoding, errors="replace")


def _western_score(text: str) -> float:
    """Share of non-ASCII characters that belong in Western European prose (1.0 when none)."""
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return 1.0
    return sum(c in _EXPECTED for c in non_ascii) / len(non_ascii)


def _checked(text: str) -> str:
    sample = text[:_SAMPLE]
    controls = len(_CONTROL.findall(sample))
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise NotText("binary file (control characters)")
    if "\x00" in sample:
        raise NotText("binary file (NUL characters)")
    return text
