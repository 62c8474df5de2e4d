"""Calibrated rows hold: the fitted calibration rows that the validation report shows holding
must keep holding (within their tolerance) over the plausible worlds, or this test fails.

Only calibration rows the fit used are guarded here; validation rows are reported in
docs/validation.md, pass or fail, and never tested into shape.
"""

from __future__ import annotations

from experiments.calibration.evidence_model import findings
from experiments.calibration.fit import FIT_ROWS
from experiments.calibration.validation_report import model_effects, summary

#: Fitted calibration rows that hold in docs/validation.md (same worlds and seed as the report).
HELD_ROWS: tuple[str, ...] = (
    "bettinger2017_online_course", "kulik1987_mastery_testing", "kraft2018_coaching_achievement",
    "steenbergenhu2014_its_college", "kingston2011_formative", "puzio2020_differentiation",
    "wong2024_engagement_achievement",
)

#: The report's draw: worlds per row and seed (plsim validate-model defaults).
WORLDS, SEED = 20, 11


def test_held_rows_are_fitted_calibration_rows() -> None:
    rows = {f.id: f for f in findings(HELD_ROWS)}
    assert set(HELD_ROWS) <= set(FIT_ROWS)
    assert all(f.split == "calibration" for f in rows.values())


def test_calibrated_rows_stay_within_their_tolerance_over_the_plausible_worlds() -> None:
    rows = findings(HELD_ROWS)
    table = summary(rows, model_effects(rows, worlds=WORLDS, seed=SEED))
    drifted = table[table["verdict"] != "holds"]
    assert drifted.empty, (
        "calibration rows drifted outside their tolerance: "
        + ", ".join(f"{r.id} model {r.model:+.3f} vs target {r.target_low:+.3f}..."
                    f"{r.target_high:+.3f} (tolerance {r.tolerance:.3f})"
                    for r in drifted.itertuples()))


def test_validate_model_command_writes_every_row_and_keeps_foreign_files(tmp_path) -> None:
    from interfaces.cli import main

    out = tmp_path / "validation.md"
    assert main(["validate-model", "--out", str(out), "--worlds", "2"]) == 0
    text = out.read_text()
    assert all(f"| {f.id} |" in text for f in findings())
    assert "## Validation rows" in text and (tmp_path / "figures/validation/forest.png").exists()
    assert main(["validate-model", "--out", str(out), "--worlds", "2"]) == 0  # its own: replaced
    foreign = tmp_path / "notes.md"
    foreign.write_text("my notes\n")
    assert main(["validate-model", "--out", str(foreign), "--worlds", "2"]) == 2
    assert foreign.read_text() == "my notes\n"


def test_fit_command_refuses_unknown_parameters_and_foreign_files(tmp_path) -> None:
    from interfaces.cli import main

    assert main(["fit", "--parameters", "learning.no_such", "--db",
                 str(tmp_path / "a.db")]) == 2
    foreign = tmp_path / "mine.db"
    foreign.write_text("not sqlite\n")
    assert main(["fit", "--db", str(foreign), "--fresh"]) == 2
    assert foreign.read_text() == "not sqlite\n"
