"""The policy levers shown on the dashboard, grouped, with plain-language labels.

Only the group and the display order live here; the plain-language label, *when a change takes
effect*, bounds, units, defaults, sources and evidence strength are read from
:data:`simulation.parameters.REGISTRY`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from simulation.parameters import REGISTRY, Parameter, TakesEffect

When = TakesEffect

WHEN_TEXT: dict[When, str] = {
    "next_week": "from the next week",
    "next_term": "from the next term",
    "reset": "when you press Reset",
}


@dataclass(frozen=True)
class Lever:
    """One lever: a registry parameter shown in a dashboard group.

    Attributes
    ----------
    name
        Dotted registry name.
    group
        Group title the lever is shown under.
    """

    name: str
    group: str

    @property
    def param(self) -> Parameter:
        """The registry entry."""
        return REGISTRY[self.name]

    @property
    def label(self) -> str:
        """Plain-language label shown next to the control (the registry's)."""
        return self.param.label

    @property
    def when(self) -> When:
        """When a change made during a run takes effect (the registry's ``takes_effect``):
        ``next_week``, ``next_term`` (when the administration allocates) or ``reset`` (it
        changes who is in the institution, so it needs a fresh run)."""
        return self.param.takes_effect

    @property
    def choice_labels(self) -> tuple[tuple[str, str], ...]:
        """Plain-language label of each choice of a ``choice`` parameter (the registry's)."""
        return self.param.choice_labels

    @property
    def unit(self) -> str:
        """Unit text, empty for dimensionless and switch parameters."""
        unit = self.param.unit
        return "" if unit in ("1", "-") else unit

    def choice_label(self, value: str) -> str:
        """Display text of a choice value."""
        return dict(self.choice_labels).get(value, value)

    def choice_value(self, label: str) -> str:
        """Choice value of a display text (the value itself is accepted too)."""
        for value, text in self.choice_labels:
            if label in (text, value):
                return value
        return label

    def short(self, value: Any) -> str:
        """A value in a few words: a choice's label up to its colon, on/off for switches."""
        return self.format(value).split(":", 1)[0]

    def step(self) -> float:
        """Slider step: about a hundredth of the range, rounded to a power of ten."""
        p = self.param
        if p.kind == "int" or p.low is None or p.high is None:
            return 1
        return 10.0 ** round(math.log10((p.high - p.low) / 100.0))

    def format(self, value: Any) -> str:
        """A value as a person reads it, with its unit."""
        p = self.param
        if p.kind == "bool":
            return "on" if value else "off"
        if p.kind == "choice":
            return self.choice_label(str(value))
        text = f"{value:,.0f}" if p.kind == "int" else f"{float(value):,.4g}"
        return f"{text} {self.unit}".strip()


GROUPS: tuple[str, ...] = ("Pacing", "Training", "Resources and budget", "Classroom practices")

LEVERS: tuple[Lever, ...] = (
    # pacing
    Lever("pacing.mode", "Pacing"),
    Lever("pacing.flexible_spread", "Pacing"),
    Lever("pacing.mastery_threshold", "Pacing"),
    # training
    Lever("training.workshop_hours", "Training"),
    Lever("training.coaching_hours", "Training"),
    Lever("training.coaches_per_teacher", "Training"),
    Lever("training.plc_hours", "Training"),
    Lever("training.coverage", "Training"),
    Lever("training.leadership_hours", "Training"),
    # resources and budget
    Lever("administrators.budget_per_student", "Resources and budget"),
    Lever("resources.device_ratio", "Resources and budget"),
    Lever("resources.device_targeting", "Resources and budget"),
    Lever("resources.adaptive_platform", "Resources and budget"),
    Lever("resources.platform_quality", "Resources and budget"),
    Lever("resources.analytics_tools", "Resources and budget"),
    Lever("resources.class_size", "Resources and budget"),
    Lever("administrators.allocation", "Resources and budget"),
    # classroom practices
    Lever("practices.differentiated_instruction", "Classroom practices"),
    Lever("practices.personalized_feedback", "Classroom practices"),
    Lever("practices.collaborative_projects", "Classroom practices"),
    Lever("practices.self_directed_plans", "Classroom practices"),
    Lever("practices.interest_matching", "Classroom practices"),
    Lever("practices.learning_style_matching", "Classroom practices"),
    Lever("practices.tutor_per_student", "Classroom practices"),
)

BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}

#: Levers edited by typing a number rather than with a slider (their range spans decades).
TYPED: frozenset[str] = frozenset({"administrators.budget_per_student"})


def in_group(group: str) -> list[Lever]:
    """The levers of one group, in display order."""
    return [lever for lever in LEVERS if lever.group == group]
