"""The Documents tab's views as HTML (pure functions; all outside text escaped)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.ingest.history import BuildDiff, BuildInfo
from qa.serving.audit import AuditEntry
from qa.serving.preview import Preview
from ui.render import table_html
from ui.render_text import esc


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    file: str
    size: int
    title: str
    publisher: str
    audience: str
    dates: str
    chunks: int | None  # None: not in the build being served
    indexed: str  # when the served build was made, for a document it holds


def documents_table_html(rows: Sequence[DocumentRow], pending: bool) -> str:
    status = (
        '<p class="qa-warn" id="qa-docs-pending"><strong>The documents have changed since the '
        "build being served.</strong> Patients get answers from the served build until you "
        "rebuild.</p>"
        if pending
        else '<p id="qa-docs-pending">The served build matches these documents.</p>'
    )
    body = "".join(
        f"<tr><td>{esc(r.title)}<br><code>{esc(r.file)}</code></td><td>{esc(r.publisher)}</td>"
        f"<td>{esc(r.audience)}</td><td>{esc(r.dates)}</td><td>{_size(r.size)}</td>"
        f"<td>{'not yet indexed' if r.chunks is None else r.chunks}</td>"
        f"<td>{esc(r.indexed) if r.chunks is not None else '–'}</td></tr>"
        for r in rows
    )
    headers = ("Document", "Publisher", "Audience", "Dates", "Size", "Chunks", "Indexed")
    return status + table_html("Documents", headers, body, "qa-docs")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} kB"


def preview_html(found: Preview) -> str:
    """The file as written, with what cleaning removed struck through, then its chunks."""
    removed = sum(1 for line in found.lines if line.removed)
    lines = "".join(
        f"<p><del>{esc(line.text)}</del></p>" if line.removed else f"<p>{esc(line.text)}</p>"
        for line in found.lines
    )
    doc = found.document
    chunks = "".join(
        f"<li><strong>{esc(c.section) or '(no section)'}</strong> · {c.end - c.start} "
        f"characters<br>{esc(doc.text[c.start : c.end])}</li>"
        for c in found.chunks
    )
    return (
        f'<div class="qa-preview" id="qa-preview"><h4>{esc(doc.meta.title)}</h4>'
        f"<p>{removed} block(s) removed as site furniture (struck through); "
        f"{len(found.chunks)} chunk(s).</p><h4>Cleaned text</h4>"
        f'<div class="qa-preview-text">{lines}</div>'
        f'<h4>Chunks</h4><ol class="qa-preview-chunks">{chunks}</ol></div>'
    )


def diff_html(old: str | None, new: str, diff: BuildDiff) -> str:
    def names(ids: Sequence[str]) -> str:
        return ", ".join(esc(i) for i in ids) or "none"

    vectors = (
        f"<li>Chunks embedded: {diff.chunks_embedded}; reused unchanged: {diff.chunks_reused}"
        f"</li><li>All texts (chunks and sentences) embedded: {diff.embedded}; reused: "
        f"{diff.reused}</li>"
        if diff.embedded is not None
        else ""
    )
    return (
        f'<div id="qa-build-diff"><p>Build <code>{esc(new)}</code> against '
        f"<code>{esc(old or 'none')}</code>:</p><ul>"
        f"<li>Added: {names(diff.added)}</li><li>Changed: {names(diff.changed)}</li>"
        f"<li>Removed: {names(diff.removed)}</li>{vectors}</ul></div>"
    )


def builds_html(builds: Sequence[BuildInfo]) -> str:
    rows = "".join(
        f"<tr><td><code>{esc(b.name)}</code>{' (served)' if b.current else ''}</td>"
        f"<td>{esc(b.created)}</td><td>{b.documents}</td><td>{b.chunks}</td>"
        f"<td>{'yes' if b.restorable else 'no (older version)'}</td></tr>"
        for b in builds
    )
    headers = ("Build", "Made", "Documents", "Chunks", "Can be restored")
    return table_html("Builds", headers, rows, "qa-builds")


def audit_html(entries: Sequence[AuditEntry], csv_href: str) -> str:
    if not entries:
        return '<p id="qa-audit-empty">No changes recorded yet.</p>'
    rows = "".join(
        f"<tr><td>{esc(e.when)}</td><td>{esc(e.staff or '(this machine)')}</td>"
        f"<td>{esc(e.action)}</td><td>{esc(e.detail)}</td>"
        f"<td><code>{esc(e.build_before)}</code></td><td><code>{esc(e.build_after)}</code></td></tr>"
        for e in entries
    )
    headers = ("When", "Who", "Action", "What", "Build before", "Build after")
    return (
        table_html("Audit log", headers, rows, "qa-audit")
        + f'<p><a id="qa-audit-csv" download="audit-log.csv" href="{csv_href}">'
        "Download the audit log (CSV)</a></p>"
    )


def message_html(text: str, ok: bool) -> str:
    kind = "qa-ok" if ok else "qa-error"
    return f'<p class="{kind}" id="qa-docs-message" role="status">{esc(text)}</p>'

