"""Experimental designs: the points (factor combinations) an experiment runs.

Every design is first a matrix of unit samples ``u`` in [0, 1] (one column per factor), then
mapped to factor values with :meth:`~experiments.design.spec.Factor.from_unit` (floats scale
linearly, integers and categories take equal-width slices of [0, 1]; see that method). SALib
receives the unit matrix and unit bounds, which leaves Sobol, Morris and eFAST indices unchanged
(Morris elementary effects are then per unit step of the normalized factor).

- ``grid``: every combination of the factors' levels (categorical: all choices or the spec's
  subset; numeric: the spec's ``levels`` or ``design.n`` evenly spaced values from low to high).
- ``lhs``: a Latin hypercube of ``n`` points (``SALib.sample.latin``).
- ``sobol``: Saltelli's scheme on a scrambled Sobol' sequence (``SALib.sample.sobol``):
  ``n (D + 2)`` points, ``n (2D + 2)`` with second order. The first ``m (D + 2)`` rows, for
  ``m`` a power of two up to ``n``, are themselves the design of size ``m`` (for convergence).
- ``morris``: ``n`` trajectories on a ``levels``-level grid, grouped when factors carry groups.
- ``efast``: the extended FAST search curves, ``n`` samples per factor, interference ``m``.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.design.spec import ExperimentSpec, Factor

__all__ = ["Design", "build_design", "salib_problem"]


@dataclass(frozen=True)
class Design:
    """The points of an experiment.

    Attributes
    ----------
    method
        ``grid``, ``lhs``, ``sobol``, ``morris`` or ``efast``.
    unit
        ``(n_points, D)`` unit samples, in design order (SALib's order for its methods).
    points
        ``(n_points, D)`` factor values (column names are the factors' dotted names).
    problem
        The SALib problem dict (unit bounds; ``groups`` for a grouped Morris design).
    """

    method: str
    unit: np.ndarray
    points: pd.DataFrame
    problem: dict[str, Any]

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return int(self.unit.shape[0])

    def overrides(self, point: int) -> dict[str, Any]:
        """The scenario overrides of one point, as plain Python values."""
        row = self.points.iloc[point]
        return {name: _python(row[name]) for name in self.points.columns}


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def salib_problem(factors: tuple[Factor, ...], grouped: bool = False) -> dict[str, Any]:
    """SALib problem with unit bounds (and groups when ``grouped``)."""
    problem: dict[str, Any] = {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[0.0, 1.0]] * len(factors),
    }
    if grouped:
        problem["groups"] = [f.group for f in factors]
    return problem


def build_design(spec: ExperimentSpec, seed: int) -> Design:
    """Sample the spec's design with ``seed`` (an integer: :mod:`~experiments.running.seeding`)."""
    factors = spec.factors
    d = spec.raw.design
    grouped = d.method == "morris" and len({f.group for f in factors}) < len(factors)
    problem = salib_problem(factors, grouped=grouped)
    if d.method == "grid":
        unit, values = _grid(factors, d.n)
        return Design(d.method, unit, _frame(factors, values), problem)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SALib's notes on sample sizes
        unit = _sample(d.method, problem, spec, seed)
    unit = np.clip(unit, 0.0, 1.0)
    values = [[f.from_unit(u) for f, u in zip(factors, row)] for row in unit]
    return Design(d.method, unit, _frame(factors, values), problem)


def _sample(method: str, problem: dict[str, Any], spec: ExperimentSpec, seed: int) -> np.ndarray:
    d = spec.raw.design
    n = int(d.n or 0)
    if method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, n, seed=seed)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=d.second_order, scramble=True,
                            seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=d.levels, seed=seed)
    if method == "efast":
        from SALib.sample import fast_sampler

        return fast_sampler.sample(problem, n, M=d.m, seed=seed)
    raise ValueError(f"unknown design method {method!r}")  # the spec validator prevents this


def _grid(factors: tuple[Factor, ...], n: int | None) -> tuple[np.ndarray, list[list[Any]]]:
    axes: list[list[tuple[float, Any]]] = []
    for f in factors:
        if f.categorical:
            k = len(f.levels)
            axes.append([((j + 0.5) / k, level) for j, level in enumerate(f.levels)])
        elif f.levels:
            assert f.low is not None and f.high is not None
            span = f.high - f.low
            axes.append([((float(v) - f.low) / span, v) for v in f.levels])
        else:
            assert n is not None
            us = np.linspace(0.0, 1.0, n)
            if f.kind == "int":
                assert f.low is not None and f.high is not None
                ints = sorted({int(round(f.low + u * (f.high - f.low))) for u in us})
                axes.append([((v - f.low) / (f.high - f.low), v) for v in ints])
            else:
                axes.append([(float(u), f.from_unit(u)) for u in us])
    unit_rows, value_rows = [], []
    for combo in itertools.product(*axes):
        unit_rows.append([u for u, _ in combo])
        value_rows.append([v for _, v in combo])
    return np.asarray(unit_rows, dtype=float), value_rows


def _frame(factors: tuple[Factor, ...], values: list[list[Any]]) -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for j, f in enumerate(factors):
        col = [row[j] for row in values]
        if f.kind == "float":
            columns[f.name] = np.asarray(col, dtype=float)
        elif f.kind == "int":
            columns[f.name] = np.asarray(col, dtype=np.int64)
        elif f.kind == "bool":
            columns[f.name] = np.asarray(col, dtype=bool)
        else:
            columns[f.name] = pd.Series(col, dtype="str")
    return pd.DataFrame(columns)
