"""The model against the evidence base: every finding expressed, effects paired, verdicts plain.

Checks the expression of each row (scenario pairs load and differ only where the row says), that
the row effect is the paired effect of the project's comparison engine, and the verdict rules
(kappa interval, tolerance sqrt(se^2 + tau^2), sign rows).
"""

from __future__ import annotations

import math

import pytest

from experiments.calibration.evidence_model import (
    MEASURES,
    SCENARIO_DIR,
    TAU,
    evaluate,
    findings,
    row_effect,
    scenario_pair,
    verdict,
)
from experiments.comparison.paired import compare

FINDINGS = findings()


def test_every_finding_has_an_expression_with_a_known_measure() -> None:
    assert len(FINDINGS) == 53
    assert {f.measure for f in FINDINGS} <= set(MEASURES)
    for f in FINDINGS:
        assert (SCENARIO_DIR / f"{f.control}.toml").exists(), f.id
        if f.treatment is not None:
            assert (SCENARIO_DIR / f"{f.treatment}.toml").exists(), f.id
        else:
            assert f.measure == "growth" or f.measure.startswith("corr_"), f.id


def test_every_scenario_pair_loads_small_and_differs_in_the_treatment() -> None:
    for f in FINDINGS:
        control, treatment = scenario_pair(f)
        assert control.values["institution"]["n_students"] <= 1000, f.id
        assert f.weeks <= 36 * int(control.values["institution"]["years"]), f.id
        if treatment is not None:
            differing = {k for k, v in treatment.flat().items() if control.flat()[k] != v}
            assert differing, f"{f.id}: treatment equals control"
            assert "institution.n_students" not in differing, f.id


def test_row_effect_equals_the_comparison_engines_paired_effect() -> None:
    (f,) = findings(["kraft2018_coaching_achievement"])
    control, treatment = scenario_pair(f)
    assert treatment is not None
    ours = row_effect(f, replicates=3, seed=7)
    engine = compare(control, [treatment], replicates=3, weeks=f.weeks, seed=7, worlds="fixed")
    estimate = engine.rows[0]["achievement_effect_sd"]["estimate"]
    assert ours.mean() == pytest.approx(estimate, abs=1e-12)


def test_researcher_test_rows_target_an_interval_over_kappa_2_to_4() -> None:
    (f,) = findings(["vanlehn2011_its"])
    low, high = f.target()
    assert (low, high) == pytest.approx((0.76 / 4, 0.76 / 2))
    assert f.tolerance() == pytest.approx(math.sqrt((0.10 / 3) ** 2 + TAU ** 2))
    assert verdict(f, high + 0.99 * f.tolerance(), 0.0)[1]
    assert not verdict(f, high + 1.01 * f.tolerance(), 0.0)[1]
    assert not verdict(f, low - 1.01 * f.tolerance(), 0.0)[1]


def test_sign_rows_need_the_published_direction_beyond_model_noise() -> None:
    (minus,) = findings(["xu2014_online_low_gpa"])
    assert minus.is_sign and minus.sign == -1
    assert verdict(minus, -0.05, 0.01)[1]
    assert not verdict(minus, -0.05, 0.03)[1]
    assert not verdict(minus, 0.05, 0.0)[1]
    (zero,) = findings(["bettinger2017_online_high_gpa"])
    assert verdict(zero, 0.09, 0.0)[1] and not verdict(zero, -0.11, 0.0)[1]
    (grades,) = findings(["xu2014_online_gap"])  # grade points: no SD conversion, sign only
    assert grades.is_sign and grades.sign == -1


def test_evaluate_reports_each_requested_row_with_a_verdict() -> None:
    table = evaluate(["rogowsky2015_style_matching", "wong2024_engagement_achievement"],
                     replicates=2)
    assert list(table["id"]) == ["rogowsky2015_style_matching", "wong2024_engagement_achievement"]
    style = table.iloc[0]
    assert style["model"] == 0.0 and bool(style["holds"])  # the switch's effect defaults to 0
    corr = table.iloc[1]
    assert -1.0 < corr["model"] < 1.0 and corr["kind"] == "magnitude"
