"""Comparing the dashboard's current settings with a baseline over paired replicates.

Every session's comparisons share one bounded pool of worker processes (:data:`POOL`): at most
``POOL.jobs`` comparisons run at once, each with ``POOL.workers_per_job`` processes, so ten
participants pressing Compare together queue instead of starting ten pools on the laptop. The
pool's size comes from ``plsim dashboard --compare-workers`` (``$PLSIM_COMPARE_WORKERS``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from experiments.comparison.paired import ComparisonResult, compare
from interfaces.dashboard.levers import BY_NAME
from interfaces.dashboard.wording import value_text
from simulation import api
from simulation.errors import UserError
from simulation.parameters import REGISTRY
from simulation.scenario import Scenario, bundled_names, load_scenario

DEFAULT_REPLICATES = 10
WORKERS = 2
WORKERS_VAR = "PLSIM_COMPARE_WORKERS"


class ComparePool:
    """The worker processes all dashboard sessions' comparisons share.

    Parameters
    ----------
    total
        Most worker processes running comparisons at any time, across sessions.
    workers_per_job
        Processes one comparison uses (fewer when ``total`` is smaller).
    """

    def __init__(self, total: int, workers_per_job: int = WORKERS) -> None:
        if total < 1:
            raise UserError(f"compare workers must be at least 1, got {total}")
        self.total = total
        self.workers_per_job = max(1, min(workers_per_job, total))
        self.jobs = max(1, total // self.workers_per_job)
        self._slots = threading.BoundedSemaphore(self.jobs)
        self._lock = threading.Lock()
        self.running = 0
        self.waiting = 0

    @contextmanager
    def slot(self, on_wait: Callable[[int], None] | None = None) -> Iterator[int]:
        """Hold one comparison's share of the pool; yields its worker count.

        ``on_wait(n)`` is called with the number of comparisons ahead while this one waits.
        """
        with self._lock:
            self.waiting += 1
        try:
            while not self._slots.acquire(timeout=0.5):
                if on_wait:
                    on_wait(self.waiting + self.running - 1)
        finally:
            with self._lock:
                self.waiting -= 1
        with self._lock:
            self.running += 1
        try:
            yield self.workers_per_job
        finally:
            with self._lock:
                self.running -= 1
            self._slots.release()


def _pool_size() -> int:
    raw = os.environ.get(WORKERS_VAR, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else min(WORKERS, os.cpu_count() or 1)


#: The process-wide pool every session's comparisons run in.
POOL = ComparePool(_pool_size())


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
        return value_text(lever, value)
    unit = REGISTRY[name].unit
    return f"{value} {unit}".strip() if unit not in ("1", "-") else str(value)


def _setting_label(name: str) -> str:
    """A setting that is not a lever, in words: its registry description when short."""
    description = REGISTRY[name].description.strip().rstrip(".")
    if 0 < len(description) <= 60:
        return description
    return name.split(".", 1)[-1].replace("_", " ").capitalize()


def differing_settings(result: ComparisonResult, alternative: Scenario) -> list[tuple[str, str,
                                                                                       str]]:
    """Settings that differ between the baseline and ``alternative``, in plain words."""
    out = []
    for name, base_value, alt_value in result.differing_settings(alternative):
        lever = BY_NAME.get(name)
        label = lever.label if lever else _setting_label(name)
        out.append((label, _describe(name, base_value), _describe(name, alt_value)))
    return out


def run_comparison(settings: Scenario, base_name: str, replicates: int = DEFAULT_REPLICATES,
                   seed: int = 1, pool: ComparePool | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   on_wait: Callable[[int], None] | None = None) -> CompareOutcome:
    """Compare ``settings`` with the bundled scenario ``base_name`` over one year.

    The comparison waits for its share of ``pool`` (default :data:`POOL`), calling
    ``on_wait(comparisons ahead)`` meanwhile.

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
    with (pool or POOL).slot(on_wait) as workers:
        started = time.perf_counter()
        result = compare(base, [settings], replicates=replicates,
                         weeks=api.weeks_per_year(base), seed=seed, workers=workers,
                         progress=progress)
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
    ahead: int = 0
    outcome: CompareOutcome | None = None
    error: str | None = None
    requests: int = 0

    def progress(self, done: int, total: int) -> None:
        """Progress callback for :func:`experiments.comparison.paired.compare`."""
        self.done, self.total, self.ahead = done, total, 0

    def status(self) -> str:
        """What a running comparison is doing, in words."""
        if self.ahead > 0:
            return (f"Waiting: {self.ahead} other comparison{'s' if self.ahead > 1 else ''} "
                    "first (the laptop runs a few at a time)")
        if self.total == 0:
            return "Starting the comparison\u2026"
        return f"Running: {self.done} of {self.total} runs done"
