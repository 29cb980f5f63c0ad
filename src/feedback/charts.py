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


def bar_chart(chart_id: str, title: str, bars: list[Bar], small: bool = False) -> Markup:
    """Draw horizontal bars from 0 to 100%; suppressed bars are left empty and say so.

    Labels and figures are HTML text in the page's own font, so they keep their size on a
    phone; only the bars are drawn in SVG (no inline styles, which the CSP forbids).
    """
    classes = "app-chart app-chart--small govuk-body" if small else "app-chart govuk-body"
    # A full chart has its table beside it, so it is one image; a small one is read as text.
    role = "group" if small else "img"
    parts = [
        f'<div class="{classes}" id="{chart_id}" role="{role}" aria-labelledby="{chart_id}-title">',
        f'<p class="govuk-visually-hidden" id="{chart_id}-title">{escape(title)}</p>',
    ]
    for bar in bars:
        length = 0 if bar.percent is None else max(0, min(bar.percent, 100))
        parts.append(
            '<div class="app-chart__row">'
            f'<span class="app-chart__label">{escape(bar.label)}</span>'
            '<svg class="app-chart__bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false">'
            f'<rect width="100" height="10" fill="{TRACK}"/>'
            f'<rect width="{length}" height="10" fill="{bar.colour}"/></svg>'
            f'<span class="app-chart__value">{escape(bar.value_text)}</span>'
            "</div>"
        )
    parts.append("</div>")
    return Markup("".join(parts))
