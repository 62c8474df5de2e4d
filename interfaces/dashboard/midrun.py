"""Applying a policy change to a model that is already running.

The model resolves its scenario into ``values``, ``policy`` (switches and modes, read every week)
and ``levers`` (budget levers the administration reads at each term start and may reallocate).
A change made during a run swaps in the new scenario's values and policy; only the levers the
person changed are replaced, so an adaptive allocation's earlier moves survive. Parameters that
decide who is in the institution (class size, coverage, device targeting, the seed) cannot change
mid-run: the session holds them back until Reset.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from simulation.policy import Levers, Policy
from simulation.scenario import Scenario

if TYPE_CHECKING:
    from simulation.model import PersonalizedLearningModel


def apply_policy(model: PersonalizedLearningModel, scenario: Scenario,
                 frozen: tuple[str, ...] = ()) -> None:
    """Make ``model`` follow ``scenario`` from its next step.

    Parameters
    ----------
    model
        A model at any week.
    scenario
        The validated scenario to follow (same institution as the model's).
    frozen
        Dotted names that must not differ between the model's scenario and ``scenario``.

    Raises
    ------
    ValueError
        If a frozen parameter differs (a programming error in the caller).
    """
    old = model.scenario
    for name in frozen:
        if old.get(name) != scenario.get(name):
            raise ValueError(f"{name} cannot change during a run (it needs a Reset)")
    before, after = Levers.from_values(old.values), Levers.from_values(scenario.values)
    for f in fields(Levers):
        if getattr(before, f.name) != getattr(after, f.name):
            setattr(model.levers, f.name, getattr(after, f.name))
    model.scenario = scenario
    model.values = scenario.values
    model.policy = Policy.from_values(scenario.values)
