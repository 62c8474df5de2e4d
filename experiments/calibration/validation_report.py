"""The validation report: every finding beside the model's effect, with a verdict and a forest plot.

The model's effect on each row is computed in each of ``worlds`` plausible worlds drawn (by
weight, with a fixed seed) from the calibrated ensemble, one paired replicate each; the report
gives the mean over those worlds and the 5-95% range across them (parameter uncertainty plus the
model's noise). Without an ensemble it uses the default parameters and paired replicates, and
says so. Calibration and validation rows are marked; every row is shown, pass or fail.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.calibration.evidence_model import Finding, findings, verdict
from experiments.calibration.fit import simulate_rows
from simulation import api

__all__ = ["ModelEffects", "model_effects", "render", "write_report"]

#: Horizontal range of the forest plot (larger model effects are drawn as arrows at the edge).
XLIM = (-1.0, 3.0)


@dataclass
class ModelEffects:
    """Each row's effect in each world (rows x worlds) and where the worlds came from."""

    table: pd.DataFrame  # index: row id; columns: one per world/replicate
    source: str


def model_effects(rows: Sequence[Finding], worlds: int = 20, seed: int = 11,
                  ensemble: Path | None = None) -> ModelEffects:
    """The model's effect on every row over ``worlds`` plausible worlds (or default replicates)."""
    path = ensemble if ensemble is not None else api.PLAUSIBLE_WORLDS
    columns = {}
    if path.exists():
        ens = api.plausible_worlds(path)
        rng = np.random.default_rng(seed)
        picks = rng.choice(len(ens), size=worlds, replace=True, p=ens["weight"].to_numpy())
        names = [c for c in ens.columns if c not in ("world", "weight")]
        for k, i in enumerate(picks):
            values = {n: float(ens.iloc[int(i)][n]) for n in names}
            columns[f"w{k}"] = simulate_rows(values, rows, replicate=k, seed=seed)
        source = (f"{worlds} plausible worlds drawn by weight from {path.name} "
                  f"({len(ens)} worlds; fitted: {', '.join(names)}), one paired replicate each")
    else:
        for k in range(worlds):
            columns[f"r{k}"] = simulate_rows({}, rows, replicate=k, seed=seed)
        source = f"default parameters (no ensemble found), {worlds} paired replicates"
    return ModelEffects(pd.DataFrame(columns), source)


def summary(rows: Sequence[Finding], effects: ModelEffects) -> pd.DataFrame:
    """One line per row: published target, model mean and 5-95% range, verdict."""
    out = []
    for f in rows:
        values = effects.table.loc[f.id].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if values.size == 0:
            raise ValueError(f"{f.id}: the model's effect is undefined in every world "
                             f"(measure {f.measure}); fix the row's expression")
        mean = float(values.mean())
        se = float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else 0.0
        distance, holds = verdict(f, mean, se)
        low, high = f.target()
        out.append({
            "id": f.id, "family": f.family, "split": f.split, "measure": f.measure,
            "kind": "sign" if f.is_sign else "magnitude", "published": f.effect, "unit": f.unit,
            "target_low": low, "target_high": high, "tolerance": f.tolerance(),
            "model": mean, "model_p05": float(np.quantile(values, 0.05)),
            "model_p95": float(np.quantile(values, 0.95)), "distance": distance,
            "verdict": "holds" if holds else "fails",
        })
    return pd.DataFrame(out)


def forest_plot(table: pd.DataFrame, path: Path) -> Path:
    """Published interval +- tolerance (grey) and the model's mean and 5-95% range, per row."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mag = table[table["kind"] == "magnitude"].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(mag) + 1.5))
    for i, r in mag.iterrows():
        y = len(mag) - 1 - int(i)
        ax.plot([r["target_low"] - r["tolerance"], r["target_high"] + r["tolerance"]], [y, y],
                color="0.8", lw=6, solid_capstyle="butt")
        ax.plot([r["target_low"], r["target_high"]], [y, y], color="0.35", lw=2)
        colour = "tab:blue" if r["split"] == "calibration" else "tab:orange"
        marker = "o" if r["verdict"] == "holds" else "x"
        ax.plot([r["model_p05"], r["model_p95"]], [y, y], color=colour, lw=1)
        if r["model"] > XLIM[1]:  # off the scale: an arrow at the edge with the value
            ax.plot(XLIM[1] - 0.03, y, ">", color=colour, ms=6)
            ax.text(XLIM[1] - 0.1, y + 0.25, f"model {r['model']:+.2f}", fontsize=6,
                    ha="right", color=colour)
        else:
            ax.plot(r["model"], y, marker, color=colour, ms=6)
    ax.set_yticks(range(len(mag)))
    ax.set_yticklabels([f"{r['id']} ({r['split'][0]})" for _, r in mag.iloc[::-1].iterrows()],
                       fontsize=7)
    ax.axvline(0, color="0.5", lw=0.5)
    ax.set_xlabel("effect on the model's scale (SD; r for correlations; teacher SD for practice)")
    ax.set_title("Published (grey: interval, light: +- tolerance) vs model "
                 "(blue calibration, orange validation; o holds, x fails)", fontsize=8)
    ax.set_xlim(*XLIM)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _fmt(x: float) -> str:
    return f"{x:+.3f}"


def render(table: pd.DataFrame, source: str, figure: str, command: str) -> str:
    """The report as Markdown."""
    lines = [
        "# Validation report: the model against the evidence base",
        "",
        f"Generated by `{command}`. Model effects: {source}.",
        "",
        "Rows come from `experiments/calibration/evidence/findings.csv`; each is expressed by a "
        "scenario pair in `experiments/calibration/evidence/scenarios/` "
        "(`experiments/calibration/evidence_model.py` says how). A magnitude row **holds** when "
        "the model's mean effect lies within one tolerance sqrt(se^2 + 0.1^2) of the published "
        "interval (researcher-test and mixed rows divided by kappa in [2, 4] and [1, 2]); a "
        "sign row holds when the model's effect has the published sign beyond twice its "
        "standard error (sign 0: within 0.1 of zero). Grade- and exam-point rows are sign rows. "
        "Validation rows were never used to choose parameters or mechanisms; they are all shown.",
        "",
    ]
    for split in ("calibration", "validation"):
        part = table[table["split"] == split]
        held = int((part["verdict"] == "holds").sum())
        lines.append(f"- {split}: {held} of {len(part)} rows hold")
    lines += ["", f"![forest plot]({figure})", "",
              "The forest plot shows the magnitude rows (grey: the published interval on the "
              "model's scale and one tolerance either side; dot or cross: the model's mean over "
              "the worlds, line: its 5-95% range; arrows: off the scale). Sign rows are in the "
              "tables only.", ""]
    for split in ("calibration", "validation"):
        part = table[table["split"] == split]
        lines += [f"## {split.capitalize()} rows", "",
                  "| row | family | measure | published | target (model scale) | tolerance | "
                  "model mean | model 5-95% | verdict |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for _, r in part.iterrows():
            target = ("sign " + _fmt(r["target_low"]).replace(".000", "")) \
                if r["kind"] == "sign" else (
                    _fmt(r["target_low"]) if r["target_low"] == r["target_high"]
                    else f"{_fmt(r['target_low'])} to {_fmt(r['target_high'])}")
            lines.append(
                f"| {r['id']} | {r['family']} | {r['measure']} | {r['published']:g} "
                f"{r['unit']} | {target} | {r['tolerance']:.3f} | {_fmt(r['model'])} | "
                f"{_fmt(r['model_p05'])} to {_fmt(r['model_p95'])} | {r['verdict']} |")
        lines.append("")
    return "\n".join(lines)


def write_report(out: Path, figures: Path, worlds: int = 20, seed: int = 11,
                 command: str = "plsim validate-model") -> pd.DataFrame:
    """Compute every row, write the Markdown report and the forest plot; return the table."""
    rows = findings()
    effects = model_effects(rows, worlds=worlds, seed=seed)
    table = summary(rows, effects)
    figure = forest_plot(table, figures / "forest.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        rel = figure.resolve().relative_to(out.parent.resolve())
        link = str(rel)
    except ValueError:
        link = str(figure)
    out.write_text(render(table, effects.source, link, command) + "\n", encoding="utf-8")
    table.to_csv(figures / "validation_table.csv", index=False, float_format="%.5g")
    return table
