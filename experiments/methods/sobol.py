"""Sobol' indices: Saltelli's scheme on a scrambled Sobol' sequence (``SALib.sample.sobol``).

``n (D + 2)`` points, ``n (2D + 2)`` with second order. The first ``m (D + 2)`` rows, for ``m`` a
power of two up to ``n``, are themselves the design of size ``m``, so indices are recomputed on
nested prefixes at no extra cost (convergence). Indices of replicate means with noise-corrected
first and total order (exact for Sobol's estimators) and SALib's seeded bootstrap intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from experiments.methods.base import Save, correct_for_noise, factor_roles, results_problem
from experiments.methods.drawing import convergence_figure, varying_outcomes
from experiments.methods.variance import VarianceBased

if TYPE_CHECKING:
    from experiments.analysis.sensitivity import SensitivityReport
    from experiments.design.spec import ExperimentSpec
    from experiments.storage.experiment_store import Results

__all__ = ["Sobol", "prefix_sizes", "sobol_table"]


class Sobol(VarianceBased):
    """Sobol' first-, total- (and optional second-) order indices."""

    name: ClassVar[str] = "sobol"
    title: ClassVar[str] = "Sobol"
    n_meaning: ClassVar[str] = ("the base sample size N, a power of two; runs = N (D + 2) x "
                                "replicates")

    def check(self, spec: ExperimentSpec) -> str | None:
        """``n`` must be a power of two."""
        n = int(spec.raw.design.n or 0)
        if n < 2 or n & (n - 1):
            return (f"design.n = {n} is not allowed: a Sobol design needs a power of two (e.g. "
                    "64, 128, 256, 512)")
        return None

    def n_points(self, spec: ExperimentSpec) -> int:
        """``n (D + 2)``, or ``n (2D + 2)`` with second order."""
        d, n = len(spec.factors), int(spec.raw.design.n or 0)
        return n * (2 * d + 2 if spec.raw.design.second_order else d + 2)

    def sample(self, spec: ExperimentSpec, problem: dict[str, Any],
               seed: int) -> tuple[np.ndarray, list[list[Any]] | None]:
        """Saltelli's sample of the scrambled Sobol' sequence."""
        from SALib.sample import sobol

        d = spec.raw.design
        return sobol.sample(problem, int(d.n or 0), calc_second_order=d.second_order,
                            scramble=True, seed=seed), None

    def analyse(self, report: SensitivityReport, results: Results,
                matrices: Mapping[str, np.ndarray], noise_by: Mapping[str, Mapping[str, Any]],
                resamples: int, conf_level: float, seed: int, convergence: bool) -> None:
        """Indices (noise-corrected), second-order pairs and nested-prefix convergence."""
        problem = results_problem(results)
        second = bool(results.manifest["design"].get("second_order", False))
        roles = factor_roles(results)
        d = problem["num_vars"]
        block = 2 * d + 2 if second else d + 2
        n_base = results.n_points // block
        tables, pairs, conv = [], [], []
        for o, y in matrices.items():
            ybar = y.mean(axis=1)
            first, so = sobol_table(problem, ybar, second, resamples, conf_level, seed)
            first = correct_for_noise(first, noise_by[o])
            first.insert(0, "outcome", o)
            first.insert(2, "role", first["factor"].map(roles))
            tables.append(first)
            if not so.empty:
                so.insert(0, "outcome", o)
                pairs.append(so)
            if convergence:
                for m in prefix_sizes(n_base):
                    part, _ = sobol_table(problem, ybar[: m * block], second, resamples,
                                          conf_level, seed)
                    part.insert(0, "outcome", o)
                    part.insert(1, "n", m)
                    part.insert(2, "runs", m * block * results.replicates)
                    conv.append(part)
        report.indices = pd.concat(tables, ignore_index=True)
        report.second_order = pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame()
        report.convergence = pd.concat(conv, ignore_index=True) if conv else pd.DataFrame()

    def draw(self, report: SensitivityReport, results: Results, save: Save) -> None:
        """Index bars, the overview, and convergence over nested designs."""
        super().draw(report, results, save)
        if not report.convergence.empty:
            for outcome in varying_outcomes(report):
                save(convergence_figure(report, outcome), f"convergence_{outcome}.png")


def sobol_table(problem: dict[str, Any], y: np.ndarray, second_order: bool, resamples: int,
                conf_level: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First- and total-order (and optional second-order) Sobol indices of one output vector."""
    from SALib.analyze import sobol

    names = problem["names"]
    if not np.var(y) > 0:
        nan = np.full(len(names), np.nan)
        first = pd.DataFrame({"factor": names, "S1": nan, "S1_conf": nan, "ST": nan,
                              "ST_conf": nan})
        return first, pd.DataFrame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        si = sobol.analyze(problem, y, calc_second_order=second_order,
                           num_resamples=resamples, conf_level=conf_level, seed=seed,
                           print_to_console=False)
    first = pd.DataFrame({"factor": names, "S1": si["S1"], "S1_conf": si["S1_conf"],
                          "ST": si["ST"], "ST_conf": si["ST_conf"]})
    pairs = pd.DataFrame()
    if second_order:
        rows = []
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                rows.append({"factor_1": names[i], "factor_2": names[j], "S2": si["S2"][i, j],
                             "S2_conf": si["S2_conf"][i, j]})
        pairs = pd.DataFrame(rows)
    return first, pairs


def prefix_sizes(n: int, smallest: int = 8) -> list[int]:
    """Powers of two from ``smallest`` (or ``n`` if smaller) up to ``n``."""
    sizes = []
    m = min(smallest, n)
    while m <= n:
        sizes.append(m)
        m *= 2
    return sizes
