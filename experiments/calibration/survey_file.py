"""Reading an institution's own ISTE survey results from a CSV file, as aggregates only.

Two layouts are accepted (detected from the header):

- **item level**: one row per respondent, a ``group`` column (``students``, ``teachers`` or
  ``administrators``) and one column per questionnaire item named ``<factor_id>_<k>``
  (e.g. ``creativity_innovation_1``), each answer a whole number 1-4 or blank (not answered).
  A ``respondent_id`` (or ``id``) column and columns unlike any factor (age, faculty, ...) are
  ignored; a column that resembles an item (a likely typo) is an error.
- **summary**: one row per group and factor with columns ``group, factor_id, mean, sd`` and
  optionally ``n`` (respondents); ``factor`` and ``interpretation`` columns are ignored, and so
  are ``overall`` rows (the overall row is derived from the factors).

Rows are numbered as in a spreadsheet (the header is row 1). Every problem raises
:class:`SurveyFileError` naming the file, the row and the column. Only per-factor aggregates leave
this module: the weighted mean and SD of all answers to a factor's items (the seed study's
convention; sample SD, ``ddof=1``), the number of answers and of respondents.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from simulation.errors import UserError
from simulation.files import read_user_text
from simulation.parameters import GROUP_FACTORS

__all__ = ["FactorSummary", "SurveyData", "SurveyFileError", "read_survey"]

GROUPS: tuple[str, ...] = tuple(GROUP_FACTORS)
GROUP_ALIASES: dict[str, str] = {
    "student": "students", "teacher": "teachers", "administrator": "administrators",
    "admin": "administrators", "admins": "administrators",
}
FACTOR_GROUP: dict[str, str] = {f: g for g, fs in GROUP_FACTORS.items() for f in fs}
SUMMARY_REQUIRED: tuple[str, ...] = ("group", "factor_id", "mean", "sd")
SUMMARY_IGNORED: tuple[str, ...] = ("factor", "interpretation")
ID_COLUMNS: tuple[str, ...] = ("respondent_id", "respondent", "id")
ITEM_COLUMN = re.compile(r"^(?P<factor>[a-z_]+?)_(?P<item>\d+)$")
#: Largest SD possible on a 1-4 scale (half the answers 1, half 4).
MAX_SD = 1.5

#: Largest survey CSV read (item-level answers of about a million respondents).
MAX_SURVEY_BYTES = 256 << 20


class SurveyFileError(UserError):
    """A survey CSV that cannot be read; the message names the file, row and column."""


@dataclass(frozen=True)
class FactorSummary:
    """Survey aggregates of one ISTE factor of one group.

    Attributes
    ----------
    group, factor_id
        Respondent group and factor id (as in ``simulation.parameters.GROUP_FACTORS``).
    mean, sd
        Weighted mean and SD of the answers on the 1-4 scale.
    respondents
        Respondents who answered at least one item of the factor (``None`` when not given).
    answers
        Item answers pooled into the mean and SD (``None`` for summary input).
    row
        Spreadsheet row of a summary line (``None`` for item-level input).
    """

    group: str
    factor_id: str
    mean: float
    sd: float
    respondents: int | None = None
    answers: int | None = None
    row: int | None = None


@dataclass(frozen=True)
class SurveyData:
    """Aggregates read from one survey file."""

    path: Path
    kind: Literal["items", "summary"]
    factors: tuple[FactorSummary, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def groups(self) -> tuple[str, ...]:
        """Groups present in the file, in the model's order."""
        present = {f.group for f in self.factors}
        return tuple(g for g in GROUPS if g in present)

    def respondents(self, group: str) -> int | None:
        """Largest respondent count over the group's factors (``None`` when not given)."""
        counts = [f.respondents for f in self.factors if f.group == group and f.respondents]
        return max(counts) if counts else None


# --- low-level reading ----------------------------------------------------------------------------

def _fail(path: Path, row: int | None, column: str | None, problem: str) -> SurveyFileError:
    where = [str(path)]
    if row is not None:
        where.append(f"row {row}")
    if column is not None:
        where.append(f"column '{column}'")
    return SurveyFileError(", ".join(where) + f": {problem}")


def _read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (stripped, lower case) and ``(spreadsheet row, cells)`` of non-blank data rows."""
    text = read_user_text(path, SurveyFileError, "survey CSV", max_bytes=MAX_SURVEY_BYTES)
    if not text.strip():
        raise SurveyFileError(f"{path}: the file is empty (expected a header row and data rows; "
                              "see docs/templates/)")
    first = text.lstrip().splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:  # newline="": the csv module handles bare carriage returns itself
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SurveyFileError(f"{path}: not a readable CSV table ({exc})") from None
    header = [h.strip().lower() for h in records[0]]
    for k, name in enumerate(header):
        if not name:
            raise _fail(path, 1, f"#{k + 1}", "empty column name in the header")
        if name in header[:k]:
            raise _fail(path, 1, name, "column appears twice in the header")
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise _fail(path, number, None, f"{len(cells)} values but the header has "
                        f"{len(header)} columns")
        rows.append((number, [c.strip() for c in cells] + [""] * (len(header) - len(cells))))
    if not rows:
        raise SurveyFileError(f"{path}: a header but no data rows")
    return header, rows


def _group(path: Path, row: int, value: str) -> str:
    name = value.strip().lower()
    name = GROUP_ALIASES.get(name, name)
    if not name:
        raise _fail(path, row, "group", "empty; every row needs its group (one of "
                    f"{', '.join(GROUPS)})")
    if name not in GROUPS:
        near = difflib.get_close_matches(name, GROUPS, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise _fail(path, row, "group", f"unknown group '{value}'{hint} (expected one of "
                    f"{', '.join(GROUPS)})")
    return name


def _number(path: Path, row: int, column: str, value: str) -> float:
    # a decimal comma (``2,94``, from semicolon-separated sheets) is read as a decimal point
    text = value.replace(",", ".") if value.count(",") == 1 and "." not in value else value
    try:
        x = float(text)
    except ValueError:
        raise _fail(path, row, column, f"'{value}' is not a number") from None
    if not math.isfinite(x):
        raise _fail(path, row, column, f"'{value}' is not a finite number")
    return x


def _unknown_factor(factor: str, group: str | None) -> str:
    if factor in FACTOR_GROUP and group is not None:
        return (f"'{factor}' is a factor of {FACTOR_GROUP[factor]}, not of {group} "
                f"({group}: {', '.join(GROUP_FACTORS[group])})")
    pool = GROUP_FACTORS[group] if group else tuple(FACTOR_GROUP)
    near = difflib.get_close_matches(factor, pool, n=1, cutoff=0.6)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    return f"unknown factor '{factor}'{hint}"


# --- summary rows ---------------------------------------------------------------------------------

def _read_summary(path: Path, header: list[str],
                  rows: list[tuple[int, list[str]]]) -> SurveyData:
    col = {name: k for k, name in enumerate(header)}
    notes = []
    extra = [h for h in header if h not in (*SUMMARY_REQUIRED, "n", *SUMMARY_IGNORED)]
    if extra:
        notes.append(f"ignored column(s) {', '.join(extra)}")
    seen: dict[tuple[str, str], int] = {}
    factors = []
    for number, cells in rows:
        group = _group(path, number, cells[col["group"]])
        factor = cells[col["factor_id"]].strip().lower()
        if not factor:
            raise _fail(path, number, "factor_id", "empty; expected one of "
                        f"{', '.join(GROUP_FACTORS[group])}")
        if factor == "overall":
            continue
        if factor not in GROUP_FACTORS[group]:
            raise _fail(path, number, "factor_id", _unknown_factor(factor, group))
        if (group, factor) in seen:
            raise _fail(path, number, "factor_id", f"{group} {factor} is given twice (rows "
                        f"{seen[(group, factor)]} and {number})")
        seen[(group, factor)] = number
        mean = _number(path, number, "mean", cells[col["mean"]])
        if not 1.0 <= mean <= 4.0:
            raise _fail(path, number, "mean", f"{mean:g} is outside the 1-4 scale of the "
                        "4-point Likert instrument")
        sd = _number(path, number, "sd", cells[col["sd"]])
        if not 0.0 <= sd <= MAX_SD:
            raise _fail(path, number, "sd", f"{sd:g} is not an SD of answers on a 1-4 scale "
                        f"(0 to {MAX_SD:g})")
        n = None
        if "n" in col and cells[col["n"]]:
            x = _number(path, number, "n", cells[col["n"]])
            if x < 1 or x != int(x):
                raise _fail(path, number, "n", f"{cells[col['n']]} is not a number of "
                            "respondents (a whole number of at least 1)")
            n = int(x)
        factors.append(FactorSummary(group, factor, mean, sd, respondents=n, row=number))
    if not factors:
        raise SurveyFileError(f"{path}: no factor rows (only 'overall' rows); give one row per "
                              "group and factor")
    return SurveyData(path, "summary", tuple(factors), tuple(notes))


# --- item-level rows ------------------------------------------------------------------------------

def _item_columns(path: Path, header: list[str]) -> tuple[dict[int, str], list[str]]:
    """Column index -> factor id of every item column, and the columns ignored.

    A column that resembles an item of a factor (a likely typo) is an error; a column unlike any
    factor (age, faculty, ...) is ignored and listed, and its cells are never read.
    """
    items: dict[int, str] = {}
    ignored: list[str] = []
    for k, name in enumerate(header):
        if name == "group" or name in ID_COLUMNS:
            continue
        match = ITEM_COLUMN.match(name)
        factor = match["factor"] if match else name
        if factor not in FACTOR_GROUP:
            near = difflib.get_close_matches(factor, FACTOR_GROUP, n=1, cutoff=0.6)
            if not near:
                ignored.append(name)
                continue
            item = f"_{match['item']}" if match else "_1"
            raise _fail(path, 1, name, "not an item of an ISTE factor (item columns are "
                        f"named <factor_id>_<k>, e.g. creativity_innovation_1); did you mean "
                        f"'{near[0]}{item}'?")
        if not match:
            raise _fail(path, 1, name, f"item columns need a number: '{name}_1', "
                        f"'{name}_2', ...")
        items[k] = factor
    if not items:
        raise SurveyFileError(f"{path}: no item columns (expected columns such as "
                              "creativity_innovation_1, or summary columns group, factor_id, "
                              "mean, sd, n)")
    return items, ignored


def _answers(path: Path, header: list[str], rows: list[tuple[int, list[str]]],
             items: dict[int, str]) -> Iterator[tuple[int, str, str, int]]:
    """``(row, group, factor, answer)`` for every answered item, validated."""
    g = header.index("group")
    for number, cells in rows:
        group = _group(path, number, cells[g])
        for k, factor in items.items():
            value = cells[k]
            if not value:
                continue
            x = _number(path, number, header[k], value)
            if x not in (1.0, 2.0, 3.0, 4.0):
                raise _fail(path, number, header[k], f"{value} is not an answer on the 4-point "
                            "scale (whole numbers 1-4; leave the cell blank when not answered)")
            if FACTOR_GROUP[factor] != group:
                raise _fail(path, number, header[k], f"a respondent of group '{group}' answered "
                            f"an item of the {FACTOR_GROUP[factor]}' factor '{factor}'")
            yield number, group, factor, int(x)


def _read_items(path: Path, header: list[str], rows: list[tuple[int, list[str]]]) -> SurveyData:
    items, ignored = _item_columns(path, header)
    answers: dict[tuple[str, str], list[int]] = {}
    respondents: dict[tuple[str, str], set[int]] = {}
    answered_rows: set[int] = set()
    for number, group, factor, answer in _answers(path, header, rows, items):
        answers.setdefault((group, factor), []).append(answer)
        respondents.setdefault((group, factor), set()).add(number)
        answered_rows.add(number)
    notes = [f"ignored column(s) that are not items of an ISTE factor: {', '.join(ignored)}"
             ] if ignored else []
    silent = [number for number, _ in rows if number not in answered_rows]
    if silent:
        shown = ", ".join(map(str, silent[:5])) + (" ..." if len(silent) > 5 else "")
        notes.append(f"{len(silent)} row(s) without any answer were skipped (rows {shown})")
    factors = []
    for group, group_factors in GROUP_FACTORS.items():
        for factor in group_factors:
            values = answers.get((group, factor))
            if values is None:
                continue
            if len(values) < 2:
                row = min(respondents[(group, factor)])
                raise _fail(path, row, None, f"{group} '{factor}' has a single answer; an SD "
                            "needs at least two")
            x = np.asarray(values, dtype=float)
            factors.append(FactorSummary(group, factor, float(x.mean()), float(x.std(ddof=1)),
                                         respondents=len(respondents[(group, factor)]),
                                         answers=len(values)))
    if not factors:
        raise SurveyFileError(f"{path}: no answers in any item column")
    return SurveyData(path, "items", tuple(factors), tuple(notes))


def read_survey(path: str | Path) -> SurveyData:
    """Read an item-level or summary survey CSV into per-factor aggregates.

    Parameters
    ----------
    path
        The CSV file (comma, semicolon or tab separated; UTF-8, with or without BOM).

    Returns
    -------
    SurveyData
        Per group and factor: mean, SD and counts. No individual answer is kept.

    Raises
    ------
    SurveyFileError
        For an empty file, a missing ``group`` column or value, an unknown group or factor, a
        value that is not a number, or a value off the 1-4 scale, naming the row and column.
    """
    path = Path(path)
    header, rows = _read_table(path)
    if "group" not in header:
        raise _fail(path, 1, "group", "missing: the header needs a 'group' column (students, "
                    "teachers or administrators), then item columns (item-level layout) or "
                    "factor_id, mean, sd, n (summary layout)")
    if "factor_id" in header or {"mean", "sd"} <= set(header):
        missing = [c for c in SUMMARY_REQUIRED if c not in header]
        if missing:
            raise _fail(path, 1, missing[0], "missing: a summary file needs the columns "
                        f"{', '.join(SUMMARY_REQUIRED)} (and optionally n)")
        return _read_summary(path, header, rows)
    return _read_items(path, header, rows)
