"""Figures of a sensitivity analysis (PNG, drawn off-screen with Matplotlib's Agg canvas).

Each method draws its own figures (:meth:`experiments.methods.base.DesignMethod.draw`):

- Sobol and eFAST bars: first- and total-order indices with their intervals, factors ranked by
  total effect, policy levers and uncertainties told apart, the noise-corrected total order
  marked, and an overview of total-order indices for every outcome;
- Morris: mu* against sigma, with mu* intervals;
- Sobol convergence: indices and intervals over nested power-of-two prefixes of the design.

Every experiment also gets its output distributions: every run and the replicate means of each
outcome. Figures are built as ``matplotlib.figure.Figure`` objects (no pyplot state).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from experiments.analysis.sensitivity import SensitivityReport
from experiments.methods import METHODS
from experiments.methods.drawing import (
    ROLE_COLOURS,
    ROLE_LABELS,
    convergence_figure,
    new_figure,
    pretty,
    sobol_figure,
    sobol_overview_figure,
)
from experiments.methods.morris import morris_figure
from experiments.storage.experiment_store import Results

__all__ = ["ROLE_COLOURS", "ROLE_LABELS", "convergence_figure", "distributions_figure",
           "morris_figure", "sobol_figure", "sobol_overview_figure", "write_figures"]


def distributions_figure(results: Results, outcomes: list[str] | None = None) -> Figure:
    """Histogram of every run and of the replicate means, one panel per outcome."""
    outcomes = outcomes or results.scalars
    cols = 3 if len(outcomes) > 4 else 2
    rows = math.ceil(len(outcomes) / cols)
    fig = new_figure(4.0 * cols, 3.0 * rows)
    ok = results.runs[results.runs["status"] == "ok"]
    for k, outcome in enumerate(outcomes):
        ax = fig.add_subplot(rows, cols, k + 1)
        values = ok[outcome].to_numpy(dtype=float)
        means = ok.groupby("point")[outcome].mean().to_numpy(dtype=float)
        bins = _bins(values)
        ax.hist(values, bins=bins, color="#9ab7d3", label=f"runs ({values.size})")
        ax.hist(means, bins=bins, histtype="step", color="#1b3a5c", linewidth=1.4,
                label=f"replicate means ({means.size})")
        ax.set_title(pretty(outcome), fontsize=10)
        ax.tick_params(labelsize=7)
        if k == 0:
            ax.legend(fontsize=7)
    fig.suptitle(f"Output distributions at week {results.manifest['weeks']} "
                 f"({results.manifest['name']})", fontsize=11)
    return fig


def _bins(values: np.ndarray) -> list[float] | int:
    lo, hi = float(np.min(values)), float(np.max(values))
    if not hi > lo:
        return [lo - 0.5, lo + 0.5] if lo == 0 else [lo * 0.99, lo * 1.01]
    return 30


def write_figures(report: SensitivityReport, results: Results, folder: Path) -> list[Path]:
    """Write every figure the report supports into ``folder``; the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save(fig: Figure, name: str) -> None:
        path = folder / name
        fig.savefig(path)
        written.append(path)

    METHODS[report.method].draw(report, results, save)
    save(distributions_figure(results), "distributions.png")
    return written
