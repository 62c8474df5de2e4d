"""The policy levers shown on the dashboard, grouped, with plain-language labels.

Only the label, the group and *when a change takes effect* live here; bounds, units, defaults,
sources and evidence strength are read from :data:`simulation.parameters.REGISTRY`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from simulation.parameters import REGISTRY, Parameter

When = Literal["week", "term", "reset"]

WHEN_TEXT: dict[When, str] = {
    "week": "from the next week",
    "term": "from the next term",
    "reset": "when you press Reset",
}


@dataclass(frozen=True)
class Lever:
    """One lever: a registry parameter with its dashboard label.

    Attributes
    ----------
    name
        Dotted registry name.
    label
        Plain-language label shown next to the control.
    group
        Group title the lever is shown under.
    when
        When a change made during a run takes effect: ``week`` (next step), ``term`` (next
        term start, when the administration allocates) or ``reset`` (it changes who is in the
        institution, so it needs a fresh run).
    choice_labels
        Plain-language label of each choice of a ``choice`` parameter.
    """

    name: str
    label: str
    group: str
    when: When = "week"
    choice_labels: tuple[tuple[str, str], ...] = ()

    @property
    def param(self) -> Parameter:
        """The registry entry."""
        return REGISTRY[self.name]

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
    Lever("pacing.mode", "How students move through the course", "Pacing",
          choice_labels=(("lockstep", "Lockstep: everyone follows the calendar"),
                         ("flexible", "Flexible: work a little ahead or behind"),
                         ("mastery", "Mastery: move on when ready"),
                         ("self_paced", "Self-paced: each student sets the pace"))),
    Lever("pacing.flexible_spread", "How far ahead or behind (flexible pacing)", "Pacing"),
    Lever("pacing.mastery_threshold", "Success rate needed to move on (mastery pacing)",
          "Pacing"),
    # training
    Lever("training.workshop_hours", "Workshop hours per teacher", "Training", "term"),
    Lever("training.coaching_hours", "Coaching hours per teacher", "Training", "term"),
    Lever("training.coaches_per_teacher", "Instructional coaches per teacher", "Training",
          "term"),
    Lever("training.plc_hours", "Teacher learning-community hours", "Training", "term"),
    Lever("training.coverage", "Share of teachers trained", "Training", "reset"),
    Lever("training.leadership_hours", "Leadership training per administrator", "Training",
          "term"),
    # resources and budget
    Lever("administrators.budget_per_student", "Budget per student per year",
          "Resources and budget"),
    Lever("resources.device_ratio", "Institution devices per student", "Resources and budget",
          "term"),
    Lever("resources.device_targeting", "Who gets devices first", "Resources and budget",
          "reset", choice_labels=(("universal", "Everyone, by lottery"),
                                  ("need_based", "Students without home access first"))),
    Lever("resources.adaptive_platform", "Adaptive practice software", "Resources and budget"),
    Lever("resources.platform_quality", "Quality of the adaptive software",
          "Resources and budget"),
    Lever("resources.analytics_tools", "Learning-analytics dashboards for teachers",
          "Resources and budget"),
    Lever("resources.class_size", "Students per class", "Resources and budget", "reset"),
    Lever("administrators.allocation", "How the budget is allocated", "Resources and budget",
          choice_labels=(("fixed", "Fixed, as set here"),
                         ("adaptive", "Moved each term by what the data show"))),
    # classroom practices
    Lever("practices.differentiated_instruction", "Small groups taught at their level",
          "Classroom practices"),
    Lever("practices.personalized_feedback", "One-to-one feedback", "Classroom practices"),
    Lever("practices.collaborative_projects", "Group projects and peer tutoring",
          "Classroom practices"),
    Lever("practices.self_directed_plans", "Students set their own learning plans",
          "Classroom practices"),
    Lever("practices.interest_matching", "Tasks themed on students' interests",
          "Classroom practices"),
    Lever("practices.learning_style_matching", "Tasks matched to 'learning styles'",
          "Classroom practices"),
    Lever("practices.tutor_per_student", "A personal tutor for every student (reference)",
          "Classroom practices"),
)

BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}

#: Levers edited by typing a number rather than with a slider (their range spans decades).
TYPED: frozenset[str] = frozenset({"administrators.budget_per_student"})


def in_group(group: str) -> list[Lever]:
    """The levers of one group, in display order."""
    return [lever for lever in LEVERS if lever.group == group]
