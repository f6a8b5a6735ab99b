"""The staff app's Documents tab: the documents and their catalogue entries; upload, replace,
remove and edit; preview what indexing makes of a file; rebuild with a progress bar while chat
keeps answering from the served build; the new build's differences; roll back; the audit log."""

from __future__ import annotations

import base64
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from qa.config import Settings
from qa.errors import QAError
from qa.ingest import history
from qa.ingest.build import build_index
from qa.ingest.freshness import corpus_hash
from qa.ingest.sources import CATALOG_NAME, READERS, read_catalog
from qa.ingest.store import current_build, read_manifest
from qa.serving.audit import AuditLog
from qa.serving.library import add_document, edit_entry, existing_file, remove_document
from qa.serving.live import LivePipeline
from qa.serving.preview import preview
from qa.types import Audience
from ui.documents_render import (
    DocumentRow,
    audit_html,
    builds_html,
    diff_html,
    documents_table_html,
    message_html,
    preview_html,
)
from ui.render_text import esc
from ui.review_tab import staff_name

# Gradio finds a gr.Progress default on a handler and passes a live tracker in its place;
# track_tqdm shows the build's own progress bars.
_PROGRESS = gr.Progress(track_tqdm=True)


@dataclass(frozen=True)
class DocumentsHandlers:
    live: LivePipeline
    audit: AuditLog

    @property
    def settings(self) -> Settings:
        return self.live.pipeline.settings

    @property
    def sources(self) -> Path:
        return self.settings.ingest.sources_dir

    def _served(self) -> str:
        try:
            return current_build(self.settings.ingest.index_dir).name
        except QAError:
            return ""

    def overview(self) -> tuple[str, Any, str, str]:
        """The documents table, the picker's choices, the builds and the audit log."""
        index = self.live.current().index
        counts = Counter(c.doc_id for c in index.chunks)
        catalog = read_catalog(self.sources / CATALOG_NAME)
        manifest = read_manifest(self.settings.ingest.index_dir)
        made = str(manifest.get("created", ""))
        rows = []
        for path in sorted(self.sources.iterdir()):
            hidden = path.name.startswith(".")
            if hidden or not path.is_file() or path.suffix.lower() not in READERS:
                continue
            meta = catalog.get(path.stem)
            served = index.documents.get(path.stem)
            title = meta.title if meta else served.meta.title if served else path.stem
            rows.append(
                DocumentRow(
                    doc_id=path.stem,
                    file=path.name,
                    size=path.stat().st_size,
                    title=title,
                    publisher=meta.publisher if meta else "not stated",
                    audience=(meta.audience if meta else Audience.PATIENTS).value,
                    dates=meta.dates if meta else "",
                    chunks=counts.get(path.stem) if served else None,
                    indexed=made,
                )
            )
        pending = manifest.get("corpus_hash") != corpus_hash(self.sources)
        picker = gr.Dropdown(choices=[(r.title, r.doc_id) for r in rows], value=None)
        csv = base64.b64encode(self.audit.csv().encode("utf-8")).decode("ascii")
        return (
            documents_table_html(rows, pending),
            picker,
            builds_html(history.builds(self.settings.ingest.index_dir)),
            audit_html(self.audit.recent(50), f"data:text/csv;base64,{csv}"),
        )

    def upload(
        self,
        file: str | None,
        title: str,
        publisher: str,
        audience: str,
        dates: str,
        replace: bool,
        request: gr.Request,
    ) -> tuple[str, str]:
        """Add (or replace) a document; returns a message and the new document's preview."""
        if not file:
            return message_html("Choose a file to upload first.", False), ""
        path = Path(file)
        # Gradio keeps the upload under its own temporary name; the original name is the tail.
        name = path.name
        who = staff_name(request)
        fields = {"title": title, "publisher": publisher, "audience": audience, "dates": dates}
        try:
            added = add_document(
                self.sources,
                name,
                path.read_bytes(),
                self.settings.serving.max_upload_bytes,
                fields,
                replace=replace,
            )
        except QAError as err:
            self.audit.record(who, "refused", f"{name}: {err}", self._served())
            return message_html(f"Not added: {err}", False), ""
        finally:
            path.unlink(missing_ok=True)  # Gradio's copy; the document now lives in sources/
        action = "replace" if added.replaced else "upload"
        what = f"{added.path.name} ({added.document.meta.title})"
        self.audit.record(who, action, what, self._served())
        found = preview(added.path, added.document.meta, self.settings, self.live.pipeline.embedder)
        return (
            message_html(
                f"{'Replaced' if added.replaced else 'Added'} {added.path.name}. Rebuild to "
                "answer from it.",
                True,
            ),
            preview_html(found),
        )

    def show(self, doc_id: str | None) -> tuple[str, str, str, str, str]:
        """A document's preview and its catalogue fields, for editing."""
        path = existing_file(self.sources, doc_id) if doc_id else None
        if path is None:
            return "<p>Choose a document above.</p>", "", "", Audience.PATIENTS.value, ""
        meta = read_catalog(self.sources / CATALOG_NAME).get(path.stem)
        try:
            shown = preview_html(preview(path, meta, self.settings, self.live.pipeline.embedder))
        except QAError as err:
            shown = message_html(str(err), False)
        if meta is None:
            return shown, path.stem, "", Audience.PATIENTS.value, ""
        return shown, meta.title, meta.publisher, meta.audience.value, meta.dates

    def edit(
        self,
        doc_id: str | None,
        title: str,
        publisher: str,
        audience: str,
        dates: str,
        request: gr.Request,
    ) -> str:
        if not doc_id:
            return message_html("Choose a document first.", False)
        fields = {"title": title, "publisher": publisher, "audience": audience, "dates": dates}
        try:
            edit_entry(self.sources, doc_id, {k: v for k, v in fields.items() if v.strip()})
        except QAError as err:
            return message_html(f"Not saved: {err}", False)
        self.audit.record(staff_name(request), "edit", f"{doc_id}: {fields}", self._served())
        return message_html(f"Saved the catalogue entry of {doc_id}. Rebuild to use it.", True)

    def remove(self, doc_id: str | None, request: gr.Request) -> str:
        if not doc_id:
            return message_html("Choose a document first.", False)
        try:
            path = remove_document(self.sources, doc_id)
        except QAError as err:
            return message_html(f"Not removed: {err}", False)
        self.audit.record(staff_name(request), "remove", path.name, self._served())
        return message_html(f"Removed {path.name}. Rebuild to stop answering from it.", True)

    def rebuild(self, request: gr.Request, progress: Any = _PROGRESS) -> str:
        """Build a new index from the sources; the chat answers from the served build until
        the new one is verified and swapped in (qa.serving.live)."""
        before = self._served()
        progress(0.0, desc="reading and cleaning the documents")
        started = time.monotonic()
        try:
            with history.LOCK:
                report = build_index(self.settings, self.live.pipeline.embedder, show_bars=True)
        except QAError as err:
            self.audit.record(staff_name(request), "rebuild failed", str(err), before, before)
            return message_html(f"The rebuild failed; the served build is unchanged. {err}", False)
        after = report.build_dir.name
        self.audit.record(
            staff_name(request),
            "rebuild",
            f"{report.documents} documents, {report.chunks} chunks, "
            f"{report.embedded} embedded, {report.reused} reused",
            before,
            after,
        )
        self.live.current()  # start loading the new build now rather than on the next question
        seconds = time.monotonic() - started
        note = "".join(f"<p>Warning: {esc(w)}</p>" for w in (*report.problems, *report.warnings))
        built = message_html(f"Built {after} in {seconds:.1f} s; it is served from now on.", True)
        try:
            diff = history.diff_builds(self.settings.ingest.index_dir, before or None, after)
        except (OSError, ValueError) as err:  # the old build removed meanwhile (`qa index`)
            return built + note + message_html(f"No comparison with {before}: {err}", False)
        return built + note + diff_html(before or None, after, diff)

    def rollback(self, request: gr.Request) -> str:
        try:
            before, after = history.rollback(self.settings.ingest.index_dir, self.sources)
        except QAError as err:
            return message_html(f"Not rolled back: {err}", False)
        self.audit.record(staff_name(request), "rollback", f"back to {after}", before, after)
        self.live.current()
        diff = history.diff_builds(self.settings.ingest.index_dir, before, after)
        return message_html(
            f"Rolled back: build {after} and its documents are served again.", True
        ) + diff_html(before, after, diff)


def documents_tab(handlers: DocumentsHandlers, load: Any) -> None:
    private: dict[str, Any] = {"api_visibility": "private"}
    refresh = gr.Button("Refresh", size="sm", elem_id="qa-docs-refresh")
    table = gr.HTML(elem_id="qa-docs-table")
    message = gr.HTML(elem_id="qa-docs-result")
    with gr.Row():
        rebuild = gr.Button("Rebuild the index", variant="primary", elem_id="qa-rebuild")
        rollback = gr.Button("Roll back to the previous build", elem_id="qa-rollback")
    with gr.Accordion("Add or replace a document", open=True):
        upload = gr.File(
            label=f"Document ({', '.join(sorted(READERS))}; at most "
            f"{handlers.settings.serving.max_upload_bytes / 1e6:.0f} MB)",
            file_types=sorted(READERS),
            type="filepath",
            elem_id="qa-upload",
        )
        with gr.Row():
            title = gr.Textbox(label="Title", elem_id="qa-doc-title")
            publisher = gr.Textbox(label="Publisher", elem_id="qa-doc-publisher")
        with gr.Row():
            audience = gr.Dropdown(
                [a.value for a in Audience],
                value=Audience.PATIENTS.value,
                label="Audience",
                elem_id="qa-doc-audience",
            )
            dates = gr.Textbox(label="Dates (published, reviewed)", elem_id="qa-doc-dates")
        replace = gr.Checkbox(label="Replace the document with the same name", value=False)
        add = gr.Button("Add document", elem_id="qa-upload-add")
    with gr.Accordion("Preview, edit or remove a document", open=True):
        pick = gr.Dropdown(label="Document", choices=[], elem_id="qa-doc-picker")
        with gr.Row():
            save = gr.Button("Save catalogue entry", elem_id="qa-doc-save")
            remove = gr.Button("Remove document", variant="stop", elem_id="qa-doc-remove")
    shown = gr.HTML(elem_id="qa-doc-preview")
    gr.Markdown("### Builds")
    builds = gr.HTML(elem_id="qa-builds-table")
    gr.Markdown("### Audit log")
    audit = gr.HTML(elem_id="qa-audit-log")

    listing = [table, pick, builds, audit]
    fields = [title, publisher, audience, dates]
    load(handlers.overview, None, listing, **private)
    refresh.click(handlers.overview, None, listing, **private)
    add.click(handlers.upload, [upload, *fields, replace], [message, shown], **private).then(
        handlers.overview, None, listing, **private
    )
    pick.input(handlers.show, pick, [shown, *fields], **private)
    save.click(handlers.edit, [pick, *fields], message, **private).then(
        handlers.overview, None, listing, **private
    )
    remove.click(handlers.remove, pick, message, **private).then(
        handlers.overview, None, listing, **private
    )
    rebuild.click(handlers.rebuild, None, message, **private).then(
        handlers.overview, None, listing, **private
    )
    rollback.click(handlers.rollback, None, message, **private).then(
        handlers.overview, None, listing, **private
    )
