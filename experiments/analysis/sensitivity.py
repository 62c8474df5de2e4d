"""Global sensitivity indices of a finished experiment, with the model's own noise accounted for.

All indices are computed on the **replicate mean** of each design point (SALib's estimators assume
a deterministic model). With ``R`` replicates per point the noise left in a replicate mean has
variance ``s2 = mean within-point variance / R``; against the variance ``V`` of the replicate means
its share is ``s2 / V``. Noise inflates ``V`` (so it deflates first-order indices) and adds ``s2``
to every total-order numerator; the noise-corrected indices undo both::

    S1c = S1 V / (V - s2)          STc = (ST V - s2) / (V - s2)

(their interval half-widths are scaled by ``V / (V - s2)``). They are exact for Sobol's
estimators and approximate for eFAST, and are left empty (with a note) when ``s2 >= V``.

Intervals come from bootstrap resampling (at least 1,000 resamples, seeded from the experiment's
root seed). SALib's own eFAST bootstrap draws from NumPy's global random state, so eFAST intervals
here use SALib's estimator with a seeded resampler of the same (contiguous half-sample) scheme;
SALib warns that these intervals are indicative only.

Convergence: the first ``m (D + 2)`` points of a Sobol design of size ``n`` are the design of size
``m`` for every power of two ``m``, so indices are recomputed on nested prefixes at no extra cost.

Nothing is dropped: analysis refuses incomplete results (listing missing and failed runs and the
command that completes them) and reports an output that does not vary as such.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from experiments.running.seeding import derived_seed
from experiments.storage.experiment_store import Results

__all__ = ["SensitivityReport", "analyze_results", "noise_decomposition", "write_tables"]

MIN_RESAMPLES = 1000


@dataclass
class SensitivityReport:
    """Index tables of one experiment (each one row per outcome and factor or group).

    Attributes
    ----------
    method
        ``sobol``, ``morris``, ``efast`` (or ``grid``/``lhs``: only summaries).
    indices
        The method's indices (wide: ``S1``, ``S1_conf``, ``ST``, ... or ``mu_star``, ``sigma``...).
    noise
        Per outcome: variance of replicate means, noise variance of the mean, noise share.
    convergence
        Sobol indices on nested power-of-two prefixes (empty for other methods).
    second_order
        Sobol second-order indices when the design has them (else empty).
    points
        Per design point: factor values and mean and SD over replicates of every outcome.
    settings
        Resamples, confidence level, seed.
    """

    method: str
    indices: pd.DataFrame
    noise: pd.DataFrame
    convergence: pd.DataFrame = field(default_factory=pd.DataFrame)
    second_order: pd.DataFrame = field(default_factory=pd.DataFrame)
    points: pd.DataFrame = field(default_factory=pd.DataFrame)
    settings: dict[str, Any] = field(default_factory=dict)

    def ranking(self, outcome: str, role: str | None = None) -> pd.DataFrame:
        """Factors of one outcome ranked by total effect (Sobol/eFAST) or mu* (Morris)."""
        table = self.indices[self.indices["outcome"] == outcome]
        if role is not None and "role" in table:
            table = table[table["role"] == role]
        key = "mu_star" if self.method == "morris" else "ST"
        return table.sort_values(key, ascending=False, na_position="last").reset_index(drop=True)


def noise_decomposition(values: np.ndarray) -> dict[str, float]:
    """Variance of replicate means and the share of it that is the model's noise.

    Parameters
    ----------
    values
        ``(n_points, R)`` outcome values.

    Returns
    -------
    dict
        ``mean``, ``variance`` (of the replicate means, ``V``), ``noise_variance`` (mean
        within-point variance over ``R``: ``s2``), ``noise_share`` (``s2 / V``; NaN with one
        replicate or no variance).
    """
    values = np.asarray(values, dtype=float)
    means = values.mean(axis=1)
    r = values.shape[1]
    v = float(means.var(ddof=1)) if means.size > 1 else math.nan
    if r >= 2:
        s2 = float(values.var(axis=1, ddof=1).mean() / r)
    else:
        s2 = math.nan
    share = s2 / v if r >= 2 and v > 0 else math.nan
    return {"mean": float(means.mean()), "variance": v, "noise_variance": s2,
            "noise_share": share, "replicates": float(r)}


def _noise_note(d: dict[str, float]) -> str:
    if not d["variance"] > 0:
        return "output does not vary across the design: indices are undefined"
    if math.isnan(d["noise_share"]):
        return "one replicate per point: noise share not estimable (use replicates >= 2)"
    if d["noise_share"] >= 1:
        return "noise dominates: corrected indices undefined; add replicates"
    if d["noise_share"] > 0.5:
        return ("noise is most of the variance: indices, corrected or not, are unreliable; add "
                "replicates")
    if d["noise_share"] > 0.2:
        return "noise is a large share of the variance: prefer corrected indices, add replicates"
    return ""


def _correct(table: pd.DataFrame, d: dict[str, float]) -> pd.DataFrame:
    v, s2 = d["variance"], d["noise_variance"]
    ok = v > 0 and not math.isnan(s2) and s2 < v
    scale = v / (v - s2) if ok else math.nan
    table["S1_corrected"] = table["S1"] * scale
    table["ST_corrected"] = (table["ST"] * v - s2) / (v - s2) if ok else math.nan
    table["S1_corrected_conf"] = table["S1_conf"] * scale
    table["ST_corrected_conf"] = table["ST_conf"] * scale
    return table


def analyze_results(results: Results, outcomes: list[str] | None = None,
                    resamples: int = MIN_RESAMPLES, conf_level: float = 0.95,
                    seed: int | None = None, convergence: bool = True) -> SensitivityReport:
    """Sensitivity indices, noise shares and (Sobol) convergence of complete results.

    Parameters
    ----------
    results
        Loaded results (:func:`~experiments.storage.experiment_store.load_results`), complete.
    outcomes
        Scalar outputs to analyse (default: all).
    resamples
        Bootstrap resamples for the intervals (at least 1,000).
    conf_level
        Confidence level of the intervals.
    seed
        Bootstrap seed; default derived from the experiment's root seed.
    convergence
        Also analyse nested power-of-two prefixes of a Sobol design.

    Raises
    ------
    experiments.storage.experiment_store.IncompleteResultsError
        When runs are missing or failed (the message says which and how to finish them).
    """
    from simulation.errors import UserError

    if resamples < MIN_RESAMPLES:
        raise UserError(f"--resamples must be at least {MIN_RESAMPLES}, got {resamples}")
    if not 0 < conf_level < 1:
        raise UserError(f"--conf-level must be between 0 and 1, got {conf_level}")
    results.check_complete()
    outcomes = outcomes or results.scalars
    unknown = [o for o in outcomes if o not in results.scalars]
    if unknown:
        raise UserError(f"{results.path}: outcome(s) {unknown} were not recorded "
                        f"(recorded: {', '.join(results.scalars)})")
    seed = seed or derived_seed(int(results.manifest["root_seed"]), "bootstrap")
    matrices = {o: results.outcome_matrix(o) for o in outcomes}
    noise_rows = []
    for o, y in matrices.items():
        d = noise_decomposition(y)
        noise_rows.append({"outcome": o, **d, "note": _noise_note(d)})
    noise = pd.DataFrame(noise_rows)
    settings = {"resamples": resamples, "conf_level": conf_level, "seed": seed,
                "statistic": "replicate mean per design point"}
    report = SensitivityReport(method=results.method, indices=pd.DataFrame(), noise=noise,
                               points=point_summary(results, matrices), settings=settings)
    noise_by = {row["outcome"]: row for row in noise_rows}
    method = results.method
    if method == "sobol":
        _sobol(report, results, matrices, noise_by, resamples, conf_level, seed, convergence)
    elif method == "morris":
        report.indices = _morris(results, matrices, resamples, conf_level, seed)
    elif method == "efast":
        report.indices = _efast(results, matrices, noise_by, resamples, conf_level, seed)
    return report


def point_summary(results: Results, matrices: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per point: factor values, then mean and SD over replicates of each outcome."""
    first = results.design[results.design["replicate"] == 0].reset_index(drop=True)
    table = first[["point", *results.factors]].copy()
    for o, y in matrices.items():
        table[f"{o}_mean"] = y.mean(axis=1)
        table[f"{o}_sd"] = y.std(axis=1, ddof=1) if y.shape[1] > 1 else np.nan
    return table


def _roles(results: Results) -> dict[str, str]:
    return {f["name"]: f["role"] for f in results.manifest["factors"]}


def _problem(results: Results, grouped: bool = False) -> dict[str, Any]:
    problem = {k: v for k, v in results.manifest["problem"].items() if k != "groups"}
    if grouped and "groups" in results.manifest["problem"]:
        problem["groups"] = results.manifest["problem"]["groups"]
    return problem


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


def _sobol(report: SensitivityReport, results: Results, matrices: dict[str, np.ndarray],
           noise_by: dict[str, dict[str, Any]], resamples: int, conf_level: float, seed: int,
           convergence: bool) -> None:
    problem = _problem(results)
    second = bool(results.manifest["design"].get("second_order", False))
    roles = _roles(results)
    d = problem["num_vars"]
    block = 2 * d + 2 if second else d + 2
    n_base = results.n_points // block
    tables, pairs, conv = [], [], []
    for o, y in matrices.items():
        ybar = y.mean(axis=1)
        first, so = sobol_table(problem, ybar, second, resamples, conf_level, seed)
        first = _correct(first, noise_by[o])
        first.insert(0, "outcome", o)
        first.insert(2, "role", first["factor"].map(roles))
        tables.append(first)
        if not so.empty:
            so.insert(0, "outcome", o)
            pairs.append(so)
        if convergence:
            for m in _prefix_sizes(n_base):
                part, _ = sobol_table(problem, ybar[: m * block], second, resamples,
                                      conf_level, seed)
                part.insert(0, "outcome", o)
                part.insert(1, "n", m)
                part.insert(2, "runs", m * block * results.replicates)
                conv.append(part)
    report.indices = pd.concat(tables, ignore_index=True)
    report.second_order = pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame()
    report.convergence = pd.concat(conv, ignore_index=True) if conv else pd.DataFrame()


def _prefix_sizes(n: int, smallest: int = 8) -> list[int]:
    sizes = []
    m = min(smallest, n)
    while m <= n:
        sizes.append(m)
        m *= 2
    return sizes


def _morris(results: Results, matrices: dict[str, np.ndarray], resamples: int,
            conf_level: float, seed: int) -> pd.DataFrame:
    from SALib.analyze import morris

    problem = _problem(results, grouped=True)
    first = results.design[results.design["replicate"] == 0]
    x = first[[f"u:{name}" for name in problem["names"]]].to_numpy(dtype=float)
    levels = int(results.manifest["design"]["levels"])
    members: dict[str, list[str]] = {}
    for name, group in zip(problem["names"], problem.get("groups", problem["names"])):
        members.setdefault(group, []).append(name)
    roles = _roles(results)
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
            "role": [_group_role(members.get(n, [n]), roles) for n in names],
            "mu": np.asarray(si["mu"], dtype=float),
            "mu_star": np.asarray(si["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
            "sigma": np.asarray(si["sigma"], dtype=float),
        })
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def _group_role(names: list[str], roles: dict[str, str]) -> str:
    kinds = {roles.get(n, "uncertainty") for n in names}
    return kinds.pop() if len(kinds) == 1 else "mixed"


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


def _efast(results: Results, matrices: dict[str, np.ndarray], noise_by: dict[str, dict[str, Any]],
           resamples: int, conf_level: float, seed: int) -> pd.DataFrame:
    problem = _problem(results)
    m = int(results.manifest["design"]["m"])
    roles = _roles(results)
    tables = []
    for o, y in matrices.items():
        rng = np.random.default_rng(seed)
        table = efast_orders(y.mean(axis=1), problem["num_vars"], m, resamples, conf_level, rng)
        table.insert(0, "factor", problem["names"])
        table = _correct(table, noise_by[o])
        table.insert(0, "outcome", o)
        table.insert(2, "role", table["factor"].map(roles))
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def write_tables(report: SensitivityReport, folder: Path) -> list[Path]:
    """Write the report's tables as CSV into ``folder``; the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        f"{report.method}_indices.csv": report.indices,
        "sobol_second_order.csv": report.second_order,
        "sobol_convergence.csv": report.convergence,
        "noise.csv": report.noise,
        "point_summary.csv": report.points,
    }
    written = []
    for name, table in tables.items():
        if not table.empty:
            path = folder / name
            table.to_csv(path, index=False, float_format="%.6g")
            written.append(path)
    return written
