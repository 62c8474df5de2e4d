"""Simulation-based calibration to the evidence base: screening, then ABC-SMC, then an ensemble.

1. **Screening** (:func:`screen`): a Morris design (SALib, the library of the project's Morris
   method) over :data:`CANDIDATES` (registry ranges), with the model's effects on the fitted
   calibration rows as outputs; factors are ranked by the mean over rows of ``mu*`` divided by
   the row's tolerance, and the top ones are fitted.
2. **ABC-SMC** (:func:`fit`, pyabc 0.13): uniform priors on the registry ranges of the screened
   parameters; summary statistics are the model's effects on :data:`FIT_ROWS` (calibration rows
   only, magnitude rows); the observed values are the published effects on the model's scale
   (midpoint of the kappa interval); distance ``AdaptivePNormDistance(p=2)`` (each row scaled
   adaptively). The history is an SQLite file, so a run resumes where it stopped.
3. **Plausible worlds** (:func:`write_ensemble`): the last population (parameter sets with their
   importance weights) as ``simulation/data/plausible_worlds.csv`` with a JSON manifest (library
   version, distance, priors, populations, epsilons, seed, command).

The validation rows of the evidence base are never evaluated here.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.evidence_model import (
    ArmState,
    Finding,
    findings,
    measure_effect,
    run_arm,
    scenario_pair,
)
from simulation import parameters
from simulation.errors import UserError

__all__ = ["CANDIDATES", "FIT_ROWS", "ENSEMBLE", "FitSettings", "fit", "observed",
           "screen", "simulate_rows", "write_ensemble"]

ROOT = Path(__file__).resolve().parents[2]
ENSEMBLE = ROOT / "simulation" / "data" / "plausible_worlds.csv"

#: Uncertain parameters screened (registry names; ranges from the registry).
CANDIDATES: tuple[str, ...] = (
    "learning.gain_per_hour", "learning.feedback_effect", "learning.platform_effect",
    "learning.peer_tutoring_effect", "learning.self_study_quality", "learning.autonomy_cost",
    "learning.difficulty_scale", "learning.fit_concentration", "learning.whole_class_breadth",
    "training.gain_per_hour", "training.supported_transfer", "pacing.calendar_rate",
)

#: Calibration rows with a magnitude that the fit compares (sign rows are checked, not fitted).
FIT_ROWS: tuple[str, ...] = (
    "bettinger2017_online_course", "kulik1987_mastery_testing", "kraft2018_coaching_achievement",
    "kraft2018_coaching_instruction", "yoon2007_pd_dose", "kulikfletcher2016_its",
    "steenbergenhu2014_its_college", "pane2014_cta_year1", "kingston2011_formative",
    "puzio2020_differentiation", "wisniewski2020_feedback", "freeman2014_active_learning",
    "theobald2021_srl_training", "nickow2024_tutoring", "arum2011_cla_four_years",
    "wong2024_engagement_achievement",
)


def _key(name: str) -> str:
    return name.replace(".", "__")


def _name(key: str) -> str:
    return key.replace("__", ".")


def observed(rows: Sequence[str] = FIT_ROWS) -> dict[str, float]:
    """Published effects of ``rows`` on the model's scale (midpoint of the kappa interval)."""
    out = {}
    for f in findings(rows):
        if f.split != "calibration" or f.is_sign:
            raise UserError(f"{f.id}: only calibration rows with a magnitude can be fitted")
        low, high = f.target()
        out[f.id] = 0.5 * (low + high)
    return out


def simulate_rows(values: Mapping[str, float], rows: Sequence[Finding], replicate: int = 0,
                  seed: int = 1) -> dict[str, float]:
    """The model's effect on each row for one parameter set (one paired replicate).

    Control arms shared by several rows (same resolved values and horizon) are run once.
    """
    cache: dict[tuple[str, int], ArmState] = {}
    out = {}
    for f in rows:
        control, treatment = scenario_pair(f, dict(values))
        arms: list[ArmState | None] = []
        for scenario in (control, treatment):
            if scenario is None:
                arms.append(None)
                continue
            key = (hashlib.sha256(json.dumps(scenario.flat(), sort_keys=True, default=str)
                                  .encode()).hexdigest(), f.weeks)
            if key not in cache:
                cache[key] = run_arm(scenario, f.weeks, replicate, seed)
            arms.append(cache[key])
        assert arms[0] is not None
        out[f.id] = measure_effect(f.measure, arms[0], arms[1])
    return out


def _bounds(names: Sequence[str]) -> list[tuple[float, float]]:
    out = []
    for name in names:
        p = parameters.get(name)
        if p.low is None or p.high is None:
            raise UserError(f"{name}: has no numeric range to put a prior on")
        out.append((float(p.low), float(p.high)))
    return out


def screen(names: Sequence[str] = CANDIDATES, rows: Sequence[str] = FIT_ROWS,
           trajectories: int = 4, seed: int = 3) -> pd.DataFrame:
    """Morris screening of ``names`` with the effects on ``rows`` as outputs.

    Returns one row per parameter: ``score`` (mean over rows of mu* / the row's tolerance, per
    unit of the normalized range) and mu* per row, highest score first.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    problem = {"num_vars": len(names), "names": list(names), "bounds": _bounds(names)}
    design = morris_sample.sample(problem, trajectories, num_levels=4, seed=seed)
    found = findings(rows)
    outputs = np.array([[v for v in simulate_rows(dict(zip(names, x)), found).values()]
                        for x in design])
    table = pd.DataFrame({"parameter": list(names)})
    scores = np.zeros(len(names))
    for j, f in enumerate(found):
        result = morris_analyze.analyze(problem, design, outputs[:, j], num_levels=4, seed=seed)
        mu_star = np.asarray(result["mu_star"])  # SALib: per unit of the normalized factor
        table[f.id] = mu_star
        scores += mu_star / f.tolerance()
    table.insert(1, "score", scores / len(found))
    return table.sort_values("score", ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class FitSettings:
    """What a fit ran with (recorded in the manifest)."""

    parameters: tuple[str, ...]
    rows: tuple[str, ...] = FIT_ROWS
    population: int = 200
    generations: int = 3
    seed: int = 1
    workers: int = 2
    dask: str | None = None
    max_minutes: float = 15.0


def _abc_model(settings: FitSettings) -> Callable[[Mapping[str, float]], dict[str, float]]:
    found = findings(settings.rows)

    def model(particle: Mapping[str, float]) -> dict[str, float]:
        values = {_name(k): float(v) for k, v in particle.items()}
        # pyabc seeds and forks through the global numpy stream: draw the replicate from it
        replicate = int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002
        return simulate_rows(values, found, replicate=replicate, seed=settings.seed)
    return model


def _sampler(settings: FitSettings) -> Any:
    import pyabc

    if settings.dask:
        from dask.distributed import Client, LocalCluster

        client = Client(LocalCluster(n_workers=settings.workers, threads_per_worker=1)) \
            if settings.dask == "local" else Client(settings.dask)
        return pyabc.sampler.DaskDistributedSampler(dask_client=client)
    if settings.workers <= 1:
        return pyabc.sampler.SingleCoreSampler()
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=settings.workers)


def is_fit_history(database: Path) -> bool:
    """Whether ``database`` is an SQLite file holding pyabc's tables (a history plsim fit wrote)."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as con:
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        return False
    return "abc_smc" in tables


def fit(settings: FitSettings, database: Path, resume: bool = True,
        log: Callable[[str], None] = print) -> Any:
    """Run (or continue) ABC-SMC into the SQLite ``database``; returns the pyabc History."""
    import pyabc

    np.random.seed(settings.seed)  # noqa: NPY002 (pyabc samples priors from this stream)
    prior = pyabc.Distribution(**{
        _key(n): pyabc.RV("uniform", low, high - low)
        for n, (low, high) in zip(settings.parameters, _bounds(settings.parameters))})
    abc = pyabc.ABCSMC(_abc_model(settings), prior, pyabc.AdaptivePNormDistance(p=2),
                       population_size=settings.population, sampler=_sampler(settings))
    url = f"sqlite:///{database}"
    done = 0
    if resume and database.exists():
        abc.load(url, 1)
        done = abc.history.max_t + 1
        log(f"fit: resuming {database} after {done} population(s)")
    else:
        if database.exists():
            if not is_fit_history(database):
                raise UserError(f"{database}: exists and is not a fit history written by plsim "
                                "fit (no pyabc tables); it is left untouched: choose another file")
            database.unlink()
        abc.new(url, observed(settings.rows))
    remaining = settings.generations - done
    if remaining > 0:
        start = time.time()
        history = abc.run(max_nr_populations=remaining,
                          max_walltime=timedelta(minutes=settings.max_minutes))
        log(f"fit: {history.max_t + 1} population(s) in {database} "
            f"({time.time() - start:.0f} s this call)")
    return abc.history


def write_ensemble(history: Any, settings: FitSettings, path: Path = ENSEMBLE,
                   command: str = "") -> Path:
    """The last population as a CSV of plausible worlds (weights sum to 1) plus a manifest."""
    import pyabc

    frame, weights = history.get_distribution(m=0, t=history.max_t)
    worlds = pd.DataFrame({_name(c): frame[c].to_numpy() for c in frame.columns})
    worlds.insert(0, "weight", np.asarray(weights) / float(np.sum(weights)))
    worlds.insert(0, "world", np.arange(len(worlds)))
    path.parent.mkdir(parents=True, exist_ok=True)
    worlds.to_csv(path, index=False, float_format="%.8g")
    pops = history.get_all_populations()
    manifest = {
        "library": f"pyabc {pyabc.__version__}", "python": platform.python_version(),
        "method": "ABC-SMC", "distance": "AdaptivePNormDistance(p=2)",
        "priors": {n: {"uniform": list(b)} for n, b in zip(settings.parameters,
                                                           _bounds(settings.parameters))},
        "summary_statistics": {r: "model effect on the row (evidence_model measure)"
                               for r in settings.rows},
        "observed": observed(settings.rows),
        "population_size": settings.population,
        "populations": int(history.max_t + 1),
        "epsilons": [float(e) for e in pops["epsilon"] if math.isfinite(float(e))],
        "samples": [int(s) for s in pops["samples"]],
        "worlds": len(worlds), "effective_sample_size": float(1.0 / np.sum(
            worlds["weight"].to_numpy() ** 2)),
        "seed": settings.seed, "workers": settings.workers,
        "institution": "evidence scenarios (200 students; 1,000 for teacher-practice rows)",
        "command": command,
        "regenerate": (f"plsim fit --fresh --population {settings.population} --generations "
                       f"{settings.generations} --parameters {','.join(settings.parameters)} "
                       f"--seed {settings.seed} --workers {settings.workers} "
                       f"--max-minutes {settings.max_minutes:g}"),
        "note": ("pyabc draws through the global numpy stream and several processes: a rerun "
                 "gives a statistically equivalent ensemble, not identical worlds"),
    }
    path.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path
