"""Integrity of the evidence base (experiments/calibration/evidence/findings.csv).

A data-integrity test: every row is complete, its numbers are internally consistent, its source is
named, and the calibration/validation split declared in the file keeps the shape the README
promises (a third or more in validation, spread across families, with who-gains and whole-school
rows held out).
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVIDENCE_DIR = ROOT / "experiments" / "calibration" / "evidence"
FINDINGS = EVIDENCE_DIR / "findings.csv"
README = EVIDENCE_DIR / "README.md"
DOCS = ROOT / "docs" / "evidence.md"

REQUIRED_COLUMNS = [
    "id", "family", "lever", "citation", "population", "university_population", "duration",
    "outcome_measure", "achievement_scale", "effect", "effect_unit", "se", "ci_low", "ci_high",
    "se_method", "effect_sd", "subgroup", "split", "scenario_sketch", "verified_from", "notes",
]
FAMILIES = {
    "pacing", "training", "devices_platforms", "analytics", "class_size", "practice",
    "whole_school", "status_quo", "engagement",
}
UNITS = {"SD", "SD_per_SD", "r", "grade_points", "exam_points", "sign"}
OUTCOMES = {
    "standardized_test", "course_test", "grade", "researcher_test", "mixed", "practice_rating",
    "correlation",
}
SCALES = {
    "standardized", "course_exam", "researcher", "mixed", "grade_points", "exam_points",
    "practice", "correlation",
}
# Divisor that takes a published effect onto the model's achievement scale (README, "Which test
# the achievement scale stands for"); scales absent here must leave effect_sd blank.
SCALE_DIVISOR = {"standardized": 1.0, "course_exam": 1.0, "researcher": 3.0, "mixed": 1.5}
SUBGROUPS = {"all", "prior_q1", "prior_q4", "prior_q1_minus_q4", "low_achievers_minus_all",
             "low_ses_minus_all", "no_home_access", "low_self_regulation", "self_regulation"}


def _load() -> tuple[list[str], list[dict[str, str]]]:
    with FINDINGS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


HEADER, ROWS = _load()


def _number(row: dict[str, str], column: str) -> float | None:
    text = row[column].strip()
    return float(text) if text else None


def test_file_has_every_required_column() -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in HEADER]
    assert not missing, f"findings.csv lacks columns {missing}"


def test_base_holds_at_least_24_findings_with_unique_slug_ids() -> None:
    ids = [r["id"] for r in ROWS]
    assert len(ids) >= 24
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, f"duplicate ids {duplicates}"
    bad = [i for i in ids if not re.fullmatch(r"[a-z][a-z0-9_]*", i)]
    assert not bad, f"ids must be lower-case slugs: {bad}"


def test_categorical_columns_use_declared_vocabularies() -> None:
    for r in ROWS:
        assert r["family"] in FAMILIES, (r["id"], r["family"])
        assert r["effect_unit"] in UNITS, (r["id"], r["effect_unit"])
        assert r["outcome_measure"] in OUTCOMES, (r["id"], r["outcome_measure"])
        assert r["achievement_scale"] in SCALES, (r["id"], r["achievement_scale"])
        assert r["subgroup"] in SUBGROUPS, (r["id"], r["subgroup"])
        assert r["split"] in {"calibration", "validation"}, (r["id"], r["split"])
        assert r["university_population"] in {"yes", "no", "partly"}, r["id"]


def test_every_lever_family_is_covered() -> None:
    assert {r["family"] for r in ROWS} == FAMILIES


def test_every_row_names_its_source_and_how_to_express_it() -> None:
    for r in ROWS:
        assert re.search(r"\((19|20)\d\d\)", r["citation"]), f"{r['id']}: citation lacks a year"
        for column in ("lever", "population", "duration", "scenario_sketch", "se_method"):
            assert r[column].strip(), f"{r['id']}: empty {column}"
        source = r["verified_from"].strip()
        assert source.startswith(("http://", "https://", "not verified: ")), (
            f"{r['id']}: verified_from must name a page or say 'not verified: <why>'")


def test_unverified_rows_are_rare_and_never_used_for_fitting() -> None:
    unverified = [r for r in ROWS if r["verified_from"].startswith("not verified")]
    assert len(unverified) <= len(ROWS) // 10
    assert all(r["split"] == "validation" for r in unverified), [r["id"] for r in unverified]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_effect_and_uncertainty_are_consistent(row: dict[str, str]) -> None:
    effect = _number(row, "effect")
    assert effect is not None and math.isfinite(effect)
    se, low, high = _number(row, "se"), _number(row, "ci_low"), _number(row, "ci_high")
    if row["effect_unit"] == "sign":
        assert effect in (-1.0, 0.0, 1.0)
        assert se is None and low is None and high is None
        return
    assert se is not None or (low is not None and high is not None), "no se and no interval"
    if se is not None:
        assert se > 0
    if low is not None or high is not None:
        assert low is not None and high is not None
        assert low <= effect <= high
    if row["effect_unit"] == "r":
        assert -1.0 <= effect <= 1.0


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_effect_on_model_scale_follows_the_declared_conversion(row: dict[str, str]) -> None:
    effect_sd = _number(row, "effect_sd")
    divisor = SCALE_DIVISOR.get(row["achievement_scale"])
    if divisor is None or row["effect_unit"] == "sign":
        assert effect_sd is None, "effect_sd must stay blank for this scale"
        return
    assert row["effect_unit"] in {"SD", "SD_per_SD"}
    effect = _number(row, "effect")
    assert effect is not None and effect_sd is not None
    assert effect_sd == pytest.approx(effect / divisor, abs=0.006)


def test_validation_set_is_a_third_or_more_and_spread_across_families() -> None:
    validation = [r for r in ROWS if r["split"] == "validation"]
    assert 3 * len(validation) >= len(ROWS)
    assert len({r["family"] for r in validation}) >= 4
    assert any(r["subgroup"] != "all" for r in validation), "no who-gains row held out"
    assert any(r["family"] == "whole_school" for r in validation), "no whole-school row held out"


def test_calibration_set_anchors_most_families_and_who_gains() -> None:
    calibration = [r for r in ROWS if r["split"] == "calibration"]
    assert len({r["family"] for r in calibration}) >= 7
    assert any(r["subgroup"] != "all" for r in calibration)


def test_readme_declares_the_split_date_and_keeps_a_dated_history() -> None:
    text = README.read_text(encoding="utf-8")
    assert re.search(r"fixed on \*\*\d{4}-\d\d-\d\d", text) or re.search(
        r"fixed on \d{4}-\d\d-\d\d", text)
    assert "never used to choose" in text
    history = text.split("## History", 1)
    assert len(history) == 2 and re.search(r"^- \d{4}-\d\d-\d\d:", history[1], re.MULTILINE)


def test_docs_summary_lists_every_finding() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [r["id"] for r in ROWS if f"`{r['id']}`" not in text]
    assert not missing, f"docs/evidence.md does not list {missing}"
