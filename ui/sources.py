"""The sources view: every document with its metadata; pick one to read its cleaned text."""

from __future__ import annotations

from collections import Counter

import gradio as gr

from qa.index_data import IndexData
from ui.a11y import spoken_document
from ui.render import document_html, sources_table_html
from ui.render_text import esc


def sources_tab(
    index: IndexData,
    staff: bool = False,
    stale_after_years: int = 3,
    announce: gr.HTML | None = None,
) -> None:
    """Add the view's components to the Blocks being built; staff also see how much of each
    source cleaning removed. `announce`: the page's live region, told which document opened."""
    documents = sorted(index.documents.values(), key=lambda d: d.meta.title.lower())
    counts = Counter(c.doc_id for c in index.chunks)
    gr.HTML(
        sources_table_html(documents, counts, staff, stale_after_years),
        elem_id="qa-sources-table",
    )
    # Radio buttons, not Gradio's dropdown: native inputs a screen reader names and a keyboard
    # moves through with the arrow keys (gradio issue 12855 reports its dropdown hard to use).
    picker = gr.Radio(
        choices=[(d.meta.title, d.id) for d in documents],
        value=None,
        label="Read a document",
        elem_id="qa-source-picker",
    )
    text = gr.HTML(elem_id="qa-source-text")

    def read_document(doc_id: str | None) -> tuple[str, str]:
        """The document's text, and what the live region says about it."""
        doc = index.documents.get(doc_id or "")
        if doc is None:
            return f"<p>{esc('Choose a document above.')}</p>", ""
        return document_html(doc), esc(spoken_document(doc.meta.title))

    if announce is None:
        picker.change(
            lambda d: read_document(d)[0], picker, text, api_visibility="private", queue=False
        )
    else:
        outputs = [text, announce]
        picker.change(read_document, picker, outputs, api_visibility="private", queue=False)
