"""Reading any file: encodings, and every kind of bad input becomes Skipped with one-line reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soev_search.document import Document, Skipped
from soev_search.ingest import MAX_FILE_BYTES, MAX_TEXT_CHARS, corpus_files, ingest_file

DANISH = ("Socialøkonomiske virksomheder i Århus og Ærø skaber job til borgere på kanten af "
          "arbejdsmarkedet. Æbler, øl og ål – det går godt.")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_danish_letters_survive_every_encoding(tmp_path, encoding):
    text = DANISH if encoding != "latin-1" else DANISH.replace("–", "-")
    document = ingest_file(write(tmp_path, "a.txt", text.encode(encoding)))
    assert isinstance(document, Document)
    assert document.text == text


def test_short_cp1252_text_is_not_taken_for_central_european(tmp_path):
    document = ingest_file(write(tmp_path, "a.txt", "Rødgrød med fløde på Ærø".encode("cp1252")))
    assert document.text == "Rødgrød med fløde på Ærø"


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\t \r\n", "only whitespace"),
    ("nul.txt", b"hej\x00\x00\x01med dig" * 10, "binary"),
    ("controls.txt", bytes(range(1, 9)) * 50, "binary"),
    ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG"),
    ("photo.txt", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "JPEG"),
    ("fake.pdf", b"Dette er ikke en PDF, bare tekst.", "not a PDF"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF"),
    ("report.docx", b"PK\x03\x04" + b"\x00" * 50, "zip"),
    ("notes.md", b"# Overskrift\n", "unsupported file type: .md"),
])
def test_bad_inputs_are_skipped_with_a_reason(tmp_path, name, data, reason):
    result = ingest_file(write(tmp_path, name, data), tmp_path)
    assert isinstance(result, Skipped)
    assert result.path == name
    assert reason in result.reason
    assert "\n" not in result.reason


def test_directory_named_like_a_file(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    result = ingest_file(tmp_path / "folder.txt", tmp_path)
    assert isinstance(result, Skipped) and "directory" in result.reason


def test_missing_file(tmp_path):
    result = ingest_file(tmp_path / "gone.txt", tmp_path)
    assert isinstance(result, Skipped) and "no such file" in result.reason


def test_file_over_the_byte_limit_is_skipped_unread(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    result = ingest_file(path, tmp_path)
    assert isinstance(result, Skipped) and "too large" in result.reason


def test_twenty_megabyte_text_is_cut_to_the_limit_and_noted(tmp_path):
    line = "Socialøkonomi i kommunerne er et stort emne med mange sider.\n"
    path = write(tmp_path, "big.txt", (line * (20_000_000 // len(line))).encode())
    document = ingest_file(path, tmp_path)
    assert isinstance(document, Document)
    assert len(document.text) <= MAX_TEXT_CHARS
    assert len(document.text) > MAX_TEXT_CHARS * 0.9
    assert any("cut" in note for note in document.notes)


def test_corpus_files_lists_candidates_in_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("b/z.txt", "a.html", "b/a.pdf", "README.md", "picture.png", ".hidden.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_bytes(b"x")
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "plain_dir").mkdir()
    names = [p.relative_to(tmp_path).as_posix() for p in corpus_files(tmp_path)]
    assert names == ["a.html", "b/a.pdf", "b/z.txt", "dir.txt", "picture.png"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".html", ".pdf", ".htm"]))
def test_ingest_never_raises(tmp_path, data, suffix):
    result = ingest_file(write(tmp_path, "fuzz" + suffix, data), tmp_path)
    # ingest_file turns any exception into a Skipped "could not read: <exception>"; bad input
    # must instead be recognised by a reader and get its own reason.
    if isinstance(result, Skipped):
        assert result.reason and not result.reason.startswith("could not read:"), result.reason
    else:
        assert result.text.strip() and result.path == "fuzz" + suffix
