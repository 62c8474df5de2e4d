"""One dashboard session's state, without any UI: preset, settings, the running model, timeline.

Lifecycle
---------
A person picks a preset (a bundled scenario) and moves levers; the new values are *pending*
until the next Step or Run. At week 0 pending values rebuild the model (they become the starting
settings). During a run they are applied to the running model from the next week and recorded on
the timeline, except the levers that decide who is in the institution (``when == "reset"``) and
the seed, which wait for Reset. Any problem (a value out of range, a combination the scenario
validator refuses, such as spending over the budget) becomes :attr:`Session.message` and the
model keeps its previous settings: nothing raises into the page.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import pandas as pd

from interfaces.dashboard import values as checks
from interfaces.dashboard import wording
from interfaces.dashboard.levers import BY_NAME, LEVERS
from simulation import api
from simulation.costs import annual_costs
from simulation.errors import UserError
from simulation.model import PersonalizedLearningModel
from simulation.scenario import Scenario, bundled_names, load_scenario

BASELINE = "baseline_guangdong_2024"
SEED_NAME = "seed"
DASHBOARD_NAME = "your_settings"
RESET_ONLY: tuple[str, ...] = tuple(lv.name for lv in LEVERS if lv.when == "reset")


@dataclass(frozen=True)
class Change:
    """One setting changed: dotted name (or ``seed``), old and new value."""

    name: str
    old: Any
    new: Any

    def text(self) -> str:
        """``label: old -> new`` in plain words."""
        lever = BY_NAME.get(self.name)
        if lever is None:
            return f"{self.name}: {self.old} \u2192 {self.new}"
        return (f"{lever.label}: {wording.value_text(lever, self.old)} \u2192 "
                f"{wording.value_text(lever, self.new)}")


@dataclass(frozen=True)
class TimelineEvent:
    """Policy changes that took effect after ``week`` (so from week ``week + 1`` on)."""

    week: int
    changes: tuple[Change, ...]

    def text(self) -> str:
        """All changes of the event on one line."""
        return "; ".join(c.text() for c in self.changes)


def lever_values(scenario: Scenario) -> dict[str, Any]:
    """The value of every lever in a scenario."""
    return {lever.name: scenario.get(lever.name) for lever in LEVERS}


@dataclass(frozen=True)
class Reference:
    """An earlier run drawn faintly behind the live charts.

    Attributes
    ----------
    label
        What it is, in words (``status quo`` or the pinned run's description).
    series
        Its weekly series (the model's time-series columns).
    pinned
        Whether a person pinned it (else it is the status-quo baseline).
    """

    label: str
    series: pd.DataFrame
    pinned: bool = False


@lru_cache(maxsize=32)
def baseline_series(seed: int, weeks: int) -> pd.DataFrame:
    """The status-quo scenario's weekly series at ``seed`` (computed once per process)."""
    return api.run(BASELINE, seed=seed, weeks=weeks, snapshots=False).timeseries


class Session:
    """State of one person's dashboard.

    ``series`` is the model's weekly series as of the last completed step: pages read it
    instead of the model's collector, which a running step may be appending to.

    Parameters
    ----------
    preset
        Bundled scenario name to start from.
    seed
        Random seed of the run.
    overrides
        Lever values to start with (e.g. from a shared link); invalid ones are reported in
        :attr:`message` and ignored.
    """

    def __init__(self, preset: str = BASELINE, seed: int = 1,
                 overrides: Mapping[str, Any] | None = None) -> None:
        self.lock = threading.RLock()
        self.message: str | None = None
        self.notice: str | None = None
        self.version = 0
        self.seed = seed
        self.timeline: list[TimelineEvent] = []
        self.pinned: Reference | None = None
        problems: list[str] = []
        if preset not in bundled_names():
            problems.append(f"unknown preset {preset!r}; started from {BASELINE}")
            preset = BASELINE
        self.preset = load_scenario(preset)
        self.settings = lever_values(self.preset)
        for name, value in (overrides or {}).items():
            if not self.set(name, value) and self.message:
                problems.append(self.message)
        try:
            scenario = self.candidate()
        except UserError as exc:
            problems.append(f"{exc} These settings were not used: the dashboard started from "
                            f"the preset {preset} instead.")
            self.settings = lever_values(self.preset)
            scenario = self.preset
        self._build(scenario)
        self.message = " ".join(problems) or None

    # --- reading -----------------------------------------------------------------------------
    @property
    def week(self) -> int:
        """Weeks simulated so far."""
        return int(self.model.week)

    @property
    def weeks_per_term(self) -> int:
        """Teaching weeks in a term."""
        return int(self.model.weeks_per_term)

    @property
    def horizon(self) -> int:
        """Weeks of the scenario's default run (``institution.years`` years)."""
        years = int(self.model.values["institution"]["years"])
        return int(self.model.weeks_per_year) * years

    def term_end(self) -> int:
        """The week at which the current term ends (the next one if at a boundary)."""
        per = self.weeks_per_term
        return (self.week // per + 1) * per

    def pending(self) -> list[Change]:
        """Settings changed since the model last took them."""
        out = [Change(n, self.applied[n], v) for n, v in self.settings.items()
               if self.applied[n] != v]
        if self.seed != self.model_seed:
            out.append(Change(SEED_NAME, self.model_seed, self.seed))
        return out

    def merged_values(self, settings: Mapping[str, Any] | None = None
                      ) -> dict[str, dict[str, Any]]:
        """The preset's values with ``settings`` (default: the current ones) laid over them
        (not validated)."""
        merged = {s: dict(kv) for s, kv in self.preset.values.items()}
        for name, value in (self.settings if settings is None else settings).items():
            section, key = name.split(".", 1)
            merged[section][key] = value
        return merged

    def planned_costs(self) -> dict[str, float]:
        """Annual cost per student of the current settings, by lever and in total."""
        return annual_costs(self.merged_values())

    def running_costs(self) -> dict[str, float]:
        """Annual cost per student of the settings the run uses now (applied ones)."""
        return annual_costs(self.merged_values(self.applied))

    @property
    def reference(self) -> Reference:
        """The run drawn faintly behind the live charts: the pinned one, else the status quo."""
        if self.pinned is not None:
            return self.pinned
        return Reference("status quo (no policy change), same seed",
                         baseline_series(self.model_seed, self.horizon))

    def pin(self) -> None:
        """Keep this run's series as the faint reference (it survives Reset and presets)."""
        with self.lock:
            changes = len(self.pending()) + sum(len(e.changes) for e in self.timeline)
            label = (f"pinned run: {self.preset.name}, to week {self.week}"
                     + (f", {changes} change{'s' if changes != 1 else ''}" if changes else ""))
            self.pinned = Reference(label, self.series.copy(), pinned=True)
            self._touch()

    def unpin(self) -> None:
        """Go back to the status quo as the reference."""
        with self.lock:
            self.pinned = None
            self._touch()

    def budget(self) -> float:
        """The current settings' budget per student per year."""
        return float(self.settings["administrators.budget_per_student"])

    def candidate(self, settings: Mapping[str, Any] | None = None) -> Scenario:
        """The preset with ``settings`` (default: the current ones) as a validated scenario.

        Raises
        ------
        UserError
            If the combination is refused (e.g. it costs more than the budget).
        """
        chosen = self.settings if settings is None else settings
        changed = {n: v for n, v in chosen.items() if self.preset.get(n) != v}
        if not changed:
            return self.preset
        values = self.merged_values(chosen)
        refused = wording.refusal(values, annual_costs(values))
        if refused:
            raise UserError(refused)
        try:
            scenario = self.preset.with_overrides(changed, label="your settings")
        except UserError as exc:
            raise UserError(wording.plain(str(exc))) from None
        n = len(changed)
        return replace(scenario, name=DASHBOARD_NAME,
                       description=f"{self.preset.name} with {n} setting"
                       f"{'s' if n > 1 else ''} changed on the dashboard")

    # --- changing ----------------------------------------------------------------------------
    def set(self, name: str, value: Any) -> bool:
        """Set a lever (checked against the registry); ``False`` and a message if refused."""
        lever = BY_NAME.get(name)
        if lever is None:
            self.message = f"{name!r} is not a lever of this dashboard"
            return False
        checked, error = checks.check(lever.param, value, lever.label,
                                      allowed=wording.allowed_text(lever))
        return self._store(name, checked, error)

    def set_text(self, name: str, text: str) -> bool:
        """Set a lever from typed text; ``False`` and a message if it cannot be used."""
        lever = BY_NAME.get(name)
        if lever is None:
            self.message = f"{name!r} is not a lever of this dashboard"
            return False
        parsed, error = checks.parse(lever.param, text, lever.label,
                                     allowed=wording.allowed_text(lever))
        return self._store(name, parsed, error)

    def set_seed_text(self, text: str) -> bool:
        """Set the seed from typed text (used at the next Reset or at week 0)."""
        seed, error = checks.parse_seed(text)
        with self.lock:
            if error:
                self.message = error
                return False
            self.seed = int(seed)  # type: ignore[arg-type]
            self._touch()
        return True

    def choose_preset(self, name: str) -> bool:
        """Start again from a bundled scenario; only bundled names are accepted."""
        if name not in bundled_names():
            self.message = f"unknown preset {name!r} (choose one of the list)"
            return False
        with self.lock:
            try:
                preset = load_scenario(name)
            except UserError as exc:
                self.message = str(exc)
                return False
            self.preset = preset
            self.settings = lever_values(preset)
            self._build(preset)
        return True

    def reset(self) -> bool:
        """Rebuild the model at week 0 with the current settings and seed."""
        with self.lock:
            try:
                scenario = self.candidate()
            except UserError as exc:
                self.message = str(exc)
                return False
            self._build(scenario)
        return True

    def step(self) -> bool:
        """Apply pending settings, then simulate one week; ``False`` if a setting is refused."""
        with self.lock:
            if not self._apply_pending():
                self._touch()
                return False
            self.model.step()
            self.series = self.model.timeseries()
            self._touch()
        return True

    def survey_now(self) -> pd.DataFrame:
        """The synthetic survey at the current week, with each factor's change since week 0."""
        now = self.model.survey()
        start = self.survey_start.set_index(["group", "factor_id"])["mean"]
        now["change"] = now["mean"].to_numpy() - start.loc[
            list(zip(now["group"], now["factor_id"]))].to_numpy()
        return now

    def release(self) -> None:
        """Let the model be garbage-collected (Mesa keeps every model otherwise)."""
        self.model.release()

    # --- internals ---------------------------------------------------------------------------
    def _store(self, name: str, value: Any, error: str | None) -> bool:
        with self.lock:
            if error:
                self.message = error
                self._touch()
                return False
            self.settings[name] = value
            self.message = None
            self._touch()
        return True

    def _touch(self) -> None:
        self.version += 1

    def _build(self, scenario: Scenario) -> None:
        old = getattr(self, "model", None)
        self.model = PersonalizedLearningModel(scenario=scenario, seed=self.seed,
                                               snapshots=False)
        if old is not None:
            old.release()
        self.series = self.model.timeseries()
        self.model_seed = self.seed
        self.applied = lever_values(scenario)
        self.timeline = []
        self.survey_start = self.model.survey()
        self.message = None
        self.notice = None
        self._touch()

    def _apply_pending(self) -> bool:
        pending = self.pending()
        if not pending:
            return True
        if self.week == 0:
            try:
                self._build(self.candidate())
            except UserError as exc:
                self.message = str(exc)
                return False
            return True
        now = {c.name: c.new for c in pending if c.name not in (*RESET_ONLY, SEED_NAME)}
        later = [c for c in pending if c.name in (*RESET_ONLY, SEED_NAME)]
        if now:
            wanted = {**self.applied, **now}
            try:
                scenario = self.candidate(wanted)
            except UserError as exc:
                self.message = str(exc)
                return False
            self.model.apply_policy(scenario)
            self.timeline.append(TimelineEvent(self.week, tuple(
                c for c in pending if c.name in now)))
            self.applied = wanted
        self.message = None
        self.notice = ("waiting for Reset: " + "; ".join(c.text() for c in later)) if later \
            else None
        return True
