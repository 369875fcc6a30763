"""Which of the 98 municipalities a text names, and which one is the document's own.

"X Kommune" (any case, genitive "X Kommunes", "Københavns Kommune") always counts. A bare name
counts when it is capitalised and not an ordinary Danish word: "Vejen" is "the road", "Greve"
"counts", "Odder" "otters", so such names need "Kommune" after them. Names that are also
brands or landmarks ("Faxe Kondi", "Billund Lufthavn") count bare only after a place
preposition ("i Billund") and not as the first word of a longer name.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from soev_search.municipalities import all_municipalities

# Ordinary Danish words or common name parts: only "<name> Kommune" counts.
WORD_NAMES = frozenset({"Vejen", "Greve", "Odder", "Lejre", "Varde", "Skive", "Ærø", "Herlev",
                        "Rebild", "Fanø"})
# Also brands, airports, cliffs, beaches: bare only after a place preposition.
PLACE_ONLY_NAMES = frozenset({"Assens", "Billund", "Struer", "Faxe", "Stevns", "Solrød",
                              "Langeland", "Lolland", "Morsø", "Samsø", "Læsø", "Bornholm"})
_PLACE_PREPOSITIONS = ("i", "fra", "til", "på", "ved", "omkring", "mellem", "og", "nær")
_KOMMUNE = r"\s+(?:kommune|kommunes|kommunen|kommunens|regionskommune)\b"


@cache
def _spellings() -> dict[str, str]:
    """Every spelling (name or alias, normalised by _key) → canonical name."""
    spellings: dict[str, str] = {}
    for municipality in all_municipalities():
        for spelling in (municipality.name, *municipality.aliases):
            spellings[_key(spelling)] = municipality.name
    return spellings


def _key(spelling: str) -> str:
    """"Høje Taastrup", "høje-taastrup" → "høje-taastrup"."""
    return re.sub(r"[-\s]+", "-", spelling.casefold())


def _alternation() -> str:
    names = sorted(_spellings(), key=len, reverse=True)
    return "|".join(r"[-\s]".join(re.escape(part) for part in name.split("-")) for name in names)


@cache
def _with_kommune() -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])({_alternation()})s?{_KOMMUNE}", re.IGNORECASE)


@cache
def _bare() -> re.Pattern[str]:
    # Matched in any case; _bare_counts then wants a capitalised proper noun.
    return re.compile(rf"(?<![\w-])({_alternation()})s?(?![\w-])", re.IGNORECASE)


def _canonical(spelling: str) -> str | None:
    return _spellings().get(_key(spelling))


def mentions(text: str) -> Counter[str]:
    """Municipality → number of safe mentions in `text`."""
    found: Counter[str] = Counter()
    taken: set[int] = set()
    for match in _with_kommune().finditer(text):
        name = _canonical(match.group(1))
        if name:
            found[name] += 1
            taken.add(match.start())
    for match in _bare().finditer(text):
        if match.start() in taken:
            continue
        name = _canonical(match.group(1))
        if name and _bare_counts(text, match, name):
            found[name] += 1
    return found


def _bare_counts(text: str, match: re.Match[str], name: str) -> bool:
    word = match.group(1)
    if not word[:1].isupper() or (word.isupper() and len(word) > 1 and not name.isupper()
                                  and not _all_caps_context(text, match)):
        return False
    if name in WORD_NAMES:
        return False
    if name in PLACE_ONLY_NAMES:
        before = text[max(0, match.start() - 12):match.start()].split()
        after = text[match.end():match.end() + 2]
        return bool(before) and before[-1].casefold() in _PLACE_PREPOSITIONS \
            and not re.match(r"\s[A-ZÆØÅ]", after)
    return True


def _all_caps_context(text: str, match: re.Match[str]) -> bool:
    """An all-caps name counts inside an all-caps heading ("STRATEGI FOR HORSENS")."""
    around = text[max(0, match.start() - 30):match.end() + 30]
    letters = [c for c in around if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def mentioned_municipalities(text: str) -> list[str]:
    """Every municipality the text names, sorted by name."""
    return sorted(mentions(text))


def own_municipality(title: str, text: str, emails: list[str]) -> str | None:
    """The document's own municipality: named in the title, else dominant in the opening,
    else the municipality of a contact e-mail domain (pmn@jammerbugt.dk)."""
    in_title = mentions(title)
    if in_title:
        return _most(in_title, mentions(text))
    opening = mentions(text[:600])
    overall = mentions(text)
    if opening:
        return _most(opening, overall)
    by_domain = _from_domains(emails)
    if by_domain:
        return by_domain
    if overall:
        (best, count), *rest = overall.most_common(2) + [("", 0)]
        if count >= 3 and count >= 2 * rest[0][1]:
            return best
    return None


def _most(primary: Counter[str], overall: Counter[str]) -> str:
    return max(primary, key=lambda name: (primary[name], overall[name], name))


def _from_domains(emails: list[str]) -> str | None:
    for email in emails:
        domain = email.rsplit("@", 1)[-1].split(".")[0]
        name = _spellings().get(domain.casefold())
        if name:
            return name
    return None
