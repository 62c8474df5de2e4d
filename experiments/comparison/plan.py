"""The runs of a paired comparison, planned for the run engine.

Arm ``a`` (the base is arm 0) and replicate ``r`` is run ``a * replicates + r``; it runs the arm's
scenario as it is with the paired seed of replicate ``r``
(:func:`experiments.running.seeding.paired_seed`): every arm's replicate ``r`` shares its random
streams (common random numbers). The plan's fingerprint covers every arm's resolved values, the
replicates, the horizon and the seed, so a folder resumes only the comparison it was made for.

Over plausible worlds (``worlds`` set), replicate ``r`` of every arm also applies the parameters of
world ``world_ids[r]`` as overrides: both arms of a pair share the world and the seed. With fixed
worlds (``worlds`` empty) the plan, its fingerprint and its runs are those of before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from experiments.running.seeding import PAIRED, scheme_text
from experiments.running.tasks import RunContext, RunTask
from experiments.storage.experiment_store import COMPARISON_FORMAT
from simulation.observation import METRICS
from simulation.scenario import Scenario

__all__ = ["SERIES", "ComparisonPlan"]

#: Model-level series kept for every replicate (all but the week and term counters).
SERIES: tuple[str, ...] = tuple(m for m in METRICS if m not in ("week", "term"))


@dataclass(frozen=True)
class ComparisonPlan:
    """Arms (base first), their labels, replicates, horizon and root seed of a comparison."""

    arms: tuple[Scenario, ...]
    labels: tuple[str, ...]
    replicates: int
    weeks: int
    seed: int
    #: World id of each replicate (empty: fixed worlds, the arms as they are).
    world_ids: tuple[int, ...] = ()
    #: Parameter overrides of each replicate's world (same length as ``world_ids``).
    worlds: tuple[Mapping[str, float], ...] = field(default=(), compare=False)
    #: Consecutive replicates sharing one world draw (the interval's independent unit).
    pairs_per_world: int = 1

    def world_of(self, replicate: int) -> int | None:
        """The world id replicate ``replicate`` runs in (``None`` with fixed worlds)."""
        return self.world_ids[replicate] if self.world_ids else None

    @property
    def n_runs(self) -> int:
        """Runs in the comparison (arms x replicates)."""
        return len(self.arms) * self.replicates

    @property
    def run_ids(self) -> list[int]:
        """Every run id, in order."""
        return list(range(self.n_runs))

    def fingerprint(self) -> str:
        """SHA-256 of everything that determines the runs."""
        payload = {"arms": [{"label": label, "values": arm.flat()}
                            for label, arm in zip(self.labels, self.arms)],
                   "replicates": self.replicates, "weeks": self.weeks, "seed": self.seed,
                   "seeding": PAIRED}
        if self.world_ids:
            payload["worlds"] = [{"world": w, "values": dict(v)}
                                 for w, v in zip(self.world_ids, self.worlds)]
            payload["pairs_per_world"] = self.pairs_per_world
        text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def context(self) -> RunContext:
        """What every run shares: the arms, the paired seeding, every week of every series."""
        return RunContext(base=self.arms[0], root=self.seed, weeks=self.weeks, scalars=SERIES,
                          series=SERIES, series_weeks=tuple(range(self.weeks + 1)),
                          fingerprint=self.fingerprint(), arms=self.arms, seeding=PAIRED,
                          survey=True)

    def task(self, run_id: int, attempt: int = 1) -> RunTask:
        """The task of one run."""
        arm, replicate = divmod(int(run_id), self.replicates)
        overrides = dict(self.worlds[replicate]) if self.world_ids else {}
        return RunTask(run_id=int(run_id), point=arm, replicate=replicate, attempt=attempt,
                       overrides=overrides)

    def run_table(self) -> pd.DataFrame:
        """One row per run: run_id, point (the arm), replicate, scenario label and seed."""
        arm = [a for a in range(len(self.arms)) for _ in range(self.replicates)]
        replicate = [r for _ in self.arms for r in range(self.replicates)]
        table = pd.DataFrame({
            "run_id": range(self.n_runs), "point": arm, "replicate": replicate,
            "scenario": pd.Series([self.labels[a] for a in arm], dtype="str"),
            "seed": pd.Series([f"SeedSequence({self.seed}, spawn_key=({r},))" for r in replicate],
                              dtype="str"),
        })
        if self.world_ids:
            table["world"] = [self.world_ids[r] for r in replicate]
        return table

    def manifest(self, environment: dict[str, Any]) -> dict[str, Any]:
        """The manifest a comparison folder starts with (the summary adds to it at the end)."""
        return {
            "format": COMPARISON_FORMAT,
            "kind": "comparison",
            "base": self.labels[0],
            "alternatives": list(self.labels[1:]),
            "arms": [{"label": label, "name": arm.name, "source": arm.source}
                     for label, arm in zip(self.labels, self.arms)],
            "fingerprint": self.fingerprint(),
            "seed": self.seed,
            "replicates": self.replicates,
            "weeks": self.weeks,
            "n_points": len(self.arms),
            "n_runs": self.n_runs,
            "random_streams": scheme_text(PAIRED),
            "outputs": {"scalars": list(SERIES), "timeseries": list(SERIES),
                        "weeks": list(range(self.weeks + 1))},
            "environment": environment,
            "sessions": [],
        } | ({"worlds": {"mode": "plausible", "pairs_per_world": self.pairs_per_world,
                         "world_of_replicate": list(self.world_ids)}} if self.world_ids
             else {})
