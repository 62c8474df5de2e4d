"""``python -m benchmarks [--quick]``: run every benchmark, print a table, write JSON.

Writes ``results/bench/latest.json``. Speed goals are stated as measured ratios:
the model at 20,000 students against Mesa's BoltzmannWealth (goal: at least 30x), bytes per
student (goal: under 2 KB), and, where those suites exist, the experiment runner and dashboard.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "results" / "bench" / "latest.json"
SUITES = ("model_bench", "runner_bench", "dashboard_bench")
GOALS = {
    "speedup_vs_boltzmann_at_20000": (">=", 30.0),
    "bytes_per_student": ("<=", 2048.0),
}


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
    report: dict[str, Any] = {"created": datetime.now(UTC).isoformat(timespec="seconds"),
                              "platform": platform.platform(), "quick": args.quick}
    for suite in args.only or SUITES:
        module = importlib.import_module(f"benchmarks.{suite}")
        print(f"== {suite}", file=sys.stderr, flush=True)
        results = module.run(quick=args.quick)
        report[suite] = results
        if suite == "model_bench":
            report.update({k: v for k, v in results.items()
                           if k in ("student_steps_per_s", "bytes_per_student",
                                    "mesa_boltzmann_agent_steps_per_s",
                                    "speedup_vs_boltzmann_at_20000")})
        for key, value in results.items():
            if not isinstance(value, dict):
                print(f"  {key:<45} {_fmt(value)}")
    print("\ngoals:")
    for key, (op, target) in GOALS.items():
        if key in report:
            met = report[key] >= target if op == ">=" else report[key] <= target
            print(f"  {key:<45} {_fmt(report[key])} {op} {target:g}: {'met' if met else 'NOT met'}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
