"""Server-side SVG charts (no JavaScript, no CDN): horizontal bar charts (one or more series)
and a line chart. Pure: labels and numbers in, an SVG string out. Each chart is decorative
next to its data table (role="img" with a title; the table is what screen readers read)."""

from __future__ import annotations

from django.utils.html import escape

COLOURS = ("#1f5f8b", "#c2571a", "#2e7d32", "#6a1b9a", "#795548")
BAR_HEIGHT = 14
GAP = 6
LABEL_WIDTH = 150
PLOT_WIDTH = 260
WIDTH = LABEL_WIDTH + PLOT_WIDTH + 50


def _number(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if v % 1 else f"{int(v)}"


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(labels: list[str], series: list[list[float]], *, series_names: list[str], title: str) -> str:
    top = max((max(s) for s in series if s), default=0) or 1
    group = BAR_HEIGHT * len(series) + GAP
    legend = 18 if len(series) > 1 else 0
    height = legend + group * len(labels) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="oversight-chart"><title>{escape(title)}</title>'
    ]
    if legend:
        x = 0
        for i, name in enumerate(series_names):
            parts.append(f'<rect x="{x}" y="3" width="10" height="10" fill="{COLOURS[i % len(COLOURS)]}"/>')
            parts.append(f'<text x="{x + 14}" y="12" font-size="10">{escape(_short(name, 16))}</text>')
            x += 92
    for row, label in enumerate(labels):
        y0 = legend + row * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 4}" y="{y0 + BAR_HEIGHT * len(series) / 2 + 4}" font-size="10" '
            f'text-anchor="end">{escape(_short(label))}</text>'
        )
        for i, values in enumerate(series):
            value = values[row]
            w = PLOT_WIDTH * value / top
            y = y0 + i * BAR_HEIGHT
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT - 2}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + w + 3:.1f}" y="{y + BAR_HEIGHT - 4}" font-size="9">{_number(value)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(labels: list[str], values: list[float], *, title: str) -> str:
    height, left, bottom, width = 160, 36, 24, WIDTH
    plot_w, plot_h = width - left - 10, height - bottom - 10
    top = max(values, default=0) or 1
    step = plot_w / max(len(values) - 1, 1)
    points = [(left + i * step, 10 + plot_h - plot_h * v / top) for i, v in enumerate(values)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="oversight-chart"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{10 + plot_h}" x2="{width - 10}" y2="{10 + plot_h}" stroke="#666"/>',
        f'<text x="{left - 4}" y="14" font-size="9" text-anchor="end">{_number(top)}</text>',
        f'<text x="{left - 4}" y="{10 + plot_h}" font-size="9" text-anchor="end">0</text>',
    ]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[0]}" stroke-width="2"/>')
    for (x, y), v in zip(points, values, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS[0]}"><title>{_number(v)}</title></circle>'
        )
    every = max(1, len(labels) // 6)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{points[i][0]:.1f}" y="{height - 8}" font-size="9" text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
