"""Checking a single lever value, and parsing one a person typed, against the registry.

Every function returns ``(value, error)``: ``error`` is a sentence for the page (``None`` when
the value is fine), so no bad input ever raises into the UI.
"""

from __future__ import annotations

import math
from typing import Any

from simulation.parameters import Parameter

_TRUE = {"true", "on", "yes", "1"}
_FALSE = {"false", "off", "no", "0"}


def check(param: Parameter, value: Any, label: str | None = None,
          shown: str | None = None, allowed: str | None = None) -> tuple[Any, str | None]:
    """Coerce ``value`` to the parameter's kind and check its range or choices.

    Parameters
    ----------
    param
        Registry entry.
    value
        Candidate value (already of roughly the right type, e.g. from a slider).
    label
        How the page names the lever in messages (default: the dotted name).
    shown
        The value as the person typed it, for messages (default: ``repr(value)``).
    allowed
        What is allowed, in the page's words (default: the registry's ``allowed()`` text).
    """
    name = label or param.name
    said = shown if shown is not None else repr(value)
    if param.kind == "bool":
        if isinstance(value, bool):
            return value, None
        return None, f"{name}: expected on or off, got {value!r}"
    if param.kind == "choice":
        if value in param.choices:
            return value, None
        return None, f"{name}: {value!r} is not one of {', '.join(param.choices)}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None, f"{name}: {value!r} is not a number"
    if not math.isfinite(number):
        return None, f"{name}: {value!r} is not a finite number"
    if param.kind == "int":
        if number != int(number):
            return None, f"{name}: {said} must be a whole number"
        number = int(number)
    low, high = param.low, param.high
    if (low is not None and number < low) or (high is not None and number > high):
        return None, f"{name}: {said} is outside the allowed range " \
                     f"({allowed or param.allowed()})"
    return number, None


def parse(param: Parameter, text: str, label: str | None = None,
          allowed: str | None = None) -> tuple[Any, str | None]:
    """Parse text typed by a person (or read from a URL) and check it.

    Thousands separators (``1,000``) and surrounding spaces are accepted.
    """
    name = label or param.name
    raw = str(text).strip()
    if not raw:
        return None, f"{name}: please enter a value"
    if param.kind == "bool":
        low = raw.lower()
        if low in _TRUE:
            return True, None
        if low in _FALSE:
            return False, None
        return None, f"{name}: {raw!r} is not on/off (true/false)"
    if param.kind == "choice":
        return check(param, raw, label)
    try:
        number = float(raw.replace(",", "").replace("_", ""))
    except ValueError:
        return None, f"{name}: {raw!r} is not a number ({allowed or param.allowed()})"
    return check(param, number, label, shown=repr(raw), allowed=allowed)


def parse_seed(text: str) -> tuple[int | None, str | None]:
    """A random seed typed by a person: a whole number from 0 to 2**32 - 1."""
    raw = str(text).strip()
    if not raw.isdigit():
        return None, f"seed: {raw!r} is not a whole number (0 or more)"
    seed = int(raw)
    if seed >= 2**32:
        return None, f"seed: {raw} is too large (at most {2**32 - 1})"
    return seed, None
