"""Latin hypercube: ``n`` points, each factor's range cut into ``n`` equal slices, one point in
each (``SALib.sample.latin``). A sweep: ranges and summaries of outcomes, no indices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from experiments.methods.base import DesignMethod

if TYPE_CHECKING:
    from experiments.design.spec import ExperimentSpec

__all__ = ["LatinHypercube"]


class LatinHypercube(DesignMethod):
    """A Latin hypercube sweep."""

    name: ClassVar[str] = "lhs"
    title: ClassVar[str] = "Latin hypercube"
    kind: ClassVar[str] = "sweep"
    n_meaning: ClassVar[str] = "the number of points"

    def check(self, spec: ExperimentSpec) -> str | None:
        """Two or more points."""
        n = int(spec.raw.design.n or 0)
        if n < 2:
            return f"design.n = {n} is not allowed: a Latin hypercube needs 2 or more points"
        return None

    def n_points(self, spec: ExperimentSpec) -> int:
        """``n``."""
        return int(spec.raw.design.n or 0)

    def sample(self, spec: ExperimentSpec, problem: dict[str, Any],
               seed: int) -> tuple[np.ndarray, list[list[Any]] | None]:
        """SALib's Latin hypercube."""
        from SALib.sample import latin

        return latin.sample(problem, int(spec.raw.design.n or 0), seed=seed), None
