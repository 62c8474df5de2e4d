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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation.parameters import REGISTRY, Parameter
from simulation.params import Params
from simulation.scales import factor_level


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


# --- the policy in force: practices, pacing modes, switches and budget levers ---------------

Array = np.ndarray
HoursFn = Callable[[Params, "InstitutionState"], Array]
GapFn = Callable[[Params, "InstitutionState", "Streams"], Array]
QualityFn = Callable[[Params, "InstitutionState"], Array | float]
DriveFn = Callable[[Params, "InstitutionState"], Array]
ScalarFn = Callable[[Params], float]


@dataclass(frozen=True)
class Practice:
    """One practice component and everything it means to the model.

    Attributes
    ----------
    name
        Key of the practice in the week's activity mix (``state.this_week.shares``).
    switch
        Registry name of the parameter that switches it on (its label and evidence are read
        from that entry).
    shares_class_time
        Takes part of the class time a teacher personalizes (an *activity*); otherwise it acts
        alongside the activities (interest matching, learning-style matching, tutoring).
    teacher_hours
        Per teacher, hours a week it takes if it filled all class time (activities).
    fixed_hours
        Per teacher, hours a week it takes whenever it is on (non-activities).
    gap
        Per student, difficulty of its tasks above the student's achievement (SD units); an
        activity without one works at the whole-class position.
    quality
        Learning per hour relative to whole-class teaching at the same difficulty fit.
    needs_access
        Needs a device and connectivity: without access its time falls back to whole-class work.
    autonomous
        Students steer themselves: hours used scale with self-regulation and it feeds the
        autonomy drive of engagement.
    peer_contact
        Its share adds to relatedness (students work with classmates).
    exposure
        ``(competency, weight)``: how much an hour of it exercises each ISTE competency.
    builds_self_regulation, supports_self_regulation
        Self-directed plans build self-regulation; feedback alongside doubles that growth.
    engagement_drive
        Extra engagement drive (logit scale) while on.
    learning_multiplier
        Factor on every student's weekly gain while on.
    annual_cost, cost_item
        Cost per student per year while on, booked under ``cost_item``.
    perfect_diagnosis
        Tutoring: teachers know every student's level and all class time is one-to-one.
    """

    name: str
    switch: str
    shares_class_time: bool = True
    teacher_hours: HoursFn | None = None
    fixed_hours: HoursFn | None = None
    gap: GapFn | None = None
    quality: QualityFn | None = None
    needs_access: bool = False
    autonomous: bool = False
    peer_contact: bool = False
    exposure: tuple[tuple[str, float], ...] = ()
    builds_self_regulation: bool = False
    supports_self_regulation: bool = False
    engagement_drive: DriveFn | None = None
    learning_multiplier: ScalarFn | None = None
    annual_cost: ScalarFn | None = None
    cost_item: str = ""
    perfect_diagnosis: bool = False

    @property
    def parameter(self) -> Parameter:
        """The registry entry of the switch."""
        return REGISTRY[self.switch]

    @property
    def label(self) -> str:
        """Plain-language name (the switch's registry label)."""
        return self.parameter.label

    @property
    def evidence(self) -> str:
        """Strength and source of the evidence behind it (from the registry)."""
        p = self.parameter
        return f"{p.evidence}: {p.source}"

    def is_on(self, params: Params) -> bool:
        """Whether the scenario switches it on."""
        return bool(params.value(self.switch))

    def weight(self, competency: str) -> float:
        """Exposure weight of one ISTE competency (0 when it does not exercise it)."""
        return dict(self.exposure).get(competency, 0.0)

    def cost(self, params: Params) -> float:
        """Cost per student per year (0 when off or free)."""
        if self.annual_cost is None or not self.is_on(params):
            return 0.0
        return self.annual_cost(params)


# --- what each practice means ----------------------------------------------------------------


PositionFn = Callable[[Params, "InstitutionState", Array], Array]


@dataclass(frozen=True)
class PacingMode:
    """One value of ``pacing.mode``: where students work on the curriculum.

    Attributes
    ----------
    name
        The ``pacing.mode`` value.
    place
        Week-0 positions, given the class calendar position of each student.
    advance
        Next week's positions, given the (already advanced) calendar position of each student.
    spread_costs_time
        Spread of positions in a class costs the teacher ``pacing.spread_cost_hours``.
    uses_estimate
        Needs the teacher's estimate of each student's level (lockstep does not).
    self_steered
        Students steer the whole-class time themselves: they pick their tasks (with the
        self-choice error), study without the teacher's instruction (``self_study_quality``),
        hours used scale with self-regulation and the time feeds the autonomy drive.
    """

    name: str
    place: PositionFn
    advance: PositionFn
    spread_costs_time: bool = True
    uses_estimate: bool = True
    self_steered: bool = False

    @property
    def label(self) -> str:
        """Plain-language description (the registry's choice label)."""
        return dict(REGISTRY["pacing.mode"].choice_labels).get(self.name, self.name)


@dataclass(frozen=True)
class Policy:
    """Switches and modes in force (``apply_policy`` replaces it; budget levers are ``Levers``).

    Attributes
    ----------
    pacing
        The ``pacing.mode`` value; ``mode`` is its object.
    activities
        Switched-on practices that share the class time a teacher personalizes, in table order.
    extras
        Switched-on practices that act alongside the activities (interest and style matching).
    table
        Every practice the run knows (to read the week's activity mix).
    tutoring
        One tutor per student (the idealized reference).
    analytics
        Learning-analytics tools for teachers.
    adaptive_allocation
        The term-end evaluation moves the budget.
    """

    pacing: str
    mode: PacingMode
    activities: tuple[Practice, ...]
    extras: tuple[Practice, ...]
    table: tuple[Practice, ...]
    tutoring: bool
    analytics: bool
    adaptive_allocation: bool

    @property
    def personalized(self) -> tuple[str, ...]:
        """Names of the switched-on activities."""
        return tuple(p.name for p in self.activities)

    def present(self, shares: Mapping[str, object]) -> list[Practice]:
        """The activities in this week's mix (``shares`` keys), in table order."""
        return [p for p in self.table if p.shares_class_time and p.name in shares]


@dataclass
class Levers:
    """Budget levers the term-end evaluation may reallocate (per scenario units)."""

    workshop_hours: float
    coaching_hours: float
    coaches_per_teacher: float
    device_ratio: float

    @classmethod
    def from_params(cls, params: Params) -> Levers:
        """Starting levers from the parameters."""
        tr = params.training
        return cls(tr.workshop_hours, tr.coaching_hours, tr.coaches_per_teacher,
                   params.resources.device_ratio)

    def apply(self, params: Params) -> Params:
        """Parameters with these levers substituted (for costing)."""
        return params.replace({
            "training.workshop_hours": self.workshop_hours,
            "training.coaching_hours": self.coaching_hours,
            "training.coaches_per_teacher": self.coaches_per_teacher,
            "resources.device_ratio": self.device_ratio,
        })


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


__all__ = ["Accounts", "AdministratorState", "ClassState", "InstitutionState", "Levers",
           "PacingMode", "Policy", "Practice", "Roster", "StudentState", "Streams", "TeacherState",
           "TermState", "WeekState", "factor_level"]
