"""``plsim run SCENARIO``: one run into a results folder, with a short summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from interfaces.commands import options
from simulation.errors import UserError

if TYPE_CHECKING:
    from simulation.api import RunResult

#: (metric, label, decimals) rows of the printed summary.
SUMMARY_ROWS: tuple[tuple[str, str, int], ...] = (
    ("achievement_mean", "Achievement, all students (SD)", 3),
    ("achievement_bottom_quartile", "  bottom prior quartile (SD)", 3),
    ("achievement_top_quartile", "  top prior quartile (SD)", 3),
    ("gap_bottom_top", "Gap top - bottom quartile (SD)", 3),
    ("gap_access", "Gap home access - none (SD)", 3),
    ("engagement_mean", "Engagement (0-1)", 3),
    ("student_competency", "Students' competencies (1-4)", 3),
    ("teacher_preparedness", "Teachers' preparedness (1-4)", 3),
    ("administrator_preparedness", "Administrators' preparedness (1-4)", 3),
    ("adoption_mean", "Adoption (share of class time)", 3),
    ("burnout_share", "Burnout (share of teachers)", 3),
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    p = sub.add_parser("run", help="run one scenario and write a results folder")
    p.add_argument("scenario", help="scenario TOML path or bundled name")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--weeks", type=int, default=None,
                   help="weeks to simulate (default: the scenario's institution.years)")
    p.add_argument("--out", type=Path, default=None,
                   help="results folder (default results/runs/<scenario>-seed<N>)")
    p.add_argument("--force", action="store_true", help="replace an existing results folder")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run, write the folder, print the summary and the week-0 survey against the paper."""
    from tqdm import tqdm

    from experiments.storage.run_folder import check_folder, default_run_folder, write_run_folder
    from simulation import api
    from simulation.scenario import load_scenario

    options.seed(args.seed)
    scenario = load_scenario(args.scenario)
    weeks = args.weeks
    if weeks is None:
        weeks = api.weeks_per_year(scenario) * int(scenario.values["institution"]["years"])
    if weeks < 1:
        raise UserError(f"--weeks must be at least 1, got {weeks}")
    weeks = api.check_horizon(scenario, weeks, "--weeks")
    out = args.out if args.out is not None else default_run_folder(
        scenario.name, args.seed, where=str(scenario.source or scenario.name))
    check_folder(out, args.force)

    with tqdm(total=weeks, desc=f"{scenario.name}", unit="week", file=sys.stderr,
              delay=1.0, leave=False, disable=None) as bar:
        result = api.run(scenario, seed=args.seed, weeks=weeks,
                         progress=lambda _week: bar.update(1))
    folder = write_run_folder(result, out, force=args.force)
    print_summary(result, folder)
    return 0


def print_summary(result: RunResult, folder: Path) -> None:
    """Final metrics, costs, warnings and the week-0 survey next to the published values."""
    from experiments.reporting.published_survey import against_published
    from simulation import api
    from simulation.costs import annual_costs

    sc = result.scenario
    years = result.weeks / api.weeks_per_year(sc)
    print(f"{sc.name}: seed {result.seed}, {result.weeks} weeks ({years:.3g} "
          f"year{'' if years == 1 else 's'})")
    if sc.description:
        print(f"  {sc.description}")
    for warning in sc.warnings:
        print(f"  warning: {warning}")
    first, last = result.timeseries.iloc[0], result.timeseries.iloc[-1]
    print(f"\n{'':36} {'week 0':>8} {'week ' + str(result.weeks):>9} {'change':>8}")
    for metric, label, d in SUMMARY_ROWS:
        print(f"{label:36} {_num(first[metric], d):>8} {_num(last[metric], d):>9} "
              f"{_num(last[metric] - first[metric], d, sign=True):>8}")
    costs = annual_costs(sc.values)
    parts = ", ".join(f"{k} {v:,.0f}" for k, v in costs.items()
                      if k != "total_per_student" and v > 0)
    print(f"\nCost per student per year (over the status quo): {costs['total_per_student']:,.0f}")
    if parts:
        print(f"  {parts}")
    if abs(float(last["cost_per_student"]) - costs["total_per_student"]) > 0.5:
        print(f"  at week {result.weeks} after reallocation: {last['cost_per_student']:,.0f}")

    table = against_published(result.survey, week=0)
    end = result.survey[result.survey["week"] == result.weeks][["group", "factor_id", "mean"]]
    table = table.merge(end.rename(columns={"mean": "end_mean"}), on=["group", "factor_id"],
                        how="left")
    print("\nSynthetic survey at week 0 against the published Tables 1-3 (Ding et al. 2024)")
    print(f"  {'factor':44} {'paper':>5} {'model':>6} {'diff':>6}  {'paper':>5} {'model':>5} "
          f"{'diff':>6}  {'wk ' + str(result.weeks):>6}  label")
    print(f"  {'':44} {'mean':>5} {'mean':>6} {'':>6}  {'SD':>5} {'SD':>5}")
    for group, part in table.groupby("group", sort=False):
        print(f"  {group}")
        for _, r in part.iterrows():
            label = r["model_interpretation"]
            if label != r["paper_interpretation"]:
                label += f" (paper: {r['paper_interpretation']})"
            print(f"    {_short(r['factor'], 42):42} {r['paper_mean']:5.2f} "
                  f"{_num(r['model_mean'], 3):>6} {_num(r['mean_diff'], 3, sign=True):>6}  "
                  f"{r['paper_sd']:5.2f} {_num(r['model_sd'], 3):>5} "
                  f"{_num(r['sd_diff'], 3, sign=True):>6}  {_num(r['end_mean'], 3):>6}  {label}")
    print(f"\nResults: {folder}")


def _num(value: float, digits: int, sign: bool = False) -> str:
    """A number rounded for display, without a minus sign on zero."""
    rounded = round(float(value), digits) + 0.0
    return f"{rounded:{'+' if sign else ''}.{digits}f}"


def _short(text: str, width: int) -> str:
    text = "" if text is None or text != text else str(text)
    return text if len(text) <= width else text[: width - 1] + "…"
