"""HTML → main text by our own structural rules, with BeautifulSoup (lxml parser): the second
opinion when trafilatura finds (almost) nothing (see html.py).

Page furniture goes by tag (nav, header, footer, aside, form, script ...), by ARIA role and by
class/id words (cookie, share, comment, related, sidebar ...); the main content is <main>,
[role=main] or the largest <article>, else the element holding most paragraph text; link-dense
lists inside it ("related posts", tag clouds) go too. Everything is iterative: a page nested
50,000 levels deep parses and extracts without recursion.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Comment, Tag, XMLParsedAsHTMLWarning
from bs4.element import CData, NavigableString

from soev_search.ingest.text import normalize_text

_JUNK_TAGS = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "object",
              "embed", "form", "button", "input", "select", "textarea", "nav", "aside",
              "dialog", "menu", "footer", "video", "audio", "map")
_JUNK_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog",
               "alertdialog", "menu", "menubar", "toolbar", "alert"}
# Class/id words of page furniture, matched as whole words of the attribute (split at - _ space).
_JUNK_WORDS = re.compile(
    r"(?:^|[-_\s])(?:cookies?|cookiebanner|consent|gdpr|cc-banner|share|sharing|sharer|"
    r"social-share|social-links|social-icons|social-media|addthis|comments?|kommentarer|"
    r"disqus|respond|reply|related|relaterede|"
    r"relateret|breadcrumbs?|brødkrumme|sidebar|widgets?|newsletter|nyhedsbrev|subscribe|"
    r"signup|menu|navbar|nav|navigation|footer|skip|skiplink|advert|ads|advertisement|promo|"
    r"pagination|pager|tags|taglist|tag-cloud|author-box|byline|popup|modal|overlay|"
    r"toolbar|search|login|sr-only|visually-hidden|screen-reader-text|"
    r"post-navigation|nav-links|see-also|se-ogsaa|se-også|read-more|laes-ogsaa|"
    r"meta|meta-data|entry-meta|post-meta)(?:$|[-_\s])",
    re.IGNORECASE)
_PROTECTED = {"html", "body", "main", "article"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4",
               "h5", "h6", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tr",
               "blockquote", "figure", "figcaption", "pre", "address", "hr", "center",
               "details", "summary", "fieldset", "legend", "caption"}
_LINE_TAGS = {"li", "br", "tr", "dt", "dd"}
_PARAGRAPH = "\ue000"
_LINE = "\ue001"
_TEXT_TYPES = (str, NavigableString, CData)
# A list or box whose text is mostly link text is navigation ("related posts", tag lists).
_MAX_LINK_DENSITY = 0.6
_MAX_PARAGRAPH_LINK_DENSITY = 0.85
_MIN_PROSE_CHARS = 25
_PARAGRAPH_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd",
                   "dt", "figcaption", "caption"}
_INLINE_TAGS = {"b", "i", "em", "strong", "span", "font", "small", "big", "u", "sup", "sub",
                "mark", "abbr", "cite", "q", "time", "label", "code"}

def rule_text(html: str) -> str:
    """The main text of a page by our structural rules alone (no trafilatura)."""
    with warnings.catch_warnings():  # an XHTML page is read as HTML on purpose
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    _remove_furniture(soup)
    root = _main_root(soup)
    _remove_link_lists(root)
    return _text_of(root)


def _remove_furniture(soup: BeautifulSoup) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_JUNK_TAGS):
        tag.decompose()
    for tag in soup.find_all("header"):
        if not tag.find_parent(("article", "main")):
            tag.decompose()
    page_chars = len((soup.body or soup).get_text(" ", strip=True))
    for tag in soup.find_all(True):
        if _is_removed(tag) or tag.name in _PROTECTED or not _is_junk(tag):
            continue
        # A junk-looking wrapper ("has-sidebar") that holds the title or most text is not junk.
        if tag.find(("main", "h1")) or len(tag.get_text(" ", strip=True)) > page_chars / 2:
            continue
        tag.decompose()


def _is_removed(tag: Tag) -> bool:
    """Inside something already decomposed. (Tag.decomposed would search the whole subtree
    for a child named "_decomposed" on a live tag: quadratic on deeply nested pages.)"""
    return bool(vars(tag).get("_decomposed")) or not vars(tag)


def _is_junk(tag: Tag) -> bool:
    attrs = tag.attrs or {}
    if attrs.get("role") in _JUNK_ROLES or "hidden" in attrs:
        return True
    if attrs.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(str(attrs.get("style", ""))):
        return True
    classes = attrs.get("class") or []
    words = " ".join(classes if isinstance(classes, list) else [classes])
    words += " " + str(attrs.get("id", ""))
    return bool(words.strip()) and bool(_JUNK_WORDS.search(words))


def _main_root(soup: BeautifulSoup) -> Tag:
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if isinstance(main, Tag) and len(main.get_text(" ", strip=True)) > 200:
        return main
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.get_text(" ", strip=True)))
    return _densest(soup)


def _densest(soup: BeautifulSoup) -> Tag:
    """The container whose own paragraphs hold most prose (half credit to its parent).

    Text in a paragraph-level element counts for the paragraph's parent; text written straight
    into a div or td counts for that element. Link text and short strings do not count.
    """
    body = soup.body or soup
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {id(body): body}
    for string in body.find_all(string=True):
        length = len(string.strip())
        parent = string.parent
        if length < _MIN_PROSE_CHARS or not isinstance(parent, Tag) or parent.find_parent("a") \
                or parent.name == "a":
            continue
        while parent.name in _INLINE_TAGS and isinstance(parent.parent, Tag):
            parent = parent.parent
        container = parent.parent if parent.name in _PARAGRAPH_TAGS else parent
        for weight in (1.0, 0.5):
            if not isinstance(container, Tag):
                break
            tags[id(container)] = container
            scores[id(container)] = scores.get(id(container), 0.0) + weight * length
            container = container.parent
    if not scores:
        return body
    return tags[max(scores, key=lambda key: scores[key])]


def _remove_link_lists(root: Tag) -> None:
    """Lists, tables and paragraphs that are (almost) only links: navigation, not text."""
    for box in root.find_all(("ul", "ol", "dl", "table", "p")):
        if _is_removed(box):
            continue
        text = len(box.get_text(" ", strip=True))
        links = box.find_all("a")
        if text and len(links) >= 2:
            linked = sum(len(a.get_text(" ", strip=True)) for a in links)
            limit = _MAX_LINK_DENSITY if box.name != "p" else _MAX_PARAGRAPH_LINK_DENSITY
            if linked / text > limit:
                box.decompose()


def _separators(name: str) -> tuple[str, str]:
    if name in _LINE_TAGS:
        return _LINE, _LINE
    if name in _BLOCK_TAGS:
        return _PARAGRAPH, _PARAGRAPH
    if name in ("td", "th"):
        return "", " "
    return "", ""


def _text_of(root: Tag) -> str:
    """Text with paragraph and line breaks where the HTML blocks are, without recursion.

    One walk with an explicit stack, emitting separators around block tags instead of
    inserting them into the tree: insertion is quadratic on deeply nested HTML.
    """
    pieces: list[str] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            # What get_text() keeps: text and CDATA, not comments, doctypes or script bodies.
            if type(node) in _TEXT_TYPES:
                pieces.append(node)
            continue
        if not isinstance(node, Tag):
            continue
        before, after = _separators(node.name)
        pieces.append(before)
        stack.append(after)
        stack.extend(reversed(node.contents))
    raw = "".join(pieces)
    flat = " ".join(raw.split())
    flat = re.sub(rf" ?{_PARAGRAPH}[ {_PARAGRAPH}{_LINE}]*", "\n\n", flat)
    flat = re.sub(rf" ?{_LINE}[ {_LINE}]*", "\n", flat)
    flat = flat.replace(_PARAGRAPH, "\n\n")
    return normalize_text(flat)
