"""Experiment specs: bundled specs are valid; every kind of bad input is one clear SpecError."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.design.spec import SPECS_DIR, SpecError, load_spec
from simulation.errors import UserError

MINIMAL = """
name = "t"
root_seed = 7
replicates = 2
weeks = 4
[overrides]
"institution.n_students" = 100
[design]
method = "sobol"
n = 4
[[factors]]
name = "pacing.mode"
[[factors]]
name = "learning.platform_effect"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(p.stem for p in SPECS_DIR.glob("*.toml")))
def test_bundled_specs_are_valid(name: str) -> None:
    spec = load_spec(name)
    assert spec.name == name
    assert spec.factors


def test_policy_sobol_meets_the_issue_sizing() -> None:
    spec = load_spec("policy_sobol")
    roles = {f.role for f in spec.factors}
    assert spec.method == "sobol" and spec.raw.design.n >= 256 and spec.replicates == 2
    assert len(spec.factors) >= 8 and roles == {"policy", "uncertainty"}
    assert spec.weeks == 36 and spec.base.get("institution.n_students") == 2000
    sections = {f.name.split(".")[0] for f in spec.factors if f.role == "policy"}
    assert {"pacing", "training", "resources"} <= sections


def test_policy_morris_screens_every_registry_parameter_but_the_documented_ones() -> None:
    from simulation.parameters import REGISTRY

    spec = load_spec("policy_morris")
    names = {f.name for f in spec.factors}
    assert set(REGISTRY) - names == {"administrators.budget_per_student",
                                     "practices.tutor_per_student", "institution.years"}
    groups = {f.group for f in spec.factors}
    assert "teachers: week-0 survey targets" in groups
    assert len(groups) < len(names)


def test_defaults_come_from_the_registry(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, MINIMAL))
    mode, effect = spec.factors
    assert mode.levels == ("lockstep", "flexible", "mastery", "self_paced")
    assert (effect.low, effect.high) == (0.0, 1.2)
    assert mode.role == "policy" and effect.role == "uncertainty"
    assert spec.series_weeks == (0, 4)  # week 0 and the horizon (terms are longer than 4 weeks)


def test_spread_narrows_around_the_scenario_value(tmp_path: Path) -> None:
    text = MINIMAL.replace('name = "learning.platform_effect"',
                           'name = "learning.platform_effect"\nspread = 0.5')
    effect = load_spec(write(tmp_path, text)).factors[1]
    assert effect.low == pytest.approx(0.3) and effect.high == pytest.approx(0.9)


def test_fingerprint_changes_with_anything_that_changes_runs(tmp_path: Path) -> None:
    base = load_spec(write(tmp_path, MINIMAL)).fingerprint()
    assert load_spec(write(tmp_path, MINIMAL)).fingerprint() == base
    for old, new in (("n = 4", "n = 8"), ("replicates = 2", "replicates = 3"),
                     ('"institution.n_students" = 100', '"institution.n_students" = 120'),
                     ("root_seed = 7", "root_seed = 8")):
        assert load_spec(write(tmp_path, MINIMAL.replace(old, new))).fingerprint() != base


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('name = "pacing.mode"', 'name = "pacing.mdoe"', "did you mean 'pacing.mode'"),
    ("n = 4", "n = 6", "power of two"),
    ('method = "sobol"', 'method = "saltelli"', 'design.method = "saltelli"'),
    ("n = 4", "n = 4\nsamples = 3", "unknown field 'design.samples'"),
    ('name = "learning.platform_effect"', 'name = "learning.platform_effect"\nhigh = 5.0',
     "high = 5 is outside the registry range"),
    ('name = "learning.platform_effect"',
     'name = "learning.platform_effect"\nlow = 0.9\nhigh = 0.2', "must be below high"),
    ('name = "pacing.mode"', 'name = "pacing.mode"\nlevels = ["lockstep", "fast"]',
     "level 'fast' is not allowed"),
    ("replicates = 2", "replicates = 0", "replicates = 0 is not allowed"),
    ('"institution.n_students" = 100', '"institution.n_students" = 5',
     "n_students = 5 is not allowed"),
    ('[[factors]]\nname = "pacing.mode"', '[[factors]]\nname = "pacing.mode"\ngroup = "g"',
     "groups are only used by Morris"),
    ("weeks = 4", "weeks = 4\n[outputs]\nscalars = [\"achievment_mean\"]",
     "did you mean 'achievement_mean'"),
    ("weeks = 4", "weeks = 4\n[outputs]\nweeks = [9]", "outputs.weeks: 9 is not allowed"),
    ('"institution.n_students" = 100',
     '"institution.n_students" = 100\n"pacing.mode" = "mastery"', "both a factor and fixed"),
])
def test_bad_specs_name_the_field_and_what_is_allowed(tmp_path: Path, old: str, new: str,
                                                       expected: str) -> None:
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new))
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_unreadable_specs_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not valid TOML"):
        load_spec(write(tmp_path, "name = [unclosed"))
    with pytest.raises(UserError, match="spec file not found.*did you mean 'ci_small'"):
        load_spec("ci_smal")
    with pytest.raises(UserError, match="design is required"):
        load_spec(write(tmp_path, 'name = "x"\n[[factors]]\nname = "pacing.mode"\n'))


def test_combinations_invalid_at_mid_values_are_reported(tmp_path: Path) -> None:
    text = MINIMAL.replace('name = "learning.platform_effect"',
                           'name = "training.coaching_hours"')
    with pytest.raises(SpecError, match="coaching needs coaches.*mid value"):
        load_spec(write(tmp_path, text))


def test_the_spec_in_the_researchers_guide_is_valid_and_runs(tmp_path: Path) -> None:
    import re

    from experiments.running.runner import run_experiment

    guide = (Path(__file__).resolve().parent.parent / "docs" / "researchers.md").read_text()
    section = guide.split("## Experiments and sensitivity analysis", 1)[1]
    block = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    spec = load_spec(write(tmp_path, block.group(1)))
    assert spec.method == "grid" and spec.replicates == 3
    small = spec.with_changes(weeks=4, replicates=1,
                              overrides={"institution.n_students": 100},
                              outputs={"weeks": [0, 4]})
    results = run_experiment(small, tmp_path / "out", serial=True, progress=False)
    assert results.summary() == {"planned": 6, "ok": 6, "failed": 0, "missing": 0}


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("replicates = 2", 'replicates = "2"', 'replicates = "2" is not allowed: must be a valid '
     "integer"),
    ("replicates = 2", "replicates = true", "replicates = true is not allowed"),
    ("n = 4", 'n = 4\nsecond_order = "yes"', 'design.second_order = "yes" is not allowed: '
     "must be a valid boolean"),
    ("weeks = 4", "weeks = 4.0", "weeks = 4.0 is not allowed"),
    ('name = "pacing.mode"', 'name = "pacing.mode"\nlevels = []',
     "levels (factor 'pacing.mode') = [] is not allowed: list two or more levels"),
])
def test_spec_values_of_the_wrong_type_are_refused_not_converted(
        tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = write(tmp_path, MINIMAL.replace(old, new))
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert expected in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("n = 4", "n = 1099511627776", "plans 8,796,093,022,208 runs of 4 weeks (about "),
    ('method = "sobol"\nn = 4', 'method = "lhs"\nn = 100000000', "plans 200,000,000 runs"),
    ('method = "sobol"\nn = 4', 'method = "morris"\nn = 10000000', "plans 60,000,000 runs"),
    ("weeks = 4", "weeks = 1000000000", "a horizon of 1,000,000,000 weeks is not allowed: at "
     "most 1,800 weeks (50 years)"),
])
def test_huge_designs_and_horizons_are_refused_up_front_with_the_estimate(
        tmp_path: Path, old: str, new: str, expected: str) -> None:
    from experiments.design.limits import MAX_RUNS

    with pytest.raises(SpecError) as info:
        load_spec(write(tmp_path, MINIMAL.replace(old, new)))
    message = str(info.value)
    assert expected in message
    assert "on one core" in message
    assert f"{MAX_RUNS:,}" in message or "weeks is not allowed" in message


def test_a_huge_grid_is_counted_without_being_built(tmp_path: Path) -> None:
    text = MINIMAL.replace('method = "sobol"\nn = 4', 'method = "grid"\nn = 10000000')
    with pytest.raises(SpecError, match="plans 80,000,000 runs"):
        load_spec(write(tmp_path, text))
