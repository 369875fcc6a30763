"""Sidecars (`NAME.meta.json`): corrections override the ingester, bad fields are reported with
file and field while the rest applies, sidecars are never documents, and a changed, added or
removed sidecar re-indexes its document on `update`. Real index, real Flask app."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import BUNDLED_CORPUS
from soev_search.document import Document
from soev_search.index import rebuild, update
from soev_search.index_cli import print_build_report
from soev_search.ingest import corpus_files, ingest_file
from soev_search.ingest.sidecar import parse_sidecar, sidecar_path
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine
from soev_search.web import create_app

SILKEBORG = "silkeborg-status-2018.txt"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in (SILKEBORG, "hilleroed-notat-socialoekonomi-2017.txt"):
        shutil.copy(BUNDLED_CORPUS / name, folder / name)
    return folder


def write_meta(document: Path, data: dict | str) -> Path:
    meta = sidecar_path(document)
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    meta.write_text(text, encoding="utf-8")
    return meta


def ingest(path: Path, corpus: Path) -> Document:
    doc = ingest_file(path, corpus)
    assert isinstance(doc, Document)
    return doc


def test_corrections_override_what_the_ingester_found(corpus: Path) -> None:
    path = corpus / SILKEBORG
    found = ingest(path, corpus)
    assert (found.municipality, found.doctype) == ("Silkeborg", "artikel")
    write_meta(path, {"url": "https://silkeborg.dk/status", "fetched": "2026-11-02T10:00:00+00:00",
                      "title": "  Status   for Silkeborg ", "municipality": "aarhus kommune",
                      "date": "2018-06-01", "doctype": "Notat", "language": "EN"})
    doc = ingest(path, corpus)
    assert (doc.title, doc.municipality, doc.date, doc.year, doc.doctype, doc.language) == (
        "Status for Silkeborg", "Aarhus", "2018-06-01", 2018, "notat", "en")
    assert doc.url == "https://silkeborg.dk/status"
    assert doc.fetched == "2026-11-02T10:00:00+00:00"
    assert doc.set_by_hand == ["title", "municipality", "date", "doctype", "language"]
    assert doc.text == found.text and doc.content_hash == found.content_hash
    assert not doc.notes


@pytest.mark.parametrize(("data", "field", "reason"), [
    ({"municipality": "Gotham"}, "municipality", "unknown municipality 'Gotham'"),
    ({"date": "2018-02-30"}, "date", "impossible date '2018-02-30'"),
    ({"date": "sidste år"}, "date", "impossible date"),
    ({"doctype": "roman"}, "doctype", "unknown doctype 'roman'"),
    ({"language": "dansk"}, "language", "not a two-letter code"),
    ({"url": "javascript:alert(1)"}, "url", "not an http(s) address"),
    ({"fetched": "i går"}, "fetched", "not an ISO date"),
    ({"municipality": 42}, "municipality", "must be a string"),
    ({"kommune": "Aarhus"}, "kommune", "unknown field"),
])
def test_a_bad_field_is_named_and_the_valid_ones_still_apply(corpus: Path, data: dict,
                                                             field: str, reason: str) -> None:
    path = corpus / SILKEBORG
    write_meta(path, {"title": "Rettet titel", **data})
    doc = ingest(path, corpus)
    assert doc.title == "Rettet titel" and doc.set_by_hand == ["title"]
    assert doc.municipality == "Silkeborg" and doc.year == 2018  # the ingester's, kept
    assert doc.url is None
    [note] = doc.notes
    assert note.startswith(f"metadata file {SILKEBORG}.meta.json: {field}: ")
    assert reason in note


@pytest.mark.parametrize(("raw", "reason"), [
    (b'{"municipality": "Aarhus",', "invalid JSON at line 1"),
    (b'["Aarhus"]', "not a JSON object"),
    (b'{"title": "\xff"}', "not UTF-8"),
])
def test_an_unreadable_sidecar_is_reported_and_the_document_indexed(corpus: Path, raw: bytes,
                                                                    reason: str) -> None:
    path = corpus / SILKEBORG
    sidecar_path(path).write_bytes(raw)
    doc = ingest(path, corpus)
    assert doc.municipality == "Silkeborg" and doc.set_by_hand == []
    assert len(doc.notes) == 1 and reason in doc.notes[0]
    assert doc.notes[0].startswith(f"metadata file {SILKEBORG}.meta.json: ")


def test_sidecars_are_not_documents(corpus: Path) -> None:
    write_meta(corpus / SILKEBORG, {"doctype": "notat"})
    (corpus / "orphan.pdf.meta.json").write_text("{}", encoding="utf-8")
    assert sorted(p.name for p in corpus_files(corpus)) == [
        "hilleroed-notat-socialoekonomi-2017.txt", SILKEBORG]


def test_rebuild_reports_bad_fields_as_warnings_and_indexes_everything(corpus: Path,
                                                                       tmp_path: Path) -> None:
    write_meta(corpus / SILKEBORG, {"municipality": "Gotham", "doctype": "strategi"})
    report = rebuild(corpus, tmp_path / "index")
    assert report.indexed == 2 and not report.skipped
    out = io.StringIO()
    print_build_report(report, out)
    lines = out.getvalue().splitlines()
    assert lines[1].startswith(f"  warning {SILKEBORG}.meta.json: municipality: unknown "
                               "municipality 'Gotham'")
    engine = SearchEngine(tmp_path / "index")
    hits = engine.search(SearchRequest(query="", doctype=("strategi",))).hits
    assert [hit.municipality for hit in hits] == ["Silkeborg"]


def test_update_re_indexes_a_document_whose_sidecar_changed(corpus: Path,
                                                            tmp_path: Path) -> None:
    index = tmp_path / "index"
    rebuild(corpus, index)
    engine = SearchEngine(index)

    def silkeborg() -> Document:
        [hit] = engine.search(SearchRequest(query="Silkeborg", municipality=())).hits[:1]
        found = engine.document(hit.id)
        assert found is not None
        return found

    doc_id = silkeborg().id
    meta = write_meta(corpus / SILKEBORG, {"municipality": "Aarhus", "url": "https://a.dk/x"})
    report = update(corpus, index)
    assert (report.added, report.changed, report.deleted) == (0, 1, 0)
    doc = engine.document(doc_id)
    assert doc is not None and doc.municipality == "Aarhus" and doc.url == "https://a.dk/x"

    write_meta(corpus / SILKEBORG, {"municipality": "Aalborg"})
    stat = meta.stat()
    os.utime(meta, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert update(corpus, index).changed == 1
    assert engine.document(doc_id).municipality == "Aalborg"

    meta.unlink()
    assert update(corpus, index).changed == 1
    doc = engine.document(doc_id)
    assert doc.municipality == "Silkeborg" and doc.url is None and doc.set_by_hand == []
    assert update(corpus, index).changed == 0  # nothing left to notice


def test_the_document_page_links_the_original_and_marks_hand_set_fields(
        corpus: Path, tmp_path: Path) -> None:
    url = "https://silkeborg.dk/status?a=1&b=<2>"
    write_meta(corpus / SILKEBORG, {"url": url, "fetched": "2026-11-02T10:00:00+00:00",
                                    "municipality": "Aarhus"})
    rebuild(corpus, tmp_path / "index")
    client = create_app(tmp_path / "index", corpus, {"TESTING": True}).test_client()
    doc_id = ingest(corpus / SILKEBORG, corpus).id
    page = client.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert 'href="https://silkeborg.dk/status?a=1&amp;b=&lt;2&gt;"' in page
    assert "Originalen på nettet" in page and "Åbn den gemte kopi" in page
    assert page.count("(rettet i hånden)") == 1
    municipality = page.split("<dt>Kommune</dt>")[1].split("</dd>")[0]
    assert "Aarhus" in municipality and "rettet i hånden" in municipality
    other = ingest(corpus / "hilleroed-notat-socialoekonomi-2017.txt", corpus).id
    plain = client.get(f"/documents/{other}").get_data(as_text=True)
    assert "rettet i hånden" not in plain and "Originalen på nettet" not in plain
    assert "Åbn originalfilen" in plain
    api = client.get(f"/api/documents/{doc_id}").get_json()
    assert api["url"] == url and api["set_by_hand"] == ["municipality"]
    results = client.get("/?q=Silkeborg").get_data(as_text=True)
    assert '<a class="hit-origin" href="https://silkeborg.dk/status?a=1&amp;b=&lt;2&gt;"' in results
    assert client.get("/api/search?q=Hillerød").get_json()["hits"][0]["url"] is None


def test_show_says_which_fields_were_set_by_hand(corpus: Path) -> None:
    from soev_search.ingest.show import as_summary

    write_meta(corpus / SILKEBORG, {"doctype": "notat", "url": "https://a.dk/s"})
    summary = as_summary(ingest(corpus / SILKEBORG, corpus))
    assert "doctype:     notat  (set by hand)" in summary
    assert "url:         https://a.dk/s" in summary
    assert "municipality: Silkeborg\n" in summary


def test_parse_keeps_the_valid_fields_in_normal_form() -> None:
    raw = b'{"municipality": "Hilleroed", "title": null}'
    sidecar = parse_sidecar("x.pdf.meta.json", raw)
    assert sidecar.overrides == {"municipality": "Hillerød"} and not sidecar.problems


def test_a_sidecar_without_its_document_is_a_warning(corpus: Path, tmp_path: Path) -> None:
    (corpus / "silkeborg-status-2018.meta.json").write_text('{"doctype": "notat"}',
                                                          encoding="utf-8")
    report = rebuild(corpus, tmp_path / "index")
    assert report.indexed == 2
    assert [(w.path, w.reason) for w in report.warnings] == [(
        "silkeborg-status-2018.meta.json",
        "no document named 'silkeborg-status-2018' beside it; not used")]
    assert [w.path for w in update(corpus, tmp_path / "index").warnings] == [
        "silkeborg-status-2018.meta.json"]
