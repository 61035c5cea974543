"""Outcome charts as small, self-contained SVG images: shapes only, the words stay in the HTML.

SVG text is drawn glyph by glyph, without the shaping Arabic needs, so a chart carries no text;
its labels and values are printed next to it, and its alternative text describes it.
"""

WIDTH, HEIGHT = 200, 90
_BAR_WIDTH = 60
BASELINE_COLOUR, RESULT_COLOUR = "#9aa5b1", "#0b5c8a"
_INK = "#1b1f24"


def baseline_result_chart(baseline: float, result: float, *, rtl: bool = False) -> bytes:
    """Two bars to scale, baseline and result; for right-to-left readers the baseline stands on the right."""
    top = max(abs(baseline), abs(result)) or 1.0
    plot = HEIGHT - 8
    bars = [(baseline, BASELINE_COLOUR), (result, RESULT_COLOUR)]
    if rtl:
        bars.reverse()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">'
    ]
    for position, (amount, colour) in enumerate(bars):
        height = max(2.0, plot * abs(amount) / top)
        x = 25 + position * (_BAR_WIDTH + 30)
        parts.append(
            f'<rect x="{x}" y="{4 + plot - height:.1f}" width="{_BAR_WIDTH}" height="{height:.1f}" fill="{colour}"/>'
        )
    parts.append(f'<line x1="10" y1="{4 + plot}" x2="{WIDTH - 10}" y2="{4 + plot}" stroke="{_INK}"/>')
    parts.append("</svg>")
    return "".join(parts).encode()
