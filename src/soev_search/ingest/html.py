"""HTML → main text, title and date.

The main text is trafilatura's (see article.py), measured best on 949 real pages; our own
structural rules (html_rules.py) are the second opinion when it finds (almost) nothing. Title,
date and publisher come from the page's meta tags, read from the same lxml tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from soev_search.ingest.article import article_text
from soev_search.ingest.encoding import decode_text
from soev_search.ingest.text import normalize_text

# Below this much main text, our own rules are asked too and the longer result is kept.
MIN_HTML_CHARS = 200
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_DATE_META = ("article:published_time", "datePublished", "date", "dc.date", "dc.date.issued",
              "dcterms.created", "dcterms.issued", "pubdate", "publish-date", "og:published_time",
              "article:modified_time", "dcterms.modified")
_SITE_SUFFIX = re.compile(r"\s+[|–—·:-]\s+[^|–—·:-]{2,60}$")
# A <title> that names a site section rather than the page: "Nyheder - Frivilligcenter Nordvest".
_SECTION_TITLES = frozenset({
    "nyheder", "nyhed", "nyt", "aktuelt", "forside", "startside", "velkommen", "artikel",
    "artikler", "presse", "pressemeddelelser", "pressemeddelelse", "blog", "arkiv", "om os",
    "news", "home", "homepage", "welcome", "article", "articles", "press", "archive", "index",
    "untitled"})
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "big", "font")
_MAX_HEADING_CHARS = 200


@dataclass
class HtmlPage:
    text: str
    title: str | None
    date: str | None
    is_article: bool
    # Who publishes the page: og:site_name and the full <title> ("... | Favrskov Kommune").
    publisher: str


def decode_html(raw: bytes) -> str:
    """The declared charset when it decodes strictly, else our own detection."""
    declared = _META_CHARSET.search(raw[:4096])
    if declared:
        try:
            return raw.decode(declared.group(1).decode("ascii", "replace"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(raw)


def extract_html(raw: bytes) -> HtmlPage:
    # Imported when a page is read: importing trafilatura costs every CLI command 0.2 s.
    from trafilatura.utils import load_html

    html = decode_html(raw)
    tree = load_html(html)
    if tree is None:
        return HtmlPage(_rule_text(html), None, None, False, "")
    title, date = _title(tree), _date(tree)
    is_article, publisher = _is_article(tree), _publisher(tree)
    headline = _headline(tree) if title is None else None
    headings = _heading_texts(tree) if title is None and headline is None else set()
    text = normalize_text(article_text(tree))  # trafilatura prunes the tree: metadata first
    if len(text) < MIN_HTML_CHARS:
        other = _rule_text(html)
        text = other if len(other) > len(text) else text
    if title is None:
        first_line = text.split("\n", 1)[0].strip()
        title = headline or (first_line if first_line in headings else None) \
            or _clean_title(_SITE_SUFFIX.sub("", _page_title(tree)))
    return HtmlPage(text, title, date, is_article, publisher)


def _rule_text(html: str) -> str:
    # Imported when needed: BeautifulSoup costs 0.13 s to import, and our rules are only the
    # second opinion.
    from soev_search.ingest.html_rules import rule_text

    return rule_text(html)


def _text(element: HtmlElement | None) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


def _page_title(tree: HtmlElement) -> str:
    return _text(tree.find(".//title"))


def _publisher(tree: HtmlElement) -> str:
    return " ".join(f"{_meta(tree, 'og:site_name') or ''} {_page_title(tree)}".split())


def _meta(tree: HtmlElement, *keys: str) -> str | None:
    wanted = {key.casefold() for key in keys}
    for tag in tree.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or ""
        if key.casefold() in wanted:
            content = tag.get("content")
            if content and content.strip():
                return content.strip()
    return None


def _title(tree: HtmlElement) -> str | None:
    """og:title, the <h1> or the <title> without its site suffix; None when only a <title>
    that names a site section or the site itself is there (old pages: see _headline)."""
    title = _meta(tree, "og:title", "twitter:title", "dc.title")
    title = title or _text(tree.find(".//h1"))
    page_title = _SITE_SUFFIX.sub("", _page_title(tree))
    if not title and not _is_generic(page_title, tree):
        title = page_title
    return _clean_title(title or "")


def _clean_title(title: str) -> str | None:
    return " ".join(title.split())[:300] or None


def _is_generic(title: str, tree: HtmlElement) -> bool:
    """A site section ("Nyheder") or the site's own name: a word of our list, og:site_name,
    or the text of a link on the page (the menu entry, the logo's link)."""
    key = title.strip().casefold()
    if not key or key in _SECTION_TITLES or key == (_meta(tree, "og:site_name") or "").casefold():
        return True
    return any(_text(link).casefold() == key or (link.find("img") is not None and any(
        (image.get("alt") or "").strip().casefold() == key for image in link.iter("img")))
        for link in tree.iter("a"))


def _headline(tree: HtmlElement) -> str | None:
    """trafilatura's title (a headline by its class, the first <h2> ...) unless it is generic.
    Its title step alone: the whole extract_metadata also runs date detection on every page."""
    from trafilatura.metadata import extract_title

    title = extract_title(tree) or ""
    title = _SITE_SUFFIX.sub("", title)
    return None if _is_generic(title, tree) else _clean_title(title)


def _heading_texts(tree: HtmlElement) -> set[str]:
    """Short texts set as headings or in bold: the article's first line, if it is one of them,
    is its headline."""
    texts = (" ".join(_text(element).split()) for element in tree.iter(*_HEADING_TAGS))
    return {text for text in texts if 0 < len(text) <= _MAX_HEADING_CHARS}


def _date(tree: HtmlElement) -> str | None:
    value = _meta(tree, *_DATE_META)
    if value is None:
        time = next((t for t in tree.iter("time") if t.get("datetime")), None)
        value = time.get("datetime") if time is not None else None
    if value:
        match = re.match(r"\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
        if match:
            return "-".join(part for part in match.groups() if part)
    return None


def _is_article(tree: HtmlElement) -> bool:
    og_type = _meta(tree, "og:type")
    return (og_type or "").casefold() == "article" or tree.find(".//article") is not None
