"""Unit costs of the policy levers: what a scenario's choices cost per student per year.

Costs are incremental over the status quo: the existing staff at ``resources.funded_class_size``
costs nothing extra; every workshop hour, coach, device, licence and extra teacher does. Practices
with a price (the adaptive platform's licence, tutors) carry it in their object
(``simulation.practices``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from simulation import practices
from simulation.params import Params

if TYPE_CHECKING:
    from simulation.state import Levers

Values = Mapping[str, Mapping[str, Any]]

COST_ITEMS: tuple[str, ...] = (
    "training", "coaching", "leadership", "devices", "platform", "analytics", "extra_teachers",
    "tutors",
)
"""Cost items in the order they are reported and summed (practices registered later follow)."""


def _params(params: Params | Values) -> Params:
    return params if isinstance(params, Params) else Params.from_values(params)


def staffing(params: Params | Values) -> tuple[int, int, int]:
    """``(n_classes, n_teachers, funded_teachers)`` implied by a scenario's parameters.

    ``params`` is a :class:`~simulation.params.Params` or a scenario's ``values``.
    """
    p = _params(params)
    n = p.institution.n_students
    per = p.institution.classes_per_teacher
    n_classes = max(1, math.ceil(n / p.resources.class_size))
    n_teachers = max(1, math.ceil(n_classes / per))
    funded_classes = max(1, math.ceil(n / p.resources.funded_class_size))
    funded_teachers = max(1, math.ceil(funded_classes / per))
    return n_classes, n_teachers, funded_teachers


def annual_costs(params: Params | Values, levers: Levers | None = None) -> dict[str, float]:
    """Annual cost per student of each lever and in total (currency units per student per year).

    Parameters
    ----------
    params
        Typed parameters, or ``{section: {key: value}}`` as held by a
        :class:`~simulation.scenario.Scenario`.
    levers
        The model's current (possibly reallocated) budget levers, replacing the scenario's.
    """
    p = _params(params)
    if levers is not None:
        p = levers.apply(p)
    inst, tr, res, cost = p.institution, p.training, p.resources, p.costs
    n = float(inst.n_students)
    _, n_teachers, funded = staffing(p)
    trained = tr.coverage * n_teachers
    items: dict[str, float] = {
        "training": (tr.workshop_hours + tr.plc_hours) * trained * cost.training_hour / n,
        "coaching": tr.coaches_per_teacher * n_teachers * cost.coach_salary / n,
        "leadership": tr.leadership_hours * inst.n_administrators * cost.leadership_hour / n,
        "devices": res.device_ratio * cost.device / cost.device_life_years,
        "analytics": cost.analytics_licence if res.analytics_tools else 0.0,
        "extra_teachers": max(0, n_teachers - funded) * cost.teacher_salary / n,
    }
    for practice in practices.table():
        if practice.cost_item:
            items[practice.cost_item] = items.get(practice.cost_item, 0.0) + practice.cost(p)
    out = {k: items.pop(k) for k in COST_ITEMS}
    out.update(items)
    out["total_per_student"] = float(sum(out.values()))
    return out
