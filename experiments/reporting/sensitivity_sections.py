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
from experiments.reporting.caveats import ROLE_WORDS, evidence_table, limitations_html
from experiments.reporting.html import (
    Raw,
    Section,
    bullets,
    esc,
    figure,
    fmt,
    interval,
    paragraph,
    table,
    when,
)
from experiments.reporting.labels import (
    metric_label,
    parameter_description,
    parameter_label,
    scenario_label,
    unit_label,
    value_label,
)
from experiments.reporting.money import money
from experiments.reporting.reproducibility import reproducibility_html
from experiments.storage.experiment_store import Results, load_results
from simulation.parameters import REGISTRY

__all__ = ["sensitivity_sections"]

METHOD_WORDS = {"sobol": "Sobol indices", "morris": "Morris screening", "efast": "eFAST",
                "grid": "grid sweep", "lhs": "Latin hypercube sweep"}
ANALYSIS_DIR = "analysis"


def _outcome(name: str, symbol: str | None = None) -> str:
    return metric_label(name, symbol=symbol)


def _setting(name: str) -> Raw:
    """A parameter's plain label, its identifier as a tooltip."""
    return Raw(f'<span title="{esc(name)}">{esc(parameter_label(name))}</span>')


def _outcome_value(name: str, value: float, symbol: str | None, digits: int = 3) -> str:
    return money(value, symbol) if name == "cost_per_student" else fmt(value, digits)


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
        from experiments.reporting.factor_plots import write_factor_plots
        from experiments.reporting.sensitivity_figures import write_figures

        with tempfile.TemporaryDirectory(prefix="plsim-report-") as tmp:
            paths = write_figures(report, results, Path(tmp))
            paths += write_factor_plots(results, Path(tmp))
            pngs = {p.name: p.read_bytes() for p in paths}
    return report, pngs, origin


def _question_section(manifest: dict[str, Any], outcomes: list[str], symbol: str | None) -> str:
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
           paragraph(f"Experiment {scenario_label(str(manifest.get('name')))}: "
                     f"{manifest.get('description', '')}"),
           paragraph(f"Base scenario: {scenario_label(str(base.get('name')))}"
                     + (f" (its question: {question})" if question else "")),
           "<p>Outcomes analysed:</p>", bullets([_outcome(o, symbol) for o in outcomes])]
    return "\n".join(out)


def _scenario_question(source: str | None) -> str:
    if not source:
        return ""
    try:
        return str(tomllib.loads(Path(source).read_text(encoding="utf-8")).get("question", ""))
    except (OSError, tomllib.TOMLDecodeError):
        return ""


def _level(value: Any, name: str = "", symbol: str | None = None) -> str:
    """A factor value as shown: on/off for switches, plain choices, money, three decimals."""
    if isinstance(value, bool | np.bool_):
        return "on" if value else "off"
    if isinstance(value, float | np.floating):
        if name in REGISTRY and REGISTRY[name].unit.startswith("currency"):
            return money(float(value), symbol)
        return f"{float(value):,.4g}"
    return value_label(name, value, symbol)


def _range(f: dict[str, Any], symbol: str | None = None) -> str:
    name = f.get("name", "")
    if f.get("levels"):
        return ", ".join(_level(v, name, symbol) for v in f["levels"])
    return f"{_level(f.get('low'), name, symbol)} to {_level(f.get('high'), name, symbol)}"


def _design_section(manifest: dict[str, Any], symbol: str | None) -> str:
    spec = manifest.get("spec", {})
    design = manifest.get("design", {})
    out = [paragraph(f"Design: {manifest.get('method')} with n = {design.get('n')}: "
                     f"{manifest.get('n_points')} points, each run {manifest.get('replicates')} "
                     f"times with its own random stream ({manifest.get('n_runs')} runs of "
                     f"{manifest.get('weeks')} weeks). The analysis uses the mean over replicates "
                     "of each point."),
           "<h3>Settings that vary</h3>",
           table(["Setting", "Kind", "Range or levels", "Unit", "Meaning"],
                 [(_setting(f["name"]), ROLE_WORDS.get(f.get("role", ""), f.get("role", "")),
                   _range(f, symbol), unit_label(f.get("unit", ""), symbol),
                   parameter_description(f["name"]) or f.get("description", ""))
                  for f in manifest.get("factors", [])])]
    overrides = spec.get("overrides") or {}
    if overrides:
        out += ["<h3>Settings fixed for every run (changed from the base scenario)</h3>",
                table(["Setting", "Value", "Meaning"],
                      [(_setting(k), value_label(k, v, symbol),
                        parameter_description(k))
                       for k, v in overrides.items()])]
    return "\n".join(out)


def _outcomes_section(results: Results, report: SensitivityReport,
                      figures: dict[str, bytes], symbol: str | None) -> str:
    noise = report.noise.set_index("outcome")
    rows = []
    for o in noise.index:
        means = results.outcome_matrix(o).mean(axis=1)
        rows.append((_outcome(o, symbol), _outcome_value(o, float(np.mean(means)), symbol),
                     _outcome_value(o, float(np.min(means)), symbol),
                     _outcome_value(o, float(np.max(means)), symbol),
                     fmt(noise.loc[o, "noise_share"], 1, percent=True)))
    out = [paragraph("Effects, equity and cost across the design: the spread of each outcome's "
                     "replicate means over the design points (the last simulated week)."),
           table(["Outcome", "Mean", "Lowest", "Highest", "Noise share"], rows,
                 numeric=(1, 2, 3, 4)),
           _best_points(results, symbol)]
    for o in noise.index:
        name = f"factor_{o}.png"
        if name in figures:
            out.append(figure(figures[name], f"{_outcome(o, symbol)} against each setting of "
                              "the grid: mean over replicates with its 95% interval."))
    if "distributions.png" in figures:
        out.append(figure(figures["distributions.png"], "Distribution of every outcome over "
                          "all runs and over the replicate means of the design points."))
    return "\n".join(out)


def _best_points(results: Results, symbol: str | None = None, top: int = 5) -> str:
    """The design points with the highest mean achievement: one column per point, so the
    table keeps the page width however many settings vary."""
    if "achievement_mean" not in results.scalars:
        return ""
    first = results.design[results.design["replicate"] == 0].reset_index(drop=True)
    table_ = first[["point", *results.factors]].copy()
    table_["achievement"] = results.outcome_matrix("achievement_mean").mean(axis=1)
    has_cost = "cost_per_student" in results.scalars
    if has_cost:
        table_["cost"] = results.outcome_matrix("cost_per_student").mean(axis=1)
    best = table_.sort_values("achievement", ascending=False).head(top)
    header = ["", *[f"Point {int(p)}" for p in best["point"]]]
    rows: list[tuple[Any, ...]] = [
        ("Achievement (SD)", *[fmt(v, 3) for v in best["achievement"]])]
    if has_cost:
        rows.append(("Cost per student per year", *[money(v, symbol) for v in best["cost"]]))
    for f in results.factors:
        rows.append((_setting(f), *[_level(v, f, symbol) for v in best[f]]))
    text = (f"The {len(best)} design points with the highest mean achievement" +
            (", with their annual cost per student and their settings:" if has_cost else
             " and their settings:"))
    return paragraph(text) + table(header, rows, numeric=tuple(range(1, len(header))),
                                   css_class="points")


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
        kind = f"{ROLE_WORDS.get(r['role'], r['role'])}; evidence {evidence}"
        name = _setting(r["factor"]) if r["factor"] in REGISTRY else str(r["factor"])
        if method == "morris":
            rows.append((k + 1, name, kind,
                         interval(r["mu_star"], low, high, 3, signed=False),
                         fmt(r["sigma"], 3), verdict))
        else:
            corrected = r.get("ST_corrected", math.nan)
            total = esc(interval(r["ST"], low, high, 3, signed=False))
            if isinstance(corrected, float) and math.isfinite(corrected):
                total += f'<br><span class="muted">noise-corrected {esc(fmt(corrected, 3))}</span>'
            rows.append((k + 1, name, kind, Raw(total),
                         interval(r["S1"], r["S1"] - r["S1_conf"], r["S1"] + r["S1_conf"], 3,
                                  signed=False),
                         verdict))
    return rows


def _ranking_section(report: SensitivityReport, figures: dict[str, bytes], origin: str,
                     symbol: str | None = None) -> str:
    method = report.method
    if report.indices.empty:
        return paragraph(f"This {method} design yields no sensitivity indices (use plsim "
                         "sensitivity with a sobol, morris or efast spec); the outcome ranges "
                         "above are what this experiment shows.")
    if method == "morris":
        header = ["Rank", "Setting", "Kind", "mu* [95% interval]", "sigma", "Rank certainty"]
        explain = ("Morris screening: mu* is the mean absolute elementary effect of a factor "
                   "(per unit step of its normalized range), sigma its spread (interactions or "
                   "non-linearity). Factors are ranked by mu*.")
    else:
        header = ["Rank", "Setting", "Kind", "Total order ST [95% interval]",
                  "First order S1 [95% interval]", "Rank certainty"]
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
        label = _outcome(outcome, symbol)
        out.append(f'<h3 id="rank-{esc(outcome)}">{esc(label)}</h3>')
        out.append(table(header, ranking_rows(ranked, method), numeric=(3, 4)))
        name = f"{method}_{outcome}.png"
        if name in figures:
            out.append("<details><summary>Figure of these indices</summary>"
                       + figure(figures[name], f"Indices of {label} with their intervals.")
                       + "</details>")
        name = f"convergence_{outcome}.png"
        if name in figures:
            out.append("<details><summary>Convergence of these indices</summary>"
                       + figure(figures[name], f"Indices of {label} over nested designs of "
                                "growing size: stable values and shrinking intervals mean the "
                                "design is large enough.") + "</details>")
    constant = report.noise[~(report.noise["variance"] > 0)]["outcome"].tolist()
    if constant:
        out.append(paragraph("Outcomes that did not vary across the design (no indices): "
                             + ", ".join(_outcome(c, symbol) for c in constant) + "."))
    return "\n".join(out)


def _noise_section(report: SensitivityReport) -> str:
    rows = [(_outcome(str(r.outcome)), fmt(r.variance, 4), fmt(r.noise_variance, 4),
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
            + table(["Outcome", "Variance of replicate means", "Noise variance", "Noise share",
                     "Note"], rows, numeric=(1, 2, 3)))


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


def _point_interval(results: Results, outcome: str, point_index: int) -> tuple[float, float,
                                                                                float]:
    """Mean over replicates of one design point with its 95% t interval."""
    from scipy import stats

    values = results.outcome_matrix(outcome)[point_index]
    mean = float(np.mean(values))
    if len(values) < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.975, len(values) - 1) * np.std(values, ddof=1)
                 / math.sqrt(len(values)))
    return mean, mean - half, mean + half


def _driver(report: SensitivityReport, outcome: str) -> str:
    """'depends most on X (ST 0.62 [0.50, 0.74]; clearly above the next)' or ''."""
    if report.indices.empty or outcome not in set(report.indices["outcome"]):
        return ""
    ranked = report.ranking(outcome)
    if ranked.empty:
        return ""
    rows = ranking_rows(ranked, report.method)
    top = ranked.iloc[0]
    key = "mu_star" if report.method == "morris" else "ST"
    name = parameter_label(str(top["factor"])) if top["factor"] in REGISTRY else str(
        top["factor"])
    second = ""
    if len(ranked) > 1:
        other = ranked.iloc[1]["factor"]
        second = f", then {(parameter_label(other) if other in REGISTRY else other).lower()}"
    index = (f"{'mu*' if key == 'mu_star' else 'total-order'} index {fmt(top[key], 2)} ± "
             f"{fmt(top[key + '_conf'], 2)}")
    if rows[0][-1] == "not distinguishable from zero":
        return (f"depends clearly on no single setting in this design: the largest index, of "
                f"{name.lower()} ({index}), is not distinguishable from zero")
    return f"depends most on {name.lower()} ({index}; {rows[0][-1]}){second}"


def experiment_brief(results: Results, report: SensitivityReport,
                     symbol: str | None = None) -> str:
    """The one-page brief of an experiment: question, answer, effect, equity, cost, how sure
    and what would change the answer."""
    factors = [parameter_label(f) for f in results.factors]
    names = ", ".join(factors[:-1]) + (" and " if len(factors) > 1 else "") + factors[-1]
    has_indices = not report.indices.empty
    question = (f"Which of the settings varied ({names.lower()}) drive achievement, equity and "
                "cost, and how sure is that ranking?" if has_indices else
                f"How do achievement, equity and cost change as {names.lower()} vary?")
    noise = report.noise.set_index("outcome")
    parts = [f'<p class="question"><strong>Question.</strong> {esc(question)}</p>']
    answer = []
    if "achievement_mean" in results.scalars:
        means = results.outcome_matrix("achievement_mean").mean(axis=1)
        best = int(np.argmax(means))
        mean, low, high = _point_interval(results, "achievement_mean", best)
        first = results.design[results.design["replicate"] == 0].reset_index(drop=True)
        settings = "; ".join(f"{parameter_label(f).lower()} {_level(first.loc[best, f], f, symbol)}"
                             for f in results.factors)
        driver = _driver(report, "achievement_mean")
        answer.append(f"Achievement {driver}." if driver else
                      f"Achievement ranges from {fmt(float(means.min()), 3)} to "
                      f"{fmt(float(means.max()), 3)} SD across the design.")
        answer.append(f"The best point reaches {fmt(mean, 3)} SD (95% interval "
                      f"{fmt(low, 3)} to {fmt(high, 3)}) with {settings}.")
        if "cost_per_student" in results.scalars:
            cost = results.outcome_matrix("cost_per_student").mean(axis=1)
            answer.append(f"It costs {money(float(cost[best]), symbol)} per student per year "
                          f"(the design ranges from {money(float(cost.min()), symbol)} to "
                          f"{money(float(cost.max()), symbol)}).")
    parts.append(f"<p><strong>Answer.</strong> {esc(' '.join(answer) or 'See the outcomes.')}</p>")
    equity = []
    for gap in ("gap_bottom_top", "gap_access"):
        if gap not in results.scalars:
            continue
        g = results.outcome_matrix(gap).mean(axis=1)
        driver = _driver(report, gap)
        equity.append(f"{metric_label(gap, with_unit=False)} ranges from {fmt(float(g.min()), 3)}"
                      f" to {fmt(float(g.max()), 3)} SD" + (f" and {driver}" if driver else "")
                      + ".")
    parts.append("<p><strong>Equity.</strong> " + esc(" ".join(equity) if equity else
                 "No equity gap is among this experiment's outcomes.") + "</p>")
    sure = [f"{results.n_points} design points, each run {results.replicates} times."]
    if "achievement_mean" in noise.index:
        share = noise.loc["achievement_mean", "noise_share"]
        if isinstance(share, float) and math.isfinite(share):
            sure.append(f"The model's own randomness is {share:.0%} of the spread in achievement"
                        + (": rankings of small effects are unreliable." if share > 0.2 else "."))
    parts.append(f"<p><strong>How sure.</strong> {esc(' '.join(sure))}</p>")
    change = ["Other ranges for the settings: a narrow range makes a setting look unimportant."]
    weak = [f for f in results.factors if f in REGISTRY
            and REGISTRY[f].evidence in ("weak", "assumption")]
    if weak:
        change.append("Weak or assumed evidence behind "
                      + ", ".join(parameter_label(f).lower() for f in weak) + ".")
    if results.replicates < 5:
        change.append(f"More replicates (now {results.replicates}) would reduce the noise.")
    change.append("Other values of the settings held fixed (listed under the design).")
    parts += ["<p><strong>What would change the answer.</strong></p>",
              "<ul>" + "".join(f"<li>{esc(c)}</li>" for c in change) + "</ul>"]
    return "\n".join(parts)


def sensitivity_sections(folder: Path, symbol: str | None = None
                         ) -> tuple[str, list[str], list[Section]]:
    """Title, subtitle and sections of the report of an experiment folder.

    ``symbol`` is the currency symbol for money (default: ``$PLSIM_CURRENCY`` or ``$``).
    """
    results = load_results(folder)
    results.check_complete("a report")
    manifest = results.manifest
    report, figures, origin = load_analysis(results, folder)
    outcomes = report.noise["outcome"].tolist()
    kind = "Sensitivity experiment" if not report.indices.empty else "Experiment"
    method = METHOD_WORDS.get(str(manifest.get("method")), str(manifest.get("method")))
    title = f"{kind}: {scenario_label(str(manifest.get('name')))} ({method})"
    subtitle = [f"{manifest.get('n_runs')} runs ({manifest.get('n_points')} points x "
                f"{manifest.get('replicates')} replicates), {manifest.get('weeks')} weeks, root "
                f"seed {manifest.get('root_seed')}",
                f"Created {when(manifest.get('environment', {}).get('created', 'n/a'))}"]
    sections = [
        Section("brief", "Brief", experiment_brief(results, report, symbol)),
        Section("question", "Question", _question_section(manifest, outcomes, symbol)),
        Section("design", "Scenario and what varies", _design_section(manifest, symbol)),
        Section("outcomes", "Effects, equity and cost across the design",
                _outcomes_section(results, report, figures, symbol)),
        Section("ranking", "Sensitivity ranking",
                _ranking_section(report, figures, origin, symbol)),
        Section("noise", "Noise in the indices", _noise_section(report)),
        Section("caveats", "Caveats", _caveats_section(manifest)),
        Section("reproduce", "Reproducing this result", reproducibility_html(manifest, folder)),
    ]
    return title, subtitle, sections
