"""A small Python API for notebooks: load a scenario, build and run the model, read the outputs.

Example
-------
>>> from simulation import api
>>> result = api.run("baseline_guangdong_2024", seed=1, weeks=36)
>>> result.timeseries[["week", "achievement_mean", "engagement_mean"]].tail(1)
>>> api.survey("baseline_guangdong_2024", week=0)
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simulation.errors import UserError
from simulation.model import PersonalizedLearningModel
from simulation.scenario import Scenario, load_scenario

__all__ = ["PLAUSIBLE_WORLDS", "RunResult", "build_model", "load_scenario", "plausible_worlds",
           "run", "survey", "weeks_per_year"]

#: The calibrated ensemble shipped with the model (written by ``plsim fit``).
PLAUSIBLE_WORLDS = Path(__file__).resolve().parent / "data" / "plausible_worlds.csv"


@dataclass
class RunResult:
    """Everything one run produces (all pandas DataFrames, ready to save or plot)."""

    scenario: Scenario
    seed: int | None
    weeks: int
    timeseries: pd.DataFrame
    survey: pd.DataFrame  # at week 0 and at the end, stacked (column ``week``)
    student_snapshots: pd.DataFrame = field(default_factory=pd.DataFrame)
    teacher_snapshots: pd.DataFrame = field(default_factory=pd.DataFrame)
    evaluations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def final(self) -> pd.Series:
        """The last week's model-level metrics."""
        return self.timeseries.iloc[-1]


def _scenario(scenario: Scenario | str, overrides: Mapping[str, Any] | None) -> Scenario:
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return sc.with_overrides(overrides or {})


def weeks_per_year(scenario: Scenario) -> int:
    """Teaching weeks in one year of a scenario."""
    return scenario.params.weeks_per_year


#: Longest horizon simulated (years); longer ones are refused before any work.
MAX_YEARS = 50

#: Estimated single-core model time per student and simulated week (seconds), for estimates.
SECONDS_PER_STUDENT_WEEK = 1.0e-6

#: Estimated fixed time per run (building the population, collecting outputs), in seconds.
SECONDS_PER_RUN = 0.02


def estimated_seconds(scenario: Scenario, weeks: float, runs: float = 1) -> float:
    """A quick estimate (not a measurement) of the single-core time of ``runs`` runs of
    ``weeks`` weeks: :data:`SECONDS_PER_RUN` per run plus :data:`SECONDS_PER_STUDENT_WEEK` per
    student and week (about what the kernel takes for the bundled baseline)."""
    students = scenario.params.institution.n_students
    return float(runs) * (SECONDS_PER_RUN + SECONDS_PER_STUDENT_WEEK * students * float(weeks))


def describe_seconds(seconds: float) -> str:
    """``"about 3 minutes"``-style text for an estimated duration."""
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600),
                       ("minutes", 60)):
        if seconds >= 2 * size:
            return f"about {seconds / size:,.0f} {unit}"
    return f"about {max(seconds, 0.0):.0f} seconds"


def check_horizon(scenario: Scenario, weeks: float, option: str = "weeks", runs: int = 1,
                  years: float | None = None) -> int:
    """``weeks`` as an int, refused unless from 0 to :data:`MAX_YEARS` years of the scenario.

    Parameters
    ----------
    option
        The option or argument named in the message.
    runs
        Runs of that length asked for (for the time estimate).
    years
        The horizon as the user gave it in years, when they did.

    Raises
    ------
    UserError
        Naming ``option``, the value, the allowed range and the estimated run time.
    """
    per_year = weeks_per_year(scenario)
    limit = MAX_YEARS * per_year
    if isinstance(weeks, bool) or not isinstance(weeks, int | float) or weeks != weeks:
        raise UserError(f"{option} must be a whole number of weeks, got {weeks!r}")
    if 0 <= weeks <= limit:
        return int(weeks)
    asked = f"{years:g} years" if years is not None else f"{weeks:,.0f} weeks" \
        if abs(weeks) < 1e15 else f"{weeks:g} weeks"
    if weeks < 0:
        raise UserError(f"{option}: {asked} is not allowed; use 0 or more")
    seconds = estimated_seconds(scenario, weeks, runs)
    estimate = describe_seconds(seconds) if seconds < 1e12 else "longer than history"
    raise UserError(
        f"{option}: {asked} is more than the limit of {MAX_YEARS} years ({limit:,} weeks of "
        f"scenario '{scenario.name}'); {runs:,} run(s) would take {estimate}")


def build_model(
    scenario: Scenario | str = "baseline_guangdong_2024", seed: int | None = None,
    overrides: Mapping[str, Any] | None = None, **model_options: Any,
) -> PersonalizedLearningModel:
    """Build a model from a scenario (name, path or object) with optional dotted overrides."""
    return PersonalizedLearningModel(scenario=_scenario(scenario, overrides), seed=seed,
                                     **model_options)


def run(
    scenario: Scenario | str = "baseline_guangdong_2024",
    seed: int | None = 1,
    weeks: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    snapshots: bool = True,
    progress: Callable[[int], None] | None = None,
    rng: Any = None,
    survey: bool = True,
) -> RunResult:
    """Run a scenario and collect its outputs; the model is released afterwards.

    Parameters
    ----------
    scenario
        Scenario object, bundled name or TOML path.
    seed
        Integer seed (ignored when ``rng`` is given).
    weeks
        Weeks to simulate; default the scenario's ``institution.years`` in weeks.
    overrides
        Dotted-name overrides, e.g. ``{"pacing.mode": "mastery"}``.
    snapshots
        Keep student and teacher snapshots at term ends.
    progress
        Called with the week number after each step.
    rng
        A ``numpy.random.SeedSequence`` (experiment runner) instead of ``seed``.
    survey
        Compute the synthetic survey at week 0 and at the end (``RunResult.survey``); without
        it ``survey`` is empty. Callers that discard it (the experiment runner) save two
        survey draws a run; the survey uses no model randomness, so the other outputs are the
        same either way.
    """
    sc = _scenario(scenario, overrides)
    if weeks is None:
        weeks = weeks_per_year(sc) * sc.params.institution.years
    weeks = check_horizon(sc, weeks)
    model = PersonalizedLearningModel(scenario=sc, seed=None if rng is not None else seed,
                                      rng=rng, snapshots=snapshots)
    try:
        start = model.survey() if survey else pd.DataFrame()
        model.run_weeks(weeks, progress)
        end = model.survey() if survey else pd.DataFrame()
        timeseries = model.timeseries()
        evaluations = list(model.evaluations)
        model_seed = model.seed
        student_parts, model.snapshots = model.snapshots, []
        teacher_parts, model.teacher_snapshots = model.teacher_snapshots, []
    finally:
        model.release()
    # the model's state is dropped before the snapshots are joined: at a million students the
    # state and two copies of the snapshots at once were most of the peak memory (a Mesa model
    # holds itself in a cycle through its wrapped ``step``, so only the collector frees it)
    del model
    if student_parts:
        gc.collect()
    students = pd.concat(student_parts, ignore_index=True) if student_parts else pd.DataFrame()
    del student_parts
    teachers = pd.concat(teacher_parts, ignore_index=True) if teacher_parts else pd.DataFrame()
    return RunResult(
        # without a seed the model draws one: record it, so the run can be repeated
        scenario=sc, seed=seed if rng is not None or seed is not None else model_seed,
        weeks=weeks, timeseries=timeseries,
        survey=pd.concat([start, end], ignore_index=True) if survey else pd.DataFrame(),
        student_snapshots=students, teacher_snapshots=teachers, evaluations=evaluations,
    )


def survey(scenario: Scenario | str = "baseline_guangdong_2024", week: int = 0,
           seed: int | None = 1, overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The synthetic survey tables of a scenario after ``week`` weeks (at most its horizon,
    ``institution.years`` in weeks)."""
    sc = _scenario(scenario, overrides)
    years = sc.params.institution.years
    horizon = weeks_per_year(sc) * years
    if isinstance(week, bool) or not isinstance(week, int) or not 0 <= week <= horizon:
        raise UserError(f"--week {week} is outside scenario '{sc.name}': its horizon is weeks "
                        f"0-{horizon} ({years} year(s) of "
                        f"{weeks_per_year(sc)} weeks, institution.years)")
    model = build_model(sc, seed, snapshots=False)
    try:
        model.run_weeks(week)
        return model.survey()
    finally:
        model.release()


def plausible_worlds(path: str | Path | None = None) -> pd.DataFrame:
    """The posterior ensemble of parameter sets ("plausible worlds") calibrated to the evidence.

    One row per world: ``world``, ``weight`` (importance weights, summing to 1) and one column per
    fitted parameter (dotted registry names). Use a row as ``overrides`` of any scenario::

        worlds = plausible_worlds()
        overrides = worlds.drop(columns=["world", "weight"]).iloc[0].to_dict()

    The manifest beside the file (``.json``) says how it was made (``plsim fit``).
    """
    source = Path(path) if path is not None else PLAUSIBLE_WORLDS
    if not source.exists():
        raise UserError(f"{source}: no plausible worlds; make them with `plsim fit`")
    return pd.read_csv(source)
