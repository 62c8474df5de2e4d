"""Limits on the size of an experiment or comparison, checked before anything runs.

A design of more than :data:`MAX_RUNS` runs, or a horizon of more than :data:`MAX_WEEKS` weeks (50
years of 52 weeks), is refused with the estimated run count and time in the message. The time is a
quick estimate, not a measurement: :data:`SECONDS_PER_STUDENT_WEEK` per student and simulated week
plus :data:`SECONDS_PER_RUN` per run, on one core (about what the kernel takes for the bundled
baseline, 2,000 students over 36 weeks in 0.05 s, on a 2026 laptop core). Divide by the cores
used; ``plsim sensitivity``'s pilot prints a measured estimate after the first runs.
"""

from __future__ import annotations

from simulation.errors import UserError

__all__ = ["MAX_RUNS", "MAX_WEEKS", "SECONDS_PER_RUN", "SECONDS_PER_STUDENT_WEEK",
           "check_size", "estimated_seconds", "readable_duration"]

#: Most runs (design points x replicates, or arms x replicates) one experiment may plan.
MAX_RUNS = 10_000_000
#: Longest horizon in weeks (50 years of 52 weeks).
MAX_WEEKS = 50 * 52
#: Estimated single-core model time per student and simulated week.
SECONDS_PER_STUDENT_WEEK = 1.0e-6
#: Estimated fixed time per run (building the population, collecting outputs).
SECONDS_PER_RUN = 0.02


def estimated_seconds(runs: int, students: int, weeks: int) -> float:
    """Single-core time of ``runs`` runs of ``students`` students over ``weeks`` weeks."""
    return float(runs) * (SECONDS_PER_RUN + SECONDS_PER_STUDENT_WEEK * students * weeks)


def readable_duration(seconds: float) -> str:
    """Seconds as s, min, h, days or years, whichever reads best."""
    seconds = max(0.0, float(seconds))
    for limit, unit, size in ((90, "s", 1), (5400, "min", 60), (172800, "h", 3600),
                              (3.0e7, "days", 86400)):
        if seconds < limit:
            return f"{seconds / size:.0f} {unit}" if unit == "s" else f"{seconds / size:.1f} {unit}"
    return f"{seconds / 3.15576e7:.3g} years"


def check_size(where: str, runs: int, students: int, weeks: int, error: type[UserError] = UserError,
               what: str = "the design") -> None:
    """Refuse more than :data:`MAX_RUNS` runs or :data:`MAX_WEEKS` weeks, saying the estimate.

    Raises
    ------
    UserError
        (or ``error``) naming ``where``, the run count, the horizon and the estimated time.
    """
    estimate = readable_duration(estimated_seconds(runs, students, weeks))
    if runs > MAX_RUNS:
        raise error(f"{where}: {what} plans {runs:,} runs of {weeks} weeks (about {estimate} on "
                    f"one core at an estimated {SECONDS_PER_STUDENT_WEEK * 1e6:g} microseconds "
                    f"per student-week for {students:,} students); the limit is {MAX_RUNS:,} "
                    "runs: use a smaller design")
    if weeks > MAX_WEEKS:
        raise error(f"{where}: a horizon of {weeks:,} weeks is not allowed: at most {MAX_WEEKS:,} "
                    f"weeks (50 years); {runs:,} runs would take about {estimate} on one core")
