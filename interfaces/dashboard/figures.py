"""Matplotlib figures for download: the live panels, one class, and a comparison.

These are the PNG downloads (the browser draws the live charts from :mod:`.charts`). Figures are
built with :class:`matplotlib.figure.Figure` (no pyplot, no global style state), so concurrent
sessions can draw at once. Every size is passed explicitly from a :class:`Look`: the projector
look has larger type and thicker lines.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from interfaces.dashboard.charts import compared_lines
from interfaces.dashboard.panels import (
    BLACK,
    BLUE,
    GREY,
    OVER,
    PANELS,
    SKY,
    VERMILION,
    axis_limits,
)
from interfaces.dashboard.wording import arm_name


@dataclass(frozen=True)
class Look:
    """Type sizes and line widths of a figure."""

    text: float = 11.0
    title: float = 12.5
    line: float = 2.0
    marker: float = 40.0
    dpi: int = 80


NORMAL = Look()
PROJECTOR = Look(text=15.0, title=17.0, line=3.5, marker=90.0, dpi=80)


def look(projector: bool) -> Look:
    """The look for the projector view or the normal one."""
    return PROJECTOR if projector else NORMAL


def to_png(fig: Figure, dpi: int | None = None) -> bytes:
    """Render a figure to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi or fig.dpi, facecolor="white")
    return buffer.getvalue()


def _style(ax: Axes, lk: Look, title: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=lk.title, fontweight="bold", loc="left")
    ax.set_ylabel(ylabel, fontsize=lk.text)
    ax.set_xlabel("week", fontsize=lk.text)
    ax.tick_params(labelsize=lk.text, width=lk.line / 2)
    ax.grid(True, color="#DDDDDD", linewidth=0.8)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def _mark_events(ax: Axes, weeks: Sequence[int], lk: Look) -> None:
    top = ax.get_ylim()[1]
    for number, week in enumerate(weeks, start=1):
        ax.axvline(week, color=GREY, linestyle="--", linewidth=lk.line / 1.5)
        ax.text(week, top, f" {number}", color=BLACK, fontsize=lk.text, fontweight="bold",
                va="top", ha="left")


def live_charts(ts: pd.DataFrame, event_weeks: Sequence[int], event_texts: Sequence[str],
                horizon: int, projector: bool = False) -> Figure:
    """The six live panels, with each policy change marked and numbered.

    Parameters
    ----------
    ts
        The model's time series (one row per week).
    event_weeks, event_texts
        Week and description of each policy change made during the run.
    horizon
        Last week of the x axis (extended if the run went further).
    projector
        Use the projector look.
    """
    lk = look(projector)
    data = ts.assign(budget_used_pct=100.0 * ts["budget_used"])
    for panel in PANELS:
        for column, _, _ in panel.series:
            if column != "budget_used_pct":
                data[column] = panel.scale * ts[column]
    footer = [f"{i}. after week {w}: {t}" for i, (w, t) in
              enumerate(zip(event_weeks, event_texts), start=1)]
    rows = 0.07 * len(footer) * lk.text / 11.0
    fig = Figure(figsize=(13.0, 7.0 * (1.0 + rows)), dpi=lk.dpi, layout="constrained")
    ratios = (1.0, 1.0, rows * 2.0) if footer else (1.0, 1.0)
    grid = fig.add_gridspec(len(ratios), 3, height_ratios=ratios)
    axes = np.array([[fig.add_subplot(grid[r, c]) for c in range(3)] for r in range(2)])
    if footer:
        note = fig.add_subplot(grid[2, :])
        note.axis("off")
        note.text(0.0, 1.0, "Policy changes during the run:\n" + "\n".join(footer),
                  fontsize=lk.text, va="top", ha="left", transform=note.transAxes)
    last_week = max(horizon, int(data["week"].max()))
    for ax, panel in zip(axes.flat, PANELS):
        title, ylabel = panel.title, panel.ylabel
        for column, label, colour in panel.series:
            ax.plot(data["week"], data[column], color=colour, linewidth=lk.line, label=label)
        ax.set_xlim(0, last_week)
        ax.set_ylim(*axis_limits(panel, [float(v) for c, _, _ in panel.series
                                         for v in data[c]])[:2])
        if title == "Budget used":
            ax.axhline(100.0, color=OVER, linewidth=lk.line, linestyle=":", label="budget")
            ax.set_ylim(0, max(110.0, float(data["budget_used_pct"].max()) * 1.1))
        _style(ax, lk, title, ylabel)
        ax.legend(fontsize=lk.text * 0.85, loc="best", frameon=False)
        _mark_events(ax, event_weeks, lk)
    return fig


def class_view(achievement: np.ndarray, engagement: np.ndarray, full_access: np.ndarray,
               calendar_position: float, all_achievement: np.ndarray, class_number: int,
               projector: bool = False) -> Figure:
    """One class, one dot per student (level by engagement), beside the whole institution.

    Parameters
    ----------
    achievement, engagement, full_access
        The class's students: level (SD), engagement (0-1), whether they have full access.
    calendar_position
        Where the class calendar is in the course (SD units).
    all_achievement
        Every student's level, for the institution-wide histogram.
    class_number
        Class shown (0-based), for the title.
    projector
        Use the projector look.
    """
    lk = look(projector)
    fig = Figure(figsize=(13.0, 5.0), dpi=lk.dpi, layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(1.4, 1.0))
    lo, hi = np.percentile(all_achievement, [0.5, 99.5])
    pad = 0.1 * (hi - lo)
    for mask, colour, marker, label in ((full_access, BLUE, "o", "full access"),
                                        (~full_access, VERMILION, "^", "partial access")):
        left.scatter(achievement[mask], engagement[mask], s=lk.marker, c=colour, marker=marker,
                     edgecolors=BLACK, linewidths=0.6, label=f"{label} ({int(mask.sum())})")
    left.axvline(calendar_position, color=GREY, linestyle="--", linewidth=lk.line / 1.5,
                 label="class calendar")
    left.set_xlim(lo - pad, hi + pad)
    left.set_ylim(0.0, 1.0)
    _style(left, lk, f"Class {class_number + 1}: {achievement.size} students", "engagement")
    left.set_xlabel("level (SD of the starting cohort)", fontsize=lk.text)
    left.legend(fontsize=lk.text * 0.85, loc="lower right", frameon=True)
    bins = np.linspace(lo - pad, hi + pad, 31)
    right.hist(all_achievement, bins=bins, color=SKY, edgecolor=BLACK, linewidth=0.4,
               label=f"all {all_achievement.size} students")
    ax2 = right.twinx()
    ax2.hist(achievement, bins=bins, histtype="step", color=BLACK, linewidth=lk.line,
             label=f"class {class_number + 1}")
    ax2.set_yticks([])
    _style(right, lk, "Levels across the institution", "students")
    right.set_xlabel("level (SD of the starting cohort)", fontsize=lk.text)
    handles = right.get_legend_handles_labels()
    extra = ax2.get_legend_handles_labels()
    right.legend(handles[0] + extra[0], handles[1] + extra[1], fontsize=lk.text * 0.85,
                 loc="upper left", frameon=False)
    return fig


def comparison_chart(row: dict[str, Any], projector: bool = False) -> Figure:
    """Effects in SD with their 95% intervals (paired replicates), one line per outcome.

    The title is two short lines above the axes (a long single line was cut off at the
    figure's edge); the subtitle names both arms and the horizon.
    """
    lk = look(projector)
    lines = compared_lines(row)
    fig = Figure(figsize=(11.0, 4.4), dpi=lk.dpi, layout="constrained")
    ax = fig.subplots()
    for i, (_label, est, low, high, text) in enumerate(lines):
        y = len(lines) - 1 - i
        if low is not None and high is not None:
            ax.plot([low, high], [y, y], color=SKY, linewidth=lk.line * 4,
                    solid_capstyle="butt")
        ax.scatter([est], [y], s=lk.marker * 2, color=BLACK, zorder=3)
        ax.annotate(text, (est, y), xytext=(0, lk.text * 0.9), textcoords="offset points",
                    ha="center", fontsize=lk.text, fontweight="bold")
    values = [v for _, est, low, high, _ in lines for v in (est, low, high) if v is not None]
    bound = max([abs(v) for v in values] + [0.05]) * 1.3
    ax.set_xlim(-bound, bound)
    ax.axvline(0.0, color=GREY, linewidth=lk.line / 1.5)
    ax.set_yticks(range(len(lines)), [label for label, *_ in lines][::-1], fontsize=lk.text)
    ax.set_ylim(-0.6, len(lines) - 0.3)
    fig.suptitle(f"{arm_name(row['scenario']).capitalize()} minus "
                 f"{arm_name(row.get('base', 'baseline'))}: change, likely range (95%)",
                 fontsize=lk.title, fontweight="bold", x=0.01, ha="left")
    ax.set_title(f"after {row['weeks']} weeks, {row['replicates']} paired replicates",
                 fontsize=lk.text, loc="left")
    ax.set_xlabel("change, in SD of the starting cohort", fontsize=lk.text)
    ax.tick_params(labelsize=lk.text)
    ax.grid(True, axis="x", color="#DDDDDD")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return fig
