"""Outcome charts as small, self-contained SVG images."""

from xml.sax.saxutils import escape

WIDTH, HEIGHT = 260, 120
_BAR_WIDTH = 70
_BASELINE_COLOUR, _RESULT_COLOUR, _INK = "#9aa5b1", "#0b5c8a", "#1b1f24"


def baseline_result_chart(
    baseline: float,
    result: float,
    labels: tuple[str, str],
    values: tuple[str, str],
    *,
    font_family: str,
    rtl: bool = False,
) -> bytes:
    """Two bars, baseline and result, each labelled with its formatted value.

    ``labels`` and ``values`` are already localised; for right-to-left readers the baseline
    stands on the right, so the chart reads in the same direction as the page.
    """
    top = max(abs(baseline), abs(result)) or 1.0
    plot = HEIGHT - 44
    bars = [(labels[0], values[0], baseline, _BASELINE_COLOUR), (labels[1], values[1], result, _RESULT_COLOUR)]
    if rtl:
        bars.reverse()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{escape(font_family)}" font-size="11">'
    ]
    for position, (label, value, amount, colour) in enumerate(bars):
        height = max(2.0, plot * abs(amount) / top)
        x = 30 + position * (_BAR_WIDTH + 60)
        y = 16 + plot - height
        centre = x + _BAR_WIDTH / 2
        parts.append(f'<rect x="{x}" y="{y:.1f}" width="{_BAR_WIDTH}" height="{height:.1f}" fill="{colour}"/>')
        parts.append(
            f'<text x="{centre}" y="{y - 4:.1f}" text-anchor="middle" fill="{_INK}" font-weight="bold">'
            f"{escape(value)}</text>"
        )
        parts.append(f'<text x="{centre}" y="{HEIGHT - 12}" text-anchor="middle" fill="{_INK}">{escape(label)}</text>')
    parts.append(f'<line x1="20" y1="{16 + plot}" x2="{WIDTH - 20}" y2="{16 + plot}" stroke="{_INK}"/>')
    parts.append("</svg>")
    return "".join(parts).encode()
