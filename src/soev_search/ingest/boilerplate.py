"""Rule-based boilerplate removal on the lines of captured text (after any format conversion).

Rules, not sentences: a page template is recognised by its kind of line (skip link, comment
form, share buttons, cookie notice, "Back to top"), link lists by their heading ("Se også",
"Links", "Relaterede artikler") followed by title-like items, a blog page's comment section by
its counter or form heading (everything from there on is other people's text), and a
document-sharing page by its "Relaterede dokumenter" list ending at "Transkript:".
"""

from __future__ import annotations

import re

# Whole lines that are page furniture on any site (compared case-insensitively).
_FURNITURE = re.compile(
    r"""^(?:
      (?:skip|jump|spring|gå)\s+(?:to|til)\s+(?:the\s+)?(?:main\s+)?(?:content|indhold(?:et)?|
        hovedindhold(?:et)?|navigation|menu)
    | (?:back\s+to\s+top|to\s+top|til\s+toppen|tilbage\s+til\s+toppen|op\s+til\s+toppen|top)\s*[↑^]?
    | (?:del|share|print|udskriv|tweet|facebook|twitter|linkedin|e-?mail|x|instagram|
        youtube|pinterest|messenger|whatsapp|kopiér\s+link|copy\s+link|send\s+til\s+en\s+ven)
    | (?:del|share)\s+(?:på|on|via|this|denne|dette|artiklen|siden|side|nyheden|indlægget)
        (?:\s+\w+){0,3}\s*:?
    | (?:forrige|næste|previous|next)
    | (?:forrige|næste|previous|next)\s+(?:indlæg|artikel|nyhed|post|article)\s*:?.{0,120}
    | (?:læs|read)\s+(?:mere|more)\s*(?:»|>|›|→)?
    | (?:tags?|emner|emneord|nøgleord|keywords|kategori(?:er)?|categor(?:y|ies)|posted\s+in|
        filed\s+under|tagged(?:\s+with)?|udgivet\s+i|arkiveret\s+under)\s*:.{0,150}
    | (?:skrevet|udgivet|posted|written)\s+(?:af|by)\s+[\w.\- ]{2,60}
    | (?:forfatter|skribent|author)\s*:\s*[\w.\- ]{2,60}
    | (?:læs|lyt|hør)\s+(?:op|højt|artiklen\s+op)|listen(?:\s+to\s+(?:this|the)\s+article)?
    | (?:tilmeld|abonnér|abonner)\s+(?:dig\s+)?(?:på\s+)?(?:vores\s+|vort\s+)?nyhedsbrev\w*.{0,80}
    | (?:sign\s+up|subscribe)\s+(?:for|to)\s+(?:our\s+)?newsletter.{0,80}
    | (?:publiceret|offentliggjort|opdateret|oprettet|published|updated|posted)(?:\s+(?:den|on))?
        \s*:?\s*\d{1,4}[./ -].{0,40}
    | (?:du\s+er\s+her\s*:?\s*)?(?:forside|home|hjem)\s*[>›»/|]\s.{0,150}
    | (?:din|your)\s+e-?mail-?(?:adresse|address)?\s+(?:vil|will)\s+(?:ikke|not)\s.{0,160}
    | (?:krævede|påkrævede|obligatoriske|required)\s+(?:felter|fields)\s.{0,80}
    | gem\s+mit\s+navn.{0,120}|save\s+my\s+name.{0,120}
    | (?:navn|name|e-?mail|websted|website|hjemmeside|kommentar|comment)\s*\*
    | (?:send|post|indsend|submit)\s+(?:kommentar|comment)
    | (?:annuller|cancel)\s+(?:svar|reply)
    | (?:sidst|senest)\s+(?:opdateret|redigeret|ændret)\s*:?.{0,60}
    | last\s+(?:updated|modified)\s*:?.{0,60}
    | [«‹<]?\s*(?:tilbage|back)(?:\s+til\s+[\w ]{1,40})?(?:\s+(?:udskriv|print))?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Lines where a comment section starts: everything after them is comments and the comment form.
_COMMENTS_START = re.compile(
    r"""^(?:
      this\s+(?:post|entry|article)\s+has\s+\d+\s+comments?
    | \d+\s+(?:comments?|kommentarer|kommentar|svar|thoughts?)(?:\s+(?:til|on|to)\b.{0,150})?
    | (?:one|én)\s+(?:comment|kommentar|thought\s+on\b.{0,150})
    | (?:ingen|no)\s+(?:kommentarer|comments)(?:\s+(?:endnu|yet))?
    | (?:skriv|efterlad|tilføj)\s+(?:et\s+svar|en\s+kommentar|kommentar)
    | (?:leave|post|add)\s+a\s+(?:reply|comment)
    | (?:comments\s+are|kommentarer\s+er)\s+(?:closed|lukket)
    )\s*[.:!]?$""",
    re.IGNORECASE | re.VERBOSE,
)
# A feedback widget's question ("Var siden nyttig?"), with its answer buttons on the same line
# or on the next few short lines ("Ja", "Nej"), and its thank-you line.
_FEEDBACK = re.compile(
    r"""^(?:
      (?:var|er)\s+(?:denne\s+side|siden|artiklen|indholdet|informationen|svaret|dette|
        det\s+her)(?:\s+\w+){0,2}\s+(?:nyttig|nyttigt|brugbar|brugbart|hjælpsom|relevant)\w*
    | (?:was|is)\s+(?:this|the)\s+(?:page|article|information|content|answer|post)?\s*
        (?:helpful|useful)
    | did\s+you\s+find\s+(?:this|what\s+you\s+were\s+looking\s+for)(?:\s+\w+){0,3}
    | fandt\s+du\s+(?:det|hvad)\s+du\s+(?:søgte|ledte\s+efter)(?:\s+\w+){0,3}
    | kunne\s+du\s+bruge\s+(?:siden|informationen|svaret|indholdet)(?:\s+\w+){0,2}
    | hvordan\s+kan\s+vi\s+(?:forbedre|gøre)\s+(?:siden|indholdet)(?:\s+\w+){0,3}
    | how\s+can\s+we\s+improve\s+(?:this\s+page|it)
    | (?:giv|send)\s+(?:os\s+)?(?:din\s+)?feedback(?:\s+\w+){0,4}
    | hvad\s+synes\s+du\s+om\s+(?:siden|indholdet|artiklen|denne\s+side)
    | fik\s+du\s+(?:svar|hjælp|besvaret|det\s+du\s+søgte)(?:\s+\w+){0,4}
    | (?:kan|hjælp\s+os\s+med\s+at)\s+(?:vi\s+)?(?:gøre|forbedre)\s+(?:siden|hjemmesiden|
        indholdet)(?:\s+\w+){0,2}
    | (?:bedøm|vurdér|vurder)\s+(?:siden|artiklen|indholdet)
    | (?:did\s+this\s+(?:page|article)\s+help(?:\s+you)?|rate\s+this\s+(?:page|article))
    | (?:tak|thank\s+you|thanks)\s+for\s+(?:din|your)\s+(?:feedback|tilbagemelding|besvarelse)
        (?:\W+\w+){0,8}
    )\s*[?.!:]?(?:\s+(?:ja|nej|yes|no))*\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_FEEDBACK_ANSWER = re.compile(
    r"^(?:ja|nej|yes|no|måske|maybe)(?:\s*[/|]?\s*(?:ja|nej|yes|no))*\s*[.!]?$", re.IGNORECASE)
# Share and print toolbars written on one line: "Del siden: Facebook LinkedIn Mail Udskriv".
_TOOLBAR_WORDS = frozenset((
    "del", "share", "deling", "print", "udskriv", "tweet", "facebook", "twitter",
    "linkedin", "mail", "e-mail", "email", "x", "instagram", "messenger", "whatsapp",
    "pinterest", "reddit", "xing", "telegram", "sms", "kopiér", "kopier", "copy", "link",
    "linket", "send", "til", "en", "ven", "på", "via", "siden", "side", "artiklen", "this",
    "page", "article", "on", "med", "denne", "dette", "gem", "save", "pdf"))
_TOOLBAR_TOKEN = re.compile(r"[\w-]+")
_TOOLBAR_ACTIONS = frozenset((
    "del", "share", "print", "udskriv", "tweet", "facebook", "twitter", "linkedin", "mail",
    "e-mail", "email", "instagram", "messenger", "whatsapp", "pinterest", "reddit", "xing",
    "telegram"))
# The heading of an author box, which holds a short biography (trailing furniture).
_AUTHOR_BOX = re.compile(r"^(?:om\s+(?:forfatteren|skribenten|skribenterne|forfatterne)|"
                         r"about\s+the\s+authors?)\s*:?$", re.IGNORECASE)
_AUTHOR_BIO_MAX_WORDS = 80
# A site's address footer: postcode and town, and a phone number, CVR or e-mail, in one
# short line with separators ("Frivilligcenter · Nørregade 4 · 7500 Holstebro · tlf. 97 42 00 00").
_ADDRESS = re.compile(r"\b\d{4}\s+[A-ZÆØÅ][\wæøå]+")
_CONTACT = re.compile(r"\b(?:tlf|telefon|phone|tel|cvr|ean)\b|@", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s[·|•]\s")
_ADDRESS_MAX_CHARS = 250
_COOKIE_WORDS = re.compile(r"cookie", re.IGNORECASE)
_COOKIE_ACTION = re.compile(
    r"acceptér|accepter|accept|afvis|indstillinger|settings|privatlivs|privacy|"
    r"vi bruger|we use|bruger cookies|uses cookies|ok\b|forstået", re.IGNORECASE)
_COOKIE_MAX_CHARS = 400

# Headings of link lists: the heading and the title-like lines after it are navigation.
_LINK_LIST_HEADING = re.compile(
    r"""^(?:
      se\s+også | læs\s+også | læs\s+mere | mere\s+om\s+emnet | du\s+kan\s+også\s+læse
    | relaterede?(?:\s+(?:artikler|indlæg|nyheder|sider|links|emner|dokumenter))?
    | (?:relevante\s+)?links?
    | related(?:\s+(?:posts|articles|stories|content|links))? | see\s+also
    | you\s+may\s+also\s+like | read\s+(?:also|more) | andre\s+(?:læste\s+også|artikler)
    | seneste\s+(?:nyheder|indlæg|artikler) | populære\s+(?:indlæg|artikler)
    )\s*:?$""",
    re.IGNORECASE | re.VERBOSE,
)
# A single-line paragraph that only points elsewhere: "Se også SED's overblik ... her".
_POINTER_LINE = re.compile(r"^(?:se\s+også|læs\s+også|læs\s+mere|see\s+also|read\s+more)\b",
                           re.IGNORECASE)
_POINTER_MAX_WORDS = 30
_ITEM_MAX_WORDS = 25

_RELATED_DOCUMENTS = re.compile(
    r"^(?:relaterede|lignende|andre)\s+dokumenter\s*:?$|^related\s+documents\s*:?$",
    re.IGNORECASE)
_TRANSCRIPT = re.compile(r"^(?:transkript|transcript|transskription)\s*:\s*", re.IGNORECASE)
_SKIP_LINK = re.compile(r"^(?:skip|jump|spring|gå)\s+(?:to|til)\s", re.IGNORECASE)


def detect_capture(lines: list[str]) -> str | None:
    """Which page template the text was captured from: "blog", "document-site" or None."""
    if _document_site_span(lines) is not None:
        return "document-site"
    content = [line for line in lines if line.strip()]
    if not content:
        return None
    head, tail = content[:3], content[-12:]
    if any(_SKIP_LINK.match(line) for line in head) or any(
            _COMMENTS_START.match(line) for line in tail):
        return "blog"
    return None


def remove_boilerplate(lines: list[str]) -> list[str]:
    """All rules, in order: document-site wrapper, comment section, link lists, feedback
    widgets and author boxes, furniture lines."""
    lines = _unwrap_document_site(lines)
    lines = _cut_comment_section(lines)
    lines = _drop_link_lists(lines)
    lines = _drop_feedback_and_author_boxes(lines)
    return [line for line in lines if not _is_furniture(line)]


def _document_site_span(lines: list[str]) -> tuple[int, int] | None:
    """(index of "Relaterede dokumenter", index of "Transkript:") when both are present."""
    related = next((i for i, line in enumerate(lines) if _RELATED_DOCUMENTS.match(line)), None)
    if related is None:
        return None
    transcript = next(
        (i for i in range(related + 1, len(lines)) if _TRANSCRIPT.match(lines[i])), None)
    return None if transcript is None else (related, transcript)


def document_site_title(lines: list[str]) -> str | None:
    """The page title of a document-sharing capture: the text before "Relaterede dokumenter"."""
    span = _document_site_span(lines)
    if span is None:
        return None
    title = " ".join(" ".join(lines[:span[0]]).split())
    return title or None


def _unwrap_document_site(lines: list[str]) -> list[str]:
    """Keep the page title and the transcript; drop the list of other documents between them.

    The transcript usually repeats the title as its first words; then the title line goes too.
    """
    span = _document_site_span(lines)
    if span is None:
        return lines
    related, transcript = span
    before = [line for line in lines[:related] if line.strip()]
    first = _TRANSCRIPT.sub("", lines[transcript])
    after = ([first] if first.strip() else []) + lines[transcript + 1:]
    opening = " ".join(next((line for line in after if line.strip()), "").split())
    title = " ".join(" ".join(before).split())
    if title and opening.startswith(title):
        before = []
    return before + [""] + after


def _cut_comment_section(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if index > 0 and _COMMENTS_START.match(line.strip()):
            return lines[:index]
    return lines


def _drop_link_lists(lines: list[str]) -> list[str]:
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if _LINK_LIST_HEADING.match(line):
            end = _list_end(lines, index + 1)
            if end > index + 1:
                index = end
                continue
        if _is_pointer_paragraph(lines, index):
            index += 1
            continue
        kept.append(lines[index])
        index += 1
    return kept


def _list_end(lines: list[str], start: int) -> int:
    """Index after the title-like items following a list heading (blank lines may separate)."""
    end = start
    index = start
    while index < len(lines):
        line = lines[index].strip()
        if line and not _looks_like_item(line):
            break
        index += 1
        if line:
            end = index
    return end


def _looks_like_item(line: str) -> bool:
    """A link title: short and not a sentence (no full stop, question or colon at the end)."""
    if len(line.split()) > _ITEM_MAX_WORDS:
        return False
    return line.endswith("…") or not re.search(r"[.!?:;]$", line)


def _is_pointer_paragraph(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    if not _POINTER_LINE.match(line) or len(line.split()) > _POINTER_MAX_WORDS:
        return False
    alone_before = index == 0 or not lines[index - 1].strip()
    alone_after = index + 1 == len(lines) or not lines[index + 1].strip()
    return alone_before and alone_after


def _drop_feedback_and_author_boxes(lines: list[str]) -> list[str]:
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = _unbulleted(lines[index])
        if _FEEDBACK.match(line):
            index = _skip(lines, index + 1, lambda text: bool(_FEEDBACK_ANSWER.match(text)))
            continue
        if _AUTHOR_BOX.match(line):
            index = _skip(lines, index + 1, _is_short_bio, limit=1)
            continue
        kept.append(lines[index])
        index += 1
    return kept


def _is_short_bio(text: str) -> bool:
    return len(text.split()) <= _AUTHOR_BIO_MAX_WORDS


def _skip(lines: list[str], start: int, belongs, limit: int = 4) -> int:
    """Index after the up to `limit` non-blank lines from `start` that `belongs` to a box."""
    index, taken = start, 0
    while index < len(lines) and taken < limit:
        text = _unbulleted(lines[index])
        if text and not belongs(text):
            break
        taken += bool(text)
        index += 1
    return index


def _unbulleted(line: str) -> str:
    return re.sub(r"^[-•*]\s+", "", line.strip())


def _is_toolbar(line: str) -> bool:
    """Only toolbar words, at least two of them actions; decided at the first other word
    (a line of prose is passed over after its first word, not after all of them)."""
    words = actions = 0
    for match in _TOOLBAR_TOKEN.finditer(line.casefold()):
        word = match.group()
        if word not in _TOOLBAR_WORDS:
            return False
        words += 1
        actions += word in _TOOLBAR_ACTIONS
    return words >= 2 and actions >= 2


def _is_address_footer(line: str) -> bool:
    return (len(line) <= _ADDRESS_MAX_CHARS and len(_SEPARATORS.findall(line)) >= 2
            and bool(_ADDRESS.search(line)) and bool(_CONTACT.search(line)))


def _is_furniture(line: str) -> bool:
    stripped = _unbulleted(line)
    if not stripped:
        return False
    if _FURNITURE.match(stripped) or _is_toolbar(stripped) or _is_address_footer(stripped):
        return True
    return (len(stripped) <= _COOKIE_MAX_CHARS and bool(_COOKIE_WORDS.search(stripped))
            and bool(_COOKIE_ACTION.search(stripped)))
