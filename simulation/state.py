"""State arrays owned by the model: one row per student, teacher, administrator or class.

All continuous states have documented ranges (also in ``docs/ODD.md``):

- ISTE factors (student competencies, teacher and administrator preparedness): latent level on the
  questionnaire's continuum, 0.5-4.5 (1-4 are the Likert points);
- achievement, prior achievement, curriculum position: SD units of the starting cohort (unbounded,
  week-0 mean 0 and SD 1);
- engagement, self-regulation, access, attitude, adoption, stress: 0-1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def factor_level(latent: np.ndarray) -> np.ndarray:
    """A latent ISTE factor as a 0-1 level: 0 at "not at all / not prepared", 1 at "great extent /
    highly prepared" (``clip((latent - 1) / 3, 0, 1)``)."""
    return np.clip((latent - 1.0) / 3.0, 0.0, 1.0)


@dataclass
class StudentState:
    """Per-student arrays (length ``n``; competencies ``(n, 6)``)."""

    class_id: np.ndarray  # int32, class (section) of the student
    achievement: np.ndarray  # SD units of the starting cohort
    prior_achievement: np.ndarray  # achievement at week 0 (fixed)
    prior_quartile: np.ndarray  # int8 0..3, quartile of prior achievement
    aptitude: np.ndarray  # learning-rate multiplier, mean about 1
    ses: np.ndarray  # standardized socioeconomic status
    engagement_affective: np.ndarray  # 0-1
    engagement_behavioural: np.ndarray  # 0-1
    engagement_base: np.ndarray  # logit offset: each student's status-quo equilibrium
    self_regulation: np.ndarray  # 0-1
    home_access: np.ndarray  # bool: own device and home broadband
    has_device: np.ndarray  # bool: institution device assigned
    access: np.ndarray  # 0-1 effective access to digital learning
    interest: np.ndarray  # int8 interest topic
    style: np.ndarray  # int8 'learning style' (only for the what-if switch)
    position: np.ndarray  # curriculum position (SD units: material optimally hard at that level)
    competencies: np.ndarray  # (n, 6) latent 0.5-4.5
    competencies_start: np.ndarray  # (n, 6) week-0 competencies
    diagnosis_error: np.ndarray  # standardized persistent error of the teacher's read
    group_id: np.ndarray  # int32 collaborative group (global id), redrawn each term
    success: np.ndarray  # last week's time-weighted success rate
    fit: np.ndarray  # last week's time-weighted difficulty fit (0-1)
    gain: np.ndarray  # last week's achievement gain


@dataclass
class TeacherState:
    """Per-teacher arrays (length ``m``; preparedness ``(m, 5)``)."""

    preparedness: np.ndarray  # (m, 5) latent 0.5-4.5
    attitude: np.ndarray  # 0-1
    adoption: np.ndarray  # 0-1 share of class time personalized
    stress: np.ndarray  # 0-1
    workload_ratio: np.ndarray  # last week's hours needed / hours available
    know_how: np.ndarray  # training hours not yet turned into practice
    trained: np.ndarray  # bool: covered by the training programme
    coached: np.ndarray  # bool: receiving coaching this year
    ties: np.ndarray  # (m, k) int32 indices of colleagues
    diagnostic_noise: np.ndarray  # SD of the teacher's read of students (SD units)


@dataclass
class AdministratorState:
    """Per-administrator arrays (length ``a``; factors ``(a, 4)``)."""

    factors: np.ndarray  # (a, 4) latent 0.5-4.5


@dataclass
class ClassState:
    """Per-class arrays (length ``c``)."""

    teacher: np.ndarray  # int32 teacher of the class
    size: np.ndarray  # int students in the class
    start: np.ndarray  # first student row of the class (students are stored class by class)
    calendar_position: np.ndarray  # lockstep position of the class (SD units)
