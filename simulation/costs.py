"""Unit costs of the policy levers: what a scenario's choices cost per student per year.

Costs are incremental over the status quo: the existing staff at ``resources.funded_class_size``
costs nothing extra; every workshop hour, coach, device, licence and extra teacher does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def staffing(values: Mapping[str, Mapping[str, Any]]) -> tuple[int, int, int]:
    """``(n_classes, n_teachers, funded_teachers)`` implied by a scenario's values."""
    inst, res = values["institution"], values["resources"]
    n = int(inst["n_students"])
    per = int(inst["classes_per_teacher"])
    n_classes = max(1, math.ceil(n / int(res["class_size"])))
    n_teachers = max(1, math.ceil(n_classes / per))
    funded_classes = max(1, math.ceil(n / int(res["funded_class_size"])))
    funded_teachers = max(1, math.ceil(funded_classes / per))
    return n_classes, n_teachers, funded_teachers


def annual_costs(values: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """Annual cost per student of each lever and in total (currency units per student per year).

    Parameters
    ----------
    values
        ``{section: {key: value}}`` as held by a :class:`~simulation.scenario.Scenario` (or the
        model's current, possibly reallocated, levers).
    """
    inst, tr, res, cost = (values[s] for s in ("institution", "training", "resources", "costs"))
    n = float(inst["n_students"])
    _, n_teachers, funded = staffing(values)
    trained = tr["coverage"] * n_teachers
    out = {
        "training": (tr["workshop_hours"] + tr["plc_hours"]) * trained * cost["training_hour"] / n,
        "coaching": tr["coaches_per_teacher"] * n_teachers * cost["coach_salary"] / n,
        "leadership": tr["leadership_hours"] * inst["n_administrators"] * cost["leadership_hour"]
        / n,
        "devices": res["device_ratio"] * cost["device"] / cost["device_life_years"],
        "platform": cost["platform_licence"] if res["adaptive_platform"] else 0.0,
        "analytics": cost["analytics_licence"] if res["analytics_tools"] else 0.0,
        "extra_teachers": max(0, n_teachers - funded) * cost["teacher_salary"] / n,
        # the idealized reference: one full-time tutor per student
        "tutors": cost["teacher_salary"] if values["practices"]["tutor_per_student"] else 0.0,
    }
    out["total_per_student"] = float(sum(out.values()))
    return out
