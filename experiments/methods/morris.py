"""Morris screening: ``n`` trajectories on a ``levels``-level grid, grouped when factors carry
groups (one elementary effect per group and trajectory).

Elementary effects are per unit step of the normalized factor; ``mu*`` (mean absolute effect)
ranks factors, ``sigma`` (their spread) flags interactions and non-linearity.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from experiments.methods.base import (
    DesignMethod,
    Save,
    factor_roles,
    group_role,
    results_problem,
)
from experiments.methods.drawing import (
    ROLE_COLOURS,
    ROLE_LABELS,
    new_figure,
    noise_text,
    pretty,
    role_patch,
    varying_outcomes,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from experiments.analysis.sensitivity import SensitivityReport
    from experiments.design.spec import ExperimentSpec
    from experiments.storage.experiment_store import Results

__all__ = ["Morris", "morris_figure"]


class Morris(DesignMethod):
    """Morris elementary effects (mu, mu*, sigma) of factors or groups."""

    name: ClassVar[str] = "morris"
    title: ClassVar[str] = "Morris"
    n_meaning: ClassVar[str] = ("the number of trajectories; runs = n (groups + 1) x "
                                "replicates")
    uses_groups: ClassVar[bool] = True
    rank_key: ClassVar[str | None] = "mu_star"

    def check(self, spec: ExperimentSpec) -> str | None:
        """Two or more trajectories, an even number of levels, two or more factors or groups."""
        d = spec.raw.design
        n = int(d.n or 0)
        if n < 2:
            return f"design.n = {n} is not allowed: Morris needs at least 2 trajectories"
        if d.levels % 2:
            return (f"design.levels = {d.levels} is not allowed: Morris needs an even number of "
                    "levels (4 is usual)")
        if len({f.group for f in spec.factors}) < 2:
            return "a Morris design needs at least 2 factors or groups"
        return None

    def n_points(self, spec: ExperimentSpec) -> int:
        """``n (groups + 1)``."""
        return int(spec.raw.design.n or 0) * (len({f.group for f in spec.factors}) + 1)

    def sample(self, spec: ExperimentSpec, problem: dict[str, Any],
               seed: int) -> tuple[np.ndarray, list[list[Any]] | None]:
        """SALib's Morris trajectories."""
        from SALib.sample import morris

        d = spec.raw.design
        return morris.sample(problem, int(d.n or 0), num_levels=d.levels, seed=seed), None

    def analyse(self, report: SensitivityReport, results: Results,
                matrices: Mapping[str, np.ndarray], noise_by: Mapping[str, Mapping[str, Any]],
                resamples: int, conf_level: float, seed: int, convergence: bool) -> None:
        """mu, mu* (with its bootstrap interval) and sigma of every factor or group."""
        from SALib.analyze import morris

        problem = results_problem(results, grouped=True)
        first = results.design[results.design["replicate"] == 0]
        x = first[[f"u:{name}" for name in problem["names"]]].to_numpy(dtype=float)
        levels = int(results.manifest["design"]["levels"])
        members: dict[str, list[str]] = {}
        for name, group in zip(problem["names"], problem.get("groups", problem["names"])):
            members.setdefault(group, []).append(name)
        roles = factor_roles(results)
        tables = []
        for o, y in matrices.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                si = morris.analyze(problem, x, y.mean(axis=1), num_resamples=resamples,
                                    conf_level=conf_level, num_levels=levels, seed=seed)
            names = list(si["names"])
            table = pd.DataFrame({
                "outcome": o, "factor": names,
                "members": [", ".join(members.get(n, [n])) for n in names],
                "role": [group_role(members.get(n, [n]), roles) for n in names],
                "mu": np.asarray(si["mu"], dtype=float),
                "mu_star": np.asarray(si["mu_star"], dtype=float),
                "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
                "sigma": np.asarray(si["sigma"], dtype=float),
            })
            tables.append(table)
        report.indices = pd.concat(tables, ignore_index=True)

    def draw(self, report: SensitivityReport, results: Results, save: Save) -> None:
        """mu* against sigma for every varying outcome."""
        if report.indices.empty:
            return
        for outcome in varying_outcomes(report):
            save(morris_figure(report, outcome), f"morris_{outcome}.png")

    def summary(self, row: Mapping[str, Any]) -> str:
        """``mu* ... +- ..., sigma ...``."""
        return (f"mu* {row['mu_star']:.4g} +- {row['mu_star_conf']:.2g}, "
                f"sigma {row['sigma']:.4g}")


def morris_figure(report: SensitivityReport, outcome: str) -> Figure:
    """Morris mu* against sigma for one outcome, with mu* intervals."""
    table = report.indices[report.indices["outcome"] == outcome]
    fig = new_figure(7.5, 6.0)
    ax = fig.add_subplot()
    colours = [ROLE_COLOURS.get(r, "#444444") for r in table["role"]]
    sigma = table["sigma"].to_numpy(dtype=float)
    ax.errorbar(table["mu_star"], np.nan_to_num(sigma), xerr=table["mu_star_conf"], fmt="none",
                ecolor="grey", elinewidth=0.8, capsize=2)
    ax.scatter(table["mu_star"], np.nan_to_num(sigma), c=colours, zorder=3)
    top = table.sort_values("mu_star", ascending=False).head(12)
    for _, row in top.iterrows():
        ax.annotate(pretty(str(row["factor"])), (row["mu_star"], np.nan_to_num(row["sigma"])),
                    fontsize=7, xytext=(3, 3), textcoords="offset points")
    lim = float(np.nanmax([table["mu_star"].max(), np.nanmax(sigma) if sigma.size else 0, 1e-12]))
    ax.plot([0, lim], [0, lim], ":", color="grey", linewidth=0.8, label="sigma = mu*")
    ax.set_xlabel("mu* (mean absolute elementary effect, per unit of normalized factor)")
    ax.set_ylabel("sigma (spread of elementary effects: interactions, non-linearity)")
    ax.set_title(f"Morris screening: {pretty(outcome)}\n{noise_text(report, outcome)}",
                 fontsize=11)
    handles = [role_patch(c) for r, c in ROLE_COLOURS.items() if r in set(table["role"])]
    labels = [ROLE_LABELS[r] for r in ROLE_COLOURS if r in set(table["role"])]
    ax.legend(handles, labels, fontsize=8, loc="upper left")
    return fig


