"""The institution model: students in classes, their teachers and the administrators over them.

One step is one teaching week. The step runs named submodels in a fixed order (``SUBMODELS``);
each updates all agents of its kind at once from the state the previous submodel left
(simultaneous within a submodel, sequential between submodels):

1. ``start_term``     administrators: leadership, devices, training schedule, project groups
2. ``plan_week``      teachers: diagnose students, choose the activity mix within their time
3. ``learn``          students: achievement gains from fit, engagement, feedback, access
4. ``advance_pacing`` curriculum positions move under the pacing policy
5. ``engage``         engagement moves toward its target (peers: last week's class mean)
6. ``grow_competencies`` the six ISTE competencies and self-regulation
7. ``develop_teachers`` training transfer, practice, colleagues, stress, adoption
8. ``end_term``       administrators evaluate and (if adaptive) reallocate the budget
9. ``account``        spending is booked

Observation follows the step (model-level series every week, snapshots at term ends).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

import mesa
import numpy as np
import pandas as pd
from scipy.special import logit

from simulation import observation
from simulation.agents import Administrator, InstitutionAgent, Student, Teacher
from simulation.costs import annual_costs, staffing
from simulation.dynamics import administration, engagement, pacing, teacher_growth, teaching
from simulation.dynamics.competencies import grow_competencies
from simulation.dynamics.learning import learn, success_and_fit
from simulation.policy import WEEK0_STATE, Levers, Policy
from simulation.population import (
    build_administrators,
    build_classes,
    build_students,
    build_teachers,
)
from simulation.scenario import Scenario, ScenarioError, load_scenario
from simulation.survey import survey_table

Submodel = Callable[["PersonalizedLearningModel"], None]

NOISE_STREAMS = (
    "diagnosis", "hours", "tasks", "engagement", "groups", "evaluation", "devices",
)


def _account(model: PersonalizedLearningModel) -> None:
    """Book one week of the annual policy cost."""
    model.spending_per_student += model.annual_cost["total_per_student"] / model.weeks_per_year


SUBMODELS: tuple[tuple[str, Submodel], ...] = (
    ("start_term", administration.start_term),
    ("plan_week", teaching.plan_week),
    ("learn", learn),
    ("advance_pacing", pacing.advance),
    ("engage", engagement.update_engagement),
    ("grow_competencies", grow_competencies),
    ("develop_teachers", teacher_growth.develop_teachers),
    ("end_term", administration.end_term),
    ("account", _account),
)


def _seed(model: PersonalizedLearningModel) -> int | None:
    """The seed column of Mesa's DataCollector and batch_run (None with an ``rng``)."""
    return model.seed


class PersonalizedLearningModel(mesa.Model):
    """A university (or school) under a personalization policy scenario.

    Parameters
    ----------
    scenario
        A :class:`~simulation.scenario.Scenario`, a bundled scenario's name or a TOML path.
        Default: ``baseline_guangdong_2024``.
    seed
        Integer seed (strings of digits are accepted, as dashboards send them).
    rng
        Alternatively a ``numpy.random.SeedSequence`` or ``Generator`` (used by the experiment
        runner). Give ``seed`` or ``rng``, not both.
    snapshots
        Keep agent-level snapshots at term ends (``snapshots_dataframe``).
    **kwargs
        Parameter overrides by dotted name (``**{"pacing.mode": "mastery"}``) or ``section__key``
        (``pacing__mode="mastery"``), as Mesa's ``batch_run`` and SolaraViz pass them.

    Notes
    -----
    Student, teacher and administrator state lives in numpy arrays (``student_state``,
    ``teacher_state``, ``administrator_state``); the Mesa agents are views on one row each.
    """

    def __init__(
        self,
        *,
        scenario: Scenario | str | None = None,
        seed: int | str | None = None,
        rng: Any = None,
        snapshots: bool = True,
        **kwargs: Any,
    ) -> None:
        if isinstance(seed, str):
            seed = int(seed.strip()) if seed.strip() else None
        if scenario is None:
            scenario = "baseline_guangdong_2024"
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        if kwargs:  # named ``kwargs``: Mesa's SolaraViz accepts a catch-all only by that name
            scenario = scenario.with_overrides(kwargs, label="model parameters")
        if seed is None and rng is None:
            # No seed (Mesa's batch_run gives none): draw one from fresh entropy and keep it, so
            # every model differs and its recorded seed reproduces it.
            seed = int(np.random.default_rng().integers(2**53))  # exact as a float too
        super().__init__(seed=seed, rng=rng)
        self.seed = seed
        self.scenario = scenario
        self.values: Mapping[str, Mapping[str, Any]] = scenario.values
        self.policy = Policy.from_values(self.values)
        self.levers = Levers.from_values(self.values)
        inst = self.values["institution"]
        self.weeks_per_term = int(inst["weeks_per_term"])
        self.weeks_per_year = self.weeks_per_term * int(inst["terms_per_year"])
        self.week = 0
        #: Weeks of the scenario (``institution.years``); ``running`` turns False there.
        self.horizon = self.weeks_per_year * int(inst["years"])
        self.submodels: list[tuple[str, Submodel]] = list(SUBMODELS)
        self.keep_snapshots = snapshots

        self._build_population()
        self._build_agents()
        self._initialise_policy_state()
        self.datacollector = mesa.DataCollector(
            model_reporters={**observation.reporters(), "seed": _seed})
        self.snapshots: list[pd.DataFrame] = []
        self.teacher_snapshots: list[pd.DataFrame] = []
        self._observe()

    # --- construction -----------------------------------------------------------------------
    def _build_population(self) -> None:
        n_classes, n_teachers, _ = staffing(self.values)
        students, sizes = build_students(self.rng, self.values, n_classes)
        self.student_state = students
        self.teacher_state = build_teachers(self.rng, self.values, n_teachers)
        self.administrator_state = build_administrators(
            self.rng, self.values, int(self.values["institution"]["n_administrators"]))
        self.classes = build_classes(sizes, int(self.values["institution"]["classes_per_teacher"]),
                                     students)
        # independent noise streams, split from the model's generator after the population, so
        # scenarios run with the same seed share population and noise (common random numbers)
        self.streams = dict(zip(NOISE_STREAMS, self.rng.spawn(len(NOISE_STREAMS)), strict=True))
        self.student_teacher = self.classes.teacher[students.class_id]
        self.teacher_students = np.bincount(self.student_teacher,
                                            minlength=n_teachers).astype(float)
        self.teacher_classes = np.bincount(self.classes.teacher, minlength=n_teachers).astype(float)
        n = students.achievement.shape[0]
        self._device_orders = {
            "need_based": np.lexsort((students.ses, students.home_access)),
            "universal": self.streams["devices"].permutation(n),
        }
        self.device_priority = self._device_orders[self.values["resources"]["device_targeting"]]

    def _build_agents(self) -> None:
        n = self.student_state.achievement.shape[0]
        self.student_agents = [Student(self, i) for i in range(n)]
        n_teachers = self.teacher_state.adoption.shape[0]
        self.teacher_agents = [Teacher(self, j) for j in range(n_teachers)]
        self.administrator_agents = [
            Administrator(self, k) for k in range(self.administrator_state.factors.shape[0])
        ]

    def _initialise_policy_state(self) -> None:
        s, t, v = self.student_state, self.teacher_state, self.values
        m = t.adoption.shape[0]
        self.spending_per_student = 0.0
        self.evaluations: list[dict[str, Any]] = []
        self.pacing_hours = np.zeros(m)
        self.coaching_weekly = np.zeros(m)
        self.plc_weekly = np.zeros(m)
        self.workshop_due = np.zeros(m)
        self.teacher_personal_share = np.zeros(m)
        self.n_project_groups = 1
        self.competencies_moved = False
        self.estimate = s.achievement.copy()
        administration.read_leadership(self)
        t.diagnostic_noise = teacher_growth.diagnostic_noise(self)
        # week-0 steady state: each student's engagement is the status quo's target for them
        lv = v["learning"]
        self.shares = {"whole_class": np.ones(s.achievement.shape[0])}
        s.success, status_quo_fit = success_and_fit(
            s.position - s.achievement, lv["optimal_success_rate"], lv["difficulty_scale"],
            lv["fit_concentration"])
        s.fit = status_quo_fit
        s.engagement_base = logit(np.clip(s.engagement_affective, 0.01, 0.99)) - engagement.drive(
            self, status_quo_fit, status_quo=True)
        if self.policy.personalized:
            t.adoption[:] = v["teachers"]["initial_adoption"]
            self.teacher_personal_share = t.adoption.copy()
        elif self.policy.tutoring:
            self.teacher_personal_share = np.ones(m)
        teaching.diagnose(self)
        pacing.place(self)
        self.annual_cost = annual_costs(self.levers.apply(v))

    def apply_policy(self, scenario: Scenario) -> None:
        """Follow ``scenario``'s policies from the next week on (a change during a run).

        Switches, modes and weekly parameters act from the next step; training schedules,
        devices and leadership are re-read at the next term start. Budget levers are replaced
        only where ``scenario`` changes them, so an adaptive allocation's earlier moves survive.

        Raises
        ------
        ScenarioError
            If ``scenario`` changes a parameter that sets who is in the institution or its week-0
            state (``simulation.policy.WEEK0_STATE``): those need a new model.
        """
        old, new = self.scenario.flat(), scenario.flat()
        fixed = sorted(n for n in WEEK0_STATE if old[n] != new[n])
        if fixed:
            raise ScenarioError(
                f"{scenario.name}: {', '.join(fixed)} set{'s' if len(fixed) == 1 else ''} who is "
                "in the institution or its week-0 state and cannot change during a run; build a "
                "new model")
        before, after = Levers.from_values(self.values), Levers.from_values(scenario.values)
        for f in fields(Levers):
            if getattr(before, f.name) != getattr(after, f.name):
                setattr(self.levers, f.name, getattr(after, f.name))
        had_practices = bool(self.policy.personalized)
        self.scenario = scenario
        self.values = scenario.values
        self.policy = Policy.from_values(scenario.values)
        self.device_priority = self._device_orders[self.values["resources"]["device_targeting"]]
        if self.policy.personalized and not had_practices:
            self.teacher_state.adoption[:] = self.values["teachers"]["initial_adoption"]
        self.annual_cost = annual_costs(self.levers.apply(self.values))

    # --- stepping ----------------------------------------------------------------------------
    def training_hours_this_week(self) -> np.ndarray:
        """Hours of each teacher's weekly time budget spent in coaching and PLC meetings.

        Workshops are held on professional-development days before the term and do not take
        teaching-week time.
        """
        return self.coaching_weekly + self.plc_weekly

    def step(self) -> None:
        """Advance one teaching week through the submodels, then observe."""
        for _, submodel in self.submodels:
            submodel(self)
        self.week += 1
        self.running = self.week < self.horizon  # Mesa's run_model and batch_run stop here
        self._observe()

    def run_weeks(self, weeks: int, progress: Callable[[int], None] | None = None) -> None:
        """Step ``weeks`` times, calling ``progress(week)`` after each step."""
        for _ in range(weeks):
            self.step()
            if progress is not None:
                progress(self.week)

    def _observe(self) -> None:
        self.metrics = observation.metrics(self)
        self.datacollector.collect(self)
        if self.keep_snapshots and (self.week == 0 or self.week % self.weeks_per_term == 0):
            self.snapshots.append(observation.student_snapshot(self))
            self.teacher_snapshots.append(observation.teacher_snapshot(self))

    # --- outputs -----------------------------------------------------------------------------
    @property
    def term(self) -> int:
        """Current term (0-based)."""
        return self.week // self.weeks_per_term

    def timeseries(self) -> pd.DataFrame:
        """Model-level series, one row per week (week 0 is the initial state)."""
        series = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return series.drop(columns="seed")

    def snapshots_dataframe(self) -> pd.DataFrame:
        """Student snapshots at week 0 and every term end (long format)."""
        return pd.concat(self.snapshots, ignore_index=True) if self.snapshots else pd.DataFrame()

    def teacher_snapshots_dataframe(self) -> pd.DataFrame:
        """Teacher snapshots at week 0 and every term end."""
        if not self.teacher_snapshots:
            return pd.DataFrame()
        return pd.concat(self.teacher_snapshots, ignore_index=True)

    def latent_factors(self) -> dict[str, np.ndarray]:
        """Latent ISTE levels of each group, as the survey instrument reads them."""
        return {
            "students": self.student_state.competencies,
            "teachers": self.teacher_state.preparedness,
            "administrators": self.administrator_state.factors,
        }

    def survey(self) -> pd.DataFrame:
        """The synthetic survey (Tables 1-3 of the seed study) at the current week."""
        return survey_table(self.latent_factors(), self.values["survey"]["item_noise_sd"],
                            week=self.week)

    def release(self) -> None:
        """Drop this model's agent-id counter now instead of at garbage collection.

        Mesa 3.3.1 keeps a strong per-model counter in ``Agent._ids`` that leaks every model; the
        agents here use weak counters (``simulation.agents.InstitutionAgent``), so finished models
        are collected without this call. It also clears any strong entry Mesa's base class made.
        """
        InstitutionAgent._ids.pop(self, None)
        mesa.Agent._ids.pop(self, None)
