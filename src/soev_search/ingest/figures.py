"""Numbers of the shared questionnaire (FIGURE_KEYS) read from the answers.

Counts of enterprises come from the answers to "Hvor mange socialøkonomiske virksomheder" and
"Hvor mange er registrerede": the first number (digits or a Danish number word) that counts
enterprises ("seks SØV", "23 socialøkonomiske virksomheder", "7etablerede", "Alle seks
virksomheder er registrerede"). Staff numbers come from labelled lines ("Frivillige: ca. 35").
Qualifiers are kept: "ca."/"omkring"/"skønnes" → approximate, "mere end"/"over" → lower bound.
An empty answer gives None, never 0.
"""

from __future__ import annotations

import re

from soev_search.document import FIGURE_KEYS, Figure, Section

NUMBER_WORDS = {
    "ingen": 0, "én": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7,
    "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14,
    "femten": 15, "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19, "tyve": 20,
    "tredive": 30, "fyrre": 40, "halvtreds": 50, "tres": 60, "halvfjerds": 70, "firs": 80,
    "halvfems": 90, "hundrede": 100,
}
# Digits with Danish thousands dots ("30.300"), or a number word.
_NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?![\d,]*%)|\b(" + "|".join(NUMBER_WORDS) + r")\b",
    re.IGNORECASE)
_APPROXIMATE = re.compile(r"\b(?:ca|cirka|circa|omkring|ansl[åa]et|skønnes|skønsmæssigt|"
                          r"estimeret|anslået|approx|omtrent|cirka)\b\.?|~", re.IGNORECASE)
_LOWER_BOUND = re.compile(r"\b(?:mere end|over|mindst|minimum|flere end|op mod|godt)\b|\+$",
                          re.IGNORECASE)
_ENTERPRISE_WORDS = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:søv|rsv|socialøkonomiske|socialøkonomisk|virksomhed\w*|"
    r"etablerede|registrerede)", re.IGNORECASE)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_MAX_RAW_CHARS = 160

_QUESTION_KEYS = (
    ("registered", re.compile(r"hvor mange er registrerede|registrerede socialøkonomiske", re.I)),
    ("social_enterprises", re.compile(r"hvor mange socialøkonomiske virksomheder", re.I)),
)
_STAFF_LABELS = (
    ("staff_ordinary", re.compile(r"^ordinær[a-zæøå]*(?:\s+ansatte)?\b[^:\n]{0,30}:", re.I)),
    ("staff_flex", re.compile(r"^(?:tilskudsjob|fleksjob|skånejob|løntilskud)[^:\n]{0,40}:",
                              re.I)),
    ("staff_placements", re.compile(
        r"^(?:etablerede forløb|praktik\w*|virksomhedspraktik|øvrige|forløb)[^\n]{0,70}?:", re.I)),
    ("staff_volunteers", re.compile(r"^frivillige\b[^:\n]{0,30}:", re.I)),
)


def extract_figures(sections: list[Section], text: str) -> dict[str, Figure | None]:
    """Every FIGURE_KEYS key; None where the document gives no number."""
    figures: dict[str, Figure | None] = dict.fromkeys(FIGURE_KEYS)
    for section in sections:
        for key, question in _QUESTION_KEYS:
            if figures[key] is None and question.search(section.question):
                figures[key] = _enterprise_count(section.answer)
                break
    for key, figure in _staff_figures(text).items():
        figures[key] = figure
    return figures


def _enterprise_count(answer: str) -> Figure | None:
    """The first number in the answer that counts enterprises ("seks SØV", "7etablerede")."""
    for match in _NUMBER.finditer(answer):
        if _YEAR.match(match.group(0)):
            continue
        if _ENTERPRISE_WORDS.match(answer[match.end():match.end() + 60]):
            line_start = answer.rfind("\n", 0, match.start()) + 1
            line_end = answer.find("\n", match.end())
            line = answer[line_start:line_end if line_end >= 0 else len(answer)]
            return _figure(answer[line_start:match.end()], match, raw=line[:_MAX_RAW_CHARS])
    return None


def _staff_figures(text: str) -> dict[str, Figure | None]:
    found: dict[str, Figure | None] = {}
    lines = text.split("\n")
    for index, line in enumerate(lines):
        for key, label in _STAFF_LABELS:
            match = label.match(line.strip())
            if not match or key in found:
                continue
            value = line.strip()[match.end():].strip()
            if not value and index + 1 < len(lines) and _is_bare_number(lines[index + 1]):
                value = lines[index + 1].strip()
            found[key] = parse_figure(value)
            break
    return found


def _is_bare_number(line: str) -> bool:
    return len(line.split()) <= 4 and ":" not in line and bool(_NUMBER.search(line))


def parse_figure(value: str) -> Figure | None:
    """ "ca. 30.300 (primært ...)" → Figure(30300, approximate); "" → None."""
    match = _NUMBER.search(value)
    if match is None:
        return None
    return _figure(value[:match.end()], match, raw=value.strip())


def _figure(context: str, match: re.Match[str], raw: str) -> Figure:
    """`context` is the text up to the end of the number, where its qualifiers stand."""
    digits, word = match.group(1), match.group(2)
    value = int(digits.replace(".", "")) if digits else NUMBER_WORDS[word.casefold()]
    before = context[:len(context) - len(match.group(0))][-40:]
    return Figure(
        value=value,
        approximate=bool(_APPROXIMATE.search(before)),
        lower_bound=bool(_LOWER_BOUND.search(before)),
        raw=raw.strip(),
    )
