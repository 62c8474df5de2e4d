"""Submodel 6, teachers grow (training, practice, colleagues), carry workload and stress, adopt.

Training adds hours of *know-how*; each week a share of it turns into practice
(``supported_transfer`` while coaching or a professional learning community supports the teacher,
``workshop_transfer`` otherwise) and a share is forgotten (``knowledge_decay``). Transferred hours
raise all five preparedness factors by ``gain_per_hour`` x training quality (administrators'
excellence in professional practice) x receptivity (0.5 + professional growth), with diminishing
returns toward the top of the scale. Practice (adopted share) and better-prepared colleagues (ties,
doubled in a PLC) add slow growth. Workload above the time budget builds stress; stress recovers
slowly, cuts adoption and, above the burnout threshold, erodes attitude. Adoption moves toward
``max_adoption * expit(bias + attitude + preparedness + leadership + coaching - stress terms)``.
Simultaneous over teachers (colleague levels are last week's)."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from simulation.params import Params
from simulation.scales import factor_level
from simulation.state import InstitutionState, Streams


def diagnostic_noise(params: Params, state: InstitutionState) -> np.ndarray:
    """Each teacher's error SD reading students' levels (design preparedness, analytics, size).

    Reads 'design' preparedness, the policy's analytics, the term's deployment and class sizes.
    """
    t, roster = state.teachers, state.roster
    design = factor_level(t.preparedness[:, 1])
    w = params.teachers.design_diagnosis_weight
    noise = params.teachers.diagnostic_noise_sd * np.maximum(1.0 + w * (0.6 - design), 0.2)
    if state.policy.analytics:
        noise = noise * (1.0 - params.resources.analytics_noise_reduction
                         * state.term.deployment)
    size_ratio = (roster.teacher_students / roster.teacher_classes
                  / params.resources.funded_class_size)
    return np.asarray(noise * size_ratio**0.25)


def develop_teachers(params: Params, state: InstitutionState, streams: Streams) -> None:
    """One week of teacher growth, stress and adoption.

    Reads the term's coaching and PLC hours, training quality and leadership, the week's
    personalized share, workload, colleagues; writes teachers' ``know_how``, ``preparedness``,
    ``stress``, ``attitude``, ``adoption`` and ``diagnostic_noise``; draws nothing.
    """
    t, pol, term = state.teachers, state.policy, state.term
    tv, trv = params.teachers, params.training
    theta = t.preparedness
    prof = factor_level(theta[:, 4])
    plc = term.plc_weekly > 0

    t.know_how += term.coaching_weekly + term.plc_weekly
    support = t.coached | plc
    tau = np.where(support, trv.supported_transfer, trv.workshop_transfer)
    transferred = tau * t.know_how
    t.know_how -= transferred
    t.know_how *= 1.0 - trv.knowledge_decay
    headroom = (4.5 - theta) / 3.5
    gain = trv.gain_per_hour * term.training_quality * (0.5 + prof) * transferred
    if not pol.tutoring:  # tutors, not the teachers, do the one-to-one work
        gain = gain + tv.practice_learning_rate * state.this_week.teacher_personal_share
    colleagues = theta[t.ties].mean(axis=1) if t.ties.shape[1] else theta
    rate = tv.colleague_learning_rate * (1.0 + 2.0 * plc) * prof
    theta += gain[:, None] * headroom + rate[:, None] * np.maximum(colleagues - theta, 0.0)
    np.clip(theta, 0.5, 4.5, out=theta)

    overload = np.maximum(t.workload_ratio - 1.0, 0.0)
    t.stress = np.clip(t.stress + tv.stress_rate * overload
                       - tv.stress_recovery * t.stress, 0.0, 1.0)
    t.attitude = np.clip(
        t.attitude - tv.attitude_erosion * np.maximum(t.stress - tv.burnout_threshold, 0),
        0.0, 1.0)
    if pol.activities:
        z = (tv.adoption_bias
             + tv.adoption_attitude_weight * (t.attitude - 0.5)
             + tv.adoption_preparedness_weight * (factor_level(theta).mean(axis=1) - 0.5)
             + params.leadership.vision_weight * (2.0 * term.leadership["vision"] - 1.0)
             + trv.coaching_adoption_boost * (t.coached & (term.coaching_weekly > 0))
             - tv.adoption_stress_weight * t.stress)
        target = tv.max_adoption * expit(z)
        t.adoption += tv.adoption_rate * (target - t.adoption)
    t.diagnostic_noise = diagnostic_noise(params, state)
