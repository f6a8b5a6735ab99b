"""The staff app's Review tab: a filtered queue of logged replies, each shown in full, marked
with one key (c, w, u; n for the next), and the marked cases exported as a golden suite."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import gradio as gr

from qa.index_data import IndexData
from qa.safety.catalogue import Catalogue
from qa.serving.export import export_suite
from qa.serving.logbook import Logbook
from qa.serving.logbook_rows import Mark, Verdict
from qa.serving.review_queue import ANY, NO_VOTE, UNMARKED, ReviewFilter
from qa.serving.themes import Theme, themes
from qa.types import Status
from ui.render_text import esc
from ui.review_render import entries_table_html, entry_html, entry_label, triage_counts_html

QUEUE = 100
EXPORT_NAME = "reviewed-golden.yaml"
PERIODS = {"last day": 1, "last 7 days": 7, "last 30 days": 30, "whole kept period": 0}
# Keys for the quick marks and "next", read by STAFF_JS; each button also says its key.
KEYS = {"c": "qa-quick-correct", "w": "qa-quick-wrong", "u": "qa-quick-unsafe", "n": "qa-next"}
STAFF_JS = (
    "() => { const keys = "
    + json.dumps(KEYS)
    + "; document.addEventListener('keydown', (e) => {"
    " if (e.ctrlKey || e.metaKey || e.altKey) return;"
    " const t = e.target; const tag = (t && t.tagName || '').toLowerCase();"
    " if (tag === 'input' || tag === 'textarea' || tag === 'select' || (t && t.isContentEditable))"
    " return;"
    " const id = keys[e.key.toLowerCase()]; if (!id) return;"
    " const button = document.getElementById(id);"
    " if (button) { e.preventDefault(); button.click(); }"
    " }); }"
)


def staff_name(request: gr.Request | None) -> str:
    """The logged-in staff account ("" when the staff app runs without a login, which it
    does only for a browser on this machine)."""
    return str(getattr(request, "username", None) or "")


@dataclass(frozen=True)
class StaffHandlers:
    index: IndexData
    logbook: Logbook
    catalogue: Catalogue | None = None
    theme_max_distance: float = 0.45
    stale_after_years: int = 3

    def themes(self) -> list[Theme]:
        return themes(self.logbook.unanswered(), self.theme_max_distance)

    @staticmethod
    def _filter(
        found: list[Theme],
        status: str = ANY,
        vote: str = ANY,
        mark: str = UNMARKED,
        period: str = "",
        theme: str = ANY,
    ) -> ReviewFilter:
        ids = None
        if theme and theme != ANY:
            chosen = [t for t in found if str(t.number) == theme]
            ids = chosen[0].ids if chosen else frozenset()
        return ReviewFilter(
            status or ANY, vote or ANY, mark or UNMARKED, PERIODS.get(period, 0), ids
        )

    def refresh(self, *filters: str) -> tuple[str, Any, Any]:
        # Grouping into themes is the costly part: once per refresh, for the filter and the list.
        found = self.themes()
        entries = self.logbook.queue(self._filter(found, *filters), QUEUE)
        table = triage_counts_html(self.logbook.escalation_counts()) + entries_table_html(entries)
        picker = gr.Dropdown(
            choices=[(entry_label(e), e.id) for e in entries],
            value=entries[0].id if entries else None,
        )
        chosen = filters[4] if len(filters) > 4 else ANY
        theme_choices = [("any theme", ANY)] + [
            (f"#{t.number} ({t.count}) {t.label[:60]}", str(t.number)) for t in found
        ]
        return table, picker, gr.Dropdown(choices=theme_choices, value=chosen or ANY)

    def show(self, entry_id: int | None) -> tuple[str, Any, str, str, str]:
        entry = self.logbook.get(entry_id) if entry_id is not None else None
        if entry is None:
            return "<p>Choose a question above.</p>", None, "", "", ""
        mark = entry.mark
        return (
            entry_html(entry, self.index.documents, self.catalogue, self.stale_after_years),
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
    ) -> str:
        if entry_id is None or not verdict:
            return "<p>Choose a question and a mark (correct, wrong or unsafe) first.</p>"
        who = staff_name(request)
        saved = self.logbook.mark(
            entry_id, Mark(Verdict(verdict), comment or "", source or "", phrase or "", who)
        )
        message = f"Saved: #{entry_id} marked {verdict}." if saved else "That entry was purged."
        return f'<p id="qa-mark-status" role="status">{esc(message)}</p>'

    def quick(
        self, verdict: str, entry_id: int | None, *filters: str, request: gr.Request | None = None
    ) -> tuple[str, str, Any, Any]:
        """Mark the shown reply with `verdict` alone, then move on to the next in the queue."""
        status = self.save(entry_id, verdict, "", "", "", request)
        table, picker, theme = self.refresh(*filters)
        return status, table, self._after(entry_id, picker), theme

    def next(self, entry_id: int | None, *filters: str) -> Any:
        return self._after(entry_id, self.refresh(*filters)[1])

    def _after(self, entry_id: int | None, picker: Any) -> Any:
        """The queue's next (older) reply after `entry_id`, else its newest."""
        ids = [value for _, value in picker.choices]
        older = [i for i in ids if entry_id is not None and i < entry_id]
        return gr.Dropdown(choices=picker.choices, value=(older or ids or [None])[0])

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


def review_tab(handlers: StaffHandlers, load: Any) -> None:
    with gr.Row(equal_height=True):
        status = gr.Dropdown(
            [ANY, *(s.value for s in Status)], value=ANY, label="Status", elem_id="qa-f-status"
        )
        vote = gr.Dropdown(
            [(ANY, ANY), ("👍 up", "up"), ("👎 down", "down"), ("no vote", NO_VOTE)],
            value=ANY,
            label="Patient vote",
            elem_id="qa-f-vote",
        )
        mark = gr.Dropdown(
            [("unmarked only", UNMARKED), (ANY, ANY), *((v.value, v.value) for v in Verdict)],
            value=UNMARKED,
            label="Staff mark",
            elem_id="qa-f-mark",
        )
        period = gr.Dropdown(
            list(PERIODS), value="whole kept period", label="When", elem_id="qa-f-period"
        )
        theme = gr.Dropdown([("any theme", ANY)], value=ANY, label="Theme", elem_id="qa-f-theme")
    filters = [status, vote, mark, period, theme]
    refresh = gr.Button("Refresh", size="sm", elem_id="qa-refresh")
    table = gr.HTML(elem_id="qa-entries-table")
    pick = gr.Dropdown(label="Question to review", choices=[], elem_id="qa-entry-picker")
    detail = gr.HTML(elem_id="qa-entry")
    with gr.Row():
        quick = {
            v: gr.Button(f"{v.value.capitalize()} ({key})", size="sm", elem_id=KEYS[key])
            for v, key in ((Verdict.CORRECT, "c"), (Verdict.WRONG, "w"), (Verdict.UNSAFE, "u"))
        }
        after = gr.Button("Next (n)", size="sm", elem_id=KEYS["n"])
    gr.Markdown(
        "Keys (outside text boxes): **c** correct, **w** wrong, **u** unsafe (each saves and "
        "moves on), **n** next. Add a comment or the expected answer below."
    )
    with gr.Group():
        verdict = gr.Radio(
            [v.value for v in Verdict], label="Mark this answer", elem_id="qa-verdict"
        )
        comment = gr.Textbox(label="Comment", lines=2, elem_id="qa-comment")
        source = gr.Dropdown(
            choices=["", *sorted(handlers.index.documents)],
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

    private: dict[str, Any] = {"api_visibility": "private"}
    listing = [table, pick, theme]
    load(handlers.refresh, filters, listing, **private)
    refresh.click(handlers.refresh, filters, listing, **private)
    for box in (status, vote, mark, period):
        box.input(handlers.refresh, filters, listing, **private)
    theme.input(handlers.refresh, filters, listing, **private)
    pick.change(handlers.show, pick, [detail, verdict, comment, source, phrase], **private)
    save.click(handlers.save, [pick, verdict, comment, source, phrase], saved, **private).then(
        handlers.refresh, filters, listing, **private
    )
    for value, button in quick.items():
        button.click(
            _quick_mark(handlers, value), [pick, *filters], [saved, table, pick, theme], **private
        )
    after.click(handlers.next, [pick, *filters], pick, **private)
    export.click(handlers.export, None, exported, **private)


def _quick_mark(handlers: StaffHandlers, verdict: Verdict) -> Any:
    """The click handler of one quick-mark button (Gradio passes the request by its type)."""

    def mark(
        entry_id: int | None,
        status: str,
        vote: str,
        marked: str,
        period: str,
        theme: str,
        request: gr.Request,
    ) -> tuple[str, str, Any, Any]:
        filters = (status, vote, marked, period, theme)
        return handlers.quick(verdict.value, entry_id, *filters, request=request)

    return mark
