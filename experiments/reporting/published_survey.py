"""The seed study's published survey tables (Ding et al. 2024, Tables 1-3) as a reference.

Model survey tables are set next to the published means and SDs so that a run shows how far its
synthetic survey sits from the measured status quo.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

PUBLISHED_CSV = Path(__file__).resolve().parents[2] / "simulation" / "data" / \
    "ding2024_survey_tables.csv"
KEYS = ["group", "factor_id"]


@cache
def _published() -> pd.DataFrame:
    return pd.read_csv(PUBLISHED_CSV)


def published_survey() -> pd.DataFrame:
    """The published table: group, factor_id, factor, mean, sd, interpretation (a copy)."""
    return _published().copy()


def with_published(survey: pd.DataFrame) -> pd.DataFrame:
    """Add the published ``paper_mean``, ``paper_sd`` and ``paper_interpretation`` to a table.

    Parameters
    ----------
    survey
        Any table with ``group`` and ``factor_id`` columns (row order is kept).
    """
    paper = _published()[[*KEYS, "mean", "sd", "interpretation"]].rename(columns={
        "mean": "paper_mean", "sd": "paper_sd", "interpretation": "paper_interpretation"})
    return survey.merge(paper, on=KEYS, how="left", validate="many_to_one")


def against_published(survey: pd.DataFrame, week: int) -> pd.DataFrame:
    """One week of a model survey next to the published values, with the differences.

    Returns
    -------
    pandas.DataFrame
        group, factor_id, factor, paper_mean, model_mean, mean_diff, paper_sd, model_sd,
        sd_diff, paper_interpretation, model_interpretation; in the published row order.
    """
    at = survey[survey["week"] == week]
    if at.empty:
        raise ValueError(f"the survey has no rows for week {week}")
    model = at[[*KEYS, "mean", "sd", "interpretation"]].rename(columns={
        "mean": "model_mean", "sd": "model_sd", "interpretation": "model_interpretation"})
    paper = _published().rename(columns={
        "mean": "paper_mean", "sd": "paper_sd", "interpretation": "paper_interpretation"})
    out = paper.merge(model, on=KEYS, how="left", validate="one_to_one")
    out["mean_diff"] = out["model_mean"] - out["paper_mean"]
    out["sd_diff"] = out["model_sd"] - out["paper_sd"]
    return out[["group", "factor_id", "factor", "paper_mean", "model_mean", "mean_diff",
                "paper_sd", "model_sd", "sd_diff", "paper_interpretation",
                "model_interpretation"]]
