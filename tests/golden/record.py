"""Record the golden master: outputs a behaviour-preserving change keeps bit-identical.

What is recorded, for every bundled scenario at seeds 1 and 2 over one year:

- the full weekly series (every model-level metric),
- the synthetic survey at week 0 and at the end,
- the term-end student and teacher snapshots,
- the term-end administrator evaluations;

plus every run of the tiny experiment ``experiments/specs/ci_small.toml`` (scalars and series) and
a two-replicate comparison of three scenarios (rows and weekly series).

Each table is stored as Parquet under ``tests/golden/data``; the student snapshots, the only large
table, are stored as one SHA-256 digest per column plus their column means (enough to prove
bit-identity and to size a change). ``python -m tests.golden.record`` rewrites the files and prints
the largest absolute difference from the previous recording, table by table.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
SEEDS = (1, 2)
COMPARED = ("baseline_guangdong_2024", "ding_full_model", "self_paced_unequal_access")


def _scenario_names() -> list[str]:
    from simulation.scenario import BUNDLED_DIR

    return sorted(p.stem for p in Path(BUNDLED_DIR).glob("*.toml"))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame with a fresh index and string column names (what Parquet stores)."""
    out = frame.reset_index(drop=True).copy()
    out.columns = [str(c) for c in out.columns]
    return out


def column_digests(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per column: the SHA-256 of its values' bytes, and its mean where numeric."""
    rows = []
    for name in frame.columns:
        values = frame[name].to_numpy()
        if values.dtype == object:
            data = "\x1f".join(map(repr, values.tolist())).encode()
            mean = np.nan
        else:
            data = np.ascontiguousarray(values).tobytes()
            mean = float(np.mean(values.astype(float))) if values.size else np.nan
        rows.append({"column": str(name), "dtype": str(values.dtype), "rows": len(values),
                     "sha256": hashlib.sha256(data).hexdigest(), "mean": mean})
    return pd.DataFrame(rows)


def scenario_tables() -> Iterator[tuple[str, pd.DataFrame]]:
    """The tables of every bundled scenario at each seed, one year."""
    from simulation import api

    for name in _scenario_names():
        for seed in SEEDS:
            result = api.run(name, seed=seed)
            key = f"scenario-{name}-seed{seed}"
            yield f"{key}-timeseries", _plain(result.timeseries)
            yield f"{key}-survey", _plain(result.survey)
            yield f"{key}-teachers", _plain(result.teacher_snapshots)
            yield f"{key}-students-digest", column_digests(_plain(result.student_snapshots))
            evaluations = pd.DataFrame([{k: json.dumps(v, sort_keys=True, default=str)
                                         for k, v in e.items()} for e in result.evaluations])
            yield f"{key}-evaluations", _plain(evaluations)


def experiment_tables() -> Iterator[tuple[str, pd.DataFrame]]:
    """Every run of the bundled tiny experiment, in this process."""
    from experiments.running.runner import run_experiment

    spec = Path(__file__).resolve().parents[2] / "experiments" / "specs" / "ci_small.toml"
    with tempfile.TemporaryDirectory() as tmp:
        results = run_experiment(spec, Path(tmp) / "ci_small", serial=True, progress=False,
                                 log=open(Path(tmp) / "log.txt", "w"))  # noqa: SIM115
        runs = results.runs.drop(columns=[c for c in ("duration_s", "cpu_s", "attempt",
                                                      "worker", "finished_at")
                                          if c in results.runs.columns])
        keep = [c for c in runs.columns if c not in ("error",)]
        yield "experiment-ci_small-runs", _plain(runs[keep].sort_values("run_id"))
        series = results.timeseries.sort_values(["run_id", "metric", "week"])
        yield "experiment-ci_small-timeseries", _plain(series)
        yield "experiment-ci_small-design", _plain(results.design)


def comparison_tables() -> Iterator[tuple[str, pd.DataFrame]]:
    """A two-replicate comparison of three scenarios, in this process."""
    from experiments.comparison.paired import compare

    result = compare(COMPARED[0], list(COMPARED[1:]), replicates=2, seed=7, workers=1,
                     worlds="fixed")
    rows = pd.DataFrame([{k: json.dumps(v, sort_keys=True, default=str) for k, v in r.items()}
                         for r in result.rows])
    yield "comparison-rows", _plain(rows)
    yield "comparison-timeseries", _plain(result.timeseries)


def all_tables() -> Iterator[tuple[str, pd.DataFrame]]:
    """Every golden-master table, by name."""
    yield from scenario_tables()
    yield from experiment_tables()
    yield from comparison_tables()


def largest_difference(old: pd.DataFrame, new: pd.DataFrame) -> float | str:
    """Largest absolute difference of two tables' numeric cells, or why they cannot be compared."""
    if list(old.columns) != list(new.columns) or len(old) != len(new):
        return f"shape or columns differ ({old.shape} -> {new.shape})"
    worst = 0.0
    for name in old.columns:
        a, b = old[name].to_numpy(), new[name].to_numpy()
        if a.dtype.kind in "fiub" and b.dtype.kind in "fiub":
            a, b = a.astype(float), b.astype(float)
            both_nan = np.isnan(a) & np.isnan(b)
            diff = np.where(both_nan, 0.0, np.abs(a - b))
            if np.isnan(diff).any():
                return f"column {name}: NaN pattern differs"
            worst = max(worst, float(diff.max(initial=0.0)))
        elif not np.array_equal(a.astype(str), b.astype(str)):
            return f"column {name}: non-numeric values differ"
    return worst


def record() -> dict[str, Any]:
    """Rewrite the golden master; return the largest difference per table from the old one."""
    DATA.mkdir(parents=True, exist_ok=True)
    changes: dict[str, Any] = {}
    for name, frame in all_tables():
        path = DATA / f"{name}.parquet"
        if path.exists():
            diff = largest_difference(pd.read_parquet(path), frame)
            if diff != 0.0:
                changes[name] = diff
        else:
            changes[name] = "new"
        frame.to_parquet(path, compression="zstd", index=False)
    return changes


def main() -> int:
    """Command line: rewrite the golden master and print what changed."""
    changes = record()
    if not changes:
        print("golden master unchanged")
    for name, diff in changes.items():
        print(f"{name}: {diff}")
    numeric = [d for d in changes.values() if isinstance(d, float)]
    if numeric:
        print(f"largest absolute difference: {max(numeric):.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
