"""Plain SVG charts computed on the server: stacked bars per day and ranked horizontal bars.

Only geometry lives here; the templates write the `<rect>`s (escaped, no script, no inline
style, so the page's Content-Security-Policy holds). Each bar keeps its day, series and
value, shown in a `<title>` tooltip and in `data-*` attributes that the tests read back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH = 480  # user units; the SVG scales to its box (360 px phones to desktops)
HEIGHT = 200
LEFT = 40  # room for the value axis
BOTTOM = 24  # room for day labels
TOP = 8
RIGHT = 18  # room for the last day's label


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    day: str
    value: int


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Label, ...]
    series: tuple[str, ...]
    peak: int

    @property
    def empty(self) -> bool:
        return self.peak == 0


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5 x 10^k that is >= value (a round top for the axis)."""
    if value <= 1:
        return 1
    power = int(10 ** math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def stacked(days: Sequence[str], series: Mapping[str, Sequence[int]], *,
            width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """One column per day, the series stacked bottom-up in the order given."""
    names = tuple(series)
    totals = [sum(series[name][i] for name in names) for i in range(len(days))]
    peak = max(totals, default=0)
    top = nice_ceiling(peak)
    plot_h = height - TOP - BOTTOM
    slot = (width - LEFT - RIGHT) / max(1, len(days))
    bar_w = max(1.0, slot * 0.7)
    bars: list[Bar] = []
    for i, day in enumerate(days):
        base = float(height - BOTTOM)
        for name in names:
            value = series[name][i]
            if value <= 0:
                continue
            h = plot_h * value / top
            base -= h
            bars.append(Bar(round(LEFT + i * slot + (slot - bar_w) / 2, 2), round(base, 2),
                            round(bar_w, 2), round(h, 2), name, day, value))
    ticks = tuple(Tick(round(height - BOTTOM - plot_h * f, 2), str(round(top * f)))
                  for f in (0, 0.5, 1) if f == 0 or top * f == int(top * f))
    every = max(1, math.ceil(len(days) / 5))  # five day labels stay readable at 360 px
    labels = tuple(Label(round(LEFT + i * slot + slot / 2, 2), day[5:])
                   for i, day in enumerate(days) if (len(days) - 1 - i) % every == 0)
    return Chart(width, height, tuple(bars), ticks, labels, names, peak)


@dataclass(frozen=True, slots=True)
class Rank:
    name: str
    value: int
    fraction: float  # of the largest value, 0..1


def ranked(items: Sequence[tuple[str, int]]) -> tuple[Rank, ...]:
    peak = max((v for _, v in items), default=0)
    return tuple(Rank(name, value, round(value / peak, 4) if peak else 0.0)
                 for name, value in items)
