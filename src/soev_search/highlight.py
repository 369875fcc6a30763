"""Marking the words a query matches: snippets for result lists, whole texts for documents.

A word is marked when its index terms (stem, compound parts) meet the query's terms, so the
marks agree with what the search matched: "aftale" marks "partnerskabsaftalens". Everything
else is HTML-escaped; the only markup produced is <mark>.

A snippet is the best one or two sentence-sized passages (`passages.Sentences`), shown
in document order. A passage scores by the query words it holds, as a BM25 passage scorer
does: each distinct word by its rarity in the index (idf), repeats of a word saturating, and
a bonus for distinct words close together. Text the corpus repeats (`RepeatedPassages`) and
the title line (the result shows the title already) are chosen only when nothing else
matches. A passage inside a questionnaire's answer carries the question as its section.
"""

from __future__ import annotations

import bisect
import html
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from soev_search.analysis import DanishAnalyzer, normalize, stem
from soev_search.document import Section
from soev_search.passages import REPEATED, SCAN_CHARS, Passage, Sentences
from soev_search.query import TEXT_FIELDS, Field, Node, Phrase, Prefix, Word, positive_leaves
from soev_search.synonyms import Synonyms

SNIPPET_CHARS = 240
# Snippets look for matches only this far into a text: long documents stay cheap.
SNIPPET_SCAN_CHARS = SCAN_CHARS
# BM25's term-frequency saturation: a word's second occurrence adds 37 %, its third 14 %.
_K1 = 1.2
# A pair of different query words in adjacent words adds this share of the rarer one's weight.
_PROXIMITY = 0.5
# Repetition is looked up for the best-scoring candidates until this many are the document's
# own text, and for at most _MAX_WEIGHED of them.
_OWN_WANTED = 4
_MAX_WEIGHED = 40
# Less room than this after a lone passage is not filled with a cut-off next sentence.
_MIN_CROPPED = 40
# Without a match, the opening is looked for among this many first passages.
_OPENING_PASSAGES = 20
# Between two passages not adjacent in the text.
_GAP = " … "
SECTION_LABEL_CHARS = 48
_SPACE = re.compile(r"\s+")
_ASIDE = re.compile(r"\s*\([^()]*\)")
_WORD_CHAR = re.compile(r"\w")

# How repeated a passage's text is in the corpus, 0.0 (its own) to 1.0 (copied everywhere).
Repetition = Callable[[str], float]


@dataclass(frozen=True)
class Snippet:
    """A hit's snippet, and the question its passage answers."""

    # HTML: matched words in <mark>, everything else escaped.
    html: str
    # Plain text: the question whose answer the passage comes from, shortened; else None.
    section: str | None = None


@dataclass(frozen=True)
class _Match:
    """A matched word's span and the query keys it matches."""

    start: int
    end: int
    keys: frozenset[str]


@dataclass
class _Candidate:
    """A passage that could become the snippet: its matches and score."""

    passage: Passage
    matches: list[_Match]
    score: float
    sentence: int = 0
    repetition: float = 0.0

    def rank(self) -> tuple[bool, float, int]:
        """Not repeated first, then score discounted by repetition, then the earlier."""
        discounted = self.score * (1.05 - self.repetition)
        return (self.repetition < REPEATED, discounted, -self.passage.start)


def highlighter_for(analyzer: DanishAnalyzer, tree: Node | None,
                    synonyms: Synonyms | None = None,
                    weight: Callable[[str], float] | None = None) -> Highlighter:
    """Marks what the query's positive words, phrases and prefixes match, and the synonyms
    they were searched with; `weight` gives a term's weight in snippets (its idf). A
    multi-word synonym was searched as a phrase, so its words are marked only as that phrase
    ("social økonomi" for socialøkonomi marks no lone "sociale")."""
    terms: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    prefixes: set[str] = set()
    typed: list[str] = []  # the terms of all the plain words, for a multi-word synonym

    def add_synonyms(of: list[str]) -> None:
        for other in synonyms.of(of) if synonyms else ():
            other_terms = tuple(analyzer.terms(other, index=False))
            (phrases.add if len(other_terms) > 1 else terms.update)(other_terms)

    for node in positive_leaves(tree):
        if isinstance(node, Prefix) or (isinstance(node, Field) and node.value.endswith("*")):
            prefixes.add(normalize((node.text if isinstance(node, Prefix)
                                    else node.value).rstrip("*")))
        elif isinstance(node, Word | Phrase) or (
                isinstance(node, Field) and node.name in TEXT_FIELDS):
            text = node.value if isinstance(node, Field) else node.text
            found = analyzer.terms(text, index=False)
            terms.update(found)
            typed.extend(found if isinstance(node, Word) else ())
            add_synonyms(found)
    if len(typed) > 1:
        add_synonyms(typed)
    weighed = terms.union(*phrases)
    weights = {term: weight(term) for term in weighed} if weight is not None else None
    return Highlighter(analyzer, terms, prefixes, weights, phrases)


def idf(frequency: int, documents: int) -> float:
    """BM25's inverse document frequency: a word in fewer documents weighs more."""
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


class Highlighter:
    def __init__(self, analyzer: DanishAnalyzer, terms: Iterable[str],
                 prefixes: Iterable[str] = (), weights: Mapping[str, float] | None = None,
                 phrases: Iterable[tuple[str, ...]] = ()) -> None:
        self.analyzer = analyzer
        # Matched wherever they occur; a phrase's terms only as consecutive words.
        self.phrases = tuple(phrases)
        self._phrase_only = frozenset(t for p in self.phrases for t in p) - frozenset(terms)
        self.terms = frozenset(terms) | self._phrase_only
        # A prefix matches as typed or stemmed; either way it counts as the one query word.
        self._prefix_of = {form: prefix for prefix in prefixes for form in (stem(prefix), prefix)}
        self.prefixes = tuple(self._prefix_of)
        # A term's weight is its idf in the index; a prefix (or without an index) weighs 1.
        self.weights = dict(weights or {})
        needles = sorted(self.terms | set(self.prefixes), key=len, reverse=True)
        self._candidates = (re.compile("|".join(map(_raw_spellings, needles)), re.IGNORECASE)
                            if needles else None)

    def keys(self, word: str) -> frozenset[str]:
        """The query terms and prefixes one word matches (empty: no match)."""
        word_terms = self.analyzer.word_terms(word)
        keys = self.terms & word_terms
        if self.prefixes:
            folded = normalize(word)
            keys |= {self._prefix_of[p] for p in self.prefixes
                     if any(t.startswith(p) for t in (folded, *word_terms))}
        return keys

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the matched words, in order."""
        return [(match.start, match.end) for match in self._matches(text)]

    def _matches(self, text: str) -> list[_Match]:
        """The matched words with what they match, in order.

        A matching word contains one of the terms or prefixes in its folded form (stems
        and compound parts are pieces of the word), so a regex over the raw text finds
        the few candidates and only those are analysed.
        """
        if self._candidates is None:
            return []
        found: dict[int, _Match] = {}
        for candidate in self._candidates.finditer(text):
            start, end = _enclosing_word(text, candidate.start(), candidate.end())
            if start not in found:
                keys = self.keys(text[start:end])
                if keys:
                    found[start] = _Match(start, end, keys)
        return self._in_phrases([found[start] for start in sorted(found)], text)

    def _in_phrases(self, matches: list[_Match], text: str) -> list[_Match]:
        """The matches without the phrase terms of words that are not in their phrase."""
        if not self._phrase_only:
            return matches
        in_phrase: dict[int, set[str]] = {}
        for phrase in self.phrases:
            for at in range(len(matches) - len(phrase) + 1):
                run = matches[at:at + len(phrase)]
                if all(term in match.keys for term, match in zip(phrase, run, strict=True)) \
                        and all(not _WORD_CHAR.search(text[a.end:b.start])
                                for a, b in itertools.pairwise(run)):
                    for term, match in zip(phrase, run, strict=True):
                        in_phrase.setdefault(match.start, set()).add(term)
        kept = []
        for match in matches:
            keys = match.keys - (self._phrase_only - in_phrase.get(match.start, set()))
            if keys:
                kept.append(_Match(match.start, match.end, frozenset(keys)))
        return kept

    def mark(self, text: str) -> str:
        """The whole text, escaped, with <mark> around every matched word."""
        return _render(text, self.spans(text), 0, len(text), collapse=False)

    def snippet(self, text: str, length: int = SNIPPET_CHARS, *, title: str = "",
                sections: Sequence[Section] = (), repetition: Repetition | None = None
                ) -> Snippet:
        """The best one or two passages for the query (or the opening), escaped."""
        scanned = text[:SNIPPET_SCAN_CHARS]
        sentences = Sentences(scanned, length)
        title_key = _plain(title)

        def is_title(passage: Passage) -> bool:
            return bool(title_key) and _plain(scanned[passage.start:passage.end]) == title_key

        def repeated(passage: Passage) -> float:
            if is_title(passage):
                return 1.0
            piece = scanned[passage.start:passage.end]
            return repetition(piece) if repetition is not None else 0.0

        matches = self._matches(scanned)
        # The result shows the title already: a match only there gets the opening instead.
        candidates = _weigh_repetition(
            [c for c in self._candidates_in(sentences, matches) if not is_title(c.passage)],
            repeated)
        answers = _Sections(scanned, sections)
        if candidates:
            chosen = _choose(candidates, length, answers.of)
            if len(chosen) == 1:
                chosen = _with_context(chosen[0], sentences, repeated, length, answers.of)
        else:
            chosen = _opening(sentences, repeated, length)
        if not chosen:
            return Snippet("")
        first = chosen[0].passage
        # After its question's label, an answer's first sentence needs no "…" before it.
        opens = not text[:first.start].strip() or answers.begins_answer(first, scanned)
        return Snippet(_render_passages(text, [c.passage for c in chosen], matches, opens),
                       answers.label(first))

    def _candidates_in(self, sentences: Sentences, matches: list[_Match]) -> list[_Candidate]:
        """The passages holding matches, each with its matches and score."""
        text = sentences.text
        found: dict[Passage, _Candidate] = {}
        for match in matches:
            place = sentences.passage_at(match.start)
            if place is None:
                continue
            number, passage = place
            candidate = found.get(passage)
            if candidate is None:
                candidate = found[passage] = _Candidate(passage, [], 0.0, number)
            candidate.matches.append(match)
        for candidate in found.values():
            candidate.score = self._score(text, candidate.matches)
        return list(found.values())

    def _score(self, text: str, matches: list[_Match]) -> float:
        counts: dict[str, int] = {}
        for match in matches:
            for key in match.keys:
                counts[key] = counts.get(key, 0) + 1
        score = sum(self._weight(key) * count * (_K1 + 1) / (count + _K1)
                    for key, count in counts.items())
        for before, after in zip(matches, matches[1:], strict=False):
            if before.keys != after.keys:
                words_between = len(text[before.end:after.start].split())
                rarer = min(self._weight(k) for k in before.keys | after.keys)
                score += _PROXIMITY * rarer / (1 + words_between)
        return score

    def _weight(self, key: str) -> float:
        return self.weights.get(key, 1.0)


def _weigh_repetition(candidates: list[_Candidate],
                      repeated: Callable[[Passage], float]) -> list[_Candidate]:
    """The best-scoring candidates with their repetition looked up, until a few of the
    document's own passages are among them: a long document may have hundreds of matching
    passages, and one far down the scores would not win anyway."""
    by_score = sorted(candidates, key=lambda c: (-c.score, c.passage.start))
    weighed: list[_Candidate] = []
    own = 0
    for candidate in by_score[:_MAX_WEIGHED]:
        candidate.repetition = repeated(candidate.passage)
        weighed.append(candidate)
        own += candidate.repetition < REPEATED
        if own >= _OWN_WANTED:
            break
    return weighed


def _choose(candidates: list[_Candidate], length: int,
            section_of: Callable[[Passage], int | None]) -> list[_Candidate]:
    """The best candidate and, when room is left, the next best not repeated from the same
    questionnaire answer (so one label is true of both), in text order."""
    ranked = sorted(candidates, key=_Candidate.rank, reverse=True)
    best = ranked[0]
    chosen = [best]
    if best.repetition < REPEATED:
        room = length - (best.passage.end - best.passage.start) - len(_GAP)
        section = section_of(best.passage)
        for other in ranked[1:]:
            size = other.passage.end - other.passage.start
            if (other.repetition < REPEATED and size <= room
                    and section_of(other.passage) == section):
                chosen.append(other)
                break
    return sorted(chosen, key=lambda c: c.passage.start)


def _with_context(best: _Candidate, sentences: Sentences,
                  repeated: Callable[[Passage], float], length: int,
                  section_of: Callable[[Passage], int | None]) -> list[_Candidate]:
    """A lone passage with the passages right after and before it while they fit, then as
    much of the one after as fits, cut at a word; only the document's own text from the same
    answer: one sentence of a template or a repeated formula tells documents apart less than
    its surroundings."""
    section = section_of(best.passage)

    def usable(passage: Passage | None) -> bool:
        return (passage is not None and section_of(passage) == section
                and repeated(passage) < REPEATED)

    after, before = sentences.neighbours(best.sentence, best.passage)
    chosen = [best.passage]
    room = length - (best.passage.end - best.passage.start)
    for neighbour in (after, before):
        if usable(neighbour) and neighbour.end - neighbour.start + 1 <= room:
            chosen.append(neighbour)
            room -= neighbour.end - neighbour.start + 1
    if after is not None and after not in chosen and room >= _MIN_CROPPED and usable(after):
        cut = sentences.text.rfind(" ", after.start, after.start + room - 1)
        if cut > after.start:
            chosen.append(Passage(after.start, cut))
    context = [_Candidate(passage, [], 0.0) for passage in chosen[1:]]
    return sorted([best, *context], key=lambda c: c.passage.start)


def _opening(sentences: Sentences, repeated: Callable[[Passage], float],
             length: int) -> list[_Candidate]:
    """Without a match: the first passages that are neither repeated text nor the title, up
    to `length`; the first passage when the opening holds nothing else."""
    opening = itertools.islice((passage for number in range(len(sentences))
                                for passage in sentences.passages(number)), _OPENING_PASSAGES)
    chosen: list[_Candidate] = []
    first: Passage | None = None
    used = 0
    for passage in opening:
        first = first or passage
        size = passage.end - passage.start + 1
        if chosen and used + size > length:
            break
        if repeated(passage) < REPEATED:
            chosen.append(_Candidate(passage, [], 0.0))
            used += size
    return chosen or ([_Candidate(first, [], 0.0)] if first else [])


def _render_passages(text: str, chosen: list[Passage], matches: list[_Match],
                     opens: bool) -> str:
    """The passages in text order, every match inside them marked (context passages too)."""
    starts = [match.start for match in matches]
    parts: list[str] = []
    previous: Passage | None = None
    for passage in chosen:
        if previous is not None:
            between = text[previous.end:passage.start]
            parts.append(" " if not between.strip() else _GAP)
        inside = itertools.takewhile(lambda m, end=passage.end: m.end <= end,
                                     matches[bisect.bisect_left(starts, passage.start):])
        spans = [(match.start, match.end) for match in inside]
        parts.append(_render(text, spans, passage.start, passage.end, collapse=True))
        previous = passage
    last = chosen[-1]
    prefix = "" if opens else "… "
    suffix = " …" if text[last.end:].strip() else ""
    return f"{prefix}{''.join(parts)}{suffix}"


class _Sections:
    """Where each questionnaire answer lies in the text; answers run, as in
    ingest.structure, from the end of their question line to the next question."""

    def __init__(self, text: str, sections: Sequence[Section]) -> None:
        self.questions: list[str] = []
        self.starts: list[int] = []  # question line starts
        self.answer_starts: list[int] = []
        at = 0
        for section in sections:
            found = text.find(section.question, at)
            if found >= 0:
                at = found + len(section.question)
                self.questions.append(section.question)
                self.starts.append(found)
                self.answer_starts.append(at)

    def of(self, passage: Passage) -> int | None:
        """Number of the answer that holds the passage; None outside answers."""
        number = bisect.bisect_right(self.starts, passage.start) - 1
        if number < 0 or passage.start < self.answer_starts[number]:
            return None
        return number

    def begins_answer(self, passage: Passage, text: str) -> bool:
        number = self.of(passage)
        return number is not None and not text[self.answer_starts[number]:passage.start].strip()

    def label(self, passage: Passage) -> str | None:
        number = self.of(passage)
        return None if number is None else section_label(self.questions[number])


def section_label(question: str) -> str:
    """A question as a short label: its parenthesised asides dropped, cut at a word."""
    label = _SPACE.sub(" ", _ASIDE.sub("", question)).strip()
    if len(label) <= SECTION_LABEL_CHARS:
        return label
    cut = label.rfind(" ", 0, SECTION_LABEL_CHARS)
    return label[:cut if cut > 0 else SECTION_LABEL_CHARS].rstrip(" ,;:–-") + " …"


def _plain(text: str) -> str:
    return " ".join(text.casefold().split())


# How a folded letter may be written in the raw text (the inverse of analysis.fold).
_SPELLINGS = {"o": "(?:oe|o|ø|ö|ó|ô)", "e": "[eéèêë]", "a": "[aáàâä]", "u": "[uúùûü]",
              "i": "[iíìîï]", "c": "[cç]", "n": "[nñ]", "y": "[yý]"}


def _raw_spellings(folded: str) -> str:
    """A regex matching the raw spellings of a folded piece: "aa" also as "å", "o" as "ø"."""
    out: list[str] = []
    at = 0
    while at < len(folded):
        pair = folded[at:at + 2]
        if pair in ("aa", "ae"):
            out.append(f"(?:{pair}|{'å' if pair == 'aa' else 'æ'})")
            at += 2
            continue
        out.append(_SPELLINGS.get(folded[at], re.escape(folded[at])))
        at += 1
    return "".join(out)


def _enclosing_word(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int,
            collapse: bool) -> str:
    out: list[str] = []
    at = start
    for span_start, span_end in spans:
        out.append(_escape(text[at:span_start], collapse))
        out.append(f"<mark>{_escape(text[span_start:span_end], collapse)}</mark>")
        at = span_end
    out.append(_escape(text[at:end], collapse))
    return "".join(out)


def _escape(text: str, collapse: bool) -> str:
    return html.escape(_SPACE.sub(" ", text) if collapse else text, quote=True)
