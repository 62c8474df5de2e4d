"""The run engine: execute the runs a results folder still lacks, writing them crash-safely.

Sweeps, sensitivity designs and comparisons all run here: the caller plans its runs (a
:class:`~experiments.running.tasks.RunContext` and one task per run id) and opens or creates its
:class:`~experiments.storage.experiment_store.ResultsStore`; the engine skips recorded runs
(re-running failed ones when asked), hands the rest to an executor, and writes finished records as
Parquet parts every ``part_runs`` runs or ``flush_seconds`` seconds. A kill loses at most the runs
in flight and the unwritten buffer; resuming runs exactly those again, with the same seeds.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from tqdm import tqdm

from experiments.running.executors import Executor
from experiments.running.tasks import RunContext, RunRecord, RunTask
from experiments.storage.experiment_store import ResultsStore
from experiments.storage.provenance import environment
from simulation import api

__all__ = ["PILOT_MIN_RUNS", "pending_tasks", "run_pending"]

#: Runs from which a duration estimate is printed after the first runs (unless asked otherwise).
PILOT_MIN_RUNS = 200

TaskFactory = Callable[[int, int], RunTask]


def pending_tasks(store: ResultsStore, run_ids: Sequence[int], make_task: TaskFactory,
                  retry_failed: bool) -> tuple[list[RunTask], int]:
    """Tasks of the runs not recorded as ok, and how many recorded failures are left alone."""
    runs = store.read_runs()
    ok = set(runs.loc[runs["status"] == "ok", "run_id"].tolist())
    failed = runs.loc[runs["status"] != "ok", ["run_id", "attempt"]]
    failed_ids = dict(zip(failed["run_id"].tolist(), failed["attempt"].tolist()))
    tasks = []
    for run_id in run_ids:
        if run_id in ok:
            continue
        if run_id in failed_ids:
            if retry_failed:
                tasks.append(make_task(run_id, int(failed_ids[run_id]) + 1))
            continue
        tasks.append(make_task(run_id, 1))
    return tasks, 0 if retry_failed else len(failed_ids)


def run_pending(store: ResultsStore, context: RunContext, run_ids: Sequence[int],
                make_task: TaskFactory, executor: Executor, *, retry_failed: bool = False,
                progress: bool = True, part_runs: int = 64, flush_seconds: float = 10.0,
                pilot: bool | None = None, log: TextIO | None = None,
                on_record: Callable[[RunRecord], None] | None = None,
                label: str = "runs") -> dict[str, Any]:
    """Run every pending run of ``store`` on ``executor``; the session recorded in the manifest.

    Parameters
    ----------
    store
        The results folder (created, or opened to resume).
    context, run_ids, make_task
        What every run shares, every run id of the plan, and ``make_task(run_id, attempt)``.
    executor
        Where runs execute (opened by the caller).
    retry_failed
        Also re-run runs recorded as failed (with the next attempt number).
    progress
        Show a progress bar (with failures) on stderr.
    part_runs, flush_seconds
        Write a Parquet part after this many runs or seconds, whichever comes first.
    pilot
        Print a duration estimate after the first runs; default: for 200 pending runs or more.
    log
        Where messages go (default stderr).
    on_record
        Called with every finished record (progress callbacks; tests use it to interrupt).
    label
        The progress bar's description.
    """
    log = log or sys.stderr
    removed = store.clean()
    if removed:
        print(f"resume: removed {len(removed)} incomplete part file(s) of an interrupted write",
              file=log)
    tasks, skipped_failed = pending_tasks(store, run_ids, make_task, retry_failed)
    manifest = store.manifest
    env = environment()
    session = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
               "command": env["command"], "code": env["code"],
               **executor.describe(), "pending": len(tasks), "retry_failed": retry_failed}
    manifest.setdefault("sessions", []).append(session)
    store.write_manifest(manifest)
    if skipped_failed:
        print(f"note: {skipped_failed} recorded failure(s) are not re-run (retry them to run "
              "them again)", file=log)

    n_runs = len(run_ids)
    done_before = n_runs - len(tasks) - skipped_failed
    n_failed = skipped_failed
    buffer: list[RunRecord] = []
    last_flush = time.monotonic()
    start = time.monotonic()
    pilot_size = max(4, 3 * executor.workers)
    want_pilot = pilot if pilot is not None else len(tasks) >= PILOT_MIN_RUNS
    durations: list[float] = []
    stream = executor.run(context, tasks)  # starts workers before the bar starts its thread
    bar = _ProgressBar(total=n_runs, initial=done_before + skipped_failed, unit="run",
                       file=sys.stderr, disable=not progress, smoothing=0.05,
                       dynamic_ncols=True, desc=label)
    bar.set_postfix(failed=n_failed)
    finished = 0
    run_cpu = run_wall = 0.0
    status = "interrupted"
    try:
        for record in stream:
            buffer.append(record)
            finished += 1
            run_cpu += record.cpu
            run_wall += record.duration
            if record.status != "ok":
                n_failed += 1
                bar.set_postfix(failed=n_failed)
            bar.update(1)
            if want_pilot and len(durations) < pilot_size:
                durations.append(record.duration)
                if len(durations) == pilot_size:
                    _print_estimate(durations, len(tasks) - finished, executor.workers, log, bar)
            if on_record is not None:
                on_record(record)
            if len(buffer) >= part_runs or time.monotonic() - last_flush >= flush_seconds:
                store.write_part(buffer, context.scalars)
                buffer = []
                last_flush = time.monotonic()
        status = "finished"
    finally:
        store.write_part(buffer, context.scalars)
        bar.close()
        session.update({"ended": datetime.now(UTC).isoformat(timespec="seconds"),
                        "status": status, "completed": finished,
                        "wall_seconds": round(time.monotonic() - start, 3),
                        "run_cpu_seconds": round(run_cpu, 3),
                        "run_wall_seconds": round(run_wall, 3)})
        store.write_manifest(manifest)
        if status != "finished":
            print(f"{store.path}: stopped after {finished} of {len(tasks)} pending runs; "
                  "finished runs are saved, resume to run the rest", file=log)
    return session


class _ProgressBar(tqdm):
    """tqdm without its monitor thread (so later process pools can still fork safely)."""

    monitor_interval = 0


def _print_estimate(durations: list[float], remaining: int, workers: int, log: TextIO,
                    bar: Any) -> None:
    per_run = statistics.median(durations)
    seconds = per_run * remaining / max(1, workers)
    bar.write(f"pilot: {len(durations)} runs took {per_run:.3f} s each (median) -> "
              f"{api.describe_seconds(seconds)} for the remaining {remaining} runs on {workers} "
              "worker(s)", file=log)
