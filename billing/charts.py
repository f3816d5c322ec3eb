"""The recap's bar charts, laid out here so the page and the PDF draw the same SVG.

One chart per paying partner: its shares by pool, billed against actual. The SVG is drawn at its
own size (never scaled down), so its 12 px text stays 12 px; a long pool label wraps on two lines
and keeps its full text as a tooltip; an axis gives the scale in euros.
"""

import textwrap
from collections import defaultdict
from decimal import Decimal

from billing.recap import Recap
from titres.money import ZERO, format_euros

WIDTH = 480  # the chart's width in pixels, as drawn
LABEL_CHARS = 26  # per line, at 12 px
BAR_X = 180  # where bars start: the labels' column is before it
BAR_MAX = 190  # the axis' length
BAR_HEIGHT = 14
ROW = 44  # two label lines or two bars, and a gap
TOP = 28  # the legend
AXIS = 30


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10^k at least `value`: round figures for the axis."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (1, 2, Decimal("2.5"), 5, 10):
        candidate = Decimal(step).scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)


def _short_euros(value: Decimal) -> str:
    return format_euros(value).replace(",00\u00a0€", "\u00a0€")


def _label_lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARS, break_long_words=True) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LABEL_CHARS, placeholder="…")]
    return lines


def partner_charts(recap: Recap) -> list[dict]:
    """Each visible paying partner's chart: bars, label lines, axis ticks, all in pixels."""
    by_partner: dict[str, dict[str, dict]] = defaultdict(dict)
    names = {}
    for line in recap.lines:
        partner = line.partner
        names[partner.short_name] = partner.name
        bar = by_partner[partner.short_name].setdefault(
            line.pool_code, {"label": line.pool_label, "budget": ZERO, "actual": ZERO}
        )
        bar["budget"] += line.billed or ZERO
        bar["actual"] += line.actual or ZERO
    shown = {row.code for row in recap.partners}  # a partner user's own partner only
    return laid_out(
        [
            {
                "code": code,
                "name": names[code],
                "bars": [by_partner[code][pool] for pool in sorted(by_partner[code])],
            }
            for code in sorted(c for c in by_partner if c in shown)
        ],
        with_actual=recap.actual_run is not None,
    )


def laid_out(charts: list[dict], *, with_actual: bool) -> list[dict]:
    """Lay out charts given as code, name and bars (label, budget, actual): pixels added."""
    for chart in charts:
        bars = chart["bars"]
        largest = max((abs(v) for b in bars for v in (b["budget"], b["actual"])), default=ZERO)
        scale = nice_ceiling(largest)
        for index, bar in enumerate(bars):
            y = TOP + index * ROW
            bar["y"] = y
            bar["lines"] = [
                {"text": text, "y": y + 12 + 15 * n}
                for n, text in enumerate(_label_lines(bar["label"]))
            ]
            sides = ("budget", "actual") if with_actual else ("budget",)
            bar["sides"] = []
            for offset, side in enumerate(sides):
                width = int(abs(bar[side]) / scale * BAR_MAX)
                bar["sides"].append(
                    {
                        "side": side,
                        "y": y + 1 + offset * (BAR_HEIGHT + 3),
                        "width": width,
                        "text_x": BAR_X + width + 5,
                        "text_y": y + 12 + offset * (BAR_HEIGHT + 3),
                        "text": format_euros(bar[side]),
                    }
                )
        axis_y = TOP + len(bars) * ROW
        chart["ticks"] = [
            {"x": BAR_X + int(BAR_MAX * n / 2), "text": _short_euros(scale * n / 2)}
            for n in range(3)
        ]
        chart.update(with_actual=with_actual, axis_y=axis_y, height=axis_y + AXIS)
    return charts


GEOMETRY = {
    "width": WIDTH,
    "bar_x": BAR_X,
    "bar_end": BAR_X + BAR_MAX,
    "bar_height": BAR_HEIGHT,
}
