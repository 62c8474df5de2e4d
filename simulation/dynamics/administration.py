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
workshops, coaching or devices, never past the levers' registry bounds.
"""

from __future__ import annotations

import numpy as np

from simulation.costs import annual_costs
from simulation.parameters import REGISTRY
from simulation.params import Params
from simulation.scales import factor_level
from simulation.state import InstitutionState, Streams

LEADERSHIP_KEYS = ("vision", "culture", "excellence", "systemic")


def _high(name: str) -> float:
    """Upper bound of a lever in the registry (a reallocation never moves past it)."""
    high = REGISTRY[name].high
    assert high is not None, name
    return high


def read_leadership(params: Params, state: InstitutionState) -> None:
    """Institution-level leadership indices (0-1) from the administrators' factors.

    Reads the administrators' factors; writes ``term.leadership``, ``deployment`` and
    ``training_quality``.
    """
    levels = factor_level(state.administrators.factors).mean(axis=0)
    term = state.term
    term.leadership = dict(zip(LEADERSHIP_KEYS, (float(x) for x in levels), strict=True))
    lv = params.leadership
    floor = lv.culture_deployment_floor
    term.deployment = floor + (1.0 - floor) * term.leadership["culture"]
    term.training_quality = max(
        0.2, 1.0 + lv.training_quality_weight * (term.leadership["excellence"] - 0.6))


def assign_devices(params: Params, state: InstitutionState) -> None:
    """Give institution devices to students in priority order; recompute access.

    Reads the device lever, deployment, ``resources.device_targeting`` (the order) and home
    access; writes ``students.has_device`` and ``access``.
    """
    s = state.students
    n = s.achievement.shape[0]
    count = int(round(state.levers.device_ratio * n * state.term.deployment))
    s.has_device[:] = False
    if count:
        priority = state.roster.device_orders[params.resources.device_targeting]
        s.has_device[priority[:count]] = True
    s.access = np.where(s.home_access | s.has_device, 1.0, params.resources.partial_access_share)


def schedule_training(params: Params, state: InstitutionState) -> None:
    """Deliver this term's workshops; schedule weekly coaching and PLC hours.

    Reads the training levers and parameters, who is trained; writes ``term.workshop_due``,
    ``coaching_weekly``, ``plc_weekly``, ``teachers.coached`` and ``know_how``.
    """
    t, lev, term = state.teachers, state.levers, state.term
    tr = params.training
    terms = params.institution.terms_per_year
    weeks_per_year = terms * params.institution.weeks_per_term
    trained = t.trained.astype(float)
    term.workshop_due = trained * lev.workshop_hours / terms
    coverage = max(tr.coverage, 1e-9)
    coach_hours = min(lev.coaching_hours, lev.coaches_per_teacher * tr.coach_capacity_hours
                      / coverage)
    t.coached = t.trained & (coach_hours > 0)
    term.coaching_weekly = t.coached * coach_hours / weeks_per_year
    term.plc_weekly = trained * tr.plc_hours / weeks_per_year
    t.know_how += term.workshop_due * term.training_quality


def draw_project_groups(params: Params, state: InstitutionState, streams: Streams) -> None:
    """Random collaborative groups of ``group_size`` within each class (global ids).

    Writes ``students.group_id`` and ``term.n_project_groups``; draws from ``streams.groups``.
    """
    s, c = state.students, state.classes
    g = params.learning.group_size
    order = np.lexsort((np.asarray(streams.groups.random(s.class_id.shape[0])), s.class_id))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0]) - c.start[s.class_id[order]]
    per_class = -(-c.size // g)
    offset = np.concatenate([[0], np.cumsum(per_class)[:-1]])
    s.group_id = (offset[s.class_id] + rank // g).astype(np.int32)
    state.term.n_project_groups = int(per_class.sum())


def train_leaders(params: Params, state: InstitutionState) -> None:
    """Leadership training for administrators, delivered at term start (writes their factors)."""
    tr = params.training
    hours = tr.leadership_hours / params.institution.terms_per_year
    if hours > 0:
        theta = state.administrators.factors
        theta += tr.gain_per_hour * hours * (4.5 - theta) / 3.5
        np.clip(theta, 0.5, 4.5, out=theta)


def start_term(params: Params, state: InstitutionState, streams: Streams) -> None:
    """Term-start administration (runs in the first week of each term).

    Runs ``train_leaders``, ``read_leadership``, ``assign_devices``, ``schedule_training`` and
    ``draw_project_groups`` (it reads and writes what they read and write; draws from
    ``streams.groups``), then re-costs the policies: writes ``accounts.annual_cost``.
    """
    if state.week % params.institution.weeks_per_term:
        return
    train_leaders(params, state)
    read_leadership(params, state)
    assign_devices(params, state)
    schedule_training(params, state)
    draw_project_groups(params, state, streams)
    state.accounts.annual_cost = annual_costs(params, state.levers)


def end_term(params: Params, state: InstitutionState, streams: Streams) -> None:
    """Term-end evaluation; with adaptive allocation, move money between levers.

    Reads teachers' preparedness and adoption, students' access, the levers, the costs and the
    term's leadership; writes ``levers`` and appends to ``accounts.evaluations``; draws from
    ``streams.evaluation``.
    """
    if (state.week + 1) % params.institution.weeks_per_term or not state.policy.adaptive_allocation:
        return
    t, s = state.teachers, state.students
    av, tv, tr, cost = params.administrators, params.teachers, params.training, params.costs
    systemic = state.term.leadership["systemic"]
    rng = streams.evaluation
    signals = np.array([
        1.0 - factor_level(t.preparedness).mean(),
        1.0 - t.adoption.mean() / tv.max_adoption,
        1.0 - s.access.mean(),
    ]) + av.evaluation_noise_sd * (1.0 - systemic) * rng.standard_normal(3)
    n, m = s.achievement.shape[0], t.adoption.shape[0]
    trained = max(int(t.trained.sum()), 1)
    lev = state.levers
    money = np.array([
        lev.workshop_hours * trained * cost.training_hour,
        lev.coaches_per_teacher * m * cost.coach_salary,
        lev.device_ratio * n * cost.device / cost.device_life_years,
    ])
    costs_now = annual_costs(params, lev)
    fixed = costs_now["total_per_student"] * n - money.sum()  # licences, PLC, staff, leaders
    discretionary = max(av.budget_per_student * n - fixed, 0.0)
    shift = av.reallocation_rate * systemic
    target = np.zeros(3)
    target[int(np.argmax(signals))] = discretionary
    money = (1.0 - shift) * money + shift * target
    lev.workshop_hours = min(money[0] / (trained * cost.training_hour),
                             _high("training.workshop_hours"))
    lev.coaches_per_teacher = min(money[1] / (m * cost.coach_salary),
                                  _high("training.coaches_per_teacher"))
    lev.coaching_hours = min(lev.coaches_per_teacher * tr.coach_capacity_hours
                             / max(tr.coverage, 1e-9), _high("training.coaching_hours"))
    lev.device_ratio = min(money[2] / (n * cost.device / cost.device_life_years),
                           _high("resources.device_ratio"))
    state.accounts.evaluations.append({
        "week": state.week + 1, "signals": signals.round(4).tolist(),
        "workshop_hours": lev.workshop_hours, "coaches_per_teacher": lev.coaches_per_teacher,
        "device_ratio": lev.device_ratio})
