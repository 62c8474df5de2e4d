"""Decision outputs of a comparison over plausible worlds, in the shape of BCEA.

Each replicate pair ``r`` of alternative ``d`` gives an effect ``e_dr`` (SD) and a realized extra
cost ``c_dr`` (per student per year) against the status quo, in world ``w_r``. At a
willingness-to-pay ``k`` per 0.1 SD, the net benefit is ``NB_dr = k * e_dr / 0.1 - c_dr``; the
status quo has ``NB = 0``. From these:

- P(benefit): the share of pairs with ``e_dr > 0`` (worlds are drawn by weight, so pairs count
  equally);
- P(best): the share of pairs in which a decision (status quo included) has the largest effect;
- acceptability curve: at each ``k``, the share of pairs in which ``d`` has the largest ``NB``;
- EVPI: ``E_r[max_d NB_dr] - max_d E_r[NB_dr]`` (>= 0);
- EVPPI of a parameter group (Strong, Oakley & Brennan 2014, doi:10.1177/0272989X13505910):
  regress each ``NB_d`` on the world's parameters of the group with a smooth regression (cubic
  splines and a ridge penalty chosen by cross-validation), then ``E_r[max_d fitted_dr] -
  max_d E_r[fitted_dr]``, clipped to ``[0, EVPI]`` (the regression's noise can push it outside).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["acceptability", "decision_summary", "evpi", "evppi", "net_benefit",
           "parameter_groups", "prob_benefit", "prob_best", "wtp_grid"]

STATUS_QUO = "status quo"


def wtp_grid(pairs: pd.DataFrame, points: int = 41) -> np.ndarray:
    """Willingness-to-pay values per 0.1 SD from 0 to a level where every decision has settled."""
    effect = np.abs(pairs["effect_sd"].to_numpy(dtype=float))
    cost = np.abs(pairs["extra_cost"].to_numpy(dtype=float))
    positive = effect[effect > 1e-12]
    top = 4.0 * float(np.median(cost)) / (float(np.median(positive)) / 0.1) if positive.size \
        else 1000.0
    return np.linspace(0.0, max(top, 1.0), points)


def net_benefit(pairs: pd.DataFrame, wtp: float) -> pd.DataFrame:
    """``(pairs, decisions)`` net benefit at ``wtp`` per 0.1 SD, status quo first (zeros)."""
    table = pairs.pivot(index="replicate", columns="alternative", values="effect_sd")
    cost = pairs.pivot(index="replicate", columns="alternative", values="extra_cost")
    nb = wtp * table / 0.1 - cost
    nb.insert(0, STATUS_QUO, 0.0)
    return nb


def _effects(pairs: pd.DataFrame) -> pd.DataFrame:
    table = pairs.pivot(index="replicate", columns="alternative", values="effect_sd")
    table.insert(0, STATUS_QUO, 0.0)
    return table


def prob_benefit(pairs: pd.DataFrame) -> dict[str, float]:
    """Share of pairs in which each alternative raises achievement over the status quo."""
    return {str(d): float((part["effect_sd"] > 0).mean())
            for d, part in pairs.groupby("alternative", sort=False)}


def _share_best(values: pd.DataFrame) -> dict[str, float]:
    best = values.to_numpy().argmax(axis=1)
    return {str(d): float((best == j).mean()) for j, d in enumerate(values.columns)}


def prob_best(pairs: pd.DataFrame) -> dict[str, float]:
    """Share of pairs in which each decision (status quo included) has the largest effect."""
    return _share_best(_effects(pairs))


def acceptability(pairs: pd.DataFrame, grid: Sequence[float] | np.ndarray) -> pd.DataFrame:
    """The acceptability curve: ``wtp``, per decision P(largest net benefit), and ``evpi``."""
    rows = []
    for k in grid:
        nb = net_benefit(pairs, float(k))
        rows.append({"wtp_per_0_1_sd": float(k), **_share_best(nb), "evpi": evpi(nb)})
    return pd.DataFrame(rows)


def evpi(nb: pd.DataFrame) -> float:
    """Expected value of perfect information per student per year."""
    values = nb.to_numpy(dtype=float)
    return max(0.0, float(values.max(axis=1).mean() - values.mean(axis=0).max()))


def parameter_groups(pairs: pd.DataFrame) -> dict[str, list[str]]:
    """Each world parameter alone, and each section's parameters together (``learning.*``)."""
    params = [c for c in pairs.columns if "." in c]
    groups = {p: [p] for p in params}
    for section in sorted({p.split(".")[0] for p in params}):
        members = [p for p in params if p.split(".")[0] == section]
        if len(members) > 1:
            groups[f"{section}.*"] = members
    return groups


def _smooth_fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fitted values of ``y`` on ``x``: cubic splines per column and a cross-validated ridge."""
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import SplineTransformer, StandardScaler

    if np.ptp(y) == 0 or len(y) < 4:
        return np.full_like(y, y.mean())
    knots = max(2, min(5, len(np.unique(x, axis=0)) // 2))
    model = make_pipeline(StandardScaler(), SplineTransformer(n_knots=knots, degree=3),
                          RidgeCV(alphas=np.logspace(-3, 3, 13)))
    model.fit(x, y)
    return np.asarray(model.predict(x), dtype=float)


def evppi(nb: pd.DataFrame, pairs: pd.DataFrame, columns: Sequence[str]) -> float:
    """Regression-based EVPPI of the parameters ``columns`` (see the module's note)."""
    first = pairs.drop_duplicates("replicate").set_index("replicate").loc[nb.index]
    x = first[list(columns)].to_numpy(dtype=float)
    fitted = np.column_stack([_smooth_fit(x, nb[d].to_numpy(dtype=float)) for d in nb.columns])
    value = float(fitted.max(axis=1).mean() - fitted.mean(axis=0).max())
    return float(min(max(value, 0.0), evpi(nb)))


def decision_summary(pairs: pd.DataFrame, wtp: float | None = None,
                     grid: Sequence[float] | None = None) -> dict[str, object]:
    """Every decision output of a comparison's pairs.

    Returns
    -------
    dict
        ``prob_benefit``, ``prob_best``, ``acceptability`` (DataFrame), ``wtp`` (the level EVPI
        and EVPPI use: where EVPI is largest on the grid unless given), ``evpi`` and ``evppi``
        (DataFrame: group, parameters, evppi; empty with fixed worlds).
    """
    levels = wtp_grid(pairs) if grid is None else np.asarray(grid, dtype=float)
    curve = acceptability(pairs, levels)
    level = float(levels[int(curve["evpi"].to_numpy().argmax())]) if wtp is None else float(wtp)
    nb = net_benefit(pairs, level)
    rows = [{"group": name, "parameters": ", ".join(cols), "evppi": evppi(nb, pairs, cols)}
            for name, cols in parameter_groups(pairs).items()]
    table = pd.DataFrame(rows, columns=["group", "parameters", "evppi"])
    if not table.empty:
        table = table.sort_values("evppi", ascending=False, kind="stable").reset_index(drop=True)
    return {"prob_benefit": prob_benefit(pairs), "prob_best": prob_best(pairs),
            "acceptability": curve, "wtp": level, "evpi": evpi(nb),
            "evppi": table}
