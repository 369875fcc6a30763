"""Boilerplate rules on captured text, page numbers of transcripts, learned repeated lines."""

from __future__ import annotations

from pathlib import Path

from soev_search.ingest import corpus_files, ingest_file, learn_repeated_lines
from soev_search.ingest.boilerplate import detect_capture, remove_boilerplate
from soev_search.ingest.pages import remove_page_numbers
from soev_search.ingest.repeated import (
    RepeatedLines,
    head_key,
    strip_repeated_edges,
    tail_key,
)
from soev_search.ingest.text import lines_to_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def clean(text: str) -> str:
    return lines_to_text(remove_boilerplate(text.split("\n")))


def test_se_ogsaa_heading_and_its_titles_go_but_text_after_stays():
    text = ("Vores tekst slutter her.\n\nSe også:\nEn anden artikel – status 2018\n"
            "Endnu en artikel om job\n\nDette er en rigtig sætning efter listen.")
    assert clean(text) == "Vores tekst slutter her.\n\nDette er en rigtig sætning efter listen."


def test_pointer_line_goes_but_a_sentence_mentioning_se_ogsaa_stays():
    assert clean("Tekst.\n\nLæs også vores guide til RSV her\n\nMere tekst.") == \
        "Tekst.\n\nMere tekst."
    sentence = "Vi har, se også bilag 2, valgt en ny model for samarbejdet med foreningerne."
    assert clean(sentence) == sentence


def test_comment_section_is_cut_from_its_counter_on():
    text = "Artiklens tekst.\n\n3 kommentarer til “Titel”\n\nJens: Godt skrevet!\n\nSvar"
    assert clean(text) == "Artiklens tekst."


def test_comment_counters_of_other_themes():
    for counter in ("2 thoughts on “Socialøkonomi i Odense”", "One Comment", "Ingen kommentarer"):
        assert clean(f"Artiklens tekst.\n\n{counter}\n\nPeter: Tak!") == "Artiklens tekst."


def test_a_heading_about_a_comment_is_not_a_comment_section():
    text = "Notat\n\nEn kommentar til forslaget fra SF\n\nForvaltningen anbefaler forslaget."
    assert clean(text) == text


def test_furniture_lines_of_other_sites():
    text = ("Spring til indhold\nDel på Facebook\nVi bruger cookies. Accepter cookies\n"
            "Rigtig tekst om socialøkonomi.\nLeave a Reply\nCancel reply")
    assert clean(text) == "Rigtig tekst om socialøkonomi."


def test_document_site_wrapper():
    lines = ["Strategi for socialøkonomi", "", "Relaterede dokumenter", "Andet dokument",
             "", "Tredje dokument", "", "Transkript:", "", "Strategi for socialøkonomi Indhold"]
    assert detect_capture(lines) == "document-site"
    assert "\n".join(remove_boilerplate(lines)).strip() == "Strategi for socialøkonomi Indhold"


def test_page_numbers_by_sequence_not_by_look():
    pages = [
        "Første side om budget 2017-2020 og 17 kommuner, der slutter med et punktum. " * 3 + "1",
        "2. Væsentlig erhvervsdrift fortsætter her, og sætningen brydes af siden der " * 3 + "2",
        "fortsætter med små bogstaver på side tre og slutter med signaturen TINS, 201117 3",
    ]
    text = remove_page_numbers("\n\n".join(pages))
    assert "punktum. 1" not in text and "201117 3" not in text
    assert "\n\n2. Væsentlig erhvervsdrift" in text
    assert "siden der fortsætter med små" in text
    assert "budget 2017-2020 og 17 kommuner" in text
    assert text.endswith("TINS, 201117")


def test_page_numbers_inside_one_run_of_text():
    page = "Socialøkonomiske virksomheder skaber job og fællesskab for mange borgere. " * 6
    text = f"{page}1 {page}2 {page}3"
    cleaned = remove_page_numbers(text)
    assert " 1 " not in cleaned and not cleaned.endswith("3")
    assert cleaned.count("borgere.") == 18


def test_learned_lines_from_the_seeds_catch_the_footer_not_the_questions():
    repeated = learn_repeated_lines(corpus_files(CORPUS))
    assert "This Post Has 0 Comments" in repeated
    assert "Back To Top" in repeated
    assert "Har I en strategi for socialøkonomiske virksomheder eller en aftale?" not in repeated
    assert repeated.documents == 5


def test_learned_lines_only_strip_the_edges():
    footer = "Fælles sidefod"
    repeated = RepeatedLines(frozenset({head_key(footer), tail_key(footer)}), 10)
    lines = ["Titel", "Tekst.", "Fælles sidefod", "Mere tekst.", "", "Fælles sidefod"]
    assert strip_repeated_edges(lines, repeated) == lines[:4]


def test_learning_generalises_to_a_new_template(tmp_path):
    topics = ["café", "genbrug", "kantine", "cykelværksted", "gartneri", "vaskeri"]
    for topic in topics:
        (tmp_path / f"{topic}.txt").write_text(
            f"Kommunens nyhedsportal\nNyt {topic} åbner\n\nEt nyt {topic} drevet som "
            f"socialøkonomisk virksomhed åbner til foråret og giver job til borgere i fleksjob. "
            f"Det glæder både borgmesteren og de mange frivillige bag projektet.\n\n"
            f"Abonnér på nyheder\n© Portalen", encoding="utf-8")
    repeated = learn_repeated_lines(corpus_files(tmp_path))
    document = ingest_file(tmp_path / "gartneri.txt", tmp_path, repeated)
    assert document.text.startswith("Nyt gartneri åbner\n\nEt nyt gartneri drevet som")
    assert document.text.endswith("de mange frivillige bag projektet.")
