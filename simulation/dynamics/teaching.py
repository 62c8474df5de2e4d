"""Submodel 2, teachers plan the week: diagnose students and choose the mix of activities.

Each teacher reads each student's level with error ``diagnostic_noise`` (persistent misjudgement,
AR(1) in time) and estimates it as the posterior mean given the class mean (shrinkage), then splits
class time: ``adoption`` goes to the switched-on personalized activities in equal parts, the rest to
whole-class teaching. If the week's preparation, feedback, pacing and training hours exceed the time
budget plus the tolerated overtime, the personalized activities shrink to fit. Simultaneous over
teachers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulation.model import PersonalizedLearningModel


def diagnose(model: PersonalizedLearningModel) -> None:
    """Update each teacher's estimate of each student's achievement (``model.estimate``).

    Skipped under lockstep whole-class teaching, where no decision reads the estimate.
    """
    s = model.student_state
    if model.policy.pacing == "lockstep" and not model.policy.personalized:
        return
    if model.policy.tutoring:
        model.estimate = s.achievement.copy()
        return
    rho = model.values["teachers"]["diagnosis_persistence"]
    s.diagnosis_error *= rho
    s.diagnosis_error += np.sqrt(1.0 - rho**2) * model.streams["diagnosis"].standard_normal(
        s.achievement.shape[0])
    noise = model.teacher_state.diagnostic_noise[model.student_teacher]
    # the teacher's best guess from a noisy read: shrunk toward the class mean (posterior mean
    # with the class as prior), so misjudged students are placed too close to the middle
    class_mean = (np.bincount(s.class_id, weights=s.achievement, minlength=model.classes.size.size)
                  / model.classes.size)[s.class_id]
    weight = 1.0 / (1.0 + np.square(noise))
    model.estimate = class_mean + weight * (s.achievement + noise * s.diagnosis_error - class_mean)


def unit_hours(model: PersonalizedLearningModel) -> dict[str, np.ndarray]:
    """Teacher hours per week each personalized activity takes if it filled all class time."""
    wl = model.values["workload"]
    saving = wl["analytics_time_saving"] if model.policy.analytics else 0.0
    students, classes = model.teacher_students, model.teacher_classes
    return {
        "differentiated": wl["differentiation_hours"] * classes,
        "feedback": wl["feedback_hours_per_student"] * students * (1.0 - saving),
        "adaptive": wl["platform_hours"] * classes,
        "collaborative": wl["project_hours"] * classes,
        "self_directed": wl["plan_review_hours_per_student"] * students * (1.0 - saving),
    }


def plan_week(model: PersonalizedLearningModel) -> None:
    """Diagnose, then set ``model.shares`` (per student) and teachers' ``workload_ratio``."""
    diagnose(model)
    t, pol, v = model.teacher_state, model.policy, model.values
    m = t.adoption.shape[0]
    fixed = model.training_hours_this_week() + model.pacing_hours
    if pol.interest_matching:
        fixed = fixed + v["workload"]["interest_matching_hours"] * model.teacher_classes
    capacity = v["teachers"]["prep_hours_per_week"]
    if pol.tutoring:
        teacher_shares = {"feedback": np.ones(m)}
        need = fixed
    elif pol.personalized:
        each = t.adoption / len(pol.personalized)
        units = unit_hours(model)
        per_share = sum(units[a] for a in pol.personalized)
        need_personal = each * per_share
        allowed = np.maximum(capacity * (1.0 + v["teachers"]["overtime_tolerance"]) - fixed, 0.0)
        scale = np.minimum(1.0, np.divide(allowed, need_personal,
                                          out=np.ones(m), where=need_personal > 0))
        each = each * scale
        teacher_shares = {a: each for a in pol.personalized}
        need = fixed + each * per_share
    else:
        teacher_shares = {}
        need = fixed
    t.workload_ratio = need / capacity
    personal = sum(teacher_shares.values()) if teacher_shares else np.zeros(m)
    model.teacher_personal_share = personal
    idx = model.student_teacher
    model.shares = {a: share[idx] for a, share in teacher_shares.items()}
    model.shares["whole_class"] = 1.0 - personal[idx]
