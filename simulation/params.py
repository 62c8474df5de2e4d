"""Typed, frozen parameter objects built from validated scenario values.

Scenario validation (``simulation.scenario``) checks every value against the registry
(``simulation.parameters``) and yields one :class:`Params`: a frozen object per TOML section whose
fields are the registry's keys, e.g. ``params.learning.gain_per_hour``. The kernel (dynamics,
population, costs, policy, observation) reads only these objects. The section classes below list
the registry's keys with their Python types; ``tests/test_params.py`` checks that they match the
registry exactly (names, kinds, choices), so the registry stays the one place a parameter is
defined. Parameters registered at run time by an extension (``simulation.practices.registered``)
have no field here: their values are in :attr:`Params.extra` and :meth:`Params.value` reads them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from simulation.parameters import REGISTRY, Parameter, defaults

PacingModeName = Literal["lockstep", "flexible", "mastery", "self_paced"]


def coerce_value(p: Parameter, value: Any) -> Any:
    """``value`` as the Python type of ``p``, or ``ValueError`` saying what is wrong.

    Strict: a number written as a string, a boolean given for a number (or a number for a
    boolean) is an error; an integer where a float is expected is fine, and so is an integral
    float where an integer is expected (TOML writes ``3.0``).
    """
    if p.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"got {_kind_of(value)}")
        return value
    if p.kind == "choice":
        if not isinstance(value, str):
            raise ValueError(f"got {_kind_of(value)}")
        if value not in p.choices:
            raise ValueError("not one of the choices")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"got {_kind_of(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    if p.kind == "int":
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError("not a whole number")
            value = int(value)
    else:
        value = float(value)
    assert p.low is not None and p.high is not None
    if not p.low <= value <= p.high:
        raise ValueError("outside the range")
    return value


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string (write numbers and true/false without quotes)"
    if isinstance(value, int | float):
        return "a number"
    return f"a {type(value).__name__}"


@dataclass(frozen=True, slots=True)
class InstitutionParams:
    """``[institution]`` (see ``docs/parameters.md``)."""

    n_students: int
    n_administrators: int
    classes_per_teacher: int
    weeks_per_term: int
    terms_per_year: int
    years: int


@dataclass(frozen=True, slots=True)
class StudentsParams:
    """``[students]`` (see ``docs/parameters.md``)."""

    aptitude_sd: float
    aptitude_prior_correlation: float
    ses_achievement_correlation: float
    home_access_rate: float
    access_ses_slope: float
    engagement_mean: float
    engagement_sd: float
    self_regulation_mean: float
    self_regulation_sd: float
    self_regulation_prior_correlation: float
    competency_correlation: float
    competency_achievement_correlation: float
    interest_topics: int
    creativity_innovation_mean: float
    creativity_innovation_sd: float
    communication_collaboration_mean: float
    communication_collaboration_sd: float
    research_information_fluency_mean: float
    research_information_fluency_sd: float
    critical_thinking_problem_solving_mean: float
    critical_thinking_problem_solving_sd: float
    digital_citizenship_mean: float
    digital_citizenship_sd: float
    technology_operations_mean: float
    technology_operations_sd: float


@dataclass(frozen=True, slots=True)
class TeachersParams:
    """``[teachers]`` (see ``docs/parameters.md``)."""

    factor_correlation: float
    attitude_mean: float
    attitude_sd: float
    initial_adoption: float
    prep_hours_per_week: float
    diagnostic_noise_sd: float
    colleague_ties: int
    colleague_learning_rate: float
    practice_learning_rate: float
    adoption_rate: float
    max_adoption: float
    stress_rate: float
    stress_recovery: float
    overtime_tolerance: float
    burnout_threshold: float
    adoption_bias: float
    diagnosis_persistence: float
    adoption_attitude_weight: float
    adoption_preparedness_weight: float
    adoption_stress_weight: float
    design_diagnosis_weight: float
    attitude_erosion: float
    facilitate_inspire_creativity_mean: float
    facilitate_inspire_creativity_sd: float
    design_digital_age_learning_mean: float
    design_digital_age_learning_sd: float
    model_digital_age_work_mean: float
    model_digital_age_work_sd: float
    promote_digital_citizenship_mean: float
    promote_digital_citizenship_sd: float
    professional_growth_leadership_mean: float
    professional_growth_leadership_sd: float


@dataclass(frozen=True, slots=True)
class WorkloadParams:
    """``[workload]`` (see ``docs/parameters.md``)."""

    differentiation_hours: float
    feedback_hours_per_student: float
    project_hours: float
    plan_review_hours_per_student: float
    platform_hours: float
    interest_matching_hours: float
    analytics_time_saving: float


@dataclass(frozen=True, slots=True)
class LearningParams:
    """``[learning]`` (see ``docs/parameters.md``)."""

    group_size: int
    differentiation_groups: int
    hours_per_week: float
    gain_per_hour: float
    optimal_success_rate: float
    fit_concentration: float
    difficulty_scale: float
    feedback_effect: float
    platform_effect: float
    peer_tutoring_effect: float
    style_matching_effect: float
    self_direction_threshold: float
    self_choice_error_sd: float
    platform_error_sd: float
    self_study_quality: float
    whole_class_breadth: float
    autonomy_cost: float
    autonomy_demand: float
    autonomy_knowledge_weight: float
    hours_noise_sd: float


@dataclass(frozen=True, slots=True)
class AdministratorsParams:
    """``[administrators]`` (see ``docs/parameters.md``)."""

    factor_correlation: float
    budget_per_student: float
    allocation: Literal["fixed", "adaptive"]
    evaluation_noise_sd: float
    reallocation_rate: float
    visionary_leadership_mean: float
    visionary_leadership_sd: float
    digital_age_learning_culture_mean: float
    digital_age_learning_culture_sd: float
    excellence_professional_practice_mean: float
    excellence_professional_practice_sd: float
    systemic_improvement_mean: float
    systemic_improvement_sd: float


@dataclass(frozen=True, slots=True)
class EngagementParams:
    """``[engagement]`` (see ``docs/parameters.md``)."""

    adjustment_rate: float
    competence_weight: float
    relatedness_weight: float
    teacher_weight: float
    autonomy_weight: float
    interest_weight: float
    noise_sd: float
    self_regulation_weight: float


@dataclass(frozen=True, slots=True)
class CompetenciesParams:
    """``[competencies]`` (see ``docs/parameters.md``)."""

    growth_rate: float
    decay_rate: float
    self_regulation_growth: float


@dataclass(frozen=True, slots=True)
class PacingParams:
    """``[pacing]`` (see ``docs/parameters.md``)."""

    mode: Literal["lockstep", "flexible", "mastery", "self_paced"]
    calendar_rate: float
    flexible_spread: float
    mastery_threshold: float
    spread_cost_hours: float


@dataclass(frozen=True, slots=True)
class TrainingParams:
    """``[training]`` (see ``docs/parameters.md``)."""

    workshop_hours: float
    coaching_hours: float
    coaches_per_teacher: float
    coach_capacity_hours: float
    plc_hours: float
    coverage: float
    leadership_hours: float
    gain_per_hour: float
    workshop_transfer: float
    supported_transfer: float
    knowledge_decay: float
    coaching_adoption_boost: float


@dataclass(frozen=True, slots=True)
class ResourcesParams:
    """``[resources]`` (see ``docs/parameters.md``)."""

    class_size: int
    funded_class_size: int
    device_ratio: float
    device_targeting: Literal["universal", "need_based"]
    adaptive_platform: bool
    platform_quality: float
    analytics_tools: bool
    analytics_noise_reduction: float
    partial_access_share: float


@dataclass(frozen=True, slots=True)
class PracticesParams:
    """``[practices]`` (see ``docs/parameters.md``)."""

    interest_matching: bool
    self_directed_plans: bool
    personalized_feedback: bool
    differentiated_instruction: bool
    collaborative_projects: bool
    learning_style_matching: bool
    tutor_per_student: bool


@dataclass(frozen=True, slots=True)
class LeadershipParams:
    """``[leadership]`` (see ``docs/parameters.md``)."""

    vision_weight: float
    training_quality_weight: float
    culture_deployment_floor: float


@dataclass(frozen=True, slots=True)
class CostsParams:
    """``[costs]`` (see ``docs/parameters.md``)."""

    training_hour: float
    coach_salary: float
    device: float
    device_life_years: float
    platform_licence: float
    analytics_licence: float
    teacher_salary: float
    leadership_hour: float


@dataclass(frozen=True, slots=True)
class SurveyParams:
    """``[survey]`` (see ``docs/parameters.md``)."""

    item_noise_sd: float
    items_per_factor: int


SECTION_CLASSES: dict[str, Any] = {
    "institution": InstitutionParams,
    "students": StudentsParams,
    "teachers": TeachersParams,
    "workload": WorkloadParams,
    "learning": LearningParams,
    "administrators": AdministratorsParams,
    "engagement": EngagementParams,
    "competencies": CompetenciesParams,
    "pacing": PacingParams,
    "training": TrainingParams,
    "resources": ResourcesParams,
    "practices": PracticesParams,
    "leadership": LeadershipParams,
    "costs": CostsParams,
    "survey": SurveyParams,
}

FIELD_NAMES: dict[str, frozenset[str]] = {
    section: frozenset(f.name for f in dataclasses.fields(klass))
    for section, klass in SECTION_CLASSES.items()
}


@dataclass(frozen=True, slots=True)
class Params:
    """All parameters of one scenario, typed and frozen (``params.section.key``).

    Build with :meth:`from_values` (the scenario validator does; ``Scenario.params`` holds it).
    """

    institution: InstitutionParams
    students: StudentsParams
    teachers: TeachersParams
    workload: WorkloadParams
    learning: LearningParams
    administrators: AdministratorsParams
    engagement: EngagementParams
    competencies: CompetenciesParams
    pacing: PacingParams
    training: TrainingParams
    resources: ResourcesParams
    practices: PracticesParams
    leadership: LeadershipParams
    costs: CostsParams
    survey: SurveyParams
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_values(cls, values: Mapping[str, Mapping[str, Any]]) -> Params:
        """Typed parameters from validated ``{section: {key: value}}`` (every key present)."""
        sections: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for section, klass in SECTION_CLASSES.items():
            body = values[section]
            names = FIELD_NAMES[section]
            sections[section] = klass(**{k: body[k] for k in names})
            extra.update({f"{section}.{k}": v for k, v in body.items() if k not in names})
        for section, body in values.items():
            if section not in SECTION_CLASSES:
                extra.update({f"{section}.{k}": v for k, v in body.items()})
        return cls(**sections, extra=extra)

    @classmethod
    def default(cls) -> Params:
        """The registry's defaults."""
        return cls.from_values(defaults())

    def value(self, name: str) -> Any:
        """Value of a dotted name, including parameters registered by extensions."""
        if name in self.extra:
            return self.extra[name]
        section, key = name.split(".", 1)
        return getattr(getattr(self, section), key)

    def replace(self, changes: Mapping[str, Any]) -> Params:
        """A copy with dotted-name values replaced (not validated: for the kernel's own levers)."""
        by_section: dict[str, dict[str, Any]] = {}
        extra = dict(self.extra)
        for name, value in changes.items():
            if name in extra:
                extra[name] = value
                continue
            section, key = name.split(".", 1)
            by_section.setdefault(section, {})[key] = value
        sections = {s: dataclasses.replace(getattr(self, s), **kv) for s, kv in by_section.items()}
        return dataclasses.replace(self, **sections, extra=extra)

    def survey_target(self, group: str, factor: str) -> tuple[float, float]:
        """Published week-0 ``(mean, SD)`` of one ISTE factor of ``group``."""
        section = getattr(self, group)
        return getattr(section, f"{factor}_mean"), getattr(section, f"{factor}_sd")

    @property
    def weeks_per_year(self) -> int:
        """Teaching weeks in one year."""
        return self.institution.weeks_per_term * self.institution.terms_per_year


def registry_fields() -> dict[str, Parameter]:
    """Registry entries that have a typed field (all but run-time extensions)."""
    return {n: p for n, p in REGISTRY.items()
            if p.section in SECTION_CLASSES
            and p.key in FIELD_NAMES[p.section]}


__all__ = ["PacingModeName", "Params", "SECTION_CLASSES", "coerce_value"]
