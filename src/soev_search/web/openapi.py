"""The OpenAPI 3 description of the JSON API and the feeds, kept as data next to the routes.

tests/test_web_api.py checks that every path here is a route of the app and that the search
parameters listed here are exactly the ones `params.parse_search_request` reads.
"""

from __future__ import annotations

from typing import Any

from soev_search import settings
from soev_search.document import DOCTYPES, FIGURE_KEYS
from soev_search.filters import FACETS, FILTERS
from soev_search.ingest.sidecar import OVERRIDABLE
from soev_search.results import DEFAULT_PER_PAGE
from soev_search.similar import DEFAULT_LIMIT as DEFAULT_SIMILAR
from soev_search.similar import MAX_LIMIT as MAX_SIMILAR
from soev_search.web.params import DEFAULT_COMPLETIONS, MAX_COMPLETIONS, SORT_ORDERS


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _multi(name: str, items: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": description, "schema": _array(items)}


def search_parameters() -> list[dict[str, Any]]:
    """The search URL's parameters, bounded by the current settings."""
    limits = settings.current()
    return [
        {"name": "q", "in": "query", "required": False,
         "description": "Query: words (all must match), \"phrases\", OR, NOT or -word, "
                        "field:value, year:2017..2019, prefix*, mlt:<id> (documents like "
                        "that one). Empty: all documents, newest first.",
         "schema": {"type": "string", "maxLength": limits.max_query_chars}},
        *[_multi(f.name, f.openapi, f"{f.description} Repeat for several (OR).")
          for f in FILTERS],
        *[{"name": param, "in": "query", "required": False, "schema": f.openapi,
           "description": f"{f.name.capitalize()} {end} (inclusive; with only one end given, "
                          f"documents without a {f.name} are kept, with both left out)."}
          for f in FILTERS if f.ranged
          for param, end in zip(f.range_params, ("from", "to"), strict=True)],
        {"name": "sort", "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(SORT_ORDERS), "default": "relevance"}},
        {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": limits.max_page, "default": 1}},
        {"name": "per_page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": limits.max_per_page,
                    "default": DEFAULT_PER_PAGE}},
    ]

ERROR_RESPONSES = {
    "400": {"description": "A parameter has a wrong type or value.",
            "content": {"application/json": {"schema": _ref("Error")}}},
    "503": {"description": "The index is missing or cannot be opened.",
            "content": {"application/json": {"schema": _ref("Error")}}},
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["error", "status"],
        "properties": {"error": {"type": "string", "description": "Danish, for people"},
                       "status": {"type": "integer"}, "detail": {"type": "string"}},
    },
    "FacetValue": {
        "type": "object", "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
    },
    "Facets": {
        "type": "object",
        "properties": {facet: _array(_ref("FacetValue")) for facet in FACETS},
    },
    "Hit": {
        "type": "object",
        "properties": {
            "id": {"type": "string"}, "title": {"type": "string"},
            "municipality": {"type": "string", "nullable": True},
            "year": {"type": "integer", "nullable": True},
            "date": {"type": "string", "nullable": True,
                     "description": "ISO, as precise as the document: 2018, 2018-09"},
            "doctype": {"type": "string", "enum": list(DOCTYPES)},
            "language": {"type": "string"}, "score": {"type": "number"},
            "snippet": {"type": "string",
                        "description": "HTML: text escaped, matched words in <mark>; the "
                                       "one or two passages that best match the query"},
            "snippet_section": {"type": "string", "nullable": True,
                                "description": "Plain text: the question whose answer the "
                                               "snippet comes from (questionnaires), "
                                               "shortened; null otherwise"},
            "snippet_label": {"type": "string", "nullable": True,
                              "description": "snippet_section as shown before the snippet: "
                                             "with \":\" unless it ends in punctuation"},
            "url": {"type": "string", "nullable": True,
                    "description": "Where the document was fetched from, if it was"},
        },
    },
    "SearchResult": {
        "type": "object",
        "properties": {
            "query": {"type": "string"}, "total": {"type": "integer"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "hits": _array(_ref("Hit")), "facets": _ref("Facets"),
            "suggestion": {"type": "string", "nullable": True,
                           "description": "\"Did you mean\": the corrected query"},
            "notice": {"type": "string", "nullable": True,
                       "description": "Set when the query was searched as plain words, "
                                      "or relaxed to documents matching most of its words"},
            "relaxed": {"type": "boolean",
                        "description": "true: all words together found less than a page, so "
                                       "total and facets count the documents matching most of "
                                       "the words, ranked after those matching all of them"},
            "exact_total": {"type": "integer",
                            "description": "Documents matching the whole query"},
            "without_value": {"type": "object", "additionalProperties": {"type": "integer"},
                              "description": "Per facet, how many of the documents its "
                                             "counts cover have no value (e.g. no year)"},
        },
    },
    "SimilarDocument": {
        "type": "object",
        "properties": {
            "id": {"type": "string"}, "title": {"type": "string"},
            "municipality": {"type": "string", "nullable": True},
            "year": {"type": "integer", "nullable": True},
            "date": {"type": "string", "nullable": True},
            "doctype": {"type": "string", "enum": list(DOCTYPES)},
            "score": {"type": "number"},
            "shared": _array({"type": "string"}),
            "reason": {"type": "string",
                       "description": "Danish, one line: the shared key terms"},
        },
    },
    "Comparison": {
        "type": "object",
        "properties": {
            "municipalities": _array({"type": "string"}),
            "chosen": _array({"type": "string"}),
            "documents": _array({"type": "object", "properties": {
                "id": {"type": "string"}, "title": {"type": "string"},
                "municipality": {"type": "string", "nullable": True},
                "year": {"type": "integer", "nullable": True},
                "date": {"type": "string", "nullable": True}, "label": {"type": "string"}}}),
            "selected": {"type": "string", "nullable": True},
            "questions": _array({"type": "object", "properties": {
                "number": {"type": "integer"}, "slug": {"type": "string"},
                "text": {"type": "string"},
                "answers": {"type": "object", "description": "document id → answer",
                            "additionalProperties": {"type": "string"}}}}),
            "figures": {"type": "object", "description": "document id → figures",
                        "additionalProperties": {
                            "type": "object",
                            "properties": {key: _ref("Figure") for key in FIGURE_KEYS}}},
        },
    },
    "Figure": {
        "type": "object", "nullable": True,
        "properties": {"value": {"type": "integer"}, "approximate": {"type": "boolean"},
                       "lower_bound": {"type": "boolean"}, "raw": {"type": "string"}},
    },
    "Document": {
        "type": "object",
        "properties": {
            "id": {"type": "string"}, "path": {"type": "string"}, "title": {"type": "string"},
            "text": {"type": "string"}, "source": {"type": "string"},
            "content_hash": {"type": "string"},
            "municipality": {"type": "string", "nullable": True},
            "municipalities_mentioned": _array({"type": "string"}),
            "date": {"type": "string", "nullable": True},
            "year": {"type": "integer", "nullable": True},
            "doctype": {"type": "string", "enum": list(DOCTYPES)},
            "language": {"type": "string"},
            "sections": _array({"type": "object", "properties": {
                "question": {"type": "string"}, "answer": {"type": "string"}}}),
            "figures": {"type": "object",
                        "properties": {key: _ref("Figure") for key in FIGURE_KEYS}},
            "contact": {"type": "object", "nullable": True, "properties": {
                "name": {"type": "string", "nullable": True},
                "email": {"type": "string", "nullable": True},
                "phone": {"type": "string", "nullable": True}}},
            "url": {"type": "string", "nullable": True,
                    "description": "Where the document was fetched from, if it was"},
            "fetched": {"type": "string", "nullable": True,
                        "description": "When it was fetched (ISO 8601)"},
            "set_by_hand": _array({"type": "string", "enum": list(OVERRIDABLE)}),
        },
    },
}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _paths() -> dict[str, Any]:
    parameters = search_parameters()
    limits = settings.current()
    return {
        "/api/search": {"get": {
            "summary": "Search the documents", "operationId": "search",
            "parameters": parameters,
            "responses": {"200": _json(_ref("SearchResult")), **ERROR_RESPONSES},
        }},
        "/api/documents/{doc_id}": {"get": {
            "summary": "One document with its text and metadata", "operationId": "getDocument",
            "parameters": [{"name": "doc_id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": _json(_ref("Document")),
                          "404": _json(_ref("Error"), "No document has this id."),
                          "503": ERROR_RESPONSES["503"]},
        }},
        "/api/documents/{doc_id}/similar": {"get": {
            "summary": "The documents most like this one by their distinctive terms, "
                       "other municipalities first, each with the key terms they share",
            "operationId": "similarDocuments",
            "parameters": [{"name": "doc_id", "in": "path", "required": True,
                            "schema": {"type": "string"}},
                           {"name": "limit", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1,
                                       "maximum": MAX_SIMILAR, "default": DEFAULT_SIMILAR}}],
            "responses": {"200": _json({"type": "object", "properties": {
                "id": {"type": "string"}, "similar": _array(_ref("SimilarDocument"))}}),
                          "400": ERROR_RESPONSES["400"],
                          "404": _json(_ref("Error"), "No document has this id."),
                          "503": ERROR_RESPONSES["503"]},
        }},
        "/api/facets": {"get": {
            "summary": "Facet value counts over all documents", "operationId": "facets",
            "responses": {"200": _json(_ref("Facets")), "503": ERROR_RESPONSES["503"]},
        }},
        "/api/complete": {"get": {
            "summary": "Completions of a partly typed query (the last word completed)",
            "operationId": "complete",
            "parameters": [
                {"name": "q", "in": "query", "required": False,
                 "schema": {"type": "string", "maxLength": limits.max_query_chars}},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_COMPLETIONS,
                            "default": DEFAULT_COMPLETIONS}},
            ],
            "responses": {"200": _json({"type": "object", "properties": {
                "query": {"type": "string"}, "suggestions": _array({"type": "string"})}}),
                **ERROR_RESPONSES},
        }},
        "/api/compare": {"get": {
            "summary": "The status articles' questionnaire, municipality by municipality",
            "operationId": "compare",
            "parameters": [
                {"name": "question", "in": "query", "required": False,
                 "description": "Only this question: its slug or number (from 1).",
                 "schema": {"type": "string"}},
                _multi("municipality", {"type": "string"},
                       "Only these municipalities (default: all)."),
            ],
            "responses": {"200": _json(_ref("Comparison")), "503": ERROR_RESPONSES["503"]},
        }},
        "/api/openapi.json": {"get": {
            "summary": "This description", "operationId": "openapi",
            "responses": {"200": _json({"type": "object"})},
        }},
        "/healthz": {"get": {
            "summary": "Whether the index opens, and how many documents it holds",
            "operationId": "health",
            "responses": {
                "200": _json({"type": "object", "properties": {
                    "status": {"type": "string"}, "documents": {"type": "integer"}}}),
                "503": ERROR_RESPONSES["503"],
            },
        }},
        "/feed": {"get": {
            "summary": "Atom feed of a search, newest first", "operationId": "feed",
            "parameters": [p for p in parameters if p["name"] not in ("sort", "page")],
            "responses": {"200": {"description": "Atom feed",
                                  "content": {"application/atom+xml": {}}}},
        }},
        "/export.csv": {"get": {
            "summary": "All hits of a search as CSV (UTF-8 with BOM)", "operationId": "exportCsv",
            "parameters": [p for p in parameters if p["name"] not in ("page", "per_page")],
            "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}},
        }},
    }


def openapi_spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "soev-search API",
            "version": "1.0",
            "description": "Search Danish municipalities' documents about social economy. "
                           "Read-only; CORS is open to every origin.",
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {"schemas": SCHEMAS},
    }
