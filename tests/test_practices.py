"""Practices and pacing modes are objects: a new practice is one entry plus its parameters."""

from __future__ import annotations

import numpy as np

from simulation import practices
from simulation.model import PersonalizedLearningModel
from simulation.parameters import REGISTRY, Parameter
from simulation.params import Params
from simulation.practices import PACING_MODES, PRACTICES, Practice, registered
from simulation.scenario import load_scenario
from simulation.state import InstitutionState, Streams

SWITCH = Parameter(
    "practices.worked_examples", False, None, None, "-", "assumption, no source",
    "Students study worked examples pitched a little below their level.", "bool", role="policy",
    label="Worked examples")
HOURS = Parameter(
    "workload.worked_examples_hours", 3.0, 0.0, 10.0, "hours/week at full share",
    "assumption, no source", "Preparing worked examples if they filled all class time.")
EFFECT = Parameter(
    "learning.worked_examples_effect", 0.3, 0.0, 1.0, "multiplier", "assumption, no source",
    "Extra learning per hour of worked-example study.")


def _examples_gap(params: Params, state: InstitutionState, streams: Streams) -> np.ndarray:
    return state.this_week.estimate - state.students.achievement - 0.2


WORKED_EXAMPLES = Practice(
    "worked_examples", SWITCH.name,
    teacher_hours=lambda p, st: p.value(HOURS.name) * st.roster.teacher_classes,
    gap=_examples_gap,
    quality=lambda p, st: 1.0 + p.value(EFFECT.name),
    exposure=(("critical_thinking_problem_solving", 0.5),),
)


def _run(overrides: dict[str, object]) -> PersonalizedLearningModel:
    scenario = load_scenario("baseline_guangdong_2024").with_overrides(
        {"institution.n_students": 300, **overrides})
    model = PersonalizedLearningModel(scenario=scenario, seed=3)
    model.run_weeks(8)
    return model


def test_a_toy_practice_added_as_one_entry_runs_and_changes_results() -> None:
    with registered(WORKED_EXAMPLES, SWITCH, HOURS, EFFECT):
        on = _run({SWITCH.name: True})
        off = _run({})
        assert on.policy.personalized == ("worked_examples",)
        assert "worked_examples" in on.state.this_week.shares
        assert on.teacher_state.workload_ratio.mean() > off.teacher_state.workload_ratio.mean()
        assert on.metrics["adoption_mean"] > 0
        assert off.metrics["adoption_mean"] == 0
        assert on.metrics["achievement_mean"] != off.metrics["achievement_mean"]
        assert on.metrics["student_competency"] > off.metrics["student_competency"]
        assert WORKED_EXAMPLES.label == "Worked examples"
    # the extension is gone again: the registry and the table are as before
    assert SWITCH.name not in REGISTRY and practices.table() == PRACTICES


def test_every_practice_switch_is_a_bool_policy_parameter_with_label_and_evidence() -> None:
    for practice in PRACTICES:
        p = REGISTRY[practice.switch]
        assert p.kind == "bool" and p.role == "policy", practice.name
        assert practice.label == p.label and p.source in practice.evidence
    assert [p.name for p in PRACTICES if p.shares_class_time] == [
        "differentiated", "feedback", "adaptive", "collaborative", "self_directed"]


def test_pacing_modes_are_the_registry_choices() -> None:
    assert tuple(PACING_MODES) == REGISTRY["pacing.mode"].choices
    assert PACING_MODES["mastery"].label.startswith("Mastery")
    assert [m.name for m in PACING_MODES.values() if m.self_steered] == ["self_paced"]
