"""`plsim survey` prints the seed's tables in table, CSV or JSON form."""

from __future__ import annotations

import io
import json

import pandas as pd

from interfaces.cli import main
from tests.test_survey_calibration import PUBLISHED


def test_survey_json_rows_use_the_published_factor_ids(capsys) -> None:
    assert main(["survey", "baseline_guangdong_2024", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {tuple(sorted(r)) for r in rows} == {
        ("factor_id", "group", "interpretation", "mean", "sd")}
    got = {(r["group"], r["factor_id"]): r for r in rows}
    for row in PUBLISHED.itertuples():
        assert abs(got[(row.group, row.factor_id)]["mean"] - row.mean) <= 0.03


def test_survey_csv_at_a_later_week_parses_and_moves_under_a_policy(capsys) -> None:
    assert main(["survey", "ding_full_model", "--week", "36", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(table["week"]) == {36}
    teachers = table[(table.group == "teachers") & (table.factor_id == "overall")]
    assert teachers["mean"].iloc[0] > 2.85 + 0.1


def test_survey_table_format_is_readable(capsys) -> None:
    assert main(["survey", "baseline_guangdong_2024"]) == 0
    out = capsys.readouterr().out
    assert "Creativity and Innovation" in out and "Moderately Prepared" in out


def test_negative_week_is_a_clear_error(capsys) -> None:
    assert main(["survey", "baseline_guangdong_2024", "--week", "-1"]) == 2
    assert "--week must be 0 or more" in capsys.readouterr().err
