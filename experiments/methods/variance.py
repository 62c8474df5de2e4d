"""What variance-based methods (Sobol, eFAST) share: ranking by total order, index bars."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from experiments.methods.base import DesignMethod, Save
from experiments.methods.drawing import sobol_figure, sobol_overview_figure, varying_outcomes

if TYPE_CHECKING:
    from experiments.analysis.sensitivity import SensitivityReport
    from experiments.storage.experiment_store import Results

__all__ = ["VarianceBased"]


class VarianceBased(DesignMethod):
    """First- and total-order indices: ranked by ST, drawn as bars with their intervals."""

    rank_key: ClassVar[str | None] = "ST"
    min_factors: ClassVar[int] = 2

    def draw(self, report: SensitivityReport, results: Results, save: Save) -> None:
        """Index bars per varying outcome and the overview of them all."""
        if report.indices.empty:
            return
        varying = varying_outcomes(report)
        for outcome in varying:
            save(sobol_figure(report, outcome, self.title), f"{self.name}_{outcome}.png")
        if varying:
            overview = replace(report, convergence=report.convergence.iloc[0:0],
                               indices=report.indices[report.indices["outcome"].isin(varying)])
            save(sobol_overview_figure(overview, self.title), f"{self.name}_overview.png")

    def summary(self, row: Mapping[str, Any]) -> str:
        """``ST ... +- ..., S1 ... +- ...`` and the noise-corrected ST when defined."""
        corrected = row.get("ST_corrected", math.nan)
        extra = f" (noise-corrected {corrected:.3f})" if math.isfinite(corrected) else ""
        return (f"ST {row['ST']:.3f} +- {row['ST_conf']:.3f}, "
                f"S1 {row['S1']:.3f} +- {row['S1_conf']:.3f}{extra}")
