"""Submodel 2, teachers plan the week: diagnose students and choose the mix of activities.

Each teacher reads each student's level with error ``diagnostic_noise`` (persistent misjudgement,
AR(1) in time) and estimates it as the posterior mean given the class mean (shrinkage), then splits
class time: ``adoption`` goes to the switched-on practices that share class time in equal parts,
the rest to whole-class teaching. If the week's preparation, feedback, pacing and training hours
(each practice's ``teacher_hours``, the ``fixed_hours`` of the others) exceed the time budget plus
the tolerated overtime, the personalized activities shrink to fit. Simultaneous over teachers."""

from __future__ import annotations

import numpy as np

from simulation.params import Params
from simulation.state import InstitutionState, Practice, Streams


def training_hours(state: InstitutionState) -> np.ndarray:
    """Hours of each teacher's weekly time budget spent in coaching and PLC meetings.

    Workshops are held on professional-development days before the term and do not take
    teaching-week time.
    """
    return state.term.coaching_weekly + state.term.plc_weekly


def diagnose(params: Params, state: InstitutionState, streams: Streams) -> None:
    """Update each teacher's estimate of each student's achievement.

    Reads achievement, classes, teachers' ``diagnostic_noise``, the policy; writes
    ``students.diagnosis_error`` and ``this_week.estimate``; draws from ``streams.diagnosis``.
    Skipped under lockstep whole-class teaching, where no decision reads the estimate.
    """
    s, pol = state.students, state.policy
    if not pol.mode.uses_estimate and not pol.activities:
        return
    if pol.tutoring:
        state.this_week.estimate = s.achievement.copy()
        return
    rho = params.teachers.diagnosis_persistence
    s.diagnosis_error *= rho
    s.diagnosis_error += np.sqrt(1.0 - rho**2) * streams.diagnosis.standard_normal(
        s.achievement.shape[0])
    noise = state.teachers.diagnostic_noise[state.roster.student_teacher]
    # the teacher's best guess from a noisy read: shrunk toward the class mean (posterior mean
    # with the class as prior), so misjudged students are placed too close to the middle
    class_mean = (np.bincount(s.class_id, weights=s.achievement, minlength=state.classes.size.size)
                  / state.classes.size)[s.class_id]
    weight = 1.0 / (1.0 + np.square(noise))
    state.this_week.estimate = class_mean + weight * (
        s.achievement + noise * s.diagnosis_error - class_mean)


def plan_week(params: Params, state: InstitutionState, streams: Streams) -> None:
    """Diagnose, then set the week's activity mix and teachers' ``workload_ratio``.

    Reads teachers' adoption, the term's coaching and PLC hours, ``this_week.pacing_hours``, the
    practices switched on; writes ``this_week.shares`` (per student), ``this_week.
    teacher_personal_share`` and ``teachers.workload_ratio`` (and what ``diagnose`` writes).
    """
    diagnose(params, state, streams)
    t, pol, week = state.teachers, state.policy, state.this_week
    m = t.adoption.shape[0]
    fixed = training_hours(state) + week.pacing_hours
    for practice in pol.extras:
        if practice.fixed_hours is not None:
            fixed = fixed + practice.fixed_hours(params, state)
    capacity = params.teachers.prep_hours_per_week
    teacher_shares: dict[str, np.ndarray]
    if pol.tutoring:
        teacher_shares = {"feedback": np.ones(m)}
        need = fixed
    elif pol.activities:
        each = t.adoption / len(pol.activities)
        per_share = np.zeros(m) + sum(_hours(params, state, p) for p in pol.activities)
        need_personal = each * per_share
        allowed = np.maximum(capacity * (1.0 + params.teachers.overtime_tolerance) - fixed, 0.0)
        scale = np.minimum(1.0, np.divide(allowed, need_personal,
                                          out=np.ones(m), where=need_personal > 0))
        each = each * scale
        teacher_shares = {p.name: each for p in pol.activities}
        need = fixed + each * per_share
    else:
        teacher_shares = {}
        need = fixed
    t.workload_ratio = need / capacity
    personal = np.zeros(m) + sum(teacher_shares.values()) if teacher_shares else np.zeros(m)
    week.teacher_personal_share = personal
    idx = state.roster.student_teacher
    week.shares = {a: share[idx] for a, share in teacher_shares.items()}
    week.shares["whole_class"] = 1.0 - personal[idx]


def _hours(params: Params, state: InstitutionState, practice: Practice) -> np.ndarray:
    """Teacher hours a week of one activity if it filled all class time (0 if it takes none)."""
    if practice.teacher_hours is None:
        return np.zeros(state.teachers.adoption.shape[0])
    return practice.teacher_hours(params, state)
