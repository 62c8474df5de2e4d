"""Plain words for what people read: parameters, outcomes, scenarios, values and units.

Identifiers (``training.coaching_hours``, ``gap_access``, ``self_paced_unequal_access``) stay in
files and exports; pages for people (the report, figures) show the labels made here. This is the
one module that turns identifiers into words.

- :func:`parameter_label`: a registry parameter's label: the registry's own ``label`` when the
  parameter has one, else :data:`PARAMETER_LABELS` (the levers and settings reports show most),
  else the first clause of the parameter's description.
- :func:`metric_label`: an outcome or time-series metric, with its unit.
- :func:`scenario_label`: a scenario's name as words (``Self-paced unequal access``).
- :func:`value_label`: a setting's value (``on``/``off``, ``self-paced``, ``$120``).
"""

from __future__ import annotations

import re
from typing import Any

from experiments.reporting.money import currency_symbol, money
from simulation.parameters import REGISTRY

__all__ = ["METRIC_LABELS", "PARAMETER_LABELS", "SCENARIO_LABELS", "metric_label",
           "parameter_description", "parameter_label", "plain_name", "scenario_label", "unit_label",
           "value_label"]

#: Short labels of the parameters reports show most (policy levers first).
PARAMETER_LABELS: dict[str, str] = {
    "administrators.budget_per_student": "Budget per student per year",
    "administrators.allocation": "Budget allocation",
    "pacing.mode": "Pacing",
    "pacing.flexible_spread": "Flexible pacing: how far ahead or behind",
    "pacing.mastery_threshold": "Mastery pacing: success rate to advance",
    "training.workshop_hours": "Workshop hours per teacher per year",
    "training.coaching_hours": "Coaching hours per teacher per year",
    "training.coaches_per_teacher": "Coaches per teacher",
    "training.plc_hours": "Learning-community hours per teacher per year",
    "training.coverage": "Share of teachers trained",
    "training.leadership_hours": "Leadership training hours per administrator",
    "resources.class_size": "Class size",
    "resources.device_ratio": "Devices per student",
    "resources.device_targeting": "Who gets devices",
    "resources.adaptive_platform": "Adaptive practice platform",
    "resources.platform_quality": "Platform quality",
    "resources.analytics_tools": "Learning-analytics dashboards",
    "practices.interest_matching": "Tasks themed on interests",
    "practices.self_directed_plans": "Self-directed learning plans",
    "practices.personalized_feedback": "One-to-one feedback",
    "practices.differentiated_instruction": "Small groups taught at their level",
    "practices.collaborative_projects": "Collaborative projects",
    "practices.learning_style_matching": "Matching 'learning styles'",
    "practices.tutor_per_student": "One tutor per student (idealized)",
    "students.home_access_rate": "Students with home access",
    "students.access_ses_slope": "How much home access depends on family income",
    "institution.n_students": "Number of students",
    "institution.weeks_per_term": "Weeks per term",
    "institution.terms_per_year": "Terms per year",
    "learning.platform_effect": "Learning boost from the platform",
    "learning.feedback_effect": "Learning boost from feedback",
    "learning.self_study_quality": "Quality of self-paced study",
    "learning.self_direction_threshold": "Self-regulation needed for autonomy",
    "learning.gain_per_hour": "Learning per engaged hour",
    "learning.style_matching_effect": "Effect of matching 'learning styles'",
    "training.gain_per_hour": "Preparedness gained per training hour",
    "teachers.adoption_rate": "Speed of teachers' adoption",
    "teachers.max_adoption": "Most class time a teacher personalizes",
    "costs.coach_salary": "Cost of a coach per year",
    "costs.device": "Cost of a device",
    "costs.platform_licence": "Platform licence per student per year",
    "costs.teacher_salary": "Cost of an extra teacher per year",
    "costs.training_hour": "Cost of a training hour",
}

#: Outcomes and time-series metrics: (label, unit).
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "achievement_mean": ("Achievement", "SD of the starting cohort"),
    "achievement_bottom_quartile": ("Achievement of the bottom quartile", "SD"),
    "achievement_top_quartile": ("Achievement of the top quartile", "SD"),
    "gap_bottom_top": ("Gap between top and bottom quartiles", "SD; smaller is more equal"),
    "gap_access": ("Gap between students with and without home access",
                   "SD; smaller is more equal"),
    "engagement_mean": ("Engagement", "0-1"),
    "engagement_affective": ("Affective engagement", "0-1"),
    "engagement_behavioural": ("Behavioural engagement", "0-1"),
    "adoption_mean": ("Teachers' adoption", "share of class time personalized"),
    "teacher_preparedness": ("Teachers' preparedness", "1-4 scale"),
    "administrator_preparedness": ("Administrators' preparedness", "1-4 scale"),
    "student_competency": ("Students' competencies", "1-4 scale"),
    "burnout_share": ("Teachers burnt out", "share"),
    "cost_per_student": ("Cost per student per year", "currency"),
    "realized_cost_per_student": ("Spending per student per year", "currency"),
}

#: The bundled scenarios' names in words.
SCENARIO_LABELS: dict[str, str] = {
    "baseline_guangdong_2024": "Status quo (Guangdong 2024)",
    "ding_full_model": "All three groups together",
    "self_paced_unequal_access": "Self-pacing with unequal access",
    "coaching_only": "Coaching only",
    "devices_only": "Devices and platform only",
    "mastery_pacing": "Mastery pacing",
    "need_based_devices_coaching": "Need-based devices with coaching",
    "small_classes": "Smaller classes with feedback",
    "tutoring_one_to_one": "One-to-one tutoring (idealized)",
    "workshop_only": "Workshops only",
}

_CLAUSE = re.compile(r"\s*(?:\(|:|;|\. |\.$)")
_QUOTED = re.compile(r"'([a-z0-9]+(?:_[a-z0-9]+)+)'")
_VALUE_WORDS = {"self_paced": "self-paced", "need_based": "need-based"}


def parameter_label(name: str) -> str:
    """A short label for a registry parameter (its name in words when unknown)."""
    param = REGISTRY.get(name)
    own = getattr(param, "label", None)
    if isinstance(own, str) and own.strip():
        return own.strip()
    if name in PARAMETER_LABELS:
        return PARAMETER_LABELS[name]
    if param is not None and param.description:
        clause = _CLAUSE.split(param.description, maxsplit=1)[0].strip()
        if clause:
            return clause[0].upper() + clause[1:]
    return _words(name.rsplit(".", 1)[-1])


def parameter_description(name: str) -> str:
    """A parameter's registry description with quoted choice identifiers in words."""
    param = REGISTRY.get(name)
    if param is None:
        return ""
    return _QUOTED.sub(lambda m: f"'{value_label(name, m.group(1))}'", param.description)


def metric_label(name: str, with_unit: bool = True, symbol: str | None = None) -> str:
    """An outcome's label, with its unit in parentheses (``Engagement (0-1)``)."""
    label, unit = METRIC_LABELS.get(name, (_words(name), ""))
    if unit == "currency":
        unit = currency_symbol(symbol)
    return f"{label} ({unit})" if with_unit and unit else label


def plain_name(name: str) -> str:
    """A parameter's or an outcome's label, whichever ``name`` is (words for anything else)."""
    if name in REGISTRY:
        return parameter_label(name)
    if name in METRIC_LABELS:
        return metric_label(name, with_unit=False)
    return _words(name)


def scenario_label(name: str) -> str:
    """A scenario's name as words (``small_base`` -> ``Small base``; bundled ones from a table)."""
    text = str(name)
    if text in SCENARIO_LABELS:
        return SCENARIO_LABELS[text]
    for word, plain in _VALUE_WORDS.items():
        text = text.replace(word, plain)
    return _words(text)


def unit_label(unit: str, symbol: str | None = None) -> str:
    """A registry unit for people: ``currency/student/year`` -> ``$ per student per year``."""
    if unit in ("-", "1", ""):
        return ""
    text = unit.replace("currency", currency_symbol(symbol))
    return text.replace("/", " per ")


def value_label(name: str, value: Any, symbol: str | None = None) -> str:
    """A setting's value for people: on/off, plain choices, money with the currency symbol."""
    if isinstance(value, bool):
        return "on" if value else "off"
    param = REGISTRY.get(name)
    if isinstance(value, int | float):
        if param is not None and param.unit.startswith("currency"):
            return money(float(value), symbol)
        if param is not None and param.unit.startswith("share") and 0 <= value <= 1:
            return f"{value:.0%}"
        return f"{value:g}" if isinstance(value, float) else f"{value:,}"
    text = str(value)
    return _VALUE_WORDS.get(text, text.replace("_", " "))


def _words(identifier: str) -> str:
    text = identifier.replace("_", " ").replace(".", ": ").strip()
    return text[:1].upper() + text[1:]
