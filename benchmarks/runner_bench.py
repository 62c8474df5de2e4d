"""Experiment-runner benchmark: runs per minute at 1 and 2 workers, parallel efficiency, overhead.

The workload is ``experiments/specs/policy_sobol.toml`` (the default 2,000-student institution for
36 weeks, its 8 factors) with a smaller Sobol base sample, so each configuration runs the same
runs:

- bare model time: the same runs called directly (``simulation.api.run``, without the surveys
  the runner does not keep, as ``experiments.running.tasks`` calls it) in one process, in CPU
  time: ``runs_per_cpu_second`` is runs per second per core, and
  ``runs_per_cpu_second_vs_before`` compares it with :data:`BEFORE_RUNS_PER_CPU_SECOND`;
- the runner in this process (``serial``): its overhead over bare model time (validation,
  design, Parquet parts, manifest);
- the runner on 1 and 2 local worker processes (end to end, worker start-up included): runs per
  minute and parallel efficiency ``rate(2) / (2 rate(1))``.

Each configuration is timed ``repeats`` times and the fastest kept (after one untimed warm-up run
that fills per-process caches, e.g. the survey calibration). Also reported: the load average
before and after (other work on the machine lowers efficiency) and the projected wall time of the
full ``policy_sobol`` experiment at 2 workers.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from experiments.design.spec import load_spec
from experiments.running.runner import plan_experiment, run_experiment
from experiments.running.seeding import run_seed
from simulation import api

SPEC = "policy_sobol"

#: Runs per CPU second of the same workload before the speed work (issue 12): the code of
#: ``main`` at 92c28ba (api.run with both surveys, as the runner called it then), measured with
#: the bare-model loop above over 40 runs of ``policy_sobol`` (n = 2), alternating with this code
#: in separate processes on the same machine (2 shared cores, load average 2.6-15): 15.5-18.3
#: runs per CPU second; the best (18.3, load 3.8) is kept, which understates the gain.
BEFORE_RUNS_PER_CPU_SECOND = 18.3


def _bare_seconds(plan: Any, run_ids: Any) -> tuple[float, float]:
    """Wall and CPU seconds of the runs called directly."""
    spec = plan.spec
    start, cpu = time.perf_counter(), time.process_time()
    for run_id in run_ids:
        task = plan.task(int(run_id))
        scenario = spec.base.with_overrides(dict(task.overrides))
        api.run(scenario, weeks=spec.weeks, snapshots=False, survey=False,
                rng=run_seed(plan.root_seed, task.point, task.replicate))
    return time.perf_counter() - start, time.process_time() - cpu


def _runner_seconds(spec: Any, folder: Path, **options: Any) -> float:
    start = time.perf_counter()
    results = run_experiment(spec, folder, progress=False, pilot=False, **options)
    elapsed = time.perf_counter() - start
    summary = results.summary()
    if summary["ok"] != summary["planned"]:
        raise RuntimeError(f"benchmark runs failed: {summary}")
    return elapsed


def run(quick: bool = False) -> dict[str, Any]:
    """Measure the runner; returns flat numbers (seconds, runs per minute, ratios).

    Parameters
    ----------
    quick
        40 runs per configuration, timed once, instead of 160 timed twice (a smoke check; the
        numbers are noisier).
    """
    full = load_spec(SPEC)
    n_base, repeats = (2, 1) if quick else (8, 2)
    spec = full.with_changes(design={"n": n_base})
    plan = plan_experiment(spec)
    n_runs = plan.n_runs
    load_before = os.getloadavg()[0]
    _bare_seconds(plan, plan.runs["run_id"][:2])  # warm-up
    times: dict[str, list[float]] = {"bare": [], "serial": [], "one": [], "two": [],
                                     "bare_cpu": []}
    with tempfile.TemporaryDirectory(prefix="plsim-runner-bench-") as tmp:
        for k in range(repeats):
            wall, cpu = _bare_seconds(plan, plan.runs["run_id"])
            times["bare"].append(wall)
            times["bare_cpu"].append(cpu)
            times["serial"].append(_runner_seconds(spec, Path(tmp) / f"serial{k}", serial=True))
            times["one"].append(_runner_seconds(spec, Path(tmp) / f"w1_{k}", workers=1))
            times["two"].append(_runner_seconds(spec, Path(tmp) / f"w2_{k}", workers=2))
    load_after = os.getloadavg()[0]
    bare, serial, one, two = (min(times[k]) for k in ("bare", "serial", "one", "two"))
    rate1, rate2 = n_runs / one * 60, n_runs / two * 60
    per_cpu_second = n_runs / min(times["bare_cpu"])
    full_runs = plan_experiment(full).n_runs
    return {
        "runs_per_configuration": n_runs,
        "bare_model_seconds_per_run": bare / n_runs,
        "runs_per_cpu_second": per_cpu_second,
        "runs_per_cpu_second_vs_before": per_cpu_second / BEFORE_RUNS_PER_CPU_SECOND,
        "runs_per_min_bare": n_runs / bare * 60,
        "runs_per_min_in_process_runner": n_runs / serial * 60,
        "runs_per_min_1_worker": rate1,
        "runs_per_min_2_workers": rate2,
        "parallel_efficiency_2_workers": rate2 / (2 * rate1),
        "runner_overhead_over_bare": serial / bare - 1,
        "process_runner_overhead_over_bare": one / bare - 1,
        "projected_policy_sobol_minutes_2_workers": full_runs / rate2,
        "policy_sobol_runs": full_runs,
        "repeats": repeats,
        "cpu_count": os.cpu_count() or 1,
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(run(quick=True), indent=2))
