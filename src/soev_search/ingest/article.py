"""A web page's main text: trafilatura's extraction, with our rules around it.

trafilatura (Barbaresi 2021) does the hard part, finding the article on any site; measured on
949 real pages it beat our own structural rules by far (README). Around it:

- before: small furniture boxes that sit inside the article (share and print toolbars,
  feedback widgets, tag lines, author boxes, "read also" teasers) are dropped by their
  class/id words, because trafilatura keeps what sits inside <article>/<main>; so are side
  columns and contact boxes next to the article (class/id words, role="complementary") of any
  size, unless they hold the headline or most of the page's text (a "has-sidebar" wrapper);
- after: trafilatura is asked to keep links, so that teasers can be told by their shape, in any
  language: a paragraph that is a short prefix and one link ("Læs også: [title](url)", "Lea
  también: ..."), and a run of link-only paragraphs ending the text (a "related" list) with
  the heading before it. Then the link markup is dropped, one paragraph per block.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

# A furniture box inside the article is small; a larger element with such a class is a wrapper.
MAX_FURNITURE_CHARS = 400
_FURNITURE_CLASS = re.compile(
    r"(?:^|[-_\s])(?:share|sharing|sharer|social-share|addthis|shariff|sharedaddy|print|"
    r"feedback|helpful|page-rating|newsletter|related|relaterede|author-box|authorbox|"
    r"author-bio|about-author|tags|taglist|tag-list|post-tags|entry-tags|categories|cat-links|"
    r"tags-links|read-also|also-read|laes-ogsaa|laes-ogsa|see-also|se-ogsaa|se-ogsa)"
    r"(?:$|[-_\s])", re.IGNORECASE)
# Side columns and contact boxes: words that start a class/id word ("asideContent", "kontaktboks").
_SIDE_CLASS = re.compile(
    r"(?:^|[-_\s])(?:aside|sidebar|side-bar|sidecol|side-col|sidecolumn|side-column|sidebox|"
    r"side-box|sidespalte|hoejrespalte|højrespalte|widget-area|complementary|contact|kontakt)",
    re.IGNORECASE)
_CONTENT_TAGS = ("html", "body", "article", "main")
# A data table's cell holds a value or a phrase; more prose than this means page layout.
MAX_CELL_CHARS = 300
# [text](url) and [text](<url>), as trafilatura writes links; URLs may hold one level of (...).
_LINK = re.compile(r"\[([^\[\]]*)\]\((?:<[^<>]*>|(?:[^()\s]|\([^()\s]*\))*)\)")
# A short prefix, a separator and one link, nothing else: "Læs også: [...](...)".
_TEASER = re.compile(
    r"^[-•*>\s]*(?:[^\s\[\]|]+\s+){0,3}[^\s\[\]|]+\s*[:»>|]+\s*[«\"“]?"
    + _LINK.pattern + r"\s*[«\"”]?\s*$")
_BULLET = re.compile(r"^[-•*]\s+")
_MIN_LINK_SHARE = 0.8
_MAX_HEADING_CHARS = 60
_MIN_TRAILING_LINKS = 2


def article_text(tree: HtmlElement) -> str:
    """The page's main text as paragraphs separated by blank lines; "" when none is found."""
    import trafilatura  # imported when a page is read (see html.py)

    # Without <article>, <main> or <h1> (old table layouts) trafilatura's default drops a
    # headline set in bold; its recall mode keeps it. On the dev set this costs 0.0005 F1.
    legacy = not _has_semantic_markup(tree)
    _drop_small_furniture(tree)
    _drop_side_columns(tree)
    _unwrap_layout_tables(tree)
    try:
        text = trafilatura.extract(tree, include_comments=False, include_tables=True,
                                   include_links=True, favor_recall=legacy)
    except (RecursionError, ValueError, TypeError, AttributeError):
        return ""
    return _paragraphs(_without_teasers((text or "").split("\n")))


def _has_semantic_markup(tree: HtmlElement) -> bool:
    return any(True for _ in tree.iter("article", "main", "h1")) or bool(
        tree.xpath("//*[@role='main']"))


def _drop_small_furniture(tree: HtmlElement) -> None:
    boxes = [element for element in tree.iter()
             if isinstance(element.tag, str) and element.tag not in ("html", "body")
             and _FURNITURE_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}")]
    for box in boxes:
        if box.getparent() is not None and _chars(box) <= MAX_FURNITURE_CHARS:
            box.drop_tree()  # keeps the text after the box (its tail)


def _drop_side_columns(tree: HtmlElement) -> None:
    page_chars, page_prose = _chars(tree), _prose_chars(tree)
    columns = [element for element in tree.iter()
               if isinstance(element.tag, str) and element.tag not in _CONTENT_TAGS
               and element.get("role") != "main"
               and (element.get("role") == "complementary" or _SIDE_CLASS.search(
                   f"{element.get('class', '')} {element.get('id', '')}"))]
    for column in columns:
        if column.getparent() is None or _holds_the_article(column, page_chars, page_prose):
            continue
        column.drop_tree()


def _holds_the_article(element: HtmlElement, page_chars: int, page_prose: int) -> bool:
    """A wrapper named after its side column ("sidebar-and-content", "has-sidebar")."""
    return bool(element.xpath(".//h1|.//article|.//main|.//*[@role='main']")) \
        or _chars(element) > page_chars / 2 or _prose_chars(element) > page_prose / 2


def _prose_chars(element: HtmlElement) -> int:
    return sum(_chars(paragraph) for paragraph in element.iter("p"))


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Tables that lay out a page (paragraphs, blocks or long prose in their cells) become
    plain blocks, so that the article in one cell is told apart from the menu in the next."""
    for table in list(tree.iter("table")):
        if not _is_layout_table(table):
            continue
        for element in table.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
            element.tag = "div"


def _is_layout_table(table: HtmlElement) -> bool:
    if table.find(".//p") is not None or table.find(".//div") is not None \
            or table.find(".//table") is not None:
        return True
    return any(_chars(cell) > MAX_CELL_CHARS for cell in table.iter("td", "th"))


def _chars(element: HtmlElement) -> int:
    return len(" ".join(element.text_content().split()))


def _visible(line: str) -> str:
    return _LINK.sub(lambda match: match.group(1), line)


def _is_link_only(line: str) -> bool:
    """A paragraph that is (almost) all link text: an item of a list of links, not a table row."""
    if "|" in line:
        return False
    letters = len(re.sub(r"\W", "", _visible(line)))
    linked = sum(len(re.sub(r"\W", "", m.group(1))) for m in _LINK.finditer(line))
    return letters > 0 and linked / letters >= _MIN_LINK_SHARE


def _without_teasers(lines: list[str]) -> list[str]:
    kept = [line for line in lines if not _TEASER.match(line.strip())]
    end = len(kept)
    while end > 0 and (not kept[end - 1].strip() or _is_link_only(kept[end - 1])):
        end -= 1
    if sum(1 for line in kept[end:] if line.strip()) >= _MIN_TRAILING_LINKS:
        heading = _visible(kept[end - 1]).strip() if end else ""
        if heading and len(heading) <= _MAX_HEADING_CHARS and not re.search(r"[.!?]$", heading):
            end -= 1
        kept = kept[:end]
    return [_visible(line) for line in kept]


def _paragraphs(lines: list[str]) -> str:
    """One paragraph per line, as trafilatura writes them; list items stay together as lines
    of one block, and so do table rows (cells apart by spaces)."""
    blocks: list[list[str]] = []
    previous_kind = ""
    for line in (line.strip() for line in lines):
        if not line:
            previous_kind = ""
            continue
        kind = "item" if _BULLET.match(line) else "row" if line.startswith("|") else "text"
        line = _cells(line) if kind == "row" else line
        if not line:
            continue
        if kind != "text" and kind == previous_kind:
            blocks[-1].append(line)
        else:
            blocks.append([line])
        previous_kind = kind
    return "\n\n".join("\n".join(block) for block in blocks)


def _cells(row: str) -> str:
    """"| År | Antal |" → "År Antal"; a row of only rules ("|---|---|") → ""."""
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    return " ".join(cell for cell in cells if cell and not re.fullmatch(r"[-:\s]+", cell))
