"""Keyboard only, in a real Chromium: every task is done with Tab, arrows, Enter, Space and
Escape, and the focused element always shows a visible focus indicator.

`tab_to` presses Tab (never clicks or focuses by script) until the wanted element has the
focus, so an element that cannot be reached from the keyboard fails the test.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Frame, Page, expect

from browser_support import hosting, iframe_host_page, script_host_page, shoot
from web_support import UNIQUE_WORD

pytestmark = pytest.mark.browser

MAX_TABS = 80

# The focused element, looking through open shadow roots (the script widget).
DEEP_ACTIVE = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el;
}"""


def focused_matches(target: Page | Frame, selector: str) -> bool:
    return target.evaluate(f"selector => ({DEEP_ACTIVE})()?.matches(selector) ?? false",
                           selector)


def tab_to(page: Page, selector: str, target: Page | Frame | None = None,
           key: str = "Tab") -> None:
    """Press Tab until the focused element matches `selector` (in `target`, default page)."""
    target = target or page
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if focused_matches(target, selector):
            assert_focus_visible(target)
            return
    raise AssertionError(f"{selector} was not reached with {MAX_TABS} presses of {key}")


def assert_focus_visible(target: Page | Frame) -> None:
    """WCAG 2.4.7: the focused element draws an outline (or the box's own border colour)."""
    style = target.evaluate(f"""() => {{
      const el = ({DEEP_ACTIVE})();
      const s = getComputedStyle(el);
      return {{outline: s.outlineStyle, width: s.outlineWidth, border: s.borderColor,
               tag: el.tagName}};
    }}""")
    visible = style["outline"] != "none" and style["width"] != "0px"
    assert visible or style["tag"] == "INPUT", f"no visible focus: {style}"


def test_search_facet_and_paging_by_keyboard(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    tab_to(page, "#q")
    page.keyboard.type("status")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=status$"))
    expect(page.locator("#results-heading")).to_contain_text("dokument")

    tab_to(page, ".facets a.facet-link")
    chosen = page.evaluate("() => document.activeElement.querySelector('.facet-value')"
                           ".textContent")
    page.keyboard.press("Enter")
    expect(page.locator(".active-filters .chip")).to_contain_text(chosen)

    page.goto(base_url + "/?q=socialøkonomi&per_page=2")
    tab_to(page, ".pagination a[rel=next]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("2")
    tab_to(page, ".pagination a[rel=prev]", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("1")
    assert page.console_errors == []


def test_year_range_by_keyboard(page: Page, base_url: str) -> None:
    page.goto(base_url + "/?q=socialøkonomi")
    tab_to(page, "#year_from")
    page.keyboard.type("2018")
    page.keyboard.press("Tab")
    expect(page.locator("#year_to")).to_be_focused()
    page.keyboard.type("2018")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"year_from=2018&year_to=2018"))
    chip = page.locator(".active-filters .chip", has_text="2018")
    expect(chip).to_contain_text("År: 2018")
    shoot(page, "11-year-range")
    tab_to(page, ".active-filters .chip")
    page.keyboard.press("Enter")
    expect(page.locator(".active-filters")).to_have_count(0)
    assert page.console_errors == []


def test_typeahead_by_keyboard(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    box = page.locator("#q")
    listbox = page.get_by_role("listbox", name="Forslag")
    tab_to(page, "#q")
    page.keyboard.type("kommunens socialø", delay=20)
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_have_text(re.compile("^kommunens social"))
    shoot(page, "10-typeahead")

    page.keyboard.press("ArrowDown")
    first = options.first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    if options.count() > 1:
        page.keyboard.press("ArrowDown")
        expect(options.nth(1)).to_have_attribute("aria-selected", "true")
        page.keyboard.press("ArrowUp")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_be_focused()  # the focus never leaves the box

    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("kommunens socialø")  # Escape closes, it does not clear

    page.keyboard.press("ArrowDown")  # reopens the list on the first suggestion
    expect(listbox).to_be_visible()
    chosen = first.inner_text()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=kommunens\+social"))
    expect(page.locator("#q")).to_have_value(chosen)
    assert page.console_errors == []


def test_script_widget_by_keyboard(page: Page, base_url: str) -> None:
    html = script_host_page(base_url, 'data-limit="2" data-facets="true"')
    with hosting(page, html) as host_url:
        page.goto(host_url + "/")
        widget = page.locator(".soev-search-embed")
        status = widget.get_by_role("status")
        expect(status).to_contain_text("dokument")
        tab_to(page, "input[type=search]")
        page.keyboard.type("socialøkonomi")
        page.keyboard.press("Enter")
        expect(status).to_have_text(re.compile("dokumenter for »socialøkonomi«"))

        tab_to(page, "button.chip")
        page.keyboard.press("Space")
        pressed = widget.locator("button.chip[aria-pressed=true]")
        expect(pressed).to_have_count(1)
        expect(pressed).to_be_focused()  # the re-rendered chip keeps the focus
        page.keyboard.press("Enter")  # and a second press removes the filter again
        expect(pressed).to_have_count(0)

        tab_to(page, ".pager button:last-child")  # Næste ›
        page.keyboard.press("Enter")
        expect(widget.get_by_role("button", name="‹ Forrige")).to_be_visible()
        tab_to(page, "a.title")
        expect(widget.locator("a.title").first).to_be_visible()
    assert page.console_errors == []


def test_iframe_embed_by_keyboard_with_headings(page: Page, base_url: str) -> None:
    html = iframe_host_page(base_url, "limit=3&amp;facets=true")
    with hosting(page, html) as host_url:
        page.goto(host_url + "/")
        frame = page.frame_locator("iframe")
        expect(frame.get_by_role("status")).to_contain_text("dokument")
        inner = page.frames[1]
        tab_to(page, "input[type=search]", target=inner)
        page.keyboard.type(UNIQUE_WORD)
        page.keyboard.press("Enter")
        expect(frame.get_by_role("status")).to_contain_text("1 dokument")

        # one h1 naming the search, the result count as h2, each hit title an h3
        levels = inner.evaluate(
            "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]"
            ".map(h => Number(h.tagName[1]))")
        assert levels.count(1) == 1 and levels[0] == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        expect(frame.get_by_role("heading", level=3)).to_have_count(1)
        expect(frame.get_by_role("heading", level=3)).to_contain_text("Xylofonkantine")

        tab_to(page, ".embed-facet summary", target=inner)
        page.keyboard.press("Enter")
        tab_to(page, ".embed-facet a.facet-link", target=inner)
        page.keyboard.press("Enter")
        expect(frame.locator(".facet-link.selected")).to_have_count(1)
    assert page.console_errors == []
