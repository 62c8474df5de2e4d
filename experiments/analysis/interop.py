"""Results in the shapes other tools take: a tidy DataFrame and EMA Workbench's inputs.

- :func:`tidy`: one row per run; columns ``run_id``, ``point``, ``replicate``, ``status``,
  ``error``, the factors (dotted registry names) and the scalar outcomes.
- :func:`to_ema`: ``(experiments, outcomes)`` as EMA Workbench's analysis functions (PRIM, CART,
  feature scoring) take them: ``experiments`` a DataFrame with one column per uncertainty and lever
  (categorical factors as ``category`` dtype) plus ``scenario``, ``policy`` and ``model`` columns;
  ``outcomes`` a dict of 1-D arrays (scalars) and 2-D arrays (time series, one column per kept
  week, with ``TIME`` holding the weeks), rows aligned with ``experiments``.

Incomplete results are refused unless ``drop_incomplete=True`` is passed explicitly, in which case a
warning says how many runs were left out.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from experiments.storage.experiment_store import Results

__all__ = ["tidy", "to_ema"]


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
