"""The staff app's Unanswered tab: what patients could not get answered, grouped into themes,
with abstentions and votes over time and a CSV export (the to-do list for the next leaflet)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import gradio as gr

from qa.serving.logbook import Logbook
from qa.serving.themes import is_unanswered, themes
from ui.render_text import esc
from ui.report_render import chart_svg, themes_csv, themes_html, weekly_activity

CSV_NAME = "unanswered-themes.csv"


@dataclass(frozen=True)
class ReportHandlers:
    logbook: Logbook
    max_distance: float

    def refresh(self) -> tuple[str, str]:
        """The chart, and the themes table with its CSV download."""
        items = self.logbook.unanswered()
        found = themes(items, self.max_distance)
        ungrouped = sum(1 for e in items if is_unanswered(e) and e.vector is None)
        chart = chart_svg(weekly_activity(self.logbook.activity()))
        data = base64.b64encode(themes_csv(found).encode("utf-8")).decode("ascii")
        download = (
            f'<p><a id="qa-themes-csv" download="{CSV_NAME}" href="data:text/csv;base64,{data}">'
            f"Download the themes as CSV ({esc(CSV_NAME)})</a></p>"
            if found
            else ""
        )
        return chart, themes_html(found, ungrouped) + download


def report_tab(handlers: ReportHandlers, load: Any) -> None:
    gr.Markdown(
        "Abstentions, thumbs-down answers and answers marked wrong or unsafe, grouped by how "
        "alike the questions are. The largest theme is the first candidate for a new leaflet. "
        "Pick a theme in the Review tab's filter to read its replies."
    )
    refresh = gr.Button("Refresh", size="sm", elem_id="qa-report-refresh")
    chart = gr.HTML(elem_id="qa-report-chart")
    table = gr.HTML(elem_id="qa-report-themes")
    load(handlers.refresh, None, [chart, table], api_visibility="private")
    refresh.click(handlers.refresh, None, [chart, table], api_visibility="private")
