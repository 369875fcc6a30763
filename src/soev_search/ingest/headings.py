"""Paragraph breaks at headings in text that lost its layout.

A PDF's text or a captured transcript often comes as one run of text in which the headings
stand between sentences: "... blev det aftalt, at: 7. Socialøkonomisk politik Forligspartierne
ønsker ...". A numbered heading is a number after a sentence end, a capitalised word and at
most a few lower-case words; Danish capitalises only the first word and names, so the next
capital starts the text under the heading. The heading becomes its own paragraph.
"""

from __future__ import annotations

import re

_NUMBERED_HEADING = re.compile(
    r"(?<=[.!?:])\s+(\d{1,2}\.\s+[A-ZÆØÅ][\wæøå-]*(?:\s+[a-zæøå][\wæøå-]*,?){0,6})"
    r"\s+(?=[A-ZÆØÅ][\wæøå])")
# Abbreviations before a number are not sentence ends: "kl. 10. Derefter", "nr. 3. Det".
_ABBREVIATION = re.compile(r"(?:^|\s)(?:kl|nr|ca|jf|pkt|stk|bl\.a|f\.eks|s|p|no|vol)\.$",
                           re.IGNORECASE)


def break_at_numbered_headings(text: str) -> str:
    """Each numbered heading inside a paragraph becomes a paragraph of its own."""
    def split(match: re.Match[str]) -> str:
        if _ABBREVIATION.search(match.string[:match.start()]):
            return match.group(0)
        return f"\n\n{match.group(1)}\n\n"

    return _NUMBERED_HEADING.sub(split, text)
