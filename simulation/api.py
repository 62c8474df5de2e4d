"""A small Python API for notebooks: load a scenario, build and run the model, read the outputs.

Example
-------
>>> from simulation import api
>>> result = api.run("baseline_guangdong_2024", seed=1, weeks=36)
>>> result.timeseries[["week", "achievement_mean", "engagement_mean"]].tail(1)
>>> api.survey("baseline_guangdong_2024", week=0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from simulation.model import PersonalizedLearningModel
from simulation.scenario import Scenario, load_scenario

__all__ = ["RunResult", "build_model", "load_scenario", "run", "survey", "weeks_per_year"]


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
    """
    sc = _scenario(scenario, overrides)
    if weeks is None:
        weeks = weeks_per_year(sc) * sc.params.institution.years
    model = PersonalizedLearningModel(scenario=sc, seed=None if rng is not None else seed,
                                      rng=rng, snapshots=snapshots)
    try:
        start = model.survey()
        model.run_weeks(weeks, progress)
        return RunResult(
            scenario=sc, seed=seed, weeks=weeks, timeseries=model.timeseries(),
            survey=pd.concat([start, model.survey()], ignore_index=True),
            student_snapshots=model.snapshots_dataframe(),
            teacher_snapshots=model.teacher_snapshots_dataframe(),
            evaluations=list(model.evaluations),
        )
    finally:
        model.release()


def survey(scenario: Scenario | str = "baseline_guangdong_2024", week: int = 0,
           seed: int | None = 1, overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The synthetic survey tables of a scenario after ``week`` weeks."""
    model = build_model(scenario, seed, overrides, snapshots=False)
    try:
        model.run_weeks(week)
        return model.survey()
    finally:
        model.release()
