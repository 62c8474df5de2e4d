"""The synthetic survey tables (the seed study's Tables 1-3) at the current week."""

from __future__ import annotations

import pandas as pd
import solara

from interfaces.dashboard.components.common import heading, html_table
from interfaces.dashboard.session import Session

GROUP_TITLES = {"students": "Students: personalized learning demonstrated (Table 1)",
                "teachers": "Teachers: preparedness (Table 2)",
                "administrators": "Administrators: preparedness (Table 3)"}


def survey_rows(table: pd.DataFrame, group: str) -> list[list[str]]:
    """Rows of one group's table: factor, mean, SD, change since week 0, interpretation."""
    part = table[table["group"] == group]
    return [[r.factor, f"{r.mean:.2f}", f"{r.sd:.2f}", f"{r.change:+.2f}", r.interpretation]
            for r in part.itertuples()]


@solara.component
def SurveyTables(session: Session, version: int = 0) -> None:
    """Three tables, one per group, as the seed study printed them, at the current week."""
    table, week = session.survey_now(), session.week
    solara.Text(f"Synthetic survey at week {week} (4-point scale; weighted mean, SD; change "
                "since week 0)", classes=["plsim-caption"])
    for group, title in GROUP_TITLES.items():
        heading(title, 4)
        solara.HTML(tag="div", unsafe_innerHTML=html_table(
            ["Factor", "Mean", "SD", "Change", "Interpretation"], survey_rows(table, group),
            numeric=(1, 2, 3), test_id=f"survey-{group}"))
