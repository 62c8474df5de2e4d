"""Sensitivity analysis against functions with known indices, plus noise, with nothing dropped.

The outputs are synthetic (``y = 4 u1 + 2 u2 + 0 u3 + noise`` on the unit samples of a real spec's
design) so the exact answers are known: first- and total-order Sobol indices 0.8, 0.2, 0; Morris
mu* 4, 2, 0; noise variance of a replicate mean sigma^2 / R.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.sensitivity import analyze_results, noise_decomposition
from experiments.design.spec import load_spec
from experiments.running.executors import InProcessExecutor
from experiments.running.runner import _manifest, plan_experiment
from experiments.storage.experiment_store import IncompleteResultsError, Results
from simulation.errors import UserError

WEIGHTS = np.array([4.0, 2.0, 0.0])


def synthetic(tmp_path: Path, design: str, replicates: int, noise_sd: float,
              groups: bool = False) -> Results:
    """A real spec's design and run table, with outputs from a known linear function."""
    group = '\ngroup = "pair"' if groups else ""
    text = f"""
name = "synthetic"
root_seed = 99
replicates = {replicates}
weeks = 2
[overrides]
"institution.n_students" = 100
[design]
{design}
[[factors]]
name = "learning.platform_effect"{group}
[[factors]]
name = "learning.feedback_effect"{group}
[[factors]]
name = "learning.peer_tutoring_effect"
[outputs]
scalars = ["achievement_mean", "engagement_mean"]
"""
    path = tmp_path / "synthetic.toml"
    path.write_text(text, encoding="utf-8")
    plan = plan_experiment(load_spec(path))
    unit = plan.runs[[c for c in plan.runs.columns if c.startswith("u:")]].to_numpy()
    rng = np.random.default_rng(1234)
    runs = plan.runs[["run_id", "point", "replicate"]].copy()
    runs["attempt"] = 1
    runs["status"] = "ok"
    runs["error"] = ""
    runs["achievement_mean"] = unit @ WEIGHTS + rng.normal(0.0, noise_sd, len(runs))
    runs["engagement_mean"] = 0.5  # an output that never varies
    return Results(path=tmp_path, manifest=_manifest(plan, InProcessExecutor()),
                   design=plan.runs, runs=runs, timeseries=pd.DataFrame())


def test_noise_decomposition_matches_its_definition() -> None:
    values = np.array([[1.0, 3.0], [2.0, 2.0], [5.0, 7.0]])
    d = noise_decomposition(values)
    means = values.mean(axis=1)
    s2 = np.mean([2.0, 0.0, 2.0]) / 2
    assert d["variance"] == pytest.approx(means.var(ddof=1))
    assert d["noise_variance"] == pytest.approx(s2)
    assert d["noise_share"] == pytest.approx(s2 / means.var(ddof=1))
    assert np.isnan(noise_decomposition(values[:, :1])["noise_share"])


def test_sobol_recovers_known_indices_and_corrects_for_noise(tmp_path: Path) -> None:
    results = synthetic(tmp_path, 'method = "sobol"\nn = 2048', replicates=2, noise_sd=1.0)
    report = analyze_results(results, outcomes=["achievement_mean"], convergence=False)
    table = report.indices.set_index("factor")
    noise = report.noise.set_index("outcome").loc["achievement_mean"]
    signal = (WEIGHTS ** 2).sum() / 12
    expected_share = 0.5 / (signal + 0.5)  # s2 = sigma^2 / R = 0.5
    assert noise["noise_share"] == pytest.approx(expected_share, abs=0.04)
    true = WEIGHTS ** 2 / (WEIGHTS ** 2).sum()
    np.testing.assert_allclose(table["S1_corrected"], true, atol=0.05)
    np.testing.assert_allclose(table["ST_corrected"], true, atol=0.05)
    # and the 95 % intervals cover the true values
    assert (abs(table["ST_corrected"] - true) <= table["ST_corrected_conf"]).all()
    # uncorrected: first order shrinks, and the inert factor gets a total order of about s2 / V
    assert table.loc["learning.platform_effect", "S1"] < 0.8 * (1 - expected_share) + 0.08
    assert table.loc["learning.peer_tutoring_effect", "ST"] == pytest.approx(expected_share,
                                                                             abs=0.05)
    assert (table["ST_conf"] > 0).all()
    assert report.ranking("achievement_mean")["factor"].iloc[0] == "learning.platform_effect"


def test_bootstrap_intervals_are_seeded(tmp_path: Path) -> None:
    results = synthetic(tmp_path, 'method = "sobol"\nn = 64', replicates=2, noise_sd=0.5)
    a = analyze_results(results, outcomes=["achievement_mean"], convergence=False)
    b = analyze_results(results, outcomes=["achievement_mean"], convergence=False)
    c = analyze_results(results, outcomes=["achievement_mean"], convergence=False, seed=7)
    pd.testing.assert_frame_equal(a.indices, b.indices)
    assert not np.allclose(a.indices["ST_conf"], c.indices["ST_conf"])
    assert a.settings["resamples"] >= 1000
    with pytest.raises(UserError, match="at least 1000"):
        analyze_results(results, resamples=200)


def test_convergence_uses_nested_power_of_two_prefixes(tmp_path: Path) -> None:
    results = synthetic(tmp_path, 'method = "sobol"\nn = 128', replicates=2, noise_sd=0.3)
    report = analyze_results(results, outcomes=["achievement_mean"])
    conv = report.convergence
    assert sorted(conv["n"].unique()) == [8, 16, 32, 64, 128]
    assert sorted(conv["runs"].unique()) == [n * 5 * 2 for n in (8, 16, 32, 64, 128)]
    full = conv[conv["n"] == 128].set_index("factor")
    main = report.indices.set_index("factor")
    np.testing.assert_allclose(full["ST"], main["ST"])
    widths = conv.groupby("n")["ST_conf"].mean()
    assert widths.loc[128] < widths.loc[8]  # intervals shrink as the design grows


def test_constant_outputs_are_reported_not_dropped(tmp_path: Path) -> None:
    results = synthetic(tmp_path, 'method = "sobol"\nn = 16', replicates=2, noise_sd=0.1)
    report = analyze_results(results, convergence=False)
    flat = report.indices[report.indices["outcome"] == "engagement_mean"]
    assert len(flat) == 3 and flat["ST"].isna().all()
    note = report.noise.set_index("outcome").loc["engagement_mean", "note"]
    assert "does not vary" in note


def test_morris_mu_star_equals_the_slopes_and_groups_are_reported(tmp_path: Path) -> None:
    results = synthetic(tmp_path, 'method = "morris"\nn = 20\nlevels = 4', replicates=1,
                        noise_sd=0.0)
    table = analyze_results(results, outcomes=["achievement_mean"]).indices.set_index("factor")
    np.testing.assert_allclose(table["mu_star"], WEIGHTS, atol=1e-9)
    np.testing.assert_allclose(table["sigma"], 0.0, atol=1e-9)
    grouped = synthetic(tmp_path, 'method = "morris"\nn = 20\nlevels = 4', replicates=2,
                        noise_sd=0.0, groups=True)
    table = analyze_results(grouped, outcomes=["achievement_mean"]).indices
    assert table["factor"].tolist() == ["pair", "learning.peer_tutoring_effect"]
    assert table["members"].iloc[0] == "learning.platform_effect, learning.feedback_effect"
    assert table["mu_star"].iloc[0] > 2.0 and table["mu_star"].iloc[1] == pytest.approx(0.0)


def test_efast_recovers_known_first_order_indices(tmp_path: Path) -> None:
    results = synthetic(tmp_path, 'method = "efast"\nn = 257', replicates=2, noise_sd=0.0)
    table = analyze_results(results, outcomes=["achievement_mean"]).indices.set_index("factor")
    np.testing.assert_allclose(table["S1"], WEIGHTS ** 2 / (WEIGHTS ** 2).sum(), atol=0.03)
    assert (table["S1_conf"] >= 0).all() and np.isfinite(table["ST_conf"]).all()


def test_incomplete_results_are_refused_with_the_missing_runs_and_the_fix(tmp_path: Path) -> None:
    results = synthetic(tmp_path, 'method = "sobol"\nn = 8', replicates=2, noise_sd=0.1)
    results.runs = results.runs[~results.runs["run_id"].isin([7, 8, 9])]
    failed = results.runs["run_id"] == 20
    results.runs.loc[failed, "status"] = "failed"
    results.runs.loc[failed, "error"] = "ValueError: boom"
    results.runs.loc[failed, "achievement_mean"] = np.nan
    with pytest.raises(IncompleteResultsError) as info:
        analyze_results(results)
    message = str(info.value)
    assert "3 of 80 runs have no result (run ids 7-9)" in message
    assert "1 failed (run ids 20; first error: ValueError: boom)" in message
    assert "re-running failed runs" in message and info.value.request.retry_failed


def test_second_order_indices_of_an_additive_function_are_near_zero(tmp_path: Path) -> None:
    results = synthetic(tmp_path, 'method = "sobol"\nn = 256\nsecond_order = true',
                        replicates=2, noise_sd=0.0)
    report = analyze_results(results, outcomes=["achievement_mean"], convergence=False)
    pairs = report.second_order
    assert len(pairs) == 3 and set(pairs.columns) >= {"factor_1", "factor_2", "S2", "S2_conf"}
    np.testing.assert_allclose(pairs["S2"], 0.0, atol=0.05)
    table = report.indices.set_index("factor")
    np.testing.assert_allclose(table["ST"], WEIGHTS ** 2 / (WEIGHTS ** 2).sum(), atol=0.05)


def test_efast_and_morris_figures(tmp_path: Path) -> None:
    from experiments.reporting.sensitivity_figures import write_figures

    for design, expected in (('method = "efast"\nn = 65', "efast_achievement_mean.png"),
                             ('method = "morris"\nn = 6', "morris_achievement_mean.png")):
        results = synthetic(tmp_path, design, replicates=2, noise_sd=0.1)
        report = analyze_results(results)
        names = {p.name for p in write_figures(report, results, tmp_path / "fig")}
        assert expected in names and "distributions.png" in names
        assert not any("engagement_mean" in n for n in names)  # constant: no index figure
