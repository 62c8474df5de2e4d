"""``python -m benchmarks [--quick]``: run every benchmark, print a table, write JSON.

Writes ``results/bench/latest.json`` (every figure) and prints a table with the goal next to
each goal's figure. The goals (issue 12), all measured as ratios in one process:

- every bundled scenario at 20,000 students (the slowest is the headline) at least 50x Mesa's
  BoltzmannWealth agent-steps/s, CPU time, interleaved;
- linear in students: per-student-step and construction cost at 1,000,000 within 1.2x of 20,000;
- peak RSS of a one-year 1,000,000-student ``plsim run`` under 1 KB per student above the
  interpreter;
- runs per CPU second of the default 2,000-student institution at least 2x before the speed work;
  parallel efficiency at 2 workers at least 0.9 (on a quiet machine: see the load averages).

The load averages measured beside the figures are printed with them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "results" / "bench" / "latest.json"
SUITES = ("model_bench", "runner_bench", "dashboard_bench")
GOALS = {
    "speedup_vs_boltzmann_at_20000": (">=", 50.0),
    "per_student_step_cost_ratio_1m_vs_20k": ("<=", 1.2),
    "construction_cost_ratio_1m_vs_20k": ("<=", 1.2),
    "peak_rss_bytes_per_student_1m_run": ("<=", 1024.0),
    "runs_per_cpu_second_vs_before": (">=", 2.0),
    "parallel_efficiency_2_workers": (">=", 0.9),
}
#: Figures copied to the report's top level (goals, context and load).
HEADLINE = (*GOALS, "student_steps_per_s_full_model_20000", "mesa_boltzmann_agent_steps_per_s",
            "slowest_scenario", "speedup_full_model_vs_boltzmann_at_20000", "bytes_per_student",
            "plsim_run_students", "student_snapshot_file_mb", "runs_per_cpu_second")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    """Run the suites and report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (smoke check)")
    parser.add_argument("--only", choices=SUITES, action="append", help="run only these suites")
    args = parser.parse_args(argv)
    loads: dict[str, str] = {}
    report: dict[str, Any] = {"created": datetime.now(UTC).isoformat(timespec="seconds"),
                              "platform": platform.platform(), "quick": args.quick}
    for suite in args.only or SUITES:
        module = importlib.import_module(f"benchmarks.{suite}")
        print(f"== {suite}", file=sys.stderr, flush=True)
        results = module.run(quick=args.quick)
        report[suite] = results
        report.update({k: v for k, v in results.items() if k in HEADLINE})
        loads[suite] = ", ".join(f"{_fmt(v)}" for k, v in results.items()
                                 if k.startswith("load_average"))
        for key, value in results.items():
            if isinstance(value, dict):
                for sub, figure in value.items():
                    print(f"  {key}[{sub}]"[:48].ljust(48) + f" {_fmt(figure)}")
            else:
                print(f"  {key:<46} {_fmt(value)}")
    print(f"\ngoals (load averages: {'; '.join(f'{k} {v}' for k, v in loads.items())}; "
          f"{os.cpu_count()} CPUs):")
    for key, (op, target) in GOALS.items():
        if key in report:
            met = report[key] >= target if op == ">=" else report[key] <= target
            print(f"  {key:<46} {_fmt(report[key]):>10} {op} {target:g}: "
                  f"{'met' if met else 'NOT met'}")
    report["goals"] = {k: {"op": op, "target": t} for k, (op, t) in GOALS.items()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
