"""axe-core audits every page kind and the embed widget on a foreign page: no WCAG 2.1 A/AA
violation may appear.

axe-core comes from the `axe-playwright-python` package (it bundles axe.min.js), so the audit
needs no network. It is injected into every frame, so one run on the top page also audits a
cross-origin iframe; open Shadow DOM (the script widget) is audited by axe itself.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page, expect

from browser_support import host_app, hosting, iframe_host_page, script_host_page
from web_support import UNIQUE_WORD, running

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page: Page) -> list[str]:
    """One line per WCAG 2.1 A/AA violation: rule, impact and the offending elements."""
    for frame in page.frames:
        frame.evaluate(AXE_SCRIPT)
        # axe talks to frames of another origin only when every frame allows it.
        frame.evaluate("axe.configure({allowedOrigins: ['<unsafe_all_origins>']})")
    result = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"],
         "iframes": True},
    )
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(" > ".join(map(str, node["target"])) for node in v["nodes"][:5])
            for v in result["violations"]]


def assert_accessible(page: Page) -> None:
    found = violations(page)
    assert found == [], "\n".join(found)


def test_the_audit_sees_into_shadow_dom_and_foreign_frames(page: Page) -> None:
    """The audit itself can fail: an unlabelled field inside a shadow root and inside a
    cross-origin frame are both reported."""
    framed = """<!doctype html><html lang="da"><head><title>Ramme</title></head>
<body><main><input type="text" id="in-frame"></main></body></html>"""
    with running(host_app(framed)) as frame_url:
        host = f"""<!doctype html><html lang="da"><head><title>Vært</title></head>
<body><main><h1>Vært</h1><div id="shadow-host"></div>
<iframe src="{frame_url}/" title="Ramme"></iframe></main>
<script>document.getElementById("shadow-host").attachShadow({{mode: "open"}})
  .innerHTML = '<input type="text" id="in-shadow">';</script></body></html>"""
        with hosting(page, host) as host_url:
            page.goto(host_url + "/")
            expect(page.frame_locator("iframe").locator("#in-frame")).to_be_attached()
            found = [line for line in violations(page) if line.startswith("label ")]
    assert len(found) == 1
    assert "#in-shadow" in found[0] and "#in-frame" in found[0]


@pytest.mark.parametrize("path", [
    "/",                                            # empty search: the landing page
    "/?q=socialøkonomi",                            # results with marks, sort, facets
    "/?q=socialøkonomi&doctype=artikel&per_page=2",  # active filters and paging
    "/?q=socialøkonomi&year_from=2018",             # a year range: chip and range control
    "/?q=zzqxyzzy",                                 # no results: tips and examples
    "/?q=socialøkonmi",                             # "did you mean"
    "/?q=%22unbalanced",                            # a notice about the query
    "/compare",
    "/developers",
    "/documents/no-such-document",                  # the 404 page
])
def test_page_has_no_wcag_violations(page: Page, base_url: str, path: str) -> None:
    response = page.goto(base_url + path)
    assert response is not None and response.status in (200, 404)
    assert_accessible(page)


def test_document_page_has_no_wcag_violations(page: Page, base_url: str) -> None:
    for query in ("status", UNIQUE_WORD):
        page.goto(f"{base_url}/?q={query}")
        page.locator(".hit-title a").first.click()
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator(".fulltext mark").first).to_be_visible()
        assert_accessible(page)


def test_compare_page_with_a_chosen_question_has_no_wcag_violations(page: Page,
                                                                   base_url: str) -> None:
    page.goto(base_url + "/compare")
    options = page.locator("select#question option")
    chosen = options.nth(options.count() - 1).get_attribute("value")
    page.select_option("select#question", chosen)
    page.locator("form.compare-form button[type=submit], form.compare-form "
                 "input[type=submit]").first.click()
    expect(page).to_have_url(re.compile("question="))
    assert_accessible(page)


def test_open_typeahead_has_no_wcag_violations(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Søg i dokumenterne").press_sequentially("kommunens socialø", delay=20)
    expect(page.get_by_role("option").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    assert_accessible(page)


def test_script_embed_on_a_foreign_page_has_no_wcag_violations(page: Page, base_url: str) -> None:
    html = script_host_page(base_url, 'data-limit="3" data-facets="true"')
    with hosting(page, html) as host_url:
        page.goto(host_url + "/")
        widget = page.locator(".soev-search-embed")
        expect(widget.get_by_role("status")).to_contain_text("dokument")
        expect(widget.locator("button.chip").first).to_be_visible()
        assert_accessible(page)
        widget.get_by_label(re.compile("^Søg i dokumenter")).fill("socialøkonomi")
        widget.get_by_role("button", name="Søg", exact=True).click()
        expect(widget.locator(".snippet mark").first).to_be_visible()
        widget.locator("button.chip").first.click()
        expect(widget.locator("button.chip[aria-pressed=true]")).to_have_count(1)
        assert_accessible(page)


def test_iframe_embed_on_a_foreign_page_has_no_wcag_violations(page: Page, base_url: str) -> None:
    html = iframe_host_page(base_url, "q=socialøkonomi&amp;limit=3&amp;facets=true")
    with hosting(page, html) as host_url:
        page.goto(host_url + "/")
        frame = page.frame_locator("iframe")
        expect(frame.locator(".hit-title").first).to_be_visible()
        assert len(page.frames) == 2
        assert_accessible(page)
        frame.locator(".embed-facet summary").first.click()  # a filter list opened
        expect(frame.locator(".embed-facet[open] a.facet-link").first).to_be_visible()
        assert_accessible(page)
