"""Observation: model-level series every week and agent snapshots, computed from the arrays.

Metric names and meanings (also in ``docs/ODD.md``):

- ``achievement_mean``/``_sd``: course achievement, SD units of the starting cohort;
- ``gap_bottom_top``: mean achievement of the top minus the bottom prior-achievement quartile;
- ``gap_access``: mean achievement of students with home access (device and broadband at week 0)
  minus those without (0 when everyone or no one has it);
- ``engagement_mean``: mean of affective and behavioural engagement (0-1);
- ``teacher_preparedness``/``administrator_preparedness``/``student_competency``: mean latent ISTE
  level (1-4 Likert continuum);
- ``adoption_mean``: share of class time personalized; ``burnout_share``: teachers with stress above
  the burnout threshold;
- ``cost_per_student``: current annual policy cost per student; ``spending_per_student``: spent so
  far; ``budget_used``: annual cost over the annual budget.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from simulation.parameters import STUDENT_FACTORS, TEACHER_FACTORS
from simulation.params import Params
from simulation.state import InstitutionState

METRICS: tuple[str, ...] = (
    "week", "term", "achievement_mean", "achievement_sd", "gain_mean", "gap_bottom_top",
    "achievement_bottom_quartile", "achievement_top_quartile", "gap_access", "engagement_mean",
    "engagement_affective", "engagement_behavioural", "self_regulation_mean", "success_rate_mean",
    "fit_mean", "access_mean", "student_competency", "teacher_preparedness", "adoption_mean",
    "teacher_stress", "burnout_share", "workload_ratio", "diagnostic_noise",
    "administrator_preparedness", "cost_per_student", "spending_per_student", "budget_used",
)


def _mean(values: np.ndarray) -> float:
    """``values.mean()`` without numpy's Python wrapper (same pairwise sum, same result).

    The weekly metrics take 22 means; the wrapper's fixed cost was a visible share of a small
    institution's week.
    """
    return float(np.add.reduce(values, axis=None, dtype=np.float64) / values.size)


def metrics(params: Params, state: InstitutionState) -> dict[str, float]:
    """All model-level metrics of the current week."""
    s, t = state.students, state.teachers
    ach = s.achievement
    quartile_mean = np.bincount(s.prior_quartile, weights=ach, minlength=4) / np.maximum(
        np.bincount(s.prior_quartile, minlength=4), 1)
    home = s.home_access
    n_home = int(home.sum())
    gap_access = float(_mean(ach[home]) - _mean(ach[~home])) if 0 < n_home < ach.size else 0.0
    budget = params.administrators.budget_per_student
    cost = float(state.accounts.annual_cost["total_per_student"])
    return {
        "week": state.week,
        "term": state.week // params.institution.weeks_per_term,
        "achievement_mean": float(_mean(ach)),
        "achievement_sd": float(ach.std()),
        "gain_mean": float(_mean(s.gain)),
        "gap_bottom_top": float(quartile_mean[3] - quartile_mean[0]),
        "achievement_bottom_quartile": float(quartile_mean[0]),
        "achievement_top_quartile": float(quartile_mean[3]),
        "gap_access": gap_access,
        "engagement_mean": float(0.5 * (_mean(s.engagement_affective)
                                        + _mean(s.engagement_behavioural))),
        "engagement_affective": float(_mean(s.engagement_affective)),
        "engagement_behavioural": float(_mean(s.engagement_behavioural)),
        "self_regulation_mean": float(_mean(s.self_regulation)),
        "success_rate_mean": float(_mean(s.success)),
        "fit_mean": float(_mean(s.fit)),
        "access_mean": float(_mean(s.access)),
        "student_competency": float(_mean(s.competencies)),
        "teacher_preparedness": float(_mean(t.preparedness)),
        "adoption_mean": float(_mean(state.this_week.teacher_personal_share)),
        "teacher_stress": float(_mean(t.stress)),
        "burnout_share": float(_mean(t.stress > params.teachers.burnout_threshold)),
        "workload_ratio": float(_mean(t.workload_ratio)),
        "diagnostic_noise": float(_mean(t.diagnostic_noise)),
        "administrator_preparedness": float(_mean(state.administrators.factors)),
        "cost_per_student": cost,
        "spending_per_student": float(state.accounts.spending_per_student),
        "budget_used": cost / budget if budget > 0 else 0.0,
    }


def _metric(name: str, model: Any) -> Any:
    return model.metrics[name]


def reporters() -> dict[str, Callable[[Any], Any]]:
    """Mesa ``DataCollector`` model reporters reading the week's metrics."""
    return {name: partial(_metric, name) for name in METRICS}


def student_snapshot(state: InstitutionState) -> pd.DataFrame:
    """One row per student with the main states, built from the arrays."""
    s = state.students
    data: dict[str, Any] = {
        "week": np.full(s.achievement.shape[0], state.week, dtype=np.int32),
        "student": np.arange(s.achievement.shape[0], dtype=np.int32),
        "class_id": s.class_id,
        "teacher": state.roster.student_teacher,
        "achievement": s.achievement,
        "prior_achievement": s.prior_achievement,
        "prior_quartile": s.prior_quartile,
        "engagement_affective": s.engagement_affective,
        "engagement_behavioural": s.engagement_behavioural,
        "self_regulation": s.self_regulation,
        "access": s.access,
        "has_device": s.has_device,
        "position": s.position,
        "success": s.success,
    }
    for j, factor in enumerate(STUDENT_FACTORS):
        data[factor] = s.competencies[:, j]
    return pd.DataFrame(data)


def teacher_snapshot(state: InstitutionState) -> pd.DataFrame:
    """One row per teacher with preparedness, attitude, adoption, stress and workload."""
    t = state.teachers
    m = t.adoption.shape[0]
    data: dict[str, Any] = {
        "week": np.full(m, state.week, dtype=np.int32),
        "teacher": np.arange(m, dtype=np.int32),
        "attitude": t.attitude,
        "adoption": state.this_week.teacher_personal_share,
        "adoption_intent": t.adoption,
        "stress": t.stress,
        "workload_ratio": t.workload_ratio,
        "diagnostic_noise": t.diagnostic_noise,
        "trained": t.trained,
        "coached": t.coached,
    }
    for j, factor in enumerate(TEACHER_FACTORS):
        data[factor] = t.preparedness[:, j]
    return pd.DataFrame(data)
