"""Building blocks of the HTML report: a table, and inline SVG bar charts and histograms."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_GREEN, _RED, _BLUE, _ORANGE = "#2e8b57", "#c0392b", "#3b6fb6", "#e08a1e"


def cell(value: object) -> str:
    """A value as escaped text; "n/a" for a missing one."""
    return escape("n/a" if value is None else str(value))


def figure(title: str, svg: str) -> str:
    return f"<figure><figcaption>{escape(title)}</figcaption>{svg}</figure>"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], row_class: Sequence[str] = ()
) -> str:
    """A table; cells must already be escaped HTML."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_class[i]}"' if i < len(row_class) and row_class[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def bar_chart(items: Sequence[tuple[str, float]], width: int = 420, top: float = 1.0) -> str:
    """Horizontal bars for values in [0, top], one per label."""
    if not items:
        return '<p class="small">no data</p>'
    label_w, bar_h, gap = 150, 16, 6
    height = len(items) * (bar_h + gap) + 20
    span = width - label_w - 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i, (label, value) in enumerate(items):
        y = 10 + i * (bar_h + gap)
        w = max(0.0, min(1.0, value / top)) * span
        out.append(
            f'<text x="{label_w - 6}" y="{y + 12}" font-size="12" text-anchor="end">'
            f"{escape(label[:24])}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{_BLUE}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 12}" font-size="11">{value:.2f}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def histogram(
    series: dict[str, Sequence[float]],
    bins: int = 12,
    threshold: float | None = None,
    threshold_label: str = "",
    width: int = 420,
    height: int = 200,
) -> str:
    """Side-by-side histograms of one or more series on a shared axis; optional vertical line."""
    values = [v for vs in series.values() for v in vs]
    if not values:
        return '<p class="small">no data</p>'
    lo = min([*values, threshold] if threshold is not None else values)
    hi = max([*values, threshold] if threshold is not None else values)
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    step = (hi - lo) / bins
    counts = {
        name: [sum(1 for v in vs if min(int((v - lo) / step), bins - 1) == b) for b in range(bins)]
        for name, vs in series.items()
    }
    top = max(max(c) for c in counts.values()) or 1
    left, bottom, plot_w, plot_h = 30, height - 30, width - 40, height - 60
    colours = [_GREEN, _RED, _ORANGE, _BLUE]
    per = plot_w / bins / max(1, len(series))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
        f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="#999"/>',
        f'<text x="{left}" y="{height - 12}" font-size="11">{lo:.2f}</text>',
        f'<text x="{left + plot_w}" y="{height - 12}" font-size="11" text-anchor="end">'
        f"{hi:.2f}</text>",
        f'<text x="4" y="{bottom - plot_h + 4}" font-size="11">{top}</text>',
    ]
    for s, (name, cs) in enumerate(counts.items()):
        colour = colours[s % len(colours)]
        for b, n in enumerate(cs):
            h = n / top * plot_h
            x = left + b * plot_w / bins + s * per
            out.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{per - 1:.1f}" height="{h:.1f}" '
                f'fill="{colour}" opacity="0.8"><title>{escape(name)}: {n}</title></rect>'
            )
        out.append(
            f'<rect x="{left + 10 + s * 130}" y="6" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + 24 + s * 130}" y="15" font-size="11">'
            f"{escape(name)} ({len(series[name])})</text>"
        )
    if threshold is not None:
        x = left + (threshold - lo) / (hi - lo) * plot_w
        out.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom - plot_h}" '
            'stroke="#000" stroke-dasharray="4 3"/>'
            f'<text x="{x + 3:.1f}" y="{bottom - plot_h + 10}" font-size="11">'
            f"{escape(threshold_label)} {threshold:.3f}</text>"
        )
    out.append("</svg>")
    return "".join(out)
