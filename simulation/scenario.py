"""Scenario files: TOML validated against the parameter registry.

A scenario is a TOML file whose sections and keys are the registry's dotted names::

    description = "Status quo at five Guangdong universities in 2024"
    question = "What happens if nothing changes?"
    extends = "baseline_guangdong_2024"   # optional: inherit, then override

    [pacing]
    mode = "mastery"

Unknown keys are rejected with the nearest valid name; values of the wrong type or outside the
registry's range are rejected naming the file, the field, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from simulation.errors import UserError
from simulation.files import read_user_text
from simulation.parameters import REGISTRY, SECTIONS, defaults
from simulation.params import Params, coerce_value

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "scenarios"
META_KEYS = ("description", "question", "extends", "name")


class ScenarioError(UserError):
    """A scenario could not be loaded; the message says where and why."""


@dataclass(frozen=True)
class Scenario:
    """A resolved, validated scenario: every registry parameter has a value.

    Attributes
    ----------
    name
        Scenario name (file stem unless the file sets ``name``).
    description
        One-line description.
    question
        The question the scenario answers.
    values
        ``{section: {key: value}}`` for every registry parameter.
    source
        Path of the file it was loaded from, or ``None`` for one built in code.
    chain
        Names of the scenarios it extends, nearest first.
    warnings
        Situations that run but that a user should know about (carried into outputs).

    The typed, frozen parameters the model reads are :attr:`params`
    (``scenario.params.learning.gain_per_hour``); ``values`` and :meth:`flat` serve exports and
    user interfaces.
    """

    name: str
    description: str = ""
    question: str = ""
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=defaults)
    source: str | None = None
    chain: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @cached_property
    def params(self) -> Params:
        """The typed, frozen parameters the model reads (``scenario.params.learning...``)."""
        return Params.from_values(self.values)

    def get(self, name: str) -> Any:
        """Value of a dotted parameter name, e.g. ``scenario.get("pacing.mode")``."""
        section, key = _split(name, self.source)
        return self.values[section][key]

    def flat(self) -> dict[str, Any]:
        """All values as ``{"section.key": value}``."""
        return {f"{s}.{k}": v for s, kv in self.values.items() for k, v in kv.items()}

    def with_overrides(self, overrides: Mapping[str, Any], label: str = "overrides") -> Scenario:
        """A new scenario with dotted-name overrides applied and validated.

        Parameters
        ----------
        overrides
            ``{"section.key": value}`` (``section__key`` is accepted too).
        label
            Where the overrides came from, used in error messages.
        """
        if not overrides:
            return self
        nested: dict[str, dict[str, Any]] = {}
        for raw_name, value in overrides.items():
            section, key = _split(raw_name.replace("__", "."), label)
            nested.setdefault(section, {})[key] = value
        _check_unknown(nested, label)
        merged = _merge(self.values, nested)
        values = _validate(merged, label)
        return Scenario(
            name=self.name, description=self.description, question=self.question,
            values=values, source=self.source, chain=self.chain,
            warnings=tuple(check_consistency(values, label)),
        )

    def to_toml_dict(self, only_changed_from: Scenario | None = None) -> dict[str, Any]:
        """The scenario as a TOML-ready dict (optionally only values differing from another)."""
        out: dict[str, Any] = {"description": self.description}
        if self.question:
            out["question"] = self.question
        base = only_changed_from.values if only_changed_from else None
        if only_changed_from is not None:
            out["extends"] = only_changed_from.name
        for section, kv in self.values.items():
            changed = {k: v for k, v in kv.items() if base is None or base[section][k] != v}
            if changed:
                out[section] = changed
        return out


def _split(name: str, where: str | None) -> tuple[str, str]:
    if name not in REGISTRY:
        raise ScenarioError(f"{where or 'scenario'}: unknown parameter '{name}'{_nearest(name)}")
    section, key = name.split(".", 1)
    return section, key


def _nearest(name: str) -> str:
    """``"; did you mean 'x'?"`` for the registry name closest to ``name``, or ``""``."""
    near = difflib.get_close_matches(name, REGISTRY, n=1, cutoff=0.5)
    return f"; did you mean '{near[0]}'?" if near else ""


def _check_unknown(data: Mapping[str, Any], where: str) -> None:
    for section, body in data.items():
        if section in META_KEYS:
            continue
        if section not in SECTIONS:
            near = difflib.get_close_matches(section, list(SECTIONS) + list(META_KEYS), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise ScenarioError(
                f"{where}: unknown section or key '{section}'{hint} "
                f"(sections: {', '.join(SECTIONS)})"
            )
        if not isinstance(body, Mapping):
            raise ScenarioError(
                f"{where}: '{section}' must be a [{section}] table of parameters, got {body!r}"
            )
        for key in body:
            name = f"{section}.{key}"
            if name not in REGISTRY:
                raise ScenarioError(f"{where}: unknown parameter '{name}'{_nearest(name)}")


def _merge(base: Mapping[str, Mapping[str, Any]], over: Mapping[str, Any]) -> dict:
    out = {s: dict(kv) for s, kv in base.items()}
    for section, kv in over.items():
        if section in META_KEYS:
            continue
        out.setdefault(section, {}).update(kv)
    return out


def _validate(values: Mapping[str, Mapping[str, Any]], where: str) -> dict[str, dict[str, Any]]:
    """Every registry parameter checked and typed (``simulation.params.coerce_value``)."""
    out: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
    for p in REGISTRY.values():
        body = values.get(p.section, {})
        value = body.get(p.key, p.default)
        try:
            out.setdefault(p.section, {})[p.key] = coerce_value(p, value)
        except ValueError as exc:
            raise ScenarioError(
                f"{where}: [{p.section}] {p.key} = {_toml_repr(value)} is not allowed ({exc}): "
                f"'{p.name}' must be {p.allowed()}"
            ) from None
    for section, body in values.items():
        unknown = [k for k in body if f"{section}.{k}" not in REGISTRY]
        if unknown:
            name = f"{section}.{unknown[0]}"
            raise ScenarioError(f"{where}: unknown parameter '{name}'{_nearest(name)}")
    return out


def _toml_repr(value: Any) -> str:
    """A value as TOML writes it (``true``, ``"0.7"``, ``3``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return repr(value)


def check_consistency(values: Mapping[str, Mapping[str, Any]] | Params,
                      where: str) -> list[str]:
    """Reject impossible policy combinations; return warnings for ones that run but degrade.

    Raises
    ------
    ScenarioError
        For coaching with no coaches, an unreachable survey target or a fixed allocation that
        costs more than the budget.
    """
    from simulation.costs import annual_costs
    from simulation.practices import PACING_MODES, STYLE_MATCHING

    params = values if isinstance(values, Params) else Params.from_values(values)
    warnings: list[str] = []
    tr, res, inst = params.training, params.resources, params.institution
    if tr.coaching_hours > 0 and tr.coaches_per_teacher == 0:
        raise ScenarioError(
            f"{where}: [training] coaching_hours = {tr.coaching_hours:g} but "
            "coaches_per_teacher = 0: coaching needs coaches (set training.coaches_per_teacher "
            "> 0 or coaching_hours = 0)"
        )
    if tr.coaching_hours > 0:
        capacity = tr.coaches_per_teacher * tr.coach_capacity_hours
        demand = tr.coaching_hours * tr.coverage
        if capacity < demand:
            warnings.append(
                f"coaching demand ({demand:g} h/teacher/year) exceeds coach capacity "
                f"({capacity:g} h/teacher/year): each trained teacher gets only "
                f"{capacity / max(tr.coverage, 1e-9):.3g} h"
            )
    if res.class_size > inst.n_students:
        warnings.append(
            f"class_size {res.class_size} exceeds n_students {inst.n_students}: one class"
        )
    _check_survey_targets(params, where)
    costs = annual_costs(params)
    budget = params.administrators.budget_per_student
    if costs["total_per_student"] > budget + 1e-9:
        raise ScenarioError(
            f"{where}: the policies cost {costs['total_per_student']:.0f} per student per year "
            f"but [administrators] budget_per_student = {budget:g}; raise the budget or cut "
            "spending (" + ", ".join(
                f"{k} {v:.0f}" for k, v in costs.items() if k != "total_per_student" and v > 0
            ) + ")"
        )
    if STYLE_MATCHING.is_on(params) and params.learning.style_matching_effect == 0:
        warnings.append(
            "learning_style_matching is on but learning.style_matching_effect = 0 (the evidence "
            "default, Pashler et al. 2008): it changes nothing"
        )
    if PACING_MODES[params.pacing.mode].self_steered and not (
        res.device_ratio > 0 or params.students.home_access_rate >= 0.99
    ):
        warnings.append(
            "self-paced pacing without full device access: students without access fall behind"
        )
    return warnings


def _check_survey_targets(params: Params, where: str) -> None:
    """Every week-0 survey target must be reachable by its group's size and the item noise."""
    from simulation.calibration import CalibrationError, location_spread
    from simulation.costs import staffing
    from simulation.parameters import GROUP_FACTORS

    _, n_teachers, _ = staffing(params)
    sizes = {"students": params.institution.n_students, "teachers": n_teachers,
             "administrators": params.institution.n_administrators}
    noise = params.survey.item_noise_sd
    for group, factors in GROUP_FACTORS.items():
        for factor in factors:
            mean, sd = params.survey_target(group, factor)
            try:
                location_spread(sizes[group], mean, sd, noise,
                                f"[{group}] {factor}_mean/{factor}_sd")
            except CalibrationError as exc:
                raise ScenarioError(f"{where}: {exc}") from None


#: Deepest nesting of tables and arrays accepted in a TOML file (scenarios need 2, specs 3-4).
MAX_TOML_DEPTH = 32

#: Longest ``extends`` chain (a scenario, its parent, grandparent, ...).
MAX_EXTENDS = 16


def read_toml(path: Path, error: type[UserError] = ScenarioError,
              what: str = "file") -> dict[str, Any]:
    """Parse a TOML file; a missing, unreadable, non-regular, oversized, non-UTF-8, malformed or
    too deeply nested file raises ``error`` naming it (a UTF-8 BOM is accepted)."""
    text = read_user_text(path, error, what)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise error(f"{path}: tables or arrays nested too deeply (at most {MAX_TOML_DEPTH} "
                    "levels)") from None
    if _depth(data) > MAX_TOML_DEPTH:
        raise error(f"{path}: tables or arrays nested too deeply (at most {MAX_TOML_DEPTH} "
                    "levels)")
    return data


def _depth(value: Any) -> int:
    """Nesting depth of tables and arrays, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item \
            if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if level + 1 > MAX_TOML_DEPTH:
                    return level + 1
                deepest = max(deepest, level + 1)
                stack.append((child, level + 1))
        deepest = max(deepest, level)
    return deepest


def resolve_path(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """Find a scenario: an existing path, or the name of a bundled scenario."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" and candidate.exists():
        return candidate
    stem = candidate.stem if candidate.suffix == ".toml" else str(name_or_path)
    for folder in (relative_to, BUNDLED_DIR):
        if folder is not None and (folder / f"{stem}.toml").exists():
            return folder / f"{stem}.toml"
    if candidate.exists():
        return candidate
    near = difflib.get_close_matches(stem, bundled_names(), n=1)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    raise ScenarioError(
        f"scenario '{name_or_path}' not found: not a file and not a bundled scenario{hint} "
        "(list them with `plsim scenarios`)"
    )


def _load_raw(path: Path, seen: tuple[str, ...]) -> tuple[dict, tuple[str, ...]]:
    if len(seen) > MAX_EXTENDS:
        raise ScenarioError(f"{path}: the 'extends' chain is longer than {MAX_EXTENDS} files "
                            f"(from {Path(seen[0]).name}); shorten it")
    data = read_toml(path, what="scenario file")
    where = str(path)
    _check_unknown(data, where)
    for meta in ("description", "question", "extends", "name"):
        if meta in data and not isinstance(data[meta], str):
            raise ScenarioError(f"{where}: '{meta}' must be a string, got {data[meta]!r}")
    parent = data.get("extends")
    if parent is None:
        return data, ()
    parent_path = resolve_path(parent, relative_to=path.parent)
    key = str(parent_path.resolve())
    if key in seen:
        raise ScenarioError(f"{where}: 'extends = \"{parent}\"' makes a cycle")
    parent_data, chain = _load_raw(parent_path, (*seen, key))
    merged = _merge({s: parent_data.get(s, {}) for s in SECTIONS}, data)
    _inherit_meta(merged, data, parent_data)
    return merged, (parent_path.stem, *chain)


def _inherit_meta(merged: dict, data: Mapping[str, Any], parent: Mapping[str, Any]) -> None:
    """What a scenario that ``extends`` another keeps of its base's words.

    The description is inherited unless the file sets its own; the question is not (a derived
    scenario asks its own question, or none); the name is the file's own ``name`` if it sets one.
    """
    merged["description"] = data.get("description", parent.get("description", ""))
    merged["question"] = data.get("question", "")
    if "name" in data:
        merged["name"] = data["name"]


def load_scenario(name_or_path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load, inherit and validate a scenario file (a path or a bundled scenario's name).

    Parameters
    ----------
    name_or_path
        ``"baseline_guangdong_2024"`` or ``"path/to/file.toml"``.
    overrides
        Optional dotted-name overrides applied after loading.

    Raises
    ------
    ScenarioError
        With one message naming the file, the field, the value and what is allowed.
    """
    path = resolve_path(name_or_path)
    raw, chain = _load_raw(path, (str(path.resolve()),))
    values = _validate(_merge(defaults(), raw), str(path))
    scenario = Scenario(
        name=str(raw.get("name", path.stem)),
        description=str(raw.get("description", "")),
        question=str(raw.get("question", "")),
        values=values,
        source=str(path),
        chain=chain,
        warnings=tuple(check_consistency(values, str(path))),
    )
    return scenario.with_overrides(overrides or {}, label=f"{path} (overrides)")


def bundled_names() -> list[str]:
    """Names of the scenarios shipped in ``scenarios/``."""
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.toml"))


def bundled_scenarios() -> list[tuple[str, str]]:
    """``(name, one-line description)`` of each bundled scenario."""
    out = []
    for name in bundled_names():
        data = read_toml(BUNDLED_DIR / f"{name}.toml")
        out.append((name, str(data.get("description", ""))))
    return out
