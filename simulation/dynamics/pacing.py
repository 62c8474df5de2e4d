"""Submodel 3b, pacing: where on the curriculum each student works next week.

A curriculum position is the achievement level for which the material is optimally hard (SD units of
the starting cohort). The class calendar advances by ``calendar_rate`` a week under every policy.

- lockstep: every student works at the class calendar position;
- flexible: at the teacher's estimate of their level, kept within ``flexible_spread`` of the
  calendar;
- mastery: a student advances by two calendar steps when the teacher's estimate of their success on
  the current material reaches ``mastery_threshold``, else stays (re-teaching);
- self_paced: each week a student drifts forward at a pace set by self-regulation and moves half
  ``self_regulation`` of the way toward their level; the tasks they pick carry the self-choice error
  (see learning), so poorly regulated students fall behind and misjudge (Xu & Jaggars 2014).

Spread of positions in a class costs the teacher ``spread_cost_hours`` per SD per week. Each mode
is a ``PacingMode`` object in ``simulation.practices``."""

from __future__ import annotations

import numpy as np

from simulation.params import Params
from simulation.state import InstitutionState, Streams


def place(params: Params, state: InstitutionState) -> None:
    """Initial placement at week 0 under the pacing mode (``PacingMode.place``).

    Reads the class calendars, the teachers' estimate, achievement and self-regulation; writes
    ``students.position`` and ``this_week.pacing_hours``.
    """
    s, c = state.students, state.classes
    calendar = c.calendar_position[s.class_id]
    s.position = state.policy.mode.place(params, state, calendar)
    update_spread(params, state)


def advance(params: Params, state: InstitutionState, streams: Streams) -> None:
    """Move the class calendars and every student's position by one week.

    Reads what ``place`` reads and current positions; writes ``classes.calendar_position``,
    ``students.position`` and ``this_week.pacing_hours``; draws nothing.
    """
    s, c = state.students, state.classes
    c.calendar_position += params.pacing.calendar_rate
    calendar = c.calendar_position[s.class_id]
    s.position = state.policy.mode.advance(params, state, calendar)
    update_spread(params, state)


def update_spread(params: Params, state: InstitutionState) -> None:
    """Teacher hours per week spent managing the spread of positions in their classes."""
    s, c = state.students, state.classes
    m = state.teachers.adoption.shape[0]
    if not state.policy.mode.spread_costs_time:
        state.this_week.pacing_hours = np.zeros(m)
        return
    total = np.bincount(s.class_id, weights=s.position, minlength=c.size.shape[0])
    square = np.bincount(s.class_id, weights=s.position**2, minlength=c.size.shape[0])
    mean = total / c.size
    sd = np.sqrt(np.maximum(square / c.size - mean**2, 0.0))
    per_class = params.pacing.spread_cost_hours * sd
    state.this_week.pacing_hours = np.asarray(
        np.bincount(c.teacher, weights=per_class, minlength=m), dtype=float)
