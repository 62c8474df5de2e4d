"""Submodel 3, students learn: time on task x engagement x difficulty fit x quality x access.

For each activity a student spends class time in, the *gap* is how far the task's difficulty sits
above the student's achievement (SD units). The success rate is ``expit(logit(s*) - gap /
difficulty_scale)`` (``s*`` = optimal success rate, 0.85 after Wilson et al. 2019), so a task
pitched exactly at the student's level succeeds at ``s*``. Learning per hour follows a flow curve of
the success rate that peaks (value 1) at ``s*``:

    fit(s) = (s / s*)^(k s*) * ((1 - s) / (1 - s*))^(k (1 - s*)),   k = fit_concentration

Too easy bores (s near 1), too hard frustrates (s low). The weekly gain is

    gain = gain_per_hour * aptitude * hours * behavioural engagement
           * sum_over_activities(share * autonomy_hours * fit * quality) * style

``autonomy_hours`` (self-directed plans, self-paced work) is self-regulation / threshold, at most 1:
poorly self-regulated students lose time when they steer themselves (Xu & Jaggars 2014).

Simultaneous over students (everyone learns from last week's state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit, logit

from simulation.state import factor_level

if TYPE_CHECKING:
    from simulation.model import PersonalizedLearningModel


def success_and_fit(gap: np.ndarray, optimal: float, scale: float,
                    concentration: float) -> tuple[np.ndarray, np.ndarray]:
    """Success rate and difficulty fit of tasks ``gap`` SD above students' levels.

    Success is ``expit(x)`` with log-odds ``x = logit(optimal) - gap / scale``. The fit
    ``(s/s*)^(k s*) ((1-s)/(1-s*))^(k (1-s*))`` is computed in log-odds form
    (``log s = -softplus(-x)``, ``log(1 - s) = -softplus(x)``): exact, no clipping needed.
    """
    x = logit(optimal) - gap / scale
    a, b = concentration * optimal, concentration * (1.0 - optimal)
    const = a * np.log(optimal) + b * np.log(1.0 - optimal)
    fit = np.exp(-(a * np.logaddexp(0.0, -x) + b * np.logaddexp(0.0, x) + const))
    return expit(x), fit


def group_means(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of ``values`` within each group, broadcast back to members."""
    total = np.bincount(groups, weights=values, minlength=n_groups)
    count = np.bincount(groups, minlength=n_groups)
    return (total / np.maximum(count, 1))[groups]


def differentiation_groups(model: PersonalizedLearningModel) -> np.ndarray:
    """Ability groups within each class, formed on the teacher's estimates (global group ids)."""
    s, c = model.student_state, model.classes
    g = int(model.values["learning"]["differentiation_groups"])
    # one float sort: class id plus the estimate mapped monotonically into (0, 1)
    order = np.argsort(s.class_id + (0.5 + np.arctan(model.estimate) / np.pi))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0]) - c.start[s.class_id[order]]
    size = c.size[s.class_id]
    return s.class_id.astype(np.int64) * g + np.minimum(rank * g // size, g - 1)


def activity_gaps(model: PersonalizedLearningModel) -> dict[str, np.ndarray]:
    """Task difficulty above each student's level, per activity in this week's mix."""
    s, v, shares = model.student_state, model.values, model.shares
    ach = s.achievement
    n = ach.shape[0]
    gaps = {"whole_class": s.position - ach}
    if model.policy.pacing == "self_paced":  # students pick their own tasks at their position
        gaps["whole_class"] = gaps["whole_class"] + self_choice_error(model)
    if "differentiated" in shares:
        groups = differentiation_groups(model)
        n_groups = model.classes.size.shape[0] * int(v["learning"]["differentiation_groups"])
        gaps["differentiated"] = group_means(model.estimate, groups, n_groups) - ach
    if "feedback" in shares:
        gaps["feedback"] = model.estimate - ach
    if "adaptive" in shares:
        quality = v["resources"]["platform_quality"]
        sd = 0.2 + (v["learning"]["platform_error_sd"] - 0.2) * (1.0 - quality)
        gaps["adaptive"] = sd * model.streams["tasks"].standard_normal(n)
    if "collaborative" in shares:
        gaps["collaborative"] = group_means(ach, s.group_id, model.n_project_groups) - ach
    if "self_directed" in shares:
        gaps["self_directed"] = self_choice_error(model)
    return gaps


def self_choice_error(model: PersonalizedLearningModel) -> np.ndarray:
    """Gap of tasks students choose for themselves: noisy, and too easy below the threshold."""
    sr = model.student_state.self_regulation
    lv = model.values["learning"]
    noise = model.streams["tasks"].standard_normal(sr.shape[0])
    return (lv["self_choice_error_sd"] * (1.0 - sr) * noise
            - np.maximum(lv["self_direction_threshold"] - sr, 0.0))


def learn(model: PersonalizedLearningModel) -> None:
    """Apply one week of learning to ``achievement``; record success, fit and gain."""
    s, v, shares, pol = model.student_state, model.values, model.shares, model.policy
    lv = v["learning"]
    opt, scale, conc = lv["optimal_success_rate"], lv["difficulty_scale"], lv["fit_concentration"]
    gaps = activity_gaps(model)
    n = s.achievement.shape[0]
    # time actually used when students steer themselves: full at or above the threshold, less below
    autonomy = np.clip(s.self_regulation / lv["self_direction_threshold"], 0.2, 1.0)

    effective = np.zeros(n)
    success = np.zeros(n)
    fit_sum = np.zeros(n)
    whole_share = shares["whole_class"]
    if "adaptive" in shares:  # practice time without access falls back to whole-class work
        lost = shares["adaptive"] * (1.0 - s.access)
        whole_share = whole_share + lost
    for activity, gap in gaps.items():
        share = whole_share if activity == "whole_class" else shares[activity]
        if activity == "adaptive":
            share = shares["adaptive"] * s.access
        succ, fit = success_and_fit(gap, opt, scale, conc)
        quality = 1.0
        hours = 1.0
        if activity == "feedback":
            noise = 0.0 if pol.tutoring else model.teacher_state.diagnostic_noise[
                model.student_teacher]
            quality = 1.0 + lv["feedback_effect"] / (1.0 + np.square(noise))
        elif activity == "adaptive":
            techops = factor_level(s.competencies[:, 5])
            quality = 1.0 + (lv["platform_effect"] * v["resources"]["platform_quality"]
                             * model.deployment * (0.5 + 0.5 * techops))
        elif activity == "collaborative":
            communication = factor_level(s.competencies[:, 1])
            quality = 1.0 + lv["peer_tutoring_effect"] * communication
        elif activity == "self_directed":
            hours = autonomy
        elif activity == "whole_class" and pol.pacing == "self_paced":
            hours = autonomy
            quality = lv["self_study_quality"]
        effective += share * hours * fit * quality
        success += share * succ
        fit_sum += share * fit
    study = lv["hours_per_week"] * np.maximum(
        0.0, 1.0 + lv["hours_noise_sd"] * model.streams["hours"].standard_normal(n))
    style = 1.0 + lv["style_matching_effect"] if pol.style_matching else 1.0
    gain = lv["gain_per_hour"] * s.aptitude * study * s.engagement_behavioural * effective * style
    s.achievement += gain
    s.gain = gain
    s.success = success
    s.fit = fit_sum
