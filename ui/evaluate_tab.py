"""The staff app's Evaluate tab: pick a suite, run it with a progress bar, read the report."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from qa.errors import QAError
from qa.evaluation.evaluate import Report, run_suite
from qa.evaluation.report import provenance, report_json, write_report
from qa.evaluation.suites import load_suite
from qa.serving.live import LivePipeline
from ui.render_text import esc

REPORTS = "reports"
# Gradio finds a gr.Progress default on a handler and passes a live tracker in its place.
_PROGRESS = gr.Progress()


@dataclass(frozen=True)
class EvaluateHandlers:
    live: LivePipeline

    @property
    def folder(self) -> Path:
        return self.live.pipeline.settings.serving.evals_dir

    def suites(self) -> list[str]:
        """Suite files offered to staff: the *.yaml files of the evals folder, by name only."""
        return sorted(p.name for p in self.folder.glob("*.yaml") if p.is_file())

    def run(self, name: str | None, progress: Any = _PROGRESS) -> tuple[str | None, str]:
        """Run one suite; returns the report.html path (for download) and a summary."""
        # Only a name from the list: never a path a request could point elsewhere.
        if not name or name not in self.suites():
            return None, "<p>Choose a suite first.</p>"
        path = self.folder / name
        pipeline = self.live.current()  # one index for the whole run
        try:
            suite = load_suite(path, pipeline.index.documents.keys())
        except QAError as err:
            return None, f'<p class="qa-eval-error">{esc(str(err))}</p>'
        total = len(suite.cases)
        done = 0

        def ask(question: str, history: Sequence[str] = ()) -> Any:
            nonlocal done
            progress((done, total), desc=f"case {done + 1} of {total}")
            done += 1
            return pipeline.ask(question, history)

        report = run_suite(suite, ask, pipeline.index)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        out = self.folder / REPORTS / f"{stamp}-{path.stem}"
        prov = provenance(pipeline.settings, pipeline.index.manifest, [path])
        _, html_path = write_report(out, report_json([report], prov))
        return str(html_path), summary_html(report, html_path)


def summary_html(report: Report, html_path: Path) -> str:
    """Metrics and every failed case with its reasons; the full report is the download."""
    rows = "".join(
        f"<tr><td>{esc(k)}</td><td>{'n/a' if v is None else esc(str(v))}</td></tr>"
        for k, v in report.metrics.items()
    )
    failed = [c for c in report.cases if not c.passed]
    items = "".join(
        f"<li><b>{esc(c.id)}</b>: {esc(c.question)}<br>{esc('; '.join(c.reasons))}</li>"
        for c in failed
    )
    return (
        f'<div id="qa-eval-summary"><h3>{esc(report.suite)}: {len(report.cases)} cases, '
        f"{len(failed)} failed</h3><table><tbody>{rows}</tbody></table>"
        f"<h4>Failed cases</h4><ul>{items or '<li>none</li>'}</ul>"
        f"<p>Full report (charts, every case): {esc(html_path.name)} in "
        f"{esc(str(html_path.parent))}, also downloadable above.</p></div>"
    )


def evaluate_tab(handlers: EvaluateHandlers, on_load: Callable[..., Any]) -> None:
    names = handlers.suites()
    pick = gr.Dropdown(
        choices=names, value=names[0] if names else None, label="Suite", elem_id="qa-eval-suite"
    )
    run = gr.Button("Run suite", variant="primary", elem_id="qa-eval-run")
    # Hidden until there is a report: Gradio's empty file box carries an aria-label on a
    # role-less div, which WCAG checkers refuse (aria-prohibited-attr).
    report = gr.File(
        label="Report (HTML)", interactive=False, visible=False, elem_id="qa-eval-report"
    )
    summary = gr.HTML(elem_id="qa-eval-result")

    def run_and_offer(name: str | None, progress: Any = _PROGRESS) -> tuple[Any, str]:
        path, summary_text = handlers.run(name, progress)
        return gr.File(value=path, visible=path is not None), summary_text

    run.click(run_and_offer, pick, [report, summary], api_visibility="private")
    on_load(lambda: gr.Dropdown(choices=handlers.suites()), None, pick, api_visibility="private")
