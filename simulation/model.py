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

Each submodel is a function ``submodel(params, state, streams)`` of the typed parameters
(``simulation.params.Params``), the state (``simulation.state.InstitutionState``: students,
teachers, administrators, classes and the term's and week's derived state) and the random streams
(``simulation.state.Streams``); its docstring says what it reads and writes. None of them knows
this class. Observation follows the step (model-level series every week, snapshots at term ends).
"""

from __future__ import annotations

from collections.abc import Callable
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
from simulation.dynamics.learning import learn
from simulation.dynamics.tasks import success_and_fit
from simulation.params import Params
from simulation.policy import WEEK0_STATE, policy_from_params
from simulation.population import (
    build_administrators,
    build_classes,
    build_students,
    build_teachers,
)
from simulation.scenario import Scenario, ScenarioError, load_scenario
from simulation.state import (
    NOISE_STREAMS,
    Accounts,
    AdministratorState,
    ClassState,
    InstitutionState,
    Levers,
    Policy,
    Roster,
    Streams,
    StudentState,
    TeacherState,
    TermState,
    WeekState,
)
from simulation.survey import survey_table

Submodel = Callable[[Params, InstitutionState, Streams], None]

__all__ = ["NOISE_STREAMS", "SUBMODELS", "PersonalizedLearningModel", "Submodel"]


def account(params: Params, state: InstitutionState, streams: Streams) -> None:
    """Book one week of the annual policy cost.

    Reads ``accounts.annual_cost``; writes ``accounts.spending_per_student``; draws nothing.
    """
    state.accounts.spending_per_student += (state.accounts.annual_cost["total_per_student"]
                                            / params.weeks_per_year)


SUBMODELS: tuple[tuple[str, Submodel], ...] = (
    ("start_term", administration.start_term),
    ("plan_week", teaching.plan_week),
    ("learn", learn),
    ("advance_pacing", pacing.advance),
    ("engage", engagement.update_engagement),
    ("grow_competencies", grow_competencies),
    ("develop_teachers", teacher_growth.develop_teachers),
    ("end_term", administration.end_term),
    ("account", account),
)


def _seed(model: PersonalizedLearningModel) -> int | None:
    """The seed column of Mesa's DataCollector and batch_run (None with an ``rng``)."""
    return model.seed


class _WeeklyCollector(mesa.DataCollector):
    """Mesa's ``DataCollector``, with a direct path for the model's own weekly metrics.

    Mesa calls each model reporter and deep-copies its value (28 calls and copies a week, a
    visible share of a small institution's step). The metrics are plain floats already computed
    in ``model.metrics``: while the reporters are exactly the model's own and no agent reporters
    are set, their values are appended directly; anything else goes through Mesa's ``collect``.
    """

    def collect(self, model: Any) -> None:
        own = getattr(self, "_own_reporters", None)
        if (own is not None and self.model_reporters == own and not self.agent_reporters
                and not self.agenttype_reporters):
            metrics = model.metrics
            for var in own:
                self.model_vars[var].append(
                    _seed(model) if var == "seed" else metrics[var])
            return
        super().collect(model)


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
    All state lives in ``model.state`` (:class:`~simulation.state.InstitutionState`); the
    parameters in ``model.params``, the random streams in ``model.streams``. The Mesa agents are
    views on one row each of the state's arrays; ``student_state``, ``policy``, ``levers`` and the
    like are read-only shortcuts into ``model.state``.
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
        self.params: Params = scenario.params
        self.submodels: list[tuple[str, Submodel]] = list(SUBMODELS)
        self.keep_snapshots = snapshots

        self.state, self.streams = self._build_state()
        self._build_agents()
        self._initialise_week0()
        reporters = {**observation.reporters(), "seed": _seed}
        self.datacollector = _WeeklyCollector(model_reporters=reporters)
        self.datacollector._own_reporters = dict(reporters)
        self.snapshots: list[pd.DataFrame] = []
        self.teacher_snapshots: list[pd.DataFrame] = []
        self._observe()

    # --- construction -----------------------------------------------------------------------
    def _build_state(self) -> tuple[InstitutionState, Streams]:
        params = self.params
        n_classes, n_teachers, _ = staffing(params)
        students, sizes = build_students(self.rng, params, n_classes)
        teachers = build_teachers(self.rng, params, n_teachers)
        administrators = build_administrators(self.rng, params,
                                              params.institution.n_administrators)
        classes = build_classes(sizes, params.institution.classes_per_teacher, students)
        # independent noise streams, split from the model's generator after the population, so
        # scenarios run with the same seed share population and noise (common random numbers)
        streams = Streams.spawn(self.rng)
        student_teacher = classes.teacher[students.class_id]
        n = students.achievement.shape[0]
        roster = Roster(
            student_teacher=student_teacher,
            teacher_students=np.bincount(student_teacher, minlength=n_teachers).astype(float),
            teacher_classes=np.bincount(classes.teacher, minlength=n_teachers).astype(float),
            device_orders={
                "need_based": np.lexsort((students.ses, students.home_access)),
                "universal": streams.devices.permutation(n),
            },
        )
        m = n_teachers
        term = TermState(leadership={}, deployment=0.0, training_quality=0.0,
                         coaching_weekly=np.zeros(m), plc_weekly=np.zeros(m),
                         workshop_due=np.zeros(m), n_project_groups=1)
        week = WeekState(estimate=students.achievement.copy(), shares={},
                         teacher_personal_share=np.zeros(m), pacing_hours=np.zeros(m),
                         competencies_moved=False)
        state = InstitutionState(
            students=students, teachers=teachers, administrators=administrators,
            classes=classes, roster=roster, term=term, this_week=week,
            policy=policy_from_params(params), levers=Levers.from_params(params),
            accounts=Accounts(annual_cost={}, spending_per_student=0.0, evaluations=[]),
        )
        return state, streams

    def _build_agents(self) -> None:
        """Defer the Mesa agents: they are made on first use (``_materialise_agents``).

        One ``mesa.Agent`` per student costs about 480 B and most of the construction time, and a
        model used only through its arrays (the experiment runner, ``plsim run``) never needs
        them. ``agents``, ``agents_by_type``, ``agent_types``, the ``*_agents`` lists and
        registering another agent make them all, in the same order and with the same ids as if
        they had been made here.
        """
        self._agents_made = False

    def _materialise_agents(self) -> None:
        if self.__dict__.get("_agents_made", True):
            return
        self._agents_made = True
        n = self.state.students.achievement.shape[0]
        self._student_agents = [Student(self, i) for i in range(n)]
        n_teachers = self.state.teachers.adoption.shape[0]
        self._teacher_agents = [Teacher(self, j) for j in range(n_teachers)]
        self._administrator_agents = [
            Administrator(self, k) for k in range(self.state.administrators.factors.shape[0])
        ]

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Every agent (Mesa's ``AgentSet``); the agent views are made on first access."""
        self._materialise_agents()
        return self._all_agents

    @property
    def agents_by_type(self) -> dict[type[mesa.Agent], mesa.agent.AgentSet]:
        """Mesa's ``{agent class: AgentSet}``; the agent views are made on first access."""
        self._materialise_agents()
        return self._agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Agent classes in the model (Mesa's ``agent_types``)."""
        self._materialise_agents()
        return list(self._agents_by_type)

    def register_agent(self, agent: mesa.Agent) -> None:
        """Mesa's registration; our agents are made first, so they keep their ids and order."""
        self._materialise_agents()
        super().register_agent(agent)

    def remove_all_agents(self) -> None:
        """Mesa's ``remove_all_agents`` (the agent views are made first, then removed)."""
        self._materialise_agents()
        super().remove_all_agents()

    @property
    def student_agents(self) -> list[Student]:
        """One ``Student`` view per row of ``state.students`` (made on first access)."""
        self._materialise_agents()
        return self._student_agents

    @property
    def teacher_agents(self) -> list[Teacher]:
        """One ``Teacher`` view per row of ``state.teachers`` (made on first access)."""
        self._materialise_agents()
        return self._teacher_agents

    @property
    def administrator_agents(self) -> list[Administrator]:
        """One ``Administrator`` view per row of ``state.administrators``."""
        self._materialise_agents()
        return self._administrator_agents

    @property
    def agents_made(self) -> bool:
        """Whether the Mesa agent views exist yet."""
        return self._agents_made

    def _initialise_week0(self) -> None:
        """Week-0 leadership, diagnosis, engagement steady state, adoption, placement, costs."""
        params, state = self.params, self.state
        s, t = state.students, state.teachers
        m = t.adoption.shape[0]
        administration.read_leadership(params, state)
        t.diagnostic_noise = teacher_growth.diagnostic_noise(params, state)
        # week-0 steady state: each student's engagement is the status quo's target for them
        lv = params.learning
        state.this_week.shares = {"whole_class": np.ones(s.achievement.shape[0])}
        s.success, status_quo_fit = success_and_fit(
            s.position - s.achievement, lv.optimal_success_rate, lv.difficulty_scale,
            lv.fit_concentration)
        s.fit = status_quo_fit
        s.engagement_base = logit(np.clip(s.engagement_affective, 0.01, 0.99)) - engagement.drive(
            params, state, status_quo_fit, status_quo=True)
        if state.policy.activities:
            t.adoption[:] = params.teachers.initial_adoption
            state.this_week.teacher_personal_share = t.adoption.copy()
        elif state.policy.tutoring:
            state.this_week.teacher_personal_share = np.ones(m)
        teaching.diagnose(params, state, self.streams)
        pacing.place(params, state)
        state.accounts.annual_cost = annual_costs(params, state.levers)

    def apply_policy(self, scenario: Scenario) -> None:
        """Follow ``scenario``'s policies from the next week on (a change during a run).

        Each parameter's registry entry says when a change acts (``takes_effect``): switches,
        modes and weekly parameters from the next step; training schedules, devices and
        leadership-derived settings at the next term start. Budget levers are replaced only
        where ``scenario`` changes them, so an adaptive allocation's earlier moves survive.

        Raises
        ------
        ScenarioError
            If ``scenario`` changes a parameter that sets who is in the institution or its week-0
            state (``takes_effect = "reset"``, ``simulation.policy.WEEK0_STATE``): those need a
            new model.
        """
        old, new = self.scenario.flat(), scenario.flat()
        fixed = sorted(n for n in WEEK0_STATE if old[n] != new[n])
        if fixed:
            raise ScenarioError(
                f"{scenario.name}: {', '.join(fixed)} set{'s' if len(fixed) == 1 else ''} who is "
                "in the institution or its week-0 state and cannot change during a run; build a "
                "new model")
        state = self.state
        before, after = Levers.from_params(self.params), Levers.from_params(scenario.params)
        for f in fields(Levers):
            if getattr(before, f.name) != getattr(after, f.name):
                setattr(state.levers, f.name, getattr(after, f.name))
        had_practices = bool(state.policy.activities)
        self.scenario = scenario
        self.params = scenario.params
        state.policy = policy_from_params(self.params)
        if state.policy.activities and not had_practices:
            state.teachers.adoption[:] = self.params.teachers.initial_adoption
        state.accounts.annual_cost = annual_costs(self.params, state.levers)

    # --- views on the state (read-only shortcuts kept for callers and Mesa's agents) ---------
    @property
    def values(self) -> Any:
        """The scenario's ``{section: {key: value}}`` (for exports and interfaces)."""
        return self.scenario.values

    @property
    def week(self) -> int:
        """Completed teaching weeks."""
        return self.state.week

    @property
    def student_state(self) -> StudentState:
        """Per-student arrays (``state.students``)."""
        return self.state.students

    @property
    def teacher_state(self) -> TeacherState:
        """Per-teacher arrays (``state.teachers``)."""
        return self.state.teachers

    @property
    def administrator_state(self) -> AdministratorState:
        """Per-administrator arrays (``state.administrators``)."""
        return self.state.administrators

    @property
    def classes(self) -> ClassState:
        """Per-class arrays (``state.classes``)."""
        return self.state.classes

    @property
    def student_teacher(self) -> np.ndarray:
        """Teacher row of each student (``state.roster.student_teacher``)."""
        return self.state.roster.student_teacher

    @property
    def policy(self) -> Policy:
        """Switches and modes in force (``state.policy``)."""
        return self.state.policy

    @property
    def levers(self) -> Levers:
        """Budget levers in force (``state.levers``)."""
        return self.state.levers

    @property
    def pacing_hours(self) -> np.ndarray:
        """Teacher hours this week managing the spread of positions."""
        return self.state.this_week.pacing_hours

    @property
    def coaching_weekly(self) -> np.ndarray:
        """Coaching hours each teacher gets each week this term."""
        return self.state.term.coaching_weekly

    @property
    def annual_cost(self) -> dict[str, float]:
        """Current annual policy cost per student, by item."""
        return self.state.accounts.annual_cost

    @property
    def spending_per_student(self) -> float:
        """Spent so far per student."""
        return self.state.accounts.spending_per_student

    @property
    def evaluations(self) -> list[dict[str, Any]]:
        """Records of the adaptive term-end evaluations."""
        return self.state.accounts.evaluations

    @property
    def weeks_per_term(self) -> int:
        """Teaching weeks per term."""
        return self.params.institution.weeks_per_term

    @property
    def weeks_per_year(self) -> int:
        """Teaching weeks per year."""
        return self.params.weeks_per_year

    @property
    def horizon(self) -> int:
        """Weeks of the scenario (``institution.years``); ``running`` turns False there."""
        return self.params.weeks_per_year * self.params.institution.years

    # --- stepping ----------------------------------------------------------------------------
    def training_hours_this_week(self) -> np.ndarray:
        """Hours of each teacher's weekly time budget spent in coaching and PLC meetings."""
        return teaching.training_hours(self.state)

    def step(self) -> None:
        """Advance one teaching week through the submodels, then observe."""
        for _, submodel in self.submodels:
            submodel(self.params, self.state, self.streams)
        self.state.week += 1
        self.running = self.week < self.horizon  # Mesa's run_model and batch_run stop here
        self._observe()

    def run_weeks(self, weeks: int, progress: Callable[[int], None] | None = None) -> None:
        """Step ``weeks`` times, calling ``progress(week)`` after each step."""
        for _ in range(weeks):
            self.step()
            if progress is not None:
                progress(self.week)

    def _observe(self) -> None:
        self.metrics = observation.metrics(self.params, self.state)
        self.datacollector.collect(self)
        if self.keep_snapshots and (self.week == 0 or self.week % self.weeks_per_term == 0):
            self.snapshots.append(observation.student_snapshot(self.state))
            self.teacher_snapshots.append(observation.teacher_snapshot(self.state))

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
        return survey_table(self.latent_factors(), self.params.survey.item_noise_sd,
                            week=self.week)

    def release(self) -> None:
        """Drop this model's agent-id counter now instead of at garbage collection.

        Mesa 3.3.1 keeps a strong per-model counter in ``Agent._ids`` that leaks every model; the
        agents here use weak counters (``simulation.agents.InstitutionAgent``), so finished models
        are collected without this call. It also clears any strong entry Mesa's base class made.
        """
        InstitutionAgent._ids.pop(self, None)
        mesa.Agent._ids.pop(self, None)
