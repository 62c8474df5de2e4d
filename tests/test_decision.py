"""Decision outputs: P(benefit), P(best), acceptability, EVPI and EVPPI check their numbers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments.analysis.decision import (
    STATUS_QUO,
    acceptability,
    decision_summary,
    evpi,
    evppi,
    net_benefit,
    prob_benefit,
    prob_best,
)
from experiments.comparison.paired import compare
from experiments.storage.comparison_folder import write_comparison_folder


def _synthetic(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Two alternatives whose effects depend on one parameter and not on another."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 1, n)
    b = rng.uniform(0, 1, n)
    rows = []
    for r in range(n):
        common = {"replicate": r, "world": r, "learning.a": a[r], "learning.b": b[r]}
        rows.append({**common, "alternative": "one", "effect_sd": 0.2 * a[r] - 0.05
                     + rng.normal(0, 0.01), "extra_cost": 100.0})
        rows.append({**common, "alternative": "two", "effect_sd": 0.05
                     + rng.normal(0, 0.01), "extra_cost": 80.0})
    return pd.DataFrame(rows)


def test_p_benefit_and_p_best_are_the_recomputed_shares_of_pairs() -> None:
    pairs = _synthetic()
    one = pairs[pairs["alternative"] == "one"]["effect_sd"].to_numpy()
    two = pairs[pairs["alternative"] == "two"]["effect_sd"].to_numpy()
    assert prob_benefit(pairs) == {"one": float((one > 0).mean()), "two": float((two > 0).mean())}
    best = np.argmax(np.column_stack([np.zeros_like(one), one, two]), axis=1)
    shares = prob_best(pairs)
    assert shares == {STATUS_QUO: float((best == 0).mean()), "one": float((best == 1).mean()),
                      "two": float((best == 2).mean())}
    assert sum(shares.values()) == pytest.approx(1.0)


def test_acceptability_is_monotone_when_every_alternative_costs_more() -> None:
    pairs = _synthetic()
    grid = np.linspace(0, 5000, 60)
    curve = acceptability(pairs, grid)
    assert curve[STATUS_QUO].is_monotonic_decreasing
    assert curve.loc[0, STATUS_QUO] == 1.0  # nothing is worth paying for at zero
    total = curve["one"] + curve["two"] + curve[STATUS_QUO]
    assert np.allclose(total, 1.0)


def test_evpi_is_nonnegative_and_evppi_ranks_the_parameter_that_matters() -> None:
    pairs = _synthetic()
    nb = net_benefit(pairs, 1000.0)
    value = evpi(nb)
    assert value > 0
    matters, idle = evppi(nb, pairs, ["learning.a"]), evppi(nb, pairs, ["learning.b"])
    assert 0 <= idle < matters <= value
    assert idle < 0.2 * value and matters > 0.7 * value
    # NB = 1000 * e / 0.1 - cost: one beats two when a > 0.4 + cost difference; recompute
    values = nb.to_numpy()
    assert value == pytest.approx(values.max(axis=1).mean() - values.mean(axis=0).max())
    summary = decision_summary(pairs)
    table = summary["evppi"]
    assert isinstance(table, pd.DataFrame) and table.loc[0, "group"] in ("learning.a",
                                                                        "learning.*")
    assert (table["evppi"] <= summary["evpi"] + 1e-12).all()


def test_an_alternative_that_always_wins_has_no_value_of_information() -> None:
    pairs = _synthetic()
    pairs.loc[pairs["alternative"] == "two", "effect_sd"] = 1.0
    nb = net_benefit(pairs, 1000.0)
    assert evpi(nb) == 0.0
    assert evppi(nb, pairs, ["learning.a"]) == 0.0


def test_a_comparison_folder_holds_decision_files_that_match_its_pairs(tmp_path) -> None:
    result = compare("baseline_guangdong_2024", ["coaching_only"], replicates=4, weeks=3, seed=2)
    folder = write_comparison_folder(result, tmp_path / "cmp")
    decision = json.loads((folder / "decision.json").read_text())
    pairs = pd.read_csv(folder / "pairs.csv")
    share = float((pairs["effect_sd"] > 0).mean())
    assert decision["prob_benefit"]["coaching_only"] == pytest.approx(share)
    assert decision["worlds"] == "plausible" and decision["evpi_per_student"] >= 0
    assert pairs["world"].tolist() == result.rows[0]["worlds"]["world_of_replicate"]
    evppi_table = pd.read_csv(folder / "evppi.csv")
    assert (evppi_table["evppi"] <= decision["evpi_per_student"] + 1e-9).all()
    assert (folder / "figures" / "cost_effect_plane.png").exists()
    assert (folder / "figures" / "acceptability_curve.png").exists()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {"decision.json", "pairs.csv", "acceptability.csv", "evppi.csv"} <= set(
        manifest["files"])


def test_the_report_shows_worlds_p_benefit_the_plane_and_the_acceptability_curve(tmp_path) -> None:
    from interfaces.cli import main

    out = tmp_path / "cmp"
    assert main(["compare", "baseline_guangdong_2024", "coaching_only", "--replicates", "8",
                 "--weeks", "2", "--serial", "--out", str(out)]) == 0
    html_path = tmp_path / "r.html"
    assert main(["report", str(out), "--out", str(html_path)]) == 0
    html = html_path.read_text(encoding="utf-8")
    assert "plausible world(s) drawn from the calibrated ensemble" in html
    assert "P(benefit)" in html and "Cost-effect plane" in html and "Acceptability curve" in html
    assert "Expected value of perfect information" in html
