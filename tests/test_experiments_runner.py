"""The runner: the same results on every executor, crash-safe resume, kept failures."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from experiments.design.spec import SPECS_DIR, SpecError, load_spec
from experiments.running import tasks as task_module
from experiments.running.executors import DaskExecutor, ExecutorError, InProcessExecutor
from experiments.running.runner import plan_experiment, run_experiment
from experiments.storage.experiment_store import (
    IncompleteResultsError,
    Results,
    ResultsStore,
    load_results,
)
from interfaces.cli import main as plsim
from interfaces.commands.finish import finish_command

ROOT = Path(__file__).resolve().parent.parent
SPEC = "ci_small"


def comparable(results: Results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run outcomes and time series without the fields that legitimately vary (timing, worker)."""
    runs = results.runs.drop(columns=["part", "duration_s", "cpu_s", "worker", "attempt"])
    return runs.sort_values("run_id").reset_index(drop=True), results.timeseries


def assert_same(a: Results, b: Results) -> None:
    runs_a, series_a = comparable(a)
    runs_b, series_b = comparable(b)
    pd.testing.assert_frame_equal(runs_a, runs_b, check_exact=True)
    pd.testing.assert_frame_equal(series_a, series_b, check_exact=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """ci_small run serially in this process, uninterrupted."""
    out = tmp_path_factory.mktemp("reference") / "ci_small"
    return run_experiment(SPEC, out, serial=True, progress=False)


def test_reference_run_is_complete_with_one_record_per_run(reference: Results) -> None:
    plan = plan_experiment(SPEC)
    assert reference.summary() == {"planned": plan.n_runs, "ok": plan.n_runs, "failed": 0,
                                   "missing": 0}
    raw = ResultsStore(reference.path).read_runs(all_attempts=True)
    assert len(raw) == plan.n_runs and raw["run_id"].is_unique
    assert reference.design["run_id"].tolist() == list(range(plan.n_runs))
    series = reference.timeseries
    assert len(series) == plan.n_runs * 2 * 3  # 2 metrics x weeks 0, 6, 12
    manifest = reference.manifest
    assert manifest["root_seed"] == 20240611 and len(manifest["fingerprint"]) == 64
    assert manifest["environment"]["packages"]["SALib"]
    assert (reference.path / "spec.toml").read_text() == (SPECS_DIR / "ci_small.toml").read_text()


def test_identical_results_serially_on_processes_and_on_dask(reference: Results,
                                                             tmp_path: Path) -> None:
    processes = run_experiment(SPEC, tmp_path / "processes", workers=2, chunk_size=3,
                               progress=False)
    assert_same(reference, processes)
    assert processes.runs["worker"].nunique() == 2
    dask = run_experiment(SPEC, tmp_path / "dask", dask="local", workers=2, chunk_size=2,
                          progress=False)
    assert_same(reference, dask)
    assert dask.manifest["sessions"][-1]["executor"] == "dask"


def test_runs_do_not_depend_on_order(reference: Results) -> None:
    plan = plan_experiment(SPEC)
    tasks = [plan.task(i) for i in (9, 0, 41, 3)]
    records = {r.run_id: r for r in InProcessExecutor().run(plan.context(), tasks)}
    ref = reference.runs.set_index("run_id")
    for run_id, record in records.items():
        for name, value in record.scalars.items():
            assert value == ref.loc[run_id, name]


@pytest.mark.slow
def test_sigkill_then_resume_equals_an_uninterrupted_run(reference: Results,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "interfaces.cli", "sensitivity", SPEC, "--out", str(out),
           "--workers", "2", "--part-runs", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list((out / "runs").glob("part-*.parquet"))) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        os.killpg(proc.pid, signal.SIGKILL)  # the whole group: the runner and its workers
    finally:
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()
    interrupted = load_results(out)
    assert not interrupted.complete and interrupted.summary()["ok"] >= 6
    with pytest.raises(IncompleteResultsError, match="resume the experiment") as info:
        interrupted.check_complete()
    assert finish_command(info.value.request).startswith("plsim sensitivity ")
    assert finish_command(info.value.request).endswith(f"ci_small.toml --out {out} --resume")

    assert plsim(["sensitivity", SPEC, "--out", str(out), "--resume", "--serial",
                  "--no-progress"]) == 0
    resumed = load_results(out)
    raw = ResultsStore(out).read_runs(all_attempts=True)
    assert len(raw) == len(reference.design) and raw["run_id"].is_unique  # none lost or repeated
    assert_same(reference, resumed)
    first, last = resumed.manifest["sessions"][0], resumed.manifest["sessions"][-1]
    assert "ended" not in first  # killed: it never got to record its end
    assert last["status"] == "finished" and last["completed"] == last["pending"] > 0


def test_resume_removes_leftovers_of_an_interrupted_write(reference: Results,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "partial"
    stop_after = 10

    def interrupt(record: task_module.RunRecord) -> None:
        if record.run_id == stop_after:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(SPEC, out, serial=True, progress=False, on_record=interrupt)
    assert load_results(out).summary()["ok"] == stop_after + 1  # the buffer was flushed
    (out / "runs" / "part-000050.parquet.tmp").write_bytes(b"half a file")
    orphan = out / "timeseries" / "part-000049.parquet"
    orphan.write_bytes((out / "timeseries" / "part-000001.parquet").read_bytes())
    resumed = run_experiment(SPEC, out, serial=True, progress=False, resume=True)
    assert not orphan.exists() and not list(out.rglob("*.tmp"))
    assert_same(reference, resumed)


def test_failures_are_recorded_then_retried(reference: Results, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real_run = task_module.api.run
    broken = {(2, 1), (17, 0), (30, 1)}

    def flaky(*args, **kwargs):
        if tuple(kwargs["rng"].spawn_key) in broken:
            raise RuntimeError("injected failure")
        return real_run(*args, **kwargs)

    monkeypatch.setattr(task_module.api, "run", flaky)
    out = tmp_path / "flaky"
    results = run_experiment(SPEC, out, serial=True, progress=False)
    failed = results.failed()
    assert sorted(zip(failed["point"], failed["replicate"])) == sorted(broken)
    assert failed["error"].str.contains("RuntimeError: injected failure").all()
    assert failed[results.scalars].isna().all().all()
    with pytest.raises(IncompleteResultsError) as info:
        results.check_complete()
    assert "3 failed (run ids 5, 34, 61" in str(info.value)
    assert "resume the experiment, re-running failed runs" in str(info.value)
    assert finish_command(info.value.request).endswith(f"--out {out} --retry-failed")

    again = run_experiment(SPEC, out, serial=True, progress=False, resume=True)
    assert len(again.failed()) == 3  # resume alone does not re-run failures

    monkeypatch.setattr(task_module.api, "run", real_run)
    retried = run_experiment(SPEC, out, serial=True, progress=False, retry_failed=True)
    assert retried.complete
    assert_same(reference, retried)
    raw = ResultsStore(out).read_runs(all_attempts=True)
    assert len(raw) == len(reference.design) + 3
    assert sorted(raw.loc[raw["attempt"] == 2, "run_id"]) == [5, 34, 61]


def test_resuming_with_a_changed_spec_is_refused(reference: Results, tmp_path: Path) -> None:
    changed = tmp_path / "ci_small.toml"
    changed.write_text((SPECS_DIR / "ci_small.toml").read_text().replace("n = 8", "n = 16"))
    with pytest.raises(SpecError, match=r"cannot resume.*design\.n: 8 -> 16"):
        run_experiment(changed, reference.path, serial=True, progress=False, resume=True)
    with pytest.raises(FileExistsError, match="--resume"):
        run_experiment(SPEC, reference.path, serial=True, progress=False)


def test_unreachable_dask_scheduler_is_a_clear_error_and_changes_nothing(
        reference: Results, tmp_path: Path) -> None:
    out = tmp_path / "never"
    with pytest.raises(ExecutorError, match="cannot reach the Dask scheduler at tcp://"):
        run_experiment(SPEC, out, executor=DaskExecutor("tcp://127.0.0.1:9", timeout=1),
                       progress=False)
    assert not out.exists()
    before = {p: p.stat().st_mtime_ns for p in reference.path.rglob("*")}
    with pytest.raises(ExecutorError, match="nothing was run"):
        run_experiment(SPEC, reference.path, executor=DaskExecutor("tcp://127.0.0.1:9", timeout=1),
                       resume=True, progress=False)
    assert {p: p.stat().st_mtime_ns for p in reference.path.rglob("*")} == before
    with pytest.raises(ExecutorError, match="'local'.*tcp://HOST:8786"):
        run_experiment(SPEC, out, dask="localhost:8786", progress=False)


def test_invalid_design_points_are_refused_before_running(tmp_path: Path) -> None:
    text = (SPECS_DIR / "ci_small.toml").read_text().replace(
        '"administrators.budget_per_student" = 100000.0',
        '"administrators.budget_per_student" = 250.0').replace(
        'name = "resources.adaptive_platform"',
        'name = "resources.adaptive_platform"\nlevels = [true, false]')  # valid at mid values
    path = tmp_path / "poor.toml"
    path.write_text(text)
    with pytest.raises(SpecError, match="design points are invalid scenarios.*budget"):
        run_experiment(load_spec(path), tmp_path / "poor", serial=True, progress=False)
    assert not (tmp_path / "poor").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def dask_cluster(workers: int = 2) -> Iterator[tuple[str, subprocess.Popen]]:
    """A dask scheduler and workers started as separate processes; yields (address, scheduler)."""
    dask = Path(sys.executable).with_name("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    started = []
    try:
        started.append(subprocess.Popen(
            [str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True))
        started.append(subprocess.Popen(
            [str(dask), "worker", address, "--nworkers", str(workers), "--nthreads", "1",
             "--no-dashboard"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True))
        deadline = time.monotonic() + 60
        while True:  # wait until the workers have registered
            try:
                probe = DaskExecutor(address, timeout=5)
                probe.open()
                ready = probe.workers >= workers
                probe.close()
                if ready:
                    break
            except ExecutorError:
                pass
            assert time.monotonic() < deadline, "dask workers did not start"
            time.sleep(0.5)
        yield address, started[0]
    finally:
        for proc in reversed(started):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.mark.slow
def test_a_running_dask_scheduler_over_tcp(reference: Results, tmp_path: Path) -> None:
    """``--dask tcp://HOST:PORT``: a separately started scheduler and workers give the same runs."""
    with dask_cluster() as (address, _):
        results = run_experiment(SPEC, tmp_path / "tcp", dask=address, progress=False)
    assert_same(reference, results)
    assert results.runs["worker"].nunique() == 2


@pytest.mark.slow
def test_losing_the_dask_scheduler_mid_run_keeps_finished_runs(reference: Results,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "lost"
    with dask_cluster() as (address, scheduler):
        def kill_scheduler(record: task_module.RunRecord) -> None:
            if record.run_id == 20:
                os.killpg(scheduler.pid, signal.SIGKILL)

        with pytest.raises(ExecutorError, match="lost the Dask scheduler.*--resume"):
            run_experiment(SPEC, out, dask=address, progress=False, part_runs=4,
                           on_record=kill_scheduler)
    saved = load_results(out).summary()
    # at most 2 x 2 runs are in flight: when run 20 arrives, runs 0-16 have arrived too
    assert saved["ok"] >= 17 and saved["missing"] > 0 and saved["failed"] == 0
    resumed = run_experiment(SPEC, out, serial=True, progress=False, resume=True)
    assert_same(reference, resumed)


def test_resume_after_a_crash_while_creating_the_folder_starts_again(reference: Results,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "creating"
    (out / "runs").mkdir(parents=True)
    (out / "design.parquet").write_bytes((reference.path / "design.parquet").read_bytes())
    resumed = run_experiment(SPEC, out, serial=True, progress=False, resume=True)
    assert_same(reference, resumed)
