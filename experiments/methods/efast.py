"""Extended FAST: search curves with ``n`` samples per factor and interference ``m``.

First and total order with SALib's estimator; the bootstrap intervals resample contiguous half
samples with a seeded generator (SALib's own eFAST bootstrap draws from NumPy's global state).
SALib warns that these intervals are indicative only; the noise correction is approximate here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from scipy.stats import norm

from experiments.methods.base import correct_for_noise, factor_roles, results_problem
from experiments.methods.variance import VarianceBased

if TYPE_CHECKING:
    from experiments.analysis.sensitivity import SensitivityReport
    from experiments.design.spec import ExperimentSpec
    from experiments.storage.experiment_store import Results

__all__ = ["EFast", "efast_orders"]


class EFast(VarianceBased):
    """eFAST first- and total-order indices."""

    name: ClassVar[str] = "efast"
    title: ClassVar[str] = "eFAST"
    n_meaning: ClassVar[str] = "samples per factor; runs = n D x replicates"

    def check(self, spec: ExperimentSpec) -> str | None:
        """``n`` must exceed ``4 m^2``."""
        d = spec.raw.design
        n = int(d.n or 0)
        if n <= 4 * d.m ** 2:
            return (f"design.n = {n} is not allowed: eFAST needs n > 4 m^2 = {4 * d.m ** 2} "
                    f"(m = {d.m})")
        return None

    def n_points(self, spec: ExperimentSpec) -> int:
        """``n D``."""
        return int(spec.raw.design.n or 0) * len(spec.factors)

    def sample(self, spec: ExperimentSpec, problem: dict[str, Any],
               seed: int) -> tuple[np.ndarray, list[list[Any]] | None]:
        """SALib's eFAST sampler."""
        from SALib.sample import fast_sampler

        d = spec.raw.design
        return fast_sampler.sample(problem, int(d.n or 0), M=d.m, seed=seed), None

    def analyse(self, report: SensitivityReport, results: Results,
                matrices: Mapping[str, np.ndarray], noise_by: Mapping[str, Mapping[str, Any]],
                resamples: int, conf_level: float, seed: int, convergence: bool) -> None:
        """Noise-corrected eFAST indices with seeded bootstrap intervals."""
        problem = results_problem(results)
        m = int(results.manifest["design"]["m"])
        roles = factor_roles(results)
        tables = []
        for o, y in matrices.items():
            rng = np.random.default_rng(seed)
            table = efast_orders(y.mean(axis=1), problem["num_vars"], m, resamples, conf_level,
                                 rng)
            table.insert(0, "factor", problem["names"])
            table = correct_for_noise(table, noise_by[o])
            table.insert(0, "outcome", o)
            table.insert(2, "role", table["factor"].map(roles))
            tables.append(table)
        report.indices = pd.concat(tables, ignore_index=True)


def efast_orders(y: np.ndarray, d: int, m: int, resamples: int, conf_level: float,
                 rng: np.random.Generator) -> pd.DataFrame:
    """eFAST first and total order with seeded bootstrap intervals (SALib's estimator)."""
    from SALib.analyze.fast import compute_orders

    n = y.size // d
    omega = math.floor((n - 1) / (2 * m))
    bnd = norm.ppf(0.5 + conf_level / 2.0)
    rows = []
    for i in range(d):
        yl = y[i * n:(i + 1) * n]
        if not np.var(yl) > 0:
            rows.append((math.nan, math.nan, math.nan, math.nan))
            continue
        s1, st = compute_orders(yl, n, m, omega)
        half = math.ceil(n * 0.5)
        starts = rng.integers(0, n, size=resamples)
        boot = np.empty((resamples, 2))
        for k, b in enumerate(starts):
            idx = (b + np.arange(half)) % n
            sub = yl[idx]
            boot[k] = compute_orders(sub, sub.size, m, math.floor((sub.size - 1) / (2 * m)))
        rows.append((s1, bnd * boot[:, 0].std(ddof=1), st, bnd * boot[:, 1].std(ddof=1)))
    arr = np.asarray(rows, dtype=float)
    return pd.DataFrame({"S1": arr[:, 0], "S1_conf": arr[:, 1], "ST": arr[:, 2],
                         "ST_conf": arr[:, 3]})
