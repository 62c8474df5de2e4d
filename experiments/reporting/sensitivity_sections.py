"""Report sections of a sensitivity (or sweep) experiment folder.

Reads ``manifest.json``, ``design.parquet`` and the runs, and the tables and figures ``plsim
analyze`` wrote into ``DIR/analysis`` (``<method>_indices.csv``, ``noise.csv``,
``sobol_convergence.csv``, ``*.png``). When the folder has not been analysed yet, the same analysis
(:func:`~experiments.analysis.sensitivity.analyze_results`, defaults) is computed in memory and its
figures are drawn into a temporary folder: the results folder itself is never modified.
"""

from __future__ import annotations

import math
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.sensitivity import SensitivityReport, analyze_results
from experiments.reporting.caveats import evidence_table, limitations_html
from experiments.reporting.html import (
    Section,
    bullets,
    esc,
    figure,
    fmt,
    interval,
    paragraph,
    table,
)
from experiments.reporting.reproducibility import reproducibility_html
from experiments.storage.experiment_store import Results, load_results
from simulation.parameters import REGISTRY

__all__ = ["sensitivity_sections"]

OUTCOME_TEXT: dict[str, str] = {
    "achievement_mean": "mean achievement (SD of the starting cohort)",
    "gap_bottom_top": "top-minus-bottom prior-quartile gap (SD; smaller is more equal)",
    "gap_access": "gap between students with and without home access (SD; smaller is more equal)",
    "engagement_mean": "mean engagement (0-1)",
    "adoption_mean": "teachers' adoption (share of class time personalized)",
    "teacher_preparedness": "teachers' preparedness (1-4 Likert)",
    "burnout_share": "share of teachers burnt out",
    "cost_per_student": "annual cost per student (currency units)",
}
ANALYSIS_DIR = "analysis"


def _outcome(name: str) -> str:
    return OUTCOME_TEXT.get(name, name.replace("_", " "))


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path) if path.exists() else pd.DataFrame()


def load_analysis(results: Results, folder: Path) -> tuple[SensitivityReport, dict[str, bytes],
                                                           str]:
    """The analysis tables, figures (name -> PNG bytes) and a note on where they came from.

    Tables and figures written by ``plsim analyze`` (``DIR/analysis``) are used when present;
    whatever is missing is computed (default settings) or drawn in memory.
    """
    written = folder / ANALYSIS_DIR
    method = results.method
    noise = _read_csv(written / "noise.csv")
    if not noise.empty:
        report = SensitivityReport(
            method=method, indices=_read_csv(written / f"{method}_indices.csv"),
            noise=noise.fillna({"note": ""}),
            convergence=_read_csv(written / "sobol_convergence.csv"),
            settings={"conf_level": None, "resamples": None})
        origin = f"Tables written by plsim analyze into {written.name}/"
    else:
        report = analyze_results(results)
        origin = ("Computed for this report with the default analysis (1,000 bootstrap "
                  "resamples, 95% intervals); run plsim analyze to keep the tables")
    pngs = {p.name: p.read_bytes() for p in sorted(written.glob("*.png"))}
    if not pngs:
        from experiments.reporting.sensitivity_figures import write_figures

        with tempfile.TemporaryDirectory(prefix="plsim-report-") as tmp:
            pngs = {p.name: p.read_bytes() for p in write_figures(report, results, Path(tmp))}
    return report, pngs, origin


def _question_section(manifest: dict[str, Any], outcomes: list[str]) -> str:
    base = manifest.get("base_scenario", {})
    question = _scenario_question(base.get("source"))
    factors = manifest.get("factors", [])
    policy = [f["name"] for f in factors if f.get("role") == "policy"]
    other = [f["name"] for f in factors if f.get("role") != "policy"]
    kinds = [f"{n} {word}" for n, word in ((len(policy), "policy levers"),
                                           (len(other), "uncertainties about the world"))
             if n]
    text = (f"Which of the {len(factors)} varied settings ({', '.join(kinds)}) drive the "
            "outcomes, and how sure is that ranking?")
    out = [f'<p class="lead">{esc(text)}</p>',
           paragraph(f"Experiment {manifest.get('name')}: {manifest.get('description', '')}"),
           paragraph(f"Base scenario: {base.get('name')}"
                     + (f" (its question: {question})" if question else "")),
           "<p>Outcomes analysed:</p>", bullets([f"{o}: {_outcome(o)}" for o in outcomes])]
    return "\n".join(out)


def _scenario_question(source: str | None) -> str:
    if not source:
        return ""
    try:
        return str(tomllib.loads(Path(source).read_text(encoding="utf-8")).get("question", ""))
    except (OSError, tomllib.TOMLDecodeError):
        return ""


def _level(value: Any) -> str:
    """A factor value as shown: on/off for switches, three decimals for numbers."""
    if isinstance(value, bool | np.bool_):
        return "on" if value else "off"
    if isinstance(value, float | np.floating):
        return fmt(float(value), 3)
    return str(value)


def _range(f: dict[str, Any]) -> str:
    if f.get("levels"):
        return ", ".join(_level(v) for v in f["levels"])
    return f"{fmt(f.get('low'), 3)} to {fmt(f.get('high'), 3)}"


def _design_section(manifest: dict[str, Any]) -> str:
    spec = manifest.get("spec", {})
    design = manifest.get("design", {})
    out = [paragraph(f"Design: {manifest.get('method')} with n = {design.get('n')}: "
                     f"{manifest.get('n_points')} points, each run {manifest.get('replicates')} "
                     f"times with its own random stream ({manifest.get('n_runs')} runs of "
                     f"{manifest.get('weeks')} weeks). The analysis uses the mean over replicates "
                     "of each point."),
           "<h3>Settings that vary</h3>",
           table(["parameter", "role", "range or levels", "unit", "meaning"],
                 [(f["name"], f.get("role", ""), _range(f), f.get("unit", ""),
                   f.get("description", "")) for f in manifest.get("factors", [])])]
    overrides = spec.get("overrides") or {}
    if overrides:
        out += ["<h3>Settings fixed for every run (changed from the base scenario)</h3>",
                table(["parameter", "value", "meaning"],
                      [(k, str(v), REGISTRY[k].description if k in REGISTRY else "")
                       for k, v in overrides.items()])]
    return "\n".join(out)


def _outcomes_section(results: Results, report: SensitivityReport,
                      figures: dict[str, bytes]) -> str:
    noise = report.noise.set_index("outcome")
    rows = []
    for o in noise.index:
        means = results.outcome_matrix(o).mean(axis=1)
        rows.append((o, _outcome(o), fmt(float(np.mean(means)), 3), fmt(float(np.min(means)), 3),
                     fmt(float(np.max(means)), 3), fmt(noise.loc[o, "noise_share"], 1,
                                                        percent=True)))
    out = [paragraph("Effects, equity and cost across the design: the spread of each outcome's "
                     "replicate means over the design points (the last simulated week)."),
           table(["outcome", "meaning", "mean", "lowest", "highest", "noise share"], rows,
                 numeric=(2, 3, 4, 5)),
           _best_points(results)]
    if "distributions.png" in figures:
        out.append(figure(figures["distributions.png"], "Distribution of every outcome over "
                          "all runs and over the replicate means of the design points."))
    return "\n".join(out)


def _best_points(results: Results) -> str:
    """The design points with the highest mean achievement, with their cost and settings."""
    if "achievement_mean" not in results.scalars:
        return ""
    first = results.design[results.design["replicate"] == 0].reset_index(drop=True)
    table_ = first[["point", *results.factors]].copy()
    table_["achievement"] = results.outcome_matrix("achievement_mean").mean(axis=1)
    has_cost = "cost_per_student" in results.scalars
    if has_cost:
        table_["cost"] = results.outcome_matrix("cost_per_student").mean(axis=1)
    top = table_.sort_values("achievement", ascending=False).head(5)
    header = ["point", "achievement", *(["cost per student"] if has_cost else []),
              *results.factors]
    rows = []
    for _, r in top.iterrows():
        settings = [_level(r[f]) for f in results.factors]
        rows.append((int(r["point"]), fmt(r["achievement"], 3),
                     *([fmt(r["cost"], 0)] if has_cost else []), *settings))
    text = ("The five design points with the highest mean achievement" +
            (", with their annual cost per student:" if has_cost else ":"))
    return paragraph(text) + table(header, rows, numeric=(1, 2) if has_cost else (1,))


def ranking_rows(ranked: pd.DataFrame, method: str) -> list[tuple[Any, ...]]:
    """Ranking table rows with intervals and whether each rank is told apart from the next."""
    key = "mu_star" if method == "morris" else "ST"
    conf = f"{key}_conf"
    rows = []
    values = ranked[key].to_numpy(dtype=float)
    confs = ranked[conf].to_numpy(dtype=float)
    for k, (_, r) in enumerate(ranked.iterrows()):
        low, high = values[k] - confs[k], values[k] + confs[k]
        if not math.isfinite(low):
            verdict = "n/a"
        elif low <= 0:
            verdict = "not distinguishable from zero"
        elif k + 1 == len(values):
            verdict = "above zero"
        elif low <= values[k + 1] + confs[k + 1]:
            verdict = "overlaps the next: order uncertain"
        else:
            verdict = "clearly above the next"
        evidence = REGISTRY[r["factor"]].evidence if r["factor"] in REGISTRY else "group"
        if method == "morris":
            rows.append((k + 1, r["factor"], r["role"], evidence,
                         interval(r["mu_star"], low, high, 3, signed=False),
                         fmt(r["sigma"], 3), verdict))
        else:
            corrected = r.get("ST_corrected", math.nan)
            rows.append((k + 1, r["factor"], r["role"], evidence,
                         interval(r["ST"], low, high, 3, signed=False),
                         interval(r["S1"], r["S1"] - r["S1_conf"], r["S1"] + r["S1_conf"], 3,
                                  signed=False),
                         fmt(corrected, 3), verdict))
    return rows


def _ranking_section(report: SensitivityReport, figures: dict[str, bytes], origin: str) -> str:
    method = report.method
    if report.indices.empty:
        return paragraph(f"This {method} design yields no sensitivity indices (use plsim "
                         "sensitivity with a sobol, morris or efast spec); the outcome ranges "
                         "above are what this experiment shows.")
    if method == "morris":
        header = ["rank", "factor", "role", "evidence", "mu* [95% CI]", "sigma", "rank certainty"]
        explain = ("Morris screening: mu* is the mean absolute elementary effect of a factor "
                   "(per unit step of its normalized range), sigma its spread (interactions or "
                   "non-linearity). Factors are ranked by mu*.")
    else:
        header = ["rank", "factor", "role", "evidence", "total order ST [95% CI]",
                  "first order S1 [95% CI]", "ST noise-corrected", "rank certainty"]
        explain = ("Total-order index ST: the share of the outcome's variance that involves the "
                   "factor, alone or with others; first-order S1: its share alone. Factors are "
                   "ranked by ST; a rank is 'clearly above the next' only when the intervals do "
                   "not overlap.")
    out = [paragraph(explain), f'<p class="muted">{esc(origin)}.</p>']
    overview = f"{method}_overview.png"
    if overview in figures:
        out.append(figure(figures[overview], "Total-order indices of every outcome: the ranking "
                          "of levers and uncertainties at a glance."))
    varying = report.noise[report.noise["variance"] > 0]["outcome"].tolist()
    for outcome in varying:
        ranked = report.ranking(outcome)
        if ranked.empty:
            continue
        out.append(f"<h3>{esc(outcome)}: {esc(_outcome(outcome))}</h3>")
        out.append(table(header, ranking_rows(ranked, method), numeric=(4, 5, 6)
                         if method != "morris" else (4, 5)))
        name = f"{method}_{outcome}.png"
        if name in figures:
            out.append(figure(figures[name], f"Indices of {outcome} with their intervals."))
        name = f"convergence_{outcome}.png"
        if name in figures:
            out.append("<details><summary>Convergence of these indices</summary>"
                       + figure(figures[name], f"Indices of {outcome} over nested designs of "
                                "growing size: stable values and shrinking intervals mean the "
                                "design is large enough.") + "</details>")
    constant = report.noise[~(report.noise["variance"] > 0)]["outcome"].tolist()
    if constant:
        out.append(paragraph("Outcomes that did not vary across the design (no indices): "
                             + ", ".join(constant) + "."))
    return "\n".join(out)


def _noise_section(report: SensitivityReport) -> str:
    rows = [(r.outcome, fmt(r.variance, 4), fmt(r.noise_variance, 4),
             fmt(r.noise_share, 1, percent=True), r.note or "")
            for r in report.noise.itertuples()]
    return (paragraph("The model is stochastic: two runs of the same point differ. Sobol and "
                      "eFAST estimators assume a deterministic model, so the analysis uses the "
                      "mean over replicates of each point; the noise left in those means "
                      "(within-point variance divided by the replicates) still inflates the "
                      "variance, which lowers first-order indices and adds to every total-order "
                      "index. The noise share below is that noise as a share of the variance of "
                      "the replicate means; the noise-corrected indices remove it. When the share "
                      "is large, add replicates before trusting small indices or close ranks.")
            + table(["outcome", "variance of replicate means", "noise variance", "noise share",
                     "note"], rows, numeric=(1, 2, 3)))


def _caveats_section(manifest: dict[str, Any]) -> str:
    names = [f["name"] for f in manifest.get("factors", [])]
    names += list(manifest.get("spec", {}).get("overrides") or {})
    warnings = manifest.get("base_scenario", {}).get("warnings", [])
    out = ["<h3>Evidence behind the settings varied or fixed</h3>", evidence_table(names)]
    if warnings:
        out += ["<h3>Warnings of the base scenario</h3>", f'<div class="warn">{bullets(warnings)}'
                "</div>"]
    out += [paragraph("Indices rank settings within the ranges given to the experiment: a "
                      "narrow range makes a setting look unimportant. They say what drives the "
                      "model, not the world."),
            "<h3>Model limitations</h3>", limitations_html()]
    return "\n".join(out)


def sensitivity_sections(folder: Path) -> tuple[str, list[str], list[Section]]:
    """Title, subtitle and sections of the report of an experiment folder."""
    results = load_results(folder)
    results.check_complete("a report")
    manifest = results.manifest
    report, figures, origin = load_analysis(results, folder)
    outcomes = report.noise["outcome"].tolist()
    kind = "Sensitivity experiment" if not report.indices.empty else "Experiment"
    title = f"{kind}: {manifest.get('name')} ({manifest.get('method')})"
    subtitle = [f"{manifest.get('n_runs')} runs ({manifest.get('n_points')} points x "
                f"{manifest.get('replicates')} replicates), {manifest.get('weeks')} weeks, root "
                f"seed {manifest.get('root_seed')}",
                f"Created {manifest.get('environment', {}).get('created', 'n/a')}"]
    sections = [
        Section("question", "Question", _question_section(manifest, outcomes)),
        Section("design", "Scenario and what varies", _design_section(manifest)),
        Section("outcomes", "Effects, equity and cost across the design",
                _outcomes_section(results, report, figures)),
        Section("ranking", "Sensitivity ranking", _ranking_section(report, figures, origin)),
        Section("noise", "Noise in the indices", _noise_section(report)),
        Section("caveats", "Caveats", _caveats_section(manifest)),
        Section("reproduce", "Reproducing this result", reproducibility_html(manifest, folder)),
    ]
    return title, subtitle, sections
