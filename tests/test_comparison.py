"""Paired comparisons: common random numbers, effects, intervals, costs, the results folder."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.comparison.paired import (
    ComparisonResult,
    compare,
    paired_interval,
    percentile_points,
    replicate_seed,
)
from experiments.storage.comparison_folder import write_comparison_folder
from simulation import api
from simulation.costs import annual_costs
from simulation.errors import UserError
from simulation.scenario import load_scenario

WEEKS = 6
REPLICATES = 3

COACHING = """
description = "Coaching for every teacher, flexible pacing"
extends = "baseline_guangdong_2024"
[training]
coaching_hours = 40
coaches_per_teacher = 0.1
[pacing]
mode = "flexible"
"""

PRICEY_BASE = """
description = "Coaching at a cost, as a base"
extends = "baseline_guangdong_2024"
[training]
coaching_hours = 40
coaches_per_teacher = 0.1
"""


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scenarios")
    (folder / "coaching.toml").write_text(COACHING, encoding="utf-8")
    (folder / "pricey_base.toml").write_text(PRICEY_BASE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def result(scenario_dir: Path) -> ComparisonResult:
    """The baseline against itself and against coaching, 3 replicates of 6 weeks."""
    return compare("baseline_guangdong_2024",
                   ["baseline_guangdong_2024", str(scenario_dir / "coaching.toml")],
                   replicates=REPLICATES, weeks=WEEKS, seed=11)


def test_scenario_compared_with_itself_has_exactly_zero_effect_and_zero_width_interval(
        result: ComparisonResult) -> None:
    row = result.rows[0]
    assert row["scenario"] == "baseline_guangdong_2024 (2)"
    assert row["achievement_effect_sd"] == {"estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0}
    assert row["percentile_points"] == 0.0
    for key in ("engagement_change", "gap_bottom_top_change_sd", "gap_access_change_sd",
                "teacher_preparedness_change"):
        assert row[key] == 0.0
        assert row["intervals"][key] == {"ci_low": 0.0, "ci_high": 0.0}
    assert row["effect_sd_per_1000_per_student"] is None
    assert any("costs the same" in w for w in row["warnings"])


def test_effect_is_mean_paired_final_difference_with_t_interval_from_independent_runs(
        result: ComparisonResult, scenario_dir: Path) -> None:
    coaching = load_scenario(scenario_dir / "coaching.toml")
    pairs = result.pairs[result.pairs["alternative"] == result.labels[2]]
    params = [c for c in pairs.columns if "." in c]
    assert params, "the comparison runs over plausible worlds by default"
    diffs = []
    for r in range(REPLICATES):
        world = pairs[pairs["replicate"] == r][params].iloc[0].to_dict()
        base = api.run(load_scenario("baseline_guangdong_2024").with_overrides(world),
                       weeks=WEEKS, snapshots=False,
                       rng=np.random.SeedSequence(11, spawn_key=(r,)))
        alt = api.run(coaching.with_overrides(world), weeks=WEEKS, snapshots=False,
                      rng=np.random.SeedSequence(11, spawn_key=(r,)))
        diffs.append(alt.final["achievement_mean"] - base.final["achievement_mean"])
    low, high = stats.t.interval(0.95, REPLICATES - 1, loc=np.mean(diffs),
                                 scale=stats.sem(diffs))
    effect = result.rows[1]["achievement_effect_sd"]
    assert effect["estimate"] == pytest.approx(np.mean(diffs), abs=1e-12)
    assert effect["ci_low"] == pytest.approx(low, abs=1e-12)
    assert effect["ci_high"] == pytest.approx(high, abs=1e-12)
    assert effect["ci_low"] < effect["estimate"] < effect["ci_high"]
    assert result.rows[1]["percentile_points"] == pytest.approx(
        100 * (stats.norm.cdf(np.mean(diffs)) - 0.5))


def test_replicates_share_populations_across_scenarios_and_differ_between_replicates(
        result: ComparisonResult) -> None:
    start = result.timeseries[result.timeseries["week"] == 0].set_index(["arm", "replicate"])
    for r in range(REPLICATES):
        for arm in (1, 2):
            assert start.loc[(arm, r), "gap_bottom_top"] == start.loc[(0, r), "gap_bottom_top"]
    gaps = [start.loc[(0, r), "gap_bottom_top"] for r in range(REPLICATES)]
    assert len(set(gaps)) == REPLICATES


def test_paired_differences_are_tighter_than_unpaired_level_noise(
        result: ComparisonResult) -> None:
    last = result.timeseries[result.timeseries["week"] == WEEKS]
    base = last[last["arm"] == 0].sort_values("replicate")["gap_access"].to_numpy()
    alt = last[last["arm"] == 2].sort_values("replicate")["gap_access"].to_numpy()
    assert np.std(alt - base) < np.std(base)


def test_cost_and_effect_per_1000_follow_the_annual_cost_difference(
        result: ComparisonResult, scenario_dir: Path) -> None:
    row = result.rows[1]
    cost = annual_costs(load_scenario(scenario_dir / "coaching.toml").values)
    assert cost["total_per_student"] > 0
    assert row["cost_per_student"] == cost["total_per_student"]
    assert row["cost_difference_per_student"] == cost["total_per_student"]
    expected = row["achievement_effect_sd"]["estimate"] / (cost["total_per_student"] / 1000)
    assert row["effect_sd_per_1000_per_student"] == pytest.approx(expected)
    assert row["realized_cost_per_student"] == pytest.approx(cost["total_per_student"])


def test_cheaper_alternative_reverses_the_per_1000_interval_and_warns(scenario_dir: Path) -> None:
    res = compare(str(scenario_dir / "pricey_base.toml"), ["baseline_guangdong_2024"],
                  replicates=2, weeks=3)
    row = res.rows[0]
    assert row["cost_difference_per_student"] < 0
    interval = row["intervals"]["effect_sd_per_1000_per_student"]
    assert interval["ci_low"] <= row["effect_sd_per_1000_per_student"] <= interval["ci_high"]
    assert any("less than the base" in w for w in row["warnings"])
    assert "(cheaper)" in res.table().iloc[0]["SD per 1,000"]


def test_workers_two_gives_the_same_results_as_one(result: ComparisonResult,
                                                   scenario_dir: Path) -> None:
    parallel = compare("baseline_guangdong_2024",
                       ["baseline_guangdong_2024", str(scenario_dir / "coaching.toml")],
                       replicates=REPLICATES, weeks=WEEKS, seed=11, workers=2)
    assert parallel.rows == result.rows
    pd.testing.assert_frame_equal(parallel.timeseries, result.timeseries)
    pd.testing.assert_frame_equal(parallel.survey, result.survey)


def test_different_root_seed_changes_the_replicates(result: ComparisonResult) -> None:
    other = compare("baseline_guangdong_2024", ["baseline_guangdong_2024"], replicates=1,
                    weeks=1, seed=12)
    mine = result.timeseries[(result.timeseries["arm"] == 0)
                             & (result.timeseries["replicate"] == 0)
                             & (result.timeseries["week"] == 0)]
    theirs = other.timeseries[(other.timeseries["arm"] == 0) & (other.timeseries["week"] == 0)]
    assert mine["gap_bottom_top"].item() != theirs["gap_bottom_top"].item()


def test_replicate_seed_is_the_documented_seed_sequence() -> None:
    seq = replicate_seed(5, 3)
    assert seq.entropy == 5 and seq.spawn_key == (3,)


def test_one_replicate_gives_no_interval_and_says_so() -> None:
    res = compare("baseline_guangdong_2024", ["baseline_guangdong_2024"], replicates=1, weeks=2)
    effect = res.rows[0]["achievement_effect_sd"]
    assert effect["ci_low"] is None and effect["ci_high"] is None
    assert any("one replicate" in w for w in res.rows[0]["warnings"])
    assert "no CI" in res.table().iloc[0]["effect SD [95% CI]"]


def test_percentile_points_is_the_normal_cdf_shift() -> None:
    assert percentile_points(0.0) == 0.0
    assert percentile_points(0.79) == pytest.approx(28.52, abs=0.01)
    assert percentile_points(-0.5) == pytest.approx(-percentile_points(0.5))
    assert percentile_points(None) is None


def test_paired_interval_of_constant_differences_has_zero_width() -> None:
    assert paired_interval(np.full(4, 0.25)) == pytest.approx(
        {"estimate": 0.25, "ci_low": 0.25, "ci_high": 0.25})
    wide = paired_interval(np.array([0.0, 1.0]))
    assert wide["ci_high"] - wide["ci_low"] == pytest.approx(
        2 * stats.t.ppf(0.975, 1) * math.sqrt(0.5) / math.sqrt(2))


def test_rows_carry_the_issue_json_keys_and_are_json_serializable(
        result: ComparisonResult) -> None:
    required = {"scenario", "achievement_effect_sd", "percentile_points", "engagement_change",
                "gap_bottom_top_change_sd", "cost_per_student", "effect_sd_per_1000_per_student",
                "gap_access_change_sd", "teacher_preparedness_change", "adoption",
                "burnout_share", "warnings", "replicates"}
    payload = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert list(payload) == ["comparisons"]
    for row in payload["comparisons"]:
        assert required <= set(row)
        assert set(row["achievement_effect_sd"]) == {"estimate", "ci_low", "ci_high"}
        assert row["replicates"] == REPLICATES


def test_differing_settings_lists_exactly_the_changed_parameters(
        result: ComparisonResult) -> None:
    assert result.differing_settings(0) == []
    assert result.differing_settings("coaching") == [
        ("pacing.mode", "lockstep", "flexible"),
        ("training.coaching_hours", 0.0, 40.0),
        ("training.coaches_per_teacher", 0.0, 0.1),
    ]
    with pytest.raises(KeyError):
        result.differing_settings("nonexistent")


def test_timeseries_and_survey_cover_every_arm_replicate_and_week(
        result: ComparisonResult) -> None:
    ts = result.timeseries
    assert len(ts) == 3 * REPLICATES * (WEEKS + 1)
    assert ts.groupby(["arm", "replicate"]).size().eq(WEEKS + 1).all()
    assert not ts.isna().any().any()
    assert set(result.survey["week"]) == {0, WEEKS}
    assert result.survey.groupby(["arm", "week"]).size().eq(18).all()


def test_table_reports_undefined_effect_per_1000_at_equal_cost(result: ComparisonResult) -> None:
    table = result.table()
    assert list(table["scenario"]) == result.labels[1:]
    assert table.iloc[0]["SD per 1,000"] == "n/a (same cost)"
    assert table.iloc[0]["effect SD [95% CI]"] == "+0.000 [+0.000, +0.000]"


def test_progress_is_reported_once_per_run() -> None:
    calls: list[tuple[int, int]] = []
    compare("baseline_guangdong_2024", ["baseline_guangdong_2024"], replicates=2, weeks=1,
            progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


@pytest.mark.parametrize("kwargs, message", [
    ({"replicates": 0}, "replicates"),
    ({"workers": 0}, "workers"),
    ({"weeks": 0}, "weeks"),
    ({"seed": -1}, "seed must be a whole number of 0 or more, got -1"),
    ({"seed": 1.5}, "seed must be a whole number"),
])
def test_impossible_designs_are_user_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(UserError, match=message):
        compare("baseline_guangdong_2024", ["baseline_guangdong_2024"], **kwargs)


def test_no_alternative_is_a_user_error() -> None:
    with pytest.raises(UserError, match="at least one alternative"):
        compare("baseline_guangdong_2024", [])


@pytest.fixture(scope="module")
def folder(result: ComparisonResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_comparison_folder(result, tmp_path_factory.mktemp("out") / "cmp")


def test_comparison_folder_holds_results_manifest_and_figures(
        result: ComparisonResult, folder: Path) -> None:
    assert json.loads((folder / "comparison.json").read_text()) == json.loads(
        json.dumps(result.to_json()))
    flat = pd.read_csv(folder / "comparison.csv")
    assert list(flat["scenario"]) == result.labels[1:]
    assert flat.loc[1, "achievement_effect_sd.estimate"] == pytest.approx(
        result.rows[1]["achievement_effect_sd"]["estimate"])
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "timeseries.parquet"),
                                  result.timeseries)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["replicates"] == REPLICATES
    assert manifest["weeks"] == WEEKS
    assert manifest["scenarios"]["coaching"]["values"]["training"]["coaching_hours"] == 40
    assert manifest["scenarios"]["coaching"]["chain"] == ["baseline_guangdong_2024"]
    assert manifest["differing_settings"]["baseline_guangdong_2024 (2)"] == []
    assert manifest["environment"]["packages"]["mesa"] == "3.3.1"
    for name in manifest["files"]:
        assert (folder / name).is_file(), name
    pngs = sorted(p.name for p in (folder / "figures").glob("*.png"))
    assert pngs == sorted(["timeseries_achievement.png", "timeseries_engagement.png",
                           "timeseries_equity_gaps.png", "timeseries_teachers.png",
                           "paired_change_over_time.png", "effect_forest.png",
                           "survey_before_after.png", "cost_effect_plane.png",
                           "acceptability_curve.png"])
    for png in (folder / "figures").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_survey_before_after_sets_each_scenario_beside_the_published_tables(
        result: ComparisonResult, folder: Path) -> None:
    survey = pd.read_csv(folder / "survey_before_after.csv")
    assert len(survey) == 3 * 18
    assert survey["paper_mean"].notna().all()
    base = survey[survey["scenario"] == "baseline_guangdong_2024"]
    assert (base["before_mean"] - base["paper_mean"]).abs().max() < 0.03
    assert (base["change"] - (base["after_mean"] - base["before_mean"])).abs().max() < 1e-3
    coaching = survey[(survey["scenario"] == "coaching") & (survey["group"] == "teachers")]
    assert (coaching["change"] > 0).all()


def test_comparison_folder_refuses_a_non_empty_folder_without_force(
        result: ComparisonResult, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        write_comparison_folder(result, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    assert (tmp_path / "keep.txt").read_text() == "mine"


@pytest.mark.slow
def test_bundled_policies_against_baseline_over_a_year_have_finite_intervals() -> None:
    res = compare("baseline_guangdong_2024", ["coaching_only", "devices_only"], replicates=5,
                  workers=2)
    assert res.weeks == api.weeks_per_year(res.base)
    for row in res.rows:
        effect = row["achievement_effect_sd"]
        assert all(math.isfinite(effect[k]) for k in ("estimate", "ci_low", "ci_high"))
        assert effect["ci_low"] <= effect["estimate"] <= effect["ci_high"]
        assert row["cost_per_student"] > 0


class _Stop(Exception):
    """Raised from a progress callback to stop a comparison midway, like a kill."""


def test_an_interrupted_comparison_resumes_to_the_same_results(
        result: ComparisonResult, scenario_dir: Path, tmp_path: Path) -> None:
    arms = ["baseline_guangdong_2024", str(scenario_dir / "coaching.toml")]
    out = tmp_path / "cmp"

    def stop_after_four(done: int, total: int) -> None:
        if done == 4:
            raise _Stop

    with pytest.raises(_Stop):
        compare("baseline_guangdong_2024", arms, replicates=REPLICATES, weeks=WEEKS, seed=11,
                out=out, progress=stop_after_four)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "comparison" and manifest["sessions"][-1]["status"] == "interrupted"
    with pytest.raises(FileExistsError, match="--resume"):
        compare("baseline_guangdong_2024", arms, replicates=REPLICATES, weeks=WEEKS, seed=11,
                out=out)
    calls: list[int] = []
    resumed = compare("baseline_guangdong_2024", arms, replicates=REPLICATES, weeks=WEEKS,
                      seed=11, out=out, resume=True, progress=lambda d, t: calls.append(d))
    assert calls[0] > 1 and calls[-1] == 3 * REPLICATES  # only the missing runs ran again
    assert resumed.rows == result.rows
    pd.testing.assert_frame_equal(resumed.timeseries, result.timeseries)
    pd.testing.assert_frame_equal(resumed.survey, result.survey)
    folder = write_comparison_folder(resumed, out)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [s["status"] for s in manifest["sessions"]] == ["interrupted", "finished"]
    assert manifest["scenarios"]["coaching"]["values"]["training"]["coaching_hours"] == 40
    for name in manifest["files"]:
        assert (folder / name).is_file(), name


def test_resuming_a_different_comparison_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    compare("baseline_guangdong_2024", ["baseline_guangdong_2024"], replicates=2, weeks=1,
            out=out)
    before = sorted(p.name for p in out.rglob("*"))
    with pytest.raises(UserError, match=r"cannot resume.*seed: 1 -> 2"):
        compare("baseline_guangdong_2024", ["baseline_guangdong_2024"], replicates=2, weeks=1,
                seed=2, out=out, resume=True)
    assert sorted(p.name for p in out.rglob("*")) == before


def test_a_comparison_on_dask_gives_the_same_results(result: ComparisonResult,
                                                     scenario_dir: Path) -> None:
    on_dask = compare("baseline_guangdong_2024",
                      ["baseline_guangdong_2024", str(scenario_dir / "coaching.toml")],
                      replicates=REPLICATES, weeks=WEEKS, seed=11, workers=2, dask="local")
    assert on_dask.rows == result.rows
    pd.testing.assert_frame_equal(on_dask.timeseries, result.timeseries)
    pd.testing.assert_frame_equal(on_dask.survey, result.survey)


def test_a_huge_comparison_is_refused_with_its_estimate() -> None:
    with pytest.raises(UserError, match=r"compare: a horizon of 1,000,000 weeks is not allowed.*"
                                         "would take about"):
        compare("baseline_guangdong_2024", ["coaching_only"], replicates=2, weeks=1_000_000)
    with pytest.raises(UserError, match=r"plans 20,000,002 runs"):
        compare("baseline_guangdong_2024", ["coaching_only"], replicates=10_000_001, weeks=1)


def test_a_comparison_folder_is_not_taken_for_an_experiment(tmp_path: Path) -> None:
    from experiments.storage.experiment_store import load_results

    out = tmp_path / "cmp"
    compare("baseline_guangdong_2024", ["baseline_guangdong_2024"], replicates=1, weeks=1,
            out=out)
    with pytest.raises(UserError, match="holds a comparison of scenarios, not the results of an "
                                        "experiment design"):
        load_results(out)
