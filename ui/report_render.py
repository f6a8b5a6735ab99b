"""The report of unanswered questions as HTML, SVG and CSV (pure functions; all outside text
escaped, and CSV cells that a spreadsheet would run as a formula neutralised)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from qa.serving.themes import Theme, week_of
from qa.text import spreadsheet_cell
from ui.render import table_html
from ui.render_text import esc

_THEME_HEADERS = (
    "#",
    "Items",
    "Theme",
    "Per week",
    "Examples",
    "Closest documents",
    "Why unanswered",
)

# Weeks shown in the chart: half a year is as far back as a retention period usually reaches.
CHART_WEEKS = 26
_SERIES = (("abstained", "#b45309"), ("thumbs down", "#b91c1c"), ("thumbs up", "#15803d"))
_WIDTH, _HEIGHT, _PAD = 640, 220, 32


def weekly_activity(activity: Sequence[tuple[float, str, int | None]]) -> dict[str, list[int]]:
    """Per ISO week: [abstained, thumbs down, thumbs up], the newest CHART_WEEKS weeks."""
    weeks: dict[str, list[int]] = {}
    for created, status, vote in activity:
        row = weeks.setdefault(week_of(created), [0, 0, 0])
        row[0] += status == "abstained"
        row[1] += vote == -1
        row[2] += vote == 1
    return dict(sorted(weeks.items())[-CHART_WEEKS:])


def chart_svg(weeks: dict[str, list[int]]) -> str:
    """Grouped bars per week, with a text table beside it for screen readers."""
    if not weeks:
        return "<p>No replies kept yet.</p>"
    top = max(max(v) for v in weeks.values()) or 1
    slot = (_WIDTH - 2 * _PAD) / len(weeks)
    bar = min(18.0, max(2.0, slot / 4))
    bars: list[str] = []
    labels: list[str] = []
    for i, (week, values) in enumerate(weeks.items()):
        x0 = _PAD + i * slot + (slot - 3 * bar) / 2
        for k, (value, (name, colour)) in enumerate(zip(values, _SERIES, strict=True)):
            h = (_HEIGHT - 2 * _PAD) * value / top
            bars.append(
                f'<rect x="{x0 + k * bar:.1f}" y="{_HEIGHT - _PAD - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}">'
                f"<title>{esc(week)}: {value} {name}</title></rect>"
            )
        if len(weeks) <= 8 or i % max(1, len(weeks) // 8) == 0:
            labels.append(
                f'<text x="{x0 + 1.5 * bar:.1f}" y="{_HEIGHT - 10}" font-size="11" '
                f'text-anchor="middle" fill="#1f2937">{esc(week[5:])}</text>'
            )
    legend = " ".join(
        f'<span class="qa-legend"><span aria-hidden="true" style="display:inline-block;'
        f'width:0.8em;height:0.8em;margin:0 0.3em 0 0.8em;background:{colour}"></span>{name}</span>'
        for name, colour in _SERIES
    )
    rows = "".join(
        f"<tr><td>{esc(w)}</td>" + "".join(f"<td>{n}</td>" for n in v) + "</tr>"
        for w, v in weeks.items()
    )
    return (
        '<figure class="qa-chart" id="qa-activity-chart">'
        f'<svg viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" width="100%" '
        f'style="max-width:{_WIDTH}px" '
        'aria-labelledby="qa-chart-caption">'
        f'<line x1="{_PAD}" y1="{_HEIGHT - _PAD}" x2="{_WIDTH - _PAD}" y2="{_HEIGHT - _PAD}" '
        f'stroke="#6b7280"/>{"".join(bars)}{"".join(labels)}'
        f'<text x="{_PAD}" y="14" font-size="11" fill="#1f2937">max {top} a week</text></svg>'
        f'<figcaption id="qa-chart-caption">Abstentions and patients\' votes per week '
        f"(ISO weeks, UTC). {legend}</figcaption>"
        '<details><summary>The same figures as a table</summary><table class="qa-table">'
        "<thead><tr><th>week</th><th>abstained</th><th>thumbs down</th><th>thumbs up</th></tr>"
        f"</thead><tbody>{rows}</tbody></table></details></figure>"
    )


def themes_html(themes: Sequence[Theme], without_vector: int = 0) -> str:
    note = (
        f"<p>{without_vector} unanswered item(s) have no stored vector (kept by an older "
        "version) and are not grouped.</p>"
        if without_vector
        else ""
    )
    if not themes:
        return "<p>No unanswered questions in the kept period.</p>" + note
    rows = "".join(_theme_row(t) for t in themes)
    return (
        f"<p>{sum(t.count for t in themes)} unanswered item(s) in {len(themes)} theme(s), "
        "largest first. Examples are only questions their patients chose to share.</p>"
        f"{note}{table_html('Themes', _THEME_HEADERS, rows, 'qa-themes')}"
    )


def _theme_row(theme: Theme) -> str:
    weeks = ", ".join(f"{esc(w[5:])}: {n}" for w, n in theme.weekly().items())
    examples = (
        "".join(f"<li>{esc(q)}</li>" for q in theme.examples) or "<li><em>none shared</em></li>"
    )
    return (
        f"<tr><td>{theme.number}</td><td>{theme.count}</td><td>{esc(theme.label)}</td>"
        f"<td>{weeks}</td><td><ul>{examples}</ul></td><td>{_counted(theme.documents)}</td>"
        f"<td>{_counted(theme.reasons)}</td></tr>"
    )


def _counted(pairs: Sequence[tuple[str, int]]) -> str:
    return "<br>".join(f"{esc(name)} ({n})" for name, n in pairs) or "–"


def themes_csv(themes: Sequence[Theme]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["theme", "items", "label", "per_week", "examples", "documents", "reasons"])
    for t in themes:
        writer.writerow(
            [
                t.number,
                t.count,
                spreadsheet_cell(t.label),
                "; ".join(f"{w}: {n}" for w, n in t.weekly().items()),
                spreadsheet_cell(" | ".join(t.examples)),
                spreadsheet_cell("; ".join(f"{d} ({n})" for d, n in t.documents)),
                spreadsheet_cell("; ".join(f"{r} ({n})" for r, n in t.reasons)),
            ]
        )
    return out.getvalue()
