"""fetch.py against a real HTTP server on loopback: pages, PDFs, redirects, errors, limits,
stable names, the same URL added twice, and local files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from http_support import Site, default_site, make_pdf_bytes, serving
from soev_search.document import Document
from soev_search.fetch import (
    FetchError,
    FetchLimits,
    add_file,
    add_url,
    check_overrides,
    document_suffix,
    find_by_url,
    is_url,
    slugify,
    url_file_name,
)
from soev_search.ingest import corpus_files, ingest_file
from soev_search.ingest.sidecar import sidecar_path

QUICK = FetchLimits(timeout=0.5, max_bytes=1024 * 1024)


@pytest.fixture
def site() -> Iterator[Site]:
    with serving(default_site()) as running:
        yield running


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


def sidecar_of(path: Path) -> dict:
    return json.loads(sidecar_path(path).read_text(encoding="utf-8"))


def test_a_page_is_stored_under_host_and_slug_with_its_url(site: Site, corpus: Path) -> None:
    url = site.url("/strategi/socialøkonomi.html")
    added = add_url(url, corpus, limits=QUICK)
    assert added.status == "added"
    assert added.path == corpus / f"127.0.0.1-{site.port}" / "strategi-socialoekonomi.html"
    meta = sidecar_of(added.path)
    assert meta["url"] == url and meta["fetched"].startswith("20")
    doc = ingest_file(added.path, corpus)
    assert isinstance(doc, Document)
    assert doc.url == url and doc.fetched == meta["fetched"]
    assert doc.title == "Socialøkonomisk strategi for Silkeborg"
    assert doc.set_by_hand == []


def test_a_pdf_is_stored_as_pdf_and_read(site: Site, corpus: Path) -> None:
    added = add_url(site.url("/notat.pdf"), corpus, limits=QUICK)
    assert added.path.name == "notat.pdf"
    assert added.path.read_bytes().startswith(b"%PDF-")
    doc = ingest_file(added.path, corpus)
    assert isinstance(doc, Document) and "pdfnotatord" in doc.text


def test_a_pdf_served_as_octet_stream_is_known_by_its_bytes(site: Site, corpus: Path) -> None:
    added = add_url(site.url("/download?id=7"), corpus, limits=QUICK)
    assert added.path.name == "download-id-7.pdf"


def test_a_redirect_is_followed_and_the_given_url_recorded(site: Site, corpus: Path) -> None:
    url = site.url("/old-address")
    added = add_url(url, corpus, limits=QUICK)
    assert added.path.name == "old-address.html"
    assert sidecar_of(added.path)["url"] == url
    assert "/strategi/socialøkonomi.html" in site.requests


@pytest.mark.parametrize(("path", "message"), [
    ("/missing.html", "HTTP 404 Not Found"),
    ("/loop", "more than 5 redirects"),
    ("/fake.pdf", "served as application/pdf but is not a PDF"),
    ("/logo.png", "not a document: image/png"),
    ("/empty.html", "the answer is empty"),
    ("/slow", "timed out"),
])
def test_failures_are_one_clear_line_and_store_nothing(site: Site, corpus: Path, path: str,
                                                       message: str) -> None:
    with pytest.raises(FetchError) as failure:
        add_url(site.url(path), corpus, limits=QUICK)
    assert message in str(failure.value)
    assert "\n" not in str(failure.value)
    assert not any(p.is_file() for p in corpus.rglob("*"))


@pytest.mark.parametrize("path", ["/huge.pdf", "/huge-declared.pdf"])
def test_a_huge_answer_stops_at_the_limit(site: Site, corpus: Path, path: str) -> None:
    with pytest.raises(FetchError, match="too large"):
        add_url(site.url(path), corpus, limits=QUICK)
    assert not any(p.is_file() for p in corpus.rglob("*"))


def test_an_address_that_is_not_http_is_refused(corpus: Path) -> None:
    with pytest.raises(FetchError, match="not an http"):
        add_url("ftp://example.dk/x.pdf", corpus)



@pytest.mark.parametrize("url", ["http://[::1", "https://", "http:///x.pdf"])
def test_a_malformed_web_address_is_refused_in_one_line(corpus: Path, url: str) -> None:
    assert is_url(url)  # so add fetches it, and says what is wrong
    with pytest.raises(FetchError, match="not an http"):
        add_url(url, corpus)


def test_the_same_url_twice_is_one_document_refreshed_when_changed(site: Site,
                                                                   corpus: Path) -> None:
    url = site.url("/nyhed.html")
    site.page("/nyhed.html", word="førsteudgave")
    first = add_url(url, corpus, limits=QUICK)
    stamp = first.path.stat().st_mtime_ns
    again = add_url(url, corpus, limits=QUICK)
    assert (again.path, again.status) == (first.path, "unchanged")
    assert first.path.stat().st_mtime_ns == stamp  # untouched: update has nothing to do
    site.page("/nyhed.html", word="andenudgave")
    refreshed = add_url(url, corpus, limits=QUICK)
    assert (refreshed.path, refreshed.status) == (first.path, "refreshed")
    assert b"andenudgave" in refreshed.path.read_bytes()
    assert len(list(corpus_files(corpus))) == 1


def test_a_refresh_keeps_the_corrections_made_by_hand(site: Site, corpus: Path) -> None:
    url = site.url("/nyhed.html")
    site.page("/nyhed.html", word="førsteudgave")
    added = add_url(url, corpus, {"municipality": "Aarhus"}, limits=QUICK)
    meta = sidecar_path(added.path)
    meta.write_text(json.dumps(sidecar_of(added.path) | {"date": "2019-05"}), encoding="utf-8")
    site.page("/nyhed.html", word="andenudgave")
    add_url(url, corpus, limits=QUICK)
    assert sidecar_of(added.path)["municipality"] == "Aarhus"
    assert sidecar_of(added.path)["date"] == "2019-05"


def test_a_page_that_became_a_pdf_replaces_its_old_copy(site: Site, corpus: Path) -> None:
    url = site.url("/dokument")
    site.page("/dokument")
    page = add_url(url, corpus, limits=QUICK)
    site.routes["/dokument"] = (200, "application/pdf", make_pdf_bytes(["Nu som PDF."]))
    pdf = add_url(url, corpus, limits=QUICK)
    assert pdf.path.suffix == ".pdf" and not page.path.exists()
    assert not sidecar_path(page.path).exists()
    assert find_by_url(corpus, url) == pdf.path


def test_two_urls_with_the_same_slug_do_not_collide(site: Site, corpus: Path) -> None:
    site.page("/a-b.html", word="bindestreg")
    site.page("/a/b.html", word="skraastreg")
    first = add_url(site.url("/a-b.html"), corpus, limits=QUICK)
    second = add_url(site.url("/a/b.html"), corpus, limits=QUICK)
    assert first.path != second.path
    assert b"bindestreg" in first.path.read_bytes()
    assert b"skraastreg" in second.path.read_bytes()
    assert add_url(site.url("/a/b.html"), corpus, limits=QUICK).path == second.path


def test_names_are_readable_and_stable() -> None:
    assert url_file_name("https://www.silkeborg.dk/Strategi/Socialøkonomi.pdf?v=2",
                         ".pdf") == "strategi-socialoekonomi-v-2.pdf"
    assert url_file_name("https://kommune.dk/", ".html") == "index.html"
    assert slugify("Ærø Kommune – Årsrapport 2018") == "aeroe-kommune-aarsrapport-2018"
    assert len(slugify("x" * 500)) == 80


@pytest.mark.parametrize(("content_type", "body", "suffix"), [
    ("text/html; charset=utf-8", b"<!DOCTYPE html><html><p>Hej</p></html>", ".html"),
    ("", b"\xef\xbb\xbf  <html><body>Hej</body></html>", ".html"),
    ("application/pdf", b"%PDF-1.7\n...", ".pdf"),
    ("text/plain", "Socialøkonomi i kommunen".encode(), ".txt"),
])
def test_the_declared_type_must_agree_with_the_bytes(content_type: str, body: bytes,
                                                     suffix: str) -> None:
    assert document_suffix(content_type, body) == suffix


@pytest.mark.parametrize(("content_type", "body"), [
    ("text/html", b"%PDF-1.4 not html"),
    ("application/octet-stream", b"\x00\x01\x02\x03binary"),
    ("text/plain", b"\x00\x00\x00\x00"),
    ("application/zip", b"PK\x03\x04"),
])
def test_mismatched_or_binary_answers_are_not_documents(content_type: str, body: bytes) -> None:
    with pytest.raises(FetchError, match="not a document"):
        document_suffix(content_type, body)


def test_a_local_file_is_copied_once_under_a_readable_name(tmp_path: Path,
                                                           corpus: Path) -> None:
    source = tmp_path / "Referat Byrådet 2019.txt"
    source.write_text("Referat fra byrådet om socialøkonomi.", encoding="utf-8")
    added = add_file(source, corpus)
    assert (added.path.name, added.status) == ("referat-byraadet-2019.txt", "added")
    assert add_file(source, corpus).status == "unchanged"
    others = []
    for number in range(2):
        other = tmp_path / f"other{number}" / "Referat Byrådet 2019.txt"
        other.parent.mkdir()
        other.write_text(f"Et andet referat, nummer {number}.", encoding="utf-8")
        others.append(add_file(other, corpus))
    assert [o.status for o in others] == ["added", "added"]
    assert len({added.path, *(o.path for o in others)}) == 3
    assert not sidecar_path(added.path).exists()  # nothing set by hand: no sidecar


def test_a_file_inside_the_corpus_is_corrected_in_place(corpus: Path) -> None:
    inside = corpus / "notat.txt"
    inside.write_text("Notat om socialøkonomi i kommunen.", encoding="utf-8")
    added = add_file(inside, corpus, check_overrides({"municipality": "hillerød kommune",
                                                      "doctype": "Notat"}))
    assert (added.path, added.status) == (inside, "corrected")
    assert sidecar_of(inside) == {"municipality": "Hillerød", "doctype": "notat"}
    assert list(corpus_files(corpus)) == [inside]


def test_a_broken_sidecar_is_not_overwritten(corpus: Path) -> None:
    inside = corpus / "notat.txt"
    inside.write_text("Notat.", encoding="utf-8")
    sidecar_path(inside).write_text("{not json", encoding="utf-8")
    with pytest.raises(FetchError, match="not a valid JSON object"):
        add_file(inside, corpus, {"doctype": "notat"})
    assert sidecar_path(inside).read_text(encoding="utf-8") == "{not json"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"municipality": "Gotham"}, "--municipality: unknown municipality 'Gotham'"),
    ({"date": "2018-13"}, "--date: impossible date '2018-13'"),
    ({"doctype": "roman"}, "--doctype: unknown doctype 'roman'"),
])
def test_bad_corrections_on_the_command_line_are_refused(overrides: dict, message: str) -> None:
    with pytest.raises(FetchError) as failure:
        check_overrides(overrides)
    assert str(failure.value).startswith(message)


def test_unsupported_or_missing_files_are_refused(tmp_path: Path, corpus: Path) -> None:
    with pytest.raises(FetchError, match="no such file"):
        add_file(tmp_path / "missing.pdf", corpus)
    image = tmp_path / "photo.jpg"
    image.write_bytes(b"\xff\xd8\xff")
    with pytest.raises(FetchError, match="not a document the ingester reads"):
        add_file(image, corpus)
