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

Spread of positions in a class costs the teacher ``spread_cost_hours`` per SD per week."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit, logit

if TYPE_CHECKING:
    from simulation.model import PersonalizedLearningModel


def place(model: PersonalizedLearningModel) -> None:
    """Initial placement at week 0 under the scenario's pacing policy."""
    s, c, v = model.student_state, model.classes, model.values
    calendar = c.calendar_position[s.class_id]
    mode = model.policy.pacing
    if mode == "lockstep":
        s.position = calendar.copy()
    elif mode == "flexible":
        spread = v["pacing"]["flexible_spread"]
        s.position = np.clip(model.estimate, calendar - spread, calendar + spread)
    elif mode == "mastery":
        s.position = model.estimate.copy()
    else:
        s.position = calendar + s.self_regulation * (s.achievement - calendar)
    update_spread(model)


def advance(model: PersonalizedLearningModel) -> None:
    """Move the class calendars and every student's position by one week."""
    s, c, v = model.student_state, model.classes, model.values
    pv = v["pacing"]
    rate = pv["calendar_rate"]
    c.calendar_position += rate
    calendar = c.calendar_position[s.class_id]
    mode = model.policy.pacing
    if mode == "lockstep":
        s.position = calendar
    elif mode == "flexible":
        spread = pv["flexible_spread"]
        s.position = np.clip(model.estimate, calendar - spread, calendar + spread)
    elif mode == "mastery":
        lv = v["learning"]
        estimated_success = expit(logit(lv["optimal_success_rate"])
                                  - (s.position - model.estimate) / lv["difficulty_scale"])
        s.position = s.position + np.where(estimated_success >= pv["mastery_threshold"],
                                           2.0 * rate, 0.0)
    else:
        sr = s.self_regulation
        pace = np.clip(sr / v["learning"]["self_direction_threshold"], 0.2, 1.5)
        s.position = s.position + rate * pace + 0.5 * sr * (s.achievement - s.position)
    update_spread(model)


def update_spread(model: PersonalizedLearningModel) -> None:
    """Teacher hours per week spent managing the spread of positions in their classes."""
    s, c = model.student_state, model.classes
    if model.policy.pacing == "lockstep":
        model.pacing_hours = np.zeros(model.teacher_state.adoption.shape[0])
        return
    total = np.bincount(s.class_id, weights=s.position, minlength=c.size.shape[0])
    square = np.bincount(s.class_id, weights=s.position**2, minlength=c.size.shape[0])
    mean = total / c.size
    sd = np.sqrt(np.maximum(square / c.size - mean**2, 0.0))
    per_class = model.values["pacing"]["spread_cost_hours"] * sd
    model.pacing_hours = np.bincount(c.teacher, weights=per_class,
                                     minlength=model.teacher_state.adoption.shape[0])
