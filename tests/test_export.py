"""`plsim export DIR --format csv`: one tidy table per results folder, in BehaviorSpace's shape."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.storage.experiment_store import load_results
from interfaces.cli import main

SPEC = """name = "export_spec"
description = "Two levers, tiny design, for the export tests"
scenario = "baseline_guangdong_2024"
root_seed = 11
replicates = 2
weeks = 4

[overrides]
"institution.n_students" = 100
"institution.weeks_per_term" = 4

[design]
method = "grid"

[[factors]]
name = "pacing.mode"
levels = ["lockstep", "mastery"]

[[factors]]
name = "training.workshop_hours"
levels = [0.0, 30.0]

[outputs]
scalars = ["achievement_mean", "gap_access", "cost_per_student"]
timeseries = ["achievement_mean", "engagement_mean"]
weeks = [0, 2, 4]
"""
BASE = """description = "Small status quo for export tests"
extends = "baseline_guangdong_2024"

[institution]
n_students = 120
"""
ALT = """description = "Small coaching for export tests"
extends = "small_base"

[training]
coaching_hours = 40
coaches_per_teacher = 0.1
"""


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("export_experiment")
    (root / "spec.toml").write_text(SPEC, encoding="utf-8")
    out = root / "sweep"
    assert main(["sweep", str(root / "spec.toml"), "--out", str(out), "--serial",
                 "--no-progress"]) == 0
    return out


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("export_comparison")
    (root / "small_base.toml").write_text(BASE, encoding="utf-8")
    (root / "small_alt.toml").write_text(ALT, encoding="utf-8")
    out = root / "cmp"
    assert main(["compare", str(root / "small_base.toml"), str(root / "small_alt.toml"),
                 "--replicates", "2", "--weeks", "3", "--out", str(out)]) == 0
    return out


def test_experiment_table_has_one_row_per_run_and_step_with_its_parameters(experiment) -> None:
    assert main(["export", str(experiment), "--format", "csv"]) == 0
    table = pd.read_csv(experiment / "export_spec-table.csv")
    results = load_results(experiment)
    assert list(table.columns[:5]) == ["run_number", "point", "replicate", "pacing.mode",
                                       "training.workshop_hours"]
    assert table.columns[5] == "step"
    assert len(table) == len(results.design) * 3  # 8 runs x kept weeks 0, 2, 4
    assert sorted(table["run_number"].unique()) == list(range(1, len(results.design) + 1))
    design = results.design.set_index("run_id")
    first = table.drop_duplicates("run_number").set_index("run_number")
    for run_id, row in design.iterrows():
        assert first.loc[run_id + 1, "pacing.mode"] == row["pacing.mode"]
        assert first.loc[run_id + 1, "training.workshop_hours"] == row["training.workshop_hours"]


def test_experiment_metrics_equal_the_stored_series_and_final_outcomes(experiment) -> None:
    results = load_results(experiment)
    assert main(["export", str(experiment), "--out", str(experiment.parent / "t.csv")]) == 0
    table = pd.read_csv(experiment.parent / "t.csv").set_index(["run_number", "step"])
    series = results.timeseries
    for _, s in series.sample(20, random_state=1).iterrows():
        assert table.loc[(s["run_id"] + 1, s["week"]), s["metric"]] == pytest.approx(s["value"])
    runs = results.runs.set_index("run_id")
    final = table.xs(4, level="step")
    for run_id, r in runs.iterrows():
        assert final.loc[run_id + 1, "gap_access"] == pytest.approx(r["gap_access"])
        assert final.loc[run_id + 1, "cost_per_student"] == pytest.approx(r["cost_per_student"])
    # scalar outcomes belong to the final step only; the series fill every kept step
    assert table.xs(2, level="step")["gap_access"].isna().all()
    assert table["engagement_mean"].notna().all()


def test_comparison_table_has_a_row_per_arm_replicate_and_week(comparison) -> None:
    assert main(["export", str(comparison)]) == 0
    table = pd.read_csv(comparison / "comparison-table.csv")
    manifest = json.loads((comparison / "manifest.json").read_text())
    assert len(table) == 2 * 2 * (3 + 1)  # arms x replicates x weeks 0..3
    assert table["run_number"].nunique() == 4
    training = [c for c in table.columns if c.startswith("training.")]
    assert training == ["training.coaching_hours", "training.coaches_per_teacher"]
    assert list(table.columns).index("step") > list(table.columns).index(
        "training.coaches_per_teacher")
    by_arm = table.groupby("scenario")["training.coaching_hours"].unique()
    assert by_arm["small_base"].tolist() == [0.0] and by_arm["small_alt"].tolist() == [40.0]
    series = pd.read_parquet(comparison / "timeseries.parquet")
    merged = table.merge(series, left_on=["scenario", "replicate", "step"],
                         right_on=["scenario", "replicate", "week"], suffixes=("", "_stored"))
    assert len(merged) == len(table)
    assert np.allclose(merged["achievement_mean"], merged["achievement_mean_stored"])
    assert manifest["base"] == table.loc[table["arm"] == 0, "scenario"].iloc[0]


def test_export_to_standard_output_matches_the_file(experiment, capsys) -> None:
    capsys.readouterr()
    assert main(["export", str(experiment), "--out", "-"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith("run_number,point,replicate,pacing.mode")
    assert len(text.splitlines()) == 1 + len(load_results(experiment).design) * 3


def test_export_refuses_to_overwrite_and_bad_input(experiment, tmp_path, capsys) -> None:
    out = tmp_path / "x.csv"
    assert main(["export", str(experiment), "--out", str(out)]) == 0
    assert main(["export", str(experiment), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["export", str(experiment), "--out", str(out), "--force"]) == 0
    mine = tmp_path / "mine.csv"
    mine.write_text("name,score\nada,1\n", encoding="utf-8")
    assert main(["export", str(experiment), "--out", str(mine), "--force"]) == 2
    assert "not a table plsim exported" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8") == "name,score\nada,1\n"  # users' files untouched
    assert main(["export", str(experiment), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert ".csv" in capsys.readouterr().err
    assert main(["export", str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", str(experiment), "--format", "xlsx"])


def test_export_of_incomplete_results_is_refused_unless_asked(experiment) -> None:
    from experiments.analysis.interop import behaviorspace_table
    from experiments.storage.experiment_store import IncompleteResultsError, Results

    results = load_results(experiment)
    short = Results(path=experiment, manifest=results.manifest, design=results.design,
                    runs=results.runs[results.runs["run_id"] != 3].copy(),
                    timeseries=results.timeseries[results.timeseries["run_id"] != 3])
    with pytest.raises(IncompleteResultsError):
        behaviorspace_table(short)
    with pytest.warns(UserWarning, match="leaving out 1 run"):
        table = behaviorspace_table(short, drop_incomplete=True)
    assert 4 not in set(table["run_number"]) and len(table) == (len(results.design) - 1) * 3
