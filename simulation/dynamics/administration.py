"""Submodels 1 and 7, administrators: term-start allocation and term-end evaluation.

At each term start the administrators' factors set how the institution acts this term:
``vision`` (visionary leadership) pushes teachers' adoption; ``culture`` (digital-age learning
culture) sets the share of bought resources actually deployed; ``excellence`` (in professional
practice) sets training quality; ``systemic`` (systemic improvement) sets how well the term-end
evaluation reads the data and how far it moves money. Leadership training raises administrators'
factors. Devices are assigned (universal: by lot; need-based: students without home access first,
poorest first), workshops are delivered, coaching and PLC hours are scheduled, project groups are
drawn.

At each term end, with adaptive allocation, administrators read three noisy signals (teachers'
unmet preparedness, unmet adoption, students without access) and move up to
``reallocation_rate x systemic`` of the discretionary budget to the lever answering the largest one:
workshops, coaching or devices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.costs import annual_costs
from simulation.state import factor_level

if TYPE_CHECKING:
    from simulation.model import PersonalizedLearningModel

LEADERSHIP_KEYS = ("vision", "culture", "excellence", "systemic")



def read_leadership(model: PersonalizedLearningModel) -> None:
    """Institution-level leadership indices (0-1) from the administrators' factors."""
    levels = factor_level(model.administrator_state.factors).mean(axis=0)
    model.leadership = dict(zip(LEADERSHIP_KEYS, (float(x) for x in levels), strict=True))
    lv = model.values["leadership"]
    floor = lv["culture_deployment_floor"]
    model.deployment = floor + (1.0 - floor) * model.leadership["culture"]
    model.training_quality = max(
        0.2, 1.0 + lv["training_quality_weight"] * (model.leadership["excellence"] - 0.6))


def assign_devices(model: PersonalizedLearningModel) -> None:
    """Give institution devices to students in priority order; recompute access."""
    s, v = model.student_state, model.values
    n = s.achievement.shape[0]
    count = int(round(model.levers.device_ratio * n * model.deployment))
    s.has_device[:] = False
    if count:
        s.has_device[model.device_priority[:count]] = True
    s.access = np.where(s.home_access | s.has_device, 1.0,
                        v["resources"]["partial_access_share"])


def schedule_training(model: PersonalizedLearningModel) -> None:
    """Deliver this term's workshops; schedule weekly coaching and PLC hours."""
    t, v, lev = model.teacher_state, model.values, model.levers
    tr = v["training"]
    terms = v["institution"]["terms_per_year"]
    weeks_per_year = terms * v["institution"]["weeks_per_term"]
    trained = t.trained.astype(float)
    model.workshop_due = trained * lev.workshop_hours / terms
    coverage = max(tr["coverage"], 1e-9)
    coach_hours = min(lev.coaching_hours, lev.coaches_per_teacher * tr["coach_capacity_hours"]
                      / coverage)
    t.coached = t.trained & (coach_hours > 0)
    model.coaching_weekly = t.coached * coach_hours / weeks_per_year
    model.plc_weekly = trained * tr["plc_hours"] / weeks_per_year
    t.know_how += model.workshop_due * model.training_quality


def draw_project_groups(model: PersonalizedLearningModel) -> None:
    """Random collaborative groups of ``group_size`` within each class (global ids)."""
    s, c = model.student_state, model.classes
    g = int(model.values["learning"]["group_size"])
    order = np.lexsort((model.streams["groups"].random(s.class_id.shape[0]), s.class_id))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0]) - c.start[s.class_id[order]]
    per_class = -(-c.size // g)
    offset = np.concatenate([[0], np.cumsum(per_class)[:-1]])
    s.group_id = (offset[s.class_id] + rank // g).astype(np.int32)
    model.n_project_groups = int(per_class.sum())


def train_leaders(model: PersonalizedLearningModel) -> None:
    """Leadership training for administrators, delivered at term start."""
    tr = model.values["training"]
    hours = tr["leadership_hours"] / model.values["institution"]["terms_per_year"]
    if hours > 0:
        theta = model.administrator_state.factors
        theta += tr["gain_per_hour"] * hours * (4.5 - theta) / 3.5
        np.clip(theta, 0.5, 4.5, out=theta)


def start_term(model: PersonalizedLearningModel) -> None:
    """Term-start administration (runs in the first week of each term)."""
    if model.week % model.weeks_per_term:
        return
    train_leaders(model)
    read_leadership(model)
    assign_devices(model)
    schedule_training(model)
    draw_project_groups(model)
    model.annual_cost = annual_costs(model.levers.apply(model.values))


def end_term(model: PersonalizedLearningModel) -> None:
    """Term-end evaluation; with adaptive allocation, move money between levers."""
    if (model.week + 1) % model.weeks_per_term or not model.policy.adaptive_allocation:
        return
    t, s, v = model.teacher_state, model.student_state, model.values
    av, tv, tr, cost = v["administrators"], v["teachers"], v["training"], v["costs"]
    systemic = model.leadership["systemic"]
    rng = model.streams["evaluation"]
    signals = np.array([
        1.0 - factor_level(t.preparedness).mean(),
        1.0 - t.adoption.mean() / tv["max_adoption"],
        1.0 - s.access.mean(),
    ]) + av["evaluation_noise_sd"] * (1.0 - systemic) * rng.standard_normal(3)
    n, m = s.achievement.shape[0], t.adoption.shape[0]
    trained = max(int(t.trained.sum()), 1)
    lev = model.levers
    money = np.array([
        lev.workshop_hours * trained * cost["training_hour"],
        lev.coaches_per_teacher * m * cost["coach_salary"],
        lev.device_ratio * n * cost["device"] / cost["device_life_years"],
    ])
    costs_now = annual_costs(lev.apply(v))
    fixed = costs_now["total_per_student"] * n - money.sum()  # licences, PLC, staff, leaders
    discretionary = max(av["budget_per_student"] * n - fixed, 0.0)
    shift = av["reallocation_rate"] * systemic
    target = np.zeros(3)
    target[int(np.argmax(signals))] = discretionary
    money = (1.0 - shift) * money + shift * target
    lev.workshop_hours = min(money[0] / (trained * cost["training_hour"]), 100.0)
    lev.coaches_per_teacher = min(money[1] / (m * cost["coach_salary"]), 0.5)
    lev.coaching_hours = min(lev.coaches_per_teacher * tr["coach_capacity_hours"]
                             / max(tr["coverage"], 1e-9), 80.0)
    lev.device_ratio = min(money[2] / (n * cost["device"] / cost["device_life_years"]), 1.0)
    model.evaluations.append({"week": model.week + 1, "signals": signals.round(4).tolist(),
                              "workshop_hours": lev.workshop_hours,
                              "coaches_per_teacher": lev.coaches_per_teacher,
                              "device_ratio": lev.device_ratio})
