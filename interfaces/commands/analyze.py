"""``plsim analyze DIR``: index tables (CSV) and figures of an experiment's results."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from experiments.analysis.sensitivity import (
    MIN_RESAMPLES,
    SensitivityReport,
    analyze_results,
    write_tables,
)
from experiments.reporting.factor_plots import write_factor_plots
from experiments.reporting.sensitivity_figures import write_figures
from experiments.storage.experiment_store import load_results
from experiments.storage.provenance import write_json
from simulation.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``analyze`` subcommand."""
    p = sub.add_parser(
        "analyze", help="sensitivity indices, noise shares, tables and figures of a results folder",
        description="Analyse the replicate means of a finished experiment: Sobol/Morris/eFAST "
        "indices with bootstrap intervals, the noise share of variance with noise-corrected "
        "indices, Sobol convergence, output distributions. Refuses incomplete results and says "
        "how to finish them.")
    p.add_argument("folder", metavar="DIR", help="results folder of plsim sensitivity/sweep")
    p.add_argument("--out", metavar="DIR",
                   help="where tables and figures go (default DIR/analysis)")
    p.add_argument("--outcomes", metavar="A,B", help="comma-separated outcomes (default: all)")
    p.add_argument("--resamples", type=int, default=MIN_RESAMPLES,
                   help=f"bootstrap resamples (at least {MIN_RESAMPLES}, the default)")
    p.add_argument("--conf-level", type=float, default=0.95, help="interval level (default 0.95)")
    p.add_argument("--no-convergence", action="store_true", help="skip the Sobol convergence")
    p.add_argument("--no-figures", action="store_true", help="tables only")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Analyse, write tables and figures, print the ranking of factors per outcome."""
    results = load_results(args.folder)
    outcomes = [o.strip() for o in args.outcomes.split(",")] if args.outcomes else None
    report = analyze_results(results, outcomes=outcomes, resamples=args.resamples,
                             conf_level=args.conf_level, convergence=not args.no_convergence)
    out = Path(args.out) if args.out else results.path / "analysis"
    _check_analysis_folder(out, default=args.out is None)
    written = write_tables(report, out)
    if not args.no_figures:
        written += write_figures(report, results, out)
        written += write_factor_plots(results, out, outcomes)  # grid sweeps: outcome vs factor
    write_json(out / ANALYSIS_MARK, {"kind": "analysis", "results": str(results.path),
                                     "method": report.method, **report.settings})
    print_summary(report)
    print(f"\nwrote {len(written)} files to {out}:")
    for path in written:
        print(f"  {path.name}")
    return 0


#: Written into every folder ``plsim analyze`` fills, so that a later analysis may replace it.
ANALYSIS_MARK = "analysis.json"


def _check_analysis_folder(out: Path, default: bool) -> None:
    """Refuse an ``--out`` folder holding files that ``plsim analyze`` did not write (they would
    be overwritten): it must be new, empty, or an earlier analysis (the default folder inside the
    results folder always is)."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a folder")
    if default or not out.is_dir() or (out / ANALYSIS_MARK).is_file() or not any(out.iterdir()):
        return
    raise UserError(f"--out {out}: the folder holds files plsim analyze did not write, which the "
                    "tables and figures could overwrite; choose a new or empty folder (nothing "
                    "was changed)")


def print_summary(report: SensitivityReport, top: int = 5) -> None:
    """The ranking of factors for each outcome, with intervals and the noise share."""
    noise = report.noise.set_index("outcome")
    level = report.settings["conf_level"]
    print(f"{report.method} analysis of replicate means ({report.settings['resamples']} "
          f"bootstrap resamples, {level:.0%} intervals)")
    for outcome in noise.index:
        row = noise.loc[outcome]
        share = row["noise_share"]
        share_text = "n/a" if not math.isfinite(share) else f"{share:.1%}"
        print(f"\n{outcome}: mean {row['mean']:.4g}, noise share of variance {share_text}"
              + (f" ({row['note']})" if row["note"] else ""))
        if report.indices.empty or not row["variance"] > 0:
            continue
        ranked = report.ranking(outcome).head(top)
        for _, r in ranked.iterrows():
            tag = "lever" if r["role"] == "policy" else str(r["role"])
            print(f"  {r['factor']:<42} [{tag}] {report.summary(r)}")
