"""Scenario files: inheritance, and bad input rejected with a message naming file, field, value."""

from __future__ import annotations

import pytest

from interfaces.cli import main
from simulation.parameters_doc import main as docs_main
from simulation.scenario import ScenarioError, bundled_names, load_scenario


def test_every_bundled_scenario_loads_and_states_its_question() -> None:
    names = bundled_names()
    assert len(names) >= 10
    for name in names:
        scenario = load_scenario(name)
        assert scenario.question.endswith("?"), name
        assert scenario.description, name


def test_extends_inherits_then_overrides(write_scenario) -> None:
    path = write_scenario('extends = "coaching_only"\n[training]\ncoaching_hours = 20\n')
    scenario = load_scenario(path)
    assert scenario.get("training.coaching_hours") == 20
    assert scenario.get("training.coaches_per_teacher") == 0.1  # from coaching_only
    assert scenario.get("pacing.mode") == "lockstep"  # from the baseline
    assert scenario.chain == ("coaching_only", "baseline_guangdong_2024")


def test_unknown_key_suggests_the_nearest_valid_name(write_scenario) -> None:
    path = write_scenario('[pacing]\nmastery_treshold = 0.8\n')
    with pytest.raises(ScenarioError, match=r"unknown parameter 'pacing.mastery_treshold'.*"
                                            r"did you mean 'pacing.mastery_threshold'"):
        load_scenario(path)


def test_unknown_section_suggests_the_nearest_section(write_scenario) -> None:
    path = write_scenario('[pacin]\nmode = "mastery"\n')
    with pytest.raises(ScenarioError, match="did you mean 'pacing'"):
        load_scenario(path)


def test_out_of_range_value_names_file_field_value_and_range(write_scenario) -> None:
    path = write_scenario('[pacing]\nmastery_threshold = 1.2\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert str(path) in message and "mastery_threshold" in message and "1.2" in message
    assert "from 0.5 to 1" in message


def test_wrong_type_and_bad_choice_are_rejected(write_scenario) -> None:
    with pytest.raises(ScenarioError, match="true or false"):
        load_scenario(write_scenario('[practices]\ninterest_matching = "yes"\n'))
    with pytest.raises(ScenarioError, match="one of 'lockstep', 'flexible'"):
        load_scenario(write_scenario('[pacing]\nmode = "fast"\n'))
    with pytest.raises(ScenarioError, match="an integer"):
        load_scenario(write_scenario('[institution]\nn_students = 20.5\n'))


def test_broken_toml_and_missing_files_are_clear_errors(write_scenario) -> None:
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(write_scenario('[pacing\nmode = 1\n'))
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario("no_such_scenario")
    with pytest.raises(ScenarioError, match="did you mean 'coaching_only'"):
        load_scenario("coaching_onyl")


def test_extends_cycle_is_reported(write_scenario) -> None:
    write_scenario('extends = "b"\n', "a.toml")
    path = write_scenario('extends = "a"\n', "b.toml")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(path)


def test_coaching_without_coaches_is_impossible(write_scenario) -> None:
    path = write_scenario('[training]\ncoaching_hours = 30\ncoaches_per_teacher = 0\n')
    with pytest.raises(ScenarioError, match="coaching needs coaches"):
        load_scenario(path)


def test_budget_below_the_policies_cost_is_an_error(write_scenario) -> None:
    path = write_scenario('[resources]\nclass_size = 25\n')
    with pytest.raises(ScenarioError, match=r"cost 1200 per student.*budget_per_student = 300"):
        load_scenario(path)


def test_thin_coaching_capacity_is_a_warning_carried_with_the_scenario(write_scenario) -> None:
    path = write_scenario('[training]\ncoaching_hours = 80\ncoaches_per_teacher = 0.1\n')
    scenario = load_scenario(path)
    assert any("exceeds coach capacity" in w for w in scenario.warnings)


def test_cli_validate_reports_one_line_and_exit_code_2(write_scenario, capsys) -> None:
    path = write_scenario('[pacing]\nmastery_threshold = 1.2\n')
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("plsim: error:") and "Traceback" not in err[0]
    assert main(["validate", "coaching_only"]) == 0


def test_cli_lists_bundled_scenarios(capsys) -> None:
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in bundled_names():
        assert name in out


def test_parameter_docs_are_generated_from_the_current_registry() -> None:
    assert docs_main(["--check"]) == 0, "docs/parameters.md is stale: run `make docs`"


def test_unreachable_survey_target_is_reported_by_validation(write_scenario) -> None:
    # each value is inside its range; together (much item noise, a small SD) they are unreachable
    path = write_scenario('[survey]\nitem_noise_sd = 0.6\n'
                          '[teachers]\ndesign_digital_age_learning_sd = 0.6\n')
    with pytest.raises(ScenarioError, match=r"design_digital_age_learning.*smallest reachable SD"):
        load_scenario(path)
