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
from functools import cache, lru_cache

from soev_search.municipalities import all_municipalities

# Ordinary Danish words or common name parts: only "<name> Kommune" counts.
WORD_NAMES = frozenset({"Vejen", "Greve", "Odder", "Lejre", "Varde", "Skive", "Ærø", "Herlev",
                        "Rebild", "Fanø"})
# Also brands, airports, cliffs, beaches: bare only after a place preposition.
PLACE_ONLY_NAMES = frozenset({"Assens", "Billund", "Struer", "Faxe", "Stevns", "Solrød",
                              "Langeland", "Lolland", "Morsø", "Samsø", "Læsø", "Bornholm"})
_PLACE_PREPOSITIONS = ("i", "fra", "til", "på", "ved", "omkring", "mellem", "og", "nær")


@cache
def _spellings() -> dict[str, str]:
    """Every spelling (name or alias, normalised by _key) → canonical name."""
    spellings: dict[str, str] = {}
    for municipality in all_municipalities():
        for spelling in (municipality.name, *municipality.aliases):
            spellings[_key(spelling)] = municipality.name
    return spellings


@cache
def _first_words() -> frozenset[str]:
    """The first word of every spelling: a word not among them (nor its genitive) starts no
    municipality name, so most words of a text are passed over after one set lookup."""
    return frozenset(key.split("-")[0] for key in _spellings())


@lru_cache(maxsize=100_000)  # words follow Zipf's law: most are seen before
def _may_start_name(word: str) -> bool:
    first = word.casefold().split("-", 1)[0]
    return first in _first_words() or (first[-1:] == "s" and first[:-1] in _first_words())


def _key(spelling: str) -> str:
    """"Høje Taastrup", "høje-taastrup" → "høje-taastrup"."""
    return re.sub(r"[-\s]+", "-", spelling.casefold())


_WORD = re.compile(r"\w+(?:-\w+)*")
_KOMMUNE_WORD = re.compile(r"(?:regions?)?kommune(?:s|n|ns)?$")


def _canonical(spelling: str) -> str | None:
    return _spellings().get(_key(spelling))


def mentions(text: str) -> Counter[str]:
    """Municipality → number of safe mentions in `text` (one pass over its words).

    Only words that can start a name are looked at, found among the text's distinct words
    first: most texts name no municipality and cost one regex pass and a set per word."""
    found: Counter[str] = Counter()
    words = _WORD.findall(text)
    starts = {word for word in set(words) if _may_start_name(word)}
    if not starts:
        return found
    tokens = list(_WORD.finditer(text))
    resume = 0
    for index in [i for i, word in enumerate(words) if word in starts]:
        if index < resume:  # inside a two-word name already counted
            continue
        name, used = _name_at(tokens, index)
        if name is None:
            continue
        after = tokens[index + used].group(0).casefold() if index + used < len(tokens) else ""
        first, last = tokens[index], tokens[index + used - 1]
        with_kommune = _KOMMUNE_WORD.match(after) or _KOMMUNE_WORD.search(
            last.group(0).casefold())
        if with_kommune or _bare_counts(text, first.group(0), first.start(), last.end(), name):
            found[name] += 1
        resume = index + used
    return found


def _name_at(tokens: list[re.Match[str]], index: int) -> tuple[str | None, int]:
    """The municipality spelled by the word(s) at `index` (two-word names first), genitive -s
    allowed; and how many words it took."""
    for used in (2, 1):
        if index + used > len(tokens):
            continue
        words = [m.group(0) for m in tokens[index:index + used]]
        if used == 2 and tokens[index].end() + 1 != tokens[index + 1].start():
            continue
        spelling = " ".join(words)
        name = _canonical(spelling)
        if name is None and spelling[-1:] in "sS":
            name = _canonical(spelling[:-1])
        if name is not None:
            return name, used
    return None, 1


def _bare_counts(text: str, word: str, start: int, end: int, name: str) -> bool:
    if not word[:1].isupper() or (word.isupper() and len(word) > 1
                                  and not _all_caps_context(text, start, end)):
        return False
    if name in WORD_NAMES:
        return False
    if name in PLACE_ONLY_NAMES:
        before = text[max(0, start - 12):start].split()
        return bool(before) and before[-1].casefold() in _PLACE_PREPOSITIONS \
            and not re.match(r"\s[A-ZÆØÅ]", text[end:end + 2])
    return True


def _all_caps_context(text: str, start: int, end: int) -> bool:
    """An all-caps name counts inside an all-caps heading ("STRATEGI FOR HORSENS")."""
    around = text[max(0, start - 30):end + 30]
    letters = [c for c in around if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def own_municipality(title: str, text: str, emails: list[str],
                     overall: Counter[str] | None = None) -> str | None:
    """The document's own municipality: named in the title (or site name), else the one of a
    contact e-mail domain (pmn@jammerbugt.dk), else dominant in the opening, else the only one
    or a dominant one in the whole text. `overall` is mentions(text) when the caller has it."""
    overall = mentions(text) if overall is None else overall
    in_title = mentions(title)
    if in_title:
        return _most(in_title, overall)
    by_domain = _from_domains(emails)
    if by_domain:
        return by_domain
    # A text that names no municipality has none in its opening either (cutting it could only
    # make a name of a longer word: "Aarhusvej" → "Aarhus"); most texts name none.
    opening = mentions(text[:600]) if overall else Counter()
    if opening:
        return _most(opening, overall)
    if len(overall) == 1:
        return next(iter(overall))
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
