"""The triage part of a suite's HTML report: what each catalogue category was given.

Rows are the categories the suite's cases were written for (`category:`; "informational"
for near-misses), columns what the bot did: each escalation level, an answer under a caution
line, or neither. The cell a category should land in is outlined, so the misses stand out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Any

from qa.evaluation.evaluate import CAUGHT_BY
from qa.evaluation.suites import NOT_ESCALATED

OUTCOMES = ("emergency", "urgent", "crisis", "caution", "not escalated")
_CAUGHT = {**CAUGHT_BY, NOT_ESCALATED: {"caution", "not escalated"}}


def outcome(case: dict[str, Any]) -> str:
    if case.get("status") == "escalated" and case.get("escalation") in OUTCOMES:
        return str(case["escalation"])
    return "caution" if case.get("caution") else "not escalated"


def confusion_html(cases: Sequence[dict[str, Any]]) -> str:
    """The category x outcome table, or "" when no case names a category."""
    triaged = [c for c in cases if c.get("expect_category")]
    if not triaged:
        return ""
    counts: Counter[tuple[str, str]] = Counter()
    expected: dict[str, str] = {}
    for c in triaged:
        category = str(c["expect_category"])
        counts[(category, outcome(c))] += 1
        expected[category] = str(c.get("expect_escalate") or "none")
    head = "".join(f"<th>{escape(o)}</th>" for o in ("category", "expected", *OUTCOMES))
    rows = []
    for category in sorted(expected, key=lambda k: (expected[k], k)):
        good = _CAUGHT.get(expected[category], set())
        cells = []
        for o in OUTCOMES:
            n = counts[(category, o)]
            style = ' style="outline:2px solid #2e8b57"' if o in good else ""
            miss = n and o not in good
            text = f'<span class="fail">{n}</span>' if miss else str(n or "")
            cells.append(f"<td{style}>{text}</td>")
        rows.append(
            f"<tr><td>{escape(category)}</td><td>{escape(expected[category])}</td>"
            + "".join(cells) + "</tr>"
        )
    return (
        "<h3>Triage by category</h3>"
        '<p class="small">Rows: the catalogue category each case was written for. Outlined: '
        "where it should land (an urgent case sent to the emergency number is caught; a "
        "near-miss may get a caution line). Red: misses.</p>"
        f"<table><tr>{head}</tr>{''.join(rows)}</table>"
    )
