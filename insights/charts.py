"""Weekly trend charts as plain geometry for a server-rendered SVG: no script, no build step, printable.

Each chart is a row of bars, one per week of the period; the template draws them with CSS colours that follow the
page's light or dark scheme, gives every bar a <title>, and the page carries the same numbers as a table.
"""

from dataclasses import dataclass

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 560, 150, 14, 22, 4


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # the week, e.g. "week of 2026-03-02"
    text: str  # the value as the page writes it
    href: str


@dataclass
class Chart:
    key: str
    title: str
    description: str
    bars: list[Bar]
    peak_text: str
    first_label: str
    last_label: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM


def bar_chart(key: str, title: str, points: list[tuple[str, float | None, str, str]], peak_text) -> Chart:
    """`points`: (week label, value or None, value as text, link) in week order; `peak_text` writes the scale's top."""
    values = [v for _, v, _, _ in points if v is not None]
    peak = max(values, default=0) or 1
    slot = (WIDTH - LEFT) / max(len(points), 1)
    gap = min(4.0, slot * 0.2)
    usable = HEIGHT - TOP - BOTTOM
    bars = []
    for index, (label, value, text, href) in enumerate(points):
        height = (value / peak) * usable if value else 0
        bars.append(
            Bar(
                x=round(LEFT + index * slot + gap / 2, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(max(slot - gap, 1), 1),
                height=round(height, 1),
                label=label,
                text=text,
                href=href,
            )
        )
    shown = [f"{label}: {text}" for label, value, text, _ in points if value is not None]
    description = (f"{title} by week. " + ("; ".join(shown) + "." if shown else "No data in this period.")).strip()
    return Chart(
        key=key,
        title=title,
        description=description,
        bars=bars,
        peak_text=peak_text(max(values)) if values else "",
        first_label=points[0][0] if points else "",
        last_label=points[-1][0] if points else "",
    )
