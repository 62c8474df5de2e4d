"""`plsim report`: one self-contained, escaped HTML report of a comparison or experiment folder."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from experiments.analysis.sensitivity import analyze_results
from experiments.reporting.caveats import ODD_PATH, odd_limitations
from experiments.reporting.html import display_width, esc, fmt, interval
from experiments.reporting.labels import metric_label, parameter_label
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
    assert len(images) == len(pngs) + 1 >= 6  # the folder's figures and the cost-effect chart
    decoded = {base64.b64decode(data) for data in images}
    assert decoded >= {p.read_bytes() for p in pngs}
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
    assert f"<td>mesa</td><td>{env['packages']['mesa']}</td>" in block  # folded, still there
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
        part = section.split(f'<h3 id="rank-{outcome}">')[1].split("</table>")[0]
        assert part.startswith(esc(metric_label(outcome)))
        ranked = expected.ranking(outcome)["factor"].tolist()
        positions = [part.index(f'<span title="{name}">{esc(parameter_label(name))}</span>')
                     for name in ranked]
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


# --- the one-page brief, plain words, money, print and PDF -------------------------------------

def _row(name: str, effect: tuple[float, float, float], quartile: tuple[float, float, float],
         access: tuple[float, float, float], cost: float) -> dict:
    """A comparison.json row (the shape plsim compare writes) with the numbers given."""
    return {"scenario": name, "base": "baseline_guangdong_2024",
            "achievement_effect_sd": dict(zip(("estimate", "ci_low", "ci_high"), effect)),
            "percentile_points": 40 * effect[0], "gap_bottom_top_change_sd": quartile[0],
            "gap_access_change_sd": access[0], "cost_difference_per_student": cost,
            "cost_per_student": cost,
            "effect_sd_per_1000_per_student": 1000 * effect[0] / cost if cost else None,
            "intervals": {"gap_bottom_top_change_sd": {"ci_low": quartile[1],
                                                       "ci_high": quartile[2]},
                          "gap_access_change_sd": {"ci_low": access[1], "ci_high": access[2]}}}


SELF_PACED = _row("self_paced_unequal_access", (0.1551, 0.139, 0.172), (-0.056, -0.09, -0.022),
                  (0.217, 0.062, 0.371), 25.0)
COACHING = _row("coaching_only", (0.080, 0.078, 0.082), (-0.035, -0.04, -0.03),
                (0.0, -0.01, 0.01), 120.0)


def test_brief_flags_a_policy_that_raises_the_mean_while_widening_the_access_gap() -> None:
    from experiments.reporting.brief import equity_flags

    (flag,) = equity_flags([SELF_PACED, COACHING])
    assert flag.startswith("Self-pacing with unequal access raises mean achievement (+0.16 SD)")
    assert "widens the gap between students with and without home access by 0.22 SD" in flag
    assert "(95% interval +0.06 to +0.37)" in flag
    narrowing = {**SELF_PACED, "intervals": {**SELF_PACED["intervals"],
                                             "gap_access_change_sd": {"ci_low": -0.1,
                                                                      "ci_high": 0.3}}}
    assert equity_flags([narrowing]) == []  # an interval that includes zero is no flag
    no_gain = {**SELF_PACED, "achievement_effect_sd": {"estimate": 0.01, "ci_low": -0.02,
                                                       "ci_high": 0.04}}
    (worse,) = equity_flags([no_gain])  # a gap widened with no clear gain is flagged too
    assert worse.startswith("Self-pacing with unequal access does not clearly raise mean "
                            "achievement (+0.010 SD) and widens the gap")


def test_brief_states_effect_equity_cost_and_what_would_change() -> None:
    from experiments.reporting.brief import comparison_brief

    manifest = {"base": "baseline_guangdong_2024", "replicates": 3, "weeks": 36,
                "alternatives": ["self_paced_unequal_access", "coaching_only"],
                "differing_settings": {"coaching_only": [{"name": "training.coaching_hours"}]},
                "scenarios": {}}
    text = re.sub(r"<[^>]+>", " ", comparison_brief(manifest, [SELF_PACED, COACHING], "€"))
    assert "Self-pacing with unequal access raises achievement most: +0.16 SD" in text
    assert "€25 more per student per year" in text and "€120" in text
    assert "Equity warning." in text and "widens" in text and "narrows" in text
    assert "How sure." in text and "3 paired replicates" in text
    assert "What would change the answer." in text and "10 or more" in text
    assert "$" not in text and "currency units" not in text
    assert len(IMG.findall(comparison_brief(manifest, [SELF_PACED], "€"))) == 1  # the chart


def test_brief_phrases_the_question_when_a_scenario_inherits_the_bases() -> None:
    from experiments.reporting.brief import brief_question

    base_q = "What happens if nothing changes?"
    manifest = {"base": "baseline_guangdong_2024", "alternatives": ["coaching_only"],
                "scenarios": {"baseline_guangdong_2024": {"question": base_q},
                              "coaching_only": {"question": base_q}}}
    assert brief_question(manifest) == ("What does Coaching only change against Status quo "
                                        "(Guangdong 2024)?")
    manifest["scenarios"]["coaching_only"]["question"] = ""
    assert brief_question(manifest).startswith("What does Coaching only change")
    manifest["scenarios"]["coaching_only"]["question"] = "Does coaching pay off?"
    assert brief_question(manifest) == "Does coaching pay off?"
    manifest["alternatives"].append("small_classes")
    assert brief_question(manifest).startswith(
        "What do Coaching only and Smaller classes with feedback each change against")


def test_a_question_inherited_from_a_parent_is_not_the_scenarios_own(tmp_path) -> None:
    from experiments.reporting.brief import brief_question, own_question

    (tmp_path / "child.toml").write_text('extends = "coaching_only"\n[pacing]\nmode = "mastery"\n',
                                         encoding="utf-8")
    manifest = {"base": "baseline_guangdong_2024", "alternatives": ["child"],
                "scenarios": {"baseline_guangdong_2024": {"question": "What if nothing changes?"},
                              "child": {"question": "Does sustained instructional coaching pay "
                                                    "off?",  # inherited from coaching_only
                                        "source": str(tmp_path / "child.toml")}}}
    assert own_question(manifest, "child") == ""
    assert brief_question(manifest) == ("What does Child change against Status quo "
                                        "(Guangdong 2024)?")


SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.(?:csv|json|parquet|toml|md))")


def visible_text(html: str) -> str:
    """What a reader sees before the reproducibility block (no tags, tooltips, code, figures)."""
    body = html.split('<section id="reproduce"')[0].split("<body>")[1]
    body = re.sub(r"<(style|pre|code)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#x27;", "'")


def test_reports_speak_plain_words_and_write_money_with_the_chosen_symbol(
        comparison, experiment, tmp_path) -> None:
    for folder in (comparison, experiment):
        out = tmp_path / f"{folder.name}.html"
        assert main(["report", str(folder), "--out", str(out), "--currency", "€"]) == 0
        text = visible_text(out.read_text(encoding="utf-8"))
        assert SNAKE.findall(text) == [], folder
        before_odd = text.split("From the model description")[0]
        assert "currency units" not in before_odd
        assert re.search(r"€\d", text) and not re.search(r"\$\d", text)
    cmp_text = visible_text((tmp_path / f"{comparison.name}.html").read_text(encoding="utf-8"))
    assert parameter_label("training.coaching_hours") in cmp_text  # not training.coaching_hours
    row = json.loads((comparison / "comparison.json").read_text())["comparisons"][0]
    assert f"€{row['cost_per_student']:,.0f}" in cmp_text


def test_currency_comes_from_the_environment_by_default(comparison, tmp_path,
                                                        monkeypatch) -> None:
    monkeypatch.setenv("PLSIM_CURRENCY", "CHF ")
    out = tmp_path / "chf.html"
    assert main(["report", str(comparison), "--out", str(out)]) == 0
    text = visible_text(out.read_text(encoding="utf-8"))
    assert re.search(r"CHF \d", text) and not re.search(r"\$\d", text)


def test_experiment_top_points_are_one_column_per_point(experiment) -> None:
    html = report_of(experiment, "points.html")
    table_ = html.split('<table class="points">')[1].split("</table>")[0]
    header = table_.split("</thead>")[0]
    assert len(re.findall(r"<th[ >]", header)) == 1 + 5  # a label column, the five best points
    results = load_results(experiment)
    assert table_.count("<tr>") == 1 + 2 + len(results.factors)  # achievement, cost, settings


def test_fmt_never_prints_a_signed_zero() -> None:
    assert fmt(-0.0001, 2, signed=True) == "0.00"
    assert fmt(0.0004, 3, signed=True) == "0.000"
    assert fmt(-0.004, 2, signed=True) == "0.00" and fmt(-0.006, 2, signed=True) == "-0.01"


def test_pdf_export_prints_the_brief_on_the_first_page(comparison, tmp_path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    out = tmp_path / "board.html"
    assert main(["report", str(comparison), "--out", str(out), "--pdf"]) == 0
    pdf = out.with_suffix(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 50_000
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "report_comparison_weasyprint.pdf").write_bytes(pdf.read_bytes())
    html = out.read_text(encoding="utf-8")
    brief_only = weasyprint.CSS(string="main > section:not(#brief) { display: none; }")
    assert len(weasyprint.HTML(string=html).render(stylesheets=[brief_only]).pages) == 1
    assert len(weasyprint.HTML(string=html).render().pages) >= 4
    assert main(["report", str(comparison), "--out", str(out), "--pdf"]) == 2  # no overwrite
    assert main(["report", str(comparison), "--out", str(out), "--pdf", "--force"]) == 0
    mine = tmp_path / "notes.html"
    mine.write_text("<p>my notes</p>", encoding="utf-8")
    assert main(["report", str(comparison), "--out", str(mine), "--force"]) == 2
    assert mine.read_text(encoding="utf-8") == "<p>my notes</p>"  # users' files untouched


A4_CSS_PX = (794, 1123)  # 210 x 297 mm at 96 px per inch
A4_CONTENT_PX = (round((210 - 26) / 25.4 * 96), round((297 - 26) / 25.4 * 96))  # @page margins


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


@pytest.mark.browser
def test_brief_prints_on_one_a4_page_in_chromium(comparison, experiment, chromium) -> None:
    """Printed at A4 in chromium, the header and brief fill one page; tables fit its width."""
    for name, folder in (("comparison", comparison), ("experiment", experiment)):
        path = folder.parent / f"a4_{name}.html"
        assert main(["report", str(folder), "--out", str(path), "--force"]) == 0
        page = chromium.new_page(viewport={"width": A4_CONTENT_PX[0], "height": A4_CONTENT_PX[1]})
        try:
            page.goto(path.resolve().as_uri())
            page.emulate_media(media="print")
            full = page.pdf(format="A4", prefer_css_page_size=True)
            (SHOTS / f"report_{name}_a4.pdf").write_bytes(full)
            wide = page.evaluate("Array.from(document.querySelectorAll('table'))"
                                 ".filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)"
                                 ".map(t => t.scrollWidth)")
            assert wide == []
            bottom = page.eval_on_selector("#brief", "e => e.getBoundingClientRect().bottom")
            assert bottom <= A4_CONTENT_PX[1]
            page.add_style_tag(content="main > section:not(#brief) { display: none; }")
            assert _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True)) == 1
            page.screenshot(path=str(SHOTS / f"report_{name}_brief_a4.png"), full_page=True)
            assert _pdf_pages(full) >= 3
        finally:
            page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_board_brief_of_the_bundled_policies_warns_about_self_pacing(tmp_path, chromium) -> None:
    """The issue's case: self-pacing with unequal access widens the gaps (since the cost of
    autonomy, without a clear gain in the mean); the brief warns and still prints on one A4 page
    (about 30 s: four full-size scenarios)."""
    out = tmp_path / "board"
    assert main(["compare", "baseline_guangdong_2024", "ding_full_model",
                 "self_paced_unequal_access", "coaching_only", "--replicates", "3",
                 "--worlds", "fixed",
                 "--out", str(out)]) == 0
    path = tmp_path / "board.html"
    assert main(["report", str(out), "--out", str(path)]) == 0
    html = path.read_text(encoding="utf-8")
    section = html.split('<section id="brief"')[1].split("</section>")[0]
    brief = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert ("Equity warning. Self-pacing with unequal access does not clearly raise mean "
            "achievement") in brief
    assert "widens the gap between the top and bottom quartiles" in brief
    assert "and the gap between students with and without home access by" in brief
    page = chromium.new_page(viewport={"width": A4_CONTENT_PX[0], "height": A4_CONTENT_PX[1]})
    try:
        page.goto(path.resolve().as_uri())
        page.emulate_media(media="print")
        (SHOTS / "report_board_a4.pdf").write_bytes(page.pdf(format="A4",
                                                             prefer_css_page_size=True))
        assert page.eval_on_selector("#brief", "e => e.getBoundingClientRect().bottom") \
            <= A4_CONTENT_PX[1]
        page.add_style_tag(content="main > section:not(#brief) { display: none; }")
        assert _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True)) == 1
        page.screenshot(path=str(SHOTS / "report_board_brief_a4.png"), full_page=True)
    finally:
        page.close()


def test_scenarios_list_shows_each_bundled_question(capsys) -> None:
    import tomllib

    from simulation.scenario import BUNDLED_DIR, bundled_names

    assert main(["scenarios"]) == 0
    out = re.sub(r"\s+", " ", capsys.readouterr().out)
    for name in bundled_names():
        data = tomllib.loads((BUNDLED_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        question = data.get("question")
        assert question and f"Q: {question}" in out, name


def test_labels_put_identifiers_into_words_and_money_into_the_chosen_symbol() -> None:
    from experiments.reporting.labels import (
        parameter_description,
        scenario_label,
        unit_label,
        value_label,
    )

    for name in REGISTRY:
        label = parameter_label(name)
        assert label and "_" not in label and not label.endswith("."), name
    if not getattr(REGISTRY["learning.hours_per_week"], "label", ""):  # no registry label yet
        assert parameter_label("learning.hours_per_week") == ("Scheduled study time per week in "
                                                              "the modelled course")
    else:  # the registry's own label is the one source once parameters carry it
        assert parameter_label("learning.hours_per_week") == REGISTRY[
            "learning.hours_per_week"].label
    assert metric_label("gap_access") == ("Gap between students with and without home access "
                                          "(SD; smaller is more equal)")
    assert metric_label("cost_per_student", symbol="€") == "Cost per student per year (€)"
    assert scenario_label("small_base") == "Small base"
    assert scenario_label("self_paced_unequal_access") == "Self-pacing with unequal access"
    assert value_label("pacing.mode", "self_paced") == "self-paced"
    assert value_label("practices.personalized_feedback", True) == "on"
    assert value_label("costs.device", 400.0, "€") == "€400"
    assert value_label("students.home_access_rate", 0.6) == "60%"
    assert unit_label("currency/student/year", "€") == "€ per student per year"
    assert "'need-based'" in parameter_description("resources.device_targeting")


@pytest.mark.browser
def test_brief_of_every_bundled_policy_still_prints_on_one_page(tmp_path, chromium) -> None:
    """Nine alternatives: numbered chart points, a compact table, still one A4 page."""
    from simulation.scenario import bundled_names

    alts = [n for n in bundled_names() if n != "baseline_guangdong_2024"]
    out = tmp_path / "all"
    assert main(["compare", "baseline_guangdong_2024", *alts, "--replicates", "2", "--weeks", "2",
                 "--out", str(out)]) == 0
    path = tmp_path / "all.html"
    assert main(["report", str(out), "--out", str(path)]) == 0
    html = path.read_text(encoding="utf-8")
    assert 'class="brief-table compact"' in html and f"{len(alts)}. " in html
    page = chromium.new_page(viewport={"width": A4_CONTENT_PX[0], "height": A4_CONTENT_PX[1]})
    try:
        page.goto(path.resolve().as_uri())
        page.emulate_media(media="print")
        page.add_style_tag(content="main > section:not(#brief) { display: none; }")
        assert _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True)) == 1
        page.screenshot(path=str(SHOTS / "report_nine_policies_brief_a4.png"), full_page=True)
    finally:
        page.close()
