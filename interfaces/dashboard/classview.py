"""The students of one class, read from the model's arrays for the one-class view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulation.model import PersonalizedLearningModel


@dataclass(frozen=True)
class ClassData:
    """One class's students and the institution around them.

    Attributes
    ----------
    number
        Class index (0-based).
    achievement, engagement, full_access
        Per student of the class: level (SD), mean engagement (0-1), full digital access.
    calendar_position
        The class calendar's place in the course (SD units).
    all_achievement
        Every student's level.
    x_range
        Level range that holds nearly every student, rounded out to half SDs (axis limits).
    """

    number: int
    achievement: np.ndarray
    engagement: np.ndarray
    full_access: np.ndarray
    calendar_position: float
    all_achievement: np.ndarray
    x_range: tuple[float, float]


def n_classes(model: PersonalizedLearningModel) -> int:
    """Number of classes in the institution."""
    return int(model.classes.size.shape[0])


def class_data(model: PersonalizedLearningModel, number: int) -> ClassData:
    """The students of class ``number`` (clipped to the classes that exist)."""
    number = int(min(max(number, 0), n_classes(model) - 1))
    s = model.student_state
    rows = s.class_id == number
    engagement = 0.5 * (s.engagement_affective[rows] + s.engagement_behavioural[rows])
    lo, hi = np.percentile(s.achievement, [0.5, 99.5])
    pad = 0.1 * (hi - lo)
    lo, hi = np.floor(2 * (lo - pad)) / 2, np.ceil(2 * (hi + pad)) / 2
    return ClassData(
        number=number,
        achievement=s.achievement[rows].copy(),
        engagement=engagement,
        full_access=s.access[rows] >= 0.999,
        calendar_position=float(model.classes.calendar_position[number]),
        all_achievement=s.achievement.copy(),
        x_range=(float(lo), float(hi)),
    )
