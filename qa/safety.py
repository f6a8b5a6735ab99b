"""What every reply carries (the disclaimer) and what is refused before any retrieval."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.text import normalise, squash_spaces

DISCLAIMER = (
    "This is general information quoted from the cited sources, not medical advice. "
    "Talk to your doctor or care team about your own situation. "
    "In an emergency, call your local emergency number (911 in the US and Canada)."
)
TOO_LONG = (
    "Your question is too long ({n:,} characters). Please ask it in under {limit:,} characters."
)
REPHRASE = "I couldn't find a question in that. Please rephrase it in a few words, in English."
_LETTERS = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Checked:
    """A question made safe to process, or the reason it is refused."""

    question: str
    rejection: str = ""


def check_question(raw: str, max_chars: int) -> Checked:
    """Normalise (NFKC, no control, zero-width or bidi characters) and refuse unusable input."""
    if len(raw) > max_chars:
        # Checked before normalising, so a huge input costs no more than its length.
        return Checked("", TOO_LONG.format(n=len(raw), limit=max_chars))
    question = squash_spaces(normalise(raw).replace("\n", " "))
    if not _LETTERS.search(question):
        return Checked(question, REPHRASE)
    return Checked(question)
