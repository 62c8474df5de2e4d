"""Each mechanism switched on alone moves its outputs in the direction its source says.

Every test runs paired replicates (common random numbers: the same seeds for both arms) of a small
institution over one year and compares the replicate means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest

from simulation import PersonalizedLearningModel, load_scenario

SMALL = {"institution.n_students": 400, "administrators.budget_per_student": 100000.0}
SEEDS = (0, 1, 2)


def _measure(over: Mapping[str, Any], read: Callable[[PersonalizedLearningModel], float],
             weeks: int = 36, scenario: str = "baseline_guangdong_2024") -> np.ndarray:
    values = []
    for seed in SEEDS:
        model = PersonalizedLearningModel(scenario=load_scenario(scenario, {**SMALL, **over}),
                                          seed=seed, snapshots=False)
        model.run_weeks(weeks)
        values.append(read(model))
    return np.array(values)


def achievement(m: PersonalizedLearningModel) -> float:
    return float(m.student_state.achievement.mean())


def engagement(m: PersonalizedLearningModel) -> float:
    return float(m.metrics["engagement_mean"])


def preparedness(m: PersonalizedLearningModel) -> float:
    return float(m.teacher_state.preparedness.mean())


def _effect(alt: Mapping[str, Any], read: Callable, base: Mapping[str, Any] | None = None,
            **kw: Any) -> np.ndarray:
    return _measure(alt, read, **kw) - _measure(base or {}, read, **kw)


FEEDBACK = {"practices.personalized_feedback": True}
DIFFERENTIATED = {"practices.differentiated_instruction": True}


# --- pacing ---------------------------------------------------------------------------------------
def test_mastery_pacing_raises_achievement_over_lockstep() -> None:  # Bloom 1984
    assert (_effect({"pacing.mode": "mastery"}, achievement) > 0.05).all()


def test_flexible_pacing_raises_achievement_over_lockstep() -> None:
    assert (_effect({"pacing.mode": "flexible"}, achievement) > 0.02).all()


def test_self_pacing_widens_the_gain_gap_between_high_and_low_self_regulation() -> None:
    # Xu & Jaggars 2014; Bettinger et al. 2017: autonomy helps the self-regulated most
    def sr_gap(m: PersonalizedLearningModel) -> float:
        s = m.student_state
        high = s.self_regulation >= np.median(s.self_regulation)
        gain = s.achievement - s.prior_achievement
        return float(gain[high].mean() - gain[~high].mean())

    assert (_effect({"pacing.mode": "self_paced"}, sr_gap) > 0.02).all()


def test_mastery_pacing_costs_teacher_time_that_lockstep_does_not() -> None:
    hours = _measure({"pacing.mode": "mastery"}, lambda m: float(m.pacing_hours.mean()))
    assert (hours > 0).all()
    assert (_measure({}, lambda m: float(m.pacing_hours.mean())) == 0).all()


# --- student learning practices -------------------------------------------------------------------
def test_personalized_feedback_raises_achievement() -> None:  # Hattie & Timperley 2007
    assert (_effect(FEEDBACK, achievement) > 0.02).all()


def test_analytics_tools_improve_diagnosis_and_so_feedback_gains() -> None:
    noise = _measure({**FEEDBACK, "resources.analytics_tools": True},
                     lambda m: float(m.teacher_state.diagnostic_noise.mean()))
    assert (noise < _measure(FEEDBACK, lambda m: float(m.teacher_state.diagnostic_noise.mean()))
            ).all()
    assert (_effect({**FEEDBACK, "resources.analytics_tools": True}, achievement, FEEDBACK)
            > 0).all()


def test_differentiated_instruction_raises_achievement() -> None:  # Deunk et al. 2018
    assert (_effect(DIFFERENTIATED, achievement) > 0.01).all()


def test_differentiation_helps_more_when_teachers_read_students_better() -> None:
    accurate = _effect({**DIFFERENTIATED, "teachers.diagnostic_noise_sd": 0.5}, achievement,
                       {"teachers.diagnostic_noise_sd": 0.5})
    noisy = _effect({**DIFFERENTIATED, "teachers.diagnostic_noise_sd": 2.0}, achievement,
                    {"teachers.diagnostic_noise_sd": 2.0})
    assert (accurate > noisy).all()


def test_interest_matching_raises_engagement() -> None:  # Hidi & Renninger 2006
    assert (_effect({"practices.interest_matching": True}, engagement) > 0.01).all()


def test_self_directed_plans_help_the_self_regulated_and_grow_self_regulation() -> None:
    plans = {"practices.self_directed_plans": True}

    def gain_by_sr(high: bool) -> Callable[[PersonalizedLearningModel], float]:
        def read(m: PersonalizedLearningModel) -> float:
            s = m.student_state
            mask = s.self_regulation >= 0.6 if high else s.self_regulation <= 0.35
            return float((s.achievement - s.prior_achievement)[mask].mean())
        return read

    assert (_effect(plans, gain_by_sr(True)) > _effect(plans, gain_by_sr(False))).all()
    sr = _effect(plans, lambda m: float(m.student_state.self_regulation.mean()))
    assert (sr > 0).all()


def test_adaptive_platform_raises_achievement_only_where_students_have_access() -> None:
    platform = {"resources.adaptive_platform": True}  # VanLehn 2011

    def gain(home: bool) -> Callable[[PersonalizedLearningModel], float]:
        def read(m: PersonalizedLearningModel) -> float:
            s = m.student_state
            return float(s.achievement[s.home_access == home].mean())
        return read

    with_access = _effect(platform, gain(True))
    without = _effect(platform, gain(False))
    assert (with_access > 0.03).all() and (with_access > without).all()


def test_devices_for_students_without_access_let_them_use_the_platform() -> None:
    platform = {"resources.adaptive_platform": True}
    devices = {**platform, "resources.device_ratio": 0.3,
               "resources.device_targeting": "need_based"}

    def no_home_access(m: PersonalizedLearningModel) -> float:
        s = m.student_state
        return float(s.achievement[~s.home_access].mean())

    assert (_effect(devices, no_home_access, platform) > 0.01).all()


def test_need_based_devices_narrow_the_access_gap_more_than_universal() -> None:
    kw = {"resources.adaptive_platform": True, "resources.device_ratio": 0.2}
    need = _measure({**kw, "resources.device_targeting": "need_based"},
                    lambda m: m.metrics["gap_access"])
    universal = _measure({**kw, "resources.device_targeting": "universal"},
                         lambda m: m.metrics["gap_access"])
    assert (need < universal).all()


def test_collaborative_projects_grow_communication_and_engagement() -> None:
    projects = {"practices.collaborative_projects": True}  # Cohen, Kulik & Kulik 1982
    comm = _effect(projects, lambda m: float(m.student_state.competencies[:, 1].mean()))
    assert (comm > 0.02).all()
    assert (_effect(projects, engagement) > 0).all()


def test_learning_style_matching_changes_nothing_at_the_evidence_default() -> None:
    # Pashler et al. 2008: no evidence for meshing; effect zero unless set as a what-if
    styles = {"practices.learning_style_matching": True}
    assert (_effect(styles, achievement) == 0).all()
    what_if = {**styles, "learning.style_matching_effect": 0.2}
    assert (_effect(what_if, achievement) > 0).all()


# --- teachers -------------------------------------------------------------------------------------
def test_coaching_grows_preparedness_more_than_the_same_hours_of_workshops() -> None:
    # Kraft, Blazar & Hogan 2018 versus Yoon et al. 2007
    coaching = _effect({**FEEDBACK, "training.coaching_hours": 40,
                        "training.coaches_per_teacher": 0.1}, preparedness, FEEDBACK)
    workshops = _effect({**FEEDBACK, "training.workshop_hours": 40}, preparedness, FEEDBACK)
    assert (coaching > workshops + 0.05).all()


def test_short_workshops_change_preparedness_much_less_than_long_ones() -> None:
    short = _effect({"training.workshop_hours": 10}, preparedness)
    long = _effect({"training.workshop_hours": 50}, preparedness)
    assert (short < 0.03).all() and (long > 2.5 * short).all()


def test_professional_learning_communities_grow_preparedness() -> None:  # Lynch et al. 2019
    assert (_effect({"training.plc_hours": 30}, preparedness) > 0.02).all()


def test_coaching_raises_adoption_of_personalized_practice() -> None:
    adoption = _effect({**FEEDBACK, "training.coaching_hours": 40,
                        "training.coaches_per_teacher": 0.1},
                       lambda m: float(m.teacher_state.adoption.mean()), FEEDBACK)
    assert (adoption > 0.02).all()


def test_workload_above_the_time_budget_builds_stress_that_cuts_adoption() -> None:
    busy = {**FEEDBACK, **DIFFERENTIATED, "practices.collaborative_projects": True,
            "teachers.prep_hours_per_week": 2.0, "teachers.overtime_tolerance": 0.6}
    relaxed = {**busy, "teachers.prep_hours_per_week": 20.0}
    stress = _effect(busy, lambda m: float(m.teacher_state.stress.mean()), relaxed)
    adoption = _effect(busy, lambda m: float(m.teacher_state.adoption.mean()), relaxed)
    assert (stress > 0.05).all() and (adoption < 0).all()


def test_smaller_classes_sharpen_diagnosis_and_cheapen_feedback() -> None:
    small = {"resources.class_size": 25}
    noise = _effect(small, lambda m: float(m.teacher_state.diagnostic_noise.mean()))
    assert (noise < 0).all()
    load = _effect({**small, **FEEDBACK}, lambda m: float(m.teacher_state.workload_ratio.mean()),
                   FEEDBACK)
    assert (load < 0).all()


# --- administrators -------------------------------------------------------------------------------
def test_visionary_leadership_raises_adoption() -> None:
    strong = {**FEEDBACK, "administrators.visionary_leadership_mean": 3.4,
             "administrators.visionary_leadership_sd": 0.7}
    adoption = _effect(strong, lambda m: float(m.teacher_state.adoption.mean()), FEEDBACK)
    assert (adoption > 0.01).all()


def test_digital_culture_deploys_more_of_the_devices_bought() -> None:
    devices = {"resources.device_ratio": 0.5}
    strong = {**devices, "administrators.digital_age_learning_culture_mean": 3.4,
             "administrators.digital_age_learning_culture_sd": 0.7}
    deployed = _effect(strong, lambda m: float(m.student_state.has_device.mean()), devices)
    assert (deployed > 0.02).all()


def test_excellence_in_professional_practice_makes_training_work_better() -> None:
    training = {"training.workshop_hours": 30, "training.plc_hours": 20}
    strong = {**training, "administrators.excellence_professional_practice_mean": 3.4,
             "administrators.excellence_professional_practice_sd": 0.7}
    assert (_effect(strong, preparedness, training) > 0).all()


def test_adaptive_allocation_moves_money_more_with_stronger_systemic_improvement() -> None:
    adaptive = {"administrators.allocation": "adaptive", "training.workshop_hours": 20,
                "resources.device_ratio": 0.1, "administrators.budget_per_student": 300.0}

    def moved(m: PersonalizedLearningModel) -> float:
        lev = m.levers
        return abs(lev.workshop_hours - 20) / 20 + abs(lev.device_ratio - 0.1) / 0.1 + \
            lev.coaches_per_teacher * 10

    strong = _measure({**adaptive, "administrators.systemic_improvement_mean": 3.3,
             "administrators.systemic_improvement_sd": 0.7}, moved)
    weak = _measure({**adaptive, "administrators.systemic_improvement_mean": 1.8,
             "administrators.systemic_improvement_sd": 0.7}, moved)
    fixed = _measure({**adaptive, "administrators.allocation": "fixed"}, moved)
    assert (fixed == 0).all() and (strong > weak).all()


def test_leadership_training_raises_administrator_preparedness() -> None:
    effect = _effect({"training.leadership_hours": 40},
                     lambda m: float(m.administrator_state.factors.mean()))
    assert (effect > 0.1).all()


# --- growth visible in the survey -----------------------------------------------------------------
def test_full_model_moves_every_groups_survey_means_up_within_a_year() -> None:
    model = PersonalizedLearningModel(scenario=load_scenario("ding_full_model", SMALL), seed=0)
    before = model.survey().set_index(["group", "factor_id"])["mean"]
    model.run_weeks(36)
    after = model.survey().set_index(["group", "factor_id"])["mean"]
    for group in ("students", "teachers", "administrators"):
        assert after[(group, "overall")] > before[(group, "overall")] + 0.05, group


# --- plausibility against the literature ----------------------------------------------------------
def test_one_to_one_tutoring_lands_near_vanlehns_079_sd_over_a_year() -> None:
    effects = []
    for seed in range(4):
        base = PersonalizedLearningModel(scenario="baseline_guangdong_2024", seed=seed,
                                         snapshots=False)
        tutoring = PersonalizedLearningModel(scenario="tutoring_one_to_one", seed=seed,
                                             snapshots=False)
        base.run_weeks(36)
        tutoring.run_weeks(36)
        effects.append(tutoring.student_state.achievement.mean()
                       - base.student_state.achievement.mean())
    assert 0.6 <= np.mean(effects) <= 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_status_quo_survey_stays_within_015_of_the_paper_over_a_year(seed: int) -> None:
    model = PersonalizedLearningModel(scenario="baseline_guangdong_2024", seed=seed)
    start = model.survey()
    for _ in range(36):
        model.step()
        drift = (model.survey()["mean"] - start["mean"]).abs().max()
        assert drift <= 0.15, f"week {model.week}: survey drifted {drift:.3f}"


# --- costs of autonomy and the whole-class band (evidence calibration rows) -------------------
def _quartile_effect(over: Mapping[str, Any], quartile: int,
                     base: Mapping[str, Any] | None = None) -> np.ndarray:
    def read(m: PersonalizedLearningModel) -> float:
        s = m.student_state
        return float(s.achievement[s.prior_quartile == quartile].mean())
    return _effect(over, read, base=base, weeks=18)


SELF_PACED = {"pacing.mode": "self_paced"}


def test_autonomy_cost_hurts_the_bottom_quartile_more_than_the_top() -> None:
    # Bettinger et al. 2017; Xu & Jaggars 2014: self-paced formats cost weaker students most
    free = {"learning.autonomy_cost": 0.0}
    costly = {"learning.autonomy_cost": 0.9}
    bottom = _quartile_effect({**SELF_PACED, **costly}, 0, base={**SELF_PACED, **free})
    top = _quartile_effect({**SELF_PACED, **costly}, 3, base={**SELF_PACED, **free})
    assert (bottom < -0.1).all()
    assert (bottom < top - 0.05).all()


def test_autonomy_cost_leaves_teacher_led_lockstep_untouched() -> None:
    effect = _effect({"learning.autonomy_cost": 0.0}, achievement)
    assert np.allclose(effect, 0.0, atol=0.0)


def test_whole_class_band_closes_gaps_inside_it_and_shrinks_those_outside() -> None:
    from simulation.dynamics.learning import whole_class_gap
    params = load_scenario("baseline_guangdong_2024", {"learning.whole_class_breadth": 0.3}).params
    gaps = np.array([-1.2, -0.2, 0.0, 0.25, 1.0])
    assert whole_class_gap(params, gaps) == pytest.approx([-0.9, 0.0, 0.0, 0.0, 0.7])
    off = load_scenario("baseline_guangdong_2024").params
    assert whole_class_gap(off, gaps) is gaps


def test_whole_class_band_helps_the_tails_of_a_lockstep_class_most() -> None:
    band = {"learning.whole_class_breadth": 0.5}
    bottom = _quartile_effect(band, 0)
    middle = _quartile_effect(band, 1)
    assert (bottom > middle).all() and (bottom > 0).all()
