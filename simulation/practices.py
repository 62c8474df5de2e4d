"""Practice components and pacing modes as objects: everything one of them means, in one place.

A :class:`Practice` is one component of personalized learning (Ding, Santos & Borja 2024 list
them; the evidence for each is in its switch's registry entry). It holds its switch (a registry
parameter), the teacher hours it takes, how hard its tasks are for each student (the *gap*), the
quality of an hour of it, how it drives engagement, which ISTE competencies it exercises and what it
costs. The submodels loop over the practices switched on, in table order (the order of
:data:`PRACTICES` is also the order sums are accumulated in, which keeps results reproducible):

- ``teaching.plan_week`` gives the practices that *share class time* equal parts of each teacher's
  adopted time and shrinks them to the teacher's hours (``teacher_hours``), plus the ``fixed_hours``
  of the others;
- ``learning.learn`` sums ``share x hours used x fit(gap) x quality`` over the week's activities;
- ``engagement.drive`` adds ``peer_contact`` shares to relatedness, ``autonomous`` shares to the
  autonomy drive and each ``engagement_drive``;
- ``competencies.grow_competencies`` sums each activity's ``exposure`` weights;
- ``costs.annual_costs`` books each ``annual_cost``.

A :class:`PacingMode` is one way students move through the curriculum (``pacing.mode``).

Adding a practice is one :class:`Practice` entry plus its registry parameters
(``docs/contributing.md``); :func:`registered` adds one for a while (tests, experiments with an
extension) without editing this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from scipy.special import expit, logit

from simulation.dynamics.tasks import differentiation_groups, group_means, self_choice_error
from simulation.parameters import REGISTRY, Parameter
from simulation.params import Params
from simulation.scales import factor_level
from simulation.state import Array, InstitutionState, PacingMode, Practice, Streams


def _analytics_saving(params: Params, state: InstitutionState) -> float:
    return params.workload.analytics_time_saving if state.policy.analytics else 0.0


def _feedback_quality(params: Params, state: InstitutionState) -> Array:
    noise = 0.0 if state.policy.tutoring else state.teachers.diagnostic_noise[
        state.roster.student_teacher]
    return np.asarray(1.0 + params.learning.feedback_effect / (1.0 + np.square(noise)))


def _platform_gap(params: Params, state: InstitutionState, streams: Streams) -> Array:
    quality = params.resources.platform_quality
    sd = 0.2 + (params.learning.platform_error_sd - 0.2) * (1.0 - quality)
    return sd * np.asarray(streams.tasks.standard_normal(state.students.achievement.shape[0]))


def _platform_quality(params: Params, state: InstitutionState) -> Array:
    techops = factor_level(state.students.competencies[:, 5])
    return 1.0 + (params.learning.platform_effect * params.resources.platform_quality
                  * state.term.deployment * (0.5 + 0.5 * techops))


def _differentiated_gap(params: Params, state: InstitutionState, streams: Streams) -> Array:
    groups = differentiation_groups(params, state)
    n_groups = state.classes.size.shape[0] * params.learning.differentiation_groups
    return group_means(state.this_week.estimate, groups, n_groups) - state.students.achievement


def _project_gap(params: Params, state: InstitutionState, streams: Streams) -> Array:
    s = state.students
    return group_means(s.achievement, s.group_id, state.term.n_project_groups) - s.achievement


def _interest_drive(params: Params, state: InstitutionState) -> Array:
    # personalized tasks match each student's interest; whole-class tasks are themed on the
    # class's commoner interests and match about twice as often as chance
    topics = params.students.interest_topics
    whole = state.this_week.shares["whole_class"]
    matched = (1.0 - whole) + whole * min(1.0, 2.0 / topics)
    return params.engagement.interest_weight * (matched - 1.0 / topics)


DIFFERENTIATED = Practice(
    "differentiated", "practices.differentiated_instruction",
    teacher_hours=lambda p, st: p.workload.differentiation_hours * st.roster.teacher_classes,
    gap=_differentiated_gap,
    exposure=(("critical_thinking_problem_solving", 1.0),),
)
FEEDBACK = Practice(
    "feedback", "practices.personalized_feedback",
    teacher_hours=lambda p, st: (p.workload.feedback_hours_per_student
                                 * st.roster.teacher_students * (1.0 - _analytics_saving(p, st))),
    gap=lambda p, st, rs: st.this_week.estimate - st.students.achievement,
    quality=_feedback_quality,
    exposure=(("critical_thinking_problem_solving", 1.0),),
    supports_self_regulation=True,
)
ADAPTIVE = Practice(
    "adaptive", "resources.adaptive_platform",
    teacher_hours=lambda p, st: p.workload.platform_hours * st.roster.teacher_classes,
    gap=_platform_gap,
    quality=_platform_quality,
    needs_access=True,
    exposure=(("research_information_fluency", 0.5), ("digital_citizenship", 1.0),
              ("technology_operations", 1.0)),
    annual_cost=lambda p: p.costs.platform_licence, cost_item="platform",
)
COLLABORATIVE = Practice(
    "collaborative", "practices.collaborative_projects",
    teacher_hours=lambda p, st: p.workload.project_hours * st.roster.teacher_classes,
    gap=_project_gap,
    quality=lambda p, st: 1.0 + p.learning.peer_tutoring_effect * factor_level(
        st.students.competencies[:, 1]),
    peer_contact=True,
    exposure=(("creativity_innovation", 1.0), ("communication_collaboration", 1.0),
              ("digital_citizenship", 1.0)),
)
SELF_DIRECTED = Practice(
    "self_directed", "practices.self_directed_plans",
    teacher_hours=lambda p, st: (p.workload.plan_review_hours_per_student
                                 * st.roster.teacher_students * (1.0 - _analytics_saving(p, st))),
    gap=self_choice_error,
    autonomous=True,
    exposure=(("creativity_innovation", 0.5), ("research_information_fluency", 1.0),
              ("digital_citizenship", 1.0)),
    builds_self_regulation=True,
)
INTEREST_MATCHING = Practice(
    "interest_matching", "practices.interest_matching", shares_class_time=False,
    fixed_hours=lambda p, st: p.workload.interest_matching_hours * st.roster.teacher_classes,
    engagement_drive=_interest_drive,
)
STYLE_MATCHING = Practice(
    "style_matching", "practices.learning_style_matching", shares_class_time=False,
    learning_multiplier=lambda p: 1.0 + p.learning.style_matching_effect,
)
TUTORING = Practice(
    "tutoring", "practices.tutor_per_student", shares_class_time=False,
    perfect_diagnosis=True,
    annual_cost=lambda p: p.costs.teacher_salary, cost_item="tutors",  # one tutor per student
)

PRACTICES: tuple[Practice, ...] = (
    DIFFERENTIATED, FEEDBACK, ADAPTIVE, COLLABORATIVE, SELF_DIRECTED,
    INTEREST_MATCHING, STYLE_MATCHING, TUTORING,
)
"""Every practice, in the order the submodels loop over them."""

_table: list[Practice] = list(PRACTICES)


def table() -> tuple[Practice, ...]:
    """The practices a new model uses (:data:`PRACTICES` plus any :func:`registered` one)."""
    return tuple(_table)


def by_name(name: str) -> Practice:
    """The practice with key ``name``."""
    for practice in _table:
        if practice.name == name:
            return practice
    raise KeyError(f"unknown practice '{name}'")


@contextmanager
def registered(practice: Practice, *parameters: Parameter) -> Iterator[Practice]:
    """Add ``practice`` (after the others) and its registry ``parameters`` for a while.

    The parameters must sit in existing sections; scenario files and overrides accept them while
    the block runs, and ``Params.value`` reads them. Models built inside the block use the
    practice.
    """
    for p in parameters:
        if p.name in REGISTRY:
            raise ValueError(f"parameter '{p.name}' already exists")
    _table.append(practice)
    REGISTRY.update({p.name: p for p in parameters})
    try:
        yield practice
    finally:
        _table.remove(practice)
        for p in parameters:
            REGISTRY.pop(p.name, None)


# --- pacing modes ------------------------------------------------------------------------------
def _flexible(params: Params, state: InstitutionState, calendar: Array) -> Array:
    spread = params.pacing.flexible_spread
    return np.clip(state.this_week.estimate, calendar - spread, calendar + spread)


def _mastery_advance(params: Params, state: InstitutionState, calendar: Array) -> Array:
    s, lv = state.students, params.learning
    estimated_success = expit(logit(lv.optimal_success_rate)
                              - (s.position - state.this_week.estimate) / lv.difficulty_scale)
    return s.position + np.where(estimated_success >= params.pacing.mastery_threshold,
                                 2.0 * params.pacing.calendar_rate, 0.0)


def _self_paced_advance(params: Params, state: InstitutionState, calendar: Array) -> Array:
    s = state.students
    sr = s.self_regulation
    pace = np.clip(sr / params.learning.self_direction_threshold, 0.2, 1.5)
    return s.position + params.pacing.calendar_rate * pace + 0.5 * sr * (s.achievement
                                                                          - s.position)


LOCKSTEP = PacingMode("lockstep", place=lambda p, st, cal: cal.copy(),
                      advance=lambda p, st, cal: cal, spread_costs_time=False,
                      uses_estimate=False)
FLEXIBLE = PacingMode("flexible", place=_flexible, advance=_flexible)
MASTERY = PacingMode("mastery", place=lambda p, st, cal: st.this_week.estimate.copy(),
                     advance=_mastery_advance)
SELF_PACED = PacingMode(
    "self_paced",
    place=lambda p, st, cal: cal + st.students.self_regulation * (st.students.achievement - cal),
    advance=_self_paced_advance, self_steered=True)

PACING_MODES: dict[str, PacingMode] = {m.name: m for m in (LOCKSTEP, FLEXIBLE, MASTERY,
                                                           SELF_PACED)}
"""Every pacing mode by its ``pacing.mode`` value (a test checks they match the registry)."""
