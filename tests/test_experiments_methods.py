"""Design methods come from one table: each counts, samples, analyses, ranks and draws itself,
and a new method is one class plus one table entry."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.sensitivity import analyze_results
from experiments.design.points import build_design
from experiments.design.spec import SPECS_DIR, SpecError, load_spec, planned_points
from experiments.methods import METHODS, names
from experiments.methods.base import DesignMethod, Save
from experiments.methods.drawing import new_figure
from experiments.reporting.sensitivity_figures import write_figures
from experiments.running.runner import run_experiment
from interfaces.cli import main


@pytest.mark.parametrize("name", sorted(p.stem for p in SPECS_DIR.glob("*.toml")))
def test_each_method_counts_its_design_without_sampling_it(name: str) -> None:
    spec = load_spec(name)
    assert planned_points(spec) == build_design(spec, seed=5).n_points


@pytest.mark.parametrize(("design", "points"), [
    ('method = "sobol"\nn = 8\nsecond_order = true', 8 * (2 * 3 + 2)),
    ('method = "morris"\nn = 5', 5 * 4),
    ('method = "efast"\nn = 70', 70 * 3),
    ('method = "lhs"\nn = 9', 9),
    ('method = "grid"\nn = 3', 4 * 3 * 3),
])
def test_every_method_in_the_table_counts_what_it_samples(tmp_path: Path, design: str,
                                                          points: int) -> None:
    path = tmp_path / "spec.toml"
    path.write_text(TOY_SPEC.replace('method = "toy"\nn = 6', design), encoding="utf-8")
    spec = load_spec(path)
    assert planned_points(spec) == points == build_design(spec, seed=3).n_points


def test_the_table_holds_every_method_with_its_kind() -> None:
    assert names("sensitivity") == ("sobol", "morris", "efast")
    assert names("sweep") == ("grid", "lhs")
    assert all(m.name == key for key, m in METHODS.items())


class Correlation(DesignMethod):
    """A toy screening method: uniform random points, |correlation| of factor and outcome."""

    name: ClassVar[str] = "toy"
    title: ClassVar[str] = "correlation screening"
    n_meaning: ClassVar[str] = "the number of random points"
    rank_key: ClassVar[str | None] = "abs_corr"

    def check(self, spec: Any) -> str | None:
        return None if (spec.raw.design.n or 0) >= 3 else "design.n must be 3 or more"

    def n_points(self, spec: Any) -> int:
        return int(spec.raw.design.n or 0)

    def sample(self, spec: Any, problem: dict[str, Any],
               seed: int) -> tuple[np.ndarray, list[list[Any]] | None]:
        rng = np.random.default_rng(seed)
        return rng.random((self.n_points(spec), problem["num_vars"])), None

    def analyse(self, report: Any, results: Any, matrices: Mapping[str, np.ndarray],
                noise_by: Mapping[str, Mapping[str, Any]], resamples: int, conf_level: float,
                seed: int, convergence: bool) -> None:
        first = results.design[results.design["replicate"] == 0]
        rows = []
        for outcome, y in matrices.items():
            for factor in results.factors:
                x = first[f"u:{factor}"].to_numpy(dtype=float)
                corr = float(abs(np.corrcoef(x, y.mean(axis=1))[0, 1]))
                rows.append({"outcome": outcome, "factor": factor, "role": "policy",
                             "abs_corr": corr, "abs_corr_conf": 0.0})
        report.indices = pd.DataFrame(rows)

    def draw(self, report: Any, results: Any, save: Save) -> None:
        fig = new_figure(4, 3)
        fig.add_subplot().bar(range(len(report.indices)), report.indices["abs_corr"])
        save(fig, "toy_correlations.png")

    def summary(self, row: Mapping[str, Any]) -> str:
        return f"|corr| {row['abs_corr']:.3f}"


TOY_SPEC = """
name = "toy"
root_seed = 3
replicates = 1
weeks = 2
[overrides]
"institution.n_students" = 100
[design]
method = "toy"
n = 6
[[factors]]
name = "pacing.mode"
[[factors]]
name = "learning.platform_effect"
[[factors]]
name = "engagement.adjustment_rate"
[outputs]
scalars = ["achievement_mean", "engagement_mean"]
"""


def test_a_new_method_is_one_class_and_one_table_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(METHODS, "toy", Correlation())
    path = tmp_path / "toy.toml"
    path.write_text(TOY_SPEC, encoding="utf-8")
    spec = load_spec(path)
    assert spec.kind == "sensitivity" and planned_points(spec) == 6

    results = run_experiment(spec, tmp_path / "out", serial=True, progress=False)
    assert results.complete and len(results.runs) == 6
    report = analyze_results(results)
    ranked = report.ranking("achievement_mean")
    assert list(ranked["abs_corr"]) == sorted(ranked["abs_corr"], reverse=True)
    written = write_figures(report, results, tmp_path / "figures")
    assert {p.name for p in written} == {"toy_correlations.png", "distributions.png"}

    assert main(["analyze", str(tmp_path / "out"), "--no-figures"]) == 0
    assert "|corr| " in capsys.readouterr().out
    path.write_text(TOY_SPEC.replace("n = 6", "n = 2"), encoding="utf-8")
    with pytest.raises(SpecError, match="design.n must be 3 or more"):
        load_spec(path)


def test_an_unknown_method_lists_the_table(tmp_path: Path) -> None:
    path = tmp_path / "toy.toml"
    path.write_text(TOY_SPEC, encoding="utf-8")
    with pytest.raises(SpecError, match="design.method = \"toy\" is not allowed: must be "
                                        "'grid', 'lhs', 'sobol', 'morris' or 'efast'"):
        load_spec(path)
