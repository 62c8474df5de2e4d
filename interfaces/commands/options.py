"""Checks of option values shared by the subcommands: each refuses a bad value with one
:class:`~simulation.errors.UserError` naming the option, the value and what is allowed."""

from __future__ import annotations

import math

from simulation.errors import UserError

#: Seeds are whole numbers from 0 to 2**63 - 1 (numpy's SeedSequence refuses negative ones).
MAX_SEED = 2**63 - 1


def seed(value: int, option: str = "--seed") -> int:
    """A random seed from 0 to 2**63 - 1."""
    if not 0 <= value <= MAX_SEED:
        raise UserError(f"{option} {value} is not allowed: a seed is a whole number from 0 to "
                        "2**63 - 1")
    return value


def at_least(value: int | None, minimum: int, option: str) -> int | None:
    """A whole number of at least ``minimum`` (None passes: the option was not given)."""
    if value is not None and value < minimum:
        raise UserError(f"{option} must be at least {minimum}, got {value}")
    return value


def positive(value: float | None, option: str) -> float | None:
    """A finite number above 0 (None passes: the option was not given)."""
    if value is not None and (not math.isfinite(value) or value <= 0):
        raise UserError(f"{option} must be a finite number above 0, got {value}")
    return value
