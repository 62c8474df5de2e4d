"""Report sections of a comparison folder (written by ``plsim compare``).

Reads only what the folder holds: ``manifest.json`` (scenarios, settings that differ, seeds,
environment), ``comparison.json`` (effects with 95% intervals, equity, cost), and
``survey_before_after.csv`` and ``figures/*.png`` when present.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.reporting.brief import comparison_brief, over_worlds, own_question
from experiments.reporting.caveats import evidence_table, limitations_html
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
from experiments.reporting.labels import parameter_label, scenario_label, unit_label, value_label
from experiments.reporting.money import money
from experiments.reporting.reproducibility import reproducibility_html
from simulation.errors import UserError
from simulation.parameters import GROUP_FACTORS, REGISTRY

__all__ = ["comparison_sections", "comparison_title"]

#: Figures of a comparison folder: file name -> (section, caption).
FIGURES: dict[str, tuple[str, str]] = {
    "effect_forest.png": ("effects", "Achievement effect of each alternative against the base "
                          "with its 95% interval (SD of the starting cohort and percentile "
                          "points)."),
    "timeseries_achievement.png": ("effects", "Achievement over the weeks: mean over paired "
                                   "replicates with 95% bands, for all students and the bottom "
                                   "prior-achievement quartile."),
    "paired_change_over_time.png": ("effects", "Paired change against the base, week by week."),
    "timeseries_engagement.png": ("effects", "Student engagement over the weeks."),
    "timeseries_teachers.png": ("teachers", "Teachers' preparedness, adoption of personalized "
                                "practice and burnout."),
    "timeseries_equity_gaps.png": ("equity", "Equity gaps over the weeks (smaller is more "
                                   "equal)."),
    "survey_before_after.png": ("survey", "Synthetic survey at week 0 and at the end, per "
                                "factor, with the published values."),
    "cost_effect_plane.png": ("uncertainty", "Cost-effect plane: extra cost against effect, one "
                              "dot per replicate pair (each in its drawn world)."),
    "acceptability_curve.png": ("uncertainty", "Acceptability curve: the share of replicate "
                                "pairs in which each choice has the largest net benefit, by "
                                "willingness to pay per 0.1 SD."),
}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: missing; is this a complete `plsim compare` folder?") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot read it ({exc})") from None


def _direction(low: Any, high: Any, smaller_is_better: bool = False) -> str:
    """'clearly up', 'clearly down' or 'no clear change' from a 95% interval."""
    if low is None or high is None:
        return "no interval"
    if low > 0:
        return "widens" if smaller_is_better else "clearly up"
    if high < 0:
        return "narrows" if smaller_is_better else "clearly down"
    return "no clear change"


def comparison_title(manifest: dict[str, Any]) -> tuple[str, list[str]]:
    """Title and subtitle lines of a comparison report."""
    alts = manifest.get("alternatives", [])
    years = _years(manifest)
    base = scenario_label(str(manifest.get("base")))
    what = scenario_label(alts[0]) if len(alts) == 1 else f"{len(alts)} policies"
    return (f"Policy comparison: {what} against {base}",
            [f"{manifest.get('replicates')} paired replicates, {manifest.get('weeks')} weeks "
             f"({years}), seed {manifest.get('seed')}",
             f"Created {when(manifest.get('environment', {}).get('created', 'n/a'))}"])


def _years(manifest: dict[str, Any]) -> str:
    base = manifest.get("scenarios", {}).get(manifest.get("base"), {})
    inst = base.get("values", {}).get("institution", {})
    per_year = inst.get("weeks_per_term", 18) * inst.get("terms_per_year", 2)
    years = manifest.get("weeks", 0) / per_year if per_year else math.nan
    return f"{years:.3g} year" + ("" if years == 1 else "s")


def _question_section(manifest: dict[str, Any]) -> str:
    scenarios = manifest.get("scenarios", {})
    base = manifest.get("base")
    parts = []
    for label in [base, *manifest.get("alternatives", [])]:
        q = own_question(manifest, label) or (
            f"(no question of its own) What does {scenario_label(label)} change against "
            f"{scenario_label(str(base))}?")
        role = "base" if label == base else "alternative"
        desc = scenarios.get(label, {}).get("description", "")
        parts.append(f"<li><strong>{esc(scenario_label(label))}</strong> ({role}): {esc(q)}"
                     + (f' <span class="muted">{esc(desc)}</span>' if desc else "") + "</li>")
    return ('<p class="lead">What changes, against the base scenario, when the institution '
            "adopts each alternative's policies? Each scenario states its own question:</p>"
            f"<ul>{''.join(parts)}</ul>")


def _scenarios_section(manifest: dict[str, Any], symbol: str | None) -> str:
    scenarios = manifest.get("scenarios", {})
    base = manifest.get("base")
    rows = []
    for label, rec in scenarios.items():
        costs = rec.get("annual_costs_per_student", {})
        chain = " then ".join(scenario_label(c) for c in rec.get("chain", [])) or "-"
        rows.append((scenario_label(label), "base" if label == base else "alternative",
                     rec.get("description", ""), chain,
                     money(costs.get("total_per_student"), symbol)))
    out = [table(["Scenario", "Role", "Description", "Builds on", "Cost per student per year"],
                 rows, numeric=(4,))]
    for label, diffs in manifest.get("differing_settings", {}).items():
        out.append(f"<h3>What {esc(scenario_label(label))} changes from "
                   f"{esc(scenario_label(str(base)))}</h3>")
        if not diffs:
            out.append(paragraph("Nothing: the same settings as the base."))
            continue
        out.append(table(
            ["Setting", "Base", "This scenario", "Unit"],
            [(Raw(f'<span title="{esc(d["name"])}">{esc(parameter_label(d["name"]))}</span>'),
              value_label(d["name"], d["base"], symbol),
              value_label(d["name"], d["alternative"], symbol),
              unit_label(REGISTRY[d["name"]].unit, symbol) if d["name"] in REGISTRY else "")
             for d in diffs]))
    return "\n".join(out)


def _ci(row: dict[str, Any], key: str, digits: int = 3) -> str:
    iv = row.get("intervals", {}).get(key, {})
    return interval(row.get(key), iv.get("ci_low"), iv.get("ci_high"), digits)


def _name(row: dict[str, Any]) -> str:
    return scenario_label(row["scenario"])


def _stacked(row: dict[str, Any], key: str, end: Any, digits: int = 3) -> Raw:
    """An interval with the value at the end under it."""
    return Raw(f"{esc(_ci(row, key, digits))}<br><span class=\"muted\">at the end "
               f"{esc(fmt(end, 2))}</span>")


def _effects_section(rows: list[dict[str, Any]], figures: dict[str, str]) -> str:
    header = ["Policy", "Achievement effect, SD [95% interval]",
              "Percentile points [95% interval]", "Engagement change [95% interval]"]
    body = []
    for r in rows:
        e = r["achievement_effect_sd"]
        pp = r.get("intervals", {}).get("percentile_points", {})
        body.append((_name(r), interval(e["estimate"], e["ci_low"], e["ci_high"], 3),
                     interval(r.get("percentile_points"), pp.get("ci_low"), pp.get("ci_high"), 1),
                     _ci(r, "engagement_change")))
    return (paragraph("Effects are mean paired differences (alternative minus base) at the last "
                      "week over replicates that share their random numbers; the 95% intervals "
                      "are t intervals over those differences. Achievement is in SD of the "
                      "starting cohort; percentile points say how far a student at the base "
                      "median would move. Engagement is on a 0-1 scale.")
            + table(header, body, numeric=(1, 2, 3))
            + figures.get("effects", ""))


def _teachers_section(rows: list[dict[str, Any]], figures: dict[str, str]) -> str:
    body = [(_name(r), _ci(r, "teacher_preparedness_change"),
             _stacked(r, "adoption_change", r.get("adoption")),
             _stacked(r, "burnout_share_change", r.get("burnout_share")))
            for r in rows]
    return (paragraph("Teachers carry the policies: preparedness (1-4 Likert scale), the share of "
                      "class time they personalize (adoption) and the share burnt out.")
            + table(["Policy", "Preparedness change [95% interval]",
                     "Adoption change [95% interval]", "Burnout change [95% interval]"],
                    body, numeric=(1, 2, 3))
            + figures.get("teachers", ""))


def _verdict(row: dict[str, Any], key: str) -> Raw:
    iv = row.get("intervals", {}).get(key, {})
    verdict = _direction(iv.get("ci_low"), iv.get("ci_high"), smaller_is_better=True)
    cls = {"widens": "flag", "narrows": "good"}.get(verdict, "muted")
    return Raw(f'{esc(_ci(row, key))}<br><span class="{cls}">{esc(verdict)}</span>')


def _equity_section(rows: list[dict[str, Any]], figures: dict[str, str]) -> str:
    body = [(_name(r), _verdict(r, "gap_bottom_top_change_sd"),
             _verdict(r, "gap_access_change_sd")) for r in rows]
    return (paragraph("Two gaps, in SD of achievement: between the top and bottom quartiles of "
                      "prior achievement, and between students with and without home access to "
                      "technology. A negative change means the gap narrows; 'narrows' or "
                      "'widens' is said only when the 95% interval excludes zero.")
            + table(["Policy", "Top-bottom quartile gap change [95% interval]",
                     "Access gap change [95% interval]"], body, numeric=(1, 2))
            + figures.get("equity", ""))


def _cost_section(rows: list[dict[str, Any]], symbol: str | None) -> str:
    body = []
    notes = []
    per_unit = money(1000, symbol)
    for r in rows:
        per = r.get("effect_sd_per_1000_per_student")
        iv = r.get("intervals", {}).get("effect_sd_per_1000_per_student", {})
        per_text = ("n/a (same cost as the base)" if per is None
                    else interval(per, iv.get("ci_low"), iv.get("ci_high"), 3))
        diff = r.get("cost_difference_per_student")
        body.append((_name(r), money(r.get("cost_per_student"), symbol),
                     ("+" if diff and diff > 0 else "") + money(diff, symbol),
                     money(r.get("realized_cost_per_student"), symbol), per_text))
        if per is not None and (diff or 0) > 0:
            notes.append(f"{_name(r)}: each {per_unit} per student per year buys "
                         f"about {fmt(per, 2)} SD of achievement "
                         f"({fmt(iv.get('ci_low'), 2)} to {fmt(iv.get('ci_high'), 2)}).")
    return (paragraph("Costs are annual, per student, incremental over the status quo. The unit "
                      "prices are the model's assumptions, not local prices: replace them with "
                      "yours. Realized spending is what the run booked; it differs from the plan "
                      "when an adaptive allocation moves the budget. Value for money is the "
                      f"achievement effect per {per_unit} of extra annual cost per student; "
                      "compare alternatives on it only when their intervals do not overlap. The "
                      "chart in the brief shows cost against effect.")
            + table(["Policy", "Cost per student per year", "Difference from base",
                     "Realized spending", f"SD per {per_unit} per student [95% interval]"], body,
                    numeric=(1, 2, 3, 4))
            + (bullets(notes) if notes else ""))


def _survey_section(folder: Path, manifest: dict[str, Any], figures: dict[str, str]) -> str:
    path = folder / "survey_before_after.csv"
    if not path.exists():
        return paragraph("No survey table in this folder.") + figures.get("survey", "")
    s = pd.read_csv(path)
    order = {label: k for k, label in enumerate(
        [manifest.get("base"), *manifest.get("alternatives", [])])}
    groups = {g: k for k, g in enumerate(GROUP_FACTORS)}
    overall = s[s["factor_id"] == "overall"].sort_values(
        ["scenario", "group"], key=lambda c: c.map(order if c.name == "scenario" else groups))
    body = [(scenario_label(r.scenario), str(r.group).capitalize(), fmt(r.paper_mean),
             fmt(r.before_mean), fmt(r.after_mean), fmt(r.change, 2, True),
             r.after_interpretation) for r in overall.itertuples()]
    return (paragraph("The synthetic survey (4-point Likert, the seed study's instrument) of each "
                      "scenario at week 0 and at the end, overall rows; the published values are "
                      "Ding, Santos & Borja (2024), Tables 1-3. Per-factor rows are in the "
                      "folder's survey table (survey_before_after.csv).")
            + table(["Scenario", "Group", "Published", "Week 0", "End", "Change",
                     "Band at the end"], body, numeric=(2, 3, 4, 5))
            + figures.get("survey", ""))


def _group_label(group: str) -> str:
    if group.endswith(".*"):
        return f"All {group[:-2]} parameters together"
    return parameter_label(group) if group in REGISTRY else group


def _decision_html(folder: Path, rows: list[dict[str, Any]], decision: dict[str, Any],
                   figures: dict[str, str], symbol: str | None) -> str:
    """Worlds-vs-noise split, P(benefit), P(best), EVPI and EVPPI, with the two figures."""
    out = []
    if over_worlds(rows):
        body = []
        for r in rows:
            w = r["worlds"]
            share = w.get("world_share")
            e = r["achievement_effect_sd"]
            body.append([_name(r), interval(e["estimate"], e.get("ci_low"), e.get("ci_high"), 3),
                         str(w["worlds"]),
                         "n/a" if share is None else f"{share:.0%}",
                         "n/a" if w.get("noise_variance") is None
                         else f"{w['noise_variance']:.2g}"])
        out.append(paragraph("Each interval combines the spread between plausible worlds and the "
                             "model's noise within a world; the split is a one-way "
                             "random-effects analysis of the pairs grouped by world.")
                   + table(["Alternative", "Effect (95% interval)", "Worlds drawn",
                            "Variance due to worlds", "Noise variance"], body))
    pb, best = decision.get("prob_benefit", {}), decision.get("prob_best", {})
    if pb:
        body = [[scenario_label(k), f"{v:.0%}", f"{best.get(k, 0.0):.0%}"] for k, v in pb.items()]
        body.append([f"{scenario_label(str(rows[0]['base']))} (status quo)", "",
                     f"{best.get('status quo', 0.0):.0%}"])
        out.append(table(["Choice", "P(benefit)", "P(best effect)"], body))
    if decision.get("evpi_per_student") is not None:
        text = ("Expected value of perfect information at "
                f"{money(decision['wtp_per_0_1_sd'], symbol)} per 0.1 SD: "
                f"{money(decision['evpi_per_student'], symbol, 2)} per student per year.")
        if decision.get("evppi_note"):
            text += f" EVPPI: {decision['evppi_note']}."
        out.append(paragraph(text))
        path = folder / "evppi.csv"
        if path.exists() and path.stat().st_size:
            ev = pd.read_csv(path)
            if not ev.empty:
                out.append(table(["Parameter group", "EVPPI per student per year"],
                                 [[_group_label(str(g)), money(v, symbol, 2)] for g, v in
                                  zip(ev["group"], ev["evppi"])], numeric=(1,)))
    out.append(figures.get("uncertainty", ""))
    return "\n".join(out)


def _uncertainty_section(manifest: dict[str, Any], rows: list[dict[str, Any]] | None = None,
                         folder: Path | None = None,
                         figures: dict[str, str] | None = None,
                         symbol: str | None = None) -> str:
    reps = manifest.get("replicates")
    decision = _read_decision(folder)
    if rows and over_worlds(rows):
        intro = paragraph(f"The intervals above come from {reps} paired replicates, each pair in "
                          "a plausible world drawn by weight from the calibrated ensemble: they "
                          "cover how uncertain the calibrated parameters are as well as the "
                          "model's own randomness.")
    else:
        intro = paragraph(f"The intervals above come from {reps} paired replicates with fixed "
                          "parameters: they measure the model's own randomness (which students, "
                          "which noise), not how uncertain its parameters are. Run the "
                          "comparison over plausible worlds (the default) to include that, or "
                          "plsim sensitivity to rank what drives these results.")
    extra = (_decision_html(folder, rows or [], decision, figures or {}, symbol) if folder
             else "")
    return (intro + extra
            + (paragraph("With fewer than 10 replicates, intervals are wide and unstable; "
                         "use more before drawing conclusions.") if reps and reps < 10 else ""))


def _read_decision(folder: Path | None) -> dict[str, Any]:
    path = None if folder is None else folder / "decision.json"
    if path is None or not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _caveats_section(manifest: dict[str, Any], rows: list[dict[str, Any]],
                     setup: dict[str, list[str]] | None = None) -> str:
    names = [d["name"] for diffs in manifest.get("differing_settings", {}).values()
             for d in diffs]
    warnings = [f"{_name(r)}: {w}" for r in rows for w in r.get("warnings", [])]
    warnings += [f"{scenario_label(label)}: {w}" for label, ws in (setup or {}).items()
                 for w in ws]
    out = ["<h3>Evidence behind the levers that differ</h3>", evidence_table(names)]
    if warnings:
        out += ["<h3>Warnings raised by the runs</h3>",
                f'<div class="warn">{bullets(warnings)}</div>']
    out += ["<h3>Model limitations</h3>", limitations_html()]
    return "\n".join(out)


#: Figures shown folded (a click opens them) to keep the report short.
FOLDED = ("paired_change_over_time.png", "timeseries_engagement.png", "survey_before_after.png")


def _figures(folder: Path) -> dict[str, str]:
    """Embedded figures grouped by section (unknown PNGs go to 'other'); secondary ones folded."""
    grouped: dict[str, list[str]] = {}
    fig_dir = folder / "figures"
    paths = sorted(fig_dir.glob("*.png")) if fig_dir.is_dir() else []
    order = list(FIGURES)
    paths.sort(key=lambda p: order.index(p.name) if p.name in order else len(order))
    for path in paths:
        key, caption = FIGURES.get(path.name, ("other", path.stem.replace("_", " ")))
        html = figure(path, caption)
        if path.name in FOLDED:
            html = f"<details><summary>{esc(caption)}</summary>{html}</details>"
        grouped.setdefault(key, []).append(html)
    return {k: "\n".join(v) for k, v in grouped.items()}


def comparison_sections(folder: Path, symbol: str | None = None
                        ) -> tuple[str, list[str], list[Section]]:
    """Title, subtitle and sections of the report of a comparison folder.

    ``symbol`` is the currency symbol for money (default: ``$PLSIM_CURRENCY`` or ``$``).
    """
    manifest = _read_json(folder / "manifest.json")
    rows = _read_json(folder / "comparison.json").get("comparisons", [])
    if not rows:
        raise UserError(f"{folder}/comparison.json: no comparisons recorded")
    figures = _figures(folder)
    title, subtitle = comparison_title(manifest)
    sections = [
        Section("brief", "Brief", comparison_brief(manifest, rows, symbol,
                                                   _read_decision(folder))),
        Section("question", "Question", _question_section(manifest)),
        Section("scenarios", "Scenarios and what differs", _scenarios_section(manifest, symbol)),
        Section("effects", "Effects on learning and engagement", _effects_section(rows, figures)),
        Section("equity", "Equity", _equity_section(rows, figures)),
        Section("teachers", "Teachers", _teachers_section(rows, figures)),
        Section("cost", "Cost and cost-effectiveness", _cost_section(rows, symbol)),
        Section("survey", "Survey before and after", _survey_section(folder, manifest, figures)),
        Section("uncertainty", "How sure can we be",
                _uncertainty_section(manifest, rows, folder, figures, symbol)),
        Section("caveats", "Caveats",
                _caveats_section(manifest, rows,
                                 _read_decision(folder).get("setup_warnings"))),
        Section("reproduce", "Reproducing this result", reproducibility_html(manifest, folder)),
    ]
    if "other" in figures:
        sections.insert(-2, Section("other-figures", "Other figures", figures["other"]))
    return title, subtitle, sections
