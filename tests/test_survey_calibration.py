"""The baseline's synthetic survey reproduces the seed study's Tables 1-3 at week 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation import PersonalizedLearningModel, load_scenario
from simulation.calibration import CalibrationError, location_spread
from simulation.parameters import REGISTRY
from simulation.survey import interpret, response_probabilities, sample_responses
from tests.conftest import ROOT

PUBLISHED = pd.read_csv(ROOT / "simulation" / "data" / "ding2024_survey_tables.csv")


@pytest.fixture(scope="module")
def week0_survey() -> pd.DataFrame:
    model = PersonalizedLearningModel(scenario="baseline_guangdong_2024", seed=11)
    table = model.survey()
    model.release()
    return table


def test_project_copy_of_published_tables_matches_the_shared_data() -> None:
    shared = ROOT.parent / "shared" / "data" / "ding2024_survey_tables.csv"
    if not shared.exists():
        pytest.skip("shared data folder not beside the project")
    pd.testing.assert_frame_equal(PUBLISHED, pd.read_csv(shared))


@pytest.mark.parametrize("row", PUBLISHED.to_dict(orient="records"),
                         ids=lambda r: f"{r['group']}-{r['factor_id']}")
def test_week0_survey_reproduces_every_published_row(week0_survey: pd.DataFrame, row) -> None:
    got = week0_survey[(week0_survey.group == row["group"])
                       & (week0_survey.factor_id == row["factor_id"])]
    assert len(got) == 1
    got = got.iloc[0]
    assert abs(got["mean"] - row["mean"]) <= 0.03
    assert abs(got["sd"] - row["sd"]) <= 0.05
    assert got["interpretation"] == row["interpretation"]


def test_registry_survey_targets_equal_the_published_file() -> None:
    for row in PUBLISHED[PUBLISHED.factor_id != "overall"].itertuples():
        assert REGISTRY[f"{row.group}.{row.factor_id}_mean"].default == row.mean
        assert REGISTRY[f"{row.group}.{row.factor_id}_sd"].default == row.sd


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_calibration_holds_for_any_seed_and_small_groups(seed: int) -> None:
    scenario = load_scenario("baseline_guangdong_2024", {
        "institution.n_students": 120, "resources.class_size": 40,
        "institution.n_administrators": 2})
    model = PersonalizedLearningModel(scenario=scenario, seed=seed)
    table = model.survey().merge(PUBLISHED, on=["group", "factor_id"], suffixes=("", "_paper"))
    model.release()
    assert (table["mean"] - table["mean_paper"]).abs().max() <= 0.03
    assert (table["sd"] - table["sd_paper"]).abs().max() <= 0.05


def test_interpretation_bands_follow_the_paper() -> None:
    assert interpret("students", 3.50) == "Great Extent"
    assert interpret("students", 3.494) == "Somewhat"
    assert interpret("students", 2.50) == "Somewhat"
    assert interpret("students", 2.49) == "Very Little"
    assert interpret("students", 1.49) == "Not at All"
    assert interpret("teachers", 2.85) == "Moderately Prepared"
    assert interpret("administrators", 3.6) == "Highly Prepared"
    assert interpret("teachers", 1.2) == "Not Prepared"


def test_response_probabilities_sum_to_one_and_rise_with_the_latent_level() -> None:
    p = response_probabilities(np.array([1.0, 2.5, 4.0]), 0.5)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    expected = p @ np.arange(1, 5)
    assert expected[0] < expected[1] < expected[2]


def test_sampled_item_responses_agree_with_the_exact_distribution() -> None:
    rng = np.random.default_rng(5)
    latent = rng.normal(2.9, 0.6, 4000)
    answers = sample_responses(latent, 5, 0.5, rng)
    assert answers.min() >= 1 and answers.max() <= 4
    exact = (response_probabilities(latent, 0.5).mean(axis=0) @ np.arange(1, 5))
    assert abs(answers.mean() - exact) < 0.02


def test_unreachable_survey_sd_is_a_clear_calibration_error() -> None:
    with pytest.raises(CalibrationError, match="smallest reachable SD"):
        location_spread(50, 2.9, 0.35, 0.5, "teachers.design_digital_age_learning")
