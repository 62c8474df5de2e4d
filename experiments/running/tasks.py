"""One run of an experiment, as workers execute it: build the scenario, run, keep the outputs.

Everything here is picklable and importable on any worker (process pool or Dask). A run that raises
becomes a ``failed`` record carrying the error text; it never stops the experiment. A run whose
outputs are not finite is recorded as failed too, with its values kept, so no analysis uses it
unnoticed.
"""

from __future__ import annotations

import math
import os
import socket
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.running.seeding import DESIGN, task_seed
from simulation import api
from simulation.scenario import Scenario

__all__ = ["RunContext", "RunRecord", "RunTask", "execute_chunk", "execute_run"]


@dataclass(frozen=True)
class RunContext:
    """What every run of one experiment shares (sent to each worker once).

    A design (sweep, sensitivity) runs ``base`` with each task's overrides; a comparison names its
    ``arms`` and task ``point`` ``i`` runs ``arms[i]`` with the task's overrides (a plausible
    world's parameters, or none). ``seeding`` is the scheme of
    :mod:`experiments.running.seeding`; ``survey`` keeps each run's synthetic survey.
    """

    base: Scenario
    root: int
    weeks: int
    scalars: tuple[str, ...]
    series: tuple[str, ...]
    series_weeks: tuple[int, ...]
    fingerprint: str
    arms: tuple[Scenario, ...] = ()
    seeding: str = DESIGN
    survey: bool = False

    def scenario(self, task: RunTask) -> Scenario:
        """The scenario one task runs."""
        if self.arms:
            arm = self.arms[task.point]
            return arm.with_overrides(dict(task.overrides), label=f"world of run {task.run_id}")
        return self.base.with_overrides(dict(task.overrides), label=f"design point {task.point}")


@dataclass(frozen=True)
class RunTask:
    """One run: design point ``point``, replicate ``replicate``, attempt number ``attempt``."""

    run_id: int
    point: int
    replicate: int
    attempt: int
    overrides: Mapping[str, Any]


@dataclass
class RunRecord:
    """The outcome of one run.

    ``scalars`` maps each output to its final-week value; ``series`` maps each time-series metric
    to its values at ``series_weeks``. ``status`` is ``ok`` or ``failed`` (then ``error`` says why).
    """

    run_id: int
    point: int
    replicate: int
    attempt: int
    status: str
    error: str = ""
    duration: float = 0.0
    cpu: float = 0.0
    worker: str = ""
    scalars: dict[str, float] = field(default_factory=dict)
    series_weeks: tuple[int, ...] = ()
    series: dict[str, list[float]] = field(default_factory=dict)
    survey: pd.DataFrame | None = None


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def execute_run(context: RunContext, task: RunTask) -> RunRecord:
    """Run one task; errors become a failed record with the error text.

    ``duration`` is the run's wall time, ``cpu`` the CPU time its process spent on it (the two
    differ when other work competes for the cores).
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    record = RunRecord(run_id=task.run_id, point=task.point, replicate=task.replicate,
                       attempt=task.attempt, status="ok", worker=_worker_name())
    try:
        scenario = context.scenario(task)
        result = api.run(scenario, weeks=context.weeks, snapshots=False,
                         rng=task_seed(context.seeding, context.root, task.point,
                                       task.replicate),
                         survey=context.survey)  # only what the outputs need
        ts = result.timeseries
        final = ts.iloc[-1]
        record.scalars = {name: float(final[name]) for name in context.scalars}
        if context.series:
            rows = ts.set_index("week").reindex(list(context.series_weeks))
            record.series_weeks = context.series_weeks
            record.series = {m: [float(v) for v in rows[m].to_numpy()] for m in context.series}
        if context.survey:
            record.survey = result.survey
        bad = _non_finite(record.scalars, record.series)
        if bad:
            record.status = "failed"
            record.error = "non-finite output(s): " + ", ".join(bad)
    except Exception as exc:  # noqa: BLE001 - any model error is recorded, never raised
        record.status = "failed"
        tail = traceback.format_exception(exc)[-3:]
        record.error = f"{type(exc).__name__}: {exc}\n{''.join(tail).strip()}"
    record.duration = time.perf_counter() - start
    record.cpu = time.process_time() - cpu_start
    return record


def _non_finite(scalars: Mapping[str, float], series: Mapping[str, Sequence[float]]) -> list[str]:
    bad = [f"{k}={v}" for k, v in scalars.items() if not math.isfinite(v)]
    for metric, values in series.items():
        if not np.all(np.isfinite(values)):
            bad.append(f"{metric} (time series)")
    return bad


def execute_chunk(context: RunContext, tasks: Sequence[RunTask]) -> list[RunRecord]:
    """Run several tasks in order (one scheduling unit)."""
    return [execute_run(context, task) for task in tasks]
