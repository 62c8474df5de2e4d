"""``plsim run`` and ``plsim compare`` end to end: folders, summaries, JSON, refusals, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

from experiments.reporting.published_survey import published_survey
from interfaces.cli import main

ROOT = Path(__file__).resolve().parent.parent
PLSIM = ROOT / ".venv" / "bin" / "plsim"
RUN_WEEKS = 3


@pytest.fixture(scope="module")
def run_output(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``plsim run baseline --seed 7 --weeks 3`` in an empty working folder (default --out)."""
    work = tmp_path_factory.mktemp("work")
    out, err = StringIO(), StringIO()
    with pytest.MonkeyPatch.context() as mp, redirect_stdout(out), redirect_stderr(err):
        mp.chdir(work)
        code = main(["run", "baseline_guangdong_2024", "--seed", "7", "--weeks", str(RUN_WEEKS)])
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue(),
            "folder": work / "results" / "runs" / "baseline_guangdong_2024-seed7"}


def test_run_writes_the_default_folder_with_series_snapshots_survey_and_figures(
        run_output: dict) -> None:
    assert run_output["code"] == 0
    folder = run_output["folder"]
    ts = pd.read_parquet(folder / "timeseries.parquet")
    assert list(ts["week"]) == list(range(RUN_WEEKS + 1))
    assert ts["achievement_sd"].iloc[0] == pytest.approx(1.0)
    students = pd.read_parquet(folder / "student_snapshots.parquet")
    assert set(students["week"]) == {0}  # no term has ended after 3 weeks
    assert len(students) == 2000
    teachers = pd.read_parquet(folder / "teacher_snapshots.parquet")
    assert len(teachers) == 40
    survey = pd.read_csv(folder / "survey.csv")
    assert sorted(set(survey["week"])) == [0, RUN_WEEKS]
    assert len(survey) == 2 * len(published_survey())
    assert survey["paper_mean"].notna().all()
    for name in ("achievement", "engagement", "preparedness_adoption", "survey_vs_published"):
        assert (folder / "figures" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_run_manifest_holds_the_resolved_scenario_seed_weeks_and_versions(
        run_output: dict) -> None:
    manifest = json.loads((run_output["folder"] / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["weeks"] == RUN_WEEKS
    scenario = manifest["scenario"]
    assert scenario["name"] == "baseline_guangdong_2024"
    assert scenario["values"]["pacing"]["mode"] == "lockstep"
    assert scenario["values"]["institution"]["n_students"] == 2000
    assert manifest["warnings"] == []
    assert manifest["environment"]["packages"]["mesa"] == "3.3.1"
    assert "commit" in manifest["environment"]["code"]
    ts = pd.read_parquet(run_output["folder"] / "timeseries.parquet")
    assert manifest["summary"]["achievement_mean"]["end"] == pytest.approx(
        ts["achievement_mean"].iloc[-1])
    for name in manifest["files"]:
        assert (run_output["folder"] / name).is_file(), name


def test_run_prints_summary_and_week0_survey_beside_the_published_values(
        run_output: dict) -> None:
    text = run_output["stdout"]
    assert f"{RUN_WEEKS} weeks" in text
    assert "Achievement, all students (SD)" in text
    assert "Cost per student per year" in text
    assert "published Tables 1-3" in text
    paper = published_survey()
    creativity = paper[paper["factor_id"] == "creativity_innovation"].iloc[0]
    line = next(ln for ln in text.splitlines() if "Creativity and Innovation" in ln)
    fields = line.split()
    assert float(fields[3]) == creativity["mean"]  # paper mean
    assert abs(float(fields[5])) <= 0.03  # model minus paper
    assert "Results: results/runs/baseline_guangdong_2024-seed7" in text


def test_run_refuses_an_existing_folder_without_force_and_touches_nothing(
        run_output: dict, capsys: pytest.CaptureFixture[str]) -> None:
    folder = run_output["folder"]
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    code = main(["run", "baseline_guangdong_2024", "--weeks", "1", "--out", str(folder)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("plsim: error:") and "--force" in err
    assert err.count("\n") == 1
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*")} == before


def test_run_with_force_replaces_a_plsim_folder_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["run", "baseline_guangdong_2024", "--weeks", "1", "--seed", "2",
                 "--out", str(out)]) == 0
    (out / "old.txt").write_text("old")
    capsys.readouterr()
    assert main(["run", "baseline_guangdong_2024", "--weeks", "1", "--seed", "3",
                 "--out", str(out), "--force"]) == 0
    assert f"replaced {out} (a plsim run folder" in capsys.readouterr().err
    assert not (out / "old.txt").exists()
    assert json.loads((out / "manifest.json").read_text())["seed"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no temporary folder left


def test_run_with_force_refuses_a_folder_plsim_did_not_write_and_keeps_its_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "thesis.txt").write_text("mine")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "survey.csv").write_text("a,b\n1,2\n")
    (tmp_path / "manifest.json").write_text('{"title": "my own manifest"}')
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code = main(["run", "baseline_guangdong_2024", "--weeks", "1", "--out", str(tmp_path),
                 "--force"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("plsim: error:") and "not a plsim results folder" in err
    assert err.count("\n") == 1
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("argv", [
    ["run", "no_such_scenario", "--weeks", "1"],
    ["run", "baseline_guangdong_2024", "--weeks", "0"],
    ["compare", "baseline_guangdong_2024", "no_such_scenario", "--weeks", "1"],
    ["compare", "baseline_guangdong_2024", "baseline_guangdong_2024", "--replicates", "0"],
    ["compare", "baseline_guangdong_2024", "baseline_guangdong_2024", "--years", "0"],
    ["compare", "baseline_guangdong_2024", "baseline_guangdong_2024", "--workers", "0"],
    ["compare", "baseline_guangdong_2024", "baseline_guangdong_2024", "--seed", "-1"],
    ["compare", "baseline_guangdong_2024", "baseline_guangdong_2024", "--weeks", "1000000000"],
    ["compare", "baseline_guangdong_2024", "baseline_guangdong_2024", "--years", "1e300"],
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
        argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*argv, "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("plsim: error:")
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert not (tmp_path / "out").exists()


def test_bad_scenario_file_names_the_field(write_scenario, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_scenario('extends = "baseline_guangdong_2024"\n[pacing]\nmode = "warp"\n')
    code = main(["compare", "baseline_guangdong_2024", str(bad), "--weeks", "1",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "pacing" in err and "mode" in err and err.count("\n") == 1


def test_compare_refuses_an_existing_folder_before_running(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    code = main(["compare", "baseline_guangdong_2024", "baseline_guangdong_2024",
                 "--out", str(tmp_path)])
    assert code == 2
    assert "already exists" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_compare_with_itself_prints_zero_effect_and_explains_missing_cost_ratio(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["compare", "baseline_guangdong_2024", "baseline_guangdong_2024",
                 "--replicates", "2", "--weeks", "2", "--out", str(tmp_path / "cmp")])
    out = capsys.readouterr().out
    assert code == 0
    assert "+0.000 [+0.000, +0.000]" in out
    assert "n/a (same cost)" in out
    assert "nothing (same settings)" in out
    assert "costs the same as the base" in out
    assert (tmp_path / "cmp" / "comparison.json").is_file()


def test_plsim_compare_json_in_a_real_process_prints_only_json(
        write_scenario, tmp_path: Path) -> None:
    coaching = write_scenario(
        'description = "coaching"\nextends = "baseline_guangdong_2024"\n'
        "[training]\ncoaching_hours = 40\ncoaches_per_teacher = 0.1\n", name="coaching.toml")
    out = tmp_path / "cmp"
    command = [str(PLSIM) if PLSIM.exists() else sys.executable, *(
        [] if PLSIM.exists() else ["-m", "interfaces.cli"]),
        "compare", "baseline_guangdong_2024", str(coaching), "--replicates", "2",
        "--years", "0.25", "--seed", "4", "--out", str(out), "--format", "json"]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert list(payload) == ["comparisons"]
    (row,) = payload["comparisons"]
    assert row["scenario"] == "coaching"
    assert set(row["achievement_effect_sd"]) == {"estimate", "ci_low", "ci_high"}
    for key in ("percentile_points", "engagement_change", "gap_bottom_top_change_sd",
                "cost_per_student", "effect_sd_per_1000_per_student"):
        assert isinstance(row[key], float), key
    assert row["cost_per_student"] > 0
    assert row["weeks"] == 9  # a quarter of a 36-week year
    assert row["replicates"] == 2
    assert f"results in {out}" in proc.stderr
    assert json.loads((out / "comparison.json").read_text()) == payload
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 4 and manifest["weeks"] == 9


class _Stop(Exception):
    """Raised from a progress callback to stop a comparison midway, like a kill."""


def test_an_interrupted_compare_is_completed_by_resume(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from experiments.comparison.paired import compare

    out = tmp_path / "cmp"
    argv = ["compare", "baseline_guangdong_2024", "coaching_only", "--replicates", "2",
            "--weeks", "2", "--seed", "3", "--out", str(out)]

    def stop(done: int, total: int) -> None:
        if done == 2:
            raise _Stop

    with pytest.raises(_Stop):
        compare("baseline_guangdong_2024", ["coaching_only"], replicates=2, weeks=2, seed=3,
                out=out, progress=stop)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "already holds results" in err and "--resume" in err
    assert main([*argv, "--resume", "--serial"]) == 0
    capsys.readouterr()
    resumed = json.loads((out / "comparison.json").read_text())
    assert main([*argv[:-1], str(tmp_path / "fresh"), "--serial"]) == 0
    assert json.loads((tmp_path / "fresh" / "comparison.json").read_text()) == resumed
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["status"] for s in manifest["sessions"]] == ["interrupted", "finished"]


def test_compare_uses_every_core_by_default_like_sensitivity(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    out = tmp_path / "cmp"
    assert main(["compare", "baseline_guangdong_2024", "coaching_only", "--replicates", "2",
                 "--weeks", "1", "--out", str(out)]) == 0
    session = json.loads((out / "manifest.json").read_text())["sessions"][-1]
    assert session["executor"] == "processes"
    assert session["workers"] == min(os.cpu_count() or 1, 4)


@pytest.mark.slow
def test_a_killed_compare_resumes_to_the_results_of_an_uninterrupted_one(tmp_path: Path) -> None:
    import os
    import signal
    import time

    args = ["compare", "baseline_guangdong_2024", "coaching_only", "--replicates", "30",
            "--weeks", "3", "--seed", "5"]
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "interfaces.cli", *args, "--out", str(out),
                             "--workers", "2", "--part-runs", "2"], cwd=ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list((out / "runs").glob("part-*.parquet"))) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker processes
    finally:
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "comparison" and not (out / "comparison.json").exists()
    assert main([*args, "--out", str(out), "--resume", "--serial"]) == 0
    assert main([*args, "--out", str(tmp_path / "whole"), "--serial"]) == 0
    assert (json.loads((out / "comparison.json").read_text())
            == json.loads((tmp_path / "whole" / "comparison.json").read_text()))
    pd.testing.assert_frame_equal(pd.read_parquet(out / "timeseries.parquet"),
                                  pd.read_parquet(tmp_path / "whole" / "timeseries.parquet"))
