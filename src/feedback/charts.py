"""Charts as server-rendered SVG: they read without JavaScript, and a table always sits beside them."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# GOV.UK colours with at least 3:1 contrast against white (WCAG 1.4.11).
BAR = "#1d70b8"
POSITIVE = "#00703c"
BESIDE = "#5694ca"
OTHER = "#505a5f"
TRACK = "#f3f2f1"
TEXT = "#0b0c0c"


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int | None  # None: suppressed
    value_text: str  # what is written at the end of the bar, e.g. "94%" or "suppressed"
    colour: str = BAR


def bar_chart(chart_id: str, title: str, bars: list[Bar], width: int = 640) -> Markup:
    """Draw horizontal bars from 0 to 100%; suppressed bars are left empty and say so."""
    label_width = 260
    value_width = 90
    bar_area = width - label_width - value_width
    row = 34
    height = row * len(bars) + 10
    parts = [
        f'<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        y = 5 + index * row
        parts.append(
            f'<text x="{label_width - 10}" y="{y + 21}" text-anchor="end" fill="{TEXT}" '
            f'font-size="16">{escape(_shorten(bar.label, 32))}</text>'
        )
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{bar_area}" height="24" fill="{TRACK}"/>')
        if bar.percent is not None:
            length = round(bar_area * max(0, min(bar.percent, 100)) / 100)
            parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="24" fill="{bar.colour}"/>')
        parts.append(
            f'<text x="{label_width + bar_area + 8}" y="{y + 21}" fill="{TEXT}" font-size="16" '
            f'font-weight="700">{escape(bar.value_text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
