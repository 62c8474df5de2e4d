"""Simulation-based calibration: screening, a tiny resumable ABC-SMC fit, the shipped ensemble.

The smoke fit runs a tiny population for one generation on two quick calibration rows, so CI
checks the whole chain (priors from the registry, the model's effects as summary statistics,
SQLite history, resume, ensemble file and manifest, loading in one call).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from experiments.calibration.evidence_model import findings
from experiments.calibration.fit import (
    FIT_ROWS,
    FitSettings,
    fit,
    observed,
    simulate_rows,
    write_ensemble,
)
from simulation import api, parameters
from simulation.errors import UserError

pytest.importorskip("pyabc")

QUICK_ROWS = ("wisniewski2020_feedback", "freeman2014_active_learning")


def test_fit_rows_are_calibration_magnitude_rows_only() -> None:
    assert set(observed()) == set(FIT_ROWS)
    assert all(f.split == "calibration" and not f.is_sign for f in findings(FIT_ROWS))
    with pytest.raises(UserError, match="calibration rows"):
        observed(["means2013_blended"])  # a validation row is refused


def test_shared_controls_give_the_same_effects_as_separate_runs() -> None:
    rows = findings(QUICK_ROWS)
    together = simulate_rows({}, rows, replicate=2)
    alone = {f.id: simulate_rows({}, [f], replicate=2)[f.id] for f in rows}
    assert together == alone


def test_smoke_fit_writes_weighted_worlds_inside_the_priors_and_resumes(tmp_path: Path) -> None:
    settings = FitSettings(parameters=("learning.feedback_effect", "learning.gain_per_hour"),
                           rows=QUICK_ROWS, population=6, generations=1, seed=5, workers=1)
    db = tmp_path / "abc.db"
    history = fit(settings, db, resume=True, log=lambda _: None)
    assert history.max_t == 0 and db.exists()
    out = write_ensemble(history, settings, tmp_path / "worlds.csv", command="test")
    worlds = api.plausible_worlds(out)
    assert len(worlds) == 6
    assert worlds["weight"].sum() == pytest.approx(1.0)
    for name in settings.parameters:
        p = parameters.get(name)
        assert worlds[name].between(p.low, p.high).all()
    manifest = json.loads(out.with_suffix(".json").read_text())
    assert manifest["library"] == "pyabc 0.13.0" and manifest["populations"] == 1
    assert set(manifest["priors"]) == set(settings.parameters)
    # resuming a finished history adds nothing; asking for one more generation adds one
    again = fit(settings, db, resume=True, log=lambda _: None)
    assert again.max_t == 0
    more = FitSettings(**{**settings.__dict__, "generations": 2})
    assert fit(more, db, resume=True, log=lambda _: None).max_t == 1


def test_shipped_ensemble_loads_in_one_call_with_at_least_200_weighted_worlds() -> None:
    if not api.PLAUSIBLE_WORLDS.exists():
        pytest.fail("simulation/data/plausible_worlds.csv is missing: run plsim fit")
    worlds = api.plausible_worlds()
    assert len(worlds) >= 200
    assert np.isclose(worlds["weight"].sum(), 1.0)
    manifest = json.loads(api.PLAUSIBLE_WORLDS.with_suffix(".json").read_text())
    assert manifest["command"].startswith("plsim fit")
