"""The reading part of a suite's HTML report: how hard its answers are to read, per suite and per
cited source (Flesch-Kincaid grade of the quoted sentences: qa/evaluation/readability.py).

Every piece of text from the report goes through `cell` (escaped).
"""

from __future__ import annotations

from typing import Any

from qa.evaluation.report_parts import bar_chart, cell, figure, table

# The bar chart's full width, in grades: a bar at this grade or above fills it.
_TOP_GRADE = 20.0


def reading_html(suite: dict[str, Any]) -> str:
    """A line with the suite's mean and median grade, then a table and a bar chart per source."""
    metrics = suite.get("metrics", {})
    answered = [c for c in suite.get("cases", []) if c.get("status") == "answered"]
    graded = sum(1 for c in answered if c.get("reading_grade") is not None)
    by_source = suite.get("reading_by_source", {})
    out = [
        "<h3>Reading grade</h3>",
        "<p>Flesch-Kincaid grade of the quoted sentences: mean "
        f"{cell(metrics.get('reading_grade_mean'))}, "
        f"median {cell(metrics.get('reading_grade_p50'))}"
        f", over {graded} of {len(answered)} answers (shorter answers are not graded).</p>",
        '<p class="small">A US school grade: higher is harder to read; text for patients is '
        "often aimed at grade 6-8. An answer quoting several sources counts, with its whole "
        "grade, for each.</p>",
    ]
    if not by_source:
        return "\n".join(out)
    out.append(
        table(
            ["source", "title", "answers", "graded", "mean grade"],
            [
                [
                    f"<code>{cell(source)}</code>",
                    cell(row.get("title")),
                    cell(row.get("answers")),
                    cell(row.get("graded")),
                    cell(row.get("grade_mean")),
                ]
                for source, row in by_source.items()
            ],
        )
    )
    bars = [
        (str(source), float(row["grade_mean"]))
        for source, row in by_source.items()
        if row.get("grade_mean") is not None
    ]
    if bars:
        out.append(figure("Mean reading grade by source", bar_chart(bars, top=_TOP_GRADE)))
    return "\n".join(out)
