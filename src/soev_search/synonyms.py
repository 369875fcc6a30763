"""The field's synonyms and abbreviations, from a plain file an operator can edit.

One group of equivalent words or phrases per line, separated by commas (the "equivalent
synonyms" lines of Solr's synonyms.txt); ``#`` starts a comment:

    SØV, socialøkonomisk virksomhed
    fleksjob, flexjob

A query for any entry of a group also finds the others. Entries are compared as analysed
terms, so case, æøå spelling and inflection do not matter ("socialøkonomiske virksomheder"
is the entry "socialøkonomisk virksomhed"). The file in use is `$SOEV_SYNONYMS`, else the
one shipped in the package (data/synonyms.txt). It is read at rebuild (its words become
compound parts, so "fleksjobordningen" holds "fleksjob") and at query time (re-read when it
changes, so an edit takes effect without a rebuild).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from soev_search import settings
from soev_search.analysis import WORD_RE
from soev_search.errors import SoevError
from soev_search.package_data import read_text

ENVIRONMENT = settings.Settings.env_name("synonyms")
SHIPPED = "synonyms.txt"

# text → its query terms (DanishAnalyzer.terms with index=False)
Analyse = Callable[[str], list[str]]


@dataclass(frozen=True)
class Synonyms:
    """The groups of the synonyms file, keyed by each entry's terms."""

    # The terms of an entry → the other entries of its groups, as written.
    alternatives: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    # Lines that were left out, with the reason ("line 3: only one entry").
    problems: tuple[str, ...] = ()
    # Terms in the longest entry (how far a query is scanned for a multi-word entry).
    longest: int = 0

    @classmethod
    def parse(cls, text: str, analyse: Analyse) -> Synonyms:
        alternatives: dict[tuple[str, ...], list[str]] = {}
        problems = []
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            entries = [entry.strip() for entry in line.split(",") if entry.strip()]
            keyed = {tuple(analyse(entry)): entry for entry in entries}
            keyed.pop((), None)  # an entry of stop words only can never be searched
            if len(keyed) < 2:
                problems.append(f"line {number}: fewer than two different entries")
                continue
            for key in keyed:
                known = alternatives.setdefault(key, [])
                known.extend(entry for other, entry in keyed.items()
                             if other != key and entry not in known)
        return cls({key: tuple(entries) for key, entries in alternatives.items()},
                   tuple(problems), max(map(len, alternatives), default=0))

    def of(self, terms: Iterable[str]) -> tuple[str, ...]:
        """The other entries of the groups whose entry is exactly these terms."""
        return self.alternatives.get(tuple(terms), ())


class SynonymsUnreadable(SoevError):
    """$SOEV_SYNONYMS names a file that cannot be read."""


def synonym_words() -> set[str]:
    """Every word of the synonyms file in effect (for a rebuild to learn as compound parts)."""
    path = synonyms_path()
    try:
        text = read_synonyms_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise SynonymsUnreadable(
            f"cannot read the synonyms file {path} (${ENVIRONMENT}): "
            f"{getattr(exc, 'strerror', None) or exc}") from None
    return {word for line in text.splitlines()
            for word in WORD_RE.findall(line.split("#", 1)[0])}


def synonyms_path() -> Path | None:
    """The operator's file ($SOEV_SYNONYMS), or None for the shipped one."""
    return settings.current().synonyms


def read_synonyms_text(path: Path | None) -> str:
    if path is None:
        return read_text(SHIPPED)
    return path.read_text(encoding="utf-8")


class SynonymsFile:
    """The synonyms in effect, re-read when the file changes; thread-safe. A file that has
    gone or cannot be read leaves the last good synonyms (none at first) in place."""

    def __init__(self, analyse: Analyse) -> None:
        self._analyse = analyse
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._synonyms = Synonyms()

    def current(self) -> Synonyms:
        path = synonyms_path()
        stamp = _stamp(path)
        if stamp == self._stamp:
            return self._synonyms
        with self._lock:
            if stamp != self._stamp:
                with contextlib.suppress(OSError, UnicodeDecodeError):
                    self._synonyms = Synonyms.parse(read_synonyms_text(path), self._analyse)
                self._stamp = stamp
            return self._synonyms


def _stamp(path: Path | None) -> tuple:
    if path is None:
        return ("shipped",)
    try:
        stat = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), stat.st_mtime_ns, stat.st_size)
