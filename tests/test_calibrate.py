"""`plsim calibrate`: an institution's survey becomes a baseline that reproduces it at week 0."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.calibration.calibrate import MEAN_TOLERANCE, SD_TOLERANCE, calibrate
from experiments.calibration.survey_file import SurveyFileError, read_survey
from interfaces.cli import main
from simulation import api
from simulation.costs import annual_costs, staffing
from simulation.parameters import GROUP_FACTORS, REGISTRY
from simulation.scenario import load_scenario
from tests.conftest import ROOT

ITEMS = ROOT / "docs" / "templates" / "survey_items_template.csv"
SUMMARY = ROOT / "docs" / "templates" / "survey_summary_template.csv"
PUBLISHED = ROOT / "simulation" / "data" / "ding2024_survey_tables.csv"
HEADER = "group,factor_id,mean,sd,n\n"


def pooled_item_statistics(path: Path) -> pd.DataFrame:
    """Mean and sample SD of all answers per group and factor, computed independently."""
    wide = pd.read_csv(path)
    long = wide.drop(columns="respondent_id").melt(id_vars="group", var_name="item",
                                                   value_name="answer").dropna()
    long["factor_id"] = long["item"].str.replace(r"_\d+$", "", regex=True)
    stats = long.groupby(["group", "factor_id"])["answer"].agg(["mean", "std"])
    return stats.rename(columns={"std": "sd"}).reset_index()


def week0_survey(path: Path) -> pd.DataFrame:
    return api.survey(load_scenario(path), week=0, seed=7).set_index(["group", "factor_id"])


def test_item_template_scenario_reproduces_the_survey_within_tolerance(tmp_path, capsys) -> None:
    out = tmp_path / "scenarios" / "riverside.toml"
    assert main(["calibrate", "--survey", str(ITEMS), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "technology_operations" in printed and str(out) in printed
    expected = pooled_item_statistics(ITEMS)
    assert len(expected) == 15
    got = week0_survey(out)  # a different seed from the checking model: still exact
    for row in expected.itertuples():
        assert abs(got.loc[(row.group, row.factor_id), "mean"] - row.mean) <= MEAN_TOLERANCE
        assert abs(got.loc[(row.group, row.factor_id), "sd"] - row.sd) <= SD_TOLERANCE


def test_scenario_extends_the_baseline_and_holds_only_aggregates(tmp_path) -> None:
    out = tmp_path / "riverside.toml"
    assert main(["calibrate", "--survey", str(ITEMS), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["extends"] == "baseline_guangdong_2024"
    numbers = {f"{s}.{k}": v for s, kv in data.items() if isinstance(kv, dict)
               for k, v in kv.items()}
    assert set(numbers) == {f"{g}.{f}_{stat}" for g, fs in GROUP_FACTORS.items() for f in fs
                            for stat in ("mean", "sd")}
    assert "R001" not in text and "respondent_id" not in text
    assert not re.search(r"_\d+\s*=", text), "an item column reached the scenario"
    answers = pd.read_csv(ITEMS).drop(columns=["respondent_id", "group"]).to_numpy()
    assert len(numbers) < answers.size / 50  # 30 aggregates from thousands of answers


def test_summary_template_gives_the_item_template_targets(tmp_path) -> None:
    from_items = calibrate(ITEMS).scenario
    from_summary = calibrate(SUMMARY).scenario
    for group, factors in GROUP_FACTORS.items():
        for factor in factors:
            for stat in ("mean", "sd"):
                name = f"{group}.{factor}_{stat}"
                assert abs(from_items.get(name) - from_summary.get(name)) <= 0.005, name


def test_published_tables_as_summary_change_nothing_from_the_baseline() -> None:
    result = calibrate(PUBLISHED)
    assert result.scenario.flat() == result.base.flat()
    assert result.ok and result.check["mean_error"].abs().max() < 1e-6


def test_missing_group_keeps_baseline_values_with_a_note(tmp_path) -> None:
    path = tmp_path / "students_only.csv"
    path.write_text(HEADER + "students,creativity_innovation,2.5,0.8,120\n"
                    "Students,technology_operations,3.4,0.7,118\n", encoding="utf-8")
    result = calibrate(path)
    assert result.scenario.get("students.creativity_innovation_mean") == 2.5
    assert result.scenario.get("students.technology_operations_mean") == 3.4
    for name in ("teachers.design_digital_age_learning_mean",
                 "administrators.systemic_improvement_sd", "students.digital_citizenship_mean"):
        assert result.scenario.get(name) == REGISTRY[name].default
    notes = " ".join(result.notes)
    assert "teachers: not in the file" in notes and "administrators: not in the file" in notes
    assert "digital_citizenship" in notes
    kept = result.check[result.check["source"] == "base"]
    assert len(kept) == 13 and kept["ok"].all()


def test_institution_sizes_set_students_class_size_and_administrators(tmp_path) -> None:
    result = calibrate(SUMMARY, n_students=6000, n_teachers=150, n_administrators=8)
    sc = result.scenario
    assert sc.get("institution.n_students") == 6000
    assert sc.get("resources.class_size") == 40 == sc.get("resources.funded_class_size")
    assert staffing(sc.values)[1] == 150
    assert sc.get("institution.n_administrators") == 8
    assert result.ok
    assert annual_costs(sc.values)["total_per_student"] == pytest.approx(
        annual_costs(result.base.values)["total_per_student"])


def test_refuses_to_overwrite_without_force_and_force_spares_a_users_own_file(
        tmp_path, capsys) -> None:
    out = tmp_path / "mine.toml"
    out.write_text("# precious\n", encoding="utf-8")
    assert main(["calibrate", "--survey", str(SUMMARY), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "# precious\n"
    # --force replaces only a scenario plsim calibrate wrote, never the user's own file
    assert main(["calibrate", "--survey", str(SUMMARY), "--out", str(out), "--force"]) == 2
    assert "not a scenario written by plsim calibrate" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "# precious\n"
    calibrated = tmp_path / "calibrated.toml"
    assert main(["calibrate", "--survey", str(SUMMARY), "--out", str(calibrated)]) == 0
    calibrated.write_text(calibrated.read_text(encoding="utf-8") + "# edited\n",
                          encoding="utf-8")
    assert main(["calibrate", "--survey", str(SUMMARY), "--out", str(calibrated),
                 "--force"]) == 0
    assert "# edited" not in calibrated.read_text(encoding="utf-8")
    assert load_scenario(calibrated).get("teachers.design_digital_age_learning_mean") == 2.25


def test_unreachable_sd_suggests_an_item_noise_that_works(tmp_path, capsys) -> None:
    path = tmp_path / "tight.csv"
    path.write_text(HEADER + "students,creativity_innovation,3.0,0.5,300\n", encoding="utf-8")
    out = tmp_path / "tight.toml"
    assert main(["calibrate", "--survey", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "creativity_innovation" in err
    noise = float(re.search(r"--item-noise ([0-9.]+)", err).group(1))
    assert noise < 0.5
    assert main(["calibrate", "--survey", str(path), "--out", str(out),
                 "--item-noise", str(noise)]) == 0
    got = week0_survey(out).loc[("students", "creativity_innovation")]
    assert abs(got["sd"] - 0.5) <= SD_TOLERANCE and abs(got["mean"] - 3.0) <= MEAN_TOLERANCE


def test_semicolons_decimal_commas_and_byte_order_mark_are_read(tmp_path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffgroup;factor_id;mean;sd;n\nteachers;model_digital_age_work;2,71;0,89;12\n"
                     .encode("utf-8"))
    (factor,) = read_survey(path).factors
    assert (factor.group, factor.factor_id, factor.mean, factor.sd, factor.respondents) == (
        "teachers", "model_digital_age_work", 2.71, 0.89, 12)


def test_item_answers_pool_into_weighted_mean_and_sample_sd(tmp_path) -> None:
    path = tmp_path / "items.csv"
    path.write_text("respondent_id,group,faculty,systemic_improvement_1,systemic_improvement_2\n"
                    "a,administrators,Law,1,4\nb,administrators,x,3,\n"
                    "c,administrators,,2,2\nd,administrators,Arts,,\n", encoding="utf-8")
    data = read_survey(path)
    (factor,) = data.factors
    answers = np.array([1, 4, 3, 2, 2])
    assert factor.mean == pytest.approx(answers.mean())
    assert factor.sd == pytest.approx(answers.std(ddof=1))
    assert (factor.respondents, factor.answers) == (3, 5)
    assert any("rows 5" in note for note in data.notes)
    assert any("ignored column(s)" in note and "faculty" in note for note in data.notes)


BAD_FILES = {
    "empty": ("", ["is empty"]),
    "header only": (HEADER, ["no data rows"]),
    "item off the scale": ("group,creativity_innovation_1,creativity_innovation_2\n"
                           "students,3,4\nstudents,5,2\n",
                           ["row 3", "column 'creativity_innovation_1'", "4-point scale"]),
    "answer is a word": ("group,creativity_innovation_1\nstudents,agree\n",
                         ["row 2", "column 'creativity_innovation_1'", "not a number"]),
    "unknown item column": ("group,creativty_innovation_1\nstudents,3\n",
                            ["row 1", "column 'creativty_innovation_1'",
                             "did you mean 'creativity_innovation_1'"]),
    "missing group column": ("creativity_innovation_1\n3\n", ["column 'group'", "missing"]),
    "empty group": ("group,creativity_innovation_1\nstudents,3\n,2\n",
                    ["row 3", "column 'group'", "empty"]),
    "unknown group": (HEADER + "parents,creativity_innovation,2.5,0.7,10\n",
                      ["row 2", "column 'group'", "unknown group 'parents'"]),
    "unknown factor": (HEADER + "students,creativity,2.5,0.7,10\n",
                       ["row 2", "column 'factor_id'", "did you mean 'creativity_innovation'"]),
    "factor of another group": (HEADER + "students,visionary_leadership,2.5,0.7,10\n",
                                ["row 2", "column 'factor_id'", "factor of administrators"]),
    "five-point mean": (HEADER + "students,creativity_innovation,2.5,0.7,10\n"
                        "teachers,model_digital_age_work,4.6,0.7,10\n",
                        ["row 3", "column 'mean'", "1-4 scale"]),
    "sd off the scale": (HEADER + "students,creativity_innovation,2.5,1.9,10\n",
                         ["row 2", "column 'sd'"]),
    "bad n": (HEADER + "students,creativity_innovation,2.5,0.7,ten\n",
              ["row 2", "column 'n'", "not a number"]),
    "duplicate factor": (HEADER + "students,creativity_innovation,2.5,0.7,10\n"
                         "students,creativity_innovation,2.6,0.7,10\n",
                         ["row 3", "rows 2 and 3"]),
    "answer to another group's item": ("group,visionary_leadership_1\nstudents,3\n",
                                       ["row 2", "column 'visionary_leadership_1'",
                                        "administrators"]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_survey_file_is_one_clear_error_naming_row_and_column(case, tmp_path, capsys) -> None:
    text, expected = BAD_FILES[case]
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "never.toml"
    assert main(["calibrate", "--survey", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plsim: error: ") and err.count("\n") == 1, err
    assert str(path) in err
    for fragment in expected:
        assert fragment in err, (fragment, err)
    assert not out.exists()
    with pytest.raises(SurveyFileError):
        read_survey(path)


def test_sizes_outside_the_model_are_refused(tmp_path, capsys) -> None:
    out = tmp_path / "x.toml"
    assert main(["calibrate", "--survey", str(SUMMARY), "--out", str(out),
                 "--students", "10"]) == 2
    assert "--students 10" in capsys.readouterr().err
    assert main(["calibrate", "--survey", str(SUMMARY), "--out", str(out),
                 "--teachers", "1000"]) == 2
    assert "classes of about 2 students" in capsys.readouterr().err
    assert main(["calibrate", "--survey", str(SUMMARY), "--out", str(tmp_path / "x.txt")]) == 2
    assert ".toml" in capsys.readouterr().err
