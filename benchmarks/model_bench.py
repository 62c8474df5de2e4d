"""Model speed and memory, against Mesa's own BoltzmannWealth example measured in the same run.

How the figures are measured (the machine is shared, so wall time is not trusted):

- **CPU time** (``time.process_time``), never wall time; every figure is the fastest of several
  repeats (the least noisy estimate of the cost, as Mesa's own benchmarks do).
- **Interleaved**: each repeat times BoltzmannWealth (10,000 agents) and then every model
  configuration, so load that comes and goes hits the reference and the model alike; speedups
  are ratios of costs measured in the same process.
- **Every bundled scenario** at 20,000 students is reported; the headline
  (``speedup_vs_boltzmann_at_20000``) is the *slowest* scenario.
- **Linearity**: the full model (``ding_full_model``, every mechanism on) at 20,000 and
  1,000,000 students, stepping and construction per student, interleaved.
- **Memory**: peak RSS of ``plsim run`` over one year of the full model at 1,000,000 students
  (``--quick``: 200,000), in a child process, minus the peak of the same command for a
  200-student week (the interpreter with everything ``plsim run`` imports); and the size of its
  student snapshot file per student.
- ``bytes_per_student``: memory allocated by building a 20,000-student model and one week
  (``tracemalloc``).

The load average is reported beside the figures.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from mesa.examples import BoltzmannWealth

from simulation import PersonalizedLearningModel, load_scenario
from simulation.scenario import BUNDLED_DIR

BOLTZMANN_AGENTS = 10_000
SIZE = 20_000
LARGE = 1_000_000
FULL = "ding_full_model"
ROOT = Path(__file__).resolve().parent.parent


def scenario_names() -> list[str]:
    """Every bundled scenario, sorted."""
    return sorted(p.stem for p in Path(BUNDLED_DIR).glob("*.toml"))


def _boltzmann_cost(steps: int, seed: int) -> float:
    """CPU seconds per agent-step of Mesa's BoltzmannWealth (per-agent Python stepping)."""
    model = BoltzmannWealth(n=BOLTZMANN_AGENTS, width=100, height=100, seed=seed)
    model.step()  # warm
    t0 = time.process_time()
    for _ in range(steps):
        model.step()
    return (time.process_time() - t0) / (BOLTZMANN_AGENTS * steps)


def _model_cost(name: str, n_students: int, weeks: int, seed: int) -> tuple[float, float]:
    """CPU seconds per student of construction and per student-step of stepping.

    Stepping is timed after one untimed week: the steady weekly cost, without the first week's
    one-off page faults of the week's temporaries (which a year of 36 weeks amortises).
    """
    scenario = load_scenario(name, {"institution.n_students": n_students})
    gc.collect()
    t0 = time.process_time()
    model = PersonalizedLearningModel(scenario=scenario, seed=seed, snapshots=False)
    t1 = time.process_time()
    model.run_weeks(1)
    t1b = time.process_time()
    model.run_weeks(weeks)
    t2 = time.process_time()
    del model
    return (t1 - t0) / n_students, (t2 - t1b) / (n_students * weeks)


def interleaved(weeks: int, large_weeks: int, repeats: int, steps: int) -> dict[str, Any]:
    """Boltzmann, every scenario at ``SIZE`` and the full model at ``LARGE``, A B A B."""
    names = scenario_names()
    for name in names:  # warm per-scenario caches (parsing, survey calibration)
        _model_cost(name, 2_000, 1, 0)
    best: dict[str, list[float]] = {}

    def keep(key: str, build: float, step: float) -> None:
        old = best.get(key, [float("inf"), float("inf")])
        best[key] = [min(old[0], build), min(old[1], step)]

    boltzmann = float("inf")
    loads = []
    for r in range(repeats):
        boltzmann = min(boltzmann, _boltzmann_cost(steps, r))
        for name in names:
            keep(name, *_model_cost(name, SIZE, weeks, r))
        keep("large", *_model_cost(FULL, LARGE, large_weeks, r))
        keep("full_again", *_model_cost(FULL, SIZE, weeks, r + 100))
        boltzmann = min(boltzmann, _boltzmann_cost(steps, r + 100))
        loads.append(os.getloadavg()[0])
    out: dict[str, Any] = {
        "mesa_boltzmann_agent_steps_per_s": 1.0 / boltzmann,
        "load_average_during_interleaved": max(loads),
    }
    speedups = {}
    for name in names:
        build, step = best[name]
        out[f"student_steps_per_s_{name}_{SIZE}"] = 1.0 / step
        out[f"construct_s_{name}_{SIZE}"] = build * SIZE
        speedups[name] = boltzmann / step
    out["speedup_vs_boltzmann_by_scenario"] = speedups
    slowest = min(speedups, key=lambda k: speedups[k])
    out["slowest_scenario"] = slowest
    out["speedup_vs_boltzmann_at_20000"] = speedups[slowest]
    out["speedup_full_model_vs_boltzmann_at_20000"] = speedups[FULL]
    full_build, full_step = (min(a, b) for a, b in zip(best[FULL], best["full_again"],
                                                      strict=True))
    large_build, large_step = best["large"]
    out["student_steps_per_s_full_model_20000"] = 1.0 / full_step
    out[f"student_steps_per_s_full_model_{LARGE}"] = 1.0 / large_step
    out["per_student_step_cost_ratio_1m_vs_20k"] = large_step / full_step
    out["construction_cost_ratio_1m_vs_20k"] = large_build / full_build
    out[f"construct_s_full_model_{LARGE}"] = large_build * LARGE
    return out


def bytes_per_student(n_students: int = SIZE) -> float:
    """Memory allocated by building a model (arrays; agents only on demand) and one week."""
    scenario = load_scenario(FULL, {"institution.n_students": n_students})
    PersonalizedLearningModel(scenario=scenario, seed=0, snapshots=False)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    model = PersonalizedLearningModel(scenario=scenario, seed=1, snapshots=False)
    model.step()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del model
    return (after - before) / n_students


def _plsim_run(folder: Path, n_students: int, weeks: int) -> tuple[float, int]:
    """Run ``plsim run`` in a child; its peak RSS (bytes) and student snapshot file size.

    The peak is the child's own ``VmHWM`` (``/proc/self/status``, per address space): the
    rusage of children would also count the pages of this (large) process before ``exec``.
    """
    toml = folder / f"n{n_students}.toml"
    toml.write_text(f'description = "memory check"\nextends = "{FULL}"\n\n[institution]\n'
                    f"n_students = {n_students}\n", encoding="utf-8")
    out = folder / f"out{n_students}"
    args = ["run", str(toml), "--out", str(out), "--weeks", str(weeks)]
    code = ("import sys, io, contextlib\nfrom interfaces.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()): rc = main({args!r})\n"
            "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0]\n"
            "print(int(hwm.split()[1]) * 1024)\nsys.exit(rc)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=folder,
                          stdout=subprocess.PIPE, text=True)
    peak = float(done.stdout.split()[-1])
    return peak, (out / "student_snapshots.parquet").stat().st_size


def run_memory(n_students: int) -> dict[str, Any]:
    """Peak RSS per student of a one-year ``plsim run``, above a 200-student week."""
    with tempfile.TemporaryDirectory(prefix="plsim-mem-") as tmp:
        base, _ = _plsim_run(Path(tmp), 200, 1)  # children's peak so far: the small run
        year = load_scenario(FULL).params.weeks_per_year
        peak, disk = _plsim_run(Path(tmp), n_students, year)
    return {
        "plsim_run_students": n_students,
        "plsim_run_interpreter_rss_mb": base / 2**20,
        "plsim_run_peak_rss_mb": peak / 2**20,
        "peak_rss_bytes_per_student_1m_run": (peak - base) / n_students,
        "student_snapshot_file_mb": disk / 2**20,
        "student_snapshot_file_bytes_per_student": disk / n_students,
    }


def run(quick: bool = False) -> dict[str, Any]:
    """All model figures; ``quick`` uses fewer weeks and repeats and a smaller memory run."""
    weeks, large_weeks, repeats, steps = (4, 1, 2, 3) if quick else (18, 3, 4, 10)
    out: dict[str, Any] = {"load_average_before": os.getloadavg()[0]}
    out.update(interleaved(weeks, large_weeks, repeats, steps))
    out["bytes_per_student"] = bytes_per_student()
    out.update(run_memory(200_000 if quick else LARGE))
    out["load_average_after"] = os.getloadavg()[0]
    return out
