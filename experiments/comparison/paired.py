"""Paired comparisons of scenarios with common random numbers.

Replicate ``r`` of every scenario (the base and each alternative) is run with the same random
stream, ``numpy.random.SeedSequence(seed, spawn_key=(r,))``: the same students, teachers and noise
wherever the scenarios do not change them. An effect is then the mean over replicates of the paired
difference ``alternative - base`` at the last week, with a 95% interval from the t distribution
over those differences, so the noise shared by both arms cancels.

Over plausible worlds (the default, ``worlds="plausible"``) the model's uncertain parameters are not
fixed either: replicate pairs come in blocks of ``pairs_per_world`` consecutive replicates, and each
block draws one world from the posterior ensemble (:func:`simulation.api.plausible_worlds`) by its
weight, with a generator seeded by ``derived_seed(seed, "worlds")``. Both arms of a pair run that
world's parameters with the same seed. The interval is then a t interval over the blocks' mean
differences (independent draws), so it combines parameter and stochastic uncertainty, and a one-way
random-effects decomposition over pairs grouped by world splits the spread into worlds and noise
(:func:`variance_decomposition`). ``worlds="fixed"`` runs the scenarios as they are (as before).

Achievement is in SD units of the starting cohort (the week-0 SD of achievement is 1), so the
achievement effect is an effect size; percentile points say how far a student at the base median
would move: ``100 * (Phi(d) - 0.5)``. Costs are annual per student, incremental over the status quo
(:func:`simulation.costs.annual_costs`).

Example
-------
>>> from experiments.comparison.paired import compare
>>> result = compare("baseline_guangdong_2024", ["coaching_only"], replicates=10)
>>> result.table()
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
from scipy import stats

from experiments.comparison.plan import SERIES, ComparisonPlan
from experiments.design.limits import check_size
from experiments.running.engine import run_pending
from experiments.running.executors import Executor, make_executor
from experiments.running.seeding import derived_seed, paired_seed
from experiments.running.tasks import RunRecord
from experiments.storage.experiment_store import (
    COMPARISON_FORMAT,
    ResultsStore,
    create_store,
    open_to_resume,
)
from experiments.storage.provenance import environment
from simulation import api
from simulation.costs import annual_costs
from simulation.errors import UserError
from simulation.scenario import Scenario, load_scenario
from simulation.survey import interpret

__all__ = ["SERIES", "ComparisonResult", "IncompleteComparisonError", "compare",
           "draw_worlds", "paired_interval", "percentile_points", "replicate_seed",
           "variance_decomposition"]

#: World modes of :func:`compare`.
WORLD_MODES = ("plausible", "fixed")

Progress = Callable[[int, int], None]

#: Paired changes reported per alternative: row key -> time-series metric.
CHANGES: dict[str, str] = {
    "engagement_change": "engagement_mean",
    "gap_bottom_top_change_sd": "gap_bottom_top",
    "gap_access_change_sd": "gap_access",
    "teacher_preparedness_change": "teacher_preparedness",
    "adoption_change": "adoption_mean",
    "burnout_share_change": "burnout_share",
}

#: Relative difference between planned and realized cost that earns a warning.
COST_TOLERANCE = 0.01


#: The random stream of replicate ``r``, shared by every scenario of a comparison.
replicate_seed = paired_seed


def percentile_points(effect_sd: float | None) -> float | None:
    """Percentile points gained by a median student for an effect in SD: ``100*(Phi(d)-0.5)``."""
    if effect_sd is None or not math.isfinite(effect_sd):
        return None
    return float(100.0 * (stats.norm.cdf(effect_sd) - 0.5))


def paired_interval(differences: np.ndarray, level: float = 0.95) -> dict[str, float | None]:
    """Mean of paired differences with a t-distribution confidence interval.

    Parameters
    ----------
    differences
        One ``alternative - base`` difference per replicate.
    level
        Confidence level of the interval.

    Returns
    -------
    dict
        ``{"estimate", "ci_low", "ci_high"}``; the bounds are ``None`` with one replicate.
    """
    d = np.asarray(differences, dtype=float)
    estimate = float(d.mean())
    if d.size < 2:
        return {"estimate": estimate, "ci_low": None, "ci_high": None}
    half = float(stats.t.ppf(0.5 + level / 2, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size))
    return {"estimate": estimate, "ci_low": estimate - half, "ci_high": estimate + half}


@dataclass
class ComparisonResult:
    """A base scenario against alternatives, replicate by replicate.

    Attributes
    ----------
    base, alternatives
        The scenarios compared.
    labels
        Unique display name of each arm, base first (a scenario's name, numbered when repeated).
    rows
        One summary dict per alternative (see :func:`compare`).
    timeseries
        Long table: scenario, arm, replicate, week and every model-level metric.
    survey
        Synthetic survey at week 0 and at the end, averaged over replicates: scenario, arm, week,
        group, factor_id, factor, mean, sd, interpretation.
    replicates, weeks, seed
        The design: replicate ``r`` used ``SeedSequence(seed, spawn_key=(r,))`` in every arm.
    folder
        The results folder that holds the runs (``None`` when they were not kept).
    """

    base: Scenario
    alternatives: list[Scenario]
    labels: list[str]
    rows: list[dict[str, Any]]
    timeseries: pd.DataFrame
    survey: pd.DataFrame
    replicates: int
    weeks: int
    seed: int
    base_warnings: list[str] = field(default_factory=list)
    folder: Path | None = None
    #: One row per alternative and replicate pair: alternative, replicate, world (``-1`` with
    #: fixed worlds), effect_sd, extra_cost (realized, per student per year) and, over plausible
    #: worlds, the world's parameters (dotted names).
    pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: ``"plausible"`` or ``"fixed"``.
    worlds: str = "fixed"

    @property
    def scenarios(self) -> list[Scenario]:
        """Base first, then the alternatives."""
        return [self.base, *self.alternatives]

    def decision_outputs(self) -> dict[str, Any]:
        """P(benefit), P(best), acceptability, EVPI and EVPPI of the replicate pairs
        (:func:`experiments.analysis.decision.decision_summary`)."""
        from experiments.analysis.decision import decision_summary

        return decision_summary(self.pairs)

    @property
    def setup_warnings(self) -> dict[str, list[str]]:
        """Per alternative's label, the warnings of :func:`setup_warnings` (artefacts of the
        set-up: nothing that acts changes, the population differs)."""
        return {label: setup_warnings(alt, self.base)
                for label, alt in zip(self.labels[1:], self.alternatives)}

    def to_json(self) -> dict[str, Any]:
        """``{"comparisons": rows}``, ready for ``json.dumps``."""
        return {"comparisons": self.rows}

    def final(self) -> pd.DataFrame:
        """Last-week levels of every arm, averaged over replicates (one row per scenario)."""
        last = self.timeseries[self.timeseries["week"] == self.weeks]
        means = last.groupby("arm", sort=True)[list(SERIES)].mean()
        means.insert(0, "scenario", [self.labels[i] for i in means.index])
        return means.reset_index(drop=True)

    def table(self) -> pd.DataFrame:
        """The comparison as printable text columns, one row per alternative."""
        return comparison_table(self.rows)

    def differing_settings(self, alternative: Scenario | str | int) -> list[tuple[str, Any, Any]]:
        """Parameters an alternative sets differently from the base.

        Parameters
        ----------
        alternative
            One of :attr:`alternatives`, its label, or its position among them.

        Returns
        -------
        list of tuple
            ``(dotted name, base value, alternative value)`` in registry order.
        """
        alt = self._alternative(alternative)
        base = self.base.flat()
        return [(name, base[name], value) for name, value in alt.flat().items()
                if base.get(name) != value]

    def _alternative(self, which: Scenario | str | int) -> Scenario:
        if isinstance(which, Scenario):
            return which
        if isinstance(which, int):
            return self.alternatives[which]
        for label, scenario in zip(self.labels[1:], self.alternatives):
            if which == label:
                return scenario
        for scenario in self.alternatives:
            if which == scenario.name:
                return scenario
        raise KeyError(f"{which!r} is not an alternative of this comparison "
                       f"({', '.join(self.labels[1:])})")


def compare(
    base: Scenario | str,
    alternatives: Sequence[Scenario | str],
    replicates: int = 10,
    weeks: int | None = None,
    seed: int = 1,
    workers: int | None = 1,
    progress: Progress | None = None,
    *,
    executor: Executor | None = None,
    dask: str | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    retry_failed: bool = False,
    force: bool = False,
    chunk_size: int = 1,
    part_runs: int = 16,
    log: TextIO | None = None,
    on_record: Callable[[RunRecord], None] | None = None,
    worlds: str | pd.DataFrame = "plausible",
    pairs_per_world: int | None = None,
) -> ComparisonResult:
    """Run a base scenario and alternatives as paired replicates and summarize the differences.

    The runs go through the run engine of every experiment (:mod:`experiments.running.engine`):
    the same executors (this process, local processes, Dask) and the same crash-safe results
    store. With ``out`` the runs are kept there and an interrupted comparison resumes; without it
    they are stored in a temporary folder removed at the end.

    Parameters
    ----------
    base
        The control scenario (object, bundled name or TOML path).
    alternatives
        Scenarios compared with ``base``.
    replicates
        Paired replicates per scenario (at least 2 for an interval).
    weeks
        Weeks simulated in every arm; default the base's ``institution.years`` in weeks.
    seed
        Root entropy of the replicate streams.
    workers
        Processes to run replicates in (``None``: one per core; 1: in this process); the results
        do not depend on it.
    progress
        Called as ``progress(done, total)`` after each finished run.
    executor
        An executor object (overrides ``workers`` and ``dask``).
    dask
        A Dask scheduler address, or ``"local"`` for a LocalCluster.
    out
        Folder that keeps the runs (crash-safe; see ``resume``).
    resume, retry_failed
        Continue the runs missing from ``out`` (the comparison must be unchanged); also re-run
        failed ones.
    force
        Replace a plsim folder at ``out`` instead of refusing.
    chunk_size
        Runs per scheduled task (results do not depend on it).
    part_runs
        Write the runs to ``out`` after this many (or every 10 s): at most these are lost to a
        kill.
    log
        Where messages go (default stderr).
    on_record
        Called with every finished run record.
    worlds
        ``"plausible"`` (default): every block of ``pairs_per_world`` replicate pairs runs in a
        world drawn by weight from :func:`simulation.api.plausible_worlds` (a table of the same
        shape may be passed instead); ``"fixed"``: the scenarios' own parameters, as before.
    pairs_per_world
        Consecutive replicate pairs that share a drawn world (2 or more lets the spread be split
        into worlds and noise); default 2 from 8 replicates on (at least 4 independent world
        draws for the interval), else 1.

    Returns
    -------
    ComparisonResult
        Each row holds ``scenario``, ``achievement_effect_sd`` (``estimate``, ``ci_low``,
        ``ci_high``), ``percentile_points``, ``engagement_change``, ``gap_bottom_top_change_sd``,
        ``gap_access_change_sd``, ``teacher_preparedness_change``, ``adoption``,
        ``burnout_share``, ``cost_per_student``, ``cost_difference_per_student``,
        ``realized_cost_per_student``, ``effect_sd_per_1000_per_student`` (``None`` when the
        alternative costs the same as the base), ``intervals`` (95% intervals of the other paired
        changes), ``warnings``, ``replicates``, ``weeks`` and ``base``; over plausible worlds
        also ``worlds`` (the decomposition of :func:`variance_decomposition` and the world of
        each replicate).
    """
    base_sc = _as_scenario(base)
    alt_scs = [_as_scenario(a) for a in alternatives]
    if not alt_scs:
        raise UserError("compare needs at least one alternative scenario")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise UserError(f"replicates must be a whole number of at least 1, got {replicates!r}")
    if workers is not None and workers < 1:
        raise UserError(f"workers must be at least 1, got {workers!r}")
    if part_runs < 1 or chunk_size < 1:
        raise UserError("part_runs and chunk_size must be 1 or more")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UserError(f"seed must be a whole number of 0 or more, got {seed!r}")
    if weeks is None:
        weeks = api.weeks_per_year(base_sc) * base_sc.params.institution.years
    if weeks < 1:
        raise UserError(f"weeks must be at least 1, got {weeks!r}")
    arms = [base_sc, *alt_scs]
    largest = max(arms, key=lambda a: a.params.institution.n_students)
    check_size("compare", len(arms) * replicates, largest, weeks, what="the comparison")
    if pairs_per_world is None:
        pairs_per_world = 2 if replicates >= 8 else 1
    world_ids, world_values = _worlds(worlds, replicates, seed, pairs_per_world)
    plan = ComparisonPlan(arms=tuple(arms), labels=tuple(_unique_labels([s.name for s in arms])),
                          replicates=replicates, weeks=weeks, seed=seed, world_ids=world_ids,
                          worlds=world_values, pairs_per_world=pairs_per_world)
    if executor is None:
        executor = make_executor(workers=None if workers is None else min(workers, plan.n_runs),
                                 dask=dask, serial=workers == 1 and not dask,
                                 chunk_size=chunk_size)
    if out is not None:
        return _run(plan, Path(out), executor, resume=resume or retry_failed,
                    retry_failed=retry_failed, force=force, progress=progress, log=log,
                    on_record=on_record, part_runs=part_runs)
    with tempfile.TemporaryDirectory(prefix="plsim-compare-") as tmp:
        result = _run(plan, Path(tmp) / "runs", executor, resume=False, retry_failed=False,
                      force=False, progress=progress, log=log, on_record=on_record,
                      part_runs=max(part_runs, plan.n_runs))
    result.folder = None
    return result


def draw_worlds(ensemble: pd.DataFrame, replicates: int, seed: int,
                pairs_per_world: int) -> tuple[tuple[int, ...], tuple[dict[str, float], ...]]:
    """The world of each replicate: one weighted draw per block of ``pairs_per_world`` pairs.

    Returns the world id and the parameter overrides of every replicate.
    """
    weights = ensemble["weight"].to_numpy(dtype=float)
    if weights.size == 0 or not np.all(np.isfinite(weights)) or weights.sum() <= 0:
        raise UserError("plausible worlds: the weight column must hold finite, non-negative "
                        "numbers with a positive sum")
    rng = np.random.default_rng(derived_seed(seed, "worlds"))
    blocks = -(-replicates // pairs_per_world)
    rows = rng.choice(len(ensemble), size=blocks, p=weights / weights.sum())
    params = [c for c in ensemble.columns if c not in ("world", "weight")]
    ids, values = [], []
    for r in range(replicates):
        row = ensemble.iloc[int(rows[r // pairs_per_world])]
        ids.append(int(row["world"]))
        values.append({name: float(row[name]) for name in params})
    return tuple(ids), tuple(values)


def variance_decomposition(differences: np.ndarray, groups: Sequence[int]) -> dict[str, Any]:
    """Split the variance of paired differences into worlds and the model's noise.

    One-way random-effects ANOVA over pairs grouped by world: the within-world mean square
    ``MSW`` estimates the noise variance; ``(MSB - MSW) / n0`` (floored at 0, ``n0`` the
    ANOVA's effective group size) the variance between worlds.

    Returns
    -------
    dict
        ``{"world_variance", "noise_variance", "world_share", "worlds", "pairs"}``; the
        variances are ``None`` when no world holds two pairs (noise cannot be told apart).
    """
    d = np.asarray(differences, dtype=float)
    g = np.asarray(groups)
    names = sorted(set(g.tolist()))
    sizes = np.array([(g == k).sum() for k in names], dtype=float)
    means = np.array([d[g == k].mean() for k in names])
    n, k = float(d.size), len(names)
    out: dict[str, Any] = {"world_variance": None, "noise_variance": None, "world_share": None,
                           "worlds": k, "pairs": int(n)}
    if n - k < 1 or k < 2:
        return out
    msw = float(sum(((d[g == name] - m) ** 2).sum() for name, m in zip(names, means)) / (n - k))
    msb = float((sizes * (means - d.mean()) ** 2).sum() / (k - 1))
    n0 = (n - float((sizes ** 2).sum()) / n) / (k - 1)
    between = max(0.0, (msb - msw) / n0)
    total = between + msw
    out.update(world_variance=between, noise_variance=msw,
               world_share=None if total == 0 else between / total)
    return out


# --- running ----------------------------------------------------------------------------------

class IncompleteComparisonError(UserError):
    """Some runs of a comparison failed; the message names them and the first error."""


def _worlds(worlds: str | pd.DataFrame, replicates: int, seed: int, pairs_per_world: int,
            ) -> tuple[tuple[int, ...], tuple[dict[str, float], ...]]:
    if isinstance(pairs_per_world, bool) or not isinstance(pairs_per_world, int) \
            or pairs_per_world < 1:
        raise UserError(f"pairs_per_world must be a whole number of at least 1, "
                        f"got {pairs_per_world!r}")
    if isinstance(worlds, pd.DataFrame):
        ensemble = worlds
    elif worlds == "fixed":
        return (), ()
    elif worlds == "plausible":
        ensemble = api.plausible_worlds()
    else:
        raise UserError(f"worlds must be one of {', '.join(WORLD_MODES)}, got {worlds!r}")
    missing = {"world", "weight"} - set(ensemble.columns)
    if missing:
        raise UserError(f"plausible worlds: missing column(s) {', '.join(sorted(missing))}")
    return draw_worlds(ensemble, replicates, seed, pairs_per_world)


def _as_scenario(scenario: Scenario | str) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def _unique_labels(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return labels


def _run(plan: ComparisonPlan, out: Path, executor: Executor, *, resume: bool,
         retry_failed: bool, force: bool, progress: Progress | None, log: TextIO | None,
         on_record: Callable[[RunRecord], None] | None, part_runs: int) -> ComparisonResult:
    """Run the plan's pending runs into the store at ``out`` and summarize them."""
    store, _, replace = open_to_resume(out, plan.fingerprint(), resume, force,
                                       format=COMPARISON_FORMAT,
                                       changed=lambda old: _changes(old, plan))
    executor.open()  # before touching the folder: an unreachable scheduler changes nothing
    try:
        if store is None:
            store = create_store(out, replace, plan.manifest(environment()), plan.run_table())
        done = [len(store.read_runs())] if progress else [0]

        def record_done(record: RunRecord) -> None:
            if progress is not None:
                done[0] += 1
                progress(done[0], plan.n_runs)
            if on_record is not None:
                on_record(record)

        run_pending(store, plan.context(), plan.run_ids, plan.task, executor,
                    retry_failed=retry_failed, progress=False, part_runs=part_runs, log=log,
                    on_record=record_done, label="compare")
    finally:
        executor.close()
    return _summarize(plan, store)


def _changes(old: dict[str, Any], plan: ComparisonPlan) -> str:
    now = plan.manifest({})
    keys = ("base", "alternatives", "seed", "replicates", "weeks", "worlds")
    diffs = [f"{k}: {old.get(k)!r} -> {now.get(k)!r}" for k in keys
             if old.get(k) != now.get(k)]
    return "; ".join(diffs) or "a scenario's values (or a world's parameters) changed"


def _summarize(plan: ComparisonPlan, store: ResultsStore) -> ComparisonResult:
    runs = store.read_runs()
    missing = sorted(set(plan.run_ids) - set(runs["run_id"].tolist()))
    failed = runs[runs["status"] != "ok"]
    if missing or not failed.empty:
        first = (str(failed["error"].iloc[0]).splitlines() or [""])[0] if len(failed) else ""
        raise IncompleteComparisonError(
            f"{store.path}: {len(missing)} run(s) of the comparison have no result and "
            f"{len(failed)} failed" + (f" (first error: {first})" if first else "")
            + "; finished runs are saved: resume the comparison (retrying failures) to finish")
    outputs = _outputs(store, runs)
    arms, labels = list(plan.arms), list(plan.labels)
    weeks, replicates = plan.weeks, plan.replicates
    base_sc = arms[0]
    timeseries = _long_timeseries(outputs, labels)
    survey = _mean_survey(outputs, labels)
    finals = _final_values(timeseries, weeks, len(arms), replicates)
    base_cost = annual_costs(base_sc.values)["total_per_student"]
    base_warnings = list(base_sc.warnings)
    rows = [
        _summary_row(i, labels, arms, finals, timeseries, base_cost, base_warnings, weeks,
                     replicates, plan)
        for i in range(1, len(arms))
    ]
    return ComparisonResult(base=base_sc, alternatives=arms[1:], labels=labels, rows=rows,
                            timeseries=timeseries, survey=survey, replicates=replicates,
                            weeks=weeks, seed=plan.seed, base_warnings=base_warnings,
                            folder=store.path, pairs=_pairs(plan, finals, labels),
                            worlds="plausible" if plan.world_ids else "fixed")


def _pairs(plan: ComparisonPlan, finals: dict[str, np.ndarray], labels: list[str],
           ) -> pd.DataFrame:
    """Per-pair effects and realized extra costs (see :attr:`ComparisonResult.pairs`)."""
    yearly = np.array([api.weeks_per_year(a) for a in plan.arms], dtype=float) / plan.weeks
    spend = finals["spending_per_student"] * yearly[:, None]
    records = []
    for i in range(1, len(plan.arms)):
        for r in range(plan.replicates):
            world = plan.world_of(r)
            record: dict[str, Any] = {
                "alternative": labels[i], "replicate": r,
                "world": -1 if world is None else world,
                "effect_sd": float(finals["achievement_mean"][i][r]
                                   - finals["achievement_mean"][0][r]),
                "extra_cost": float(spend[i][r] - spend[0][r])}
            if plan.world_ids:
                record.update(plan.worlds[r])
            records.append(record)
    return pd.DataFrame.from_records(records)


def _interval(differences: np.ndarray, plan: ComparisonPlan) -> dict[str, float | None]:
    """Interval of paired differences: over world blocks' means when pairs share worlds."""
    if not plan.world_ids or plan.pairs_per_world == 1:
        return paired_interval(differences)
    k = plan.pairs_per_world
    blocks = np.array([differences[j:j + k].mean() for j in range(0, differences.size, k)])
    return paired_interval(blocks)


Outputs = dict[tuple[int, int], tuple[pd.DataFrame, pd.DataFrame]]


def _outputs(store: ResultsStore, runs: pd.DataFrame) -> Outputs:
    """Each run's weekly series (week and every metric) and survey, by (arm, replicate)."""
    series = store.read_timeseries(runs)
    wide = series.pivot(index=["point", "replicate", "week"], columns="metric", values="value")
    wide = wide[list(SERIES)].reset_index()
    wide.columns.name = None
    surveys = store.read_survey(runs)
    by_run = {key: part.drop(columns=["run_id", "point", "replicate"]).reset_index(drop=True)
              for key, part in surveys.groupby(["point", "replicate"], sort=True)}
    out: Outputs = {}
    for key, part in wide.groupby(["point", "replicate"], sort=True):
        arm, replicate = int(key[0]), int(key[1])
        out[(arm, replicate)] = (part[["week", *SERIES]].reset_index(drop=True),
                                 by_run[key])
    return out


# --- summarizing ------------------------------------------------------------------------------

def _long_timeseries(outputs: dict[tuple[int, int], tuple[pd.DataFrame, pd.DataFrame]],
                     labels: list[str]) -> pd.DataFrame:
    parts = []
    for (arm, r), (ts, _) in sorted(outputs.items()):
        part = ts[["week", *SERIES]].copy()
        part.insert(0, "replicate", r)
        part.insert(0, "arm", arm)
        part.insert(0, "scenario", labels[arm])
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _mean_survey(outputs: dict[tuple[int, int], tuple[pd.DataFrame, pd.DataFrame]],
                 labels: list[str]) -> pd.DataFrame:
    parts = []
    for arm, label in enumerate(labels):
        reps = [survey for (a, _), (_, survey) in sorted(outputs.items()) if a == arm]
        stacked = pd.concat(reps, ignore_index=True)
        mean = stacked.groupby(["week", "group", "factor_id", "factor"], sort=False)[
            ["mean", "sd"]].mean().reset_index()
        mean["interpretation"] = [interpret(g, m) for g, m in zip(mean["group"], mean["mean"])]
        mean.insert(0, "arm", arm)
        mean.insert(0, "scenario", label)
        parts.append(mean)
    return pd.concat(parts, ignore_index=True)


def _final_values(timeseries: pd.DataFrame, weeks: int, arms: int,
                  replicates: int) -> dict[str, np.ndarray]:
    """Last-week value of each metric as an ``(arms, replicates)`` array."""
    last = timeseries[timeseries["week"] == weeks].sort_values(["arm", "replicate"])
    return {m: last[m].to_numpy(dtype=float).reshape(arms, replicates) for m in SERIES}


def _summary_row(i: int, labels: list[str], arms: list[Scenario], finals: dict[str, np.ndarray],
                 timeseries: pd.DataFrame, base_cost: float, base_warnings: list[str],
                 weeks: int, replicates: int, plan: ComparisonPlan) -> dict[str, Any]:
    alt = arms[i]
    differences = finals["achievement_mean"][i] - finals["achievement_mean"][0]
    effect = _interval(differences, plan)
    changes = {key: _interval(finals[metric][i] - finals[metric][0], plan)
               for key, metric in CHANGES.items()}
    cost = float(annual_costs(alt.values)["total_per_student"])
    cost_difference = cost - float(base_cost)
    per_1000 = _per_1000(effect, cost_difference)
    realized = _realized_cost(timeseries, i, weeks, api.weeks_per_year(alt))
    intervals: dict[str, dict[str, float | None]] = {
        "percentile_points": {"ci_low": percentile_points(effect["ci_low"]),
                              "ci_high": percentile_points(effect["ci_high"])},
        **{key: {"ci_low": c["ci_low"], "ci_high": c["ci_high"]} for key, c in changes.items()},
        "effect_sd_per_1000_per_student": {"ci_low": per_1000["ci_low"],
                                           "ci_high": per_1000["ci_high"]},
    }
    warnings = _row_warnings(alt, arms[0], labels, replicates, cost_difference, cost, realized,
                             base_warnings)
    row: dict[str, Any] = {
        "scenario": labels[i],
        "base": labels[0],
        "achievement_effect_sd": effect,
        "percentile_points": percentile_points(effect["estimate"]),
        "engagement_change": changes["engagement_change"]["estimate"],
        "gap_bottom_top_change_sd": changes["gap_bottom_top_change_sd"]["estimate"],
        "gap_access_change_sd": changes["gap_access_change_sd"]["estimate"],
        "teacher_preparedness_change": changes["teacher_preparedness_change"]["estimate"],
        "adoption": float(finals["adoption_mean"][i].mean()),
        "adoption_change": changes["adoption_change"]["estimate"],
        "burnout_share": float(finals["burnout_share"][i].mean()),
        "burnout_share_change": changes["burnout_share_change"]["estimate"],
        "cost_per_student": cost,
        "cost_difference_per_student": cost_difference,
        "realized_cost_per_student": realized,
        "effect_sd_per_1000_per_student": per_1000["estimate"],
        "intervals": intervals,
        "warnings": warnings,
        "replicates": replicates,
        "weeks": weeks,
    }
    if plan.world_ids:
        row["worlds"] = {"mode": "plausible", "pairs_per_world": plan.pairs_per_world,
                         "world_of_replicate": list(plan.world_ids),
                         **variance_decomposition(differences, plan.world_ids)}
    return row


def _per_1000(effect: dict[str, float | None], cost_difference: float) -> dict[str, float | None]:
    """Effect per 1,000 currency units of extra annual cost per student (None at equal cost)."""
    if cost_difference == 0:
        return {"estimate": None, "ci_low": None, "ci_high": None}
    scale = cost_difference / 1000.0
    bounds = [None if (v := effect[k]) is None else v / scale for k in ("ci_low", "ci_high")]
    if scale < 0 and None not in bounds:
        bounds = bounds[::-1]
    estimate = effect["estimate"]
    return {"estimate": None if estimate is None else estimate / scale, "ci_low": bounds[0],
            "ci_high": bounds[1]}


def _realized_cost(timeseries: pd.DataFrame, arm: int, weeks: int, weeks_per_year: int) -> float:
    """Spending per student per year actually booked in the run (mean over replicates)."""
    last = timeseries[(timeseries["arm"] == arm) & (timeseries["week"] == weeks)]
    return float(last["spending_per_student"].mean() * weeks_per_year / weeks)


def _row_warnings(alt: Scenario, base: Scenario, labels: list[str], replicates: int,
                  cost_difference: float, cost: float, realized: float,
                  base_warnings: list[str]) -> list[str]:
    out = list(alt.warnings)
    out += [f"base {labels[0]}: {w}" for w in base_warnings]
    if replicates < 2:
        out.append("one replicate: no confidence interval (use 2 or more)")
    if cost_difference == 0:
        out.append("costs the same as the base: effect per 1,000 per student is undefined")
    elif cost_difference < 0:
        out.append(f"costs {-cost_difference:.0f} per student per year less than the base: "
                   "effect per 1,000 is per 1,000 saved, with the sign of the effect reversed")
    if abs(realized - cost) > COST_TOLERANCE * max(cost, 1.0):
        out.append(f"realized spending ({realized:.0f} per student per year) differs from the "
                   f"planned cost ({cost:.0f}): the allocation changed during the run")
    if api.weeks_per_year(alt) != api.weeks_per_year(base):
        out.append(f"teaching weeks per year differ from the base ({api.weeks_per_year(alt)} vs "
                   f"{api.weeks_per_year(base)}): both arms ran the same number of weeks")
    return out


#: Settings that make the population of a run: arms that differ in them compare other students.
POPULATION_PREFIXES = ("institution.n_students", "resources.class_size", "students.")


def setup_warnings(alt: Scenario, base: Scenario) -> list[str]:
    """Warnings where a result would be an artefact of the set-up, not of a policy.

    An alternative that changes nothing at all or only devices that no practice uses, and arms
    that differ in their population (number of students, class size or week-0 student state).
    """
    from simulation.practices import PRACTICES

    a, b = alt.flat(), base.flat()
    changed = [name for name, value in a.items() if b.get(name) != value]
    out = []
    if not changed:
        out.append("sets nothing differently from the base: any effect is noise")
    devices_up = a["resources.device_ratio"] > b["resources.device_ratio"]
    using = [p.name for p in PRACTICES if p.needs_access and p.is_on(alt.params)]
    if devices_up and not using:
        out.append("adds devices, but no practice that needs a device is on (e.g. the adaptive "
                   "platform): the devices only change access, not what students do")
    population = [n for n in changed if n.startswith(POPULATION_PREFIXES)]
    if population:
        shown = ", ".join(f"{n} {b[n]} -> {a[n]}" for n in population[:4])
        out.append(f"differs from the base in its population or classes ({shown}): part of "
                   "the effect comes from who is taught and in what groups, not only from the "
                   "policy")
    return out


# --- printing ---------------------------------------------------------------------------------

def _signed(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:+.{digits}f}"


def comparison_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Printable columns of comparison rows (numbers formatted, ``n/a`` explained)."""
    records = []
    for row in rows:
        effect = row["achievement_effect_sd"]
        if effect["ci_low"] is None:
            effect_text = f"{effect['estimate']:+.3f} (no CI)"
        else:
            effect_text = (f"{effect['estimate']:+.3f} [{effect['ci_low']:+.3f}, "
                           f"{effect['ci_high']:+.3f}]")
        per_1000 = row["effect_sd_per_1000_per_student"]
        if per_1000 is None:
            per_1000_text = "n/a (same cost)"
        elif row["cost_difference_per_student"] < 0:
            per_1000_text = f"{per_1000:+.3f} (cheaper)"
        else:
            per_1000_text = f"{per_1000:+.3f}"
        records.append({
            "scenario": row["scenario"],
            "effect SD [95% CI]": effect_text,
            "pctile pts": _signed(row["percentile_points"], 1),
            "engagement": _signed(row["engagement_change"], 3),
            "gap Q4-Q1 SD": _signed(row["gap_bottom_top_change_sd"], 3),
            "gap access SD": _signed(row["gap_access_change_sd"], 3),
            "cost/student": f"{row['cost_per_student']:,.0f}",
            "SD per 1,000": per_1000_text,
        })
    return pd.DataFrame.from_records(records)
