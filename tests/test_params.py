"""Typed parameters: built from the registry, strict about types, valid at every registry corner."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from interfaces.dashboard.levers import LEVERS
from simulation.parameters import PARAMETERS, REGISTRY, defaults
from simulation.params import SECTION_CLASSES, Params
from simulation.policy import WEEK0_STATE
from simulation.scenario import Scenario, ScenarioError, _validate, load_scenario

PYTHON_TYPE = {"float": float, "int": int, "bool": bool}

# Joint constraints that a single parameter at a corner can break with the others at their
# defaults (documented in docs/parameters.md and enforced by scenario.check_consistency):
# spending must fit the budget, and coaching hours need coaches.
JOINT = {
    ("training.coaching_hours", 80.0): "coaching needs coaches",
    ("training.coaches_per_teacher", 0.5): "budget_per_student",
    ("resources.class_size", 10): "budget_per_student",
    ("resources.funded_class_size", 120): "budget_per_student",
    ("practices.tutor_per_student", True): "budget_per_student",
}
# and a survey SD below what the item noise alone gives needs a lower survey.item_noise_sd
JOINT.update({(p.name, p.low): "lower survey.item_noise_sd" for p in PARAMETERS
              if p.name.endswith("_sd") and p.section in ("students", "teachers", "administrators")
              and p.unit == "Likert 1-4"})


def test_typed_sections_have_exactly_the_registry_keys_and_kinds() -> None:
    for section, klass in SECTION_CLASSES.items():
        hints = typing.get_type_hints(klass)
        registry = {p.key: p for p in PARAMETERS if p.section == section}
        assert set(hints) == set(registry), section
        for key, p in registry.items():
            if p.kind == "choice":
                assert typing.get_args(hints[key]) == p.choices, p.name
            else:
                assert hints[key] is PYTHON_TYPE[p.kind], p.name


def test_scenario_params_hold_the_validated_values_frozen() -> None:
    scenario = load_scenario("ding_full_model")
    params = scenario.params
    for name, value in scenario.flat().items():
        assert params.value(name) == value and type(params.value(name)) is type(value), name
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.learning.gain_per_hour = 1.0  # type: ignore[misc]
    assert isinstance(params, Params) and params.extra == {}


@pytest.mark.parametrize(("text", "words"), [
    ('[learning]\ndifficulty_scale = "0.7"\n', ['difficulty_scale = "0.7"', "a string",
                                                "'learning.difficulty_scale' must be a number"]),
    ("[resources]\ndevice_ratio = true\n", ["device_ratio = true", "a boolean",
                                            "from 0 to 1"]),
    ("[practices]\ninterest_matching = 1\n", ["interest_matching = 1", "a number",
                                              "true or false"]),
    ('[institution]\nn_students = "300"\n', ['n_students = "300"', "an integer"]),
])
def test_values_of_the_wrong_type_are_refused_naming_file_field_value(
        write_scenario, text: str, words: list[str]) -> None:
    path = write_scenario(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for word in words:
        assert word in message


def test_an_integer_where_a_float_is_expected_becomes_that_float(write_scenario) -> None:
    scenario = load_scenario(write_scenario("[training]\nworkshop_hours = 40\n"))
    assert scenario.params.training.workshop_hours == 40.0
    assert type(scenario.params.training.workshop_hours) is float


def test_a_scenario_that_extends_keeps_its_own_name_and_asks_no_inherited_question(
        write_scenario) -> None:
    path = write_scenario('name = "my_variant"\nextends = "coaching_only"\n'
                          'description = "Coaching, a variant"\n')
    scenario = load_scenario(path)
    base = load_scenario("coaching_only")
    assert scenario.name == "my_variant"
    assert scenario.description == "Coaching, a variant"
    assert base.question and scenario.question == ""


def test_every_single_parameter_at_each_corner_validates_or_breaks_a_documented_constraint(
) -> None:
    base = Scenario(name="defaults", values=_validate(defaults(), "defaults"))
    for p in PARAMETERS:
        if p.kind == "bool":
            corners: list[object] = [False, True]
        elif p.kind == "choice":
            corners = list(p.choices)
        else:
            corners = [p.low, p.high] if p.kind == "float" else [int(p.low), int(p.high)]
        for value in corners:
            reason = JOINT.get((p.name, value))
            if reason is None:
                assert base.with_overrides({p.name: value}).get(p.name) == value, p.name
            else:
                with pytest.raises(ScenarioError, match=reason):
                    base.with_overrides({p.name: value})


def test_week0_state_and_dashboard_timing_read_the_registry() -> None:
    assert frozenset(n for n, p in REGISTRY.items() if p.takes_effect == "reset") == WEEK0_STATE
    for lever in LEVERS:
        assert lever.when == REGISTRY[lever.name].takes_effect
        assert lever.label == REGISTRY[lever.name].label
    # devices are assigned at term starts: a change of targeting waits for the next term
    assert REGISTRY["resources.device_targeting"].takes_effect == "next_term"
    assert REGISTRY["training.coverage"].takes_effect == "reset"


def test_device_targeting_changed_during_a_run_acts_at_the_next_term_start() -> None:
    from simulation.model import PersonalizedLearningModel

    base = load_scenario("baseline_guangdong_2024").with_overrides({
        "institution.n_students": 300, "institution.weeks_per_term": 4,
        "resources.device_ratio": 0.2, "students.home_access_rate": 0.6})
    model = PersonalizedLearningModel(scenario=base, seed=5)
    model.run_weeks(1)  # the first term start assigned devices by lot
    s = model.student_state
    by_lot = s.has_device.copy()
    model.apply_policy(base.with_overrides({"resources.device_targeting": "need_based"}))
    model.run_weeks(2)
    assert (s.has_device == by_lot).all()  # the term's allocation stands
    model.run_weeks(2)  # week 4: the next term start re-assigns
    assert not (s.has_device & s.home_access).any() and s.has_device.sum() == by_lot.sum()
    with pytest.raises(ScenarioError, match="cannot change during a run"):
        model.apply_policy(base.with_overrides({"training.coverage": 0.5}))
