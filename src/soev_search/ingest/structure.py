"""Questionnaire sections and the contact person of a cleaned text.

A question is a line ending in "?" (a trailing "(... ?)" aside included) that opens a block;
its answer is the text up to the next question. Only texts with several such questions are
questionnaires: one rhetorical question in an article does not make sections.
"""

from __future__ import annotations

import re

from soev_search.document import Contact, Section

MIN_QUESTIONS = 3
MAX_QUESTION_CHARS = 300
_QUESTION = re.compile(r"\?\s*(?:\([^()]*\?\s*\))?\s*$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\d+])(?:\+\s?45\s?)?(?:\d{2}\s?){3}\d{2}(?!\d)")
_PHONE_LABEL = re.compile(r"\b(?:tlf|telefon|phone|mobil|mob|tel)\b\.?\s*:?\s*", re.IGNORECASE)
_NAME = re.compile(r"\b([A-ZÆØÅ][a-zæøåéü]+(?:[ -][A-ZÆØÅ][a-zæøåéü]+){1,3})\b")
_NOT_NAME_WORDS = {"For", "Email", "E-mail", "Mail", "Tlf", "Telefon", "Kommune", "Kommunes",
                   "Alle", "Vi", "Der", "Du", "Kontakt", "Kontakte", "Se", "Læs", "Har", "Det"}
_CONTACT_WINDOW = 160


def is_question(line: str) -> bool:
    line = line.strip()
    return 0 < len(line) <= MAX_QUESTION_CHARS and bool(_QUESTION.search(line))


def extract_sections(text: str) -> list[Section]:
    """Question/answer pairs, when the text is a questionnaire; else an empty list."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines)
              if is_question(line) and (i == 0 or not lines[i - 1].strip())]
    if len(starts) < MIN_QUESTIONS:
        return []
    sections = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        answer = "\n".join(lines[start + 1:end]).strip()
        answer = re.sub(r"\n{3,}", "\n\n", answer)
        sections.append(Section(question=lines[start].strip(), answer=answer))
    return sections


def emails(text: str) -> list[str]:
    if "@" not in text:  # the pattern tries every word before failing at "@"
        return []
    return [match.group(0).rstrip(".") for match in _EMAIL.finditer(text)]


def extract_contact(text: str) -> Contact | None:
    """Name, e-mail and phone of the person to contact, read around the first e-mail/phone."""
    email = _EMAIL.search(text) if "@" in text else None
    phone = _labelled_phone(text)
    anchor = min((m.start() for m in (email, phone) if m), default=None)
    if anchor is None:
        return None
    around = text[max(0, anchor - _CONTACT_WINDOW):anchor + _CONTACT_WINDOW]
    if phone is None:
        phone = _labelled_phone(around)
    return Contact(
        name=_name_before(text[max(0, anchor - _CONTACT_WINDOW):anchor]),
        email=email.group(0).rstrip(".") if email else None,
        phone=_format_phone(phone.group(0)) if phone else None,
    )


def _labelled_phone(text: str) -> re.Match[str] | None:
    for label in _PHONE_LABEL.finditer(text):
        phone = _PHONE.match(text, label.end()) or _PHONE.search(text, label.end(),
                                                                 label.end() + 12)
        if phone:
            return phone
    return None


def _format_phone(raw: str) -> str:
    """Danish style: "+45 29 26 92 91", "41 91 14 84"."""
    digits = re.sub(r"\D", "", raw)
    prefix = ""
    if raw.lstrip().startswith("+") and digits.startswith("45") and len(digits) == 10:
        prefix, digits = "+45 ", digits[2:]
    return prefix + " ".join(digits[i:i + 2] for i in range(0, len(digits), 2))


def _name_before(text: str) -> str | None:
    """The last capitalised 2-4 word name before the e-mail/phone (this text's last line)."""
    line = text.rsplit("\n", 1)[-1]
    names = [m.group(1) for m in _NAME.finditer(line)
             if not set(m.group(1).replace("-", " ").split()) & _NOT_NAME_WORDS]
    return names[-1] if names else None
