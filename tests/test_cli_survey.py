"""`plsim survey` prints the seed's tables in table, CSV or JSON form."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

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


def test_a_week_beyond_the_scenarios_horizon_is_refused(write_scenario, capsys) -> None:
    short = write_scenario('extends = "baseline_guangdong_2024"\n'
                           "[institution]\nweeks_per_term = 18\nterms_per_year = 2\nyears = 1\n")
    assert main(["survey", str(short), "--week", "99"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("plsim: error:") and err.count("\n") == 1
    assert "--week 99" in err and "weeks 0-36" in err and "institution.years" in err
    assert main(["survey", str(short), "--week", "36", "--format", "csv"]) == 0


def test_a_mistyped_option_prints_the_subcommands_usage_and_a_suggestion(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["survey", "baseline_guangdong_2024", "--weak", "3"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: plsim survey")
    assert "unrecognized arguments: --weak 3" in err and "did you mean --week?" in err
