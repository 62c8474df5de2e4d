"""How the dashboard writes numbers, intervals, weeks, money, units and refusals for people.

Identifiers (``training.coaching_hours``, ``[administrators] budget_per_student``) never reach the
page: :func:`plain` replaces them with the levers' labels. Exports keep the identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from experiments.reporting.money import currency_symbol, money
from interfaces.dashboard.levers import BY_NAME, Lever

__all__ = ["allowed_text", "arm_name", "currency_symbol", "interval", "money", "plain",
           "refusal", "signed", "term_text", "unit_text", "value_text"]

#: Registry units as a person reads them (``{money}`` is the currency symbol).
UNITS: dict[str, str] = {
    "currency/student/year": "{money} per student per year",
    "hours/teacher/year": "hours per teacher a year",
    "hours/administrator/year": "hours per administrator a year",
    "coaches/teacher": "coaches per teacher",
    "devices/student": "devices per student",
    "students/class": "students per class",
    "share of teachers": "of teachers",
    "index (0-1)": "on a 0-1 scale",
    "SD of achievement": "SD",
    "success rate": "success rate",
}

#: Registry units whose values read best as percentages.
PERCENT_UNITS = frozenset({"share of teachers", "success rate"})


def signed(value: float, digits: int = 2, unit: str = "") -> str:
    """``+0.12 SD``, ``-0.30 SD``, and ``0.00 SD`` (never ``-0.00``) for what rounds to zero."""
    text = f"{value:+.{digits}f}"
    if float(text) == 0.0:
        text = f"{0.0:.{digits}f}"
    return f"{text} {unit}".strip()


def interval(low: float | None, high: float | None, digits: int = 2, unit: str = "",
             scale: float = 1.0, short: bool = False) -> str:
    """A likely range in words, with enough digits that its ends differ.

    ``likely between +0.05 and +0.11 SD`` (``short``: ``+0.05 to +0.11 SD``); ends that agree
    to four digits read ``about +0.080 SD``; a missing end (one replicate) reads
    ``no range (one replicate)``.
    """
    if low is None or high is None:
        return "no range (one replicate)"
    low, high = low * scale, high * scale
    for d in range(digits, digits + 3):
        a, b = signed(low, d), signed(high, d)
        if a != b:
            text = f"{a} to {b}" if short else f"likely between {a} and {b}"
            return f"{text} {unit}".strip()
    return f"about {signed(0.5 * (low + high), digits + 1)} {unit}".strip()


def arm_name(name: str) -> str:
    """A scenario's name as a sentence reads it: ``your settings``, ``coaching only``."""
    return name.replace("_", " ")


def term_text(week: int, weeks_per_term: int, weeks_per_year: int) -> str:
    """Where a run is in the year: ``term 1``, ``end of term 2``, ``year 2, term 1``.

    ``week`` weeks have been simulated; week ``w`` (1-based) belongs to term
    ``(w - 1) // weeks_per_term + 1`` of its year, so a two-term year never shows a third term.
    """
    if week <= 0:
        return "term 1 starts"
    year = (week - 1) // weeks_per_year + 1
    in_year = (week - 1) % weeks_per_year + 1
    term = (in_year - 1) // weeks_per_term + 1
    text = f"end of term {term}" if in_year % weeks_per_term == 0 else f"term {term}"
    return f"year {year}, {text}" if year > 1 else text


def unit_text(lever: Lever, symbol: str | None = None) -> str:
    """A lever's unit in plain words (empty for switches and choices)."""
    unit = lever.unit
    return UNITS.get(unit, unit).format(money=currency_symbol(symbol))


def value_text(lever: Lever, value: Any, symbol: str | None = None) -> str:
    """A lever's value as a person reads it: ``$300 per student per year``, ``40 hours ...``."""
    p = lever.param
    if p.kind in ("bool", "choice"):
        return lever.format(value)
    number = float(value)
    if p.unit.startswith("currency"):
        return f"{money(number, symbol)} per student per year"
    if p.unit in PERCENT_UNITS:
        return f"{number:.0%} {UNITS[p.unit]}".replace("% success rate", "% success")
    text = f"{number:,.0f}" if p.kind == "int" else f"{number:,.4g}"
    return f"{text} {unit_text(lever, symbol)}".strip()


def allowed_text(lever: Lever, symbol: str | None = None) -> str | None:
    """A numeric lever's range in plain words: ``from $0 to $100,000 per student per year``."""
    p = lever.param
    if p.kind not in ("int", "float") or p.low is None or p.high is None:
        return None
    if p.unit.startswith("currency"):
        return f"from {money(p.low, symbol)} to {money(p.high, symbol)} per student per year"
    if p.unit in PERCENT_UNITS:
        return f"from {p.low:.0%} to {p.high:.0%}"
    whole = "a whole number " if p.kind == "int" else ""
    return f"{whole}from {p.low:,.4g} to {p.high:,.4g} {unit_text(lever, symbol)}".strip()


_SECTION_KEY = re.compile(r"\[(\w+)\] (\w+)")
_DOTTED = re.compile(r"\b([a-z_]+)\.([a-z_]+)\b")
_WHERE = re.compile(r"^(your settings|[\w.]+\.toml|scenario): ")


def _label(section: str, key: str) -> str | None:
    lever = BY_NAME.get(f"{section}.{key}")
    return f"\u201c{lever.label}\u201d" if lever else None


def plain(message: str) -> str:
    """A message with identifiers replaced by lever labels and no file prefix."""
    text = _WHERE.sub("", message)
    text = _SECTION_KEY.sub(lambda m: _label(m[1], m[2]) or m[0], text)
    text = _DOTTED.sub(lambda m: _label(m[1], m[2]) or m[0], text)
    return text[:1].upper() + text[1:]


COST_LABELS = {"training": "workshops and learning communities", "coaching": "coaching",
               "leadership": "leadership training", "devices": "devices",
               "platform": "adaptive software", "analytics": "analytics dashboards",
               "extra_teachers": "extra teachers", "tutors": "tutors"}


def spending_parts(costs: Mapping[str, float], symbol: str | None = None) -> str:
    """``coaching $240, devices $200`` for every cost above zero."""
    return ", ".join(f"{COST_LABELS.get(k, k)} {money(v, symbol)}" for k, v in costs.items()
                     if k != "total_per_student" and v > 0)


def refusal(values: Mapping[str, Mapping[str, Any]], costs: Mapping[str, float],
            symbol: str | None = None) -> str | None:
    """Why the scenario validator will refuse these settings, in plain words (or ``None``).

    Covers the two refusals a workshop meets: coaching with no coaches and spending over the
    budget. Other refusals keep the validator's text through :func:`plain`.
    """
    training = values["training"]
    hours, coaches = float(training["coaching_hours"]), float(training["coaches_per_teacher"])
    if hours > 0 and coaches == 0:
        return (f"Coaching needs coaches: \u201cCoaching hours per teacher\u201d is {hours:g} but "
                "\u201cInstructional coaches per teacher\u201d is 0. Set some coaches, or set "
                "coaching hours to 0.")
    total = float(costs["total_per_student"])
    budget = float(values["administrators"]["budget_per_student"])
    if total > budget + 1e-9:
        return (f"Over budget: these settings cost {money(total, symbol)} per student a year, "
                f"{money(total - budget, symbol)} more than the budget of "
                f"{money(budget, symbol)}. Raise the budget or cut spending "
                f"({spending_parts(costs, symbol)}).")
    return None
