"""Experiment specs: TOML files naming a base scenario, the factors to vary, a design and outputs.

A spec looks like this (``experiments/specs/*.toml`` are complete examples)::

    name = "policy_sobol"
    scenario = "baseline_guangdong_2024"   # bundled name, or a path relative to the spec
    root_seed = 20240611                   # omit for fresh entropy (recorded in the manifest)
    replicates = 2
    weeks = 36                             # horizon; default: the scenario's years

    [overrides]                            # fixed for every run
    "training.coaches_per_teacher" = 0.2

    [design]
    method = "sobol"                       # grid | lhs | sobol | morris | efast (methods/)
    n = 256

    [[factors]]
    name = "pacing.mode"                   # bounds, levels and role default to the registry

    [[factors]]
    name = "training.coaching_hours"
    low = 0.0
    high = 80.0

    [outputs]
    scalars = ["achievement_mean", "gap_bottom_top"]     # read at the final week
    timeseries = ["achievement_mean"]
    weeks = [0, 18, 36]

``[all_parameters]`` turns every registry parameter with the listed roles into a factor (for
screening); ``[[factors]]`` entries then narrow or regroup single parameters or glob patterns
(``name = "*.creativity_innovation_*"``), e.g. with ``spread = 0.1`` (default +- 10 %).

Every problem is a :class:`SpecError` naming the file, the field, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from experiments.design.limits import check_size
from experiments.methods import METHODS
from experiments.methods import names as method_names
from simulation.errors import UserError
from simulation.observation import METRICS
from simulation.parameters import REGISTRY, Parameter
from simulation.scenario import Scenario, ScenarioError, load_scenario, read_toml, resolve_path

SPECS_DIR = Path(__file__).resolve().parents[1] / "specs"
OUTCOME_METRICS: tuple[str, ...] = tuple(m for m in METRICS if m not in ("week", "term"))
DEFAULT_SCALARS: tuple[str, ...] = (
    "achievement_mean", "gap_bottom_top", "engagement_mean", "adoption_mean",
    "teacher_preparedness", "burnout_share", "cost_per_student",
)
#: Methods run by ``plsim sensitivity`` and by ``plsim sweep`` (as registered at import).
SENSITIVITY_METHODS: tuple[str, ...] = method_names("sensitivity")
SWEEP_METHODS: tuple[str, ...] = method_names("sweep")
Level = bool | int | float | str
Role = Literal["policy", "uncertainty", "structure"]
ROLES: tuple[Role, ...] = ("policy", "uncertainty", "structure")


class SpecError(UserError):
    """An invalid experiment spec; the message names the file, field, value and what is allowed."""


class _Strict(BaseModel):
    """Fields keep the types TOML gives them: ``"2"`` is no integer and ``true`` no number.

    Pydantic's strict mode still accepts an integer where a float is expected (``high = 1``).
    """

    model_config = ConfigDict(extra="forbid", strict=True)


class FactorEntry(_Strict):
    """One ``[[factors]]`` entry as written in the file."""

    name: str | list[str]
    role: Literal["policy", "uncertainty"] | None = None
    low: float | None = None
    high: float | None = None
    spread: float | None = Field(default=None, gt=0, le=1)
    levels: list[Level] | None = Field(default=None, min_length=1)
    group: str | None = None


class DesignEntry(_Strict):
    """The ``[design]`` table."""

    method: str
    n: int | None = Field(default=None, ge=1)
    second_order: bool = False
    levels: int = Field(default=4, ge=2)
    m: int = Field(default=4, ge=1)
    seed: int | None = Field(default=None, ge=1)

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        if value not in METHODS:
            known = list(METHODS)
            raise ValueError(f"must be {', '.join(map(repr, known[:-1]))} or {known[-1]!r}")
        return value


class OutputsEntry(_Strict):
    """The ``[outputs]`` table."""

    scalars: list[str] = Field(default_factory=lambda: list(DEFAULT_SCALARS))
    timeseries: list[str] = Field(default_factory=list)
    weeks: list[int] | None = None


class AllParametersEntry(_Strict):
    """The ``[all_parameters]`` table (screening every registry parameter)."""

    roles: list[Role] = Field(default_factory=lambda: list(ROLES))
    exclude: list[str] = Field(default_factory=list)
    group_by: Literal["section", "none"] = "section"


class SpecFile(_Strict):
    """The whole file, validated field by field."""

    name: str | None = None
    description: str = ""
    scenario: str = "baseline_guangdong_2024"
    root_seed: int | None = Field(default=None, ge=0)
    replicates: int = Field(default=1, ge=1, le=1000)
    weeks: int | None = Field(default=None, ge=1)  # at most api.MAX_YEARS years (check_size)
    invalid_points: Literal["error", "record"] = "error"
    overrides: dict[str, Any] = Field(default_factory=dict)
    all_parameters: AllParametersEntry | None = None
    factors: list[FactorEntry] = Field(default_factory=list)
    design: DesignEntry
    outputs: OutputsEntry = Field(default_factory=OutputsEntry)

    @field_validator("overrides", mode="before")
    @classmethod
    def _flatten(cls, value: Any) -> Any:
        return _flatten_overrides(value) if isinstance(value, Mapping) else value


@dataclass(frozen=True)
class Factor:
    """A resolved factor: what is varied, over which values, and how a unit sample maps to it.

    Continuous samples ``u`` in [0, 1] map to values as follows (the same for every design):

    - float: ``low + u * (high - low)`` (kept within the bounds despite rounding);
    - int: ``low + floor(u * (high - low + 1))``, capped at ``high`` (equal-width slices, so each
      integer is equally likely);
    - choice and bool: ``levels[min(floor(u * k), k - 1)]`` for the ``k`` levels (bool levels are
      ``[False, True]``, choice levels are the registry's choices or the spec's subset).

    Grid designs take explicit ``levels`` (or these mappings at evenly spaced ``u``).
    """

    name: str
    kind: str
    role: str
    low: float | None
    high: float | None
    levels: tuple[Level, ...]
    group: str
    parameter: Parameter

    @property
    def categorical(self) -> bool:
        """True for choice and bool factors."""
        return self.kind in ("choice", "bool")

    def from_unit(self, u: float) -> Level:
        """The factor value of a unit sample ``u`` in [0, 1]."""
        u = min(max(float(u), 0.0), 1.0)
        if self.categorical:
            k = len(self.levels)
            return self.levels[min(int(math.floor(u * k)), k - 1)]
        assert self.low is not None and self.high is not None
        if self.kind == "int":
            lo, hi = int(self.low), int(self.high)
            return int(min(lo + math.floor(u * (hi - lo + 1)), hi))
        value = self.low + u * (self.high - self.low)
        return float(min(max(value, self.low), self.high))  # no rounding past a bound

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for manifests and tables."""
        return {
            "name": self.name, "kind": self.kind, "role": self.role, "low": self.low,
            "high": self.high, "levels": list(self.levels), "group": self.group,
            "unit": self.parameter.unit, "description": self.parameter.description,
        }


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment spec with its factors resolved against the registry.

    Attributes
    ----------
    name, description
        Identify the experiment (``name`` defaults to the file stem).
    source
        The file it came from (``None`` when built in code).
    raw
        The validated file content (normalized): what the fingerprint covers with the scenario.
    base
        The base scenario with ``overrides`` applied.
    factors
        The factors in design-column order.
    """

    name: str
    description: str
    source: str | None
    raw: SpecFile
    base: Scenario
    factors: tuple[Factor, ...]

    @property
    def method(self) -> str:
        """The design method."""
        return self.raw.design.method

    @property
    def replicates(self) -> int:
        """Replicates per design point."""
        return self.raw.replicates

    @property
    def weeks(self) -> int:
        """Horizon in weeks."""
        if self.raw.weeks is not None:
            return self.raw.weeks
        inst = self.base.values["institution"]
        return int(inst["weeks_per_term"]) * int(inst["terms_per_year"]) * int(inst["years"])

    @property
    def scalars(self) -> tuple[str, ...]:
        """Outcomes read at the final week."""
        return tuple(self.raw.outputs.scalars)

    @property
    def timeseries(self) -> tuple[str, ...]:
        """Metrics kept as time series."""
        return tuple(self.raw.outputs.timeseries)

    @property
    def series_weeks(self) -> tuple[int, ...]:
        """Weeks at which time series are kept (default week 0 and every term end)."""
        if self.raw.outputs.weeks is not None:
            return tuple(sorted(set(self.raw.outputs.weeks)))
        per_term = int(self.base.values["institution"]["weeks_per_term"])
        return tuple(sorted({0, *range(per_term, self.weeks + 1, per_term), self.weeks}))

    @property
    def kind(self) -> str:
        """``sensitivity`` (Sobol, Morris, eFAST) or ``sweep`` (grid, LHS)."""
        return METHODS[self.method].kind

    def to_dict(self) -> dict[str, Any]:
        """The normalized spec as plain JSON-ready data."""
        return self.raw.model_dump(mode="json")

    def fingerprint(self) -> str:
        """SHA-256 of everything that determines the runs: spec, resolved factors, base values."""
        payload = {
            "spec": {k: v for k, v in self.to_dict().items() if k not in ("description",)},
            "factors": [f.describe() for f in self.factors],
            "base": {k: _plain(v) for k, v in sorted(self.base.flat().items())},
        }
        text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def with_changes(self, **changes: Any) -> ExperimentSpec:
        """A copy with top-level fields changed, e.g. ``design={"method": "sobol", "n": 8}``."""
        data = self.raw.model_dump()
        for key, value in changes.items():
            if isinstance(value, Mapping) and isinstance(data.get(key), Mapping):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return spec_from_dict(data, where=f"{self.source or self.name} (changed in code)",
                              relative_to=Path(self.source).parent if self.source else None,
                              default_name=self.name)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _flatten_overrides(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(item, Mapping):
            out.update(_flatten_overrides(item, name))
        else:
            out[name] = item
    return out


def _format_error(where: str, exc: ValidationError, data: Mapping[str, Any]) -> str:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    field = _field_path(loc, data)
    got = err.get("input")
    if err["type"] == "missing":
        return f"{where}: {field} is required"
    if err["type"] == "extra_forbidden":
        section_fields = _allowed_fields(loc[:-1])
        near = difflib.get_close_matches(loc[-1], section_fields, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        return (f"{where}: unknown field '{field}'{hint} (allowed: {', '.join(section_fields)})")
    msg = err["msg"].replace("Input should be", "must be").replace("Value error, ", "")
    if err["type"] == "too_short" and loc[-1] == "levels":
        msg = "list two or more levels, or leave levels out to use all of them"
    return f"{where}: {field} = {_toml_text(got)} is not allowed: {msg}"


def _toml_text(value: Any) -> str:
    """A value as TOML writes it (``true``, ``"2"``), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def _field_path(loc: Sequence[str], data: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for p in loc:
        if p.isdigit() and parts:
            parts[-1] = f"{parts[-1]}[{int(p) + 1}]"
        elif p not in ("str", "list[str]", "bool", "int", "float"):
            parts.append(p)
    text = ".".join(parts)
    if loc and loc[0] == "factors" and len(loc) > 1 and loc[1].isdigit():
        entries = data.get("factors", [])
        i = int(loc[1])
        if isinstance(entries, list) and i < len(entries) and isinstance(entries[i], Mapping):
            text += f" (factor '{entries[i].get('name', '?')}')"
    return text


_SECTION_MODELS: dict[str, type[BaseModel]] = {
    "": SpecFile, "factors": FactorEntry, "design": DesignEntry, "outputs": OutputsEntry,
    "all_parameters": AllParametersEntry,
}


def _allowed_fields(loc: Sequence[str]) -> list[str]:
    head = next((p for p in loc if not p.isdigit()), "")
    model = _SECTION_MODELS.get(head, SpecFile)
    return list(model.model_fields)


def resolve_spec_path(name_or_path: str | Path) -> Path:
    """An existing spec path, or the name of a bundled spec in ``experiments/specs``."""
    candidate = Path(name_or_path)
    if candidate.exists():
        return candidate
    bundled = SPECS_DIR / f"{candidate.stem}.toml"
    if candidate.parent == Path(".") and bundled.exists():
        return bundled
    names = sorted(p.stem for p in SPECS_DIR.glob("*.toml"))
    near = difflib.get_close_matches(candidate.stem, names, n=1)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    raise SpecError(f"{name_or_path}: spec file not found{hint} "
                    f"(bundled specs: {', '.join(names)})")


def load_spec(name_or_path: str | Path) -> ExperimentSpec:
    """Load and validate an experiment spec (a path or a bundled spec's name).

    Raises
    ------
    SpecError
        With one message naming the file, the field, the value and what is allowed.
    """
    path = resolve_spec_path(name_or_path)
    return spec_from_dict(read_toml(path, SpecError, "spec file"), where=str(path),
                          relative_to=path.parent, default_name=path.stem)


def spec_from_dict(data: Mapping[str, Any], where: str = "spec",
                   relative_to: Path | None = None, default_name: str = "experiment"
                   ) -> ExperimentSpec:
    """Validate spec data already parsed from TOML (or built in code)."""
    try:
        raw = SpecFile.model_validate(dict(data))
    except ValidationError as exc:
        raise SpecError(_format_error(where, exc, data)) from None
    if raw.name is None:
        raw = raw.model_copy(update={"name": default_name})
    scenario = _scenario(raw, where, relative_to)
    factors = _resolve_factors(raw, where, scenario)
    base = _base_scenario(raw, where, scenario, factors)
    spec = ExperimentSpec(name=str(raw.name), description=raw.description, source=where,
                          raw=raw, base=base, factors=factors)
    _check_design(spec, where)
    _check_outputs(spec, where)
    return spec


def _scenario(raw: SpecFile, where: str, relative_to: Path | None) -> Scenario:
    try:
        return load_scenario(resolve_path(raw.scenario, relative_to=relative_to))
    except ScenarioError as exc:
        raise SpecError(f"{where}: scenario = {raw.scenario!r}: {exc}") from None


def _base_scenario(raw: SpecFile, where: str, scenario: Scenario,
                   factors: tuple[Factor, ...]) -> Scenario:
    """The scenario with [overrides] and every factor at its mid value (each run replaces them)."""
    mid = {f.name: f.from_unit(0.5) for f in factors}
    label = f"{where} [overrides]"
    try:
        return scenario.with_overrides({**raw.overrides, **mid}, label=label)
    except ScenarioError as exc:
        with_mid = str(exc)
    try:
        scenario.with_overrides(raw.overrides, label=label)
    except ScenarioError as exc:
        raise SpecError(str(exc)) from None
    raise SpecError(f"{with_mid} (checked with every factor at its mid value)")


def _registry_names(pattern: str, where: str, field: str) -> list[str]:
    if any(ch in pattern for ch in "*?["):
        names = [n for n in REGISTRY if fnmatch.fnmatchcase(n, pattern)]
        if not names:
            raise SpecError(f"{where}: {field} = {pattern!r} matches no registry parameter")
        return names
    if pattern not in REGISTRY:
        near = difflib.get_close_matches(pattern, REGISTRY, n=1, cutoff=0.5)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise SpecError(f"{where}: {field} = {pattern!r} is not a registry parameter{hint} "
                        "(see docs/parameters.md)")
    return [pattern]


def _resolve_factors(raw: SpecFile, where: str, base: Scenario) -> tuple[Factor, ...]:
    selected: dict[str, dict[str, Any]] = {}
    if raw.all_parameters is not None:
        excluded: set[str] = set()
        for pattern in raw.all_parameters.exclude:
            excluded.update(_registry_names(pattern, where, "all_parameters.exclude"))
        for name, p in REGISTRY.items():
            if p.role in raw.all_parameters.roles and name not in excluded:
                group = p.section if raw.all_parameters.group_by == "section" else name
                selected[name] = {"auto_group": group}
    explicit: set[str] = set()
    for i, entry in enumerate(raw.factors, start=1):
        field = f"factors[{i}].name"
        patterns = entry.name if isinstance(entry.name, list) else [entry.name]
        names: list[str] = []
        for pattern in patterns:
            matched = _registry_names(pattern, where, field)
            if raw.all_parameters is not None and any(ch in pattern for ch in "*?["):
                matched = [n for n in matched if n in selected] or matched
            names.extend(matched)
        for name in names:
            if name in explicit:
                raise SpecError(f"{where}: {field}: '{name}' is listed twice in [[factors]]")
            explicit.add(name)
            item = selected.setdefault(name, {})
            for key in ("role", "low", "high", "spread", "levels", "group"):
                value = getattr(entry, key)
                if value is not None:
                    item[key] = value
            item["entry"] = i
    if not selected:
        raise SpecError(f"{where}: no factors: add [[factors]] entries (name = a registry "
                        "parameter) or an [all_parameters] table")
    fixed = set(raw.overrides)
    factors = []
    for name, item in selected.items():
        if name in fixed:
            raise SpecError(f"{where}: '{name}' is both a factor and fixed in [overrides]; "
                            "remove one of them")
        factors.append(_factor(REGISTRY[name], item, where, base))
    return tuple(factors)


def _factor(p: Parameter, item: Mapping[str, Any], where: str, base: Scenario) -> Factor:
    label = f"factors[{item['entry']}] ('{p.name}')" if "entry" in item else f"'{p.name}'"
    role = item.get("role") or ("policy" if p.role == "policy" else "uncertainty")
    group = str(item.get("group") or item.get("auto_group") or p.name)
    levels: tuple[Level, ...] = ()
    low = high = None
    if p.kind in ("choice", "bool"):
        allowed: tuple[Level, ...] = p.choices if p.kind == "choice" else (False, True)
        if any(k in item for k in ("low", "high", "spread")):
            raise SpecError(f"{where}: {label}: low/high/spread do not apply to a {p.kind} "
                            f"parameter; use levels = a subset of {list(allowed)}")
        levels = tuple(item.get("levels") or allowed)
        for level in levels:
            if level not in allowed or type(level) is not type(allowed[0]):
                raise SpecError(f"{where}: {label}: level {level!r} is not allowed: "
                                f"'{p.name}' must be {p.allowed()}")
        if len(set(levels)) != len(levels) or len(levels) < 2:
            raise SpecError(f"{where}: {label}: levels = {list(levels)} must be two or more "
                            "distinct values")
    else:
        assert p.low is not None and p.high is not None
        low, high = float(p.low), float(p.high)
        if "spread" in item:
            if "low" in item or "high" in item:
                raise SpecError(f"{where}: {label}: give either spread or low/high, not both")
            centre = float(base.get(p.name))
            half = abs(centre) * float(item["spread"])
            low, high = max(low, centre - half), min(high, centre + half)
        low = float(item.get("low", low))
        high = float(item.get("high", high))
        for key, value in (("low", low), ("high", high)):
            if not p.low <= value <= p.high:
                raise SpecError(f"{where}: {label}: {key} = {value:g} is outside the registry "
                                f"range: '{p.name}' must be {p.allowed()}")
        if p.kind == "int" and (low != int(low) or high != int(high)):
            raise SpecError(f"{where}: {label}: bounds of an integer parameter must be "
                            f"integers, got low = {low:g}, high = {high:g}")
        if not low < high:
            raise SpecError(f"{where}: {label}: low = {low:g} must be below high = {high:g}")
        if "levels" in item:
            raw_levels = item["levels"]
            for level in raw_levels:
                if isinstance(level, (bool, str)) or not low <= float(level) <= high:
                    raise SpecError(f"{where}: {label}: level {level!r} is not allowed: "
                                    f"must be a number from {low:g} to {high:g}")
                if p.kind == "int" and float(level) != int(level):
                    raise SpecError(f"{where}: {label}: level {level!r} must be an integer")
            cast = int if p.kind == "int" else float
            levels = tuple(cast(v) for v in raw_levels)
    return Factor(name=p.name, kind=p.kind, role=role, low=low, high=high, levels=levels,
                  group=group, parameter=p)


def _check_design(spec: ExperimentSpec, where: str) -> None:
    d = spec.raw.design
    method = METHODS[d.method]
    if method.n_meaning and d.n is None:
        raise SpecError(f"{where}: design.n is required for method = {d.method!r} "
                        f"({method.n_meaning})")
    problem = method.check(spec)
    if problem:
        raise SpecError(f"{where}: {problem}")
    if not method.numeric_levels and any(f.levels and not f.categorical for f in spec.factors):
        f = next(f for f in spec.factors if f.levels and not f.categorical)
        raise SpecError(f"{where}: factor '{f.name}': levels of a numeric factor are for grid "
                        f"designs; a {d.method} design samples low..high")
    if len(spec.factors) < method.min_factors:
        raise SpecError(f"{where}: a {d.method} design needs at least {method.min_factors} "
                        "factors")
    grouped = [e for e in spec.raw.factors if e.group is not None]
    if not method.uses_groups and grouped:
        users = " or ".join(f'method = "{n}"' for n, m in METHODS.items() if m.uses_groups)
        raise SpecError(f"{where}: factor '{grouped[0].name}' sets group = {grouped[0].group!r}, "
                        f"but groups are only used by Morris designs; remove it or use {users}")
    check_size(where, planned_points(spec) * spec.replicates, spec.base, spec.weeks, SpecError)


def planned_points(spec: ExperimentSpec) -> int:
    """Design points the spec's design will have, counted without sampling it."""
    return METHODS[spec.raw.design.method].n_points(spec)


def _check_outputs(spec: ExperimentSpec, where: str) -> None:
    out = spec.raw.outputs
    for field, names in (("outputs.scalars", out.scalars), ("outputs.timeseries", out.timeseries)):
        for name in names:
            if name not in OUTCOME_METRICS:
                near = difflib.get_close_matches(name, OUTCOME_METRICS, n=1)
                hint = f"; did you mean '{near[0]}'?" if near else ""
                raise SpecError(f"{where}: {field}: '{name}' is not a model metric{hint} "
                                f"(metrics: {', '.join(OUTCOME_METRICS)})")
        if len(set(names)) != len(names):
            raise SpecError(f"{where}: {field} lists a metric twice: {names}")
    if not out.scalars:
        raise SpecError(f"{where}: outputs.scalars must name at least one metric")
    for week in out.weeks or []:
        if not 0 <= week <= spec.weeks:
            raise SpecError(f"{where}: outputs.weeks: {week} is not allowed: weeks run from 0 "
                            f"to the horizon {spec.weeks}")
