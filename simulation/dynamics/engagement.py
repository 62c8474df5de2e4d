"""Submodel 4, engagement and peers (self-determination theory, flow, interest, contagion).

Affective engagement moves each week a share ``adjustment_rate`` toward a target

    target = expit(base_i + w_c (2 fit - 1) + w_r (2 class mean - 1 + collaborative share)
                   + w_t (2 facilitate - 1) + w_a autonomy 2 (self-regulation - threshold)
                   + w_i (interest-matched share - 1 / topics))

where ``base_i`` is set at week 0 so that every student's status-quo target equals their starting
engagement (the status quo is a steady state; policies move it). Behavioural engagement (time
actually on task) moves toward a mix of self-regulation and affective engagement. Classmates'
engagement enters as last week's class mean: updates are simultaneous.

The collaborative share comes from practices with ``peer_contact``, the autonomy share from
``autonomous`` practices (and whole-class time under self-steered pacing), the interest term from
interest matching's ``engagement_drive``: with it on, personalized tasks match each student's
interest and whole-class tasks match twice as often as chance.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from simulation.params import Params
from simulation.scales import factor_level
from simulation.state import InstitutionState, Streams


def drive(params: Params, state: InstitutionState, fit: np.ndarray | None = None,
          status_quo: bool = False) -> np.ndarray:
    """Sum of the weighted engagement drives (logit scale), without each student's base.

    Reads the students' fit, engagement, self-regulation, classes, teachers' 'facilitate'
    preparedness, the week's shares and the practices' engagement terms; writes nothing. With
    ``status_quo=True`` only the drives present under lockstep whole-class teaching count (used to
    set the base at week 0).
    """
    s, w, pol, shares = state.students, params.engagement, state.policy, state.this_week.shares
    fit = s.fit if fit is None else fit
    c = state.classes
    class_mean = np.bincount(s.class_id, weights=s.engagement_affective,
                             minlength=c.size.shape[0]) / c.size
    relatedness = 2.0 * class_mean[s.class_id] - 1.0
    facilitate = factor_level(state.teachers.preparedness[:, 0])[state.roster.student_teacher]
    teacher = 2.0 * facilitate - 1.0
    total = w.competence_weight * (2.0 * fit - 1.0) + w.teacher_weight * teacher
    if status_quo:
        return total + w.relatedness_weight * relatedness
    present = pol.present(shares)
    for practice in present:
        if practice.peer_contact:
            relatedness = relatedness + shares[practice.name]
    total = total + w.relatedness_weight * relatedness
    autonomy: np.ndarray | float = 0.0
    for practice in present:
        if practice.autonomous:
            autonomy = autonomy + shares[practice.name]
    if pol.mode.self_steered:
        autonomy = autonomy + shares["whole_class"]
    if not np.isscalar(autonomy) or autonomy:
        thr = params.learning.self_direction_threshold
        total = total + w.autonomy_weight * autonomy * 2.0 * (s.self_regulation - thr)
    for practice in pol.extras:
        if practice.engagement_drive is not None:
            total = total + practice.engagement_drive(params, state)
    return total


def update_engagement(params: Params, state: InstitutionState, streams: Streams) -> None:
    """Move affective and behavioural engagement one week toward their targets.

    Reads what ``drive`` reads and ``students.engagement_base``; writes
    ``students.engagement_affective`` and ``engagement_behavioural``; draws from
    ``streams.engagement``.
    """
    s, w = state.students, params.engagement
    rate = w.adjustment_rate
    target = expit(s.engagement_base + drive(params, state))
    shock = w.noise_sd * streams.engagement.standard_normal(target.shape[0])
    s.engagement_affective = np.clip(
        s.engagement_affective + rate * (target - s.engagement_affective) + shock, 0.0, 1.0)
    srw = w.self_regulation_weight
    behavioural_target = srw * s.self_regulation + (1.0 - srw) * s.engagement_affective
    s.engagement_behavioural = np.clip(
        s.engagement_behavioural + rate * (behavioural_target - s.engagement_behavioural), 0.0, 1.0)
