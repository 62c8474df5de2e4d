"""Outcome-against-factor plots of a grid sweep: each outcome against each factor, with bands.

For one outcome and one factor, the thick black line is the outcome's mean at each level of the
factor, averaged over the other factors' levels; its band is the 95% t interval over replicates
(replicate ``r``'s average over the other factors is one value per level, so the band measures
the model's randomness, not the spread caused by the other factors). When the other factors
have at most :data:`MAX_LINES` combinations, each combination gets a thin line with its own band
over replicates, so interactions show. Categorical and on/off factors sit at evenly spaced
positions labelled with their levels.

Example
-------
>>> from experiments.storage.experiment_store import load_results
>>> from experiments.reporting.factor_plots import write_factor_plots
>>> write_factor_plots(load_results("results/sweep"), "results/sweep/analysis")
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from experiments.reporting.figures import COLOURS
from experiments.reporting.labels import metric_label, parameter_label, value_label
from experiments.storage.experiment_store import Results

__all__ = ["MAX_LINES", "factor_figure", "level_bands", "point_means", "write_factor_plots"]

#: Most combinations of the other factors drawn as lines of their own.
MAX_LINES = 6
DPI = 150


def point_means(results: Results, outcome: str) -> pd.DataFrame:
    """One row per design point and replicate: the factors' values and the outcome."""
    first = results.design[results.design["replicate"] == 0].sort_values("point")
    values = results.outcome_matrix(outcome)
    rows = []
    for k, (_, point) in enumerate(first.iterrows()):
        for r in range(values.shape[1]):
            rows.append({**{f: point[f] for f in results.factors}, "replicate": r,
                         "value": float(values[k, r])})
    return pd.DataFrame(rows)


def level_bands(results: Results, outcome: str, factor: str) -> pd.DataFrame:
    """Per level of ``factor``: the outcome averaged over the other factors, mean over
    replicates with its 95% t interval (columns ``factor``, ``mean``, ``low``, ``high``, ``n``)."""
    table = point_means(results, outcome)
    per_rep = table.groupby([factor, "replicate"], as_index=False)["value"].mean()
    return _band(per_rep, factor)


def _band(per_replicate: pd.DataFrame, by: str) -> pd.DataFrame:
    """Mean over replicates and its 95% t interval, per level of ``by``."""
    g = per_replicate.groupby(by, sort=True)["value"]
    out = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.size()})
    t = stats.t.ppf(0.975, np.maximum(out["n"] - 1, 1))
    half = np.where(out["n"] > 1, t * out["sd"].fillna(0.0) / np.sqrt(out["n"]), 0.0)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out.reset_index()


def _positions(levels: list[Any]) -> tuple[np.ndarray, list[str] | None]:
    """Numeric levels at their values; categories and switches at 0, 1, ... with labels."""
    if all(isinstance(v, int | float | np.integer | np.floating) and not isinstance(
            v, bool | np.bool_) for v in levels):
        return np.asarray(levels, dtype=float), None
    return np.arange(len(levels), dtype=float), [str(v) for v in levels]


def _draw(ax: Any, table: pd.DataFrame, factor: str, others: list[str]) -> None:
    levels = list(table[factor].unique())  # the design's order (a grid lists levels in order)
    x, ticks = _positions(levels)
    if ticks is None:
        levels = sorted(levels)
        x = np.asarray(levels, dtype=float)
    where = {level: x[k] for k, level in enumerate(levels)}
    combos = table[others].drop_duplicates() if others else pd.DataFrame()
    if others and 1 < len(combos) <= MAX_LINES:
        for k, (_, combo) in enumerate(combos.iterrows()):
            mask = np.logical_and.reduce([table[o] == combo[o] for o in others])
            band = _band(table[mask], factor)
            xs = band[factor].map(where).to_numpy(dtype=float)
            colour = COLOURS[k % len(COLOURS)]
            label = ", ".join(value_label(o, combo[o]) for o in others)
            ax.plot(xs, band["mean"], color=colour, linewidth=1.2, marker="o", markersize=3,
                    label=label)
            ax.fill_between(xs, band["low"], band["high"], color=colour, alpha=0.12, linewidth=0)
    per_rep = table.groupby([factor, "replicate"], as_index=False)["value"].mean()
    band = _band(per_rep, factor)
    xs = band[factor].map(where).to_numpy(dtype=float)
    ax.plot(xs, band["mean"], color="black", linewidth=2.4, marker="o", markersize=5,
            label="mean over the other settings" if others else "mean")
    ax.fill_between(xs, band["low"], band["high"], color="black", alpha=0.15, linewidth=0)
    if ticks is not None:
        ax.set_xticks(x, [value_label(factor, v) for v in levels])
    ax.set_xlabel(parameter_label(factor))
    ax.grid(color="0.93")
    title = ", ".join(parameter_label(o) for o in others) if others else None
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7.5,
              frameon=False, title=title, title_fontsize=7.5)


def factor_figure(results: Results, outcome: str) -> Figure:
    """One panel per factor: the outcome against the factor's levels, with 95% bands."""
    table = point_means(results, outcome)
    factors = results.factors
    fig = Figure(figsize=(4.2 * len(factors) + 0.6, 4.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(factors), sharey=True))
    for ax, factor in zip(axes, factors):
        _draw(ax, table, factor, [f for f in factors if f != factor])
    axes[0].set_ylabel(textwrap.fill(metric_label(outcome), 36))
    fig.suptitle(f"{metric_label(outcome, with_unit=False)} against each setting: mean over "
                 f"{results.replicates} replicates, shaded 95% interval", fontsize=10)
    return fig


def write_factor_plots(results: Results, folder: str | Path,
                       outcomes: list[str] | None = None) -> list[Path]:
    """``factor_<outcome>.png`` for each outcome that varies (grid designs only).

    Returns the paths written (none for other designs or constant outcomes).
    """
    if results.method != "grid" or not results.factors:
        return []
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for outcome in outcomes or results.scalars:
        values = results.outcome_matrix(outcome)
        if not np.isfinite(values).all() or np.ptp(values) == 0:
            continue
        path = folder / f"factor_{outcome}.png"
        factor_figure(results, outcome).savefig(path, dpi=DPI)
        written.append(path)
    return written
