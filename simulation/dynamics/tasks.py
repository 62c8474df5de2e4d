"""Tasks and their difficulty: success rate, difficulty fit, groups and self-chosen tasks.

Shared by the learning submodel and the practice objects (``simulation.practices``), which say
how hard each practice's tasks are for each student.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from simulation.params import Params
from simulation.state import InstitutionState, Streams


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


def differentiation_groups(params: Params, state: InstitutionState) -> np.ndarray:
    """Ability groups within each class, formed on the teacher's estimates (global group ids).

    Reads ``learning.differentiation_groups``, the students' classes and ``this_week.estimate``.
    """
    s, c = state.students, state.classes
    g = params.learning.differentiation_groups
    # one float sort: class id plus the estimate mapped monotonically into (0, 1)
    order = np.argsort(s.class_id + (0.5 + np.arctan(state.this_week.estimate) / np.pi))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0]) - c.start[s.class_id[order]]
    size = c.size[s.class_id]
    return np.asarray(s.class_id.astype(np.int64) * g + np.minimum(rank * g // size, g - 1))


def self_choice_error(params: Params, state: InstitutionState, streams: Streams) -> np.ndarray:
    """Gap of tasks students choose for themselves: noisy, and too easy below the threshold.

    Reads self-regulation; draws one normal per student from ``streams.tasks``.
    """
    lv = params.learning
    sr = state.students.self_regulation
    noise = streams.tasks.standard_normal(sr.shape[0])
    return np.asarray(lv.self_choice_error_sd * (1.0 - sr) * noise
                      - np.maximum(lv.self_direction_threshold - sr, 0.0))
