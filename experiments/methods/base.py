"""The contract every design or sensitivity method keeps, and helpers several methods share.

A method is one object (:class:`DesignMethod`) that knows everything its name means:

- ``check(spec)``: what the method needs of a spec (sizes, factor counts, groups): a problem
  message or ``None``;
- ``n_points(spec)``: the design's size, counted without sampling (for limits and plans);
- ``sample(spec, problem, seed)``: the unit samples of its points (and, for a grid, the values);
- ``analyse(...)``: its indices on replicate means, written into a sensitivity report;
- ``rank(table)``: factors of one outcome in order of importance;
- ``draw(report, results, save)``: its figures.

Methods are registered in :data:`experiments.methods.METHODS`; everything else looks them up
there, never by comparing names.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from experiments.analysis.sensitivity import SensitivityReport
    from experiments.design.spec import ExperimentSpec
    from experiments.storage.experiment_store import Results

__all__ = ["DesignMethod", "Save", "correct_for_noise", "factor_roles", "group_role",
           "results_problem"]

#: ``save(figure, file name)``: how :meth:`DesignMethod.draw` hands over a figure.
Save = Callable[["Figure", str], None]


class DesignMethod(ABC):
    """One design method: its checks, sampling, analysis, ranking and figures.

    Attributes
    ----------
    name
        The ``design.method`` value in a spec.
    title
        How text names the method (``"Sobol"``, ``"eFAST"``).
    kind
        ``"sensitivity"`` (run by ``plsim sensitivity``) or ``"sweep"`` (``plsim sweep``).
    n_meaning
        What ``design.n`` means (``""`` when the method does not need it).
    min_factors
        Fewest factors (or groups) the method accepts.
    uses_groups
        Whether factor groups mean anything to the method.
    numeric_levels
        Whether numeric factors may list explicit ``levels``.
    rank_key
        The index factors are ranked by (``None``: the method yields no indices); its interval
        half-width is the column ``<rank_key>_conf``.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    kind: ClassVar[str] = "sensitivity"
    n_meaning: ClassVar[str] = ""
    min_factors: ClassVar[int] = 1
    uses_groups: ClassVar[bool] = False
    numeric_levels: ClassVar[bool] = False
    rank_key: ClassVar[str | None] = None

    def check(self, spec: ExperimentSpec) -> str | None:
        """A problem with the spec's design for this method, or ``None``."""
        return None

    @abstractmethod
    def n_points(self, spec: ExperimentSpec) -> int:
        """Design points the spec's design will have."""

    @abstractmethod
    def sample(self, spec: ExperimentSpec, problem: dict[str, Any],
               seed: int) -> tuple[np.ndarray, list[list[Any]] | None]:
        """Unit samples ``(n_points, D)`` and, when not mapped from them, the factor values."""

    def analyse(self, report: SensitivityReport, results: Results,  # noqa: B027 - optional
                matrices: Mapping[str, np.ndarray], noise_by: Mapping[str, Mapping[str, Any]],
                resamples: int, conf_level: float, seed: int, convergence: bool) -> None:
        """Fill ``report`` with the method's indices (nothing for a plain sweep)."""

    def rank(self, table: pd.DataFrame) -> pd.DataFrame:
        """Rows of one outcome, most important factor first."""
        if self.rank_key is None or self.rank_key not in table:
            return table.reset_index(drop=True)
        return table.sort_values(self.rank_key, ascending=False,
                                 na_position="last").reset_index(drop=True)

    def draw(self, report: SensitivityReport, results: Results,  # noqa: B027 - optional
             save: Save) -> None:
        """Draw the method's figures of ``report`` (nothing by default)."""

    def summary(self, row: Mapping[str, Any]) -> str:
        """One ranked factor's indices as a short line of text."""
        return ""


def factor_roles(results: Results) -> dict[str, str]:
    """Factor name -> role (policy, uncertainty) of an experiment."""
    return {f["name"]: f["role"] for f in results.manifest["factors"]}


def results_problem(results: Results, grouped: bool = False) -> dict[str, Any]:
    """The SALib problem of an experiment (with its groups when ``grouped``)."""
    problem = {k: v for k, v in results.manifest["problem"].items() if k != "groups"}
    if grouped and "groups" in results.manifest["problem"]:
        problem["groups"] = results.manifest["problem"]["groups"]
    return problem


def group_role(names: list[str], roles: Mapping[str, str]) -> str:
    """The role of a group of factors (``mixed`` when they differ)."""
    kinds = {roles.get(n, "uncertainty") for n in names}
    return kinds.pop() if len(kinds) == 1 else "mixed"


def correct_for_noise(table: pd.DataFrame, d: Mapping[str, float]) -> pd.DataFrame:
    """Add noise-corrected first- and total-order indices (see :mod:`experiments.analysis`)."""
    v, s2 = d["variance"], d["noise_variance"]
    ok = v > 0 and not math.isnan(s2) and s2 < v
    scale = v / (v - s2) if ok else math.nan
    table["S1_corrected"] = table["S1"] * scale
    table["ST_corrected"] = (table["ST"] * v - s2) / (v - s2) if ok else math.nan
    table["S1_corrected_conf"] = table["S1_conf"] * scale
    table["ST_corrected_conf"] = table["ST_conf"] * scale
    return table
