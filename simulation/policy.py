"""A scenario's policies, resolved into what the weekly step needs: switches, modes, levers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from simulation import practices as practice_table
from simulation.parameters import PARAMETERS
from simulation.params import Params
from simulation.practices import TUTORING, PacingMode, Practice

WEEK0_STATE: frozenset[str] = frozenset(
    p.name for p in PARAMETERS if p.takes_effect == "reset")
"""Parameters that set who is in the institution or its week-0 state (``takes_effect =
"reset"`` in the registry): fixed once a run starts."""


@dataclass(frozen=True)
class Policy:
    """Switches and modes in force (``apply_policy`` replaces it; budget levers are ``Levers``).

    Attributes
    ----------
    pacing
        The ``pacing.mode`` value; ``mode`` is its object.
    activities
        Switched-on practices that share the class time a teacher personalizes, in table order.
    extras
        Switched-on practices that act alongside the activities (interest and style matching).
    table
        Every practice the run knows (to read the week's activity mix).
    tutoring
        One tutor per student (the idealized reference).
    analytics
        Learning-analytics tools for teachers.
    adaptive_allocation
        The term-end evaluation moves the budget.
    """

    pacing: str
    mode: PacingMode
    activities: tuple[Practice, ...]
    extras: tuple[Practice, ...]
    table: tuple[Practice, ...]
    tutoring: bool
    analytics: bool
    adaptive_allocation: bool

    @property
    def personalized(self) -> tuple[str, ...]:
        """Names of the switched-on activities."""
        return tuple(p.name for p in self.activities)

    @classmethod
    def from_params(cls, params: Params) -> Policy:
        """Resolve switches and modes from typed parameters."""
        table = practice_table.table()
        return cls(
            pacing=params.pacing.mode,
            mode=practice_table.PACING_MODES[params.pacing.mode],
            activities=tuple(p for p in table if p.shares_class_time and p.is_on(params)),
            extras=tuple(p for p in table if not p.shares_class_time and p is not TUTORING
                         and p.is_on(params)),
            table=table,
            tutoring=TUTORING.is_on(params),
            analytics=params.resources.analytics_tools,
            adaptive_allocation=params.administrators.allocation == "adaptive",
        )

    def present(self, shares: Mapping[str, object]) -> list[Practice]:
        """The activities in this week's mix (``shares`` keys), in table order."""
        return [p for p in self.table if p.shares_class_time and p.name in shares]


@dataclass
class Levers:
    """Budget levers the term-end evaluation may reallocate (per scenario units)."""

    workshop_hours: float
    coaching_hours: float
    coaches_per_teacher: float
    device_ratio: float

    @classmethod
    def from_params(cls, params: Params) -> Levers:
        """Starting levers from the parameters."""
        tr = params.training
        return cls(tr.workshop_hours, tr.coaching_hours, tr.coaches_per_teacher,
                   params.resources.device_ratio)

    def apply(self, params: Params) -> Params:
        """Parameters with these levers substituted (for costing)."""
        return params.replace({
            "training.workshop_hours": self.workshop_hours,
            "training.coaching_hours": self.coaching_hours,
            "training.coaches_per_teacher": self.coaches_per_teacher,
            "resources.device_ratio": self.device_ratio,
        })
