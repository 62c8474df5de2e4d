"""A scenario's policies, resolved once per run into what the weekly step needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from simulation.parameters import PARAMETERS

ACTIVITIES: tuple[str, ...] = (
    "whole_class", "differentiated", "feedback", "adaptive", "collaborative", "self_directed",
)
PERSONALIZED: tuple[str, ...] = ACTIVITIES[1:]


WEEK0_STATE: frozenset[str] = frozenset(
    p.name for p in PARAMETERS if p.takes_effect == "reset")
"""Parameters that set who is in the institution or its week-0 state (``takes_effect =
"reset"`` in the registry): fixed once a run starts."""


@dataclass(frozen=True)
class Policy:
    """Switches and modes of one run (fixed for the run; budget levers live in ``Levers``)."""

    pacing: str
    personalized: tuple[str, ...]  # personalized activities that share adopted class time
    interest_matching: bool
    style_matching: bool
    tutoring: bool
    analytics: bool
    adaptive_allocation: bool

    @classmethod
    def from_values(cls, values: Mapping[str, Mapping[str, Any]]) -> Policy:
        """Resolve switches from scenario values."""
        pr, res = values["practices"], values["resources"]
        on = {
            "differentiated": pr["differentiated_instruction"],
            "feedback": pr["personalized_feedback"],
            "adaptive": res["adaptive_platform"],
            "collaborative": pr["collaborative_projects"],
            "self_directed": pr["self_directed_plans"],
        }
        return cls(
            pacing=values["pacing"]["mode"],
            personalized=tuple(a for a in PERSONALIZED if on[a]),
            interest_matching=pr["interest_matching"],
            style_matching=pr["learning_style_matching"],
            tutoring=pr["tutor_per_student"],
            analytics=res["analytics_tools"],
            adaptive_allocation=values["administrators"]["allocation"] == "adaptive",
        )


@dataclass
class Levers:
    """Budget levers the term-end evaluation may reallocate (per scenario units)."""

    workshop_hours: float
    coaching_hours: float
    coaches_per_teacher: float
    device_ratio: float

    @classmethod
    def from_values(cls, values: Mapping[str, Mapping[str, Any]]) -> Levers:
        """Starting levers from scenario values."""
        tr, res = values["training"], values["resources"]
        return cls(tr["workshop_hours"], tr["coaching_hours"], tr["coaches_per_teacher"],
                   res["device_ratio"])

    def apply(self, values: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """Scenario values with these levers substituted (for costing)."""
        out = {s: dict(kv) for s, kv in values.items()}
        out["training"].update(workshop_hours=self.workshop_hours,
                               coaching_hours=self.coaching_hours,
                               coaches_per_teacher=self.coaches_per_teacher)
        out["resources"]["device_ratio"] = self.device_ratio
        return out
