"""The model works with Mesa's own tools: agents, AgentSet, DataCollector, batch_run."""

from __future__ import annotations

import gc
import weakref

import mesa
import numpy as np

from simulation import PersonalizedLearningModel
from simulation.agents import Administrator, Student, Teacher


def _small(**kw) -> PersonalizedLearningModel:
    return PersonalizedLearningModel(seed=1, **{"institution.n_students": 200,
                                                "resources.class_size": 50, **kw})


def test_agents_by_type_hold_every_student_teacher_and_administrator() -> None:
    model = _small()
    assert len(model.agents_by_type[Student]) == 200
    assert len(model.agents_by_type[Teacher]) == 4
    assert len(model.agents_by_type[Administrator]) == 4
    assert len(model.agents) == 208
    model.release()


def test_agent_views_read_and_write_the_model_arrays_as_python_scalars() -> None:
    model = _small()
    student = model.agents_by_type[Student][5]
    assert isinstance(student.achievement, float)
    assert student.achievement == model.student_state.achievement[student.row]
    student.achievement = 1.5
    assert model.student_state.achievement[student.row] == 1.5
    assert isinstance(student.creativity_innovation, float)
    assert student.teacher.row == model.student_teacher[student.row]
    model.release()


def test_agentset_queries_agree_with_the_arrays() -> None:
    model = _small()
    model.run_weeks(3)
    students = model.agents_by_type[Student]
    assert np.isclose(students.agg("achievement", np.mean), model.student_state.achievement.mean())
    engaged = students.select(lambda a: a.engagement_affective > 0.6)
    assert len(engaged) == int((model.student_state.engagement_affective > 0.6).sum())
    by_class = students.groupby("class_id")
    assert len(by_class) == model.classes.size.shape[0]
    model.release()


def test_datacollector_agent_reporters_collect_no_missing_values() -> None:
    model = _small()
    collector = mesa.DataCollector(
        agent_reporters={"achievement": "achievement", "engagement": "engagement",
                         "tech": "technology_operations"},
        agenttype_reporters={Teacher: {"adoption": "adoption", "prep": "preparedness"}},
    )
    collector.collect(model)
    model.step()
    collector.collect(model)
    frame = collector.get_agent_vars_dataframe()
    assert len(frame) == 2 * 208
    students = frame.dropna(subset=["achievement"])
    assert len(students) == 2 * 200
    assert students[["achievement", "engagement", "tech"]].notna().all().all()
    teachers = collector.get_agenttype_vars_dataframe(Teacher)
    assert teachers[["adoption", "prep"]].notna().all().all()
    model.release()


def test_model_level_datacollector_has_one_row_per_week() -> None:
    model = _small()
    model.run_weeks(5)
    series = model.timeseries()
    assert list(series["week"]) == [0, 1, 2, 3, 4, 5]
    assert series.notna().all().all()
    model.release()


def test_mesa_batch_run_runs_the_model_with_dotted_and_underscore_parameters() -> None:
    results = mesa.batch_run(
        PersonalizedLearningModel,
        parameters={"institution__n_students": 100, "resources__class_size": 50,
                    "pacing__mode": ["lockstep", "mastery"], "seed": 3},
        iterations=1, max_steps=3, number_processes=1, display_progress=False,
    )
    assert len(results) == 2  # two pacing modes, final step of each
    assert {r["pacing__mode"] for r in results} == {"lockstep", "mastery"}


def test_finished_models_are_garbage_collected_without_any_cleanup_call() -> None:
    refs = []
    for seed in range(3):
        model = PersonalizedLearningModel(
            seed=seed, **{"institution.n_students": 100, "resources.class_size": 50})
        model.run_weeks(2)
        refs.append(weakref.ref(model))
        del model
    gc.collect()
    assert all(ref() is None for ref in refs)
    assert not any(isinstance(k, PersonalizedLearningModel) for k in mesa.Agent._ids)


def test_policy_change_during_a_run_alters_the_trajectory_and_no_change_does_not() -> None:
    from simulation import load_scenario

    kw = {"institution.n_students": 200, "resources.class_size": 50}
    untouched = PersonalizedLearningModel(seed=4, **kw)
    same = PersonalizedLearningModel(seed=4, **kw)
    changed = PersonalizedLearningModel(seed=4, **kw)
    for model in (untouched, same, changed):
        model.run_weeks(5)
    same.apply_policy(same.scenario)
    changed.apply_policy(load_scenario("baseline_guangdong_2024",
                                       {**kw, "practices.personalized_feedback": True}))
    for model in (untouched, same, changed):
        model.run_weeks(10)
    assert untouched.metrics == same.metrics
    assert changed.metrics["adoption_mean"] > 0
    assert changed.metrics["achievement_mean"] != untouched.metrics["achievement_mean"]


def test_policy_change_cannot_alter_who_is_in_the_institution() -> None:
    import pytest

    from simulation import ScenarioError, load_scenario

    model = PersonalizedLearningModel(seed=4, **{"institution.n_students": 200})
    model.step()
    with pytest.raises(ScenarioError, match="institution.n_students.*cannot change during a run"):
        model.apply_policy(load_scenario("baseline_guangdong_2024",
                                         {"institution.n_students": 400}))
