"""``plsim compare BASE ALT...``: paired replicates of scenarios, a table and a results folder."""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap
from pathlib import Path
from typing import Any

from interfaces.commands import options
from simulation.errors import UserError

LEGEND = """\
effect SD: mean paired difference in final achievement (SD of the starting cohort),
  95% CI from the t distribution over the paired replicates (over the world draws'
  mean differences when pairs share a world)
pctile pts: percentile points a median student would move, 100*(Phi(effect) - 0.5)
engagement: change in mean engagement (0-1 scale)
gap Q4-Q1, gap access: change in the top-minus-bottom prior-quartile gap and the
  gap between students with and without home access (SD; negative = narrower)
cost/student: annual cost per student over the status quo
SD per 1,000: effect per 1,000 of extra annual cost per student (n/a at the base's cost)"""


#: Most paired replicates a comparison runs (intervals are tight long before).
MAX_REPLICATES = 10_000


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` subcommand."""
    p = sub.add_parser("compare", help="compare scenarios against a base with paired replicates")
    p.add_argument("base", help="base (control) scenario: TOML path or bundled name")
    p.add_argument("alternatives", nargs="+", metavar="ALT", help="scenarios to compare")
    p.add_argument("--replicates", type=int, default=10,
                   help="paired replicates per scenario (default 10)")
    span = p.add_mutually_exclusive_group()
    span.add_argument("--years", type=float, default=None,
                      help="years to simulate (default 1)")
    span.add_argument("--weeks", type=int, default=None,
                      help="weeks to simulate instead of --years (for quick looks)")
    p.add_argument("--seed", type=int, default=1, help="root seed of the replicates (default 1)")
    p.add_argument("--out", type=Path, default=None,
                   help="results folder (default results/comparisons/<base>-vs-<alts>-seed<N>)")
    p.add_argument("--force", action="store_true", help="replace an existing results folder")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted comparison in --out (same scenarios and options)")
    p.add_argument("--retry-failed", action="store_true",
                   help="resume and also re-run runs recorded as failed")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, metavar="N",
                       help="local worker processes (default: all cores; results do not depend "
                       "on it); with --dask local, the cluster's workers")
    where.add_argument("--serial", action="store_true", help="run in this process, one by one")
    p.add_argument("--dask", metavar="ADDR",
                   help="run on Dask: 'local' starts a LocalCluster, tcp://HOST:PORT uses a "
                   "running scheduler")
    p.add_argument("--part-runs", type=int, default=16, metavar="K",
                   help="runs written to --out at a time (default 16; also every 10 s): at most "
                   "these are lost to a kill")
    p.add_argument("--worlds", choices=("plausible", "fixed"), default="plausible",
                   help="plausible (default): each pair of replicates runs in a world drawn from "
                   "the calibrated ensemble, so intervals include parameter uncertainty; fixed: "
                   "the scenarios' own parameters (mechanism studies)")
    p.add_argument("--pairs-per-world", type=int, default=None, metavar="K",
                   help="replicate pairs sharing one drawn world (default 2 from 8 replicates, "
                   "else 1)")
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="table (default) or JSON on stdout")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load the scenarios, run the comparison, write the folder and print the result."""
    from tqdm import tqdm

    from experiments.comparison.paired import compare
    from experiments.running.executors import make_executor
    from experiments.storage.comparison_folder import (
        default_comparison_folder,
        write_comparison_folder,
    )
    from experiments.storage.experiment_store import ResultsStore
    from experiments.storage.run_folder import check_folder
    from simulation import api
    from simulation.scenario import load_scenario

    if args.replicates < 1:
        raise UserError(f"--replicates must be at least 1, got {args.replicates}")
    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers must be at least 1, got {args.workers}")
    options.seed(args.seed)
    base = load_scenario(args.base)
    alternatives = [load_scenario(a) for a in args.alternatives]
    if args.replicates > MAX_REPLICATES:
        runs = args.replicates * (1 + len(alternatives))
        seconds = api.estimated_seconds(base, api.weeks_per_year(base), runs)
        raise UserError(f"--replicates {args.replicates:,} is more than {MAX_REPLICATES:,}: "
                        f"{runs:,} runs would take {api.describe_seconds(seconds)}")
    if args.weeks is not None:
        weeks = args.weeks
    else:
        years = 1.0 if args.years is None else args.years
        if not math.isfinite(years) or years <= 0:
            raise UserError(f"--years must be more than 0, got {args.years}")
        runs = args.replicates * (1 + len(alternatives))
        if years > api.MAX_YEARS:
            api.check_horizon(base, years * api.weeks_per_year(base), "--years", runs, years)
        weeks = round(years * api.weeks_per_year(base))
    if weeks < 1:
        raise UserError(f"the comparison must run at least one week, got {weeks}")
    weeks = api.check_horizon(base, weeks, "--weeks", args.replicates * (1 + len(alternatives)))
    out = args.out or default_comparison_folder(base.name, [a.name for a in alternatives],
                                                args.seed)
    resume = args.resume or args.retry_failed
    if not resume and not ResultsStore.holds_results(out):
        check_folder(out, args.force)  # a plsim folder: compare says how to resume or replace
    total = args.replicates * (1 + len(alternatives))
    workers = None if args.workers is None else min(args.workers, total)
    executor = make_executor(workers=workers, dask=args.dask, serial=args.serial)
    tqdm.monitor_interval = 0  # no monitor thread: worker processes can still be forked
    with tqdm(total=total, desc="runs", unit="run", file=sys.stderr, delay=1.0, leave=False,
              disable=None) as bar:
        result = compare(base, alternatives, replicates=args.replicates, weeks=weeks,
                         seed=args.seed, executor=executor, out=out, resume=resume,
                         retry_failed=args.retry_failed, force=args.force,
                         part_runs=args.part_runs, worlds=args.worlds,
                         pairs_per_world=args.pairs_per_world,
                         progress=lambda done, _total: bar.update(done - bar.n))
    folder = write_comparison_folder(result, out, force=args.force)

    if args.format == "json":
        print(json.dumps(finite(result.to_json()), indent=2))
        print(f"plsim: results in {folder}", file=sys.stderr)
        return 0
    print_table(result, folder)
    return 0


def finite(data: Any) -> Any:
    """``data`` with NaN and infinite floats replaced by ``None`` (valid JSON)."""
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data


def print_table(result: Any, folder: Path) -> None:
    """The comparison table, its legend, what each alternative changes, and warnings."""
    years = result.weeks / _weeks_per_year(result.base)
    print(f"Base: {result.labels[0]}; {result.replicates} paired replicates (common random "
          f"numbers, seed {result.seed}); {result.weeks} weeks ({years:.3g} "
          f"year{'' if years == 1 else 's'})")
    print(_worlds_line(result) + "\n")
    table = result.table()
    flags = [_equity_flag(row) for row in result.rows]
    if any(flags):
        table["equity"] = flags
    print(table.to_string(index=False))
    print("\n" + LEGEND)
    if any(flags):
        print("equity: WIDENS marks a policy that clearly widens a gap (95% interval above zero), "
              "whether or not it clearly raises the mean")
    decision = result.decision_outputs()
    if decision["prob_benefit"]:
        print("\nP(benefit), share of replicate pairs in which each policy beats the base: "
              + ", ".join(f"{k} {v:.0%}" for k, v in decision["prob_benefit"].items())
              + "; P(best effect): "
              + ", ".join(f"{k} {v:.0%}" for k, v in decision["prob_best"].items()))
    print("\nWhat each alternative changes from the base:")
    for k, label in enumerate(result.labels[1:]):
        diffs = result.differing_settings(k)
        shown = ", ".join(f"{n} {_fmt(b)} -> {_fmt(a)}" for n, b, a in diffs[:8])
        more = f" (+{len(diffs) - 8} more)" if len(diffs) > 8 else ""
        print(textwrap.fill(f"{label}: {shown or 'nothing (same settings)'}{more}", width=100,
                            initial_indent="  ", subsequent_indent="      "))
    warned = [(row["scenario"], w) for row in result.rows for w in row["warnings"]]
    warned += [(label, w) for label, ws in result.setup_warnings.items() for w in ws]
    if warned:
        print("\nWarnings:")
        for label, warning in warned:
            print(textwrap.fill(f"{label}: {warning}", width=100, initial_indent="  ",
                                subsequent_indent="      "))
    print(f"\nResults: {folder}")


def _equity_flag(row: dict[str, Any]) -> str:
    """The brief's equity rule (a gap whose 95% interval of change lies above zero)."""
    from experiments.reporting.brief import clear_gain
    from experiments.reporting.figures import widens_a_gap

    gaps = widens_a_gap(row)
    if not gaps:
        return ""
    return ("WIDENS " + " and ".join(gaps) + " gap"
            + ("" if clear_gain(row) else " (no clear gain)"))


def _worlds_line(result: Any) -> str:
    """How the parameters were set: fixed, or drawn worlds and the spread they explain."""
    if result.worlds == "fixed":
        return ("Worlds: fixed (the scenarios' own parameters): intervals cover the model's "
                "noise only")
    info = result.rows[0]["worlds"]
    shares = [row["worlds"]["world_share"] for row in result.rows]
    split = ", ".join(f"{row['scenario']} {share:.0%}" for row, share in zip(result.rows, shares)
                      if share is not None)
    return (f"Worlds: {info['worlds']} plausible world(s) drawn by weight, "
            f"{info['pairs_per_world']} pair(s) each; intervals cover parameter and noise "
            "uncertainty" + (f"; share of the effect's variance due to worlds: {split}"
                             if split else ""))


def _weeks_per_year(scenario: Any) -> int:
    from simulation.api import weeks_per_year

    return weeks_per_year(scenario)


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
