"""Answers and documents -> HTML for the chat and the sources view (pure functions).

Every piece of text from a user, a source document or the log goes through `esc`: nothing is
ever rendered as markup that came from outside this module. Gradio's sanitizer (kept on) is a
second fence, not the first. Line breaks become <br> so the HTML never contains a blank line,
which would end the HTML block and let the chat's Markdown renderer read what follows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qa.document_age import age_note
from qa.glossary import Glossary
from qa.ingest.sources import CLEANING_WARN_SHARE
from qa.types import Answer, AnswerSentence, Citation, Document, Hit, Status
from ui.glossary_render import TermMarker
from ui.render_text import esc

PROFESSIONALS_LABEL = "written for healthcare professionals"
# Characters of context either side of a quote when its passage is not among the answer's hits.
_CONTEXT_CHARS = 300

_KICKERS = {
    Status.ABSTAINED: "Not in my sources",
    Status.REJECTED: "Please rephrase",
    Status.ESCALATED: "Urgent — please act now",
}
# Escalation levels: emergency and crisis replies are red, urgent ones (the cancer team's
# 24-hour line) amber.
_LEVEL_KICKERS = {
    "emergency": "Emergency — call for help now",
    "crisis": "Please reach out now",
    "urgent": "Call your cancer team now",
}

ERROR_MESSAGE = (
    "Sorry, something went wrong while answering. Please try again in a moment, or ask your "
    "care team."
)


def table_html(label: str, headers: Sequence[str], rows: str, table_id: str = "") -> str:
    """A table in a box that scrolls sideways on a narrow screen. The box is a labelled region
    that takes keyboard focus, so a keyboard user can scroll it too (WCAG 2.1.1)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return (
        f'<div class="qa-table-wrap" role="region" aria-label="{esc(label)}" tabindex="0">'
        f'<table class="qa-table"{ident}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>'
        "</table></div>"
    )


def user_html(question: str) -> str:
    return f'<div class="qa-user">{esc(question)}</div>'


def disclaimer_html(disclaimer: str) -> str:
    return f'<p class="qa-disclaimer">{esc(disclaimer)}</p>'


def error_html(disclaimer: str) -> str:
    return (
        f'<div class="qa-reply qa-error"><p class="qa-kicker">Something went wrong</p>'
        f"<p>{esc(ERROR_MESSAGE)}</p>{disclaimer_html(disclaimer)}</div>"
    )


def kicker(answer: Answer) -> str:
    """The line that says what kind of reply this is ("Not in my sources"); "" for an answer."""
    if answer.status is Status.ESCALATED:
        return _LEVEL_KICKERS.get(answer.escalation or "emergency", _KICKERS[answer.status])
    return _KICKERS.get(answer.status, "") if answer.status is not Status.ANSWERED else ""


def answer_html(
    answer: Answer,
    documents: Mapping[str, Document] | None = None,
    glossary: Glossary | None = None,
) -> str:
    """One chat reply: the quoted sentences with [n] markers and the sources under them, or a
    styled abstention, rejection or escalation; always the disclaimer at the end. With a
    `glossary`, hard words in the sentences open their definitions (ui/glossary_render.py)."""
    status = answer.status
    if status is Status.ESCALATED:
        level = answer.escalation or "emergency"
        return (
            # Not role="alert": the page's one live region reads it (ui/a11y.py); an alert
            # inside the conversation could be read again whenever Gradio redraws it.
            f'<div class="qa-reply qa-escalated qa-level-{esc(level)}">'
            f'<p class="qa-kicker">⚠️ {esc(kicker(answer))}</p>'
            f"<p><strong>{esc(answer.text)}</strong></p>"
            f"{disclaimer_html(answer.disclaimer)}</div>"
        )
    caution = caution_html(answer) + read_as_html(answer)
    if status is not Status.ANSWERED or not answer.sentences:
        return (
            f'<div class="qa-reply qa-{status.value}">{caution}'
            f'<p class="qa-kicker">{esc(kicker(answer) or "Answer")}</p>'
            f"<p>{esc(answer.text)}</p>"
            f"{disclaimer_html(answer.disclaimer)}</div>"
        )
    lead = _lead(answer)
    sentences = quoted_html(answer.sentences, TermMarker(glossary, answer.citations))
    sources = "".join(citation_html(c, answer.hits, documents) for c in answer.citations)
    return (
        '<div class="qa-reply qa-answered">'
        + caution
        + (f'<p class="qa-notice">{esc(lead)}</p>' if lead else "")
        + f'<div class="qa-text">{sentences}</div>'
        + f'<div class="qa-sources"><p class="qa-sources-title">Sources (select to read the '
        f"passage)</p>{sources}</div>" + f"{disclaimer_html(answer.disclaimer)}</div>"
    )


def quoted_html(sentences: Sequence[AnswerSentence], terms: TermMarker) -> str:
    """The quoted passages, one block each, list items as a list and a [n] after each run
    of sentences; when a passage also quotes context (a list's lead-in, the sentence a "These
    …" sentence refers to), the sentences that carry the answer are in <mark>."""
    context = any(not s.marked for s in sentences)
    out: list[str] = []
    in_list = False
    for i, s in enumerate(sentences):
        last = i + 1 == len(sentences)
        if i == 0 or s.passage != sentences[i - 1].passage:
            out.append('<div class="qa-passage-text">')
        text = terms.html(s)
        body = f"<mark>{text}</mark>" if context and s.marked else text
        if last or sentences[i + 1].citation != s.citation:
            body += f' <sup class="qa-ref">[{s.citation}]</sup>'
        if s.item and not in_list:
            out.append('<ul class="qa-items">')
        elif in_list and not s.item:
            out.append("</ul>")
        in_list = s.item
        out.append(f"<li>{body}</li>" if s.item else f"{body} ")
        if last or s.passage != sentences[i + 1].passage:
            out.append("</ul></div>" if in_list else "</div>")
            in_list = False
    return "".join(out)


def caution_html(answer: Answer) -> str:
    """Triage's amber line above an answer to a message that touches an emergency's subject
    without clearly describing it happening now; empty when there is none."""
    if not answer.notice:
        return ""
    return f'<p class="qa-caution" role="note"><strong>⚠️ {esc(answer.notice)}</strong></p>'


def citation_html(
    c: Citation, hits: Sequence[Hit], documents: Mapping[str, Document] | None = None
) -> str:
    """A source line (title, publisher, the document's dates, section, audience) that expands
    to the cited passage with the quoted sentence highlighted. <details> opens with Enter or
    Space from the keyboard."""
    section = f' · <span class="qa-section">{esc(c.section)}</span>' if c.section else ""
    doc = documents.get(c.source_id) if documents else None
    dates = doc.meta.dates.strip() if doc else ""
    dated = f' · <span class="qa-dates">{esc(dates)}</span>' if dates else ""
    audience = (
        f' <span class="qa-pro">{esc(PROFESSIONALS_LABEL)}</span>'
        if c.audience != "patients"
        else ""
    )
    return (
        f'<details class="qa-cite"><summary>[{c.n}] <strong>{esc(c.title)}</strong> — '
        f"{esc(c.publisher)}{dated}{section}{audience}</summary>"
        f'<blockquote class="qa-passage">{passage_html(c, hits, documents)}</blockquote>'
        f"</details>"
    )


def passage_html(
    c: Citation, hits: Sequence[Hit], documents: Mapping[str, Document] | None = None
) -> str:
    """The quote in <mark> inside the document text around it (else the retrieved chunk it
    came from). The document comes first: an answer's run of sentences may be the whole chunk,
    and the reader opens a source to see what surrounds the quote."""
    doc = documents.get(c.source_id) if documents else None
    if doc is not None and doc.text[c.start : c.end] == c.quote:
        lo, hi = max(0, c.start - _CONTEXT_CHARS), min(len(doc.text), c.end + _CONTEXT_CHARS)
        return highlight(doc.text[lo:hi], [(c.start - lo, c.end - lo)])
    for hit in hits:
        chunk = hit.chunk
        if chunk.doc_id == c.source_id and chunk.start <= c.start and c.end <= chunk.end:
            return highlight(chunk.text, [(c.start - chunk.start, c.end - chunk.start)])
    return highlight(c.quote, [(0, len(c.quote))])


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escaped `text` with each (start, end) span wrapped in <mark>; overlaps are merged."""
    out, pos = [], 0
    for start, end in _merged(spans, len(text)):
        out += [esc(text[pos:start]), f"<mark>{esc(text[start:end])}</mark>"]
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def sources_table_html(
    documents: Sequence[Document],
    chunk_counts: Mapping[str, int],
    staff: bool = False,
    stale_after_years: int = 3,
) -> str:
    """The documents' table, each source older than `stale_after_years` flagged; for staff,
    with the share of each source that cleaning removed, flagged above the share the build
    warns at."""
    rows = "".join(
        f"<tr><td>{esc(d.meta.title)}</td><td>{esc(d.meta.publisher)}</td>"
        f"<td>{esc(d.meta.audience.value)}</td><td>{esc(d.meta.dates or 'not stated')}"
        f"{_age_flag(d.meta.dates, stale_after_years)}</td>"
        f"<td>{chunk_counts.get(d.id, 0)}</td>{_cleaning_cell(d) if staff else ''}</tr>"
        for d in documents
    )
    headers = ["Title", "Publisher", "Written for", "Dates", "Passages"]
    return table_html("Documents", headers + (["Removed by cleaning"] if staff else []), rows)


def _age_flag(dates: str, stale_after_years: int) -> str:
    note = age_note(dates, stale_after_years)
    return f'<br><span class="qa-stale">⚠️ {esc(note)}</span>' if note else ""


def _cleaning_cell(doc: Document) -> str:
    share = doc.removed_share
    if share is None:
        return "<td>not measured</td>"
    if share > CLEANING_WARN_SHARE:
        return (
            f'<td class="qa-cleaning-warning"><strong>{share:.0%}: check it</strong> (over '
            f"{CLEANING_WARN_SHARE:.0%}: content may have gone as furniture)</td>"
        )
    return f"<td>{share:.0%}</td>"


def document_html(doc: Document) -> str:
    """A document's cleaned text (what citations point into), escaped."""
    audience = (
        f' <span class="qa-pro">{esc(PROFESSIONALS_LABEL)}</span>'
        if doc.meta.audience.value != "patients"
        else ""
    )
    return (
        f'<div class="qa-document"><h3>{esc(doc.meta.title)}</h3>'
        f'<p class="qa-meta">{esc(doc.meta.publisher)} · {esc(doc.meta.dates or "not stated")}'
        f"{audience}</p>"
        # It scrolls, so it takes focus: the keyboard can scroll it too (WCAG 2.1.1).
        f'<div class="qa-doc-text" role="region" aria-label="{esc(doc.meta.title)}" tabindex="0">'
        f"{esc(doc.text)}</div></div>"
    )


def read_as_html(answer: Answer) -> str:
    """What typing slips were read as ("chemoterapy" as "chemotherapy"), so the patient can
    tell when a word was misread."""
    said = ", ".join(f"“{esc(typed)}” as “{esc(meant)}”" for typed, meant in answer.read_as_pairs())
    return f'<p class="qa-readas">I read {said}.</p>' if said else ""


def _lead(answer: Answer) -> str:
    """Text the pipeline put before the first quoted sentence (the personal-decision notice)."""
    at = answer.text.find(answer.sentences[0].text)
    return answer.text[:at].rstrip(" -\n") if at > 0 else ""


def _merged(spans: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
