"""Charts drawn on the server as SVG: no JavaScript, no external service, printable.

Each chart is an ``<svg role="img">`` with a <title> and <desc> that screen readers
announce; pages put a table of the same numbers next to it. Every piece of text is
escaped here, which is why templates may insert the result with ``{{!chart}}``.
"""

import datetime as dt
from decimal import Decimal
from html import escape
from math import floor, log10

Number = int | float | Decimal


def nice_ceiling(value: Number) -> float:
    """Round value up to 1, 2 or 5 times a power of ten (the top of the axis)."""
    if value <= 0:
        return 1.0
    power = 10 ** floor(log10(float(value)))
    for step in (1, 2, 5, 10):
        if float(value) <= step * power:
            return float(step * power)
    return float(10 * power)


def short_period(period: str) -> str:
    """Label '2026-11-24' as '24 Nov' and '2026-11' as 'Nov 2026'."""
    try:
        if len(period) == 10:
            return dt.date.fromisoformat(period).strftime("%d %b").lstrip("0")
        return dt.date.fromisoformat(period + "-01").strftime("%b %Y")
    except ValueError:
        return period


def compact(value: float) -> str:
    """Label an axis value briefly: 2500 -> '2.5k', 1200000 -> '1.2M'."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.0f}"


def _amount(value: Number) -> str:
    return f"{Decimal(value):,.2f}" if isinstance(value, Decimal) else f"{value:,}"


def _open(chart_id: str, kind: str, width: int, height: int, title: str,
          description: str) -> list[str]:
    key = escape(chart_id)
    return [f'<svg class="chart chart-{kind}" id="{key}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-labelledby="{key}-title {key}-desc" '
            'xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{key}-title">{escape(title)}</title>',
            f'<desc id="{key}-desc">{escape(description)}</desc>']


def column_chart(chart_id: str, points: list[tuple[str, Number]], title: str,
                 description: str) -> str:
    """Draw one column per period (sales per day or month), with a labelled value axis."""
    width, height, left, right, top, bottom = 720, 260, 56, 12, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_ceiling(max((float(v) for _, v in points), default=0))
    parts = _open(chart_id, "columns", width, height, title, description)
    for fraction in (0, 0.5, 1):
        y = top + plot_h - plot_h * fraction
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" '
                     f'y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{escape(compact(top_value * fraction))}</text>')
    slot = plot_w / max(len(points), 1)
    every = max(1, round(len(points) / 6))
    for index, (label, value) in enumerate(points):
        bar_h = plot_h * float(value) / top_value
        x = left + index * slot + slot * 0.15
        y = top + plot_h - bar_h
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{max(bar_h, 0):.1f}"><title>{escape(short_period(label))}: '
                     f'{escape(_amount(value))}</title></rect>')
        if index % every == 0:
            parts.append(f'<text class="axis" x="{x + slot * 0.35:.1f}" y="{height - 10}" '
                         f'text-anchor="middle">{escape(short_period(label))}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(chart_id: str, points: list[tuple[str, Number]], title: str,
              description: str) -> str:
    """Draw one horizontal bar per item (top products, categories), its value beside it."""
    width, row, label_w, value_w = 440, 26, 168, 80
    height = max(row * len(points), row) + 8
    top_value = max((float(v) for _, v in points), default=0) or 1.0
    parts = _open(chart_id, "bars", width, height, title, description)
    for index, (label, value) in enumerate(points):
        y = 4 + index * row
        bar_w = (width - label_w - value_w) * float(value) / top_value
        name = label if len(label) <= 21 else label[:20] + "…"
        parts.append(f'<text class="label" x="{label_w - 8}" y="{y + 17}" '
                     f'text-anchor="end">{escape(name)}</text>')
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{bar_w:.1f}" '
                     f'height="{row - 8}"><title>{escape(label)}: {escape(_amount(value))}'
                     '</title></rect>')
        parts.append(f'<text class="value" x="{label_w + bar_w + 6:.1f}" y="{y + 17}">'
                     f'{escape(_amount(value))}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
