"""Scenario discovery with PRIM on plsim experiment results.

Question: under which combinations of policy levers and uncertainties does mean achievement after
one year land in the top quarter of what the sweep produced? PRIM (Friedman & Fisher 1999, as
implemented in EMA Workbench) looks for a box of factor ranges that holds many of those cases
(coverage) and few others (density).

Run it from the repository root::

    pip install -e '.[prim]'                                  # EMA Workbench
    python docs/examples/prim_scenario_discovery.py           # runs the policy_lhs sweep first
    python docs/examples/prim_scenario_discovery.py results/policy_lhs   # or any results folder
    python docs/examples/prim_scenario_discovery.py DIR --outcome engagement_mean --threshold 0.7

Without a folder it runs (or resumes) ``experiments/specs/policy_lhs.toml`` into
``results/policy_lhs`` (256 runs, about a minute or two on two cores).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.interop import to_ema
from experiments.running.runner import run_experiment
from experiments.storage.experiment_store import Results, load_results


def load_or_run(folder: str | None) -> Results:
    """The results folder named on the command line, or the policy_lhs sweep (run or resumed)."""
    if folder:
        return load_results(folder)
    return run_experiment("policy_lhs", out=Path("results") / "policy_lhs", resume=True)


def restricted_limits(box: object, i: int) -> pd.DataFrame:
    """The factors a PRIM box restricts, with the box's range and the full range of each."""
    full, chosen = box.box_lims[0], box.box_lims[i]  # type: ignore[attr-defined]
    rows = []
    for name in chosen.columns:
        lo, hi = chosen[name].iloc[0], chosen[name].iloc[1]
        if isinstance(lo, set):
            if lo != full[name].iloc[0]:
                rows.append({"factor": name, "box": ", ".join(sorted(map(str, lo))),
                             "full range": ", ".join(sorted(map(str, full[name].iloc[0])))})
        elif lo != full[name].iloc[0] or hi != full[name].iloc[1]:
            rows.append({"factor": name, "box": f"{lo:.4g} to {hi:.4g}",
                         "full range": f"{full[name].iloc[0]:.4g} to {full[name].iloc[1]:.4g}"})
    return pd.DataFrame(rows, columns=["factor", "box", "full range"])


def main(argv: list[str]) -> int:
    """Run PRIM and print the box with the highest coverage among those dense enough."""
    parser = argparse.ArgumentParser(description="PRIM scenario discovery on plsim results")
    parser.add_argument("folder", nargs="?", help="results folder (default: run policy_lhs)")
    parser.add_argument("--outcome", default="achievement_mean", help="scalar outcome")
    parser.add_argument("--threshold", type=float, default=0.8,
                        help="density a box must reach (share of cases of interest in it)")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA Workbench warns about optional parallel backends
        from ema_workbench.analysis import prim

    results = load_or_run(args.folder)
    experiments, outcomes = to_ema(results)
    x = experiments.drop(columns=["scenario", "policy", "model"])
    values = outcomes[args.outcome]
    cut = float(np.quantile(values, 0.75))
    y = values >= cut
    print(f"{len(y)} runs from {results.path}; cases of interest: {args.outcome} >= {cut:.4g} "
          f"(top quarter, {int(y.sum())} runs)")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA Workbench 2.5 uses features pandas 3 deprecates
        box = prim.Prim(x, y, threshold=args.threshold, peel_alpha=0.1).find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= args.threshold]
    if dense.empty:
        print(f"no box reaches density {args.threshold:g} (best: "
              f"{trajectory['density'].max():.2f}); try a lower --threshold")
        return 1
    i = int(dense.sort_values("coverage", ascending=False)["id"].iloc[0])
    row = trajectory.loc[trajectory["id"] == i].iloc[0]
    print(f"\nPRIM box {i}: coverage {row['coverage']:.2f}, density {row['density']:.2f}, "
          f"mass {row['mass']:.2f}, restricted dimensions {int(row['res_dim'])}")
    limits = restricted_limits(box, i)
    print(limits.to_string(index=False) if not limits.empty else "(no restriction)")
    roles = {f["name"]: f["role"] for f in results.manifest["factors"]}
    levers = [name for name in limits["factor"] if roles[name] == "policy"]
    print("\npolicy levers in the box: " + (", ".join(levers) if levers else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
