"""Figures of a sensitivity analysis (PNG, drawn off-screen with Matplotlib's Agg canvas).

- Sobol bars: first- and total-order indices with their intervals, factors ranked by total effect,
  policy levers and uncertainties told apart, the noise-corrected total order marked;
- an overview of total-order indices for every outcome (the ranking of levers at a glance);
- Morris: mu* against sigma, with mu* intervals;
- convergence: indices and intervals over nested power-of-two prefixes of the Sobol design;
- output distributions: every run and the replicate means of each outcome.

Figures are built as ``matplotlib.figure.Figure`` objects (no pyplot state).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from experiments.analysis.sensitivity import SensitivityReport
from experiments.storage.experiment_store import Results

__all__ = ["convergence_figure", "distributions_figure", "morris_figure", "sobol_figure",
           "sobol_overview_figure", "write_figures"]

ROLE_COLOURS = {"policy": "#1b6ca8", "uncertainty": "#b5651d", "mixed": "#6b6b6b"}
ROLE_LABELS = {"policy": "policy lever", "uncertainty": "uncertainty", "mixed": "mixed group"}


def _new(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _label(name: str) -> str:
    from experiments.reporting.labels import plain_name

    return plain_name(name)


def _noise_text(report: SensitivityReport, outcome: str) -> str:
    row = report.noise[report.noise["outcome"] == outcome]
    if row.empty or not np.isfinite(row["noise_share"].iloc[0]):
        return "noise share: n/a"
    return f"noise share of variance: {row['noise_share'].iloc[0]:.1%}"


def sobol_figure(report: SensitivityReport, outcome: str) -> Figure:
    """First- and total-order indices of one outcome, ranked, with intervals."""
    table = report.ranking(outcome).iloc[::-1]
    n = len(table)
    fig = _new(8.0, 1.2 + 0.45 * n)
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
    ax.set_yticks(y, [_label(f) for f in table["factor"]])
    ax.axvline(0.0, color="grey", linewidth=0.8)
    method = "eFAST" if report.method == "efast" else "Sobol"
    ax.set_xlabel(f"{method} index (bars: {report.settings.get('conf_level', 0.95):.0%} bootstrap "
                  "interval)")
    ax.set_title(f"{_label(outcome)}: which factors matter\n{_noise_text(report, outcome)}",
                 fontsize=11)
    handles, labels = ax.get_legend_handles_labels()
    for role, colour in ROLE_COLOURS.items():
        if role in set(table["role"]):
            handles.append(_patch(colour))
            labels.append(ROLE_LABELS[role])
    ax.legend(handles, labels, loc="lower right", fontsize=8)
    return fig


def _patch(colour: str):  # noqa: ANN202 - a legend handle
    from matplotlib.patches import Patch

    return Patch(facecolor=colour)


def sobol_overview_figure(report: SensitivityReport) -> Figure:
    """Total-order indices with intervals for every outcome (one panel each)."""
    outcomes = list(dict.fromkeys(report.indices["outcome"]))
    cols = 2 if len(outcomes) > 1 else 1
    rows = math.ceil(len(outcomes) / cols)
    n = report.indices.groupby("outcome").size().max()
    fig = _new(6.5 * cols, rows * (0.9 + 0.32 * n))
    for k, outcome in enumerate(outcomes):
        ax = fig.add_subplot(rows, cols, k + 1)
        table = report.ranking(outcome).iloc[::-1]
        y = np.arange(len(table))
        ax.barh(y, table["ST"], xerr=table["ST_conf"],
                color=[ROLE_COLOURS.get(r, "#444444") for r in table["role"]], ecolor="black",
                capsize=2)
        ax.set_yticks(y, [_label(f) for f in table["factor"]], fontsize=7)
        ax.axvline(0.0, color="grey", linewidth=0.8)
        ax.set_title(f"{_label(outcome)} ({_noise_text(report, outcome)})", fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    method = "eFAST" if report.method == "efast" else "Sobol"
    fig.suptitle(f"Total-order {method} indices (blue: policy levers, brown: uncertainties)",
                 fontsize=11)
    return fig


def morris_figure(report: SensitivityReport, outcome: str) -> Figure:
    """Morris mu* against sigma for one outcome, with mu* intervals."""
    table = report.indices[report.indices["outcome"] == outcome]
    fig = _new(7.5, 6.0)
    ax = fig.add_subplot()
    colours = [ROLE_COLOURS.get(r, "#444444") for r in table["role"]]
    sigma = table["sigma"].to_numpy(dtype=float)
    ax.errorbar(table["mu_star"], np.nan_to_num(sigma), xerr=table["mu_star_conf"], fmt="none",
                ecolor="grey", elinewidth=0.8, capsize=2)
    ax.scatter(table["mu_star"], np.nan_to_num(sigma), c=colours, zorder=3)
    top = table.sort_values("mu_star", ascending=False).head(12)
    for _, row in top.iterrows():
        ax.annotate(_label(str(row["factor"])), (row["mu_star"], np.nan_to_num(row["sigma"])),
                    fontsize=7, xytext=(3, 3), textcoords="offset points")
    lim = float(np.nanmax([table["mu_star"].max(), np.nanmax(sigma) if sigma.size else 0, 1e-12]))
    ax.plot([0, lim], [0, lim], ":", color="grey", linewidth=0.8, label="sigma = mu*")
    ax.set_xlabel("mu* (mean absolute elementary effect, per unit of normalized factor)")
    ax.set_ylabel("sigma (spread of elementary effects: interactions, non-linearity)")
    ax.set_title(f"Morris screening: {_label(outcome)}\n{_noise_text(report, outcome)}",
                 fontsize=11)
    handles = [_patch(c) for r, c in ROLE_COLOURS.items() if r in set(table["role"])]
    labels = [ROLE_LABELS[r] for r in ROLE_COLOURS if r in set(table["role"])]
    ax.legend(handles, labels, fontsize=8, loc="upper left")
    return fig


def convergence_figure(report: SensitivityReport, outcome: str) -> Figure:
    """Total- and first-order indices over nested prefixes of the Sobol design."""
    table = report.convergence[report.convergence["outcome"] == outcome]
    fig = _new(9.0, 4.5)
    axes = fig.subplots(1, 2, sharey=True)
    palette = _palette(table["factor"].unique())
    for ax, index in zip(axes, ("ST", "S1")):
        for factor, part in table.groupby("factor", sort=False):
            part = part.sort_values("n")
            colour = palette[factor]
            ax.plot(part["n"], part[index], "o-", color=colour, label=_label(str(factor)),
                    markersize=3)
            ax.fill_between(part["n"], part[index] - part[f"{index}_conf"],
                            part[index] + part[f"{index}_conf"], color=colour, alpha=0.15)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("Sobol base sample size N (nested prefixes)")
        ax.set_title({"ST": "total order", "S1": "first order"}[index], fontsize=10)
        ax.axhline(0.0, color="grey", linewidth=0.8)
    axes[0].set_ylabel("index (band: bootstrap interval)")
    axes[1].legend(fontsize=7, loc="upper right")
    fig.suptitle(f"Convergence of Sobol indices: {_label(outcome)}", fontsize=11)
    return fig


def _palette(names: np.ndarray) -> dict[str, tuple[float, float, float, float]]:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if len(names) <= 10 else "tab20"]
    return {str(n): cmap(i % cmap.N) for i, n in enumerate(names)}


def distributions_figure(results: Results, outcomes: list[str] | None = None) -> Figure:
    """Histogram of every run and of the replicate means, one panel per outcome."""
    outcomes = outcomes or results.scalars
    cols = 3 if len(outcomes) > 4 else 2
    rows = math.ceil(len(outcomes) / cols)
    fig = _new(4.0 * cols, 3.0 * rows)
    ok = results.runs[results.runs["status"] == "ok"]
    for k, outcome in enumerate(outcomes):
        ax = fig.add_subplot(rows, cols, k + 1)
        values = ok[outcome].to_numpy(dtype=float)
        means = ok.groupby("point")[outcome].mean().to_numpy(dtype=float)
        bins = _bins(values)
        ax.hist(values, bins=bins, color="#9ab7d3", label=f"runs ({values.size})")
        ax.hist(means, bins=bins, histtype="step", color="#1b3a5c", linewidth=1.4,
                label=f"replicate means ({means.size})")
        ax.set_title(_label(outcome), fontsize=10)
        ax.tick_params(labelsize=7)
        if k == 0:
            ax.legend(fontsize=7)
    fig.suptitle(f"Output distributions at week {results.manifest['weeks']} "
                 f"({results.manifest['name']})", fontsize=11)
    return fig


def _bins(values: np.ndarray) -> np.ndarray | int:
    lo, hi = float(np.min(values)), float(np.max(values))
    if not hi > lo:
        return np.array([lo - 0.5, lo + 0.5]) if lo == 0 else np.array([lo * 0.99, lo * 1.01])
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

    if report.method in ("sobol", "efast") and not report.indices.empty:
        varying = _varying(report)
        for outcome in varying:
            save(sobol_figure(report, outcome), f"{report.method}_{outcome}.png")
        if varying:
            overview = SensitivityReport(
                method=report.method, noise=report.noise, settings=report.settings,
                indices=report.indices[report.indices["outcome"].isin(varying)])
            save(sobol_overview_figure(overview), f"{report.method}_overview.png")
    if report.method == "morris" and not report.indices.empty:
        for outcome in _varying(report):
            save(morris_figure(report, outcome), f"morris_{outcome}.png")
    if not report.convergence.empty:
        for outcome in _varying(report):
            save(convergence_figure(report, outcome), f"convergence_{outcome}.png")
    save(distributions_figure(results), "distributions.png")
    return written


def _varying(report: SensitivityReport) -> list[str]:
    noise = report.noise
    return [str(o) for o in noise.loc[noise["variance"] > 0, "outcome"]]
