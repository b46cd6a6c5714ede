"""The split as a picture: a horizontal bar chart in SVG, drawn on the server.

Top payees by amount, the rest gathered as "everyone else". Only presentation
attributes (no style attributes, no script), so it passes the strict CSP and inherits
the page's colours through `currentColor` and classes.
"""

from __future__ import annotations

from django.utils.html import escape

from ensemble.core.money import format_money

TOP = 8
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 180
BAR_WIDTH = 360
AMOUNT_WIDTH = 120


def bars(amounts: list[tuple[str, int]], *, top: int = TOP) -> list[tuple[str, int]]:
    """The largest `top` amounts by name, then one bar for everyone else."""
    ranked = sorted((a for a in amounts if a[1] > 0), key=lambda a: (-a[1], a[0]))
    shown, rest = ranked[:top], ranked[top:]
    if rest:
        shown.append((f"Everyone else ({len(rest)})", sum(a for _, a in rest)))
    return shown


def split_chart(amounts: list[tuple[str, int]], currency: str, *, title: str) -> str:
    rows = bars(amounts)
    total = sum(a for _, a in rows) or 1
    largest = max((a for _, a in rows), default=1) or 1
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP)
    width = LABEL_WIDTH + BAR_WIDTH + AMOUNT_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="split-chart" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="split-chart-title">'
        f'<title id="split-chart-title">{escape(title)}</title>'
    ]
    for i, (name, amount) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        length = max(1, round(BAR_WIDTH * amount / largest))
        percent = f"{100 * amount / total:.1f} %"
        label = name if len(name) <= 24 else name[:23] + "…"
        parts.append(
            f'<g class="split-chart__row"><text x="{LABEL_WIDTH - 8}" y="{y + 15}" '
            f'text-anchor="end" fill="currentColor">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" rx="3" '
            f'class="split-chart__bar"><title>{escape(name)}: '
            f"{escape(format_money(amount, currency))} ({percent})</title></rect>"
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 15}" fill="currentColor">'
            f"{escape(format_money(amount, currency))} · {percent}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
