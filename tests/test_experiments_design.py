"""Designs and seeding: sizes, the documented unit-to-value mapping, nesting and reproducibility."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.random import SeedSequence

from experiments.design.points import build_design
from experiments.design.spec import load_spec
from experiments.running.seeding import derived_seed, run_seed

FACTORS = """
[[factors]]
name = "pacing.mode"
[[factors]]
name = "resources.adaptive_platform"
[[factors]]
name = "learning.group_size"
[[factors]]
name = "learning.platform_effect"
"""


def spec_with(tmp_path: Path, design: str, factors: str = FACTORS):
    text = (f'name = "d"\nroot_seed = 3\nweeks = 2\n[overrides]\n"institution.n_students" = 100\n'
            f"[design]\n{design}\n{factors}")
    path = tmp_path / "d.toml"
    path.write_text(text, encoding="utf-8")
    return load_spec(path)


def test_unit_samples_map_to_equal_slices_of_integers_and_categories(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, 'method = "lhs"\nn = 4')
    mode, platform, group, effect = spec.factors
    assert [mode.from_unit(u) for u in (0.0, 0.24, 0.25, 0.74, 0.76, 1.0)] == [
        "lockstep", "lockstep", "flexible", "mastery", "self_paced", "self_paced"]
    assert [platform.from_unit(u) for u in (0.0, 0.49, 0.5, 1.0)] == [False, False, True, True]
    # learning.group_size is 2..8: seven integers, each a slice of width 1/7
    us = np.linspace(0, 1, 7001)
    counts = np.bincount([group.from_unit(u) for u in us])[2:]
    assert len(counts) == 7 and counts.min() >= 999 and counts.max() <= 1001
    assert effect.from_unit(0.25) == pytest.approx(0.3)
    assert effect.from_unit(1.0) == 1.2  # exactly the bound, not 1.2000000000000002


def test_sobol_design_size_and_nested_prefixes(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, 'method = "sobol"\nn = 16')
    design = build_design(spec, seed=11)
    d = len(spec.factors)
    assert design.n_points == 16 * (d + 2)
    half = build_design(spec_with(tmp_path, 'method = "sobol"\nn = 8'), seed=11)
    np.testing.assert_array_equal(design.unit[: 8 * (d + 2)], half.unit)
    second = build_design(spec_with(tmp_path, 'method = "sobol"\nn = 8\nsecond_order = true'), 11)
    assert second.n_points == 8 * (2 * d + 2)


def test_designs_are_reproducible_from_their_seed(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, 'method = "lhs"\nn = 20')
    a, b, c = build_design(spec, 5), build_design(spec, 5), build_design(spec, 6)
    np.testing.assert_array_equal(a.unit, b.unit)
    assert a.points.equals(b.points)
    assert not np.array_equal(a.unit, c.unit)
    # every LHS stratum of every factor holds exactly one point
    strata = np.floor(a.unit * 20).astype(int)
    assert all(sorted(strata[:, j]) == list(range(20)) for j in range(strata.shape[1]))


def test_morris_groups_and_trajectory_count(tmp_path: Path) -> None:
    factors = FACTORS.replace('name = "pacing.mode"', 'name = "pacing.mode"\ngroup = "levers"')
    factors = factors.replace('name = "resources.adaptive_platform"',
                              'name = "resources.adaptive_platform"\ngroup = "levers"')
    spec = spec_with(tmp_path, 'method = "morris"\nn = 5\nlevels = 4', factors)
    design = build_design(spec, 2)
    assert design.problem["groups"] == ["levers", "levers", "learning.group_size",
                                        "learning.platform_effect"]
    assert design.n_points == 5 * (3 + 1)  # trajectories x (groups + 1)
    assert set(np.round(design.unit.ravel(), 6)) <= {0.0, round(1 / 3, 6), round(2 / 3, 6), 1.0}


def test_efast_and_grid_sizes(tmp_path: Path) -> None:
    spec = spec_with(tmp_path, 'method = "efast"\nn = 65')
    assert build_design(spec, 1).n_points == 65 * 4
    grid = FACTORS.replace('name = "learning.platform_effect"',
                           'name = "learning.platform_effect"\nlevels = [0.0, 0.6, 1.2]')
    spec = spec_with(tmp_path, 'method = "grid"\nn = 3', grid)
    design = build_design(spec, 1)
    # 4 pacing modes x 2 x group sizes {2, 5, 8} x 3 listed levels
    assert design.n_points == 4 * 2 * 3 * 3
    assert sorted(design.points["learning.group_size"].unique()) == [2, 5, 8]
    assert not design.points.duplicated().any()


def test_run_seeds_depend_only_on_root_point_and_replicate() -> None:
    a = run_seed(42, 3, 1).generate_state(4)
    assert np.array_equal(a, SeedSequence(42, spawn_key=(3, 1)).generate_state(4))
    assert not np.array_equal(a, run_seed(42, 1, 3).generate_state(4))
    assert not np.array_equal(a, run_seed(43, 3, 1).generate_state(4))
    assert derived_seed(42, "bootstrap") == derived_seed(42, "bootstrap") != 0
    assert derived_seed(42, "bootstrap") != derived_seed(42, "design")
