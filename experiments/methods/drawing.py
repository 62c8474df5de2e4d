"""Figures of index-based methods, and the style every sensitivity figure shares.

Index bars (first and total order with intervals, ranked, levers and uncertainties told apart)
serve Sobol and eFAST; the overview sets every outcome's total order side by side; convergence
follows Sobol indices over nested designs. Figures are ``matplotlib.figure.Figure`` objects drawn
off-screen on the Agg canvas (no pyplot state).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from experiments.reporting.labels import plain_name

if TYPE_CHECKING:
    from matplotlib.patches import Patch

    from experiments.analysis.sensitivity import SensitivityReport

__all__ = ["ROLE_COLOURS", "ROLE_LABELS", "convergence_figure", "new_figure",
           "noise_text", "pretty", "role_patch", "sobol_figure", "sobol_overview_figure",
           "varying_outcomes"]

ROLE_COLOURS = {"policy": "#1b6ca8", "uncertainty": "#b5651d", "mixed": "#6b6b6b"}
ROLE_LABELS = {"policy": "policy lever", "uncertainty": "uncertainty", "mixed": "mixed group"}


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def pretty(name: str) -> str:
    """A factor or outcome in plain words (:func:`experiments.reporting.labels.plain_name`)."""
    return plain_name(name)


def noise_text(report: SensitivityReport, outcome: str) -> str:
    row = report.noise[report.noise["outcome"] == outcome]
    if row.empty or not np.isfinite(row["noise_share"].iloc[0]):
        return "noise share: n/a"
    return f"noise share of variance: {row['noise_share'].iloc[0]:.1%}"


def sobol_figure(report: SensitivityReport, outcome: str, title: str = "Sobol") -> Figure:
    """First- and total-order indices of one outcome, ranked, with intervals (``title``: the
    method's name in the axis label)."""
    table = report.ranking(outcome).iloc[::-1]
    n = len(table)
    fig = new_figure(8.0, 1.2 + 0.45 * n)
    ax = fig.add_subplot()
    y = np.arange(n)
    colours = [ROLE_COLOURS.get(r, "#444444") for r in table["role"]]
    ax.barh(y + 0.2, table["ST"], height=0.38, xerr=table["ST_conf"], color=colours,
            ecolor="black", capsize=3, label="total order ST")
    ax.barh(y - 0.2, table["S1"], height=0.38, xerr=table["S1_conf"], color=colours,
            alpha=0.45, ecolor="black", capsize=3, label="first order S1")
    if "ST_corrected" in table and table["ST_corrected"].notna().any():
        ax.plot(table["ST_corrected"], y + 0.2, "D", color="black", markersize=4,
                label="ST, noise-corrected")
    ax.set_yticks(y, [pretty(f) for f in table["factor"]])
    ax.axvline(0.0, color="grey", linewidth=0.8)
    method = title
    ax.set_xlabel(f"{method} index (bars: {report.settings.get('conf_level', 0.95):.0%} bootstrap "
                  "interval)")
    ax.set_title(f"{pretty(outcome)}: which factors matter\n{noise_text(report, outcome)}",
                 fontsize=11)
    handles, labels = ax.get_legend_handles_labels()
    for role, colour in ROLE_COLOURS.items():
        if role in set(table["role"]):
            handles.append(role_patch(colour))
            labels.append(ROLE_LABELS[role])
    ax.legend(handles, labels, loc="lower right", fontsize=8)
    return fig


def role_patch(colour: str) -> Patch:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour)


def sobol_overview_figure(report: SensitivityReport, title: str = "Sobol") -> Figure:
    """Total-order indices with intervals for every outcome (one panel each)."""
    outcomes = list(dict.fromkeys(report.indices["outcome"]))
    cols = 2 if len(outcomes) > 1 else 1
    rows = math.ceil(len(outcomes) / cols)
    n = report.indices.groupby("outcome").size().max()
    fig = new_figure(6.5 * cols, rows * (0.9 + 0.32 * n))
    for k, outcome in enumerate(outcomes):
        ax = fig.add_subplot(rows, cols, k + 1)
        table = report.ranking(outcome).iloc[::-1]
        y = np.arange(len(table))
        ax.barh(y, table["ST"], xerr=table["ST_conf"],
                color=[ROLE_COLOURS.get(r, "#444444") for r in table["role"]], ecolor="black",
                capsize=2)
        ax.set_yticks(y, [pretty(f) for f in table["factor"]], fontsize=7)
        ax.axvline(0.0, color="grey", linewidth=0.8)
        ax.set_title(f"{pretty(outcome)} ({noise_text(report, outcome)})", fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    method = title
    fig.suptitle(f"Total-order {method} indices (blue: policy levers, brown: uncertainties)",
                 fontsize=11)
    return fig


def convergence_figure(report: SensitivityReport, outcome: str) -> Figure:
    """Total- and first-order indices over nested prefixes of the Sobol design."""
    table = report.convergence[report.convergence["outcome"] == outcome]
    fig = new_figure(9.0, 4.5)
    axes = fig.subplots(1, 2, sharey=True)
    palette = _palette(table["factor"].unique())
    for ax, index in zip(axes, ("ST", "S1")):
        for factor, part in table.groupby("factor", sort=False):
            part = part.sort_values("n")
            colour = palette[factor]
            ax.plot(part["n"], part[index], "o-", color=colour, label=pretty(str(factor)),
                    markersize=3)
            ax.fill_between(part["n"], part[index] - part[f"{index}_conf"],
                            part[index] + part[f"{index}_conf"], color=colour, alpha=0.15)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("Sobol base sample size N (nested prefixes)")
        ax.set_title({"ST": "total order", "S1": "first order"}[index], fontsize=10)
        ax.axhline(0.0, color="grey", linewidth=0.8)
    axes[0].set_ylabel("index (band: bootstrap interval)")
    axes[1].legend(fontsize=7, loc="upper right")
    fig.suptitle(f"Convergence of Sobol indices: {pretty(outcome)}", fontsize=11)
    return fig


def _palette(names: np.ndarray) -> dict[str, tuple[float, float, float, float]]:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if len(names) <= 10 else "tab20"]
    return {str(n): cmap(i % cmap.N) for i, n in enumerate(names)}




def varying_outcomes(report: SensitivityReport) -> list[str]:
    """Outcomes whose replicate means vary across the design (the ones with indices)."""
    noise = report.noise
    return [str(o) for o in noise.loc[noise["variance"] > 0, "outcome"]]
