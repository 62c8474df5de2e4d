"""Submodel 5, growth of the students' six ISTE competencies and of self-regulation.

Each competency grows with exposure to the practices that build it (shares of class time, scaled by
the relevant teacher preparedness) toward the top of the scale, and drifts back toward its week-0
level without practice, so the status quo persists:

    d theta = growth_rate * exposure * (4.5 - theta) / 3.5 - decay_rate * (theta - theta_0)

Exposures: creativity <- projects + half of self-directed plans + teacher 'facilitate creativity' x
personalized share; communication <- projects; research fluency <- self-directed plans + half of
adaptive practice; critical thinking <- differentiated groups + one-to-one feedback; digital
citizenship <- teacher 'promote digital citizenship' x digital activities (platform, projects,
plans); technology operations <- access x (adaptive practice + teacher 'model digital-age work' x
personalized share).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.state import factor_level

if TYPE_CHECKING:
    from simulation.model import PersonalizedLearningModel



def grow_competencies(model: PersonalizedLearningModel) -> None:
    """One week of competency and self-regulation growth."""
    s, v, shares = model.student_state, model.values, model.shares
    cv = v["competencies"]
    theta = s.competencies
    if not model.teacher_personal_share.any():  # every exposure is zero: only drift back
        if model.competencies_moved:
            theta -= cv["decay_rate"] * (theta - s.competencies_start)
        return
    model.competencies_moved = True
    n = s.achievement.shape[0]
    zero = np.zeros(n)
    collab = shares.get("collaborative", zero)
    plans = shares.get("self_directed", zero)
    adaptive = shares.get("adaptive", zero) * s.access
    feedback = shares.get("feedback", zero)
    personal = 1.0 - shares["whole_class"]
    prep = factor_level(model.teacher_state.preparedness)
    idx = model.student_teacher
    exposure = np.empty_like(theta)
    exposure[:, 0] = collab + 0.5 * plans + 0.5 * prep[idx, 0] * personal
    exposure[:, 1] = collab
    exposure[:, 2] = plans + 0.5 * adaptive
    exposure[:, 3] = shares.get("differentiated", zero) + feedback
    exposure[:, 4] = prep[idx, 3] * (adaptive + collab + plans)
    exposure[:, 5] = s.access * (adaptive + prep[idx, 2] * personal)
    headroom = 4.5 - theta
    headroom *= exposure
    headroom *= cv["growth_rate"] / 3.5
    drift = theta - s.competencies_start
    drift *= cv["decay_rate"]
    theta += headroom
    theta -= drift
    np.clip(theta, 0.5, 4.5, out=theta)
    if "self_directed" in shares:
        support = 0.5 + 0.5 * ("feedback" in shares)
        s.self_regulation = np.clip(
            s.self_regulation
            + cv["self_regulation_growth"] * plans * support * (1.0 - s.self_regulation), 0.0, 1.0)
