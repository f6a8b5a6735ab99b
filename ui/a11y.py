"""What a screen reader hears, and the patient page's one script.

Gradio's chat log is a polite live region around the whole conversation, and Gradio re-renders
the messages it holds, so a screen reader could read the history again, buttons included, after
every reply (gradio issue 8615). The page script turns that region off and makes one visually
hidden element, `#qa-announce`, the page's only polite live region; each reply puts its plain
text there once, numbered so that the same reply twice is still read. Opening a source says so
in the same region (focus stays where the patient is: on the citation's summary or the list of
documents, as the disclosure and radio-group patterns expect; the opened text is next in the
tab order).
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.types import Answer, Citation, Status
from ui.render import kicker

ANNOUNCE_ID = "qa-announce"

PATIENT_JS = (
    "() => {"
    " const quiet = () => document.querySelectorAll('#qa-chat [aria-live]')"
    "   .forEach(e => e.setAttribute('aria-live', 'off'));"
    " const chat = document.getElementById('qa-chat');"
    " if (chat) { quiet(); new MutationObserver(quiet).observe(chat,"
    "   {subtree: true, childList: true}); }"
    f" const say = document.getElementById('{ANNOUNCE_ID}');"
    " if (say) { say.setAttribute('role', 'status'); say.setAttribute('aria-live', 'polite');"
    "   say.setAttribute('aria-atomic', 'true'); }"
    "}"
)


def spoken_reply(answer: Answer) -> str:
    """What a reply says, as plain text, with the sources an answer cites."""
    # An answer is read as its sentences (its text marks list items with "- ", read as "dash").
    quoted = " ".join(s.text for s in answer.sentences)
    parts = [kicker(answer), answer.caution or "", answer.notice, quoted or answer.text]
    if answer.status is Status.ANSWERED and answer.citations:
        parts.append(_sources(answer.citations))
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip()) + "."


def _sources(citations: Sequence[Citation]) -> str:
    titles = "; ".join(f"{c.n}, {c.title}" for c in citations)
    return f"Sources: {titles}. Select a source under the reply to read the passage."


def spoken_document(title: str) -> str:
    return f"Showing {title}. Its text follows the list of documents."
