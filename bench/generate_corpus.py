"""Writes a deterministic benchmark corpus of realistic Danish municipal documents.

Usage: python bench/generate_corpus.py --n 10000 --seed 1 --out bench/corpora/10k

The raw material is real Danish: sentences of the Europarl corpus (see
../shared/danish-text/README.md). Agenda headings become titles and section headings, runs of
consecutive sentences become the body, parliamentary words are turned municipal, and
social-economy sentences, municipality names, dates and document types are mixed in so that
queries, filters and facets have realistic spread.

Document i depends only on (seed, i): the first 1,000 documents of a 10,000-document corpus
are byte-identical to a 1,000-document corpus with the same seed.
"""

from __future__ import annotations

import argparse
import gzip
import html
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from random import Random

from soev_search.municipalities import municipality_names

REPO_ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the main checkout; /work/shared from a worktree elsewhere.
DEFAULT_SOURCE = next((folder / "danish-text" / "europarl-da.txt.gz"
                       for folder in (REPO_ROOT.parent / "shared", Path("/work/shared"))
                       if folder.is_dir()), REPO_ROOT.parent / "shared" / "danish-text"
                      / "europarl-da.txt.gz")
FILES_PER_FOLDER = 1000
MIN_BYTES, MAX_BYTES = 1024, 50 * 1024
# Lognormal body size: median 4 KB, long tail up to the 50 KB cap (most real notes are short).
SIZE_MEDIAN, SIZE_SIGMA = 4096, 0.8
HTML_SHARE = 0.15

# Shares of document types as municipal sites publish them: mostly articles, notes, minutes.
DOCTYPE_WEIGHTS = {
    "artikel": 34, "notat": 22, "referat": 20, "strategi": 6,
    "politik": 5, "handleplan": 5, "kvalitetsstandard": 3, "andet": 5,
}
# Few documents before the first strategies (2012-2014), most around 2017-2021.
YEAR_WEIGHTS = {
    2010: 1, 2011: 1, 2012: 2, 2013: 3, 2014: 4, 2015: 6, 2016: 8, 2017: 10, 2018: 11,
    2019: 10, 2020: 9, 2021: 8, 2022: 7, 2023: 6, 2024: 5, 2025: 4, 2026: 2,
}
# Largest by population first (Danmarks Statistik, approximate order).
LARGEST_MUNICIPALITIES = ("København", "Aarhus", "Aalborg", "Odense", "Vejle", "Esbjerg",
                          "Frederiksberg", "Randers", "Viborg", "Silkeborg", "Kolding", "Horsens",
                          "Herning", "Roskilde", "Næstved", "Slagelse", "Gentofte", "Sønderborg")
NATIONAL_SHARE = 0.03  # documents from national bodies, without a municipality
NATIONAL_SENDERS = ("Socialstyrelsen", "KL", "Beskæftigelsesministeriet", "Erhvervsstyrelsen")
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december")
COMMITTEES = ("Beskæftigelsesudvalget", "Erhvervs- og Vækstudvalget", "Socialudvalget",
              "Økonomiudvalget", "Kultur- og Fritidsudvalget", "Sundhedsudvalget")
FIRST_NAMES = ("Anne", "Mette", "Lars", "Henrik", "Pia", "Jens", "Camilla", "Søren", "Birgitte",
               "Mads", "Louise", "Rasmus", "Hanne", "Jørgen", "Signe", "Ole")
LAST_NAMES = ("Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
              "Sørensen", "Rasmussen", "Jørgensen", "Madsen", "Kristensen", "Østergaard")

# Parliamentary words made municipal, so the text reads like a council's.
MUNICIPAL_WORDS = {
    "Europa-Parlamentet": "Kommunalbestyrelsen", "Europa-Parlamentets": "Kommunalbestyrelsens",
    "Parlamentet": "Byrådet", "parlamentet": "byrådet", "Parlamentets": "Byrådets",
    "parlamentets": "byrådets", "Kommissionen": "Forvaltningen", "kommissionen": "forvaltningen",
    "Kommissionens": "Forvaltningens", "Europa-Kommissionen": "Forvaltningen",
    "Europa-Kommissionens": "Forvaltningens", "EU's": "kommunens",
    "Rådet": "Udvalget", "Rådets": "Udvalgets",
    "medlemsstaterne": "kommunerne", "medlemslandene": "kommunerne",
    "Unionen": "kommunen", "EU": "kommunen", "kommissær": "direktør",
}
# Longest first, so "Europa-Kommissionen" wins over "Kommissionen".
MUNICIPAL_PATTERN = re.compile(
    r"\b(" + "|".join(map(re.escape, sorted(MUNICIPAL_WORDS, key=len, reverse=True))) + r")\b")

# Social-economy sentences; {m} municipality, {o} another municipality, {n}/{k} numbers.
THEME_SENTENCES = (
    "{m} Kommune har i dag {n} socialøkonomiske virksomheder, hvoraf {k} er registreret som RSV.",
    "Kantinedriften på rådhuset varetages af en socialøkonomisk virksomhed med {k} "
    "medarbejdere i fleksjob.",
    "Kommunen har indgået en partnerskabsaftale med {k} socialøkonomiske virksomheder om "
    "beskæftigelse af borgere på kanten af arbejdsmarkedet.",
    "Der er ansat {n} medarbejdere på ordinære vilkår, {k} i fleksjob og {k} i "
    "virksomhedspraktik.",
    "Frivillige udgør en vigtig del af arbejdsstyrken i de socialøkonomiske virksomheder.",
    "Indkøbspolitikken giver mulighed for at bruge sociale klausuler ved udbud.",
    "En registreret socialøkonomisk virksomhed (RSV) skal geninvestere sit overskud i "
    "sociale formål.",
    "Socialøkonomi er et indsatsområde i kommunens beskæftigelsesplan.",
    "Jobcentret visiterer borgere til løntilskud og praktik i socialøkonomiske virksomheder.",
    "Samarbejdet med {o} Kommune om genbrugsbutikker og cykelværksteder fortsætter.",
    "Puljen til fremme af socialøkonomi har i år uddelt {n}.000 kr. til nye iværksættere.",
    "Socialøkonomiske virksomheder tilbyder beskyttet beskæftigelse og ressourceforløb.",
    "Erhvervsservice rådgiver socialøkonomiske iværksættere om forretningsplan og "
    "finansiering.",
    "Målet er, at flere udsatte ledige kommer i fleksjob eller ordinær beskæftigelse.",
    "Café og kantinedrift i socialøkonomisk regi giver arbejdstræning til unge uden "
    "uddannelse.",
    "Kommunen deltager i netværket for socialøkonomi sammen med {o} Kommune.",
)
THEME_INTENSITY = ((0.05, 5), (0.3, 3), (0.7, 2))  # (share of paragraphs themed, weight)
THEME_TITLES = (
    "Strategi for socialøkonomiske virksomheder i {m} Kommune",
    "Socialøkonomi i {m} Kommune – status {y}",
    "Partnerskabsaftale om kantinedrift med socialøkonomisk virksomhed",
    "Handleplan for fremme af socialøkonomi {y}",
    "Registrerede socialøkonomiske virksomheder (RSV) i {m}",
    "Sociale klausuler og socialøkonomi i udbud",
    "Fleksjob og socialøkonomiske virksomheder",
)
THEME_TITLE_SHARE = 0.3


@dataclass(frozen=True)
class Source:
    """Real Danish text: body sentences in their order and the agenda headings."""

    sentences: tuple[str, ...]
    headings: tuple[str, ...]


@dataclass(frozen=True)
class Meta:
    municipality: str | None
    doctype: str
    year: int
    month: int
    day: int
    html: bool


def load_source(path: Path) -> Source:
    """Splits the gzipped sentence file into headings (title material) and body sentences."""
    if not path.is_file():
        raise FileNotFoundError(
            f"Danish source text not found: {path} (see ../shared/danish-text/README.md; "
            "pass --source to point at europarl-da.txt.gz)")
    sentences: list[str] = []
    headings: dict[str, None] = {}  # ordered set: stable order, no duplicates
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if _is_heading(line):
                headings[line] = None
            elif len(line) > 20 and not line.startswith("("):
                sentences.append(line)
    if not sentences or not headings:
        raise ValueError(f"{path}: no sentences or no headings found")
    return Source(tuple(sentences), tuple(headings))


def _is_heading(line: str) -> bool:
    """Agenda headings: short, capitalised, not all caps, no final punctuation or footnote."""
    return (3 <= len(line) <= 90 and line[0].isupper() and not line.isupper()
            and line[-1] not in ".?!:;,)\"'" and not line[-1].isdigit())


def generate(source: Source, n: int, seed: int, out: Path) -> int:
    """Writes documents 0..n-1 below `out` (which must not exist or be empty); returns bytes."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new folder or delete it")
    names = municipality_names()
    weights = _municipality_weights(names)
    written = 0
    for index in range(n):
        rel_path, content = render_document(source, names, weights, seed, index)
        target = out / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8")
        target.write_bytes(data)
        written += len(data)
    return written


def _municipality_weights(names: list[str]) -> list[float]:
    """A Zipf-like spread: the largest municipalities publish most, the rest in a fixed order."""
    rest = [name for name in names if name not in LARGEST_MUNICIPALITIES]
    Random("municipality-rank").shuffle(rest)
    rank = {name: r for r, name in enumerate(LARGEST_MUNICIPALITIES + tuple(rest), 1)}
    return [1 / rank[name] ** 0.7 for name in names]


def render_document(source: Source, names: list[str], weights: list[float], seed: int,
                    index: int) -> tuple[str, str]:
    """Document `index` as (relative path, text); depends only on seed and index."""
    rng = Random(f"soev-bench:{seed}:{index}")
    meta = _pick_meta(rng, names, weights)
    title = _title(rng, source, meta)
    target_size = _target_size(rng)
    # Leave room for headers, HTML markup and two-byte letters (æøå) inside the target.
    overhead = len(title) + 300 + (700 if meta.html else 0)
    budget = max(int(target_size * 0.95) - overhead, MIN_BYTES)
    paragraphs = list(_body(rng, source, names, meta, budget))
    folder = f"{index // FILES_PER_FOLDER:03d}"
    stem = f"{_slug(meta.municipality or 'landsdaekkende')}-{meta.doctype}-{meta.year}-{index:06d}"
    if meta.html:
        return f"{folder}/{stem}.html", _as_html(rng, title, meta, paragraphs)
    return f"{folder}/{stem}.txt", _as_text(rng, title, meta, paragraphs)


def _pick_meta(rng: Random, names: list[str], weights: list[float]) -> Meta:
    municipality = None if rng.random() < NATIONAL_SHARE else rng.choices(names, weights)[0]
    doctype = rng.choices(list(DOCTYPE_WEIGHTS), list(DOCTYPE_WEIGHTS.values()))[0]
    year = rng.choices(list(YEAR_WEIGHTS), list(YEAR_WEIGHTS.values()))[0]
    return Meta(municipality, doctype, year, rng.randint(1, 12), rng.randint(1, 28),
                rng.random() < HTML_SHARE)


def _target_size(rng: Random) -> int:
    size = rng.lognormvariate(math.log(SIZE_MEDIAN), SIZE_SIGMA)
    return int(min(max(size, MIN_BYTES), MAX_BYTES))


def _title(rng: Random, source: Source, meta: Meta) -> str:
    place = meta.municipality or rng.choice(NATIONAL_SENDERS)
    if rng.random() < THEME_TITLE_SHARE:
        return rng.choice(THEME_TITLES).format(m=place, y=meta.year)
    heading = rng.choice(source.headings)
    prefix = {"artikel": "", "andet": ""}.get(meta.doctype, meta.doctype.capitalize() + ": ")
    suffix = f" – {place} Kommune" if meta.municipality else f" – {place}"
    return f"{prefix}{heading}{suffix}"


def _body(rng: Random, source: Source, names: list[str], meta: Meta,
          budget: int) -> Iterator[str]:
    """Paragraphs of consecutive real sentences, with headings and themed sentences mixed in."""
    intensity = rng.choices([i for i, _ in THEME_INTENSITY], [w for _, w in THEME_INTENSITY])[0]
    position = rng.randrange(len(source.sentences))
    used = 0
    while used < budget:
        if rng.random() < 0.12:
            heading = rng.choice(source.headings)
            used += len(heading) + 2
            yield "## " + heading
        sentences = []
        for _ in range(rng.randint(2, 6)):
            sentences.append(_municipal(source.sentences[position % len(source.sentences)]))
            position += 1
        if rng.random() < intensity:
            sentences.insert(rng.randrange(len(sentences) + 1), _theme_sentence(rng, names, meta))
        paragraph = " ".join(sentences)
        if len(paragraph) > budget - used and used >= MIN_BYTES:
            paragraph = _cut_at_sentence(paragraph, budget - used)
            if not paragraph:
                return
        used += len(paragraph) + 2
        yield paragraph


def _cut_at_sentence(paragraph: str, limit: int) -> str:
    cut = paragraph.rfind(". ", 0, limit)
    return paragraph[: cut + 1] if cut > 0 else ""


def _municipal(sentence: str) -> str:
    return MUNICIPAL_PATTERN.sub(lambda match: MUNICIPAL_WORDS[match.group(1)], sentence)


def _theme_sentence(rng: Random, names: list[str], meta: Meta) -> str:
    return rng.choice(THEME_SENTENCES).format(
        m=meta.municipality or rng.choice(names), o=rng.choice(names),
        n=rng.randint(2, 60), k=rng.randint(1, 15))


def _danish_date(meta: Meta) -> str:
    return f"{meta.day}. {MONTHS[meta.month - 1]} {meta.year}"


def _contact(rng: Random, meta: Meta) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    domain = _slug(meta.municipality or "kl") + ".dk"
    phone = " ".join(f"{rng.randint(10, 99)}" for _ in range(4))
    return f"Kontakt: {first} {last}, {first.lower()}.{last.lower()}@{domain}, tlf. {phone}"


def _header_lines(rng: Random, title: str, meta: Meta) -> list[str]:
    sender = f"{meta.municipality} Kommune" if meta.municipality else "Landsdækkende"
    date = _danish_date(meta)
    if meta.doctype == "referat":
        return [title, f"Referat fra mødet i {rng.choice(COMMITTEES)} {date}", sender]
    if meta.doctype == "notat":
        return [title, f"Dato: {date}", f"Fra: {sender}"]
    if meta.doctype == "artikel":
        return [title, f"Publiceret {date}"]
    return [title, f"{sender}, {date}"]


def _as_text(rng: Random, title: str, meta: Meta, paragraphs: list[str]) -> str:
    body = [p[3:] if p.startswith("## ") else p for p in paragraphs]
    if meta.doctype == "referat":
        body = _numbered_agenda(paragraphs)
    if rng.random() < 0.5:
        body.append(_contact(rng, meta))
    return "\n".join(_header_lines(rng, title, meta)) + "\n\n" + "\n\n".join(body) + "\n"


def _numbered_agenda(paragraphs: list[str]) -> list[str]:
    """Minutes number their items: headings become "Punkt 1: ...", "Punkt 2: ..."."""
    numbered, item = [], 0
    for paragraph in paragraphs:
        if paragraph.startswith("## "):
            item += 1
            numbered.append(f"Punkt {item}: {paragraph[3:]}")
        else:
            numbered.append(paragraph)
    return numbered


def _as_html(rng: Random, title: str, meta: Meta, paragraphs: list[str]) -> str:
    sender = f"{meta.municipality} Kommune" if meta.municipality else "Socialøkonomi i Danmark"
    iso = f"{meta.year}-{meta.month:02d}-{meta.day:02d}"
    esc = html.escape
    body = "\n".join(
        f"<h2>{esc(p[3:])}</h2>" if p.startswith("## ") else f"<p>{esc(p)}</p>"
        for p in paragraphs)
    contact = f"\n<p class=\"kontakt\">{esc(_contact(rng, meta))}</p>" if rng.random() < 0.5 else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{esc(title)} | {esc(sender)}</title>\n</head>\n<body>\n"
        "<a class=\"skip\" href=\"#indhold\">Gå til indhold</a>\n"
        "<nav><ul><li><a href=\"/\">Forside</a></li><li><a href=\"/borger\">Borger</a></li>"
        "<li><a href=\"/erhverv\">Erhverv</a></li><li><a href=\"/politik\">Politik</a></li>"
        "</ul></nav>\n<main id=\"indhold\"><article>\n"
        f"<h1>{esc(title)}</h1>\n<p class=\"dato\"><time datetime=\"{iso}\">"
        f"{_danish_date(meta)}</time></p>\n{body}{contact}\n</article></main>\n"
        f"<footer><p>{esc(sender)} · Rådhuset · Cookies og privatliv</p></footer>\n"
        "</body>\n</html>\n")


def _slug(text: str) -> str:
    folded = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="new or empty folder")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help=f"gzipped Danish sentences (default: {DEFAULT_SOURCE})")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be 0 or more")
    try:
        source = load_source(args.source)
        written = generate(source, args.n, args.seed, args.out)
    except (OSError, ValueError) as exc:
        print(f"generate_corpus: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.n} documents, {written / 1e6:.1f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
