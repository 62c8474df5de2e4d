"""The dashboard without a browser: session logic, exports, links, and widgets via solara.render."""

from __future__ import annotations

import time
import tomllib

import ipyvuetify as v
import numpy as np
import pytest
import solara
from solara.components.echarts import EchartsWidget

from interfaces.dashboard import charts, compare_job, exports, figures, urlstate
from interfaces.dashboard import values as checks
from interfaces.dashboard.app import Page
from interfaces.dashboard.components import controls
from interfaces.dashboard.components.budget_meter import meter_state
from interfaces.dashboard.components.lever_panel import lever_class
from interfaces.dashboard.components.live_charts import solara_viz_components
from interfaces.dashboard.levers import BY_NAME, LEVERS
from interfaces.dashboard.session import BASELINE, Session
from simulation.errors import UserError
from simulation.model import PersonalizedLearningModel
from simulation.parameters import PARAMETERS, REGISTRY
from simulation.scenario import bundled_names, load_scenario

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COACHING = {"training.coaching_hours": 40.0, "training.coaches_per_teacher": 0.1}


@pytest.fixture(autouse=True)
def default_currency(monkeypatch):
    """Money reads ``$`` whatever the environment of the test run says."""
    monkeypatch.delenv("PLSIM_CURRENCY", raising=False)


@pytest.fixture
def session():
    s = Session(seed=3)
    yield s
    s.release()


def _set_all(s: Session, values: dict) -> None:
    for name, value in values.items():
        assert s.set(name, value), s.message


# --- levers and values ----------------------------------------------------------------------

def test_every_policy_lever_of_the_registry_is_on_the_dashboard():
    policy = {p.name for p in PARAMETERS if p.role == "policy"}
    assert {lv.name for lv in LEVERS} == policy


def test_slider_steps_divide_each_range_into_about_a_hundred():
    for lever in LEVERS:
        p = lever.param
        if p.kind == "float":
            assert 20 <= (p.high - p.low) / lever.step() <= 1000, lever.name


@pytest.mark.parametrize("text, expected", [("1,500", 1500.0), (" 250 ", 250.0), ("0", 0.0)])
def test_typed_budget_accepts_separators_and_spaces(text, expected):
    value, error = checks.parse(REGISTRY["administrators.budget_per_student"], text)
    assert error is None and value == expected


@pytest.mark.parametrize("text, words", [("lots", "not a number"), ("-5", "outside"),
                                         ("1e9", "outside"), ("nan", "finite"), ("", "enter")])
def test_typed_budget_rejects_bad_text_with_a_reason(text, words):
    value, error = checks.parse(REGISTRY["administrators.budget_per_student"], text)
    assert value is None and words in error


def test_typed_whole_numbers_and_seeds_are_checked():
    assert checks.parse(REGISTRY["resources.class_size"], "30.5")[1] is not None
    assert checks.parse(REGISTRY["resources.class_size"], "30") == (30, None)
    assert checks.parse_seed("42") == (42, None)
    assert checks.parse_seed("-1")[0] is None
    assert checks.parse_seed(str(2**40))[0] is None


def test_lever_captions_read_as_plain_numbers():
    from interfaces.dashboard.components.lever_panel import caption

    text = caption(BY_NAME["administrators.budget_per_student"], 1000.0, pending=True)
    assert "range 0 to 100,000" in text and "not applied yet" in text
    assert "when you press Reset" in caption(BY_NAME["resources.class_size"], 50, False)


# --- the command ---------------------------------------------------------------------------------

def test_dashboard_command_listens_on_this_computer_unless_told():
    from interfaces.cli import build_parser
    from interfaces.commands.dashboard import is_loopback, solara_arguments

    args = build_parser().parse_args(["dashboard"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    served = solara_arguments(args.host, args.port)
    assert served[served.index("--host") + 1] == "127.0.0.1"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")


def test_dashboard_command_refuses_an_impossible_port():
    from interfaces.cli import main

    assert main(["dashboard", "--port", "70000"]) == 2


# --- the session ------------------------------------------------------------------------------

def test_changes_at_week_zero_become_the_starting_settings(session):
    _set_all(session, COACHING)
    assert session.step()
    assert session.timeline == []
    assert session.model.values["training"]["coaching_hours"] == 40.0
    fresh = PersonalizedLearningModel(scenario=load_scenario(BASELINE, overrides=COACHING),
                                      seed=3, snapshots=False)
    fresh.step()
    assert fresh.metrics["achievement_mean"] == session.model.metrics["achievement_mean"]
    fresh.release()


def test_a_mid_run_change_applies_from_the_next_week_and_is_on_the_timeline(session):
    other = Session(seed=3)
    for _ in range(4):
        session.step()
        other.step()
    _set_all(session, {"resources.adaptive_platform": True, "pacing.mode": "mastery"})
    assert session.model.policy.pacing == "lockstep"  # pending until the next step
    for _ in range(6):
        session.step()
        other.step()
    assert [e.week for e in session.timeline] == [4]
    assert "Mastery" in session.timeline[0].text()
    assert session.model.policy.pacing == "mastery"
    a, b = session.model.timeseries(), other.model.timeseries()
    assert a.loc[:4, "achievement_mean"].equals(b.loc[:4, "achievement_mean"])
    assert a.loc[10, "achievement_mean"] != b.loc[10, "achievement_mean"]
    other.release()


def test_budget_levers_changed_mid_run_reach_the_administration_at_term_start(session):
    for _ in range(5):
        session.step()
    _set_all(session, COACHING)
    session.step()
    assert session.model.levers.coaching_hours == 40.0
    assert session.model.coaching_weekly.sum() == 0.0  # the term's schedule stands
    while session.week <= session.weeks_per_term:
        session.step()
    assert session.model.coaching_weekly.sum() > 0.0


def test_refused_settings_keep_the_run_going_and_say_why(session):
    session.step()
    session.set("training.coaching_hours", 40.0)
    assert not session.step()
    assert session.week == 1
    assert "coaches" in session.message
    session.set("training.coaches_per_teacher", 0.5)
    assert not session.step()
    assert "budget" in session.message
    session.set("administrators.budget_per_student", 5000.0)
    assert session.step() and session.week == 2 and session.message is None


def test_population_levers_and_the_seed_wait_for_reset(session):
    session.step()
    session.set("resources.class_size", 45)
    session.set_seed_text("9")
    assert session.step()
    assert session.model.values["resources"]["class_size"] == 50
    assert "Reset" in session.notice and "Students per class" in session.notice
    assert session.reset()
    assert session.week == 0 and session.model.values["resources"]["class_size"] == 45
    assert session.model.seed == 9 and session.pending() == []


def test_only_bundled_presets_can_be_chosen(session, tmp_path):
    outside = tmp_path / "evil.toml"
    outside.write_text('description = "x"\n')
    for name in (str(outside), "../scenarios/baseline_guangdong_2024", "nope"):
        assert not session.choose_preset(name)
        assert session.preset.name == BASELINE
    assert session.choose_preset(bundled_names()[-1])


def test_every_preset_loads_and_steps():
    for name in bundled_names():
        s = Session(name)
        assert s.message is None, (name, s.message)
        assert s.step(), (name, s.message)
        s.release()


def test_planned_cost_follows_the_levers_before_they_apply(session):
    assert session.planned_costs()["total_per_student"] == 0.0
    _set_all(session, COACHING)
    assert session.planned_costs()["coaching"] > 0.0
    assert meter_state(session.planned_costs()["total_per_student"], session.budget()) == (
        pytest.approx(0.4), False)


def test_budget_meter_is_over_when_spending_exceeds_the_budget():
    assert meter_state(301.0, 300.0)[1]
    assert not meter_state(300.0, 300.0)[1]
    assert meter_state(1.0, 0.0) == (float("inf"), True)
    assert meter_state(0.0, 0.0) == (0.0, False)


# --- links and exports -------------------------------------------------------------------------

def test_a_link_reproduces_preset_seed_and_levers(session):
    session.choose_preset("coaching_only")
    session.set_seed_text("17")
    _set_all(session, {"pacing.mode": "mastery", "resources.adaptive_platform": True})
    copy = urlstate.session_from_query(urlstate.query_string(session))
    assert copy.preset.name == "coaching_only" and copy.seed == 17
    assert copy.settings == session.settings and copy.message is None
    copy.release()


def test_a_bad_link_says_what_was_ignored_and_starts_anyway():
    s = urlstate.session_from_query(
        "preset=/etc/passwd&seed=x&pacing.mode=warp&resources.class_size=45&nope=1")
    assert s.preset.name == BASELINE and s.settings["resources.class_size"] == 45
    for words in ("unknown preset", "seed", "'warp'", "'nope'"):
        assert words in s.message
    s.release()


def test_exported_scenario_loads_back_to_the_same_settings(session, tmp_path):
    _set_all(session, {**COACHING, "pacing.mode": "flexible"})
    session.step()
    session.set("resources.device_ratio", 0.2)
    session.step()
    text = exports.scenario_toml(session)
    assert "after week 1" in text
    path = tmp_path / "exported.toml"
    path.write_text(text)
    loaded = load_scenario(path)
    assert loaded.flat() == session.candidate().flat()
    assert tomllib.loads(text)["extends"] == BASELINE


def test_export_of_refused_settings_raises_a_user_error(session):
    session.set("training.coaching_hours", 40.0)
    with pytest.raises(UserError):
        exports.scenario_toml(session)


def test_run_csv_has_a_row_per_week_and_the_policy_changes(session):
    session.step()
    session.set("resources.analytics_tools", True)
    session.step()
    lines = exports.run_csv(session).splitlines()
    assert len(lines) == 1 + 3
    assert lines[0].startswith("preset,seed,week")
    assert "analytics" in lines[2] and "analytics" not in lines[3]


# --- charts -------------------------------------------------------------------------------------

def test_each_policy_change_is_a_numbered_line_on_every_panel(session):
    session.step()
    session.set("pacing.mode", "mastery")
    session.step()
    options = charts.panel_options(session.model.timeseries(), [1], 36)
    assert len(options) == 6
    for option in options:
        marks = option["series"][-1]["markLine"]["data"]
        assert marks == [{"xAxis": 1, "name": "1"}]


def test_class_chart_draws_one_point_per_student_of_the_class(session):
    from interfaces.dashboard.classview import class_data

    data = class_data(session.model, 2)
    option = charts.class_option(data.achievement, data.engagement, data.full_access,
                                 data.calendar_position, data.x_range, data.number)
    points = sum(len(s["data"]) for s in option["series"])
    assert points == int((session.model.student_state.class_id == 2).sum()) == 50


def test_projector_charts_use_larger_type_and_thicker_lines(session):
    ts = session.model.timeseries()
    normal = charts.panel_options(ts, [], 36)[0]
    responsive = charts.panel_options(ts, [], 36, True)[0]
    big = charts.base_option(responsive)
    assert big["title"]["textStyle"]["fontSize"] > normal["title"]["textStyle"]["fontSize"]
    assert big["series"][0]["lineStyle"]["width"] > normal["series"][0]["lineStyle"]["width"]
    # a wide chart (a 1920-pixel projector) scales its type up again
    media = responsive["media"][0]
    assert media["query"]["minWidth"] == charts.LARGE_CHART_PX
    larger = media["option"]["title"]["textStyle"]["fontSize"]
    assert larger == pytest.approx(big["title"]["textStyle"]["fontSize"] * charts.LARGE_SCALE)


# --- comparison ---------------------------------------------------------------------------------

def test_comparison_reports_the_settings_that_differ(session):
    _set_all(session, COACHING)
    outcome = compare_job.run_comparison(session.candidate(), BASELINE, replicates=2,
                                         pool=compare_job.ComparePool(1))
    labels = [label for label, _, _ in outcome.differing]
    assert labels == ["Coaching hours per teacher", "Instructional coaches per teacher"]
    assert outcome.row["achievement_effect_sd"]["ci_low"] is not None
    assert outcome.row["cost_per_student"] > 0
    png = figures.to_png(figures.comparison_chart(outcome.row))
    assert png[:8] == PNG_SIGNATURE


def test_chart_downloads_are_png_images_with_the_timeline(session):
    from interfaces.dashboard.components.export_panel import charts_png, class_png

    session.step()
    session.set("pacing.mode", "mastery")
    session.step()
    for png in (charts_png(session, projector=False), class_png(session, 3, projector=True)):
        assert png[:8] == PNG_SIGNATURE and len(png) > 10_000


def test_comparing_the_baseline_with_itself_is_refused(session):
    with pytest.raises(UserError, match="same as"):
        compare_job.run_comparison(session.candidate(), BASELINE, replicates=2,
                                   pool=compare_job.ComparePool(1))


# --- widgets ------------------------------------------------------------------------------------

def _button(rc, label: str):
    found = [w for w in rc.find(v.Btn).widgets if label in w.children]
    assert len(found) == 1, label
    return found[0]


def _texts(rc) -> list[str]:
    return [c for w in rc.find(v.Html).widgets for c in w.children if isinstance(c, str)]


def _chart(rc, test_id: str) -> EchartsWidget:
    found = [w for w in rc.find(EchartsWidget).widgets
             if (w.attributes or {}).get("data-testid") == test_id]
    assert len(found) == 1, test_id
    return found[0]


@pytest.fixture
def page():
    box, rc = solara.render(Page(), handle_error=False)
    yield rc
    rc.close()


def test_step_button_advances_the_week_and_redraws_the_charts(page):
    chart = _chart(page, "chart-achievement")
    before = chart.option["series"][0]["data"]
    _button(page, "Step").click()
    assert "Week 1 of 36 \u00b7 term 1" in _texts(page)
    chart = _chart(page, "chart-achievement")
    assert chart.attributes["data-week"] == "1"
    assert len(chart.option["series"][0]["data"]) == len(before) + 1


def test_choosing_a_preset_loads_it(page):
    select = page.find(v.Select, label="Preset (a scenario from the library)").widget
    select.v_model = "ding_full_model"
    assert any("All three groups move together" in t for t in _texts(page))
    pacing = page.find(v.Select, label="How students move through the course").widget
    assert pacing.v_model.startswith("Flexible")


def _alerts(rc) -> str:
    return " ".join(str(w.children) for w in rc.find(v.Alert).widgets)


def _type(rc, label: str, text: str) -> None:
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter")


BUDGET_LABEL = "Budget per student per year ($)"


def _lever(rc, name: str, widget_class=v.Slider):
    sheet = rc.find(v.Sheet, class_=f"d-flex ma-0 plsim-lever {lever_class(name)}")
    return sheet.find(widget_class).widget


def test_a_moved_lever_is_pending_until_step_then_refused_with_a_reason(page):
    _lever(page, "training.coaching_hours").v_model = 20.0
    assert "Not applied yet" in _alerts(page) and "Coaching hours" in _alerts(page)
    _button(page, "Step").click()
    assert "Coaching needs coaches" in _alerts(page)
    assert "Week 0 of 36 \u00b7 term 1 starts" in _texts(page)


def test_bad_typed_budget_shows_a_message_and_keeps_the_page(page):
    _type(page, BUDGET_LABEL, "a lot")
    assert "not a number" in _alerts(page)
    assert page.find(v.TextField, label=BUDGET_LABEL).widget.error
    _button(page, "Step").click()
    assert "Week 1 of 36 \u00b7 term 1" in _texts(page)


def _meter(rc) -> str:
    return " ".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets
                    if "budget-meter" in (w.unsafe_innerHTML or ""))


def test_budget_meter_turns_red_when_spending_exceeds_the_budget(page):
    assert 'data-over="false"' in _meter(page)
    _lever(page, "resources.device_ratio").v_model = 0.5  # devices per student: 100 a year each
    assert 'data-over="false"' in _meter(page) and "33% of the budget of $300" in _meter(page)
    _type(page, BUDGET_LABEL, "50")
    assert 'data-over="true"' in _meter(page)
    assert "Over budget: your settings cost $100 per student a year, $50 more than the budget " \
        "of $50" in _meter(page)
    box = [w for w in page.find(solara.widgets.HTML).widgets
           if "budget-meter" in (w.unsafe_innerHTML or "")][0]
    assert "plsim-meter-over" in box.attributes["class"]


def test_projector_view_enlarges_type_and_hides_the_controls(page):
    switch = page.find(v.Switch, label="Projector view").widget
    switch.v_model = True
    assert page.find(v.Sheet, class_="d-flex ma-0 plsim-page plsim-projector").widgets
    assert not page.find(v.Select, label="Preset (a scenario from the library)").widgets
    option = charts.base_option(_chart(page, "chart-achievement").option)
    assert option["title"]["textStyle"]["fontSize"] >= 17


def test_run_button_runs_to_the_end_of_the_term(page, monkeypatch):
    monkeypatch.setattr(controls, "RUN_PAUSE_S", 0.0)
    _button(page, "Run").click()
    deadline = time.monotonic() + 60
    def finished() -> bool:
        labels = [c for w in page.find(v.Btn).widgets for c in w.children if isinstance(c, str)]
        return "Week 18 of 36 \u00b7 end of term 1" in _texts(page) and "Run" in labels

    while not finished():
        assert time.monotonic() < deadline, _texts(page)[:5]
        time.sleep(0.1)
    assert not _button(page, "Step").disabled  # the loop ended and released the controls
    assert not page.find(v.Alert).widgets


def test_components_render_inside_mesa_solaraviz():
    from mesa.visualization import SolaraViz

    model = PersonalizedLearningModel(seed=1, snapshots=False)
    box, rc = solara.render(
        solara.AppLayout(children=[SolaraViz(model, components=solara_viz_components())]),
        handle_error=False)
    _button(rc, "Step").click()
    weeks = [(w.attributes or {}).get("data-week") for w in rc.find(EchartsWidget).widgets]
    assert "1" in weeks
    assert np.isfinite(model.metrics["achievement_mean"])
    rc.close()
    model.release()


def _note(rc) -> str:
    return " ".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets
                    if (w.attributes or {}).get("data-testid") == "chart-note")


def test_pin_this_run_makes_it_the_faint_reference_on_the_charts(page):
    assert "status quo" in _note(page)
    assert _button(page, "Pin this run").disabled  # nothing to pin at week 0
    for _ in range(3):
        _button(page, "Step").click()
    _button(page, "Pin this run").click()
    assert "pinned run: baseline_guangdong_2024, to week 3" in _note(page)
    option = charts.base_option(_chart(page, "chart-achievement").option)
    faint = [s for s in option["series"] if s["name"].endswith("(reference)")]
    assert len(faint) == 3 and len(faint[0]["data"]) == 4
    _button(page, "Unpin").click()
    assert "status quo" in _note(page)
