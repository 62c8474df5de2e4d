"""Comparisons over plausible worlds: intervals, the worlds/noise decomposition, resume."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments.comparison.paired import compare, draw_worlds, variance_decomposition
from simulation.errors import UserError
from simulation.scenario import load_scenario

BASE, ALT = "baseline_guangdong_2024", "coaching_only"
PARAMS = ("learning.gain_per_hour", "learning.feedback_effect")


def _ensemble(gains: list[float], feedback: list[float]) -> pd.DataFrame:
    n = len(gains)
    return pd.DataFrame({"world": range(n), "weight": [1.0 / n] * n,
                         PARAMS[0]: gains, PARAMS[1]: feedback})


def _width(result) -> float:
    effect = result.rows[0]["achievement_effect_sd"]
    return effect["ci_high"] - effect["ci_low"]


def test_a_one_world_ensemble_of_the_base_values_collapses_exactly_to_fixed_worlds() -> None:
    base = load_scenario(BASE).flat()
    own = _ensemble([base[PARAMS[0]]], [base[PARAMS[1]]])
    fixed = compare(BASE, [ALT], replicates=4, weeks=3, seed=5, worlds="fixed")
    same = compare(BASE, [ALT], replicates=4, weeks=3, seed=5, worlds=own, pairs_per_world=1)
    assert same.rows[0]["achievement_effect_sd"] == fixed.rows[0]["achievement_effect_sd"]
    assert same.rows[0]["intervals"] == fixed.rows[0]["intervals"]
    assert "worlds" not in fixed.rows[0] and fixed.worlds == "fixed"
    pd.testing.assert_frame_equal(same.timeseries, fixed.timeseries)


def test_the_interval_widens_with_the_spread_of_the_worlds() -> None:
    narrow = _ensemble([0.015, 0.0151], [0.5, 0.5])
    wide = _ensemble([0.004, 0.03], [0.0, 1.0])
    kwargs = dict(replicates=8, weeks=4, seed=2, pairs_per_world=2)
    fixed = compare(BASE, [ALT], replicates=8, weeks=4, seed=2, worlds="fixed")
    tight = compare(BASE, [ALT], worlds=narrow, **kwargs)
    loose = compare(BASE, [ALT], worlds=wide, **kwargs)
    assert _width(loose) > 3 * _width(tight)
    assert _width(loose) > 3 * _width(fixed)
    assert loose.rows[0]["worlds"]["world_share"] > tight.rows[0]["worlds"]["world_share"]


def test_both_arms_of_a_pair_share_the_world_and_it_is_recorded_for_resume(tmp_path) -> None:
    out = tmp_path / "cmp"
    first = compare(BASE, [ALT], replicates=4, weeks=2, seed=9, out=out, pairs_per_world=2)
    manifest = json.loads((out / "manifest.json").read_text())
    worlds = manifest["worlds"]["world_of_replicate"]
    assert worlds == first.rows[0]["worlds"]["world_of_replicate"]
    assert worlds[0] == worlds[1] and worlds[2] == worlds[3]
    assert first.pairs["world"].tolist() == worlds
    resumed = compare(BASE, [ALT], replicates=4, weeks=2, seed=9, out=out, resume=True,
                      pairs_per_world=2)
    assert resumed.rows == first.rows
    with pytest.raises(UserError, match="worlds"):
        compare(BASE, [ALT], replicates=4, weeks=2, seed=9, out=out, resume=True,
                worlds="fixed")


def test_worlds_are_drawn_by_weight_reproducibly_from_the_seed() -> None:
    ensemble = pd.DataFrame({"world": [10, 11, 12], "weight": [0.0, 1.0, 0.0],
                             PARAMS[0]: [0.01, 0.02, 0.03], PARAMS[1]: [0.1, 0.2, 0.3]})
    ids, values = draw_worlds(ensemble, 5, seed=4, pairs_per_world=2)
    assert ids == (11,) * 5 and values[0] == {PARAMS[0]: 0.02, PARAMS[1]: 0.2}
    even = _ensemble([0.01, 0.02, 0.03, 0.04], [0.1, 0.2, 0.3, 0.4])
    assert draw_worlds(even, 20, 4, 1) == draw_worlds(even, 20, 4, 1)
    assert draw_worlds(even, 20, 4, 1) != draw_worlds(even, 20, 5, 1)


def test_the_variance_decomposition_recovers_known_components() -> None:
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(400), 3)
    world = rng.normal(0, 2.0, 400)[groups]
    noise = rng.normal(0, 1.0, groups.size)
    parts = variance_decomposition(world + noise, groups)
    assert parts["world_variance"] == pytest.approx(4.0, rel=0.15)
    assert parts["noise_variance"] == pytest.approx(1.0, rel=0.1)
    assert parts["world_share"] == pytest.approx(0.8, abs=0.04)
    assert variance_decomposition(np.array([1.0, 2.0]), [0, 1])["world_share"] is None


def test_bad_world_options_are_refused_with_a_clear_message() -> None:
    with pytest.raises(UserError, match="worlds must be one of"):
        compare(BASE, [ALT], replicates=2, weeks=1, worlds="some")
    with pytest.raises(UserError, match="pairs_per_world"):
        compare(BASE, [ALT], replicates=2, weeks=1, pairs_per_world=0)


def test_setup_warnings_name_idle_devices_a_different_population_and_no_change() -> None:
    from experiments.comparison.paired import setup_warnings

    base = load_scenario(BASE)
    idle = base.with_overrides({"resources.device_ratio": 0.5})
    assert any("no practice that needs a device" in w for w in setup_warnings(idle, base))
    used = idle.with_overrides({"resources.adaptive_platform": True})
    assert not any("no practice that needs a device" in w for w in setup_warnings(used, base))
    bigger = base.with_overrides({"institution.n_students": 400})
    assert any("population" in w and "n_students" in w for w in setup_warnings(bigger, base))
    assert any("sets nothing differently" in w for w in setup_warnings(base, base))
    assert setup_warnings(load_scenario("coaching_only"), base) == []


def test_the_cli_prints_worlds_p_benefit_and_fixed_worlds_match_the_api(tmp_path, capsys) -> None:
    from interfaces.cli import main

    args = [BASE, ALT, "--replicates", "3", "--weeks", "2", "--seed", "4", "--serial"]
    assert main(["compare", *args, "--out", str(tmp_path / "a"), "--worlds", "fixed",
                 "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    fixed = compare(BASE, [ALT], replicates=3, weeks=2, seed=4, worlds="fixed")
    assert printed["comparisons"][0]["achievement_effect_sd"] == \
        fixed.rows[0]["achievement_effect_sd"]
    assert main(["compare", *args, "--out", str(tmp_path / "b")]) == 0
    text = capsys.readouterr().out
    assert "plausible world(s) drawn by weight" in text and "P(benefit)" in text
