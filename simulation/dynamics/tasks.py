"""Tasks and their difficulty: success rate, difficulty fit, groups and self-chosen tasks.

Shared by the learning submodel and the practice objects (``simulation.practices``), which say
how hard each practice's tasks are for each student.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logit

from simulation.params import Params
from simulation.state import InstitutionState, Streams


def success_and_fit(gap: np.ndarray, optimal: float, scale: float,
                    concentration: float) -> tuple[np.ndarray, np.ndarray]:
    """Success rate and difficulty fit of tasks ``gap`` SD above students' levels.

    Success is ``expit(x)`` with log-odds ``x = logit(optimal) - gap / scale``. The fit
    ``(s/s*)^(k s*) ((1-s)/(1-s*))^(k (1-s*))`` is computed in log-odds form: exact, no
    clipping needed. ``log s = -softplus(-x) = min(x, 0) - log1p(exp(-|x|))`` and
    ``log(1 - s) = log s - x`` need one ``exp`` and one ``log1p`` per element (``np.logaddexp``
    costs about 17 ns an element, this whole function about 4); the passes run in place on two
    buffers. Equal to the ``logaddexp``/``expit`` form within a few units in the last place.
    """
    a, b = concentration * optimal, concentration * (1.0 - optimal)
    const = a * np.log(optimal) + b * np.log(1.0 - optimal)
    x = gap / scale
    np.subtract(float(logit(optimal)), x, out=x)
    log_s = np.abs(x)
    np.negative(log_s, out=log_s)
    np.exp(log_s, out=log_s)
    np.log1p(log_s, out=log_s)
    np.subtract(np.minimum(x, 0.0), log_s, out=log_s)
    fit = log_s * concentration  # a log s + b log(1 - s) = k log s - b x
    x *= b
    fit -= x
    fit -= const
    np.exp(fit, out=fit)
    return np.exp(log_s, out=log_s), fit


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
    key = s.class_id + (0.5 + np.arctan(state.this_week.estimate) / np.pi)
    n_classes, first = c.size.shape[0], int(c.size[0]) if c.size.shape[0] else 0
    if (first and key.shape[0] == n_classes * first and (c.size == first).all()
            and (c.start == np.arange(n_classes) * first).all()):
        # equal classes stored class by class: sort the same keys within each class (n log size
        # instead of n log n); the ranks are the inverse permutation of each class's order
        order = np.argsort(key.reshape(n_classes, first), axis=1)
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(first)[None, :], axis=1)
        rank = rank.reshape(-1)
    else:
        order = np.argsort(key)
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
