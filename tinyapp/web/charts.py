"""Charts drawn on the server as SVG: no JavaScript, no external service, printable.

Each chart is an ``<svg role="img">`` with a <title> and <desc> that screen readers
announce; pages put a table of the same numbers next to it. Every piece of text is
escaped here, which is why templates may insert the result with ``{{!chart}}``.
Rankings (top products, categories) are HTML tables with a bar in each row instead
(templates/_bar_table.tpl): long names wrap there, and text keeps its size on a phone.
"""

from collections.abc import Callable
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


def compact(value: float) -> str:
    """Label an axis value briefly: 2500 -> '2.5k', 1200000 -> '1.2M', 0.5 -> '0.5'."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.1f}".rstrip("0").rstrip(".")


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
                 description: str, label: Callable[[str], str] = str) -> str:
    """Draw one column per period (sales per day or month), with a labelled value axis.

    ``label`` writes a period for the axis (the page's date style). A chart with nothing
    to show says so instead of drawing an axis from 0 to 0.
    """
    width, height, left, right, top, bottom = 720, 270, 76, 12, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((float(v) for _, v in points), default=0)
    parts = _open(chart_id, "columns", width, height, title, description)
    if highest <= 0:
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" '
                     f'y1="{top + plot_h}" y2="{top + plot_h}"/>')
        parts.append(f'<text class="empty-note" x="{width / 2:.0f}" y="{height / 2:.0f}" '
                     'text-anchor="middle">No sales in this period</text></svg>')
        return "\n".join(parts)
    top_value = nice_ceiling(highest)
    for fraction in (0, 0.5, 1):
        y = top + plot_h - plot_h * fraction
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" '
                     f'y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{left - 8}" y="{y + 6:.1f}" text-anchor="end">'
                     f'{escape(compact(top_value * fraction))}</text>')
    slot = plot_w / max(len(points), 1)
    every = max(1, round(len(points) / 5))
    for index, (period, value) in enumerate(points):
        bar_h = plot_h * float(value) / top_value
        x = left + index * slot + slot * 0.15
        y = top + plot_h - bar_h
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{max(bar_h, 0):.1f}"><title>{escape(label(period))}: '
                     f'{escape(_amount(value))}</title></rect>')
        if index % every == 0:
            parts.append(f'<text class="axis" x="{x + slot * 0.35:.1f}" y="{height - 12}" '
                         f'text-anchor="middle">{escape(label(period))}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def bar_rows(items: list[dict]) -> list[dict]:
    """Add to each ranked item (with an "amount") its bar's length, 0-100, for _bar_table.tpl."""
    top_value = max((float(Decimal(item["amount"])) for item in items), default=0) or 1.0
    return [{**item, "bar": round(100 * float(Decimal(item["amount"])) / top_value, 1)}
            for item in items]
