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
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, create_model

from simulation.errors import UserError
from simulation.files import read_user_text
from simulation.parameters import PARAMETERS, REGISTRY, SECTIONS, Parameter, defaults

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
    """

    name: str
    description: str = ""
    question: str = ""
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=defaults)
    source: str | None = None
    chain: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

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


def _field_type(p: Parameter) -> tuple[Any, Any]:
    if p.kind == "bool":
        return StrictBool, Field(default=p.default)
    if p.kind == "choice":
        return Literal[p.choices], Field(default=p.default)  # type: ignore[valid-type]
    typ = int if p.kind == "int" else float
    return typ, Field(default=p.default, ge=p.low, le=p.high)


@cache
def _section_models() -> dict[str, type[BaseModel]]:
    models: dict[str, type[BaseModel]] = {}
    for section in SECTIONS:
        fields = {p.key: _field_type(p) for p in PARAMETERS if p.section == section}
        models[section] = create_model(  # type: ignore[call-overload]
            f"Section_{section}",
            __config__=ConfigDict(extra="forbid", strict=False),
            **fields,
        )
    return models


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
    models = _section_models()
    out: dict[str, dict[str, Any]] = {}
    for section in SECTIONS:
        body = values.get(section, {})
        try:
            out[section] = models[section](**body).model_dump()
        except ValidationError as exc:
            err = exc.errors()[0]
            key = str(err["loc"][0]) if err["loc"] else "?"
            name = f"{section}.{key}"
            p = REGISTRY.get(name)
            allowed = p.allowed() if p else "a known parameter"
            raise ScenarioError(
                f"{where}: [{section}] {key} = {body.get(key)!r} is not allowed: "
                f"'{name}' must be {allowed}"
            ) from None
    return out


def check_consistency(values: Mapping[str, Mapping[str, Any]], where: str) -> list[str]:
    """Reject impossible policy combinations; return warnings for ones that run but degrade.

    Raises
    ------
    ScenarioError
        For coaching with no coaches or a fixed allocation that costs more than the budget.
    """
    from simulation.costs import annual_costs

    warnings: list[str] = []
    tr, res, inst = values["training"], values["resources"], values["institution"]
    if tr["coaching_hours"] > 0 and tr["coaches_per_teacher"] == 0:
        raise ScenarioError(
            f"{where}: [training] coaching_hours = {tr['coaching_hours']:g} but "
            "coaches_per_teacher = 0: coaching needs coaches (set training.coaches_per_teacher "
            "> 0 or coaching_hours = 0)"
        )
    if tr["coaching_hours"] > 0:
        capacity = tr["coaches_per_teacher"] * tr["coach_capacity_hours"]
        demand = tr["coaching_hours"] * tr["coverage"]
        if capacity < demand:
            warnings.append(
                f"coaching demand ({demand:g} h/teacher/year) exceeds coach capacity "
                f"({capacity:g} h/teacher/year): each trained teacher gets only "
                f"{capacity / max(tr['coverage'], 1e-9):.3g} h"
            )
    if res["class_size"] > inst["n_students"]:
        warnings.append(
            f"class_size {res['class_size']} exceeds n_students {inst['n_students']}: one class"
        )
    _check_survey_targets(values, where)
    costs = annual_costs(values)
    budget = values["administrators"]["budget_per_student"]
    if costs["total_per_student"] > budget + 1e-9:
        raise ScenarioError(
            f"{where}: the policies cost {costs['total_per_student']:.0f} per student per year "
            f"but [administrators] budget_per_student = {budget:g}; raise the budget or cut "
            "spending (" + ", ".join(
                f"{k} {v:.0f}" for k, v in costs.items() if k != "total_per_student" and v > 0
            ) + ")"
        )
    if values["practices"]["learning_style_matching"] and values["learning"][
        "style_matching_effect"
    ] == 0:
        warnings.append(
            "learning_style_matching is on but learning.style_matching_effect = 0 (the evidence "
            "default, Pashler et al. 2008): it changes nothing"
        )
    if values["pacing"]["mode"] == "self_paced" and not (
        values["resources"]["device_ratio"] > 0 or values["students"]["home_access_rate"] >= 0.99
    ):
        warnings.append(
            "self-paced pacing without full device access: students without access fall behind"
        )
    return warnings


def _check_survey_targets(values: Mapping[str, Mapping[str, Any]], where: str) -> None:
    """Every week-0 survey target must be reachable by its group's size and the item noise."""
    from simulation.calibration import CalibrationError, location_spread
    from simulation.costs import staffing
    from simulation.parameters import GROUP_FACTORS

    _, n_teachers, _ = staffing(values)
    sizes = {"students": int(values["institution"]["n_students"]), "teachers": n_teachers,
             "administrators": int(values["institution"]["n_administrators"])}
    noise = float(values["survey"]["item_noise_sd"])
    for group, factors in GROUP_FACTORS.items():
        for factor in factors:
            try:
                location_spread(sizes[group], float(values[group][f"{factor}_mean"]),
                                float(values[group][f"{factor}_sd"]), noise,
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
    for meta in ("description", "question"):
        merged.setdefault(meta, data.get(meta, parent_data.get(meta, "")))
        if meta in data:
            merged[meta] = data[meta]
    return merged, (parent_path.stem, *chain)


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
        name=raw.get("name", path.stem) if "name" in raw else path.stem,
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
