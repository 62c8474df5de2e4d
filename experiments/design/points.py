"""Experimental designs: the points (factor combinations) an experiment runs.

Every design is first a matrix of unit samples ``u`` in [0, 1] (one column per factor), then
mapped to factor values with :meth:`~experiments.design.spec.Factor.from_unit` (floats scale
linearly, integers and categories take equal-width slices of [0, 1]; see that method). SALib
receives the unit matrix and unit bounds, which leaves Sobol, Morris and eFAST indices unchanged
(Morris elementary effects are then per unit step of the normalized factor).

Each method samples its own points (:mod:`experiments.methods`: ``grid``, ``lhs``, ``sobol``,
``morris``, ``efast``); a grid gives its values directly, the others are mapped from ``u``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.design.spec import ExperimentSpec, Factor
from experiments.methods import METHODS

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
    method = METHODS[d.method]
    grouped = method.uses_groups and len({f.group for f in factors}) < len(factors)
    problem = salib_problem(factors, grouped=grouped)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SALib's notes on sample sizes
        unit, values = method.sample(spec, problem, seed)
    if values is None:
        unit = np.clip(unit, 0.0, 1.0)
        values = [[f.from_unit(u) for f, u in zip(factors, row)] for row in unit]
    return Design(d.method, unit, _frame(factors, values), problem)


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
