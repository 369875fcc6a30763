"""Learned repetition keeps titles and documents: identifiers and dates are not template
numbers at the top, the title line and the first text line are never stripped, a footer with
a changing date still goes. The transcript corpus is rebuilt with the real CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from soev_search.ingest import ingest_file, learn_repeated_lines
from soev_search.ingest import repeated as repeated_module
from soev_search.ingest.repeated import (
    KEPT_NOTE,
    EdgeCounts,
    RepeatedLines,
    head_key,
    strip_repeated,
    tail_key,
)
from soev_search.search import SearchEngine

SPEAKERS = ["Formanden (Søren Gade)", "Mette Frederiksen (S)", "Jakob Ellemann-Jensen (V)",
            "Pia Olsen Dyhr (SF)", "Alex Vanopslagh (LA)", "Pelle Dragsted (EL)"]
TOPICS = ["socialøkonomiske virksomheder", "fleksjob i kommunerne", "kantinedrift",
          "genbrugsbutikker", "grøn pleje", "virksomhedspraktik", "frivillige foreninger"]
SHORT_SPEECHES = ["Tak.", "Tak for det.", "Ja.", "Mødet er hævet."]


def transcript(sitting: int, number: int) -> tuple[str, str]:
    """(title line, whole file) of one speech: a title with an id, a speaker and a date; some
    speeches are only a common short line; every file ends with a footer whose date changes."""
    day = 1 + sitting % 28
    title = (f"[FT20222M{sitting:03d}-{number:04d}] {SPEAKERS[number % len(SPEAKERS)]}, "
             f"2023-03-{day:02d}, punkt {1 + number % 4}")
    if number % 5 == 0:
        speech = SHORT_SPEECHES[number % len(SHORT_SPEECHES)]
    else:
        topic = TOPICS[(sitting + number) % len(TOPICS)]
        speech = (f"Ordfører nummer {number} vil tale om {topic} i møde {sitting}. Det er "
                  f"vigtigt, at {topic} får bedre vilkår, og at kommunerne bakker op.")
    footer = f"Udskrevet {day:02d}.04.2023 kl. {number % 24:02d}:00 fra Folketingstidende"
    return title, f"{title}\n\n{speech}\n\n{footer}\n"


def write_corpus(root: Path, sittings: int = 20, speeches: int = 52) -> dict[str, str]:
    titles: dict[str, str] = {}
    for sitting in range(1, sittings + 1):
        folder = root / f"sitting-{sitting:03d}"
        folder.mkdir(parents=True)
        for number in range(1, speeches + 1):
            title, text = transcript(sitting, number)
            name = f"{folder.name}/{number:04d}.txt"
            (root / name).write_text(text, encoding="utf-8")
            titles[name] = title
    return titles


def test_numbers_count_at_the_top_identifiers_at_the_bottom_too():
    one = "[FT20222M033-0042] Formanden (Søren Gade), 2023-03-15, punkt 1"
    other = "[FT20222M033-0043] Formanden (Søren Gade), 2023-03-15, punkt 1"
    same_day_other_item = "[FT20222M033-0042] Formanden (Søren Gade), 2023-03-15, punkt 2"
    assert head_key(one) != head_key(other)
    assert tail_key(one) != tail_key(other)
    assert head_key(one) != head_key(one.replace("2023-03-15", "2023-03-16"))
    assert head_key(one) != head_key(same_day_other_item)
    assert head_key("Nyhed nummer 3") != head_key("Nyhed nummer 4")
    assert head_key("Kommunens  NYHEDSPORTAL") == head_key("kommunens nyhedsportal")
    assert tail_key(one) == tail_key(same_day_other_item)  # a count, folded at the bottom
    assert tail_key("This Post Has 3 Comments") == tail_key("This Post Has 12 Comments")
    assert tail_key("Udskrevet 15.03.2023 kl. 10:00") == tail_key("Udskrevet 16.03.2023 kl. 11:00")
    assert head_key("Udskrevet 15.03.2023") != head_key("Udskrevet 16.03.2023")


def test_a_document_that_is_only_learned_lines_keeps_its_text_and_says_so():
    repeated = RepeatedLines(frozenset({head_key("Tak."), tail_key("Tak."),
                                        head_key("Sidefod"), tail_key("Sidefod")}), 100)
    lines, note = strip_repeated(["Tak.", "", "Sidefod"], repeated)
    assert lines == ["Tak.", "", "Sidefod"] and note == KEPT_NOTE
    lines, note = strip_repeated(["Titel", "", "Tak.", "", "Sidefod"], repeated)
    assert lines == ["Titel", "", "Tak."] and note == KEPT_NOTE
    lines, note = strip_repeated(["Titel", "", "Tekst.", "Tak.", "", "Sidefod"], repeated)
    assert lines == ["Titel", "", "Tekst."] and note is None


def test_short_speeches_keep_their_title_and_text_and_the_footer_goes(tmp_path):
    write_corpus(tmp_path, sittings=4, speeches=30)
    repeated = learn_repeated_lines(sorted(tmp_path.rglob("*.txt")))
    title, _ = transcript(2, 5)  # a "Tak for det." speech
    document = ingest_file(tmp_path / "sitting-002" / "0005.txt", tmp_path, repeated)
    assert document.title == title
    assert document.text == f"{title}\n\nTak for det."
    assert document.notes == [KEPT_NOTE]


def test_rebuilt_transcript_corpus_finds_every_document_with_its_own_title(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    titles = write_corpus(corpus)
    assert len(titles) >= 1_000
    result = subprocess.run([sys.executable, "-m", "soev_search.cli", "rebuild",
                             "--corpus", str(corpus), "--index", str(index)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    documents = SearchEngine(index).documents()
    assert len(documents) == len(titles)
    for document in documents:
        assert document.title == titles[document.path], document.path
        assert document.text.startswith(document.title)
        assert "Udskrevet" not in document.text and "Folketingstidende" not in document.text
        assert len(document.text) > len(document.title)


def test_learning_in_parallel_slices_learns_what_one_pass_learns(tmp_path):
    write_corpus(tmp_path, sittings=4, speeches=30)
    paths = sorted(tmp_path.rglob("*.txt"))
    one_pass = learn_repeated_lines(paths)
    assert one_pass.documents == len(paths) and len(one_pass) > 0
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert learn_repeated_lines(paths, pool.map, parts=3) == one_pass
    assert learn_repeated_lines(paths, parts=7) == one_pass


def test_merged_sketches_keep_the_frequent_lines_and_never_over_count(monkeypatch):
    monkeypatch.setattr(repeated_module, "SKETCH_SIZE", 4)
    # "a" is at the edge of every document, the rest are rare lines.
    first = EdgeCounts({1: 10, 2: 1, 3: 1, 4: 1}, documents=10)
    second = EdgeCounts({1: 9, 5: 2, 6: 1, 7: 1}, documents=10)
    merged = first.merge(second)
    assert len(merged.counters) <= 4 and merged.documents == 20
    assert merged.counters[1] == max(merged.counters.values()) >= 19 - 2
    assert all(merged.counters[key] <= first.counters.get(key, 0) + second.counters.get(key, 0)
               for key in merged.counters)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab1.:/- _é9\u0663,", max_size=40))
def test_a_number_token_is_a_whole_run_of_word_characters_holding_a_digit(line):
    runs = re.sub(r"[\w.:/-]+", lambda run: "#" if re.search(r"\d", run.group()) else run.group(),
                  line)
    assert repeated_module._NUMBER_TOKEN.sub("#", line) == runs
