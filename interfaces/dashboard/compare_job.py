"""Comparing the dashboard's current settings with a baseline over paired replicates."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from experiments.comparison.paired import ComparisonResult, compare
from interfaces.dashboard.levers import BY_NAME
from simulation import api
from simulation.errors import UserError
from simulation.parameters import REGISTRY
from simulation.scenario import Scenario, bundled_names, load_scenario

DEFAULT_REPLICATES = 10
WORKERS = 2


@dataclass
class CompareOutcome:
    """A finished comparison as the page shows it.

    Attributes
    ----------
    row
        The comparison row of the alternative (see :func:`experiments.comparison.paired.compare`).
    differing
        ``(label, baseline value, your value)`` of every setting that differs, as text.
    seconds
        Wall-clock time the comparison took.
    result
        The full comparison (time series of every replicate, survey).
    """

    row: dict[str, Any]
    differing: list[tuple[str, str, str]]
    seconds: float
    result: ComparisonResult


def _describe(name: str, value: Any) -> str:
    lever = BY_NAME.get(name)
    if lever is not None:
        return lever.format(value)
    unit = REGISTRY[name].unit
    return f"{value} {unit}".strip() if unit not in ("1", "-") else str(value)


def differing_settings(result: ComparisonResult, alternative: Scenario) -> list[tuple[str, str,
                                                                                       str]]:
    """Settings that differ between the baseline and ``alternative``, in plain words."""
    out = []
    for name, base_value, alt_value in result.differing_settings(alternative):
        lever = BY_NAME.get(name)
        label = lever.label if lever else name
        out.append((label, _describe(name, base_value), _describe(name, alt_value)))
    return out


def run_comparison(settings: Scenario, base_name: str, replicates: int = DEFAULT_REPLICATES,
                   seed: int = 1, workers: int = WORKERS,
                   progress: Callable[[int, int], None] | None = None) -> CompareOutcome:
    """Compare ``settings`` with the bundled scenario ``base_name`` over one year.

    Raises
    ------
    UserError
        If the baseline is not bundled or the settings are identical to it.
    """
    if base_name not in bundled_names():
        raise UserError(f"unknown baseline {base_name!r}")
    base = load_scenario(base_name)
    if settings.flat() == base.flat():
        raise UserError(f"your settings are the same as {base_name}: change a lever (or pick "
                        "another preset) before comparing")
    started = time.perf_counter()
    result = compare(base, [settings], replicates=replicates, weeks=api.weeks_per_year(base),
                     seed=seed, workers=workers, progress=progress)
    seconds = time.perf_counter() - started
    return CompareOutcome(result.rows[0], differing_settings(result, settings), seconds, result)


@dataclass
class CompareState:
    """A session's comparison: what was asked, how far it got, and its outcome or problem."""

    base: str = "baseline_guangdong_2024"
    replicates: int = DEFAULT_REPLICATES
    running: bool = False
    done: int = 0
    total: int = 0
    outcome: CompareOutcome | None = None
    error: str | None = None
    requests: int = 0

    def progress(self, done: int, total: int) -> None:
        """Progress callback for :func:`experiments.comparison.paired.compare`."""
        self.done, self.total = done, total
