"""Every declared filter works the same through the library, the query language, the CLI, the
API and the page; a bad value is refused everywhere; the declaration drives the derived parts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from soev_search.document import FIGURE_KEYS, Document
from soev_search.filters import FACETS, FILTER_NAMES, FILTERS, FilterValueError, filter_named
from soev_search.index import index_documents
from soev_search.results import SearchRequest
from soev_search.search import SearchEngine
from soev_search.web import create_app
from soev_search.web.labels import FACET_LABELS
from soev_search.web.openapi import openapi_spec


def doc(doc_id: str, **meta) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", title=f"Kantine {doc_id}",
                    text="En socialøkonomisk kantine.", content_hash=doc_id,
                    figures=dict.fromkeys(FIGURE_KEYS), **meta)


DOCUMENTS = [
    doc("a", source="text", municipality="Aalborg", year=2018, doctype="notat", language="da",
        municipalities_mentioned=["Randers", "Aalborg"]),
    doc("b", source="pdf", municipality="Silkeborg", year=2017, doctype="strategi",
        language="da", municipalities_mentioned=["Aalborg"]),
    doc("c", source="html", municipality="Aalborg", year=2017, doctype="notat", language="en"),
]

# Per filter: a value (in another spelling where spelling may differ) and the ids it selects.
PROBES = {
    "municipality": ("aalborg", {"a", "c"}),
    "year": ("2017", {"b", "c"}),
    "doctype": ("notat", {"a", "c"}),
    "language": ("en", {"c"}),
    "source": ("pdf", {"b"}),
    "mentions": ("randers", {"a"}),
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("filters") / "index"
    index_documents(DOCUMENTS, index)
    return index


@pytest.fixture(scope="module")
def client(index_dir: Path):
    app = create_app(index_dir, index_dir)
    app.config["TESTING"] = True
    return app.test_client()


def test_every_declared_filter_is_probed() -> None:
    assert set(PROBES) == set(FILTER_NAMES)


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_the_library_filters(index_dir: Path, name: str) -> None:
    value, expected = PROBES[name]
    request = SearchRequest(**{name: (filter_named(name).parse(value),)})
    result = SearchEngine(index_dir).search(request)
    assert {hit.id for hit in result.hits} == expected


@pytest.mark.parametrize("declared", FILTERS, ids=FILTER_NAMES)
def test_the_query_language_knows_every_name_and_alias(index_dir: Path, declared) -> None:
    value, expected = PROBES[declared.name]
    engine = SearchEngine(index_dir)
    for field in (declared.name, *declared.aliases):
        result = engine.search(SearchRequest(query=f"{field}:{value}"))
        assert {hit.id for hit in result.hits} == expected, field


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_the_api_filters(client, name: str) -> None:
    value, expected = PROBES[name]
    data = client.get("/api/search", query_string={name: value}).get_json()
    assert {hit["id"] for hit in data["hits"]} == expected


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_the_cli_filters(index_dir: Path, name: str) -> None:
    value, expected = PROBES[name]
    run = subprocess.run([sys.executable, "-m", "soev_search.cli", "search", "", f"--{name}",
                          value, "--json", "--index", str(index_dir)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert {hit["id"] for hit in json.loads(run.stdout)["hits"]} == expected


@pytest.mark.parametrize("name", FILTER_NAMES)
def test_the_page_filters_and_shows_a_removable_chip(client, name: str) -> None:
    value, expected = PROBES[name]
    page = client.get("/", query_string={name: value}).get_data(as_text=True)
    assert f"Fjern filter {FACET_LABELS[name]}" in page
    count = re.search(r'class="result-count">\s*(\d+) dokument', page)
    assert count is not None and int(count.group(1)) == len(expected)
    assert set(re.findall(r'href="/documents/(\w+)["?]', page)) == expected
    assert "Prøv fx" not in page  # a filter alone is not the landing page
    assert "Prøv fx" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("name, bad", [("year", "18"), ("year", "x"), ("doctype", "roman"),
                                       ("language", "dansk"), ("source", "fax"),
                                       ("municipality", "x" * 101)])
def test_a_bad_value_is_refused_by_api_and_cli(client, index_dir: Path, name: str,
                                               bad: str) -> None:
    with pytest.raises(FilterValueError):
        filter_named(name).parse(bad)
    assert client.get("/api/search", query_string={name: bad}).status_code == 400
    run = subprocess.run([sys.executable, "-m", "soev_search.cli", "search", "", f"--{name}",
                          bad, "--index", str(index_dir)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2 and f"--{name}" in run.stderr


def test_openapi_describes_every_filter_with_its_schema() -> None:
    parameters = {p["name"]: p for p in openapi_spec()["paths"]["/api/search"]["get"]["parameters"]}
    for declared in FILTERS:
        assert parameters[declared.name]["schema"]["items"] == declared.openapi


def test_facets_are_the_declared_ones(index_dir: Path) -> None:
    result = SearchEngine(index_dir).search(SearchRequest())
    assert tuple(result.facets) == FACETS
    assert [v.value for v in result.facets["year"]] == ["2018", "2017"]  # declared descending
    stats = SearchEngine(index_dir).stats()
    assert set(stats["facets"]) == {f.name for f in FILTERS if not f.multi_valued}
