"""Which subject of the collection a question is about (its profile's [[subject]] entries: for
the bundled documents, two cancers).

Treatment differs between subjects: "For resectable lung cancer, chemotherapy is usually
given for 4 cycles." does not answer "my mother's breast cancer has spread far away: how long do
they keep giving the chemo?", though the model relates the two closely. Sentences from a
document about another subject (catalog.toml's `subject`) are scored lower
(`Settings.other_site_penalty`), so that they are quoted only when nothing from a document about
the asked-about subject, or about none, comes close.

A question is about one subject when it names that subject (its `names` pattern: "breast
cancer", "cancer of the breast") and no word of another (their `words`): "it has spread to the
lung" in a breast cancer question does not make it a lung cancer question. A follow-up ("how
long do they give it?") is about the subject the conversation is about (`conversation_subject`),
read the way retrieval reads its topic (qa.answering.followup).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from qa.answering.followup import RECENT_QUESTIONS, is_followup, set_aside
from qa.profile import Subject


def question_subject(question: str, subjects: Sequence[Subject]) -> str | None:
    """The subject `question` names, when it names one and no word of another, leaving out what
    it sets aside ("my friend has lung cancer, not breast"); the first such subject in the
    profile's order."""
    question = set_aside(question)
    for subject in subjects:
        if _compiled(subject.names).search(question) and not any(
            _compiled(other.words).search(question) for other in subjects if other != subject
        ):
            return subject.id
    return None


def conversation_subject(
    question: str, subjects: Sequence[Subject], previous: Sequence[str] = ()
) -> str | None:
    """The subject `question` is about: the one it names, or for a follow-up the one named by
    the latest earlier question that names one, back to the question that set the topic.

    `previous` holds the earlier questions, oldest first.
    """
    subject = question_subject(question, subjects)
    if subject is not None or not is_followup(question):
        return subject
    for earlier in reversed(previous[-RECENT_QUESTIONS:]):
        subject = question_subject(earlier, subjects)
        if subject is not None or not is_followup(earlier):
            return subject
    return None


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)
