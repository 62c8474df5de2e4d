"""A scenario's policies, resolved into what the weekly step needs: switches, modes, levers."""

from __future__ import annotations

from simulation import practices as practice_table
from simulation.parameters import PARAMETERS
from simulation.params import Params
from simulation.practices import TUTORING
from simulation.state import Policy

WEEK0_STATE: frozenset[str] = frozenset(
    p.name for p in PARAMETERS if p.takes_effect == "reset")
"""Parameters that set who is in the institution or its week-0 state (``takes_effect =
"reset"`` in the registry): fixed once a run starts."""


def policy_from_params(params: Params) -> Policy:
    """Resolve switches and modes from typed parameters."""
    table = practice_table.table()
    return Policy(
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
