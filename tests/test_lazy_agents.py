"""Mesa agents are made on demand: a model used through its arrays builds none."""

from __future__ import annotations

import mesa

from simulation import PersonalizedLearningModel, load_scenario
from simulation.agents import Administrator, Student, Teacher


def _model() -> PersonalizedLearningModel:
    scenario = load_scenario("ding_full_model", {"institution.n_students": 300})
    return PersonalizedLearningModel(scenario=scenario, seed=3, snapshots=True)


def test_a_model_used_only_through_arrays_builds_no_student_agents() -> None:
    model = _model()
    model.run_weeks(model.weeks_per_term)
    model.timeseries()
    model.snapshots_dataframe()
    model.survey()
    assert not model.agents_made
    assert len(model._agents) == 0  # nothing registered with Mesa


def test_accessing_model_agents_gives_every_student_teacher_and_administrator() -> None:
    model = _model()
    model.run_weeks(3)
    agents = model.agents
    assert model.agents_made
    s = model.state
    n, m, a = (s.students.achievement.shape[0], s.teachers.adoption.shape[0],
               s.administrators.factors.shape[0])
    assert len(agents) == n + m + a
    students = model.agents_by_type[Student]
    assert [x.row for x in students] == list(range(n))
    assert [x.unique_id for x in agents] == list(range(1, n + m + a + 1))
    assert students.get("achievement") == s.students.achievement.tolist()
    assert len(model.agents_by_type[Teacher]) == m
    assert len(model.agents_by_type[Administrator]) == a
    assert model.agents is agents  # made once


def test_lazy_agents_match_agents_made_at_construction_order_and_ids() -> None:
    lazy = _model()
    lazy.run_weeks(2)
    eager = _model()
    eager.agents  # noqa: B018 - made before stepping
    eager.run_weeks(2)
    assert ([(type(x).__name__, x.unique_id, x.row) for x in lazy.agents]
            == [(type(x).__name__, x.unique_id, x.row) for x in eager.agents])
    assert (lazy.agents_by_type[Student].get("achievement")
            == eager.agents_by_type[Student].get("achievement"))


def test_an_agent_a_user_adds_comes_after_the_institutions_agents() -> None:
    model = _model()
    extra = mesa.Agent(model)
    assert model.agents_made  # registering made the institution's agents first
    n = len(model.student_agents) + len(model.teacher_agents) + len(model.administrator_agents)
    assert len(model.agents) == n + 1
    assert list(model.agents)[-1] is extra
    assert model.student_agents[0].unique_id == 1
    model.release()  # a plain mesa.Agent keeps its model in Mesa's strong id registry
