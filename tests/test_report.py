"""`plsim report`: one self-contained, escaped HTML report of a comparison or experiment folder."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from experiments.analysis.sensitivity import analyze_results
from experiments.reporting.caveats import ODD_PATH, odd_limitations
from experiments.reporting.html import display_width, esc, interval
from experiments.storage.experiment_store import load_results
from interfaces.cli import main
from simulation.parameters import REGISTRY
from tests.conftest import SHOTS

NASTY = '<script>alert("x")</script> & <b>bold</b>'
SMALL_BASE = """description = "Small status quo for report tests"
question = "What if nothing changes?"
extends = "baseline_guangdong_2024"

[institution]
n_students = 200
"""
SMALL_ALT = f"""description = '{NASTY}'
question = "Does coaching pay off? <i>really</i>"
extends = "small_base"

[training]
coaching_hours = 40
coaches_per_teacher = 0.1

[practices]
personalized_feedback = true
"""
SPEC = """name = "report_spec"
description = "Two levers, tiny design, for the report tests"
scenario = "baseline_guangdong_2024"
root_seed = 7
replicates = 2
weeks = 4

[overrides]
"institution.n_students" = 100
"institution.weeks_per_term" = 4
"training.coaches_per_teacher" = 0.2
"administrators.budget_per_student" = 100000.0

[design]
method = "sobol"
n = 4

[[factors]]
name = "resources.adaptive_platform"

[[factors]]
name = "training.coaching_hours"
low = 0.0
high = 80.0

[outputs]
scalars = ["achievement_mean", "gap_bottom_top", "cost_per_student"]
timeseries = ["achievement_mean"]
weeks = [0, 4]
"""
IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    """A small two-arm comparison folder whose alternative has HTML in its description."""
    root = tmp_path_factory.mktemp("comparison")
    (root / "small_base.toml").write_text(SMALL_BASE, encoding="utf-8")
    (root / "small_alt.toml").write_text(SMALL_ALT, encoding="utf-8")
    out = root / "cmp"
    assert main(["compare", str(root / "small_base.toml"), str(root / "small_alt.toml"),
                 "--replicates", "3", "--weeks", "4", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> Path:
    """A tiny Sobol experiment folder (not yet analysed)."""
    root = tmp_path_factory.mktemp("experiment")
    spec = root / "report_spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = root / "sens"
    assert main(["sensitivity", str(spec), "--out", str(out), "--serial", "--no-progress",
                 "--no-pilot"]) == 0
    return out


def report_of(folder: Path, name: str = "report.html") -> str:
    out = folder.parent / name
    assert main(["report", str(folder), "--out", str(out), "--force"]) == 0
    return out.read_text(encoding="utf-8")


def test_comparison_report_is_self_contained_with_every_figure_embedded(comparison) -> None:
    html = report_of(comparison)
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower() and "<link" not in html.lower()
    images = IMG.findall(html)
    pngs = sorted((comparison / "figures").glob("*.png"))
    assert len(images) == len(pngs) >= 5
    decoded = {base64.b64decode(data) for data in images}
    assert decoded == {p.read_bytes() for p in pngs}
    assert html.count("<img") == len(images)


def test_comparison_report_shows_the_effects_and_costs_of_comparison_json(comparison) -> None:
    html = report_of(comparison)
    (row,) = json.loads((comparison / "comparison.json").read_text())["comparisons"]
    e = row["achievement_effect_sd"]
    assert esc(interval(e["estimate"], e["ci_low"], e["ci_high"], 3)) in html
    gap = row["intervals"]["gap_bottom_top_change_sd"]
    assert esc(interval(row["gap_bottom_top_change_sd"], gap["ci_low"], gap["ci_high"], 3)) in html
    assert f"{row['cost_per_student']:,.0f}" in html
    per = row["effect_sd_per_1000_per_student"]
    assert f"{per:+,.3f}" in html
    for heading in ("Question", "Scenarios and what differs", "Effects on learning", "Equity",
                    "Cost and cost-effectiveness", "Caveats", "Reproducing this result"):
        assert f">{heading}" in html


def test_comparison_report_names_what_differs_with_its_evidence(comparison) -> None:
    html = report_of(comparison)
    for name in ("training.coaching_hours", "training.coaches_per_teacher",
                 "practices.personalized_feedback"):
        assert name in html
        assert f'evidence-{REGISTRY[name].evidence}">{REGISTRY[name].evidence}<' in html
    assert "institution.n_students" not in html.split('id="caveats"')[1].split("</table>")[0]


def test_every_text_from_the_folder_is_escaped(comparison) -> None:
    html = report_of(comparison)
    assert NASTY not in html and "<i>really</i>" not in html
    assert esc(NASTY) in html and esc("Does coaching pay off? <i>really</i>") in html


def test_reproducibility_block_has_command_seed_code_and_packages(comparison) -> None:
    html = report_of(comparison)
    env = json.loads((comparison / "manifest.json").read_text())["environment"]
    block = html.split('id="reproduce"')[1]
    if env["code"]["commit"]:
        assert env["code"]["commit"] in block
    assert esc(env["command"]) in block
    assert f"<td>mesa</td><td>{env['packages']['mesa']}</td>" in block
    assert "numpy.random.SeedSequence" in block
    assert "small_alt.toml" in block  # scenario files outside the library are named


def test_limitations_come_from_the_odd_section() -> None:
    text = odd_limitations(ODD_PATH)
    assert text is not None and not text.lstrip().startswith("#")
    first = next(line for line in text.splitlines() if line.startswith("- "))
    words = re.sub(r"[*`]", "", first[2:]).split()[:3]
    html_limits = report_limitations()
    assert " ".join(words[:2]).rstrip(".") in re.sub(r"<[^>]+>", "", html_limits)


def report_limitations() -> str:
    from experiments.reporting.caveats import limitations_html

    return limitations_html()


def test_odd_limitations_stop_at_the_next_heading(tmp_path) -> None:
    odd = tmp_path / "ODD.md"
    odd.write_text("# ODD\n## 7. Submodels\ntext\n## What the model is not (limitations)\n"
                   "- **No forgetting.** none\n### detail\nkept\n## Appendix\nnot kept\n",
                   encoding="utf-8")
    assert odd_limitations(odd) == "- **No forgetting.** none\n### detail\nkept"
    odd.write_text("# ODD\n## 1. Purpose\ntext\n", encoding="utf-8")
    assert odd_limitations(odd) is None
    assert odd_limitations(tmp_path / "missing.md") is None


def test_figures_keep_the_size_they_were_drawn_for(comparison) -> None:
    png = (comparison / "figures" / "effect_forest.png").read_bytes()
    width_px = int.from_bytes(png[16:20], "big")
    assert display_width(png) == round(width_px / 150 * 96)  # drawn at 150 dpi
    assert display_width(b"not a png") is None


def test_report_refuses_to_overwrite_and_rejects_non_results_folders(comparison, tmp_path,
                                                                     capsys) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(comparison), "--out", str(out)]) == 0
    assert main(["report", str(comparison), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["report", str(tmp_path), "--out", str(tmp_path / "x.html")]) == 2
    assert "no manifest.json" in capsys.readouterr().err
    assert main(["report", str(comparison), "--out", str(tmp_path / "x.pdf")]) == 2
    assert ".html" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nowhere")]) == 2
    assert "no such results folder" in capsys.readouterr().err


def test_sensitivity_report_ranks_factors_like_the_analysis(experiment) -> None:
    html = report_of(experiment, "sens.html")
    assert "Computed for this report" in html
    expected = analyze_results(load_results(experiment))
    section = html.split('id="ranking"')[1].split('id="noise"')[0]
    for outcome in ("achievement_mean", "gap_bottom_top"):
        part = section.split(f"<h3>{outcome}:")[1].split("</table>")[0]
        ranked = expected.ranking(outcome)["factor"].tolist()
        positions = [part.index(f"<td>{name}</td>") for name in ranked]
        assert positions == sorted(positions), (outcome, ranked)
        top = expected.ranking(outcome).iloc[0]
        assert f"{top['ST']:.3f} [{top['ST'] - top['ST_conf']:.3f}" in part
    noise = expected.noise.set_index("outcome")
    assert f"{noise.loc['achievement_mean', 'noise_share']:.1%}" in html
    assert len(IMG.findall(html)) >= 3
    assert "root seed" in html and "report_spec" in html


def test_sensitivity_report_uses_the_tables_plsim_analyze_wrote(experiment, capsys) -> None:
    assert main(["analyze", str(experiment)]) == 0
    capsys.readouterr()
    html = report_of(experiment, "sens_analysed.html")
    assert "Tables written by plsim analyze into analysis/" in html
    pngs = sorted((experiment / "analysis").glob("*.png"))
    assert {base64.b64decode(d) for d in IMG.findall(html)} == {p.read_bytes() for p in pngs}


@pytest.mark.browser
def test_reports_open_in_chromium_with_their_figures(comparison, experiment, chromium) -> None:
    pages = {"report_comparison": comparison.parent / "browser_cmp.html",
             "report_sensitivity": experiment.parent / "browser_sens.html"}
    for folder, path in ((comparison, pages["report_comparison"]),
                         (experiment, pages["report_sensitivity"])):
        assert main(["report", str(folder), "--out", str(path), "--force"]) == 0
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        for name, path in pages.items():
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            sizes = page.eval_on_selector_all(
                "img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.clientWidth])")
            assert sizes and all(ok and natural > 0 for ok, natural, _ in sizes), sizes
            visible = [w for _, _, w in sizes if w > 0]
            assert visible and max(visible) <= 1100  # figures fit the page
            assert page.locator("h2").count() >= 6
            assert page.title().startswith(("Policy comparison", "Sensitivity experiment"))
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    finally:
        page.close()
    for name in pages:
        assert (SHOTS / f"{name}.png").stat().st_size > 50_000


def test_folder_written_from_python_gets_the_equivalent_command(comparison) -> None:
    from experiments.reporting.reproducibility import reproducibility_html

    manifest = json.loads((comparison / "manifest.json").read_text())
    manifest["environment"]["command"] = "-c"
    block = reproducibility_html(manifest, comparison)
    assert "-c (run from Python)" in block
    alt = manifest["scenarios"]["small_alt"]["source"]
    assert (f"plsim compare {manifest['scenarios']['small_base']['source']} {alt} "
            f"--replicates 3 --weeks 4 --seed 1 --out {comparison}") in block


def test_rank_certainty_compares_each_interval_with_the_next_and_with_zero() -> None:
    import pandas as pd

    from experiments.reporting.sensitivity_sections import ranking_rows

    ranked = pd.DataFrame({
        "factor": ["a", "b", "c", "d"], "role": "policy",
        "ST": [0.8, 0.5, 0.45, 0.02], "ST_conf": [0.1, 0.1, 0.1, 0.05],
        "S1": [0.7, 0.4, 0.4, 0.0], "S1_conf": [0.1, 0.1, 0.1, 0.05]})
    verdicts = [row[-1] for row in ranking_rows(ranked, "sobol")]
    assert verdicts == ["clearly above the next", "overlaps the next: order uncertain",
                        "clearly above the next", "not distinguishable from zero"]
    last_above_zero = ranked.assign(ST=[0.8, 0.5, 0.45, 0.2])
    assert ranking_rows(last_above_zero, "sobol")[-1][-1] == "above zero"
