"""Submodel 4, engagement and peers (self-determination theory, flow, interest, contagion).

Affective engagement moves each week a share ``adjustment_rate`` toward a target

    target = expit(base_i + w_c (2 fit - 1) + w_r (2 class mean - 1 + collaborative share)
                   + w_t (2 facilitate - 1) + w_a autonomy 2 (self-regulation - threshold)
                   + w_i (interest-matched share - 1 / topics))

With interest matching on, personalized tasks match each student's interest and whole-class tasks
match twice as often as chance.

where ``base_i`` is set at week 0 so that every student's status-quo target equals their starting
engagement (the status quo is a steady state; policies move it). Behavioural engagement (time
actually on task) moves toward a mix of self-regulation and affective engagement. Classmates'
engagement enters as last week's class mean: updates are simultaneous.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from simulation.state import factor_level

if TYPE_CHECKING:
    from simulation.model import PersonalizedLearningModel



def drive(model: PersonalizedLearningModel, fit: np.ndarray | None = None,
          status_quo: bool = False) -> np.ndarray:
    """Sum of the weighted engagement drives (logit scale), without each student's base.

    With ``status_quo=True`` only the drives present under lockstep whole-class teaching count
    (used to set the base at week 0).
    """
    s, w, pol, shares = model.student_state, model.values["engagement"], model.policy, model.shares
    fit = s.fit if fit is None else fit
    c = model.classes
    class_mean = np.bincount(s.class_id, weights=s.engagement_affective,
                             minlength=c.size.shape[0]) / c.size
    relatedness = 2.0 * class_mean[s.class_id] - 1.0
    facilitate = factor_level(model.teacher_state.preparedness[:, 0])[model.student_teacher]
    teacher = 2.0 * facilitate - 1.0
    total = w["competence_weight"] * (2.0 * fit - 1.0) + w["teacher_weight"] * teacher
    if status_quo:
        return total + w["relatedness_weight"] * relatedness
    if "collaborative" in shares:
        relatedness = relatedness + shares["collaborative"]
    total = total + w["relatedness_weight"] * relatedness
    autonomy = shares.get("self_directed", 0.0)
    if pol.pacing == "self_paced":
        autonomy = autonomy + shares["whole_class"]
    if not np.isscalar(autonomy) or autonomy:
        thr = model.values["learning"]["self_direction_threshold"]
        total = total + w["autonomy_weight"] * autonomy * 2.0 * (s.self_regulation - thr)
    if pol.interest_matching:
        topics = model.values["students"]["interest_topics"]
        # personalized tasks match each student's interest; whole-class tasks are themed on the
        # class's commoner interests and match about twice as often as chance
        whole = shares["whole_class"]
        matched = (1.0 - whole) + whole * min(1.0, 2.0 / topics)
        total = total + w["interest_weight"] * (matched - 1.0 / topics)
    return total


def update_engagement(model: PersonalizedLearningModel) -> None:
    """Move affective and behavioural engagement one week toward their targets."""
    s, w = model.student_state, model.values["engagement"]
    rate = w["adjustment_rate"]
    target = expit(s.engagement_base + drive(model))
    shock = w["noise_sd"] * model.streams["engagement"].standard_normal(target.shape[0])
    s.engagement_affective = np.clip(
        s.engagement_affective + rate * (target - s.engagement_affective) + shock, 0.0, 1.0)
    srw = w["self_regulation_weight"]
    behavioural_target = srw * s.self_regulation + (1.0 - srw) * s.engagement_affective
    s.engagement_behavioural = np.clip(
        s.engagement_behavioural + rate * (behavioural_target - s.engagement_behavioural), 0.0, 1.0)
