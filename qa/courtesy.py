"""Chat manners around a question: "hi, quick question. is chemo given first? thanks so much".

A greeting or thanks carries no medical meaning, yet it pulls a short question's vector away
from the passages that answer it, adds terms to BM25 ("quick", "question") and makes a question
look like two ("hi, quick question." then the question itself). Everything after the safety rules
reads the question without them; the user's words are kept for display, logs and safety.
"""

from __future__ import annotations

import re

_OPENING = re.compile(
    r"^\s*(?:(?:hi|hello|hey|good (?:morning|afternoon|evening))(?: there)?\b|(?:a |one )?"
    r"(?:quick|simple|short) question\b|sorry\b)\s*[,.:;!?-]*\s*",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"[\s,.;:!-]*\b(?:thanks|thank you|thx|cheers)(?: (?:so|very) much| a lot| in advance)?"
    r"[\s.!]*$",
    re.IGNORECASE,
)

# Acknowledgements that open a message in a conversation ("ok and …", "thanks. what about …"):
# what follows them is read as if they were not there (`drop_acknowledgement`).
# "Right", "great" and "sure" also open questions ("right side pain …"): only with a mark after.
_ACKNOWLEDGEMENT = re.compile(
    r"^(?:\s*(?:(?:ok(?:ay)?|alright|thanks|thank you|thx|cheers|i see|got it|understood)\b"
    r"[\s,.;:!-]*|(?:right|all right|great|sure)\s*[,.;:!-]+\s*))+",
    re.IGNORECASE,
)


def drop_acknowledgement(message: str) -> str:
    """`message` without the acknowledgements opening it ("ok thanks. and the dose?" -> "and
    the dose?"). Kept apart from drop_courtesies, which every question goes through: only the
    follow-up test (qa.answering.followup) reads past them, to see how a message continues."""
    return _ACKNOWLEDGEMENT.sub("", message)


def drop_courtesies(question: str) -> str:
    """The question without a leading greeting or "quick question" and trailing thanks; a
    message that is nothing but courtesies is left as it is."""
    text = question
    while (m := _OPENING.match(text)) and m.end():
        text = text[m.end() :]
    text = _CLOSING.sub("", text)
    return text if text.strip() else question
