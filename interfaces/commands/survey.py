"""``plsim survey SCENARIO``: the synthetic survey tables (the seed's Tables 1-3) at a week."""

from __future__ import annotations

import argparse
import json

from interfaces.commands import options
from simulation import api


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``survey`` subcommand."""
    p = sub.add_parser("survey", help="synthetic survey tables of a scenario at a week")
    p.add_argument("scenario", help="scenario TOML path or bundled name")
    p.add_argument("--week", type=int, default=0,
                   help="week to survey, up to the scenario's horizon (default 0)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the scenario ``--week`` weeks and print its survey."""
    if args.week < 0:
        from simulation.errors import UserError

        raise UserError(f"--week must be 0 or more, got {args.week}")
    options.seed(args.seed)
    table = api.survey(args.scenario, week=args.week, seed=args.seed)
    columns = ["group", "factor_id", "mean", "sd", "interpretation"]
    if args.format == "json":
        rows = table[columns].to_dict(orient="records")
        for row in rows:
            row["mean"], row["sd"] = round(row["mean"], 4), round(row["sd"], 4)
        print(json.dumps(rows, indent=2))
    elif args.format == "csv":
        print(table[["week", *columns]].to_csv(index=False, float_format="%.4f"), end="")
    else:
        print(f"Synthetic survey at week {args.week} (4-point Likert; weighted mean, SD)")
        for group, part in table.groupby("group", sort=False):
            print(f"\n{group}")
            for _, r in part.iterrows():
                print(f"  {r['factor'][:58]:<58} {r['mean']:5.2f} {r['sd']:5.2f}  "
                      f"{r['interpretation']}")
    return 0
