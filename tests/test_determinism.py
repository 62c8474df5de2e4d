"""Same scenario and seed give identical results; different seeds differ."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd

from simulation import api
from tests.conftest import ROOT


def _run(seed: int, scenario: str = "ding_full_model") -> api.RunResult:
    return api.run(scenario, seed=seed, weeks=20)


def test_same_seed_gives_identical_timeseries_survey_and_snapshots() -> None:
    a, b = _run(7), _run(7)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(a.survey, b.survey)
    pd.testing.assert_frame_equal(a.student_snapshots, b.student_snapshots)
    pd.testing.assert_frame_equal(a.teacher_snapshots, b.teacher_snapshots)


def test_different_seeds_give_different_results() -> None:
    a, b = _run(7), _run(8)
    assert not np.allclose(a.timeseries["achievement_mean"].to_numpy()[1:],
                           b.timeseries["achievement_mean"].to_numpy()[1:])


def test_results_are_identical_in_a_fresh_process() -> None:
    code = ("from simulation import api; r = api.run('ding_full_model', seed=7, weeks=20).final; "
            "print(repr(float(r['achievement_mean'])), repr(float(r['engagement_mean'])))")
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env=env).stdout.split()
    here = _run(7).final
    assert float(out[0]) == here["achievement_mean"]
    assert float(out[1]) == here["engagement_mean"]


#: A digest of every output table of a short run, printed by a subprocess.
DIGEST_CODE = """
import hashlib
from simulation import api
r = api.run('ding_full_model', seed=11, weeks=6)
h = hashlib.sha256()
for frame in (r.timeseries, r.survey, r.student_snapshots, r.teacher_snapshots):
    h.update(frame.to_csv(float_format=repr).encode())
# the week-0 calibration over targets other scenarios and designs use
from simulation.calibration import _solve
for n in (4, 30, 2000):
    for mean in (1.8, 2.4, 2.9, 3.4):
        for sd in (0.6, 0.8, 1.0):
            h.update(repr(_solve(n, mean, sd, 0.5)).encode())
print(h.hexdigest())
"""

#: OpenBLAS kernels (``None``: let OpenBLAS detect the CPU) and thread counts to vary.
BLAS_SETTINGS: list[tuple[str | None, str]] = [
    (None, "1"), (None, "2"), ("Haswell", "1"), ("Haswell", "2"), ("Prescott", "1"),
    ("Nehalem", "2"), ("SkylakeX", "1"),
]


def _digest_under(coretype: str | None, threads: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}
    env.update(OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads, PYTHONHASHSEED="0")
    if coretype is not None:
        env["OPENBLAS_CORETYPE"] = coretype
    return subprocess.run([sys.executable, "-c", DIGEST_CODE], cwd=ROOT, capture_output=True,
                          text=True, check=True, env=env).stdout.strip()


def test_results_are_bit_identical_whatever_the_blas_kernel_and_thread_count() -> None:
    digests = {setting: _digest_under(*setting) for setting in BLAS_SETTINGS}
    assert len(set(digests.values())) == 1, digests


def test_scenarios_with_the_same_seed_share_the_week0_population() -> None:
    base = api.run("baseline_guangdong_2024", seed=3, weeks=0)
    alt = api.run("coaching_only", seed=3, weeks=0)
    pd.testing.assert_frame_equal(
        base.student_snapshots[["achievement", "engagement_affective", "self_regulation"]],
        alt.student_snapshots[["achievement", "engagement_affective", "self_regulation"]])


def test_manifest_environment_records_cpu_blas_and_thread_settings(monkeypatch) -> None:
    from experiments.storage.provenance import environment

    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    env = environment()
    assert env["cpu"]["model"]
    assert env["cpu"]["cores"] >= 1
    assert env["threads"]["OPENBLAS_NUM_THREADS"] == "1"
    assert any(lib.get("internal_api") == "openblas" or "openblas" in str(lib.get("name"))
               for lib in env["blas"]), env["blas"]
