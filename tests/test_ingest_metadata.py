"""Municipalities, dates, document types and language, on short texts made for each rule."""

from __future__ import annotations

from datetime import date

import pytest

from soev_search.ingest.dates import body_date, labelled_date, title_date
from soev_search.ingest.language import detect_language, plainly_danish
from soev_search.ingest.metadata import doctype
from soev_search.ingest.places import mentions, own_municipality


@pytest.mark.parametrize(("text", "expected"), [
    ("vejen til job", {}),
    ("Vejen til job går gennem en praktik.", {}),
    ("Strategi for Silkeborg Kommune – Vejen til mere rummelighed", {"Silkeborg": 1}),
    ("Borgere i Vejen Kommune og Roskilde kommune", {"Vejen": 1, "Roskilde": 1}),
    ("Silkeborg Kommunes strategi og Hillerøds iværksættere", {"Silkeborg": 1, "Hillerød": 1}),
    ("Greve og baroner, odder i åen, lejre for unge, en skive brød", {}),
    ("Faxe Kondi og Billund Lufthavn", {}),
    ("Vi bor i Faxe og arbejder i Billund.", {"Faxe": 1, "Billund": 1}),
    ("Københavns Kommune, Høje Taastrup Kommune og Lyngby-Taarbæk", {
        "København": 1, "Høje-Taastrup": 1, "Lyngby-Taarbæk": 1}),
    ("STRATEGI FOR FREMME AF SOCIALØKONOMI I HORSENS KOMMUNE", {"Horsens": 1}),
    ("Aarhus og Århus er samme by", {"Aarhus": 2}),
])
def test_mentions(text, expected):
    assert dict(mentions(text)) == expected


def test_own_municipality_prefers_the_title_over_lists_in_the_text():
    text = "Et notat. Horsens, Kolding og Esbjerg har strategier. Kolding er nævnt igen. Kolding."
    assert own_municipality("Hillerød Kommune og socialøkonomi", text, []) == "Hillerød"


def test_own_municipality_from_contact_domain_when_nothing_else_says_it():
    text = "Kontakt os på pmn@jammerbugt.dk. Vi har talt med Aalborg og med Aarhus om det."
    assert own_municipality("Status", text, ["pmn@jammerbugt.dk"]) == "Jammerbugt"


def test_no_municipality_when_the_text_names_none():
    assert own_municipality("Om socialøkonomi", "Et emne uden steder.", []) is None


def test_no_municipality_from_a_word_cut_at_the_end_of_the_opening():
    """The opening is the first 600 characters: "Aarhusvej" cut there is no mention of Aarhus."""
    text = "Et emne uden steder. " * 28 + "Se på Aarhusvej 12, der har en kantine."
    assert text[:600].endswith("Aarhus") and not mentions(text)
    assert own_municipality("Om socialøkonomi", text, []) is None


@pytest.mark.parametrize(("title", "expected"), [
    ("Socialøkonomi i Aalborg Kommune – status september 2018", "2018-09"),
    ("Socialøkonomi i Jammerbugt Kommune – status 2018", "2018"),
    ("Referat af mødet 7. december 2017", "2017-12-07"),
    ("Strategi 2015-2020", None),
    ("Om socialøkonomi", None),
])
def test_title_dates(title, expected):
    assert title_date(title) == expected


def test_body_date_is_the_signature_month():
    text = ("Notat om proces. Godkendt i ØU den 13. december 2017. Pr. 8/11-2017 ingen. "
            "TINS, 201117 9")
    assert body_date(text, today=date(2024, 1, 1)) == "2017-11"


def test_body_date_ignores_planned_dates_and_the_future():
    text = ("Ifølge registeret er der (pr. 8/11-2017) ingen virksomheder. Forslag til proces: "
            "notat godkendt i ØU den 13. december 2017. Temadag 3. marts 2031.")
    assert body_date(text, today=date(2024, 1, 1)) == "2017-11"


def test_labelled_date_is_exact():
    assert labelled_date("Notat\nDato: 25. maj 2018\nTil: Byrådet") == "2018-05-25"


@pytest.mark.parametrize(("title", "source", "expected"), [
    ("Hillerød Kommune og socialøkonomisk virksomhed notat", "document-site", "notat"),
    ("Handleplan - Kolding Kommunes socialøkonomiske strategi", "pdf", "handleplan"),
    ("Gladsaxe Kommunes frivilligpolitik", "pdf", "politik"),
    ("Kvalitetsstandard for beskyttet beskæftigelse", "text", "kvalitetsstandard"),
    ("Referat 4. møde d. 7. december 2017", "pdf", "referat"),
    ("Opsamlingsnotat fra besøgsrunde", "pdf", "notat"),
    ("Strategi for socialøkonomi", "blog", "artikel"),
    ("Politikerne besøgte caféen", "pdf", "andet"),
])
def test_doctype(title, source, expected):
    assert doctype(title, "", source) == expected


def test_language_short_text_defaults_to_danish():
    assert detect_language("Hej med dig") == "da"


def test_language_is_deterministic_and_finds_english():
    english = ("Social enterprises in Danish municipalities create jobs for people on the edge "
               "of the labour market. The municipality supports them with advice. ") * 5
    assert {detect_language(english) for _ in range(3)} == {"en"}


def test_language_danish_document_quoting_english_stays_danish():
    danish = ("Kommunen arbejder med socialøkonomiske virksomheder, fordi de skaber job og "
              "fællesskab for borgere, der står uden for arbejdsmarkedet. ") * 8
    quote = "As the report puts it: social enterprises are businesses with a social purpose. "
    assert detect_language(danish + quote * 2 + danish) == "da"


@pytest.mark.parametrize("text, expected", [
    ("Kommunen har under året arbetat med sociala företag som skapar arbetstillfällen för "
     "personer som står långt från arbetsmarknaden, och stödjer dem med rådgivning. ", "sv"),
    ("Die Gemeinde arbeitet seit Jahren mit Sozialunternehmen zusammen, die Arbeitsplätze für "
     "Menschen am Rande des Arbeitsmarktes schaffen und beraten werden. ", "de"),
    ("Kommunen har i løpet av året jobbet med sosiale entreprenører som skaper arbeidsplasser "
     "for folk som står utenfor arbeidslivet, og gir dem råd og veiledning hver uke. ", "no"),
])
def test_language_tells_danish_neighbours_and_german_apart(text, expected):
    assert detect_language(text * 4) == expected


_DANISH_SPEECH = ("Tak for det. Der er ingen korte bemærkninger, så vi siger tak til "
                  "ordføreren fra Venstre. Jeg giver nu ordet til den næste ordfører, og vi går "
                  "videre til næste punkt på dagsordenen om lidt. ")


@pytest.mark.parametrize("text, danish", [
    (_DANISH_SPEECH, True),
    # Formulaic Danish with no Danish-only word but "tak" and "næste" (Norwegian: takk, neste).
    ("Tak. Vi går videre til næste punkt på dagsordenen, og der er ingen korte bemærkninger "
     "til det, så vi går til afstemning. ", True),
    ("Takk. Vi går videre til neste punkt på dagsordenen, og det er ingen korte merknader "
     "til det, så vi går til avstemning. ", False),
    # "to" is Danish for two, not an English marker.
    ("Forhandlingen er sluttet, og vi går til afstemning om de to forslag til vedtagelse, som "
     "er stillet af ordførerne, og vi stemmer om dem nu. ", True),
    ("Kommunen arbejder med socialøkonomiske virksomheder, fordi de skaber job og fællesskab "
     "for borgere, der står uden for arbejdsmarkedet, og det har været en god idé. ", True),
    ("Kommunen har i løpet av året jobbet med sosiale entreprenører som skaper arbeidsplasser "
     "for folk som står utenfor arbeidslivet, og gir dem råd og veiledning hver uke. ", False),
    ("Kommunen har under året arbetat med sociala företag som skapar arbetstillfällen för "
     "personer som står långt från arbetsmarknaden, och stödjer dem med rådgivning. ", False),
    ("Social enterprises in Danish municipalities create jobs for people on the edge of the "
     "labour market, and the municipality supports them with advice. ", False),
    ("Die Gemeinde arbeitet seit Jahren mit Sozialunternehmen zusammen, die Arbeitsplätze für "
     "Menschen am Rande des Arbeitsmarktes schaffen und beraten werden. ", False),
    ("De gemeente werkt al jaren samen met sociale ondernemingen die banen scheppen voor mensen "
     "aan de rand van de arbeidsmarkt en het advies op maat is niet duur. ", False),
])
def test_plainly_danish_only_for_danish_prose(text, danish):
    assert plainly_danish(text * 2) is danish


def test_plainly_danish_text_is_danish_and_others_still_go_to_langdetect():
    assert detect_language(_DANISH_SPEECH * 2) == "da"
    norwegian = ("Kommunen har i løpet av året jobbet med sosiale entreprenører som skaper "
                 "arbeidsplasser for folk som står utenfor arbeidslivet. ") * 4
    assert detect_language(norwegian) == "no"
