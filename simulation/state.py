"""State arrays owned by the model: one row per student, teacher, administrator or class.

All continuous states have documented ranges (also in ``docs/ODD.md``):

- ISTE factors (student competencies, teacher and administrator preparedness): latent level on the
  questionnaire's continuum, 0.5-4.5 (1-4 are the Likert points);
- achievement, prior achievement, curriculum position: SD units of the starting cohort (unbounded,
  week-0 mean 0 and SD 1);
- engagement, self-regulation, access, attitude, adoption, stress: 0-1.

:class:`InstitutionState` gathers everything a submodel reads or writes besides the parameters
(``simulation.params.Params``) and the random streams (:class:`Streams`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation.scales import factor_level

if TYPE_CHECKING:  # the policy's types only: the state module imports nothing of the kernel
    from simulation.policy import Levers, Policy


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


@dataclass
class Roster:
    """Who teaches whom and in which order devices go: fixed for a run."""

    student_teacher: np.ndarray  # int32 teacher of each student
    teacher_students: np.ndarray  # float students per teacher
    teacher_classes: np.ndarray  # float classes per teacher
    device_orders: dict[str, np.ndarray]  # student rows in the order each targeting serves them


@dataclass
class TermState:
    """What the administration set at the last term start (``administration.start_term``)."""

    leadership: dict[str, float]  # vision, culture, excellence, systemic (0-1)
    deployment: float  # share of bought resources actually deployed (culture)
    training_quality: float  # multiplier of training gains (excellence)
    coaching_weekly: np.ndarray  # per teacher, coaching hours each week
    plc_weekly: np.ndarray  # per teacher, learning-community hours each week
    workshop_due: np.ndarray  # per teacher, workshop hours delivered this term
    n_project_groups: int  # collaborative groups drawn this term


@dataclass
class WeekState:
    """The week's derived state: the teachers' read of students and the activity mix."""

    estimate: np.ndarray  # per student, the teacher's estimate of achievement (SD units)
    shares: dict[str, np.ndarray]  # per student, class time in each activity of the week's mix
    teacher_personal_share: np.ndarray  # per teacher, class time actually personalized
    pacing_hours: np.ndarray  # per teacher, hours managing the spread of positions
    competencies_moved: bool  # some practice has moved the competencies since week 0


@dataclass
class Accounts:
    """Money: the current annual cost of the policies, what was spent, term-end evaluations."""

    annual_cost: dict[str, float]  # per student per year, by item and ``total_per_student``
    spending_per_student: float  # spent so far
    evaluations: list[dict[str, Any]]  # one record per adaptive term-end evaluation


@dataclass
class InstitutionState:
    """Everything the submodels read and write besides the parameters and the random streams.

    ``policy`` (switches and modes, resolved from the parameters) and ``levers`` (budget levers,
    which an adaptive allocation moves) are part of the state because they change during a run.
    """

    students: StudentState
    teachers: TeacherState
    administrators: AdministratorState
    classes: ClassState
    roster: Roster
    term: TermState
    this_week: WeekState
    policy: Policy
    levers: Levers
    accounts: Accounts
    week: int = 0  # completed teaching weeks


NOISE_STREAMS: tuple[str, ...] = (
    "diagnosis", "hours", "tasks", "engagement", "groups", "evaluation", "devices",
)


@dataclass(frozen=True)
class Streams:
    """Independent random streams, one per source of noise (split in ``NOISE_STREAMS`` order)."""

    diagnosis: np.random.Generator
    hours: np.random.Generator
    tasks: np.random.Generator
    engagement: np.random.Generator
    groups: np.random.Generator
    evaluation: np.random.Generator
    devices: np.random.Generator

    @classmethod
    def spawn(cls, rng: np.random.Generator) -> Streams:
        """Split ``rng`` into the named streams."""
        return cls(**dict(zip(NOISE_STREAMS, rng.spawn(len(NOISE_STREAMS)), strict=True)))


__all__ = ["Accounts", "AdministratorState", "ClassState", "InstitutionState", "Roster",
           "StudentState", "Streams", "TeacherState", "TermState", "WeekState", "factor_level"]
