"""Limits on the size of an experiment or comparison, checked before anything runs.

A design of more than :data:`MAX_RUNS` runs, or a horizon of more than
:data:`simulation.api.MAX_YEARS` years of the base scenario, is refused with the estimated run count
and time in the message. The time is :func:`simulation.api.estimated_seconds`, a quick estimate on
one core, not a measurement; ``plsim sensitivity``'s pilot prints a measured estimate after the
first runs.
"""

from __future__ import annotations

from simulation import api
from simulation.errors import UserError
from simulation.scenario import Scenario

__all__ = ["MAX_RUNS", "check_size"]

#: Most runs (design points x replicates, or arms x replicates) one experiment may plan.
MAX_RUNS = 10_000_000


def check_size(where: str, runs: int, scenario: Scenario, weeks: int,
               error: type[UserError] = UserError, what: str = "the design") -> None:
    """Refuse more than :data:`MAX_RUNS` runs or a horizon over ``api.MAX_YEARS`` years of
    ``scenario`` (the largest institution of the plan), saying the estimated time.

    Raises
    ------
    UserError
        (or ``error``) naming ``where``, the run count, the horizon and the estimated time.
    """
    estimate = api.describe_seconds(api.estimated_seconds(scenario, weeks, runs))
    students = scenario.params.institution.n_students
    if runs > MAX_RUNS:
        raise error(f"{where}: {what} plans {runs:,} runs of {weeks} weeks ({estimate} on one "
                    f"core for {students:,} students at an estimated "
                    f"{api.SECONDS_PER_STUDENT_WEEK * 1e6:g} microseconds per student-week); the "
                    f"limit is {MAX_RUNS:,} runs: use a smaller design")
    limit = api.MAX_YEARS * api.weeks_per_year(scenario)
    if weeks > limit:
        raise error(f"{where}: a horizon of {weeks:,} weeks is not allowed: at most {limit:,} "
                    f"weeks ({api.MAX_YEARS} years); {runs:,} runs would take {estimate} on one "
                    "core")
