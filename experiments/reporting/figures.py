"""Figures of runs and comparisons (matplotlib, object API: no pyplot state, any backend).

Single run: achievement with the bottom and top prior-achievement quartiles, engagement, teacher and
administrator preparedness with adoption, and the survey against the published tables.
Comparison: time series with 95% bands across replicates, paired changes against the base over time,
an effect-size forest plot (SD and percentile points) and the survey before and after.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from experiments.reporting.labels import scenario_label
from experiments.reporting.money import currency_symbol, money
from experiments.reporting.published_survey import published_survey

if TYPE_CHECKING:
    from experiments.comparison.paired import ComparisonResult
    from simulation.api import RunResult

DPI = 150
BASE_COLOUR = "#333333"
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f")
GROUP_TITLES = {"students": "Students (extent of personalized learning)",
                "teachers": "Teachers (preparedness)",
                "administrators": "Administrators (preparedness)"}
ACHIEVEMENT_LABEL = "Achievement (SD of the starting cohort)"
LIKERT_LABEL = "Latent level (1-4 Likert scale)"


def arm_colour(arm: int) -> str:
    """Colour of a comparison arm: dark grey for the base (arm 0), then a qualitative cycle."""
    return BASE_COLOUR if arm == 0 else COLOURS[(arm - 1) % len(COLOURS)]


def save(fig: Figure, path: Path) -> Path:
    """Write a figure as PNG and return its path."""
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    return Path(path)


def _term_lines(ax: Any, weeks_per_term: int, last_week: int) -> None:
    for week in range(weeks_per_term, last_week, weeks_per_term):
        ax.axvline(week, color="0.8", linewidth=0.8, linestyle=":", zorder=0)


def _weeks_axis(ax: Any, weeks_per_term: int, last_week: int) -> None:
    ax.set_xlabel(f"Week (dotted lines: term ends, {weeks_per_term} weeks a term)")
    ax.set_xlim(0, max(last_week, 1))
    _term_lines(ax, weeks_per_term, last_week)
    ax.grid(axis="y", color="0.92")


# --- single run -------------------------------------------------------------------------------

def achievement_figure(ts: pd.DataFrame, weeks_per_term: int, title: str = "") -> Figure:
    """Mean achievement with the bottom and top prior-achievement quartiles over the weeks."""
    fig = Figure(figsize=(7.5, 4.2))
    ax = fig.subplots()
    w = ts["week"]
    ax.fill_between(w, ts["achievement_bottom_quartile"], ts["achievement_top_quartile"],
                    color="#1f77b4", alpha=0.12, label="between bottom and top quartile")
    ax.plot(w, ts["achievement_top_quartile"], color="#2ca02c", label="top prior quartile")
    ax.plot(w, ts["achievement_mean"], color="#1f77b4", linewidth=2.2, label="all students")
    ax.plot(w, ts["achievement_bottom_quartile"], color="#d62728", label="bottom prior quartile")
    ax.set_ylabel(ACHIEVEMENT_LABEL)
    ax.set_title(title or "Achievement by prior-achievement quartile")
    _weeks_axis(ax, weeks_per_term, int(w.max()))
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


def engagement_figure(ts: pd.DataFrame, weeks_per_term: int, title: str = "") -> Figure:
    """Mean engagement and its affective and behavioural parts over the weeks."""
    fig = Figure(figsize=(7.5, 4.0))
    ax = fig.subplots()
    w = ts["week"]
    ax.plot(w, ts["engagement_mean"], color="#9467bd", linewidth=2.2, label="engagement (mean)")
    ax.plot(w, ts["engagement_affective"], color="#9467bd", linestyle="--", label="affective")
    ax.plot(w, ts["engagement_behavioural"], color="#9467bd", linestyle=":",
            label="behavioural")
    ax.set_ylabel("Engagement (0-1)")
    ax.set_title(title or "Student engagement")
    low, high = ts[["engagement_affective", "engagement_behavioural"]].to_numpy().min(), \
        ts[["engagement_affective", "engagement_behavioural"]].to_numpy().max()
    pad = max(0.05, 0.2 * (high - low))
    ax.set_ylim(max(0.0, low - pad), min(1.0, high + pad))
    _weeks_axis(ax, weeks_per_term, int(w.max()))
    ax.legend(loc="best", fontsize=8, frameon=False)
    return fig


def preparedness_figure(ts: pd.DataFrame, weeks_per_term: int, title: str = "") -> Figure:
    """Preparedness and competency (Likert levels) beside adoption and burnout (shares)."""
    fig = Figure(figsize=(11, 4.3), layout="constrained")
    left, right = fig.subplots(1, 2)
    w = ts["week"]
    for col, label, colour in (("teacher_preparedness", "teachers' preparedness", "#ff7f0e"),
                               ("administrator_preparedness", "administrators' preparedness",
                                "#8c564b"),
                               ("student_competency", "students' competencies", "#1f77b4")):
        left.plot(w, ts[col], color=colour, linewidth=2, label=label)
    left.set_ylabel(LIKERT_LABEL)
    left.set_title("ISTE preparedness and competencies")
    values = ts[["teacher_preparedness", "administrator_preparedness",
                 "student_competency"]].to_numpy()
    low, high = max(1.0, values.min() - 0.3), min(4.0, values.max() + 0.3)
    left.set_ylim(low, high)
    bands = [b for b in (1.5, 2.5, 3.5) if low < b < high]
    for band in bands:
        left.axhline(band, color="0.6", linewidth=0.8, linestyle="--")
    if bands:
        left.text(0.99, 0.02, "dashed: edge of the survey's interpretation band", fontsize=7,
                  color="0.4", ha="right", transform=left.transAxes)
    right.plot(w, ts["adoption_mean"], color="#2ca02c", linewidth=2,
               label="adoption (share of class time personalized)")
    right.plot(w, ts["burnout_share"], color="#d62728", linewidth=2,
               label="burnout (share of teachers)")
    right.set_ylabel("Share (0-1)")
    right.set_ylim(-0.02, max(0.5, float(ts[["adoption_mean", "burnout_share"]].max().max())
                              + 0.05))
    right.set_title("Teachers' adoption and burnout")
    for ax in (left, right):
        _weeks_axis(ax, weeks_per_term, int(w.max()))
        ax.legend(loc="best", fontsize=8, frameon=False)
    if title:
        fig.suptitle(title)
    return fig


# --- comparison time series -------------------------------------------------------------------

def _band(values: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Mean over replicates and its 95% t interval, per week."""
    g = values.groupby("week")[metric]
    out = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.size()})
    t = stats.t.ppf(0.975, np.maximum(out["n"] - 1, 1))
    half = np.where(out["n"] > 1, t * out["sd"].fillna(0.0) / np.sqrt(out["n"]), 0.0)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out.reset_index()


def band_figure(timeseries: pd.DataFrame, panels: Sequence[tuple[str, str, str]],
                labels: Sequence[str], weeks_per_term: int, title: str,
                replicates: int, shares: Sequence[str] = ()) -> Figure:
    """Each scenario's mean over replicates with its 95% band, one panel per metric.

    Parameters
    ----------
    timeseries
        Long table with scenario, arm, replicate, week and the metrics.
    panels
        ``(metric, panel title, y label)`` per panel.
    labels
        Scenario label of each arm (base first).
    shares
        Metrics that are shares (0-1): their axis starts at 0.
    """
    fig = Figure(figsize=(6.2 * len(panels), 4.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    last = int(timeseries["week"].max())
    for ax, (metric, panel_title, ylabel) in zip(axes, panels):
        for arm, label in enumerate(labels):
            band = _band(timeseries[timeseries["arm"] == arm], metric)
            colour = arm_colour(arm)
            ax.plot(band["week"], band["mean"], color=colour, linewidth=2 if arm else 1.6,
                    linestyle="-" if arm else "--", label=label + (" (base)" if arm == 0 else ""))
            ax.fill_between(band["week"], band["low"], band["high"], color=colour, alpha=0.18,
                            linewidth=0)
        ax.set_title(panel_title)
        ax.set_ylabel(ylabel)
        if metric in shares:
            top = float(timeseries[metric].max())
            ax.set_ylim(-0.02, max(0.1, 1.15 * top))
        _weeks_axis(ax, weeks_per_term, last)
    axes[0].legend(loc="best", fontsize=8, frameon=False)
    band_note = ("shaded: 95% interval of the mean" if replicates > 1
                 else "one replicate: no interval")
    fig.suptitle(f"{title}\nmean over {replicates} paired replicates; {band_note}", fontsize=11)
    return fig


PAIRED_PANELS: tuple[tuple[str, str, str], ...] = (
    ("achievement_mean", "Achievement effect", "Change vs base (SD)"),
    ("engagement_mean", "Engagement", "Change vs base (0-1 scale)"),
    ("gap_bottom_top", "Gap, top minus bottom prior quartile", "Change vs base (SD)"),
    ("gap_access", "Gap, home access minus none", "Change vs base (SD)"),
)


def paired_change_figure(timeseries: pd.DataFrame, labels: Sequence[str], weeks_per_term: int,
                         replicates: int,
                         panels: Sequence[tuple[str, str, str]] = PAIRED_PANELS) -> Figure:
    """Paired difference from the base week by week, with its 95% interval, one panel a metric.

    Replicate ``r`` of an alternative is set against replicate ``r`` of the base (the same random
    streams), so the band shows the uncertainty of the difference, not of the levels.
    """
    cols = 2 if len(panels) > 1 else 1
    rows = math.ceil(len(panels) / cols)
    fig = Figure(figsize=(6.4 * cols, 3.9 * rows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    base = timeseries[timeseries["arm"] == 0].set_index(["replicate", "week"])
    last = int(timeseries["week"].max())
    for ax, (metric, panel_title, ylabel) in zip(axes, panels):
        for arm in range(1, len(labels)):
            alt = timeseries[timeseries["arm"] == arm].set_index(["replicate", "week"])
            diff = (alt[metric] - base[metric]).rename("difference").reset_index()
            band = _band(diff, "difference")
            colour = arm_colour(arm)
            ax.plot(band["week"], band["mean"], color=colour, linewidth=2, label=labels[arm])
            ax.fill_between(band["week"], band["low"], band["high"], color=colour, alpha=0.2,
                            linewidth=0)
        ax.axhline(0, color=BASE_COLOUR, linewidth=1, linestyle="--")
        ax.set_title(panel_title)
        ax.set_ylabel(ylabel)
        _weeks_axis(ax, weeks_per_term, last)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    axes[0].legend(loc="best", fontsize=8, frameon=False)
    band_note = "; shaded: 95% interval" if replicates > 1 else ""
    fig.suptitle(f"Change against {labels[0]} (dashed line) over time\n"
                 f"paired difference, mean of {replicates} replicates{band_note}", fontsize=11)
    return fig


# --- forest plot ------------------------------------------------------------------------------

def _sd_to_points(x: np.ndarray) -> np.ndarray:
    return 100.0 * (stats.norm.cdf(x) - 0.5)


def _points_to_sd(p: np.ndarray) -> np.ndarray:
    return stats.norm.ppf(np.clip(np.asarray(p, dtype=float) / 100.0 + 0.5, 1e-9, 1 - 1e-9))


def forest_figure(rows: Sequence[dict[str, Any]], base_label: str, replicates: int,
                  weeks: int) -> Figure:
    """Achievement effect of each alternative with its 95% interval, in SD and percentile points."""
    n = len(rows)
    fig = Figure(figsize=(9.5, 1.6 + 0.55 * n))
    ax = fig.subplots()
    lows, highs = [], []
    for k, row in enumerate(rows):
        y = n - 1 - k
        e = row["achievement_effect_sd"]
        colour = arm_colour(k + 1)
        if e["ci_low"] is not None:
            ax.plot([e["ci_low"], e["ci_high"]], [y, y], color=colour, linewidth=2.5,
                    solid_capstyle="butt")
            lows.append(e["ci_low"])
            highs.append(e["ci_high"])
        ax.plot(e["estimate"], y, "o", color=colour, markersize=8)
        lows.append(e["estimate"])
        highs.append(e["estimate"])
        ci = ("" if e["ci_low"] is None
              else f" [{e['ci_low']:+.3f}, {e['ci_high']:+.3f}]")
        per_1000 = row["effect_sd_per_1000_per_student"]
        cost = (f"cost {money(row['cost_per_student'])} per student"
                + ("" if per_1000 is None else f", {per_1000:+.3f} SD per {money(1000)}"))
        ax.annotate(f"{e['estimate']:+.3f}{ci} SD, {row['percentile_points']:+.1f} pct pts\n{cost}",
                    xy=(1.02, y), xycoords=("axes fraction", "data"), va="center", fontsize=8)
    ax.axvline(0, color=BASE_COLOUR, linewidth=1, linestyle="--")
    span = max(max(highs) - min(lows), 0.02)
    ax.set_xlim(min(min(lows), 0) - 0.1 * span, max(max(highs), 0) + 0.1 * span)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_yticks(range(n), [textwrap.fill(scenario_label(r["scenario"]), 28)
                             for r in reversed(rows)])
    ax.set_xlabel(f"Achievement effect vs {scenario_label(base_label)} (SD of the starting cohort)")
    top = ax.secondary_xaxis("top", functions=(_sd_to_points, _points_to_sd))  # type: ignore[arg-type]
    top.set_xlabel("Percentile points for a median student")
    ax.grid(axis="x", color="0.92")
    interval = "95% interval over paired differences" if replicates > 1 else "no interval"
    ax.set_title(f"Effect after {weeks} weeks: mean of {replicates} paired replicates, {interval}",
                 fontsize=10)
    return fig


# --- cost and effect -------------------------------------------------------------------------

def widens_a_gap(row: dict[str, Any]) -> list[str]:
    """The equity gaps (``quartile``, ``access``) whose 95% interval of change lies above zero."""
    out = []
    for key, name in (("gap_bottom_top_change_sd", "quartile"), ("gap_access_change_sd", "access")):
        low = row.get("intervals", {}).get(key, {}).get("ci_low")
        if low is not None and low > 0:
            out.append(name)
    return out


def cost_effect_figure(rows: Sequence[dict[str, Any]], base_label: str,
                       symbol: str | None = None, size: tuple[float, float] = (7.0, 3.4),
                       numbered: bool = False) -> Figure:
    """Extra cost per student against the achievement effect, one point per policy.

    The base sits at the origin; vertical bars are the effects' 95% intervals; a policy whose
    interval of change in an equity gap lies above zero (the gap clearly widens) is drawn as an
    open red-edged marker and says so in its label. ``numbered`` labels the points 1, 2, ... in
    the order of ``rows`` (for many policies, whose names would overlap). When the costs span
    more than ten times the median extra cost, the cost axis is logarithmic beyond 10.
    """
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.subplots()
    ax.axhline(0, color="0.75", linewidth=0.8)
    ax.axvline(0, color="0.75", linewidth=0.8)
    ax.plot(0, 0, "s", color=BASE_COLOUR, markersize=7)
    base_text = "base" if numbered else textwrap.fill(f"{scenario_label(base_label)} (base)", 30)
    ax.annotate(base_text, (0, 0),
                xytext=(6, 3), textcoords="offset points", fontsize=8, va="bottom",
                color=BASE_COLOUR)
    xs, ys = [0.0], [0.0]
    for k, row in enumerate(rows):
        e = row["achievement_effect_sd"]
        x = float(row.get("cost_difference_per_student") or 0.0)
        y = float(e["estimate"])
        colour = arm_colour(k + 1)
        if e.get("ci_low") is not None:
            ax.plot([x, x], [e["ci_low"], e["ci_high"]], color=colour, linewidth=2.5,
                    solid_capstyle="butt")
            ys += [float(e["ci_low"]), float(e["ci_high"])]
        gaps = widens_a_gap(row)
        if gaps:
            ax.plot(x, y, "o", markersize=9, markerfacecolor="white", markeredgecolor="#c0392b",
                    markeredgewidth=2)
        else:
            ax.plot(x, y, "o", markersize=8, color=colour)
        text = str(k + 1) if numbered else textwrap.fill(scenario_label(row["scenario"]), 32)
        if gaps and not numbered:
            text += "\nwidens the " + " and ".join(
                "quartile gap" if g == "quartile" else "access gap" for g in gaps)
        ax.annotate(text, (x, y), xytext=(7, 2), textcoords="offset points", fontsize=8,
                    va="center", color="#c0392b" if gaps else "#1d2430")
        xs.append(x)
        ys.append(y)
    span_x = max(max(xs) - min(xs), 1.0)
    span_y = max(max(ys) - min(ys), 0.02)
    positive = sorted(x for x in xs if x > 0)
    if len(positive) >= 3 and positive[-1] > 10 * positive[len(positive) // 2]:
        ax.set_xscale("symlog", linthresh=10.0)
        ax.set_xlim(min(min(xs), 0) - 1, max(xs) * 3)
    else:
        ax.set_xlim(min(xs) - 0.08 * span_x, max(xs) + (0.12 if numbered else 0.45) * span_x)
    ax.set_ylim(min(min(ys), 0) - 0.12 * span_y, max(ys) + 0.18 * span_y)
    if ax.get_xscale() == "symlog":
        ax.set_xlabel(f"Extra cost per student per year ({currency_symbol(symbol)}; log scale "
                      "above 10)")
    else:
        ax.set_xlabel(f"Extra cost per student per year ({currency_symbol(symbol)}) over "
                      f"{scenario_label(base_label)}")
    ax.set_ylabel("Effect on achievement (SD)" if size[1] >= 2.2 else "Effect (SD)")
    ax.grid(color="0.93")
    ax.set_title("Cost and effect: up is better, left is cheaper; bars are 95% intervals, "
                 "open red points widen a gap", fontsize=8.5, loc="left")
    return fig


def cost_effect_plane_figure(pairs: pd.DataFrame, base_label: str,
                             symbol: str | None = None) -> Figure:
    """The cost-effect plane: one dot per replicate pair (and its world) per alternative."""
    fig = Figure(figsize=(7.0, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.axhline(0, color="0.75", linewidth=0.8)
    ax.axvline(0, color="0.75", linewidth=0.8)
    for k, (label, part) in enumerate(pairs.groupby("alternative", sort=False)):
        ax.plot(part["extra_cost"], part["effect_sd"], "o", markersize=5, alpha=0.7,
                color=arm_colour(k + 1), label=textwrap.fill(scenario_label(str(label)), 34))
    ax.set_xlabel(f"Extra cost per student per year ({currency_symbol(symbol)}) over "
                  f"{scenario_label(base_label)}")
    ax.set_ylabel("Effect on achievement (SD)")
    ax.grid(color="0.93")
    ax.legend(fontsize=8, frameon=False, loc="best")
    ax.set_title("Cost-effect plane: one dot per replicate pair, each in a drawn world "
                 "(up is better, left is cheaper)", fontsize=8.5, loc="left")
    return fig


def acceptability_figure(curve: pd.DataFrame, symbol: str | None = None) -> Figure:
    """The acceptability curve: P(largest net benefit) of each choice against willingness to pay."""
    fig = Figure(figsize=(7.0, 3.2), layout="constrained")
    ax = fig.subplots()
    decisions = [c for c in curve.columns if c not in ("wtp_per_0_1_sd", "evpi")]
    for k, name in enumerate(decisions):
        colour = BASE_COLOUR if k == 0 else arm_colour(k)
        ax.plot(curve["wtp_per_0_1_sd"], curve[name], color=colour, linewidth=2,
                linestyle="--" if k == 0 else "-",
                label=textwrap.fill(scenario_label(str(name)), 34))
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel(f"Willingness to pay per student per year for 0.1 SD "
                  f"({currency_symbol(symbol)})")
    ax.set_ylabel("P(best net benefit)")
    ax.grid(color="0.93")
    ax.legend(fontsize=8, frameon=False, loc="best")
    ax.set_title("Acceptability: share of replicate pairs (worlds) in which each choice has the "
                 "largest net benefit", fontsize=8.5, loc="left")
    return fig


# --- survey -----------------------------------------------------------------------------------

def survey_figure(survey: pd.DataFrame, labels: Sequence[str], end_week: int,
                  title: str = "") -> Figure:
    """Survey means at week 0 and at the end, per factor, with the published values marked.

    Parameters
    ----------
    survey
        Long table with scenario, week, group, factor_id, factor and mean (one row per scenario,
        week and factor; a single run's table without ``scenario`` is accepted).
    labels
        Scenarios to show at the end week, in order (base first).
    end_week
        The last week of the runs.
    """
    if "scenario" not in survey:
        survey = survey.assign(scenario=labels[0])
    paper = published_survey()
    groups = list(dict.fromkeys(paper["group"]))
    counts = [int((paper["group"] == g).sum()) for g in groups]
    fig = Figure(figsize=(10, 0.42 * sum(counts) + 2.2))
    axes = fig.subplots(len(groups), 1, gridspec_kw={"height_ratios": counts})
    base_start = survey[(survey["scenario"] == labels[0]) & (survey["week"] == 0)]
    offsets = np.linspace(-0.25, 0.25, len(labels) + 2)
    for ax, group in zip(axes, groups):
        p = paper[paper["group"] == group].reset_index(drop=True)
        y = np.arange(len(p))[::-1].astype(float)
        ax.plot(p["mean"], y + offsets[0], "D", markerfacecolor="white", color="black",
                markersize=6, label="published (Ding et al. 2024)")
        start = p[["factor_id"]].merge(base_start[base_start["group"] == group], how="left")
        ax.plot(start["mean"], y + offsets[1], "o", color="0.6", markersize=6,
                label="model, week 0")
        for arm, label in enumerate(labels):
            end = survey[(survey["scenario"] == label) & (survey["week"] == end_week)
                         & (survey["group"] == group)]
            end = p[["factor_id"]].merge(end, how="left")
            ax.plot(end["mean"], y + offsets[arm + 2], "s", color=arm_colour(arm), markersize=6,
                    label=f"{label}, week {end_week}")
        ax.set_yticks(y, [textwrap.fill(f, 42) for f in p["factor"]], fontsize=8)
        ax.set_title(GROUP_TITLES.get(group, group), fontsize=10, loc="left")
        ax.grid(axis="x", color="0.92")
    lo = min(float(survey["mean"].min()), float(paper["mean"].min()))
    hi = max(float(survey["mean"].max()), float(paper["mean"].max()))
    pad = max(0.05, 0.1 * (hi - lo))
    bands = [b for b in (1.5, 2.5, 3.5) if lo - pad < b < hi + pad]
    for ax in axes:
        ax.set_xlim(lo - pad, hi + pad)
        for band in bands:
            ax.axvline(band, color="0.5", linewidth=0.8, linestyle="--")
    axes[-1].set_xlabel("Weighted mean (4-point Likert scale"
                        + ("; dashed: edge of an interpretation band)" if bands else ")"))
    handles, legend_labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, legend_labels, loc="lower center", ncol=min(3, len(handles)),
               fontsize=8, frameon=False, bbox_to_anchor=(0.5, -0.01 - 0.02 * math.ceil(
                   len(handles) / 3)))
    fig.suptitle(title or "Synthetic survey before and after, against the published tables",
                 fontsize=11)
    fig.tight_layout()
    return fig


# --- folders ----------------------------------------------------------------------------------

def run_figures(result: RunResult, folder: Path) -> list[Path]:
    """The figures of a single run, written into ``folder``."""
    from simulation.api import weeks_per_year

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ts = result.timeseries
    wpt = int(result.scenario.values["institution"]["weeks_per_term"])
    name = result.scenario.name
    years = result.weeks / weeks_per_year(result.scenario)
    span = (f"{name}, seed {result.seed}, {result.weeks} weeks "
            f"({years:.3g} year{'' if years == 1 else 's'})")
    figures = {
        "achievement.png": achievement_figure(ts, wpt, f"Achievement: {span}"),
        "engagement.png": engagement_figure(ts, wpt, f"Engagement: {span}"),
        "preparedness_adoption.png": preparedness_figure(ts, wpt, span),
        "survey_vs_published.png": survey_figure(
            result.survey, [name], result.weeks,
            f"Synthetic survey at week 0 and week {result.weeks} against the published tables"),
    }
    return [save(fig, folder / filename) for filename, fig in figures.items()]


def comparison_figures(result: ComparisonResult, folder: Path) -> list[Path]:
    """The figures of a comparison, written into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ts, reps = result.timeseries, result.replicates
    labels = [scenario_label(label) for label in result.labels]
    wpt = int(result.base.values["institution"]["weeks_per_term"])
    figures = {
        "timeseries_achievement.png": band_figure(
            ts, [("achievement_mean", "All students", ACHIEVEMENT_LABEL),
                 ("achievement_bottom_quartile", "Bottom prior-achievement quartile",
                  ACHIEVEMENT_LABEL)],
            labels, wpt, "Achievement", reps),
        "timeseries_engagement.png": band_figure(
            ts, [("engagement_mean", "Engagement", "Engagement (0-1)")],
            labels, wpt, "Student engagement", reps),
        "timeseries_equity_gaps.png": band_figure(
            ts, [("gap_bottom_top", "Top minus bottom prior-achievement quartile",
                  "Achievement gap (SD)"),
                 ("gap_access", "Home access minus none", "Achievement gap (SD)")],
            labels, wpt, "Equity gaps (smaller is more equal)", reps),
        "timeseries_teachers.png": band_figure(
            ts, [("teacher_preparedness", "Teachers' preparedness", LIKERT_LABEL),
                 ("adoption_mean", "Adoption", "Share of class time personalized"),
                 ("burnout_share", "Burnout", "Share of teachers burnt out")],
            labels, wpt, "Teachers", reps, shares=("adoption_mean", "burnout_share")),
        "paired_change_over_time.png": paired_change_figure(ts, labels, wpt, reps),
        "effect_forest.png": forest_figure(result.rows, result.labels[0], reps, result.weeks),
        "survey_before_after.png": survey_figure(
            result.survey, result.labels, result.weeks,
            f"Synthetic survey at week 0 and week {result.weeks} (mean of {reps} replicates) "
            "against the published tables"),
    }
    if not result.pairs.empty:
        from experiments.analysis.decision import decision_summary

        curve = decision_summary(result.pairs)["acceptability"]
        assert isinstance(curve, pd.DataFrame)
        figures["cost_effect_plane.png"] = cost_effect_plane_figure(result.pairs,
                                                                    result.labels[0])
        figures["acceptability_curve.png"] = acceptability_figure(curve)
    return [save(fig, folder / filename) for filename, fig in figures.items()]
