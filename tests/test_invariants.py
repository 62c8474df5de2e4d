"""Over a simulated year at the registry's extreme bounds, states stay in range and finite."""

from __future__ import annotations

import numpy as np
import pytest

from simulation import PersonalizedLearningModel, load_scenario
from simulation.parameters import PARAMETERS

KEEP = ("institution.", "survey.", "resources.class_size", "resources.funded_class_size",
        "administrators.budget_per_student")


def _extreme(bound: str, pacing: str) -> dict[str, object]:
    over: dict[str, object] = {}
    for p in PARAMETERS:
        if p.name.startswith(KEEP) or p.name.endswith(("_mean", "_sd")) and p.section in (
                "students", "teachers", "administrators") and "_" in p.key and p.unit.startswith(
                "Likert"):
            continue
        if p.kind in ("float", "int"):
            over[p.name] = p.low if bound == "low" else p.high
        elif p.kind == "bool":
            over[p.name] = bound == "high" and p.name != "practices.tutor_per_student"
    over["pacing.mode"] = pacing
    over["institution.n_students"] = 300
    over["resources.class_size"] = 30
    over["administrators.budget_per_student"] = 100000.0
    if bound == "low":
        over["training.coaching_hours"] = 0.0
    return over


@pytest.mark.parametrize("bound", ["low", "high"])
@pytest.mark.parametrize("pacing", ["lockstep", "flexible", "mastery", "self_paced"])
def test_states_stay_in_range_and_finite_at_extreme_bounds(bound: str, pacing: str) -> None:
    scenario = load_scenario("baseline_guangdong_2024", _extreme(bound, pacing))
    model = PersonalizedLearningModel(scenario=scenario, seed=2, snapshots=False)
    model.run_weeks(36)
    s, t = model.student_state, model.teacher_state
    for name in ("engagement_affective", "engagement_behavioural", "self_regulation", "access"):
        values = getattr(s, name)
        assert np.isfinite(values).all() and values.min() >= 0 and values.max() <= 1, name
    for latent in (s.competencies, t.preparedness, model.administrator_state.factors):
        assert np.isfinite(latent).all() and latent.min() >= 0.5 and latent.max() <= 4.5
    for name in ("attitude", "adoption", "stress"):
        values = getattr(t, name)
        assert np.isfinite(values).all() and values.min() >= 0 and values.max() <= 1, name
    for name in ("achievement", "position"):
        assert np.isfinite(getattr(s, name)).all()
    series = model.timeseries()
    assert not series.isna().any().any()
    model.release()


def test_achievement_never_falls_and_learning_is_positive_on_average() -> None:
    model = PersonalizedLearningModel(scenario="ding_full_model", seed=4, snapshots=False)
    before = model.student_state.achievement.copy()
    model.run_weeks(10)
    assert (model.student_state.achievement >= before).all()
    assert model.student_state.gain.mean() > 0
    model.release()
