"""The document's own date, as precise as the text gives it ("2018", "2018-09", "2018-11-20").

Where the text states it (title "status september 2018", a "Dato:" line) that wins. Otherwise
the date is reasoned from the body: a signature at the end ("TINS, 201117" = 20-11-17), else
the latest explicit date that is not part of a plan ("godkendt i ØU den 13. december 2017"
inside "Forslag til proces" is the future). Body evidence dates the writing only roughly, so it
is given to the month.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH})\.?\s+({_YEAR})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+({_YEAR})\b", re.IGNORECASE)
_NUMERIC = re.compile(r"(?<![\d.,/-])(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?![\d.,/-]*\d)")
_ISO = re.compile(rf"\b({_YEAR})-(\d{{2}})-(\d{{2}})\b")
_LONE_YEAR = re.compile(rf"(?<![\d-]){_YEAR}(?![\d-])")
_DATE_LABEL = re.compile(r"\b(?:dato|date|udgivet|offentliggjort)\s*[:.]?\s*", re.IGNORECASE)
# Initials and a compact ddmmyy date closing a Danish memo: "TINS, 201117".
_SIGNATURE = re.compile(r"\b[A-ZÆØÅ]{2,6}\s*[,/]\s*(\d{2})(\d{2})(\d{2})\s*\d{0,3}\s*$")
_PLAN_WORDS = re.compile(
    r"\b(?:forslag|proces|procesplan|tidsplan|plan|forventes|forventet|planlagt|planlægges|"
    r"skal|vil|frist|deadline|kvartal|næste|kommende|inden)\b", re.IGNORECASE)
_PLAN_WINDOW = 120


def title_date(title: str) -> str | None:
    """A date named in a title: "status august 2018" → "2018-08"; one lone year → "2018"."""
    found = _dated(title)
    if found:
        return found[0][1]
    years = _LONE_YEAR.findall(title)
    return years[0] if len(set(years)) == 1 else None


def labelled_date(text: str) -> str | None:
    """A date right after "Dato:" near the top of the text, at full precision."""
    for label in _DATE_LABEL.finditer(text[:1500]):
        found = _dated(text[label.end():label.end() + 40])
        if found and found[0][0] == 0:
            return found[0][1]
    return None


def body_date(text: str, today: date | None = None) -> str | None:
    """Signature date at the end, else the latest explicit non-plan date; to the month."""
    today = today or date.today()
    signature = _SIGNATURE.search(text[-300:])
    if signature:
        day, month, year = (int(part) for part in signature.groups())
        found = _valid(2000 + year, month, day)
        if found and found <= today.isoformat():
            return found[:7]
    candidates = [iso for start, iso in _dated(text)
                  if len(iso) >= 7 and iso <= today.isoformat() and not _in_plan(text, start)]
    return max(candidates)[:7] if candidates else None


def _in_plan(text: str, start: int) -> bool:
    return bool(_PLAN_WORDS.search(text[max(0, start - _PLAN_WINDOW):start]))


def _dated(text: str) -> list[tuple[int, str]]:
    """(position, ISO date) of every explicit date in `text`, most precise match per place."""
    found: dict[int, str] = {}
    for match in _ISO.finditer(text):
        iso = _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if iso:
            found[match.start()] = iso
    for match in _DAY_MONTH_YEAR.finditer(text):
        month = MONTHS[match.group(2).casefold()]
        iso = _valid(int(match.group(3)), month, int(match.group(1)))
        if iso:
            found[match.start()] = iso
    covered = {position for position in found}
    for match in _MONTH_YEAR.finditer(text):
        if not any(0 <= match.start() - p <= 4 for p in covered):
            found[match.start()] = f"{match.group(2)}-{MONTHS[match.group(1).casefold()]:02d}"
    for match in _NUMERIC.finditer(text):
        year = int(match.group(3))
        year = year + 2000 if year < 100 else year
        iso = _valid(year, int(match.group(2)), int(match.group(1)))
        if iso:
            found.setdefault(match.start(), iso)
    return sorted(found.items())


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat() if 1900 <= year <= 2100 else None
    except ValueError:
        return None
