"""`report.json` -> one self-contained HTML page: no scripts, no external files, inline SVG charts.

Every piece of text from a suite, an answer or a setting goes through `html.escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from qa.evaluation.report_parts import bar_chart, cell, figure, histogram, table
from qa.evaluation.report_reading import reading_html
from qa.evaluation.report_triage import confusion_html

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}
h3{font-size:15px}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3}.pass{color:#176f2c;font-weight:600}.fail{color:#b00020;font-weight:600}
.reg{background:#fde7ea}.warn{background:#fff4d6;padding:6px 10px;margin:4px 0}
.charts{display:flex;flex-wrap:wrap;gap:24px}.small{color:#666;font-size:12px}
td.q{max-width:280px}code{font-size:12px}
.cites{list-style:none;padding-left:8px;color:#555;font-size:12px}
"""


def render(data: dict[str, Any]) -> str:
    prov = data.get("provenance", {})
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Evaluation report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Evaluation report</h1>",
        _provenance(prov),
    ]
    if "comparison" in data:
        parts.append(_comparison(data["comparison"]))
    threshold = prov.get("settings", {}).get("abstain_min_support")
    for suite in data.get("suites", []):
        parts.append(_suite(suite, threshold))
    parts.append("</body></html>")
    return "\n".join(parts)


def _provenance(prov: dict[str, Any]) -> str:
    index = prov.get("index", {})
    rows = [
        ["date", cell(prov.get("date"))],
        ["qa version", cell(prov.get("qa_version"))],
        ["git commit", f"<code>{cell(prov.get('git_commit'))}</code>"],
        ["model", cell(index.get("model"))],
        ["corpus hash", f"<code>{cell(index.get('corpus_hash'))}</code>"],
        ["index", cell(f"{index.get('documents')} documents, {index.get('chunks')} chunks")],
    ]
    rows += [
        [f"suite {cell(s.get('path'))}", f"sha256 <code>{cell(s.get('sha256'))}</code>"]
        for s in prov.get("suites", [])
    ]
    settings = ", ".join(f"{k}={v}" for k, v in prov.get("settings", {}).items())
    return (
        "<h2>What produced this report</h2>"
        + table(["", ""], rows)
        + f'<p class="small">settings: {escape(settings)}</p>'
    )


def _comparison(comp: dict[str, Any]) -> str:
    base = comp.get("baseline", {})
    out = [
        "<h2>Compared with the baseline</h2>",
        f"<p>baseline from {cell(base.get('date'))}, commit <code>{cell(base.get('git_commit'))}"
        f"</code>; tolerance {cell(comp.get('tolerance'))}. "
        + ('<span class="fail">A metric regressed.</span>' if comp.get("regressed") else "")
        + "</p>",
    ]
    out += [f'<div class="warn">warning: {cell(w)}</div>' for w in comp.get("warnings", [])]
    deltas = comp.get("deltas", [])
    out.append(
        table(
            ["suite", "metric", "baseline", "now", "change", ""],
            [
                [
                    cell(d["suite"]),
                    cell(d["metric"]),
                    cell(d["old"]),
                    cell(d["new"]),
                    cell(f"{d['delta']:+}"),
                    "regressed" if d["regressed"] else "",
                ]
                for d in deltas
            ],
            ["reg" if d["regressed"] else "" for d in deltas],
        )
    )
    flips = comp.get("flips", [])
    out.append(f"<h3>Cases that flipped ({len(flips)})</h3>")
    if flips:
        out.append(
            table(
                ["suite", "case", "change", "reasons now"],
                [
                    [cell(x) for x in (f["suite"], f["id"], f["change"], "; ".join(f["reasons"]))]
                    for f in flips
                ],
                ["reg" if f["change"] == "pass→fail" else "" for f in flips],
            )
        )
    return "\n".join(out)


def _suite(suite: dict[str, Any], threshold: float | None) -> str:
    cases = suite.get("cases", [])
    failed = sum(1 for c in cases if not c["passed"])
    metrics = {**suite.get("metrics", {}), **suite.get("retrieval", {})}
    tags = suite.get("tags", {})
    answerable = [c["support"] for c in cases if _answerable(c) and c.get("support") is not None]
    unanswerable = [
        c["support"] for c in cases if c.get("expect_abstain") and c.get("support") is not None
    ]
    words = [float(c["answer_words"]) for c in cases if c.get("status") == "answered"]
    return "\n".join(
        [
            f"<h2>Suite {cell(suite.get('suite'))} — {len(cases)} cases, {failed} failed</h2>",
            table(["metric", "value"], [[cell(k), cell(v)] for k, v in metrics.items()]),
            '<p class="small">hit@k: an expected source among the top k retrieved passages; '
            "MRR: mean of 1/rank of the first passage from an expected source (0 if none), "
            "over cases that name expected sources.</p>",
            '<div class="charts">',
            figure(
                "Accuracy by tag", bar_chart([(t, float(r["accuracy"])) for t, r in tags.items()])
            ),
            figure(
                "Abstention score (evidence support)",
                histogram(
                    {"answerable": answerable, "unanswerable": unanswerable},
                    threshold=threshold,
                    threshold_label="abstain below",
                ),
            ),
            figure("Answer length (words)", histogram({"answers": words})),
            "</div>",
            reading_html(suite),
            confusion_html(cases),
            "<h3>By tag</h3>",
            table(
                ["tag", "cases", "passed", "accuracy"],
                [
                    [cell(t), cell(r["cases"]), cell(r["passed"]), cell(r["accuracy"])]
                    for t, r in tags.items()
                ],
            ),
            "<h3>Every case</h3>",
            _cases_table(cases),
        ]
    )


def _answerable(case: dict[str, Any]) -> bool:
    return not case.get("expect_abstain") and not case.get("expect_escalate")


def _expected(case: dict[str, Any]) -> str:
    if case.get("expect_escalate"):
        return f"escalate: {case['expect_escalate']}"
    if case.get("expect_abstain"):
        return "abstain"
    sources = ", ".join(case.get("expect_sources", []))
    return f"answer{' from ' + sources if sources else ''}"


def _cases_table(cases: Sequence[dict[str, Any]]) -> str:
    rows = []
    for c in cases:
        cites = "".join(
            f"<li>[{cell(x['n'])}] {cell(x['source_id'])}"
            + (f" — {cell(x['section'])}" if x.get("section") else "")
            + "</li>"
            for x in c.get("citations", [])
        )
        verdict = (
            '<span class="pass">pass</span>' if c["passed"] else '<span class="fail">FAIL</span>'
        )
        reasons = "<br>".join(cell(r) for r in c.get("reasons", []))
        rows.append(
            [
                cell(c["id"]),
                f'<div class="q">{cell(c["question"])}</div>',
                cell(", ".join(c.get("tags", []))),
                cell(_expected(c)),
                verdict,
                cell(c.get("status")),
                f"{cell(c.get('answer'))}" + (f"<ul class=cites>{cites}</ul>" if cites else ""),
                reasons,
                cell(c.get("support")),
                cell(c.get("reading_grade")),
            ]
        )
    return table(
        [
            "id",
            "question",
            "tags",
            "expected",
            "verdict",
            "status",
            "answer and citations",
            "why it failed",
            "support",
            "reading grade",
        ],
        rows,
        ["" if c["passed"] else "reg" for c in cases],
    )
