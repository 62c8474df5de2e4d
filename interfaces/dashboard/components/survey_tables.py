"""The synthetic survey tables (the seed study's Tables 1-3) at the current week."""

from __future__ import annotations

import pandas as pd
import solara

from interfaces.dashboard.components.common import heading, html_table
from interfaces.dashboard.session import Session
from interfaces.dashboard.wording import signed

GROUP_TITLES = {"students": "Students: personalized learning demonstrated (Table 1)",
                "teachers": "Teachers: preparedness (Table 2)",
                "administrators": "Administrators: preparedness (Table 3)"}


def survey_rows(table: pd.DataFrame, group: str, short: bool = False) -> list[list[str]]:
    """Rows of one group's table: factor, mean, SD, change since week 0, interpretation
    (``short``: factor, mean, change and interpretation, for the projector)."""
    part = table[table["group"] == group]
    if short:
        return [[r.factor, f"{r.mean:.2f}", signed(r.change, 2), r.interpretation]
                for r in part.itertuples()]
    return [[r.factor, f"{r.mean:.2f}", f"{r.sd:.2f}", signed(r.change, 2), r.interpretation]
            for r in part.itertuples()]


def _table(table: pd.DataFrame, group: str, short: bool) -> None:
    heading(GROUP_TITLES[group], 4)
    header = ["Factor", "Mean", "Change", "Reads as"] if short else \
        ["Factor", "Mean", "SD", "Change", "Interpretation"]
    solara.HTML(tag="div", unsafe_innerHTML=html_table(
        header, survey_rows(table, group, short), numeric=(1, 2) if short else (1, 2, 3),
        test_id=f"survey-{group}"))


@solara.component
def SurveyTables(session: Session, version: int = 0, projector: bool = False) -> None:
    """Three tables, one per group, as the seed study printed them, at the current week.

    The projector view sets students and administrators beside teachers (short factor names
    beside long ones), without the SD column, so the three fit one screen.
    """
    table, week = session.survey_now(), session.week
    solara.Text(f"Synthetic survey at week {week} (4-point scale; weighted mean"
                f"{'' if projector else ', SD'}; change since week 0)",
                classes=["plsim-caption"])
    if not projector:
        for group in GROUP_TITLES:
            _table(table, group, False)
        return
    with solara.Columns([1, 1], classes=["plsim-survey"]):
        with solara.Column():
            _table(table, "students", True)
            _table(table, "administrators", True)
        with solara.Column():
            _table(table, "teachers", True)
