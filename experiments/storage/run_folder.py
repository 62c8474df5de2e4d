"""The results folder of one run: series, snapshots, survey, manifest and figures.

Layout::

    timeseries.parquet          one row per week (week 0 = initial state), model-level metrics
    student_snapshots.parquet   every student at week 0 and each term end
    teacher_snapshots.parquet   every teacher at week 0 and each term end
    survey.csv                  synthetic survey at week 0 and at the end, with the published values
    evaluations.json            administrators' term-end evaluations (when any)
    manifest.json               resolved scenario, seed, weeks, warnings, costs, summary and
                                environment (code and package versions)
    figures/*.png               achievement, engagement, preparedness and adoption, survey

The snapshot files are stored compactly (they were most of a run's disk: 329 MB for a million
students over a year): Parquet with zstd compression, float columns as float32 (about 7
significant digits; the model computes in float64 and the time series keep float64), integer
columns in the smallest integer type that holds their values, booleans as booleans. pandas and
pyarrow read them as usual (``pd.read_parquet``); cast to float64 before arithmetic that needs
full precision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.reporting.figures import run_figures
from experiments.reporting.published_survey import with_published
from experiments.storage.provenance import (
    atomic_folder,
    check_output_name,
    check_replaceable,
    environment,
    write_json,
)
from simulation.api import RunResult, weeks_per_year
from simulation.costs import annual_costs
from simulation.scenario import Scenario

RESULTS_ROOT = Path("results")

#: Final-week metrics kept in a run's manifest summary.
SUMMARY_METRICS: tuple[str, ...] = (
    "achievement_mean", "achievement_sd", "achievement_bottom_quartile",
    "achievement_top_quartile", "gap_bottom_top", "gap_access", "engagement_mean",
    "student_competency", "teacher_preparedness", "administrator_preparedness", "adoption_mean",
    "teacher_stress", "burnout_share", "cost_per_student", "spending_per_student", "budget_used",
)


def default_run_folder(scenario_name: str, seed: int, where: str = "scenario") -> Path:
    """``results/runs/<scenario>-seed<N>`` (relative to the working directory).

    Raises
    ------
    OutputError
        The scenario's name could escape ``results/`` (empty, absolute, a path separator,
        ``..``); ``where`` names its file in the message.
    """
    check_output_name(scenario_name, where)
    return RESULTS_ROOT / "runs" / f"{scenario_name}-seed{seed}"


def check_folder(path: Path, force: bool) -> None:
    """Refuse, before any work, a folder that exists and is not empty unless ``force``, and a
    folder plsim did not write even with ``force``.

    Nothing is created or removed here; :func:`experiments.storage.provenance.atomic_folder`
    writes the new folder under a temporary name and swaps it in once complete.

    Raises
    ------
    FileExistsError
        The folder exists, is not empty and ``force`` is false.
    UserError
        The path is a file, or a folder without a plsim manifest.
    """
    check_replaceable(Path(path), force)


def scenario_record(scenario: Scenario) -> dict[str, Any]:
    """A scenario as stored in manifests: identity, inheritance, warnings and every value."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        "question": scenario.question,
        "source": scenario.source,
        "chain": list(scenario.chain),
        "warnings": list(scenario.warnings),
        "annual_costs_per_student": annual_costs(scenario.values),
        "values": {section: dict(kv) for section, kv in scenario.values.items()},
    }


def run_summary(result: RunResult) -> dict[str, dict[str, float]]:
    """``{metric: {"week_0", "end", "change"}}`` for the summary metrics."""
    first, last = result.timeseries.iloc[0], result.timeseries.iloc[-1]
    return {m: {"week_0": float(first[m]), "end": float(last[m]),
                "change": float(last[m] - first[m])} for m in SUMMARY_METRICS}


def run_manifest(result: RunResult, files: list[str]) -> dict[str, Any]:
    """The manifest of a run folder."""
    sc = result.scenario
    return {
        "kind": "run",
        "scenario": scenario_record(sc),
        "seed": result.seed,
        "weeks": result.weeks,
        "years": result.weeks / weeks_per_year(sc),
        "warnings": list(sc.warnings),
        "summary": run_summary(result),
        "files": files,
        "environment": environment(),
    }


def write_run_folder(result: RunResult, folder: Path, force: bool = False) -> Path:
    """Write one run's results folder.

    Parameters
    ----------
    result
        The output of :func:`simulation.api.run`.
    folder
        Destination; refused when it exists and is not empty, unless ``force``.
    force
        Replace an existing folder.
    """
    folder = Path(folder)
    with atomic_folder(folder, force) as tmp:
        _write_run_files(result, tmp)
    return folder


#: Rows per Parquet row group of a snapshot file (written one group at a time: the conversion
#: to Arrow never copies the whole table).
SNAPSHOT_ROW_GROUP = 1 << 18


def _disk_type(values: np.ndarray) -> pa.DataType | None:
    """The compact on-disk type of one snapshot column (None: as pandas stores it)."""
    if values.dtype.kind == "f":
        return pa.float32()
    if values.dtype.kind in "iu" and values.size:
        low, high = int(values.min()), int(values.max())
        for dtype, arrow in ((np.int8, pa.int8()), (np.int16, pa.int16()),
                             (np.int32, pa.int32())):
            info = np.iinfo(dtype)
            if info.min <= low and high <= info.max:
                return arrow
        return pa.int64()
    if values.dtype.kind == "b":
        return pa.bool_()
    return None


def write_snapshots(frame: pd.DataFrame, path: Path) -> None:
    """Write a snapshot table compactly (see the module docstring): zstd, float32, small ints."""
    columns = {str(c): frame[c].to_numpy() for c in frame.columns}
    found = {c: _disk_type(v) for c, v in columns.items()}
    types = {c: t for c, t in found.items() if t is not None}
    if frame.empty or not columns or len(types) < len(found):
        frame.to_parquet(path, index=False, compression="zstd")
        return
    schema = pa.schema([(c, t) for c, t in types.items()])
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for start in range(0, len(frame), SNAPSHOT_ROW_GROUP):
            stop = start + SNAPSHOT_ROW_GROUP
            arrays = [pa.array(v[start:stop].astype(types[c].to_pandas_dtype(), copy=False))
                      for c, v in columns.items()]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))


def _write_run_files(result: RunResult, folder: Path) -> None:
    result.timeseries.to_parquet(folder / "timeseries.parquet", index=False)
    write_snapshots(result.student_snapshots, folder / "student_snapshots.parquet")
    write_snapshots(result.teacher_snapshots, folder / "teacher_snapshots.parquet")
    with_published(result.survey).to_csv(folder / "survey.csv", index=False,
                                         float_format="%.4f")
    files = ["timeseries.parquet", "student_snapshots.parquet", "teacher_snapshots.parquet",
             "survey.csv"]
    if result.evaluations:
        write_json(folder / "evaluations.json", result.evaluations)
        files.append("evaluations.json")
    figures = run_figures(result, folder / "figures")
    files += [str(p.relative_to(folder)) for p in figures]
    write_json(folder / "manifest.json", run_manifest(result, [*files, "manifest.json"]))
