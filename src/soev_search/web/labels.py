"""Danish labels for the values the library uses in English or as codes."""

from __future__ import annotations

from soev_search.filters import FILTERS

FACET_LABELS = {f.name: f.label for f in FILTERS}

DOCTYPE_LABELS = {
    "artikel": "Artikel",
    "notat": "Notat",
    "strategi": "Strategi",
    "politik": "Politik",
    "handleplan": "Handleplan",
    "referat": "Referat",
    "kvalitetsstandard": "Kvalitetsstandard",
    "andet": "Andet",
}

LANGUAGE_LABELS = {
    "da": "Dansk",
    "en": "Engelsk",
    "sv": "Svensk",
    "no": "Norsk",
    "nb": "Norsk",
    "de": "Tysk",
    "fr": "Fransk",
}

SORT_LABELS = {"relevance": "Relevans", "date": "Dato (nyeste først)"}

FIGURE_LABELS = {
    "social_enterprises": "Socialøkonomiske virksomheder",
    "registered": "Registrerede (RSV)",
    "staff_ordinary": "Ordinært ansatte",
    "staff_flex": "Fleksjob og skånejob",
    "staff_placements": "Praktik og forløb",
    "staff_volunteers": "Frivillige",
}

SOURCE_LABELS = {
    "text": "Tekstfil",
    "html": "Webside",
    "pdf": "PDF",
    "blog": "Tekst fra blogindlæg",
    "document-site": "Tekst fra dokumentdelingsside",
}

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december")


def facet_value_label(facet: str, value: object) -> str:
    """How a facet value reads in the UI: doctype and language codes become Danish words."""
    text = str(value)
    if facet == "doctype":
        return DOCTYPE_LABELS.get(text, text)
    if facet == "language":
        return LANGUAGE_LABELS.get(text, text)
    if facet == "source":
        return SOURCE_LABELS.get(text, text)
    return text


def danish_date(date: str | None) -> str:
    """An ISO date as precise as it is: "2018" → "2018", "2018-09" → "september 2018"."""
    if not date:
        return ""
    parts = date.split("-")
    try:
        if len(parts) == 1:
            return parts[0]
        month = MONTHS[int(parts[1]) - 1]
        if len(parts) == 2:
            return f"{month} {parts[0]}"
        return f"{int(parts[2])}. {month} {parts[0]}"
    except (ValueError, IndexError):
        return date
