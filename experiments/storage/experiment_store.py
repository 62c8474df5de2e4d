"""The results folder of an experiment, written incrementally so that a crash loses almost nothing.

Layout::

    DIR/manifest.json           spec, fingerprint, root seed, environment, sessions
    DIR/spec.toml               the spec file as given (when it came from a file)
    DIR/design.parquet          one row per run: run_id, point, replicate, seed, factor values,
                                and the unit samples (columns "u:<factor>")
    DIR/runs/part-NNNNNN.parquet        one row per finished run attempt: status, error, scalars
    DIR/timeseries/part-NNNNNN.parquet  long format: run_id, week, metric, value
    DIR/survey/part-NNNNNN.parquet      (comparisons) each run's survey at week 0 and at the end

Each part is written under a temporary name and renamed into place. The time-series and survey parts
are written before the runs part with the same number, and only runs parts count: a time-series or
survey part without its runs part (a crash between the two) is ignored and removed on resume, so a
run is either fully recorded or not at all. A retried run appears again with a higher
``attempt``; readers keep the latest attempt of each run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.running.tasks import RunRecord
from experiments.storage.provenance import atomic_folder, check_replaceable, write_json
from simulation.errors import UserError

__all__ = ["COMPARISON_FORMAT", "FORMAT", "IncompleteResultsError", "Results", "ResultsStore",
           "ResumeRequest", "create_store", "load_results", "open_to_resume"]

FORMAT = "plsim-experiment/1"
#: The format of a comparison's folder (the same store, arms as its design points).
COMPARISON_FORMAT = "plsim-comparison/1"
#: What a folder holds after :meth:`ResultsStore.create` and before any run is recorded.
CREATION_LAYOUT = frozenset({"design.parquet", "design.parquet.tmp", "spec.toml", "spec.toml.tmp",
                             "runs", "timeseries", "survey", "manifest.json.tmp"})
RUN_COLUMNS = ("run_id", "point", "replicate", "attempt", "status", "error", "duration_s",
               "cpu_s", "worker")
PART = re.compile(r"^part-(\d{6})\.parquet$")


@dataclass(frozen=True)
class ResumeRequest:
    """What finishing an incomplete folder takes: the kind of experiment, its spec, the folder,
    and whether failed runs must be re-run. Interfaces render it (a command line, a button)."""

    kind: str
    spec: str | None
    folder: Path
    retry_failed: bool


class IncompleteResultsError(UserError):
    """Some runs are missing or failed; the message lists them, ``request`` says how to finish."""

    def __init__(self, message: str, request: ResumeRequest) -> None:
        super().__init__(message)
        self.request = request


class ResultsStore:
    """Read and write one experiment's results folder."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.runs_dir = self.path / "runs"
        self.series_dir = self.path / "timeseries"
        self.survey_dir = self.path / "survey"
        self._manifest: dict[str, Any] | None = None

    @property
    def manifest_path(self) -> Path:
        """The folder's ``manifest.json``."""
        return self.path / "manifest.json"

    @staticmethod
    def holds_results(path: str | Path) -> bool:
        """True when ``path`` has a manifest (a store, complete or not)."""
        return (Path(path) / "manifest.json").exists()

    @staticmethod
    def interrupted_creation(path: str | Path) -> bool:
        """True for a folder whose creation stopped before its manifest (no run recorded yet)."""
        path = Path(path)
        names = {p.name for p in path.iterdir()}
        if not names or not names <= CREATION_LAYOUT:
            return False
        return not any(any((path / sub).glob("part-*")) for sub in ("runs", "timeseries",
                                                                        "survey"))

    # --- creation and opening --------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, manifest: dict[str, Any], design: pd.DataFrame,
               spec_text: str | None = None) -> ResultsStore:
        """Write the manifest, design and spec into an (empty, existing) folder."""
        store = cls(path)
        store.runs_dir.mkdir(parents=True, exist_ok=True)
        store.series_dir.mkdir(parents=True, exist_ok=True)
        _write_parquet(design, store.path / "design.parquet")
        if spec_text is not None:
            tmp = store.path / "spec.toml.tmp"
            tmp.write_text(spec_text, encoding="utf-8")
            tmp.replace(store.path / "spec.toml")
        store.write_manifest(manifest)
        return store

    @classmethod
    def open(cls, path: str | Path, format: str = FORMAT) -> ResultsStore:
        """Open an existing results folder of ``format`` (a clear error if it is not one)."""
        store = cls(path)
        if not (store.path / "manifest.json").exists():
            if not store.path.exists():
                raise UserError(f"{store.path}: no such results folder")
            raise UserError(f"{store.path}: not an experiment results folder (no manifest.json)")
        manifest = store.manifest
        if manifest.get("format") != format and manifest.get("kind") == "comparison":
            raise UserError(f"{store.path}: holds a comparison of scenarios, not the results of "
                            "an experiment design")
        if manifest.get("format") != format:
            raise UserError(f"{store.path}/manifest.json: format {manifest.get('format')!r} is "
                            f"not {format!r}; it was written by another tool or version")
        return store

    # --- manifest and design ---------------------------------------------------------------------
    @property
    def manifest(self) -> dict[str, Any]:
        """The manifest (read once, then cached)."""
        if self._manifest is None:
            import json

            try:
                self._manifest = json.loads((self.path / "manifest.json").read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise UserError(f"{self.path}/manifest.json: cannot read it ({exc})") from None
        return self._manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace the manifest atomically."""
        self._manifest = manifest
        write_json(self.path / "manifest.json", manifest)

    def read_design(self) -> pd.DataFrame:
        """One row per run, in run_id order."""
        return pd.read_parquet(self.path / "design.parquet")

    # --- parts -----------------------------------------------------------------------------------
    def _parts(self, folder: Path) -> dict[int, Path]:
        if not folder.exists():
            return {}
        out = {}
        for p in folder.iterdir():
            m = PART.match(p.name)
            if m:
                out[int(m.group(1))] = p
        return dict(sorted(out.items()))

    def clean(self) -> list[Path]:
        """Remove leftovers of an interrupted write: temporary files and orphan series parts."""
        removed: list[Path] = []
        for folder in (self.runs_dir, self.series_dir, self.survey_dir):
            if folder.exists():
                for p in folder.glob("*.tmp"):
                    p.unlink(missing_ok=True)
                    removed.append(p)
        committed = set(self._parts(self.runs_dir))
        for folder in (self.series_dir, self.survey_dir):
            for number, p in self._parts(folder).items():
                if number not in committed:
                    p.unlink(missing_ok=True)
                    removed.append(p)
        return removed

    def next_part(self) -> int:
        """The number of the next part to write."""
        numbers = (set(self._parts(self.runs_dir)) | set(self._parts(self.series_dir))
                   | set(self._parts(self.survey_dir)))
        return max(numbers, default=0) + 1

    def write_part(self, records: Sequence[RunRecord], scalars: Sequence[str]) -> int:
        """Write records as one part (series first, then runs, each atomically); its number."""
        if not records:
            return 0
        number = self.next_part()
        name = f"part-{number:06d}.parquet"
        series = _series_frame(records)
        if series is not None:
            _write_parquet(series, self.series_dir / name)
        survey = _survey_frame(records)
        if survey is not None:
            self.survey_dir.mkdir(exist_ok=True)
            _write_parquet(survey, self.survey_dir / name)
        _write_parquet(_runs_frame(records, scalars), self.runs_dir / name)
        return number

    # --- reading ---------------------------------------------------------------------------------
    def read_runs(self, all_attempts: bool = False) -> pd.DataFrame:
        """Run records: the latest attempt of each run (or every attempt, with ``part``)."""
        frames = []
        for number, p in self._parts(self.runs_dir).items():
            frame = pd.read_parquet(p)
            frame.insert(0, "part", number)
            frames.append(frame)
        if not frames:
            return pd.DataFrame(columns=["part", *RUN_COLUMNS])
        runs = pd.concat(frames, ignore_index=True)
        runs = runs.sort_values(["run_id", "attempt", "part"], kind="stable")
        if not all_attempts:
            runs = runs.drop_duplicates("run_id", keep="last")
        return runs.reset_index(drop=True)

    def read_timeseries(self, runs: pd.DataFrame | None = None) -> pd.DataFrame:
        """Long time series of the latest attempt of each run."""
        runs = self.read_runs() if runs is None else runs
        committed = self._parts(self.runs_dir)
        frames = []
        for number, p in self._parts(self.series_dir).items():
            if number in committed:
                frame = pd.read_parquet(p)
                frame.insert(0, "part", number)
                frames.append(frame)
        if not frames:
            return pd.DataFrame(columns=["run_id", "point", "replicate", "week", "metric",
                                         "value"])
        series = pd.concat(frames, ignore_index=True)
        keep = runs[["run_id", "attempt", "part"]]
        series = series.merge(keep, on=["run_id", "attempt", "part"], how="inner")
        series = series.drop(columns=["part", "attempt"])
        return series.sort_values(["run_id", "metric", "week"], kind="stable").reset_index(
            drop=True)


    def read_survey(self, runs: pd.DataFrame | None = None) -> pd.DataFrame:
        """Each run's survey (latest attempt): run_id, point, replicate and the survey columns."""
        runs = self.read_runs() if runs is None else runs
        committed = self._parts(self.runs_dir)
        frames = []
        for number, p in self._parts(self.survey_dir).items():
            if number in committed:
                frame = pd.read_parquet(p)
                frame.insert(0, "part", number)
                frames.append(frame)
        if not frames:
            return pd.DataFrame(columns=["run_id", "point", "replicate"])
        survey = pd.concat(frames, ignore_index=True)
        keep = runs[["run_id", "attempt", "part"]]
        survey = survey.merge(keep, on=["run_id", "attempt", "part"], how="inner")
        return survey.drop(columns=["part", "attempt"]).sort_values(
            ["run_id"], kind="stable").reset_index(drop=True)


def create_store(out: Path, replace: bool, manifest: dict[str, Any], design: pd.DataFrame,
                 spec_text: str | None = None) -> ResultsStore:
    """Create the results folder ``out`` (replacing a plsim folder when ``replace``) with its
    manifest, run table and spec: the one place a store's folder is made, for every kind."""
    # created under a temporary name and renamed once its manifest is written
    with atomic_folder(out, replace, layout=CREATION_LAYOUT) as tmp:
        ResultsStore.create(tmp, manifest, design, spec_text)
    return ResultsStore.open(out, str(manifest.get("format", FORMAT)))  # as a resume sees it


def open_to_resume(out: Path, fingerprint: str, resume: bool, force: bool, format: str = FORMAT,
                   changed: Callable[[dict[str, Any]], str] | None = None,
                   error: type[UserError] = UserError
                   ) -> tuple[ResultsStore | None, dict[str, Any] | None, bool]:
    """The store to continue when resuming, its manifest, and whether a new folder may replace
    what is at ``out``.

    Parameters
    ----------
    out
        The results folder asked for.
    fingerprint
        Of everything that determines the runs now; resuming requires the stored one to match.
    resume, force
        Continue an existing store; replace what is there.
    changed
        Says what differs, given the stored manifest (for the refusal's message).
    error
        The error class raised when the plan changed.

    Raises
    ------
    FileExistsError
        ``out`` holds files and neither ``resume`` nor ``force`` says what to do with them.
    """
    if resume and ResultsStore.holds_results(out):
        store = ResultsStore.open(out, format)
        old = store.manifest
        if old.get("fingerprint") != fingerprint:
            what = changed(old) if changed is not None else "the settings changed"
            raise error(
                f"{out}: cannot resume: the plan differs from the one these results were made "
                f"with ({what}). Run the changed plan into a new --out folder, or restore the "
                "original settings")
        return store, old, False
    if resume and out.exists() and ResultsStore.interrupted_creation(out):
        return None, None, True  # nothing was run yet: start it again
    if out.exists() and any(out.iterdir()) and not force:
        what = "results" if ResultsStore.holds_results(out) else "files"
        raise FileExistsError(
            f"{out} already holds {what}; continue it with --resume (or --retry-failed), choose "
            "another --out, or pass --force to replace it")
    if force:  # refuse, before any work, to replace a folder plsim did not write
        check_replaceable(out, force, CREATION_LAYOUT)
    return None, None, force


def _survey_frame(records: Sequence[RunRecord]) -> pd.DataFrame | None:
    parts = []
    for r in records:
        if r.survey is not None:
            part = r.survey.copy()
            for k, (name, value) in enumerate((("run_id", r.run_id), ("point", r.point),
                                               ("replicate", r.replicate),
                                               ("attempt", r.attempt))):
                part.insert(k, name, np.int64(value))
            parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else None


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _runs_frame(records: Sequence[RunRecord], scalars: Sequence[str]) -> pd.DataFrame:
    data: dict[str, Any] = {
        "run_id": np.array([r.run_id for r in records], dtype=np.int64),
        "point": np.array([r.point for r in records], dtype=np.int64),
        "replicate": np.array([r.replicate for r in records], dtype=np.int64),
        "attempt": np.array([r.attempt for r in records], dtype=np.int64),
        "status": pd.Series([r.status for r in records], dtype="str"),
        "error": pd.Series([r.error for r in records], dtype="str"),
        "duration_s": np.array([r.duration for r in records], dtype=float),
        "cpu_s": np.array([r.cpu for r in records], dtype=float),
        "worker": pd.Series([r.worker for r in records], dtype="str"),
    }
    for name in scalars:
        data[name] = np.array([r.scalars.get(name, np.nan) for r in records], dtype=float)
    return pd.DataFrame(data)


def _series_frame(records: Sequence[RunRecord]) -> pd.DataFrame | None:
    rows: dict[str, list[Any]] = {k: [] for k in ("run_id", "point", "replicate", "attempt",
                                                  "week", "metric", "value")}
    for r in records:
        for metric, values in r.series.items():
            n = len(values)
            rows["run_id"] += [r.run_id] * n
            rows["point"] += [r.point] * n
            rows["replicate"] += [r.replicate] * n
            rows["attempt"] += [r.attempt] * n
            rows["week"] += list(r.series_weeks)
            rows["metric"] += [metric] * n
            rows["value"] += list(values)
    if not rows["run_id"]:
        return None
    return pd.DataFrame({
        "run_id": np.array(rows["run_id"], dtype=np.int64),
        "point": np.array(rows["point"], dtype=np.int64),
        "replicate": np.array(rows["replicate"], dtype=np.int64),
        "attempt": np.array(rows["attempt"], dtype=np.int64),
        "week": np.array(rows["week"], dtype=np.int64),
        "metric": pd.Series(rows["metric"], dtype="str"),
        "value": np.array(rows["value"], dtype=float),
    })


@dataclass
class Results:
    """An experiment's results as DataFrames (complete or not).

    Attributes
    ----------
    path
        The results folder.
    manifest
        The manifest (spec, seeds, environment, sessions).
    design
        One row per run (planned), with factor values and unit samples.
    runs
        One row per recorded run (latest attempt): status, error, scalar outputs.
    timeseries
        Long format: run_id, point, replicate, week, metric, value.
    """

    path: Path
    manifest: dict[str, Any]
    design: pd.DataFrame
    runs: pd.DataFrame
    timeseries: pd.DataFrame

    @property
    def factors(self) -> list[str]:
        """Factor names in design order."""
        return [f["name"] for f in self.manifest["factors"]]

    @property
    def scalars(self) -> list[str]:
        """Scalar outputs (final-week metrics)."""
        return list(self.manifest["outputs"]["scalars"])

    @property
    def method(self) -> str:
        """The design method."""
        return str(self.manifest["method"])

    @property
    def replicates(self) -> int:
        """Replicates per point."""
        return int(self.manifest["replicates"])

    @property
    def n_points(self) -> int:
        """Design points."""
        return int(self.manifest["n_points"])

    def missing_ids(self) -> list[int]:
        """Runs of the design with no record at all."""
        recorded = set(self.runs["run_id"].tolist())
        return [int(i) for i in self.design["run_id"] if int(i) not in recorded]

    def failed(self) -> pd.DataFrame:
        """Recorded runs whose latest attempt failed."""
        return self.runs[self.runs["status"] != "ok"]

    @property
    def complete(self) -> bool:
        """True when every run of the design succeeded."""
        return not self.missing_ids() and self.failed().empty

    def summary(self) -> dict[str, int]:
        """Counts of planned, ok, failed and missing runs."""
        return {"planned": len(self.design), "ok": int((self.runs["status"] == "ok").sum()),
                "failed": len(self.failed()), "missing": len(self.missing_ids())}

    def resume_request(self, retry: bool) -> ResumeRequest:
        """What completes this experiment (resuming it; with ``retry`` re-running failures)."""
        return ResumeRequest(kind=str(self.manifest.get("kind", "sensitivity")),
                             spec=self.manifest.get("spec_source"), folder=self.path,
                             retry_failed=retry)

    def check_complete(self, purpose: str = "analysis") -> None:
        """Raise :class:`IncompleteResultsError` naming missing and failed runs and the fix."""
        missing, failed = self.missing_ids(), self.failed()
        if not missing and failed.empty:
            return
        parts = []
        if missing:
            parts.append(f"{len(missing)} of {len(self.design)} runs have no result "
                         f"(run ids {_ranges(missing)})")
        if not failed.empty:
            first = (str(failed["error"].iloc[0]).splitlines() or ["no error text"])[0]
            parts.append(f"{len(failed)} failed (run ids {_ranges(failed['run_id'].tolist())}; "
                         f"first error: {first})")
        request = self.resume_request(retry=not failed.empty)
        how = "resume the experiment" + (", re-running failed runs" if request.retry_failed
                                          else "")
        raise IncompleteResultsError(
            f"{self.path}: {purpose} needs every run, but " + " and ".join(parts)
            + f". Finish them: {how}", request)

    def outcome_matrix(self, outcome: str) -> np.ndarray:
        """``(n_points, replicates)`` values of a scalar outcome; requires complete results."""
        self.check_complete()
        ok = self.runs.set_index("run_id").loc[self.design["run_id"]]
        values = ok[outcome].to_numpy(dtype=float)
        return values.reshape(self.n_points, self.replicates)


def _ranges(ids: Sequence[int], limit: int = 8) -> str:
    ids = sorted(int(i) for i in ids)
    spans: list[tuple[int, int]] = []
    for i in ids:
        if spans and i == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
    text = [f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:limit]]
    if len(spans) > limit:
        text.append(f"... ({len(spans) - limit} more ranges)")
    return ", ".join(text)


def load_results(path: str | Path) -> Results:
    """Load an experiment's results folder (complete or not)."""
    store = ResultsStore.open(path)
    runs = store.read_runs()
    return Results(path=store.path, manifest=store.manifest, design=store.read_design(),
                   runs=runs, timeseries=store.read_timeseries(runs))
