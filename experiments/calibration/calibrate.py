"""Calibrating a baseline scenario to an institution's own survey results.

The survey aggregates (:mod:`experiments.calibration.survey_file`) become the week-0 targets
``<group>.<factor>_mean`` and ``<group>.<factor>_sd`` of a scenario that extends
``baseline_guangdong_2024``; optional institution sizes set ``institution.n_students``,
``resources.class_size`` (from the number of teachers) and ``institution.n_administrators``.
Groups or factors missing from the file keep the base scenario's values. The model then solves
the latent distributions so that its synthetic survey reproduces the targets; the calibration is
accepted only when the week-0 survey of the built model is within :data:`MEAN_TOLERANCE` of every
target mean and :data:`SD_TOLERANCE` of every target SD.

Only aggregates reach the scenario: means, SDs and respondent counts, never an answer.

Example
-------
>>> from experiments.calibration.calibrate import calibrate, write_scenario
>>> result = calibrate("docs/templates/survey_summary_template.csv", institution="Our college")
>>> write_scenario(result, "scenarios/our_college.toml")
"""

from __future__ import annotations

import dataclasses
import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomli_w

from experiments.calibration.survey_file import SurveyData, read_survey
from experiments.storage.provenance import check_replaceable_file
from simulation import api
from simulation.calibration import CalibrationError, location_spread
from simulation.costs import staffing
from simulation.parameters import GROUP_FACTORS, REGISTRY
from simulation.scenario import Scenario, load_scenario
from simulation.survey import FACTOR_TITLES

__all__ = ["Calibration", "calibrate", "scenario_toml", "write_scenario"]

BASE_SCENARIO = "baseline_guangdong_2024"
MEAN_TOLERANCE = 0.03
SD_TOLERANCE = 0.05
#: Item-noise values tried (largest first) when suggesting one that reaches every target SD.
NOISE_CANDIDATES: tuple[float, ...] = (0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1)


@dataclass
class Calibration:
    """A scenario calibrated to a survey, with the evidence that it reproduces it.

    Attributes
    ----------
    scenario
        The calibrated scenario (extends ``base``).
    base
        The scenario it extends.
    survey
        The aggregates read from the survey file.
    check
        One row per group and factor: ``group, factor_id, factor, source`` (``survey`` or
        ``base``), ``respondents``, ``target_mean``, ``model_mean``, ``target_sd``, ``model_sd``,
        ``mean_error``, ``sd_error``, ``ok``.
    notes
        What was kept from the base, sampling precision, sizes.
    """

    scenario: Scenario
    base: Scenario
    survey: SurveyData
    check: pd.DataFrame
    notes: list[str]

    @property
    def ok(self) -> bool:
        """Every factor reproduced within tolerance."""
        return bool(self.check["ok"].all())


# --- targets and sizes ----------------------------------------------------------------------------

def survey_targets(survey: SurveyData) -> dict[str, float]:
    """Dotted target parameters from the survey (rounded to 4 decimals), range-checked.

    Raises
    ------
    CalibrationError
        When a target lies outside the registry's range, naming the row or factor.
    """
    out: dict[str, float] = {}
    for f in survey.factors:
        row = f", row {f.row}" if f.row else ""
        where = f"{survey.path}{row} ({f.group} {f.factor_id})"
        for stat, value in (("mean", f.mean), ("sd", f.sd)):
            p = REGISTRY[f"{f.group}.{f.factor_id}_{stat}"]
            assert p.low is not None and p.high is not None  # survey targets are bounded
            if not p.low <= value <= p.high:
                raise CalibrationError(
                    f"{where}: {'SD' if stat == 'sd' else 'mean'} {value:.3f} is outside "
                    f"what the model accepts ({p.low:g} to {p.high:g}); "
                    + ("answers this uniform cannot be told apart from item noise"
                       if stat == "sd" else "check the scale"))
            out[p.name] = round(float(value), 4)
    return out


def size_overrides(base: Scenario, n_students: int | None, n_teachers: int | None,
                   n_administrators: int | None) -> dict[str, int]:
    """Institution sizes as dotted overrides; teachers set the class size (and its funding).

    Raises
    ------
    CalibrationError
        For sizes the model cannot represent.
    """
    out: dict[str, int] = {}
    students = base.get("institution.n_students") if n_students is None else n_students
    for flag, value, name in (("--students", n_students, "institution.n_students"),
                              ("--administrators", n_administrators,
                               "institution.n_administrators")):
        if value is None:
            continue
        p = REGISTRY[name]
        assert p.low is not None and p.high is not None  # sizes are bounded
        if not p.low <= value <= p.high:
            raise CalibrationError(f"{flag} {value}: the model needs {p.allowed()}")
        out[name] = int(value)
    if n_teachers is not None:
        per = int(base.get("institution.classes_per_teacher"))
        if n_teachers < 1:
            raise CalibrationError(f"--teachers {n_teachers}: needs at least 1 teacher")
        size = round(students / (n_teachers * per))
        p = REGISTRY["resources.class_size"]
        assert p.low is not None and p.high is not None
        if not p.low <= size <= p.high:
            raise CalibrationError(
                f"--teachers {n_teachers} for {students} students means classes of about {size} "
                f"students; the model allows {p.low:g} to {p.high:g} per class")
        out["resources.class_size"] = size
        out["resources.funded_class_size"] = size  # the status quo pays for its own staff
    return out


def suggest_item_noise(targets: dict[str, float], sizes: dict[str, int]) -> float | None:
    """Largest item-noise SD below the default that reaches every target (``None`` if none)."""
    for noise in NOISE_CANDIDATES:
        try:
            for name, mean in targets.items():
                if name.endswith("_mean"):
                    group = name.split(".", 1)[0]
                    location_spread(sizes[group], mean, targets[name[:-5] + "_sd"], noise)
        except CalibrationError:
            continue
        return noise
    return None


def group_sizes(values: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Simulated respondents per group (every agent answers the synthetic survey)."""
    _, teachers, _ = staffing(values)
    return {"students": int(values["institution"]["n_students"]), "teachers": teachers,
            "administrators": int(values["institution"]["n_administrators"])}


def check_reachable(survey: SurveyData, targets: dict[str, float], sizes: dict[str, int],
                    noise: float) -> None:
    """Every survey target can be reproduced by its group's size and the item noise.

    Raises
    ------
    CalibrationError
        Naming the row (or factor) and suggesting an item noise that reaches every target.
    """
    for f in survey.factors:
        mean, sd = targets[f"{f.group}.{f.factor_id}_mean"], targets[f"{f.group}.{f.factor_id}_sd"]
        try:
            location_spread(sizes[f.group], mean, sd, noise, f"{f.group} {f.factor_id}")
        except CalibrationError as exc:
            row = f", row {f.row}" if f.row else ""
            better = suggest_item_noise(targets, sizes)
            hint = (f"; pass --item-noise {better:g} (the synthetic survey's item noise, now "
                    f"{noise:g})" if better is not None and better < noise else "")
            raise CalibrationError(f"{survey.path}{row}: {exc}{hint}") from None


# --- notes ----------------------------------------------------------------------------------------

def precision_notes(survey: SurveyData) -> list[str]:
    """The sampling precision of each group's means (95% margin ~ 1.96 SD / sqrt(n))."""
    notes = []
    for group in survey.groups:
        n = survey.respondents(group)
        if not n:
            continue
        sds = [f.sd for f in survey.factors if f.group == group]
        margin = 1.96 * float(np.mean(sds)) / math.sqrt(n)
        notes.append(f"{group}: {n} respondents, so each factor mean is known to about "
                     f"+/-{margin:.2f} (95%); smaller differences between factors may be chance")
    return notes


def kept_notes(survey: SurveyData, base: Scenario) -> list[str]:
    """Which groups and factors keep the base scenario's values."""
    notes = []
    given = {(f.group, f.factor_id) for f in survey.factors}
    for group, factors in GROUP_FACTORS.items():
        missing = [f for f in factors if (group, f) not in given]
        if len(missing) == len(factors):
            notes.append(f"{group}: not in the file; keeping {base.name}'s values")
        elif missing:
            notes.append(f"{group}: no data for {', '.join(missing)}; keeping {base.name}'s "
                         "values for them")
    return notes


def size_notes(scenario: Scenario, base: Scenario, given: dict[str, int]) -> list[str]:
    """The institution's simulated size, and whether it came from the user or the base."""
    n_classes, n_teachers, _ = staffing(scenario.values)
    sizes = (f"{scenario.get('institution.n_students'):,} students in {n_classes} classes of "
             f"about {scenario.get('resources.class_size')}, {n_teachers} teachers, "
             f"{scenario.get('institution.n_administrators')} administrators")
    if not given:
        return [f"size kept from {base.name}: {sizes} (set yours with --students, --teachers, "
                "--administrators)"]
    return [f"institution simulated with {sizes}"]


# --- calibration ----------------------------------------------------------------------------------

def check_table(survey: SurveyData, scenario: Scenario, reproduced: pd.DataFrame) -> pd.DataFrame:
    """Targets next to the week-0 synthetic survey, with errors and a pass flag per factor."""
    given = {(f.group, f.factor_id): f for f in survey.factors}
    got = reproduced.set_index(["group", "factor_id"])
    rows = []
    for group, factors in GROUP_FACTORS.items():
        for factor in factors:
            target_mean = float(scenario.get(f"{group}.{factor}_mean"))
            target_sd = float(scenario.get(f"{group}.{factor}_sd"))
            model_mean = float(got.loc[(group, factor), "mean"])
            model_sd = float(got.loc[(group, factor), "sd"])
            source = given.get((group, factor))
            rows.append({
                "group": group, "factor_id": factor, "factor": FACTOR_TITLES[factor],
                "source": "survey" if source else "base",
                "respondents": source.respondents if source else None,
                "target_mean": target_mean, "model_mean": model_mean,
                "target_sd": target_sd, "model_sd": model_sd,
                "mean_error": model_mean - target_mean, "sd_error": model_sd - target_sd,
            })
    table = pd.DataFrame(rows)
    table["ok"] = (table["mean_error"].abs() <= MEAN_TOLERANCE) & (
        table["sd_error"].abs() <= SD_TOLERANCE)
    return table


def calibrate(
    survey: str | Path | SurveyData,
    institution: str | None = None,
    base: str | Path | Scenario = BASE_SCENARIO,
    n_students: int | None = None,
    n_teachers: int | None = None,
    n_administrators: int | None = None,
    item_noise_sd: float | None = None,
    seed: int = 1,
) -> Calibration:
    """Build a scenario whose week-0 synthetic survey reproduces an institution's survey.

    Parameters
    ----------
    survey
        Path of an item-level or summary CSV, or data already read.
    institution
        Name used in the scenario's description (default: the file's stem).
    base
        Scenario to extend (default ``baseline_guangdong_2024``).
    n_students, n_teachers, n_administrators
        Institution sizes (not the numbers of respondents); unset sizes keep the base's.
    item_noise_sd
        Item noise of the synthetic survey (``survey.item_noise_sd``); lower it when a target
        SD is below what the default noise allows.
    seed
        Seed of the model built to check the calibration.

    Raises
    ------
    CalibrationError
        When a target is out of range or cannot be reproduced, with a suggestion.
    SurveyFileError
        When the file cannot be read (row and column named).
    """
    data = survey if isinstance(survey, SurveyData) else read_survey(survey)
    base_sc = base if isinstance(base, Scenario) else load_scenario(base)
    targets = survey_targets(data)
    sizes = size_overrides(base_sc, n_students, n_teachers, n_administrators)
    overrides: dict[str, Any] = {**targets, **sizes}
    if item_noise_sd is not None:
        overrides["survey.item_noise_sd"] = float(item_noise_sd)
    values = {section: dict(kv) for section, kv in base_sc.values.items()}
    for name, value in overrides.items():
        section, key = name.split(".", 1)
        values[section][key] = value
    check_reachable(data, targets, group_sizes(values), float(values["survey"]["item_noise_sd"]))
    scenario = base_sc.with_overrides(overrides, label=str(data.path))
    name = institution or data.path.stem.replace("_", " ")
    scenario = dataclasses.replace(
        scenario, name=scenario_name(name),
        description=f"Status quo at {name}, calibrated to its own survey",
        question=f"What happens to learning, engagement and equity at {name} if nothing "
                 "changes?",
        source=None, chain=(base_sc.name, *base_sc.chain),
    )
    reproduced = api.survey(scenario, week=0, seed=seed)
    check = check_table(data, scenario, reproduced)
    notes = [*data.notes, *kept_notes(data, base_sc), *size_notes(scenario, base_sc, sizes),
             *precision_notes(data)]
    result = Calibration(scenario=scenario, base=base_sc, survey=data, check=check, notes=notes)
    if not result.ok:
        bad = check[~check["ok"]].iloc[0]
        raise CalibrationError(
            f"{bad['group']} {bad['factor_id']}: the model reproduces mean {bad['model_mean']:.3f} "
            f"and SD {bad['model_sd']:.3f} for targets {bad['target_mean']:.3f} and "
            f"{bad['target_sd']:.3f} (tolerance {MEAN_TOLERANCE} and {SD_TOLERANCE})")
    return result


def scenario_name(text: str) -> str:
    """A file-name-like scenario name: lower case, words joined by underscores."""
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return "_".join(words) or "my_institution"


# --- writing --------------------------------------------------------------------------------------

def scenario_toml(result: Calibration) -> str:
    """The scenario file: a comment on its provenance, then only what differs from the base."""
    data = result.scenario.to_toml_dict(only_changed_from=result.base)
    survey = result.survey
    counts = ", ".join(
        f"{survey.respondents(g)} {g}" if survey.respondents(g) else f"{g} (n not given)"
        for g in survey.groups)
    layout = "item-level responses" if survey.kind == "items" else "summary rows"
    text = [
        f"Question: {result.scenario.question}",
        f"{CALIBRATED_MARK} from {survey.path.name} ({layout}: {counts}). "
        "Only aggregates are stored: each factor's week-0 survey mean and SD. The model solves "
        "the latent levels so its synthetic survey reproduces them (checked: means within "
        f"{MEAN_TOLERANCE}, SDs within {SD_TOLERANCE}). Everything else is inherited from "
        f"{result.base.name}.",
        *[f"Note: {n}" for n in result.notes],
    ]
    lines = []
    for paragraph in text:
        lines += [*textwrap.wrap(paragraph, width=96, initial_indent="# ",
                                 subsequent_indent="#   " if paragraph.startswith("Note")
                                 else "# "), "#"]
    return "\n".join(lines[:-1]) + "\n\n" + tomli_w.dumps(data)


def write_scenario(result: Calibration, out: str | Path, force: bool = False) -> Path:
    """Write the scenario TOML, reload it and check it resolves to the calibrated values.

    Raises
    ------
    FileExistsError
        When ``out`` exists and ``force`` is false.
    CalibrationError
        When ``out`` is not a ``.toml`` path or the written file does not reload identically.
    """
    out = Path(out)
    check_out(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.tmp.toml")
    try:
        tmp.write_text(scenario_toml(result), encoding="utf-8")
        loaded = load_scenario(tmp)
        if loaded.flat() != result.scenario.flat():
            differ = [k for k, v in loaded.flat().items() if result.scenario.flat()[k] != v]
            raise CalibrationError(f"{out}: the written scenario does not reload to the "
                                   f"calibrated values ({', '.join(differ[:3])})")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def check_out(out: Path, force: bool) -> None:
    """Refuse a destination that is not ``.toml`` or that exists (unless ``force``)."""
    if out.suffix != ".toml":
        raise CalibrationError(f"--out {out}: a scenario file name must end in .toml")
    if out.is_dir():
        raise CalibrationError(f"--out {out} is a folder; give a file name such as "
                               f"{out / 'my_institution.toml'}")
    check_replaceable_file(out, force, _calibrated_by_plsim,
                           "a scenario written by plsim calibrate",
                           CalibrationError)


#: The provenance comment every calibrated scenario starts with (see :func:`scenario_toml`).
CALIBRATED_MARK = "Calibrated with `plsim calibrate`"


def _calibrated_by_plsim(path: Path) -> bool:
    """Whether ``path`` is a regular file whose leading comments carry the calibration mark."""
    try:
        with path.open("rb") as f:
            head = f.read(8192).decode("utf-8", errors="replace")
    except OSError:
        return False
    comments = " ".join(line.lstrip("# ") for line in head.splitlines() if line.startswith("#"))
    return path.is_file() and CALIBRATED_MARK in comments
