"""Users' files are safe: output names cannot escape ``results/``, folders are written atomically
(nothing half-written on a full disk), and a folder that cannot be written gives one clear line."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from experiments.storage import provenance, run_folder
from experiments.storage.provenance import OutputError, atomic_folder, check_output_name
from interfaces.cli import main
from tests.conftest import ROOT

SPEC = ROOT / "experiments" / "specs" / "ci_small.toml"


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.err.startswith("plsim: error:"), captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    return captured.err


@pytest.mark.parametrize("name", ["", "   ", "..", ".", "../escape", "a/b", "/tmp/abs",
                                  "a\\b", "x..y", "c:drive", "new\nline"])
def test_output_names_that_could_escape_results_are_refused(name: str) -> None:
    with pytest.raises(OutputError, match=r"spec\.toml: name = "):
        check_output_name(name, "spec.toml")


@pytest.mark.parametrize("name", ["policy_sobol", "ci-small.v2", "Ding 2024"])
def test_ordinary_output_names_are_accepted(name: str) -> None:
    assert check_output_name(name, "spec.toml") == name


@pytest.mark.parametrize("name", ["", "../../outside", "/tmp/plsim-absolute-name"])
def test_a_spec_name_choosing_the_folder_is_validated_before_anything_is_written(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec.toml"
    text = SPEC.read_text(encoding="utf-8").replace('name = "ci_small"', f"name = {name!r}")
    spec.write_text(text, encoding="utf-8")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "keep.txt").write_text("keep")
    monkeypatch.chdir(tmp_path)
    assert main(["sensitivity", str(spec), "--serial", "--force",
                 "--no-progress"]) == 2
    err = _one_error_line(capsys)
    assert str(spec) in err and "name = " in err and repr(name) in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["keep.txt", "results", "spec.toml"]
    assert not Path("/tmp/plsim-absolute-name").exists()


@pytest.mark.parametrize("name", ["", "../outside", "/tmp/plsim-absolute-scenario"])
def test_a_scenario_name_choosing_the_run_folder_is_validated(
        name: str, write_scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write_scenario(f"name = {name!r}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(path), "--weeks", "1", "--force"]) == 2
    err = _one_error_line(capsys)
    assert str(path) in err and f"name = {name!r}" in err
    assert not (tmp_path / "results").exists() and not (tmp_path.parent / "outside").exists()
    assert not Path("/tmp/plsim-absolute-scenario-seed1").exists()


def _no_space(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_leaves_no_half_written_run_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(run_folder, "write_json", _no_space)  # evaluations/manifest writes fail
    out = tmp_path / "run"
    assert main(["run", "baseline_guangdong_2024", "--weeks", "1", "--out", str(out)]) == 2
    err = _one_error_line(capsys)
    assert str(out) in err and "No space left on device" in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a temporary one


def test_a_full_disk_while_forcing_keeps_the_previous_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["run", "baseline_guangdong_2024", "--weeks", "1", "--out", str(out)]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    monkeypatch.setattr(run_folder, "write_json", _no_space)
    assert main(["run", "baseline_guangdong_2024", "--weeks", "1", "--seed", "5",
                 "--out", str(out), "--force"]) == 2
    _one_error_line(capsys)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_a_full_disk_while_creating_an_experiment_leaves_no_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from experiments.storage import experiment_store

    monkeypatch.setattr(experiment_store, "write_json", _no_space)  # the manifest write fails
    out = tmp_path / "exp"
    assert main(["sensitivity", "ci_small", "--serial", "--no-progress", "--out", str(out)]) == 2
    assert "No space left on device" in _one_error_line(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs Linux's read-only /sys")
def test_an_unwritable_output_folder_gives_one_clear_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    out = "/sys/plsim-results"
    assert main(["run", "baseline_guangdong_2024", "--weeks", "1", "--out", out]) == 2
    err = _one_error_line(capsys)
    assert f"cannot write results to {out}" in err and "choose another --out" in err


def test_a_read_only_file_system_is_named_in_the_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(*_args: object, **_kwargs: object) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(provenance.tempfile, "mkdtemp", read_only)
    with pytest.raises(OutputError, match="read-only"), atomic_folder(tmp_path / "x", False):
        pass
    assert list(tmp_path.iterdir()) == []


def test_an_atomic_folder_appears_only_when_complete(tmp_path: Path) -> None:
    out = tmp_path / "done"
    with atomic_folder(out, force=False) as tmp:
        (tmp / "a.txt").write_text("a")
        assert not out.exists() and tmp.parent == tmp_path
    assert (out / "a.txt").read_text() == "a"
    assert [p.name for p in tmp_path.iterdir()] == ["done"]
    assert out.stat().st_mode & 0o777 != 0o700  # ordinary permissions, not mkdtemp's


def test_an_error_while_writing_removes_the_temporary_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_folder(tmp_path / "x", force=False) as tmp:
        (tmp / "half.txt").write_text("half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_report_force_refuses_to_replace_an_html_file_plsim_did_not_write(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    assert main(["run", "baseline_guangdong_2024", "--weeks", "1", "--out", str(run)]) == 0
    mine = tmp_path / "index.html"
    mine.write_text("<html><body>my own page</body></html>", encoding="utf-8")
    capsys.readouterr()
    assert main(["report", str(run), "--out", str(mine), "--force"]) == 2
    assert "not a report plsim wrote" in _one_error_line(capsys)
    assert mine.read_text(encoding="utf-8") == "<html><body>my own page</body></html>"


def test_an_os_error_anywhere_in_a_command_is_one_line_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from interfaces.commands import validate

    def broken(_args: object) -> int:
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(tmp_path / "disk"))

    monkeypatch.setattr(validate, "handle", broken)
    assert main(["validate", "baseline_guangdong_2024"]) == 2
    err = _one_error_line(capsys)
    assert f"{tmp_path / 'disk'}: Input/output error" in err
