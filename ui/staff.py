"""The staff app: review logged answers, mark them, export marked cases as a golden suite."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import gradio as gr

from qa.index_data import IndexData
from qa.safety.catalogue import Catalogue
from qa.serving.export import export_suite
from qa.serving.logbook import Logbook
from qa.serving.logbook_rows import Mark, Verdict
from ui.evaluate_tab import EvaluateHandlers, evaluate_tab
from ui.render import esc
from ui.review_render import entries_table_html, entry_html, entry_label, triage_counts_html
from ui.sources import sources_tab

RECENT = 100
EXPORT_NAME = "reviewed-golden.yaml"


def staff_name(request: gr.Request | None) -> str:
    """The logged-in staff account ("" when the staff app runs without a login, which it
    does only for a browser on this machine)."""
    return str(getattr(request, "username", None) or "")


@dataclass(frozen=True)
class StaffHandlers:
    index: IndexData
    logbook: Logbook
    catalogue: Catalogue | None = None

    def refresh(self) -> tuple[str, Any]:
        entries = self.logbook.recent(RECENT)
        choices = [(entry_label(e), e.id) for e in entries]
        table = triage_counts_html(self.logbook.escalation_counts()) + entries_table_html(entries)
        return table, gr.Dropdown(choices=choices, value=entries[0].id if entries else None)

    def show(self, entry_id: int | None) -> tuple[str, Any, str, str, str]:
        entry = self.logbook.get(entry_id) if entry_id is not None else None
        if entry is None:
            return "<p>Choose a question above.</p>", None, "", "", ""
        mark = entry.mark
        return (
            entry_html(entry, self.index.documents, self.catalogue),
            mark.verdict.value if mark else None,
            mark.comment if mark else "",
            mark.expected_source if mark else "",
            mark.expected_phrase if mark else "",
        )

    def save(
        self,
        entry_id: int | None,
        verdict: str | None,
        comment: str,
        source: str,
        phrase: str,
        request: gr.Request | None = None,
    ) -> tuple[str, str]:
        if entry_id is None or not verdict:
            return "<p>Choose a question and a mark (correct, wrong or unsafe) first.</p>", ""
        who = staff_name(request)
        mark = Mark(Verdict(verdict), comment or "", source or "", phrase or "", who)
        saved = self.logbook.mark(entry_id, mark)
        message = f"Saved: #{entry_id} marked {verdict}." if saved else "That entry was purged."
        return f'<p id="qa-mark-status">{esc(message)}</p>', self.refresh()[0]

    def export(self) -> str:
        """The marked cases as a golden-suite YAML download, embedded in the reply itself: no
        file is written on the server, so none can outlive the retention period or be fetched
        by another app."""
        result = export_suite(self.logbook.marked())
        notes = "".join(f"<li>#{i}: {esc(why)}</li>" for i, why in result.skipped)
        skipped = f"<p>Skipped:</p><ul>{notes}</ul>" if notes else ""
        if not result.exported:
            return f"<p>No marked case can be exported yet.</p>{skipped}"
        data = base64.b64encode(result.yaml_text.encode("utf-8")).decode("ascii")
        summary = f"Exported {len(result.exported)} case(s) to {EXPORT_NAME}."
        return (
            f'<p id="qa-export-status">{esc(summary)} <a id="qa-export-download" '
            f'download="{EXPORT_NAME}" href="data:application/x-yaml;base64,{data}">'
            f"Download {EXPORT_NAME}</a></p>{skipped}"
        )


def build_staff_app(handlers: StaffHandlers, evaluate: EvaluateHandlers | None = None) -> gr.Blocks:
    app = gr.Blocks(title=f"Staff review — {handlers.index.profile.title}", analytics_enabled=False)
    with app:
        if not handlers.logbook.log_questions:
            gr.HTML(
                '<div class="qa-banner">Questions are kept only when the patient ticks "Let the '
                'care team see this question" under the chat, redacted, for '
                f"{handlers.logbook.retention_days} days. Answers, scores and votes are kept for "
                "every question. QA_LOG_QUESTIONS=1 keeps every question (the operator's "
                "override).</div>"
            )
        with gr.Tabs():
            with gr.Tab("Review", id="review"):
                _review_tab(handlers, app)
            if evaluate is not None:
                with gr.Tab("Evaluate", id="evaluate"):
                    evaluate_tab(evaluate, app.load)
            with gr.Tab("Sources", id="sources"):
                sources_tab(handlers.index, staff=True)
    return app


def _review_tab(handlers: StaffHandlers, app: gr.Blocks) -> None:
    refresh = gr.Button("Refresh", size="sm", elem_id="qa-refresh")
    table = gr.HTML(elem_id="qa-entries-table")
    pick = gr.Dropdown(label="Question to review", choices=[], elem_id="qa-entry-picker")
    detail = gr.HTML(elem_id="qa-entry")
    with gr.Group():
        verdict = gr.Radio(
            [v.value for v in Verdict], label="Mark this answer", elem_id="qa-verdict"
        )
        comment = gr.Textbox(label="Comment", lines=2, elem_id="qa-comment")
        sources = sorted(handlers.index.documents)
        source = gr.Dropdown(
            choices=["", *sources],
            value="",
            label="Expected source (optional: the document that answers it)",
            elem_id="qa-expected-source",
        )
        phrase = gr.Textbox(
            label="Expected phrase (optional: words the right answer contains)",
            elem_id="qa-expected-phrase",
        )
        save = gr.Button("Save mark", variant="primary", elem_id="qa-save-mark")
    saved = gr.HTML(elem_id="qa-mark-result")
    export = gr.Button("Export marked cases (golden-suite YAML)", elem_id="qa-export")
    exported = gr.HTML(elem_id="qa-export-result")

    app.load(handlers.refresh, None, [table, pick], api_visibility="private")
    refresh.click(handlers.refresh, None, [table, pick], api_visibility="private")
    pick.change(
        handlers.show, pick, [detail, verdict, comment, source, phrase], api_visibility="private"
    )
    save.click(
        handlers.save,
        [pick, verdict, comment, source, phrase],
        [saved, table],
        api_visibility="private",
    )
    export.click(handlers.export, None, exported, api_visibility="private")
