"""Results as a tidy table and as EMA Workbench input; figures; the PRIM example."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest

from experiments.analysis.interop import tidy, to_ema
from experiments.analysis.sensitivity import analyze_results
from experiments.reporting.sensitivity_figures import write_figures
from experiments.running.runner import run_experiment
from experiments.storage.experiment_store import IncompleteResultsError, Results

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    out = tmp_path_factory.mktemp("interop") / "ci_small"
    return run_experiment("ci_small", out, serial=True, progress=False)


def test_tidy_has_one_row_per_run_with_factors_and_outcomes(results: Results) -> None:
    table = tidy(results)
    assert len(table) == len(results.design) and table["run_id"].is_unique
    for column in [*results.factors, *results.scalars, "status", "point", "replicate"]:
        assert column in table
    assert set(table["pacing.mode"]) == {"lockstep", "mastery"}
    merged = table.set_index("run_id")["achievement_mean"]
    assert merged.equals(results.runs.set_index("run_id")["achievement_mean"].rename(
        "achievement_mean"))


def test_tidy_keeps_missing_and_failed_runs(results: Results) -> None:
    partial = Results(path=results.path, manifest=results.manifest, design=results.design,
                      runs=results.runs[results.runs["run_id"] != 4].copy(),
                      timeseries=results.timeseries)
    partial.runs.loc[partial.runs["run_id"] == 5, "status"] = "failed"
    table = tidy(partial)
    assert len(table) == len(results.design)
    assert table.set_index("run_id").loc[4, "status"] == "missing"
    assert np.isnan(table.set_index("run_id").loc[4, "achievement_mean"])
    assert table.set_index("run_id").loc[5, "status"] == "failed"
    with pytest.raises(IncompleteResultsError, match="run ids 4"):
        to_ema(partial)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        experiments, outcomes = to_ema(partial, drop_incomplete=True)
    assert len(experiments) == len(results.design) - 2
    assert any("leaving out 2 run(s)" in str(w.message) for w in caught)


def test_ema_layout(results: Results) -> None:
    experiments, outcomes = to_ema(results)
    n = len(results.design)
    assert list(experiments.columns) == [*results.factors, "scenario", "policy", "model"]
    assert experiments["pacing.mode"].dtype == "category"
    assert experiments["resources.adaptive_platform"].dtype == "category"
    assert experiments["training.coaching_hours"].dtype == float
    for name in results.scalars:
        assert outcomes[name].shape == (n,)
    assert outcomes["achievement_mean_series"].shape == (n, 3)
    np.testing.assert_array_equal(outcomes["TIME"][0], [0, 6, 12])
    # the series' last week is the scalar at the final week
    np.testing.assert_allclose(outcomes["achievement_mean_series"][:, -1],
                               outcomes["achievement_mean"])
    means, mean_outcomes = to_ema(results, average_replicates=True)
    assert len(means) == results.n_points
    expected = results.runs.groupby("point")["achievement_mean"].mean().to_numpy()
    np.testing.assert_allclose(mean_outcomes["achievement_mean"], expected)


def test_figures_are_written_as_png(results: Results, tmp_path: Path) -> None:
    report = analyze_results(results, outcomes=["achievement_mean", "burnout_share"])
    paths = write_figures(report, results, tmp_path)
    names = {p.name for p in paths}
    assert {"sobol_achievement_mean.png", "sobol_overview.png",
            "convergence_achievement_mean.png", "distributions.png"} <= names
    assert "sobol_burnout_share.png" not in names  # constant output: no index figure
    for path in paths:
        assert path.read_bytes()[:8] == PNG and path.stat().st_size > 5000


@pytest.mark.skipif(importlib.util.find_spec("ema_workbench") is None,
                    reason="EMA Workbench (the 'prim' extra) is not installed")
def test_prim_example_runs_on_results(results: Results, capsys: pytest.CaptureFixture) -> None:
    spec = importlib.util.spec_from_file_location(
        "prim_example", ROOT / "docs" / "examples" / "prim_scenario_discovery.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # in ci_small the pacing mode decides achievement: the mastery half holds the top quarter
    assert module.main([str(results.path), "--threshold", "0.45"]) == 0
    out = capsys.readouterr().out
    assert "PRIM box" in out and "pacing.mode" in out and "mastery" in out
    assert "policy levers in the box: pacing.mode" in out


GRID_SPEC = """name = "grid_interop"
description = "Pacing by workshop hours, for the factor plots"
scenario = "baseline_guangdong_2024"
root_seed = 3
replicates = 3
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
levels = [0.0, 20.0, 40.0]

[outputs]
scalars = ["achievement_mean", "gap_access", "cost_per_student"]
timeseries = ["achievement_mean"]
weeks = [0, 4]
"""


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> Results:
    root = tmp_path_factory.mktemp("grid")
    (root / "grid.toml").write_text(GRID_SPEC, encoding="utf-8")
    return run_experiment(root / "grid.toml", root / "grid", serial=True, progress=False)


def test_behaviorspace_table_keeps_a_series_kept_as_a_scalar_in_one_column(
        results: Results) -> None:
    from experiments.analysis.interop import behaviorspace_table

    table = behaviorspace_table(results)
    assert list(table.columns).count("achievement_mean") == 1
    last = table[table["step"] == results.manifest["weeks"]].set_index("run_number")
    runs = results.runs.set_index("run_id")
    assert np.allclose(last.loc[runs.index + 1, "achievement_mean"], runs["achievement_mean"])
    assert len(table) == len(results.design) * len(results.manifest["outputs"]["weeks"])


def test_factor_bands_average_the_other_factors_per_replicate(grid: Results) -> None:
    from experiments.reporting.factor_plots import level_bands

    bands = level_bands(grid, "achievement_mean", "training.workshop_hours").set_index(
        "training.workshop_hours")
    runs = grid.runs.set_index("run_id").loc[grid.design["run_id"]]
    design = grid.design.set_index("run_id")
    for level in (0.0, 20.0, 40.0):
        ids = design.index[design["training.workshop_hours"] == level]
        per_rep = runs.loc[ids].assign(r=design.loc[ids, "replicate"].to_numpy()).groupby("r")[
            "achievement_mean"].mean().to_numpy()
        assert bands.loc[level, "mean"] == pytest.approx(per_rep.mean())
        half = 4.302652729911275 * per_rep.std(ddof=1) / np.sqrt(3)  # t(0.975, 2)
        assert bands.loc[level, "high"] - bands.loc[level, "mean"] == pytest.approx(half)
        assert bands.loc[level, "n"] == 3


def test_analyze_of_a_grid_plots_each_outcome_against_each_factor(grid: Results,
                                                                  tmp_path: Path) -> None:
    from interfaces.cli import main

    assert main(["analyze", str(grid.path), "--out", str(tmp_path)]) == 0
    plots = sorted(p.name for p in tmp_path.glob("factor_*.png"))
    varying = [o for o in grid.scalars if np.ptp(grid.outcome_matrix(o)) > 0]
    assert plots == sorted(f"factor_{o}.png" for o in varying) and plots
    assert all((tmp_path / p).read_bytes().startswith(PNG) for p in plots)
    assert main(["report", str(grid.path), "--out", str(tmp_path / "grid.html")]) == 0
    assert "against each setting of the grid" in (tmp_path / "grid.html").read_text()


def test_factor_plots_are_for_grid_designs_only(results: Results, tmp_path: Path) -> None:
    from experiments.reporting.factor_plots import write_factor_plots

    assert results.method == "sobol"
    assert write_factor_plots(results, tmp_path) == []
