"""Submodel 5, growth of the students' six ISTE competencies and of self-regulation.

Each competency grows with exposure to the practices that build it (shares of class time, scaled by
the relevant teacher preparedness) toward the top of the scale, and drifts back toward its week-0
level without practice, so the status quo persists:

    d theta = growth_rate * exposure * (4.5 - theta) / 3.5 - decay_rate * (theta - theta_0)

A competency's exposure is ``scale x (sum of practice weight x share + teacher part)``: the
weights are the practices' ``exposure`` (``simulation.practices``), the teacher part and the scale
are below. With the bundled practices: creativity <- projects + half of self-directed plans +
teacher 'facilitate creativity' x personalized share; communication <- projects; research fluency
<- self-directed plans + half of adaptive practice; critical thinking <- differentiated groups +
one-to-one feedback; digital citizenship <- teacher 'promote digital citizenship' x digital
activities (platform, projects, plans); technology operations <- access x (adaptive practice +
teacher 'model digital-age work' x personalized share). Practices that need access count only
the time a student has it.
"""

from __future__ import annotations

import threading

import numpy as np

from simulation.parameters import STUDENT_FACTORS, TEACHER_FACTORS
from simulation.params import Params
from simulation.scales import factor_level
from simulation.state import InstitutionState, Streams

TEACHER_PART: dict[str, tuple[str, float]] = {
    "creativity_innovation": ("facilitate_inspire_creativity", 0.5),
    "technology_operations": ("model_digital_age_work", 1.0),
}
"""Competencies a teacher's preparedness builds in all personalized time: (teacher factor,
weight), times the personalized share."""

SCALED_BY: dict[str, str] = {
    "digital_citizenship": "promote_digital_citizenship",  # a teacher factor
    "technology_operations": "access",  # the student's access to digital learning
}
"""What multiplies a competency's whole exposure."""


_SCRATCH = threading.local()


def _scratch(shape: tuple[int, ...]) -> np.ndarray:
    """A reused uninitialised float buffer of ``shape`` (one per thread).

    At a million students a fresh ``(n, 6)`` temporary is 48 MB: glibc maps and zeroes arrays
    over 32 MB on every allocation, so weekly temporaries made per-student cost grow with size.
    """
    buffers: dict[tuple[int, ...], np.ndarray] = getattr(_SCRATCH, "buffers", None) or {}
    _SCRATCH.buffers = buffers
    buf = buffers.get(shape)
    if buf is None:
        buffers.clear()  # keep only the latest shape: a finished model's size is not held
        buf = buffers[shape] = np.empty(shape)
    return buf


def grow_competencies(params: Params, state: InstitutionState, streams: Streams) -> None:
    """One week of competency and self-regulation growth.

    Reads the week's shares and teachers' personalized share, teacher preparedness, access and
    week-0 competencies; writes ``students.competencies``, ``self_regulation`` and
    ``this_week.competencies_moved``; draws nothing.
    """
    s, week = state.students, state.this_week
    cv = params.competencies
    theta = s.competencies
    if not week.teacher_personal_share.any():  # every exposure is zero: only drift back
        if week.competencies_moved:
            drift = np.subtract(theta, s.competencies_start, out=_scratch(theta.shape))
            drift *= cv.decay_rate
            theta -= drift
        return
    week.competencies_moved = True
    shares = week.shares
    present = state.policy.present(shares)
    n = s.achievement.shape[0]
    effective = {p.name: shares[p.name] * s.access if p.needs_access else shares[p.name]
                 for p in present}
    personal = 1.0 - shares["whole_class"]
    prep = factor_level(state.teachers.preparedness)
    idx = state.roster.student_teacher
    exposure = _scratch(theta.shape)
    for j, competency in enumerate(STUDENT_FACTORS):
        total = np.zeros(n)
        for practice in present:
            weight = practice.weight(competency)
            if weight:
                total = total + weight * effective[practice.name]
        if competency in TEACHER_PART:
            factor, weight = TEACHER_PART[competency]
            total = total + weight * prep[idx, TEACHER_FACTORS.index(factor)] * personal
        scale = SCALED_BY.get(competency)
        if scale == "access":
            total = s.access * total
        elif scale is not None:
            total = prep[idx, TEACHER_FACTORS.index(scale)] * total
        exposure[:, j] = total
    # theta + g e (4.5 - theta) - d (theta - theta0)
    #   = (theta - 4.5)(1 - g e - d) + 4.5 (1 - d) + d theta0, in place on theta and one buffer
    d = cv.decay_rate
    exposure *= -cv.growth_rate / 3.5
    exposure += 1.0 - d
    theta -= 4.5
    theta *= exposure
    theta += 4.5 * (1.0 - d)
    theta += np.multiply(s.competencies_start, d, out=exposure)
    np.clip(theta, 0.5, 4.5, out=theta)
    support = 0.5 + 0.5 * any(p.supports_self_regulation for p in present)
    for practice in present:
        if practice.builds_self_regulation:
            s.self_regulation = np.clip(
                s.self_regulation + cv.self_regulation_growth * shares[practice.name] * support
                * (1.0 - s.self_regulation), 0.0, 1.0)
