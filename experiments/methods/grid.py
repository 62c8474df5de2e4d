"""Full factorial grid: every combination of the factors' levels (categorical: all choices or the
spec's subset; numeric: the spec's ``levels`` or ``design.n`` evenly spaced values from low to
high). A sweep: ranges and summaries of outcomes, no indices."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from experiments.methods.base import DesignMethod

if TYPE_CHECKING:
    from experiments.design.spec import ExperimentSpec, Factor

__all__ = ["Grid"]


class Grid(DesignMethod):
    """A full factorial sweep."""

    name: ClassVar[str] = "grid"
    title: ClassVar[str] = "grid"
    kind: ClassVar[str] = "sweep"
    numeric_levels: ClassVar[bool] = True

    def check(self, spec: ExperimentSpec) -> str | None:
        """``n`` (when given) of 2 or more; every numeric factor has levels or ``n``."""
        n = spec.raw.design.n
        if n is not None and n < 2:
            return (f"design.n = {n} is not allowed: grid levels per numeric factor must be 2 "
                    "or more")
        for f in spec.factors:
            if not f.categorical and not f.levels and n is None:
                return (f"factor '{f.name}' needs levels = [...] in a grid design (or set "
                        "design.n for n evenly spaced levels)")
        return None

    def n_points(self, spec: ExperimentSpec) -> int:
        """The product of the factors' level counts."""
        n = int(spec.raw.design.n or 0)
        count = 1
        for f in spec.factors:
            if f.levels:
                count *= len(f.levels)
            elif f.kind == "int":
                assert f.low is not None and f.high is not None
                count *= min(n, int(f.high - f.low) + 1)
            else:
                count *= n
        return count

    def sample(self, spec: ExperimentSpec, problem: dict[str, Any],
               seed: int) -> tuple[np.ndarray, list[list[Any]] | None]:
        """Every combination of levels (the seed is not used)."""
        return _grid(spec.factors, spec.raw.design.n)


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
