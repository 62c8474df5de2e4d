"""What the six live panels show, their axis ranges, and the colours of every chart.

Colours are the Okabe-Ito palette: distinguishable for colour-blind viewers and on washed-out
projectors. Both the browser charts (:mod:`.charts`) and the PNG figures (:mod:`.figures`) read
:data:`PANELS`, so the download shows what the screen shows.

Axes follow the data (the live run and its faint reference) rather than a fixed 0-1 or 1-4
range, which flattened the changes a workshop is looking for; ``min_span`` keeps an almost flat
line from filling the chart with noise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

BLACK, ORANGE, SKY, GREEN, BLUE, VERMILION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7")
GREY = "#555555"
OVER = "#C00000"


@dataclass(frozen=True)
class Panel:
    """One live chart.

    Attributes
    ----------
    title, ylabel
        Chart title and y-axis name.
    unit
        The y unit in a few words, after the title where there is no room for an axis name
        (the projector view).
    series
        ``(column, legend label, colour)`` of each line; ``budget_used_pct`` is
        ``100 * budget_used``.
    scale
        Factor from the column to the axis (100 for shares shown as %).
    min_span
        Smallest y range shown, in axis units.
    floor, ceiling
        Limits the axis never goes beyond (e.g. 0 and 100 for a percentage).
    """

    title: str
    ylabel: str
    unit: str
    series: tuple[tuple[str, str, str], ...]
    scale: float = 1.0
    min_span: float = 0.2
    floor: float | None = None
    ceiling: float | None = None

    @property
    def slug(self) -> str:
        """``achievement``, ``equity-gaps``...: the chart's test id suffix."""
        return self.title.lower().split(":")[0].replace(" ", "-")


PANELS: tuple[Panel, ...] = (
    Panel("Achievement", "SD of the starting cohort", "SD", (
        ("achievement_top_quartile", "top quarter", BLUE),
        ("achievement_mean", "all", BLACK),
        ("achievement_bottom_quartile", "bottom quarter", VERMILION)), min_span=0.5),
    Panel("Engagement", "% of time engaged", "% of time", (
        ("engagement_mean", "overall", BLACK),
        ("engagement_affective", "interest", ORANGE),
        ("engagement_behavioural", "effort", SKY)), scale=100.0, min_span=10.0, floor=0.0,
        ceiling=100.0),
    Panel("Equity gaps", "gap in SD", "SD", (
        ("gap_bottom_top", "top vs bottom", VERMILION),
        ("gap_access", "by home access", PURPLE)), min_span=0.5, floor=0.0),
    Panel("Preparedness", "survey scale 1-4", "scale 1-4", (
        ("teacher_preparedness", "teachers", GREEN),
        ("administrator_preparedness", "administrators", BLUE),
        ("student_competency", "students", ORANGE)), min_span=0.5, floor=1.0, ceiling=4.0),
    Panel("Teachers: adoption and burnout", "% of class time / teachers", "%", (
        ("adoption_mean", "personalized time", GREEN),
        ("burnout_share", "burnt out", VERMILION)), scale=100.0, min_span=10.0, floor=0.0,
        ceiling=100.0),
    Panel("Budget used", "% of the annual budget", "% of budget", (
        ("budget_used_pct", "policies in use", BLACK),), min_span=110.0, floor=0.0),
)


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step giving about ``ticks`` ticks over ``span``."""
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= m * power:
            return m * power
    return 10.0 * power


def axis_limits(panel: Panel, values: Iterable[float], ticks: int = 5
                ) -> tuple[float, float, float]:
    """``(low, high, tick step)``: y limits holding every value, at least ``min_span`` wide,
    on multiples of a round step giving about ``ticks`` ticks."""
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if hi - lo < panel.min_span:
        middle = 0.5 * (lo + hi)
        lo, hi = middle - panel.min_span / 2, middle + panel.min_span / 2
    pad = 0.06 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    if panel.floor is not None and lo < panel.floor:
        hi, lo = hi + (panel.floor - lo), panel.floor
    if panel.ceiling is not None and hi > panel.ceiling:
        lo, hi = max(lo - (hi - panel.ceiling), panel.floor if panel.floor is not None
                     else -math.inf), panel.ceiling
    step = _nice_step(hi - lo, ticks)
    return (math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step, step)
