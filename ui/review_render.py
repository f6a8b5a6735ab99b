"""Log entries -> HTML for the staff review view (pure functions; all outside text escaped)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from qa.document_age import age_note
from qa.safety.catalogue import Catalogue
from qa.serving.logbook_rows import Entry, SharedBy
from qa.types import Document, Hit
from ui.render import answer_html, highlight, table_html
from ui.render_text import esc

NOT_LOGGED = "question not shared by the patient (and QA_LOG_QUESTIONS is off)"
_SHARED = {
    SharedBy.PATIENT: "shared by the patient",
    SharedBy.OPERATOR: "logged by QA_LOG_QUESTIONS",
}
_VOTES = {1: "👍", -1: "👎"}


def when(created: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(created))


def entry_label(entry: Entry) -> str:
    """A dropdown label (shown as text by Gradio, never as HTML)."""
    question = entry.answer.question if entry.question_logged else f"({NOT_LOGGED})"
    short = question if len(question) <= 70 else question[:69] + "…"
    return f"#{entry.id} · {when(entry.created)} · {entry.answer.status.value} · {short}"


def entries_table_html(entries: Sequence[Entry]) -> str:
    if not entries:
        return "<p>No questions logged yet.</p>"
    rows = "".join(
        f"<tr><td>{e.id}</td><td>{esc(when(e.created))}</td><td>{esc(e.answer.status.value)}</td>"
        f"<td>{_VOTES.get(e.vote or 0, '–')}</td>"
        f"<td>{_mark_text(e)}</td>"
        f"<td>{esc(e.answer.question) if e.question_logged else '<em>not shared</em>'}</td></tr>"
        for e in entries
    )
    headers = ("#", "When", "Status", "Patient vote", "Staff mark", "Question")
    return table_html("Replies", headers, rows, "qa-entries")


def _mark_text(entry: Entry) -> str:
    mark = entry.mark
    if mark is None:
        return "–"
    return esc(mark.verdict.value) + (f" ({esc(mark.staff)})" if mark.staff else "")


def triage_counts_html(counts: Mapping[str, int]) -> str:
    """How many kept replies each triage outcome had (escalation levels, caution)."""
    order = ("emergency", "crisis", "urgent", "caution")
    cells = " · ".join(f"{esc(k)}: <strong>{counts.get(k, 0)}</strong>" for k in order)
    return f'<p id="qa-triage-counts">Triage in the kept period: {cells}</p>'


def triage_html(entry: Entry, catalogue: Catalogue | None) -> str:
    """The triage catalogue entry behind an escalation or caution, with its clinical note."""
    a = entry.answer
    if not a.triage_entry:
        return ""
    level = a.escalation or ("caution" if a.caution else "")
    note = ""
    if catalogue is not None:
        try:
            found = catalogue.entry(a.triage_entry)
            note = f" — {esc(found.title)}. <em>Clinical note:</em> {esc(found.note)}"
        except KeyError:
            note = " (no longer in the catalogue)"
    return (
        f'<p class="qa-triage"><strong>Triage:</strong> {esc(level)} · '
        f"<code>{esc(a.triage_entry)}</code>{note}</p>"
    )


def entry_html(
    entry: Entry,
    documents: Mapping[str, Document] | None = None,
    catalogue: Catalogue | None = None,
    stale_after_years: int = 3,
) -> str:
    """Everything staff need to judge one reply: question, status and why, the reply as the
    patient saw it, the sentences picked with their scores, and every retrieved passage with
    its dense, lexical and fused scores and the quoted sentences highlighted."""
    a = entry.answer
    question = esc(a.question) if entry.question_logged else f"<em>{esc(NOT_LOGGED)}</em>"
    kept = (
        f'<p class="qa-shared"><strong>Kept:</strong> {esc(_SHARED[entry.shared_by])}'
        + (f" · redacted: {esc(', '.join(entry.redacted))}" if entry.redacted else "")
        + "</p>"
        if entry.shared_by
        else ""
    )
    why = esc(a.reason) if a.reason else "—"
    evidence = "".join(
        f"<tr><td>{esc(k)}</td><td>{v:.4f}</td></tr>" for k, v in sorted(a.evidence.items())
    )
    sentences = "".join(
        f"<tr><td>[{s.citation}]</td><td>{'answer' if s.marked else 'context'}</td>"
        f"<td>{esc(s.text)}</td><td>{s.score:.4f}</td>"
        f"<td>{s.dense:.4f}</td><td>{s.lexical:.4f}</td></tr>"
        for s in a.sentences
    )
    return (
        f'<div class="qa-entry"><h4>Question #{entry.id} ({esc(when(entry.created))})</h4>'
        f"<p>{question}</p>"
        + kept
        + (f"<p><strong>Read as:</strong> {esc(a.read_as)}</p>" if a.read_as else "")
        + f"<p><strong>Status:</strong> {esc(a.status.value)}"
        + (f" ({esc(a.escalation)})" if a.escalation else "")
        + f" · <strong>Why:</strong> {why}</p>"
        + triage_html(entry, catalogue)
        + _table("Evidence", ["measure", "value"], evidence)
        + f"<h4>Reply shown</h4>{answer_html(a, documents)}"
        + _stale_sources_html(entry, documents or {}, stale_after_years)
        + _table(
            "Sentences quoted",
            ["cite", "role", "sentence", "score", "dense", "lexical"],
            sentences,
        )
        + f"<h4>Retrieved passages ({len(a.hits)})</h4>"
        + "".join(hit_html(i, h, entry) for i, h in enumerate(a.hits, 1))
        + "</div>"
    )


def _stale_sources_html(
    entry: Entry, documents: Mapping[str, Document], stale_after_years: int
) -> str:
    """The cited sources older than the setting, so staff can judge the answer's currency."""
    notes = []
    for source in dict.fromkeys(c.source_id for c in entry.answer.citations):
        doc = documents.get(source)
        note = age_note(doc.meta.dates, stale_after_years) if doc else ""
        if doc and note:
            notes.append(f"<li>{esc(doc.meta.title)}: {esc(note)}</li>")
    if not notes:
        return ""
    return f'<div class="qa-stale"><p>⚠️ Old sources cited:</p><ul>{"".join(notes)}</ul></div>'


def hit_html(rank: int, hit: Hit, entry: Entry) -> str:
    chunk = hit.chunk
    quoted = [
        (c.start - chunk.start, c.end - chunk.start)
        for c in entry.answer.citations
        if c.source_id == chunk.doc_id and chunk.start <= c.start and c.end <= chunk.end
    ]
    return (
        f'<div class="qa-hit"><p><strong>{rank}. {esc(chunk.doc_id)}</strong>'
        + (f" · {esc(chunk.section)}" if chunk.section else "")
        + f" · chunk {esc(chunk.id)}<br>fused {hit.score:.4f} · dense {_score(hit.dense_score)}"
        f" (rank {_rank(hit.dense_rank)}) · lexical {_score(hit.lexical_score)}"
        f" (rank {_rank(hit.lexical_rank)})"
        + (
            f" · added for its sentence, BM25 rank {hit.sentence_rank} among sentences"
            if hit.sentence_rank is not None
            else ""
        )
        + "</p>"
        f'<blockquote class="qa-passage">{highlight(chunk.text, quoted)}</blockquote></div>'
    )


def _table(title: str, headers: Sequence[str], rows: str) -> str:
    if not rows:
        return ""
    return f"<h4>{esc(title)}</h4>{table_html(title, headers, rows)}"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def _rank(value: int | None) -> str:
    return "not found" if value is None else str(value)
