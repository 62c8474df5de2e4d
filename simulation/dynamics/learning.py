"""Submodel 3, students learn: time on task x engagement x difficulty fit x quality x access.

For each activity a student spends class time in, the *gap* is how far the task's difficulty sits
above the student's achievement (SD units; each practice object says how it sets its tasks). The
success rate is ``expit(logit(s*) - gap / difficulty_scale)`` (``s*`` = optimal success rate, 0.85
after Wilson et al. 2019), so a task pitched exactly at the student's level succeeds at ``s*``.
Learning per hour follows a flow curve of the success rate that peaks (value 1) at ``s*``:

    fit(s) = (s / s*)^(k s*) * ((1 - s) / (1 - s*))^(k (1 - s*)),   k = fit_concentration

Too easy bores (s near 1), too hard frustrates (s low). The weekly gain is

    gain = gain_per_hour * aptitude * hours * behavioural engagement
           * sum_over_activities(share * autonomy_hours * fit * quality) * multipliers

``autonomy_hours`` (self-directed plans, self-paced work) is self-regulation / threshold, at most 1:
poorly self-regulated students lose time when they steer themselves (Xu & Jaggars 2014).
Activities that need access (the adaptive platform) fall back to whole-class work without it.

Simultaneous over students (everyone learns from last week's state)."""

from __future__ import annotations

import numpy as np

from simulation.dynamics.tasks import self_choice_error, success_and_fit
from simulation.params import Params
from simulation.state import InstitutionState, Practice, Streams


def whole_class_gap(params: Params, gap: np.ndarray) -> np.ndarray:
    """Gap of teacher-led whole-class work: the lesson spans a band of difficulty.

    A lesson is not one task at the calendar position: explanations, worked examples and
    questions at several levels cover ``learning.whole_class_breadth`` SD either side of it, and
    each student works with the part of the band nearest their level. Gaps inside the band
    vanish; outside, they shrink by the band's half-width. With breadth 0 every student works at
    the calendar position, and students in the tails sit about 1 SD from their level.
    """
    band = params.learning.whole_class_breadth
    if band <= 0.0:
        return gap
    return np.sign(gap) * np.maximum(np.abs(gap) - band, 0.0)


def activity_gaps(params: Params, state: InstitutionState,
                  streams: Streams) -> list[tuple[Practice | None, np.ndarray]]:
    """Task difficulty above each student's level, per activity in this week's mix.

    Whole-class work comes first (``None``), then the week's practices in table order (the order
    of the draws from ``streams.tasks``).
    """
    s = state.students
    whole = s.position - s.achievement
    if state.policy.mode.self_steered:  # students pick their own tasks at their position
        whole = whole + self_choice_error(params, state, streams)
    else:  # a teacher-led lesson spans a band of difficulty (see whole_class_gap)
        whole = whole_class_gap(params, whole)
    gaps: list[tuple[Practice | None, np.ndarray]] = [(None, whole)]
    for practice in state.policy.present(state.this_week.shares):
        if practice.gap is not None:
            gaps.append((practice, practice.gap(params, state, streams)))
        else:
            gaps.append((practice, whole))
    return gaps


def autonomy_hours(params: Params, state: InstitutionState) -> np.ndarray:
    """Share of self-steered time (self-pacing, self-directed plans) each student really uses.

    Two costs multiply. Below ``self_direction_threshold`` a student loses time in proportion
    (at most 80%). The *cost of autonomy* adds the loss of students not yet ready to steer
    themselves: readiness is self-regulation plus ``autonomy_knowledge_weight`` x current
    achievement (SD) x the week-0 SD of self-regulation (novices cannot judge what they need:
    Kirschner, Sweller & Clark 2006; Kalyuga 2007), and a student short of ``autonomy_demand``
    loses ``autonomy_cost`` x the shortfall's share of the demand (online and self-paced formats
    hurt weaker, less self-regulated students most: Xu & Jaggars 2014; Bettinger et al. 2017).
    """
    s, lv = state.students, params.learning
    autonomy = np.clip(s.self_regulation / lv.self_direction_threshold, 0.2, 1.0)
    if lv.autonomy_cost == 0.0:
        return autonomy
    readiness = s.self_regulation + (lv.autonomy_knowledge_weight
                                     * params.students.self_regulation_sd * s.achievement)
    shortfall = np.clip((lv.autonomy_demand - readiness) / lv.autonomy_demand, 0.0, 1.0)
    return autonomy * (1.0 - lv.autonomy_cost * shortfall)


def learn(params: Params, state: InstitutionState, streams: Streams) -> None:
    """Apply one week of learning to achievement.

    Reads the week's shares and estimate, positions, engagement, self-regulation, access,
    aptitude, competencies, teachers' diagnostic noise, the term's deployment; writes
    ``students.achievement``, ``gain``, ``success`` and ``fit``; draws from ``streams.tasks``
    (task gaps) and ``streams.hours`` (study time).
    """
    s, pol, shares = state.students, state.policy, state.this_week.shares
    lv = params.learning
    opt, scale, conc = lv.optimal_success_rate, lv.difficulty_scale, lv.fit_concentration
    gaps = activity_gaps(params, state, streams)
    n = s.achievement.shape[0]
    # time actually used when students steer themselves (see autonomy_hours)
    autonomy = autonomy_hours(params, state)

    effective = np.zeros(n)
    success = np.zeros(n)
    fit_sum = np.zeros(n)
    whole_share = shares["whole_class"]
    for practice, _ in gaps[1:]:
        if practice is not None and practice.needs_access:  # time without access: whole class
            lost = shares[practice.name] * (1.0 - s.access)
            whole_share = whole_share + lost
    for practice, gap in gaps:
        succ, fit = success_and_fit(gap, opt, scale, conc)
        quality: np.ndarray | float = 1.0
        hours: np.ndarray | float = 1.0
        if practice is None:
            share = whole_share
            if pol.mode.self_steered:
                hours = autonomy
                quality = lv.self_study_quality
        else:
            share = shares[practice.name]
            if practice.needs_access:
                share = shares[practice.name] * s.access
            if practice.quality is not None:
                quality = practice.quality(params, state)
            if practice.autonomous:
                hours = autonomy
        # factors of exactly 1.0 are skipped (bit-identical): fewer passes over the students
        if isinstance(hours, np.ndarray) or hours != 1.0:
            term = share * hours
            term *= fit
        else:
            term = share * fit
        if isinstance(quality, np.ndarray) or quality != 1.0:
            term *= quality
        effective += term
        np.multiply(share, succ, out=succ)
        success += succ
        np.multiply(share, fit, out=fit)
        fit_sum += fit
    study = lv.hours_per_week * np.maximum(
        0.0, 1.0 + lv.hours_noise_sd * streams.hours.standard_normal(n))
    style = 1.0
    for practice in pol.extras:
        if practice.learning_multiplier is not None:
            style = style * practice.learning_multiplier(params)
    gain = lv.gain_per_hour * s.aptitude * study * s.engagement_behavioural * effective * style
    s.achievement += gain
    s.gain = gain
    s.success = success
    s.fit = fit_sum
