"""The staff app: review logged answers, see what patients could not get answered, manage the
documents, run suites, read the sources."""

from __future__ import annotations

import gradio as gr

from ui.documents_tab import DocumentsHandlers, documents_tab
from ui.evaluate_tab import EvaluateHandlers, evaluate_tab
from ui.report_tab import ReportHandlers, report_tab
from ui.review_tab import StaffHandlers, review_tab
from ui.sources import sources_tab


def build_staff_app(
    handlers: StaffHandlers,
    evaluate: EvaluateHandlers | None = None,
    documents: DocumentsHandlers | None = None,
) -> gr.Blocks:
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
                review_tab(handlers, app.load)
            with gr.Tab("Unanswered", id="unanswered"):
                report_tab(ReportHandlers(handlers.logbook, handlers.theme_max_distance), app.load)
            if documents is not None:
                with gr.Tab("Documents", id="documents"):
                    documents_tab(documents, app.load)
            if evaluate is not None:
                with gr.Tab("Evaluate", id="evaluate"):
                    evaluate_tab(evaluate, app.load)
            with gr.Tab("Sources", id="sources"):
                sources_tab(handlers.index, True, handlers.stale_after_years)
    return app
