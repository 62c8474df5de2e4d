"""``plsim sensitivity``, ``plsim sweep`` and ``plsim analyze`` end to end, and their errors."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from experiments.running.runner import run_experiment
from interfaces.cli import main as plsim

SWEEP = """
name = "tiny_sweep"
root_seed = 5
replicates = 2
weeks = 8
[overrides]
"institution.n_students" = 100
"institution.weeks_per_term" = 4
[design]
method = "grid"
[[factors]]
name = "pacing.mode"
levels = ["lockstep", "self_paced"]
[[factors]]
name = "learning.hours_per_week"
levels = [4.0, 8.0]
"""


def test_sensitivity_then_analyze(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "ci"
    assert plsim(["sensitivity", "ci_small", "--out", str(out), "--serial",
                  "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "80 runs planned: 80 ok, 0 failed, 0 missing" in printed
    assert f"next: plsim analyze {out}" in printed
    assert plsim(["analyze", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "sobol analysis of replicate means (1000 bootstrap resamples, 95% intervals)" in printed
    assert "achievement_mean: mean" in printed and "[lever] ST" in printed
    analysis = out / "analysis"
    indices = pd.read_csv(analysis / "sobol_indices.csv")
    assert len(indices) == 7 * 3  # outcomes x factors, constant outcomes included
    assert {"S1", "S1_conf", "ST", "ST_conf", "ST_corrected", "role"} <= set(indices.columns)
    noise = pd.read_csv(analysis / "noise.csv")
    assert set(noise["outcome"]) == set(indices["outcome"])
    for name in ("sobol_overview.png", "convergence_achievement_mean.png", "distributions.png",
                 "sobol_convergence.csv", "point_summary.csv"):
        assert (analysis / name).exists(), name


def test_sweep_and_its_summary(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    spec = tmp_path / "sweep.toml"
    spec.write_text(SWEEP, encoding="utf-8")
    out = tmp_path / "sweep"
    assert plsim(["sweep", str(spec), "--out", str(out), "--serial", "--no-progress"]) == 0
    assert plsim(["analyze", str(out)]) == 0
    summary = pd.read_csv(out / "analysis" / "point_summary.csv")
    assert len(summary) == 4 and {"achievement_mean_mean", "achievement_mean_sd"} <= set(summary)
    assert (out / "analysis" / "distributions.png").exists()
    assert not (out / "analysis" / "sobol_indices.csv").exists()
    capsys.readouterr()
    # --out into a folder of the user's own is refused with its files intact; an earlier
    # analysis folder (it carries plsim's mark) may be written again
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "distributions.png").write_bytes(b"my own picture")
    assert plsim(["analyze", str(out), "--out", str(mine)]) == 2
    assert "did not write" in capsys.readouterr().err
    assert (mine / "distributions.png").read_bytes() == b"my own picture"
    assert plsim(["analyze", str(out), "--out", str(tmp_path / "new")]) == 0
    assert plsim(["analyze", str(out), "--out", str(tmp_path / "new")]) == 0
    capsys.readouterr()


def test_the_wrong_command_for_a_design_is_explained(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture) -> None:
    assert plsim(["sweep", "ci_small", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plsim: error:") and "is run by `plsim sensitivity`" in err
    assert not (tmp_path / "x").exists()


def test_analyze_of_incomplete_results_says_how_to_finish(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "half"

    def stop(record) -> None:  # noqa: ANN001
        if record.run_id == 30:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment("ci_small", out, serial=True, progress=False, on_record=stop,
                       log=io.StringIO())
    assert plsim(["analyze", str(out)]) == 2
    err = capsys.readouterr().err
    assert "49 of 80 runs have no result (run ids 31-79)" in err
    assert f"--out {out} --resume" in err
    assert "\n" not in err.strip()


def test_analyze_of_a_folder_that_is_not_results(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture) -> None:
    assert plsim(["analyze", str(tmp_path / "nothing")]) == 2
    assert "no such results folder" in capsys.readouterr().err


def test_a_pilot_estimates_the_duration(tmp_path: Path) -> None:
    log = io.StringIO()
    run_experiment("ci_small", tmp_path / "pilot", serial=True, progress=False, pilot=True,
                   log=log)
    text = log.getvalue()
    assert "pilot: 4 runs took" in text and "for the remaining 76 runs on 1 worker(s)" in text
