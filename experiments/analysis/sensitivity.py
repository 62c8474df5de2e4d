"""Global sensitivity indices of a finished experiment, with the model's own noise accounted for.

All indices are computed on the **replicate mean** of each design point (SALib's estimators assume
a deterministic model). With ``R`` replicates per point the noise left in a replicate mean has
variance ``s2 = mean within-point variance / R``; against the variance ``V`` of the replicate means
its share is ``s2 / V``. Noise inflates ``V`` (so it deflates first-order indices) and adds ``s2``
to every total-order numerator; the noise-corrected indices undo both::

    S1c = S1 V / (V - s2)          STc = (ST V - s2) / (V - s2)

(their interval half-widths are scaled by ``V / (V - s2)``). They are exact for Sobol's
estimators and approximate for eFAST, and are left empty (with a note) when ``s2 >= V``.

Intervals come from bootstrap resampling (at least 1,000 resamples, seeded from the experiment's
root seed). SALib's own eFAST bootstrap draws from NumPy's global random state, so eFAST intervals
here use SALib's estimator with a seeded resampler of the same (contiguous half-sample) scheme;
SALib warns that these intervals are indicative only.

Convergence: the first ``m (D + 2)`` points of a Sobol design of size ``n`` are the design of size
``m`` for every power of two ``m``, so indices are recomputed on nested prefixes at no extra cost.

Nothing is dropped: analysis refuses incomplete results (listing missing and failed runs and the
command that completes them) and reports an output that does not vary as such.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.methods import METHODS
from experiments.methods.efast import efast_orders
from experiments.methods.sobol import sobol_table
from experiments.running.seeding import derived_seed
from experiments.storage.experiment_store import Results

__all__ = ["SensitivityReport", "analyze_results", "efast_orders", "noise_decomposition",
           "sobol_table", "write_tables"]

MIN_RESAMPLES = 1000


@dataclass
class SensitivityReport:
    """Index tables of one experiment (each one row per outcome and factor or group).

    Attributes
    ----------
    method
        ``sobol``, ``morris``, ``efast`` (or ``grid``/``lhs``: only summaries).
    indices
        The method's indices (wide: ``S1``, ``S1_conf``, ``ST``, ... or ``mu_star``, ``sigma``...).
    noise
        Per outcome: variance of replicate means, noise variance of the mean, noise share.
    convergence
        Sobol indices on nested power-of-two prefixes (empty for other methods).
    second_order
        Sobol second-order indices when the design has them (else empty).
    points
        Per design point: factor values and mean and SD over replicates of every outcome.
    settings
        Resamples, confidence level, seed.
    """

    method: str
    indices: pd.DataFrame
    noise: pd.DataFrame
    convergence: pd.DataFrame = field(default_factory=pd.DataFrame)
    second_order: pd.DataFrame = field(default_factory=pd.DataFrame)
    points: pd.DataFrame = field(default_factory=pd.DataFrame)
    settings: dict[str, Any] = field(default_factory=dict)

    def ranking(self, outcome: str, role: str | None = None) -> pd.DataFrame:
        """Factors of one outcome ranked by the method's key (ST for Sobol/eFAST, mu* for
        Morris)."""
        table = self.indices[self.indices["outcome"] == outcome]
        if role is not None and "role" in table:
            table = table[table["role"] == role]
        return METHODS[self.method].rank(table)

    def summary(self, row: Mapping[str, Any]) -> str:
        """One ranked factor's indices as a short line (the method's own wording)."""
        return METHODS[self.method].summary(row)


def noise_decomposition(values: np.ndarray) -> dict[str, float]:
    """Variance of replicate means and the share of it that is the model's noise.

    Parameters
    ----------
    values
        ``(n_points, R)`` outcome values.

    Returns
    -------
    dict
        ``mean``, ``variance`` (of the replicate means, ``V``), ``noise_variance`` (mean
        within-point variance over ``R``: ``s2``), ``noise_share`` (``s2 / V``; NaN with one
        replicate or no variance).
    """
    values = np.asarray(values, dtype=float)
    means = values.mean(axis=1)
    r = values.shape[1]
    v = float(means.var(ddof=1)) if means.size > 1 else math.nan
    if r >= 2:
        s2 = float(values.var(axis=1, ddof=1).mean() / r)
    else:
        s2 = math.nan
    share = s2 / v if r >= 2 and v > 0 else math.nan
    return {"mean": float(means.mean()), "variance": v, "noise_variance": s2,
            "noise_share": share, "replicates": float(r)}


def _noise_note(d: dict[str, float]) -> str:
    if not d["variance"] > 0:
        return "output does not vary across the design: indices are undefined"
    if math.isnan(d["noise_share"]):
        return "one replicate per point: noise share not estimable (use replicates >= 2)"
    if d["noise_share"] >= 1:
        return "noise dominates: corrected indices undefined; add replicates"
    if d["noise_share"] > 0.5:
        return ("noise is most of the variance: indices, corrected or not, are unreliable; add "
                "replicates")
    if d["noise_share"] > 0.2:
        return "noise is a large share of the variance: prefer corrected indices, add replicates"
    return ""


def analyze_results(results: Results, outcomes: list[str] | None = None,
                    resamples: int = MIN_RESAMPLES, conf_level: float = 0.95,
                    seed: int | None = None, convergence: bool = True) -> SensitivityReport:
    """Sensitivity indices, noise shares and (Sobol) convergence of complete results.

    Parameters
    ----------
    results
        Loaded results (:func:`~experiments.storage.experiment_store.load_results`), complete.
    outcomes
        Scalar outputs to analyse (default: all).
    resamples
        Bootstrap resamples for the intervals (at least 1,000).
    conf_level
        Confidence level of the intervals.
    seed
        Bootstrap seed; default derived from the experiment's root seed.
    convergence
        Also analyse nested power-of-two prefixes of a Sobol design.

    Raises
    ------
    experiments.storage.experiment_store.IncompleteResultsError
        When runs are missing or failed (the message says which and how to finish them).
    """
    from simulation.errors import UserError

    if resamples < MIN_RESAMPLES:
        raise UserError(f"--resamples must be at least {MIN_RESAMPLES}, got {resamples}")
    if not 0 < conf_level < 1:
        raise UserError(f"--conf-level must be between 0 and 1, got {conf_level}")
    results.check_complete()
    outcomes = outcomes or results.scalars
    unknown = [o for o in outcomes if o not in results.scalars]
    if unknown:
        raise UserError(f"{results.path}: outcome(s) {unknown} were not recorded "
                        f"(recorded: {', '.join(results.scalars)})")
    seed = seed or derived_seed(int(results.manifest["root_seed"]), "bootstrap")
    matrices = {o: results.outcome_matrix(o) for o in outcomes}
    noise_rows: list[dict[str, Any]] = []
    for o, y in matrices.items():
        d = noise_decomposition(y)
        noise_rows.append({"outcome": o, **d, "note": _noise_note(d)})
    noise = pd.DataFrame(noise_rows)
    settings = {"resamples": resamples, "conf_level": conf_level, "seed": seed,
                "statistic": "replicate mean per design point"}
    report = SensitivityReport(method=results.method, indices=pd.DataFrame(), noise=noise,
                               points=point_summary(results, matrices), settings=settings)
    noise_by: dict[str, dict[str, Any]] = {str(row["outcome"]): row for row in noise_rows}
    METHODS[results.method].analyse(report, results, matrices, noise_by, resamples, conf_level,
                                    seed, convergence)
    return report


def point_summary(results: Results, matrices: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per point: factor values, then mean and SD over replicates of each outcome."""
    first = results.design[results.design["replicate"] == 0].reset_index(drop=True)
    table = first[["point", *results.factors]].copy()
    for o, y in matrices.items():
        table[f"{o}_mean"] = y.mean(axis=1)
        table[f"{o}_sd"] = y.std(axis=1, ddof=1) if y.shape[1] > 1 else np.nan
    return table


def write_tables(report: SensitivityReport, folder: Path) -> list[Path]:
    """Write the report's tables as CSV into ``folder``; the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        f"{report.method}_indices.csv": report.indices,
        "sobol_second_order.csv": report.second_order,
        "sobol_convergence.csv": report.convergence,
        "noise.csv": report.noise,
        "point_summary.csv": report.points,
    }
    written = []
    for name, table in tables.items():
        if not table.empty:
            path = folder / name
            table.to_csv(path, index=False, float_format="%.6g")
            written.append(path)
    return written
