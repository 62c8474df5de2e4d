"""``plsim calibrate --survey FILE.csv --out scenarios/NAME.toml``: a baseline from a survey."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from interfaces.commands import options
from simulation.survey import interpret

if TYPE_CHECKING:
    from experiments.calibration.calibrate import Calibration


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` subcommand."""
    p = sub.add_parser(
        "calibrate", help="calibrate a baseline scenario to your institution's survey results",
        description="Turn an institution's ISTE survey results (item-level answers or summary "
        "rows; templates in docs/templates/) into a scenario extending baseline_guangdong_2024 "
        "whose week-0 synthetic survey reproduces them. Only aggregates are written.")
    p.add_argument("--survey", type=Path, required=True, metavar="FILE.csv",
                   help="item-level (group, item columns) or summary (group, factor_id, mean, "
                        "sd, n) CSV")
    p.add_argument("--out", type=Path, required=True, metavar="scenarios/NAME.toml",
                   help="scenario file to write")
    p.add_argument("--name", default=None,
                   help="institution name used in the scenario's description "
                        "(default: from the --out file name)")
    p.add_argument("--students", type=int, default=None, metavar="N",
                   help="students in the institution (default: keep the baseline's 2,000)")
    p.add_argument("--teachers", type=int, default=None, metavar="N",
                   help="teachers in the institution (sets the class size)")
    p.add_argument("--administrators", type=int, default=None, metavar="N",
                   help="administrators in the institution (at least 2)")
    p.add_argument("--item-noise", type=float, default=None, metavar="SD",
                   help="item noise of the synthetic survey (lower it when a target SD is "
                        "below what the default allows)")
    p.add_argument("--seed", type=int, default=1, help="seed of the checking model (default 1)")
    p.add_argument("--force", action="store_true", help="replace an existing scenario file")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Read the survey, calibrate, check, write the scenario and print the comparison."""
    from experiments.calibration.calibrate import calibrate, check_out, write_scenario

    options.seed(args.seed)
    options.positive(args.item_noise, "--item-noise")
    for option in ("students", "teachers", "administrators"):
        options.at_least(getattr(args, option), 1, f"--{option}")
    check_out(args.out, args.force)
    name = args.name or args.out.stem.replace("_", " ")
    result = calibrate(args.survey, institution=name, n_students=args.students,
                       n_teachers=args.teachers, n_administrators=args.administrators,
                       item_noise_sd=args.item_noise, seed=args.seed)
    path = write_scenario(result, args.out, force=args.force)
    print_check(result)
    print(f"\nWrote {path} (extends {result.base.name}; only aggregates).")
    print(f"Next: write a policy scenario with extends = \"{path.stem}\" next to it and run "
          f"plsim compare {path} THAT.toml (docs/calibrate-your-institution.md)")
    return 0


def print_check(result: Calibration) -> None:
    """Targets and the model's week-0 survey side by side, then the notes."""
    import pandas as pd

    layout = "item-level answers" if result.survey.kind == "items" else "summary rows"
    print(f"Calibrated to {result.survey.path} ({layout}). Week-0 synthetic survey of the new "
          "scenario against the targets")
    print("(source 'survey' = your file, 'base' = kept from the baseline; means must agree "
          "within 0.03, SDs within 0.05):")
    for group, part in result.check.groupby("group", sort=False):
        print(f"\n{group}")
        print(f"  {'factor_id':<34} {'source':<6} {'n':>5}  {'target':>6} {'model':>6}  "
              f"{'target':>6} {'model':>6}  interpretation")
        print(f"  {'':<34} {'':<6} {'':>5}  {'mean':>6} {'mean':>6}  {'SD':>6} {'SD':>6}")
        for _, r in part.iterrows():
            n = "-" if pd.isna(r["respondents"]) else f"{int(r['respondents'])}"
            print(f"  {r['factor_id']:<34} {r['source']:<6} {n:>5}  {r['target_mean']:6.2f} "
                  f"{r['model_mean']:6.2f}  {r['target_sd']:6.2f} {r['model_sd']:6.2f}  "
                  f"{interpret(group, r['model_mean'])}{'' if r['ok'] else '  OUT OF TOLERANCE'}")
    if result.notes:
        print("\nNotes:")
        for note in result.notes:
            print(f"  - {note}")
