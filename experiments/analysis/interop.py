"""Results in the shapes other tools take: a tidy DataFrame and EMA Workbench's inputs.

- :func:`tidy`: one row per run; columns ``run_id``, ``point``, ``replicate``, ``status``,
  ``error``, the factors (dotted registry names) and the scalar outcomes.
- :func:`behaviorspace_table`: NetLogo BehaviorSpace's "table" shape, one row per run and step:
  ``run_number`` (1-based, BehaviorSpace's ``[run number]``), ``point``, ``replicate``, the
  parameter columns (factors), ``step`` (the week, BehaviorSpace's ``[step]``) and the metric
  columns (the kept time series, and the scalar outcomes on each run's final step).
- :func:`comparison_table`: the same shape for a comparison folder: one row per arm, replicate
  and week, with the settings that differ between the arms as parameter columns.
- :func:`to_ema`: ``(experiments, outcomes)`` as EMA Workbench's analysis functions (PRIM, CART,
  feature scoring) take them: ``experiments`` a DataFrame with one column per uncertainty and lever
  (categorical factors as ``category`` dtype) plus ``scenario``, ``policy`` and ``model`` columns;
  ``outcomes`` a dict of 1-D arrays (scalars) and 2-D arrays (time series, one column per kept
  week, with ``TIME`` holding the weeks), rows aligned with ``experiments``.

Incomplete results are refused unless ``drop_incomplete=True`` is passed explicitly, in which case a
warning says how many runs were left out.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.storage.experiment_store import Results
from simulation.errors import UserError

__all__ = ["behaviorspace_table", "comparison_table", "tidy", "to_ema"]


def tidy(results: Results) -> pd.DataFrame:
    """One row per planned run: design (factors), status and scalar outcomes.

    Runs without a record have status ``missing`` and NaN outcomes; failed runs keep their error
    text. Nothing is dropped.
    """
    design = results.design[["run_id", "point", "replicate", *results.factors]]
    runs = results.runs[["run_id", "attempt", "status", "error", *results.scalars]]
    table = design.merge(runs, on="run_id", how="left")
    table["status"] = table["status"].fillna("missing")
    table["error"] = table["error"].fillna("")
    return table.sort_values("run_id").reset_index(drop=True)


def _select(results: Results, drop_incomplete: bool) -> pd.DataFrame:
    table = tidy(results)
    bad = table[table["status"] != "ok"]
    if not bad.empty:
        if not drop_incomplete:
            results.check_complete(purpose="export")
        warnings.warn(f"{results.path}: leaving out {len(bad)} run(s) that are missing or "
                      f"failed (run ids {bad['run_id'].tolist()[:10]}...)", stacklevel=3)
        table = table[table["status"] == "ok"]
    return table


def to_ema(results: Results, average_replicates: bool = False, drop_incomplete: bool = False
           ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Experiments table and outcomes dict in EMA Workbench's layout.

    Parameters
    ----------
    results
        Loaded results.
    average_replicates
        One row per design point (outcomes averaged over replicates) instead of one per run.
    drop_incomplete
        Leave out missing and failed runs (with a warning) instead of raising.
    """
    table = _select(results, drop_incomplete)
    factors = results.factors
    kinds = {f["name"]: f["kind"] for f in results.manifest["factors"]}
    series = results.timeseries
    series = series[series["run_id"].isin(table["run_id"])]
    metrics = list(results.manifest["outputs"]["timeseries"])
    if average_replicates:
        first = table.groupby("point", sort=True)[factors].first().reset_index()
        means = table.groupby("point", sort=True)[results.scalars].mean().reset_index()
        table = first.merge(means, on="point")
        keys = ["point"]
        series = series.groupby(["point", "metric", "week"], as_index=False)["value"].mean()
    else:
        keys = ["run_id"]
    experiments = table[factors].copy().reset_index(drop=True)
    for name in factors:
        if kinds[name] in ("choice", "bool"):
            experiments[name] = experiments[name].astype(str).astype("category")
    experiments["scenario"] = table["point"].to_numpy()
    experiments["policy"] = results.manifest["name"]
    experiments["model"] = "plsim"
    outcomes: dict[str, np.ndarray] = {
        name: table[name].to_numpy(dtype=float) for name in results.scalars}
    if metrics and not series.empty:
        order = table[keys[0]].to_numpy()
        weeks = sorted(series["week"].unique())
        for metric in metrics:
            wide = series[series["metric"] == metric].pivot_table(
                index=keys[0], columns="week", values="value", aggfunc="first")
            outcomes[f"{metric}_series"] = wide.reindex(index=order, columns=weeks).to_numpy(
                dtype=float)
        outcomes["TIME"] = np.tile(np.asarray(weeks, dtype=float), (len(order), 1))
    return experiments, outcomes


def behaviorspace_table(results: Results, drop_incomplete: bool = False) -> pd.DataFrame:
    """One row per run and kept week, in BehaviorSpace's "table" shape.

    Columns: ``run_number`` (1-based run id), ``point``, ``replicate``, the factors, ``step``
    (week), then the kept time-series metrics; the scalar outcomes (final-week values) fill the
    row of each run's last week and are empty on earlier steps (a run whose last week was not
    kept gets a row of its own). Rows are sorted by run and step.

    Raises
    ------
    experiments.storage.experiment_store.IncompleteResultsError
        When runs are missing or failed, unless ``drop_incomplete`` (then a warning).
    """
    table = _select(results, drop_incomplete)
    factors = results.factors
    runs = table[["run_id", "point", "replicate", *factors]]
    last_week = int(results.manifest.get("weeks", 0))
    series = results.timeseries
    series = series[series["run_id"].isin(runs["run_id"])]
    if series.empty:
        steps = pd.DataFrame({"run_id": runs["run_id"], "week": last_week})
    else:
        steps = series.pivot_table(index=["run_id", "week"], columns="metric", values="value",
                                   aggfunc="first").reset_index()
        steps.columns.name = None
    final = table[["run_id", *results.scalars]].assign(week=last_week)
    clash = [c for c in results.scalars if c in steps.columns]
    if clash:  # the same metric kept as a series and as a scalar: one column, the series'
        final = final.drop(columns=clash)
    long = steps.merge(final, on=["run_id", "week"], how="outer")
    out = runs.merge(long, on="run_id", how="right")
    out = out.rename(columns={"week": "step"})
    out.insert(0, "run_number", out.pop("run_id") + 1)
    metrics = [c for c in out.columns if c not in ("run_number", "point", "replicate", "step",
                                                   *factors)]
    out = out[["run_number", "point", "replicate", *factors, "step", *metrics]]
    return out.sort_values(["run_number", "step"]).reset_index(drop=True)


def comparison_table(folder: str | Path) -> pd.DataFrame:
    """One row per arm, replicate and week of a comparison folder, in BehaviorSpace's shape.

    Columns: ``run_number`` (1-based over arms, then replicates), ``scenario``, ``arm``,
    ``replicate``, one column per setting that differs between the arms (each arm's value),
    ``step`` (week) and every metric of the folder's ``timeseries.parquet``.

    Raises
    ------
    UserError
        When the folder lacks its manifest or time series.
    """
    folder = Path(folder)
    manifest = _read_manifest(folder)
    path = folder / "timeseries.parquet"
    if not path.exists():
        raise UserError(f"{path}: missing; is this a complete `plsim compare` folder?")
    series = pd.read_parquet(path)
    settings = list(dict.fromkeys(d["name"] for diffs in manifest.get(
        "differing_settings", {}).values() for d in diffs))
    values = {name: _scenario_value(manifest, name) for name in settings}
    replicates = int(series["replicate"].max()) + 1 if not series.empty else 0
    out = series.rename(columns={"week": "step"}).copy()
    out.insert(0, "run_number", out["arm"] * replicates + out["replicate"] + 1)
    keys = ["run_number", "scenario", "arm", "replicate"]
    for k, name in enumerate(settings):
        out.insert(len(keys) + k, name, out["scenario"].map(values[name]))
    metrics = [c for c in series.columns if c not in ("scenario", "arm", "replicate", "week")]
    out = out[[*keys, *settings, "step", *metrics]]
    return out.sort_values(["run_number", "step"]).reset_index(drop=True)


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise UserError(f"{folder}: not a results folder (no manifest.json)") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot read it ({exc})") from None


def _scenario_value(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    """Each scenario's resolved value of a dotted setting (from the manifest's records)."""
    section, key = name.split(".", 1)
    out = {}
    for label, rec in manifest.get("scenarios", {}).items():
        value = rec.get("values", {}).get(section, {}).get(key)
        out[label] = value
    return out
