"""Hostile or broken inputs give one clear line and exit code 2: no traceback, no hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from experiments.calibration.survey_file import SurveyFileError, read_survey
from experiments.design.spec import SpecError, load_spec
from interfaces.cli import main
from simulation.files import read_user_text
from simulation.scenario import MAX_EXTENDS, ScenarioError, load_scenario
from tests.conftest import ROOT


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.err.startswith("plsim: error:"), captured.err
    assert captured.err.count("\n") == 1, captured.err
    return captured.err


def test_a_utf8_bom_is_accepted_in_scenario_and_spec_files(tmp_path: Path) -> None:
    scenario = tmp_path / "bom.toml"
    scenario.write_bytes(b"\xef\xbb\xbf" + b'extends = "baseline_guangdong_2024"\n'
                         b"[pacing]\nmode = \"mastery\"\n")
    assert load_scenario(scenario).values["pacing"]["mode"] == "mastery"
    spec = tmp_path / "spec.toml"
    text = (ROOT / "experiments" / "specs" / "ci_small.toml").read_text(encoding="utf-8")
    spec.write_bytes(b"\xef\xbb\xbf" + text.replace(
        '"baseline_guangdong_2024"', f'"{ROOT / "scenarios" / "baseline_guangdong_2024.toml"}"'
    ).encode())
    assert load_spec(spec).name == "ci_small"


def test_non_utf8_files_name_the_file_and_the_byte(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('description = "café"\n'.encode("latin-1"))
    with pytest.raises(ScenarioError, match=r"latin1\.toml: not UTF-8 text \(byte 0xe9"):
        load_scenario(latin1)
    with pytest.raises(SpecError, match="not UTF-8 text"):
        load_spec(latin1)
    survey = tmp_path / "survey.csv"
    survey.write_bytes("group,factor_id,mean,sd\nstudents,créativité,3,1\n".encode("latin-1"))
    with pytest.raises(SurveyFileError, match="not UTF-8 text"):
        read_survey(survey)


def test_extends_dev_zero_is_refused_without_reading_it(write_scenario,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = write_scenario('extends = "/dev/zero"\n')
    assert main(["validate", str(path)]) == 2
    assert "/dev/zero: not a regular file" in _one_error_line(capsys)


def test_a_fifo_is_refused_instead_of_blocking(tmp_path: Path, write_scenario,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "parent.toml"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading would block forever
    path = write_scenario('extends = "parent.toml"\n')
    assert main(["validate", str(path)]) == 2
    assert "parent.toml: not a regular file" in _one_error_line(capsys)
    assert main(["sensitivity", str(fifo), "--serial"]) == 2
    assert "not a regular file" in _one_error_line(capsys)
    with pytest.raises(SurveyFileError, match="not a regular file"):
        read_survey(fifo)


def test_a_folder_and_an_oversized_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a folder"):
        read_user_text(tmp_path, ScenarioError, "scenario file")
    big = tmp_path / "big.toml"
    with big.open("wb") as f:
        f.truncate(2 << 20)  # sparse: 2 MiB of zeros without writing them
    with pytest.raises(ScenarioError, match=r"big\.toml: 2 MiB is too large .*at most 1 MiB"):
        load_scenario(big)


@pytest.mark.parametrize("depth", [40, 5000])
def test_deeply_nested_toml_is_refused(depth: int, write_scenario) -> None:
    path = write_scenario("a = " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(ScenarioError, match="nested too deeply"):
        load_scenario(path)


def test_a_long_extends_chain_is_refused(tmp_path: Path) -> None:
    n = MAX_EXTENDS + 5
    for i in range(n):
        (tmp_path / f"s{i}.toml").write_text(f'extends = "s{i + 1}.toml"\n', encoding="utf-8")
    (tmp_path / f"s{n}.toml").write_text('extends = "baseline_guangdong_2024"\n',
                                         encoding="utf-8")
    with pytest.raises(ScenarioError, match=f"longer than {MAX_EXTENDS} files"):
        load_scenario(tmp_path / "s0.toml")
    assert load_scenario(tmp_path / f"s{n - 5}.toml").chain[-1] == "baseline_guangdong_2024"


@pytest.mark.parametrize(("argv", "expected"), [
    (["run", "baseline_guangdong_2024", "--weeks", "1000000000"],
     "--weeks: 1,000,000,000 weeks is more than the limit of 50 years"),
    (["compare", "baseline_guangdong_2024", "coaching_only", "--years", "1e300"],
     "--years: 1e+300 years is more than the limit of 50 years"),
    (["compare", "baseline_guangdong_2024", "coaching_only", "--weeks", "5000"],
     "--weeks: 5,000 weeks is more than the limit"),
    (["run", "baseline_guangdong_2024", "--seed", "-1"], "--seed -1 is not allowed"),
    (["compare", "baseline_guangdong_2024", "coaching_only", "--replicates", "1000000000"],
     "--replicates 1,000,000,000 is more than 10,000: 2,000,000,000 runs would take about"),
    (["survey", "baseline_guangdong_2024", "--seed", str(2**64)], "is not allowed"),
    (["compare", "baseline_guangdong_2024", "coaching_only", "--seed", "-5"],
     "--seed -5 is not allowed"),
    (["calibrate", "--survey", "docs/templates/survey_summary_template.csv", "--out",
      "OUT/x.toml", "--item-noise", "nan"], "--item-noise must be a finite number above 0"),
    (["calibrate", "--survey", "docs/templates/survey_summary_template.csv", "--out",
      "OUT/x.toml", "--students", "-3"], "--students must be at least 1"),
])
def test_bad_option_values_are_refused_up_front(argv: list[str], expected: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a.replace("OUT", str(tmp_path)) for a in argv]
    if argv[0] in ("run", "compare"):
        argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == 2
    err = _one_error_line(capsys)
    assert expected in err
    assert list(tmp_path.iterdir()) == []


def test_the_horizon_message_estimates_the_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "baseline_guangdong_2024", "coaching_only", "--years", "60",
                 "--replicates", "5"]) == 2
    err = _one_error_line(capsys)
    assert "10 run(s) would take about" in err
