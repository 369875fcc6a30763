"""Real headless Chromium against the real app served by waitress on loopback.

Screenshots go to artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from browser_support import hosting, iframe_host_page, script_host_page, shoot
from web_support import (
    HOSTILE_QUESTION,
    SECTION_WORD,
    UNIQUE_WORD,
    questionnaire_app,
    running,
)

pytestmark = pytest.mark.browser


def test_search_then_filter_with_a_facet(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    shoot(page, "01-front")
    page.get_by_label("Søg i dokumenterne").fill("socialøkonomi")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?q=social%C3%B8konomi$"))
    heading = page.locator("#results-heading")
    expect(heading).to_contain_text("dokument")
    expect(page.locator("li.hit mark").first).to_be_visible()
    shoot(page, "02-results")

    facet = page.locator(".facets a.facet-link").first
    value = facet.locator(".facet-value").inner_text()
    count = facet.locator(".facet-count").inner_text()
    facet.click()
    expect(page.locator(".active-filters .chip")).to_contain_text(value)
    expect(heading).to_contain_text(re.compile(rf"^\s*{count} dokument"))
    expect(page.locator("li.hit")).to_have_count(min(10, int(count.replace(".", ""))))
    shoot(page, "03-filtered")

    page.locator(".active-filters .chip").click()
    expect(page.locator(".active-filters")).to_have_count(0)
    assert page.console_errors == []


def test_keyboard_user_gets_a_visible_skip_link(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_result_opens_the_document_with_marked_words(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/?q={UNIQUE_WORD}")
    page.locator(".hit-title a").click()
    expect(page.locator("h1")).to_contain_text("<script>")  # shown as text, never run
    expect(page.locator(".fulltext mark").first).to_have_text(re.compile(UNIQUE_WORD, re.I))
    shoot(page, "04-document")
    assert page.console_errors == []


def test_document_figures_stay_on_one_line(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/?q=sk%C3%A5nejobs&municipality=Silkeborg")
    page.locator(".hit-title a").first.click()
    cell = page.locator(".figures-table td", has_text="mindst 100")
    lines = cell.evaluate("td => { const r = document.createRange(); r.selectNodeContents(td);"
                          " return new Set([...r.getClientRects()].map(b => b.top)).size; }")
    assert lines == 1, "a figure and its qualifier wrap in the sidebar"
    assert page.console_errors == []


def test_compare_page_and_phone_layout(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    for path, name in (("/?q=strategi", "05-phone-results"), ("/compare", "06-phone-compare")):
        phone.goto(base_url + path)
        overflow = phone.evaluate(
            "document.scrollingElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways on a phone"
        shoot(phone, name)
    context.close()


def test_embed_script_on_another_origin(page: Page, base_url: str) -> None:
    host_html = script_host_page(base_url, 'data-limit="3" data-target="_self" data-facets="true"')
    with hosting(page, host_html) as host_url:
        assert host_url.split(":")[-1] != base_url.split(":")[-1]  # a different origin
        page.goto(host_url + "/")
        widget = page.locator(".soev-search-embed")
        status = widget.get_by_role("status")
        expect(status).to_contain_text("dokument")  # the first, empty search has rendered
        widget.get_by_label("Søg i dokumenter om socialøkonomi").fill(UNIQUE_WORD)
        widget.get_by_role("button", name="Søg", exact=True).click()
        expect(status).to_have_text(re.compile(rf"^1 dokument for »{UNIQUE_WORD}«"))
        title = widget.locator("a.title")
        expect(title).to_have_attribute("href", re.compile(rf"^{base_url}/documents/"))
        expect(title).to_have_attribute("target", "_self")
        expect(widget.locator(".snippet mark").first).to_have_text(
            re.compile(UNIQUE_WORD, re.I))
        # document markup in the snippet stays text: no element was made from it
        assert widget.locator(".snippet img, .snippet b, .snippet script").count() == 0
        # styles do not cross the shadow boundary, either way
        assert title.evaluate("a => getComputedStyle(a).color") != "rgb(255, 0, 0)"
        assert page.locator("#host-button").evaluate(
            "b => getComputedStyle(b).backgroundColor") == "rgb(0, 128, 0)"
        shoot(page, "07-embed-script")

        # relaxed matches are counted and explained as on the search page
        widget.get_by_label("Søg i dokumenter om socialøkonomi").fill("markedsvilkår xylofon")
        widget.get_by_role("button", name="Søg", exact=True).click()
        expect(status).to_have_text(re.compile(r"^\d+ dokumenter? \(0 med alle ordene\) for »"))
        expect(widget.locator(".notice")).to_contain_text("Kun få dokumenter indeholder alle")
        # "did you mean" searches for the suggestion
        widget.get_by_label("Søg i dokumenter om socialøkonomi").fill("socialøkonmi")
        widget.get_by_role("button", name="Søg", exact=True).click()
        expect(widget.locator(".notice")).to_be_hidden()
        widget.locator(".suggestion button").click()
        expect(status).to_have_text(re.compile(r"dokumenter? for »socialøkonomi«$"))
        expect(widget.get_by_label("Søg i dokumenter om socialøkonomi")).to_have_value(
            "socialøkonomi")

        # a facet chip filters; the widget asks the API again, cross-origin
        widget.get_by_label("Søg i dokumenter om socialøkonomi").fill("")
        widget.get_by_role("button", name="Søg", exact=True).click()
        chip = widget.locator("button.chip").first
        expect(chip).to_be_visible()
        chip.click()
        expect(widget.locator("button.chip[aria-pressed=true]")).to_have_count(1)
        expect(widget.locator("button.chip[aria-pressed=true]")).to_be_focused()
        shoot(page, "08-embed-facet")
    assert page.console_errors == []


def test_embed_script_shows_the_snippets_question_as_text(
        page: Page, tmp_path_factory: pytest.TempPathFactory) -> None:
    with running(questionnaire_app(tmp_path_factory)) as app_url:
        host_html = f"""<!doctype html><html lang="da"><head><meta charset="utf-8">
<title>Spørgeskemaer</title></head><body>
<script src="{app_url}/embed.js"></script></body></html>"""
        with hosting(page, host_html) as host_url:
            page.goto(host_url + "/")
            widget = page.locator(".soev-search-embed")
            widget.get_by_label("Søg i dokumenter om socialøkonomi").fill(SECTION_WORD)
            widget.get_by_role("button", name="Søg", exact=True).click()
            label = widget.locator(".snippet .section")
            expect(label).to_have_text(re.compile("^" + re.escape(HOSTILE_QUESTION[:30])))
            expect(label).not_to_have_text(re.compile(r"[?…]:$"))  # no ":" after its own end
            expect(widget.locator(".snippet mark")).to_have_text(SECTION_WORD)
            # the question's markup is text: no element was made from it
            assert widget.locator(".snippet b, .snippet img").count() == 0
            shoot(page, "09-embed-snippet-section")
    assert page.console_errors == []


def test_embed_iframe_on_another_origin(page: Page, base_url: str) -> None:
    host_html = iframe_host_page(base_url, "q=fleksjob&amp;limit=3")
    with hosting(page, host_html) as host_url:
        page.goto(host_url + "/")
        frame = page.frame_locator("iframe")
        expect(frame.get_by_role("status")).to_contain_text("dokument")
        expect(frame.locator(".hit-title").first).to_be_visible()
        shoot(page, "09-embed-iframe")
    assert page.console_errors == []


def test_embed_script_with_a_span_of_years(page: Page, base_url: str) -> None:
    host_html = script_host_page(base_url, 'data-year-from="2018" data-year-to="2018" '
                                           'data-facets="true" data-limit="10"')
    with hosting(page, host_html) as host_url:
        page.goto(host_url + "/")
        widget = page.locator(".soev-search-embed")
        # the web test corpus has four documents from 2018
        expect(widget.get_by_role("status")).to_have_text(re.compile("^4 dokumenter"))
        expect(widget.locator(".meta", has_text="2017")).to_have_count(0)
        expect(widget.locator("fieldset legend").first).to_be_visible()
        legends = widget.locator("fieldset legend").all_inner_texts()
        assert "KOMMUNE" in legends and "ÅR" not in legends  # no years to choose in the span
    assert page.console_errors == []

