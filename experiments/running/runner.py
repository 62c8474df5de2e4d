"""Run an experiment spec into a results folder: the Python API behind ``plsim sweep/sensitivity``.

Example (in a notebook)
-----------------------
>>> from experiments.running import runner
>>> results = runner.run_experiment("ci_small", out="results/ci_small", serial=True)
>>> results.summary()
{'planned': 80, 'ok': 80, 'failed': 0, 'missing': 0}
>>> from experiments.analysis.interop import tidy
>>> tidy(results).head()

The design is rebuilt from the spec and the root seed on every call; runs already recorded in the
folder are skipped when resuming, failed ones are re-run with ``retry_failed``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from experiments.design.points import Design, build_design
from experiments.design.spec import ExperimentSpec, SpecError, load_spec
from experiments.running.engine import run_pending
from experiments.running.executors import Executor, make_executor
from experiments.running.seeding import DESIGN, derived_seed, new_root_seed, scheme_text
from experiments.running.tasks import RunContext, RunRecord, RunTask
from experiments.storage.experiment_store import (
    FORMAT,
    Results,
    ResultsStore,
    create_store,
    load_results,
    open_to_resume,
)
from experiments.storage.provenance import check_output_name, environment
from simulation.scenario import ScenarioError

__all__ = ["ExperimentPlan", "load_results", "plan_experiment", "run_experiment"]


@dataclass(frozen=True)
class ExperimentPlan:
    """Everything decided before any run: spec, seeds, design and the run table."""

    spec: ExperimentSpec
    root_seed: int
    design_seed: int
    design: Design
    runs: pd.DataFrame

    @property
    def n_runs(self) -> int:
        """Runs in the experiment (points x replicates)."""
        return len(self.runs)

    def context(self) -> RunContext:
        """The shared context workers receive."""
        s = self.spec
        return RunContext(base=s.base, root=self.root_seed, weeks=s.weeks, scalars=s.scalars,
                          series=s.timeseries, series_weeks=s.series_weeks,
                          fingerprint=s.fingerprint())

    def task(self, run_id: int, attempt: int = 1) -> RunTask:
        """The task of one run."""
        point, replicate = divmod(int(run_id), self.spec.replicates)
        return RunTask(run_id=int(run_id), point=point, replicate=replicate, attempt=attempt,
                       overrides=self.design.overrides(point))


def plan_experiment(spec: ExperimentSpec | str | Path, root_seed: int | None = None
                    ) -> ExperimentPlan:
    """Resolve seeds and sample the design; no run is executed.

    Parameters
    ----------
    spec
        A spec object, a spec path or a bundled spec name.
    root_seed
        Root entropy to use when the spec sets none (a resumed experiment passes its stored one).
    """
    spec = spec if isinstance(spec, ExperimentSpec) else load_spec(spec)
    root = spec.raw.root_seed if spec.raw.root_seed is not None else root_seed
    if root is None:
        root = new_root_seed()
    design_seed = spec.raw.design.seed or derived_seed(root, "design")
    design = build_design(spec, design_seed)
    return ExperimentPlan(spec=spec, root_seed=int(root), design_seed=int(design_seed),
                          design=design, runs=_run_table(spec, design, int(root)))


def _run_table(spec: ExperimentSpec, design: Design, root: int) -> pd.DataFrame:
    r = spec.replicates
    n = design.n_points
    point = [i for i in range(n) for _ in range(r)]
    replicate = [j for _ in range(n) for j in range(r)]
    table = pd.DataFrame({
        "run_id": range(n * r), "point": point, "replicate": replicate,
        "seed": pd.Series([f"SeedSequence({root}, spawn_key=({i}, {j}))"
                           for i, j in zip(point, replicate)], dtype="str"),
    })
    values = design.points.iloc[point].reset_index(drop=True)
    unit = pd.DataFrame(design.unit[point], columns=[f"u:{c}" for c in design.points.columns])
    return pd.concat([table, values, unit], axis=1)


def check_points(plan: ExperimentPlan) -> list[tuple[int, str]]:
    """Design points whose scenario is invalid, with the validator's message."""
    bad = []
    for point in range(plan.design.n_points):
        try:
            plan.spec.base.with_overrides(plan.design.overrides(point),
                                          label=f"design point {point}")
        except ScenarioError as exc:
            bad.append((point, str(exc)))
    return bad


def _manifest(plan: ExperimentPlan, executor: Executor) -> dict[str, Any]:
    s = plan.spec
    return {
        "format": FORMAT,
        "name": s.name,
        "description": s.description,
        "kind": s.kind,
        "method": s.method,
        "spec_source": s.source,
        "spec": s.to_dict(),
        "fingerprint": s.fingerprint(),
        "root_seed": plan.root_seed,
        "design_seed": plan.design_seed,
        "seeding": scheme_text(DESIGN),
        "n_points": plan.design.n_points,
        "replicates": s.replicates,
        "n_runs": plan.n_runs,
        "weeks": s.weeks,
        "factors": [f.describe() for f in s.factors],
        "problem": plan.design.problem,
        "design": s.raw.design.model_dump(mode="json"),
        "outputs": {"scalars": list(s.scalars), "timeseries": list(s.timeseries),
                    "weeks": list(s.series_weeks)},
        "base_scenario": {"name": s.base.name, "source": s.base.source,
                          "warnings": list(s.base.warnings), "values": s.base.flat()},
        "environment": environment(),
        "sessions": [],
    }


def _spec_diff(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        name = f"{prefix}{key}"
        if isinstance(a, dict) and isinstance(b, dict):
            out += _spec_diff(a, b, f"{name}.")
        elif a != b:
            out.append(f"{name}: {a!r} -> {b!r}")
    return out


def _spec_changes(spec: ExperimentSpec) -> Callable[[dict[str, Any]], str]:
    def changed(old: dict[str, Any]) -> str:
        changes = _spec_diff(old.get("spec", {}), spec.to_dict())
        if not changes:
            changes = ["the base scenario's values or the factor definitions changed"]
        return "the spec differs: " + "; ".join(changes[:5])
    return changed


def run_experiment(
    spec: ExperimentSpec | str | Path,
    out: str | Path | None = None,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    dask: str | None = None,
    serial: bool = False,
    chunk_size: int = 1,
    resume: bool = False,
    retry_failed: bool = False,
    force: bool = False,
    progress: bool = True,
    part_runs: int = 64,
    flush_seconds: float = 10.0,
    pilot: bool | None = None,
    log: TextIO | None = None,
    on_record: Callable[[RunRecord], None] | None = None,
) -> Results:
    """Run (or resume) an experiment and return its results.

    Parameters
    ----------
    spec
        Spec object, path or bundled name.
    out
        Results folder; default ``results/<spec name>``.
    executor
        An executor object; otherwise built from ``serial``, ``dask`` and ``workers`` (default:
        local processes on all cores).
    chunk_size
        Runs per scheduled task (results do not depend on it).
    resume
        Continue the runs missing from an existing folder (the spec must be unchanged).
    retry_failed
        Also re-run runs recorded as failed (implies ``resume``).
    force
        Replace an existing folder instead of refusing.
    progress
        Show a progress bar (with ETA and failures) on stderr.
    part_runs, flush_seconds
        Write a Parquet part after this many runs or seconds, whichever comes first.
    pilot
        Print a duration estimate after the first runs; default: for 200 runs or more.
    log
        Where messages go (default stderr).
    on_record
        Called with every finished record (tests use it to interrupt a run).
    """
    log = log or sys.stderr
    spec = spec if isinstance(spec, ExperimentSpec) else load_spec(spec)
    resume = resume or retry_failed
    out = Path(out) if out is not None else Path("results") / check_output_name(
        spec.name, str(spec.source or "spec"))
    store, stored, replace = open_to_resume(out, spec.fingerprint(), resume, force,
                                            changed=_spec_changes(spec), error=SpecError)
    plan = plan_experiment(spec, root_seed=None if stored is None else int(stored["root_seed"]))
    if store is None and spec.raw.invalid_points == "error":
        if plan.design.n_points >= 500:
            print(f"checking that all {plan.design.n_points} design points are valid scenarios",
                  file=log)
        bad = check_points(plan)
        if bad:
            shown = "; ".join(msg for _, msg in bad[:2])
            raise SpecError(
                f"{spec.source}: {len(bad)} of {plan.design.n_points} design points are invalid "
                f"scenarios (first: {shown}). Narrow the factor bounds, fix [overrides] (e.g. a "
                "higher administrators.budget_per_student), or set invalid_points = \"record\" "
                "to run them as recorded failures")
    executor = executor or make_executor(workers=workers, dask=dask, serial=serial,
                                         chunk_size=chunk_size)
    executor.open()  # before touching the folder: an unreachable scheduler changes nothing
    try:
        if store is None:
            store = create_store(out, replace, _manifest(plan, executor), plan.runs,
                                 _spec_text(spec))
        else:
            _check_design(store, plan)
        return _execute(plan, store, executor, retry_failed, progress, part_runs,
                        flush_seconds, pilot, log, on_record)
    finally:
        executor.close()


def _spec_text(spec: ExperimentSpec) -> str | None:
    if spec.source and Path(spec.source).is_file():
        return Path(spec.source).read_text(encoding="utf-8")
    return None


def _check_design(store: ResultsStore, plan: ExperimentPlan) -> None:
    stored = store.read_design()
    if len(stored) != plan.n_runs or not stored.equals(plan.runs):
        raise SpecError(
            f"{store.path}: cannot resume: the design sampled now differs from the stored design "
            "(a different SALib or numpy version?); run into a new results folder")


def _execute(plan: ExperimentPlan, store: ResultsStore, executor: Executor, retry_failed: bool,
             progress: bool, part_runs: int, flush_seconds: float, pilot: bool | None,
             log: TextIO, on_record: Callable[[RunRecord], None] | None) -> Results:
    run_pending(store, plan.context(), plan.runs["run_id"].tolist(), plan.task, executor,
                retry_failed=retry_failed, progress=progress, part_runs=part_runs,
                flush_seconds=flush_seconds, pilot=pilot, log=log, on_record=on_record,
                label=plan.spec.name)
    return load_results(store.path)
