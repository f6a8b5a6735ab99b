"""Which of the two cancers this product covers a question or a document is about.

Four bundled documents are about rectal cancer and one is about anal cancer. Treatment differs:
"For resectable rectal cancer, chemotherapy is usually given for 6 months." does not answer
"my mother's anal cancer has spread far away: how long do they keep giving the chemo?", though
the model relates the two closely. Sentences from a document about the other cancer are scored
lower (`Settings.other_site_penalty`), so that they are quoted only when nothing from a document
about the asked-about cancer, or about neither, comes close.

A question is about one site when it names that cancer ("anal cancer", "cancer of the rectum")
and no word of the other: "the tumour is close to the anus" in a rectal cancer question does not
make it an anal cancer question. A document is about one site when its title names only that
one ("Treatments for recurrent anal cancer", "Metastases to rectum – Treatment"); a title naming
neither or both (a user's own "Living with a stoma") leaves its sentences as they are.

A follow-up ("how long do they give it?") is about the cancer the conversation is about
(`conversation_site`), read the way retrieval reads its topic (qa.answering.followup).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from qa.answering.followup import RECENT_QUESTIONS, is_followup

Site = Literal["anal", "rectal"]

_ANAL_WORD = re.compile(r"\banal\b|\banus\b", re.IGNORECASE)
_RECTAL_WORD = re.compile(r"\brect(?:al|um)\b|\b(?:colorectal|colon|bowel)\b", re.IGNORECASE)
_CANCER = r"(?:cancers?|carcinomas?|tumou?rs?)"
_NAMES_ANAL = re.compile(rf"\banal {_CANCER}\b|\bcancer of the anus\b", re.IGNORECASE)
_NAMES_RECTAL = re.compile(
    rf"\b(?:rectal|rectum|colorectal|colon|bowel) {_CANCER}\b"
    r"|\bcancer of the (?:rectum|colon|bowel)\b",
    re.IGNORECASE,
)


def question_site(question: str) -> Site | None:
    """The cancer `question` names, when it names one and no word of the other."""
    if _NAMES_ANAL.search(question) and not _RECTAL_WORD.search(question):
        return "anal"
    if _NAMES_RECTAL.search(question) and not _ANAL_WORD.search(question):
        return "rectal"
    return None


def document_site(title: str) -> Site | None:
    """The cancer a document with `title` is about, when its title names only one."""
    anal, rectal = bool(_ANAL_WORD.search(title)), bool(_RECTAL_WORD.search(title))
    if anal == rectal:
        return None
    return "anal" if anal else "rectal"


def conversation_site(question: str, previous: Sequence[str] = ()) -> Site | None:
    """The cancer `question` is about: the one it names, or for a follow-up the one named by
    the latest earlier question that names one, back to the question that set the topic.

    `previous` holds the earlier questions, oldest first.
    """
    site = question_site(question)
    if site is not None or not is_followup(question):
        return site
    for earlier in reversed(previous[-RECENT_QUESTIONS:]):
        site = question_site(earlier)
        if site is not None or not is_followup(earlier):
            return site
    return None
