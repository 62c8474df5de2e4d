"""What a room reads on the dashboard: weeks, signs, ranges, budget, evidence, links, labels.

Each slip found while trying the dashboard as a facilitator has a test here that fails on the
old wording.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
import solara

from interfaces.dashboard import compare_job, wording
from interfaces.dashboard.compare_job import ComparePool, CompareState
from interfaces.dashboard.components.budget_meter import budget_sentence
from interfaces.dashboard.components.controls import week_text
from interfaces.dashboard.components.evidence_cards import card_lines
from interfaces.dashboard.components.lever_panel import LeverControl, caption
from interfaces.dashboard.components.live_charts import headline
from interfaces.dashboard.evidence import finding
from interfaces.dashboard.levers import BY_NAME, LEVERS
from interfaces.dashboard.session import Session
from interfaces.dashboard.urlstate import session_from_query, share_url

IDENTIFIER = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b|\[[a-z]+\]|currency")


@pytest.fixture(autouse=True)
def default_currency(monkeypatch):
    monkeypatch.delenv("PLSIM_CURRENCY", raising=False)


@pytest.fixture
def session():
    s = Session(seed=3)
    yield s
    s.release()


# --- weeks and terms -----------------------------------------------------------------------------

def test_a_two_term_year_never_shows_a_third_term():
    texts = [wording.term_text(w, 18, 36) for w in range(37)]
    assert not any("term 3" in t for t in texts)
    assert texts[0] == "term 1 starts" and texts[1] == texts[17] == "term 1"
    assert texts[18] == "end of term 1" and texts[19] == "term 2"
    assert texts[36] == "end of term 2"
    assert wording.term_text(37, 18, 36) == "year 2, term 1"


def test_the_week_counter_at_the_end_of_the_year_says_end_of_term_2(session):
    for _ in range(36):
        assert session.step(), session.message
    assert week_text(session) == "Week 36 of 36 \u00b7 end of term 2"


# --- numbers -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [-0.004, -0.0, 0.0, 0.004, -1e-12])
def test_a_value_that_rounds_to_zero_has_no_minus_sign(value):
    assert wording.signed(value, 2, "SD") == "0.00 SD"


def test_signed_values_keep_their_sign():
    assert wording.signed(0.126, 2, "SD") == "+0.13 SD"
    assert wording.signed(-0.3, 1) == "-0.3"


def test_the_headline_at_week_zero_reads_zero_not_minus_zero(session):
    achievement = dict(headline(session.model.metrics))["Achievement"]
    assert not achievement.startswith("-0.00"), achievement


def test_a_narrow_interval_gets_more_digits_instead_of_equal_ends():
    assert wording.interval(0.0781, 0.0824) == "likely between +0.078 and +0.082"
    assert wording.interval(0.08001, 0.08004, unit="SD") == "about +0.080 SD"
    assert wording.interval(0.05, 0.11, unit="SD") == "likely between +0.05 and +0.11 SD"
    assert wording.interval(None, 0.1) == "no range (one replicate)"
    for low, high in ((0.08, 0.0849), (-0.0001, 0.0001), (1.0, 1.004)):
        text = wording.interval(low, high)
        ends = re.findall(r"[+-]?\d+\.\d+", text)
        assert text.startswith("about") or ends[0] != ends[1], text


# --- the comparison's progress -------------------------------------------------------------------

def test_a_starting_comparison_says_so_instead_of_0_of_dots():
    state = CompareState(running=True)
    assert state.status() == "Starting the comparison\u2026"
    state.progress(3, 20)
    assert state.status() == "Running: 3 of 20 runs done"
    state.ahead = 2
    assert state.status().startswith("Waiting: 2 other comparisons first")


# --- the budget ----------------------------------------------------------------------------------

def test_an_over_budget_refusal_is_in_plain_words(session):
    for name, value in {"resources.device_ratio": 1.0, "training.coaching_hours": 40.0,
                        "training.coaches_per_teacher": 0.2}.items():
        assert session.set(name, value)
    assert not session.step()
    message = session.message
    assert message.startswith("Over budget: these settings cost $440 per student a year, "
                              "$140 more than the budget of $300.")
    assert "coaching $240, devices $200" in message
    assert not IDENTIFIER.search(message.replace("per student", "")), message


def test_the_meter_and_the_headline_agree_when_a_change_was_refused(session):
    assert session.set("resources.device_ratio", 0.5) and session.step()
    in_use = dict(headline(session.model.metrics))["Policies in use cost"]
    assert in_use == "33% of budget"
    assert session.set("resources.device_ratio", 1.0) and session.set(
        "training.coaching_hours", 40.0) and session.set("training.coaches_per_teacher", 0.2)
    assert not session.step()  # refused: over budget
    text = budget_sentence(session.planned_costs()["total_per_student"],
                           session.running_costs()["total_per_student"], session.budget())
    assert text.startswith("Over budget: your settings cost $440 per student a year")
    assert "The run still uses the earlier settings: $100 (33% of the budget)" in text
    assert in_use == dict(headline(session.model.metrics))["Policies in use cost"]


def test_a_meter_within_budget_says_what_is_left():
    assert budget_sentence(100.0, 100.0, 300.0) == (
        "Your settings cost $100 per student a year: 33% of the budget of $300, $200 left.")


# --- evidence ------------------------------------------------------------------------------------

def test_learning_styles_evidence_says_it_does_not_help():
    lever = BY_NAME["practices.learning_style_matching"]
    assert finding(lever) == "evidence: strong that it does not help"
    assert "does not help" in dict(card_lines(lever))["What the evidence says"]


def test_no_badge_states_a_strength_without_saying_what_it_is_evidence_of():
    for lever in LEVERS:
        text = finding(lever)
        assert text.startswith("no evidence: a modelling assumption") or " that it " in text, \
            (lever.name, text)


# --- controls ------------------------------------------------------------------------------------

def test_every_slider_has_a_number_box_and_a_name(session):
    import ipyvuetify as v

    sliders = [lv for lv in LEVERS if lv.param.kind in ("int", "float")
               and lv.name != "administrators.budget_per_student"]
    assert sliders
    for lever in sliders:
        value = session.settings[lever.name]
        box, rc = solara.render(LeverControl(session, lever, value, False), handle_error=False)
        slider = rc.find(v.Slider).widget
        assert slider.label == lever.label
        number = rc.find(v.TextField).widget
        assert number.label == f"{lever.label}: type a number"
        assert float(number.v_model.replace(",", "")) == pytest.approx(float(value), rel=1e-3)
        rc.close()


def test_a_number_typed_beside_a_slider_sets_the_lever(session):
    import ipyvuetify as v

    lever = BY_NAME["training.plc_hours"]
    box, rc = solara.render(LeverControl(session, lever, 0.0, False), handle_error=False)
    field = rc.find(v.TextField).widget
    field.v_model = "12"
    field.fire_event("keyup.enter")
    assert session.settings["training.plc_hours"] == 12.0
    rc.close()


# --- links ---------------------------------------------------------------------------------------

def test_the_share_link_is_absolute():
    query = "preset=mastery_pacing&seed=7"
    assert share_url(query, {"host": ["10.0.0.5:8765"]}) == \
        "http://10.0.0.5:8765/?preset=mastery_pacing&seed=7"
    assert share_url(query, {"host": ["a:1"], "x-forwarded-proto": ["https"],
                             "x-forwarded-host": ["plsim.example.org"]}) == \
        "https://plsim.example.org/?preset=mastery_pacing&seed=7"
    assert share_url(query, None, "http://127.0.0.1:9000/") == \
        "http://127.0.0.1:9000/?preset=mastery_pacing&seed=7"


def test_a_link_with_an_invalid_combination_says_why_instead_of_dropping_it():
    session = session_from_query("?training.coaching_hours=40")
    try:
        assert session.message is not None
        assert session.message.startswith("Coaching needs coaches")
        assert "started from the preset" in session.message
        assert session.settings["training.coaching_hours"] == 0.0
    finally:
        session.release()


# --- the headline --------------------------------------------------------------------------------

def test_the_access_gap_is_a_headline_figure(session):
    figures = dict(headline(session.model.metrics))
    gap = session.model.metrics["gap_access"]
    assert figures["Gap by home access"] == f"{gap:.2f} SD"


# --- plain labels --------------------------------------------------------------------------------

def test_money_has_a_currency_symbol_the_user_sets(monkeypatch):
    lever = BY_NAME["administrators.budget_per_student"]
    assert wording.value_text(lever, 300.0) == "$300 per student per year"
    monkeypatch.setenv("PLSIM_CURRENCY", "\u20ac")
    assert wording.value_text(lever, 1250.0) == "\u20ac1,250 per student per year"


def test_captions_cards_and_changes_name_no_identifiers(session):
    for lever in LEVERS:
        value = lever.param.default
        texts = [caption(lever, value, True), *(t for _, t in card_lines(lever)
                                                if _ not in ("Source", "What it is"))]
        for text in texts:
            assert not IDENTIFIER.search(text), (lever.name, text)
    session.set("administrators.budget_per_student", 500.0)
    change = session.pending()[0].text()
    assert change == ("Budget per student per year: $300 per student per year \u2192 "
                      "$500 per student per year")


def test_a_value_out_of_range_says_the_range_in_plain_words(session):
    assert not session.set_text("administrators.budget_per_student", "-5")
    assert session.message == ("Budget per student per year: '-5' is outside the allowed range "
                               "(from $0 to $100,000 per student per year)")
    assert not session.set_text("training.coaching_hours", "500")
    assert session.message.endswith("(from 0 to 80 hours per teacher a year)")


def test_validator_messages_lose_their_identifiers():
    text = wording.plain("your settings: [training] coaching_hours = 40 but "
                         "training.coaches_per_teacher = 0")
    assert text == ("\u201cCoaching hours per teacher\u201d = 40 but "
                    "\u201cInstructional coaches per teacher\u201d = 0")


# --- the command ---------------------------------------------------------------------------------

def test_a_non_loopback_host_needs_allow_remote(capsys):
    from interfaces.cli import main

    assert main(["dashboard", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "--allow-remote" in err and "Traceback" not in err


def test_the_command_takes_a_currency_and_a_worker_limit():
    from interfaces.cli import build_parser, main

    args = build_parser().parse_args(["dashboard", "--currency", "EUR", "--compare-workers", "4",
                                      "--allow-remote", "--host", "0.0.0.0"])
    assert (args.currency, args.compare_workers, args.allow_remote) == ("EUR", 4, True)
    assert main(["dashboard", "--compare-workers", "0"]) == 2


# --- one pool for every session's comparisons ----------------------------------------------------

def test_comparisons_share_one_bounded_pool():
    pool = ComparePool(total=2, workers_per_job=2)
    assert (pool.jobs, pool.workers_per_job) == (1, 2)
    peak, waited, lock = [0], [], threading.Lock()

    def job(i: int) -> None:
        with pool.slot(on_wait=lambda ahead: waited.append((i, ahead))) as workers:
            assert workers == 2
            with lock:
                peak[0] = max(peak[0], pool.running)
            time.sleep(0.8)

    threads = [threading.Thread(target=job, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert peak[0] == 1  # never two comparisons (four processes) at once
    assert waited and all(ahead >= 1 for _, ahead in waited)
    assert pool.running == 0 and pool.waiting == 0


def test_the_process_wide_pool_is_bounded():
    assert compare_job.POOL.jobs * compare_job.POOL.workers_per_job <= compare_job.POOL.total
