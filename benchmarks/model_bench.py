"""Model speed and memory, against Mesa's own BoltzmannWealth example measured in the same run.

Construction and stepping are timed separately; each figure is the fastest of several
replications (as Mesa's own benchmarks do), which is the least noisy estimate of the cost.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from typing import Any

from mesa.examples import BoltzmannWealth

from simulation import PersonalizedLearningModel, load_scenario

SIZES = (2_000, 20_000, 200_000)


def _scenario(n_students: int, name: str = "baseline_guangdong_2024"):
    return load_scenario(name, {"institution.n_students": n_students})


def model_speed(n_students: int, weeks: int, repeats: int,
                scenario_name: str = "baseline_guangdong_2024") -> dict[str, float]:
    """Fastest construction time and student-steps per second over ``repeats`` runs."""
    scenario = _scenario(n_students, scenario_name)
    PersonalizedLearningModel(scenario=scenario, seed=0, snapshots=False)  # warm caches
    build, step = float("inf"), float("inf")
    for seed in range(repeats):
        t0 = time.perf_counter()
        model = PersonalizedLearningModel(scenario=scenario, seed=seed, snapshots=False)
        t1 = time.perf_counter()
        model.run_weeks(weeks)
        t2 = time.perf_counter()
        build, step = min(build, t1 - t0), min(step, t2 - t1)
        del model
        gc.collect()
    return {"construct_s": build, "step_s": step / weeks,
            "student_steps_per_s": n_students * weeks / step}


def bytes_per_student(n_students: int) -> float:
    """Memory allocated by building a model (arrays and agent views), per student."""
    scenario = _scenario(n_students)
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


def boltzmann_reference(agents: int = 10_000, steps: int = 20, repeats: int = 3) -> float:
    """Agent-steps per second of Mesa's BoltzmannWealth (per-agent Python stepping)."""
    best = float("inf")
    for seed in range(repeats):
        model = BoltzmannWealth(n=agents, width=100, height=100, seed=seed)
        t0 = time.perf_counter()
        for _ in range(steps):
            model.step()
        best = min(best, time.perf_counter() - t0)
    return agents * steps / best


def run(quick: bool = False) -> dict[str, Any]:
    """All model figures; ``quick`` uses fewer weeks and repeats (for a smoke check)."""
    weeks, repeats = (6, 2) if quick else (36, 5)
    out: dict[str, Any] = {"mesa_boltzmann_agent_steps_per_s": boltzmann_reference(
        steps=5 if quick else 20, repeats=2 if quick else 3)}
    for n in SIZES:
        reps = max(1, repeats if n < 100_000 else repeats // 2)
        speed = model_speed(n, weeks if n < 100_000 else max(weeks // 3, 4), reps)
        for key, value in speed.items():
            out[f"{key}_{n}"] = value
    out["student_steps_per_s"] = {str(n): out[f"student_steps_per_s_{n}"] for n in SIZES}
    # every mechanism switched on (nothing the status quo can skip), for an honest comparison
    full = model_speed(20_000, weeks, repeats, "ding_full_model")
    out["student_steps_per_s_full_model_20000"] = full["student_steps_per_s"]
    out["bytes_per_student"] = bytes_per_student(20_000)
    reference = out["mesa_boltzmann_agent_steps_per_s"]
    out["speedup_vs_boltzmann_at_20000"] = out["student_steps_per_s_20000"] / reference
    out["speedup_full_model_vs_boltzmann_at_20000"] = (
        out["student_steps_per_s_full_model_20000"] / reference)
    return out
