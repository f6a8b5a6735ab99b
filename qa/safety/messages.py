"""What every reply carries (the disclaimer) and what is refused before any retrieval.

The escalation messages are the triage catalogue's (qa/safety/catalogue.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.profile import Profile
from qa.text import normalise, squash_spaces

DISCLAIMER = (
    "This is general information quoted from the cited sources, not medical advice. "
    "Talk to your doctor or care team about your own situation. "
    "In an emergency, call your local emergency number (911 in the US and Canada)."
)
def scope_message(profile: Profile) -> str:
    """The reply to small talk and to questions with no word of the documents."""
    scope = f"{profile.scope}, using the documents I was given"
    topics = f" — for example {profile.topics}" if profile.topics else ""
    return f"I can only answer questions about {scope}{topics}. Please ask me about one of those."
PERSONAL_NOTICE = (
    "Decisions about your own treatment and doses belong with your care team, who know your "
    "situation; I can't recommend what you personally should do. Here is general information "
    "from my sources:"
)
PERSONAL_NO_INFO = (
    "Decisions about your own treatment and doses belong with your care team, who know your "
    "situation; I can't recommend what you personally should do, and my sources have no general "
    "information on this. Please ask your doctor, nurse or pharmacist."
)
# Sentences that state an amount of a drug or radiation are never quoted to a dose question.
DOSE_SENTENCE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|g|gy|ml|mcg|units?)\b|\bdoses?\b", re.IGNORECASE
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
