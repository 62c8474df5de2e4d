"""Workshop team mode in real browsers: a facilitator and three groups, each its own browser
context (own cookies, so own session), complete two rounds; a group's browser is refused the
facilitator's controls; the board's numbers equal a paired compare of the submitted policies
with the same seed and replicates. Runs are tiny (200 students, 8 weeks, 3 replicates).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from experiments.comparison.paired import compare
from interfaces.dashboard.workshop_rooms import board_text
from simulation.scenario import load_scenario
from tests.conftest import SHOTS
from tests.test_dashboard_browser import server  # noqa: F401  (the served dashboard)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STUDENTS, WEEKS, REPLICATES, SEED = 200, 20, 3, 5
POLICIES = {  # group -> (levers typed into number boxes, switches turned on, rationale)
    "Owls": ({}, ("One-to-one feedback",), "feedback to every student"),
    "Foxes": ({"Workshop hours per teacher": "20"}, (), "train the teachers first"),
    "Bears": ({}, ("Adaptive practice software",), "software adapts to each student"),
}
NAMES = {"Institution devices per student": "resources.device_ratio",
         "Workshop hours per teacher": "training.workshop_hours",
         "Adaptive practice software": "resources.adaptive_platform",
         "One-to-one feedback": "practices.personalized_feedback"}
VALUES = {"1": 1.0, "20": 20.0}


def _context(browser, width: int = 1366, height: int = 768):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def _type(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")


def _open_room(page, url: str) -> str:
    page.goto(url + "?facilitate=new", wait_until="commit")
    page.get_by_text("Open a workshop room").first.wait_for(timeout=120_000)
    _type(page, "Students in the institution", str(STUDENTS))
    _type(page, "Weeks simulated", str(WEEKS))
    _type(page, "Paired replicates", str(REPLICATES))
    _type(page, "Seed", str(SEED))
    page.get_by_role("button", name="Open the room").click()
    code = page.locator(".plsim-room-code")
    code.wait_for(timeout=30_000)
    return code.inner_text().strip()


def _join(page, url: str, code: str, name: str) -> None:
    page.goto(f"{url}?room={code}", wait_until="commit")
    page.get_by_label("Your group's name").fill(name, timeout=120_000)
    page.get_by_role("button", name="Join the room").click()
    page.get_by_text(f"{name}, room {code}").wait_for(timeout=30_000)


def _set_policy(page, typed: dict[str, str], switches: tuple[str, ...]) -> None:
    for label, text in typed.items():
        _type(page, f"{label}: type a number", text)
        page.get_by_text(f"now {text}", exact=False).first.wait_for(timeout=10_000)
    for label in switches:
        page.get_by_role("switch", name=label).check(force=True)


def _submit(page, rationale: str, round_number: int) -> None:
    page.get_by_label("Why this policy?", exact=False).fill(rationale)
    page.get_by_role("button", name="Submit our policy").click()
    page.get_by_text(f"Submitted for round {round_number}").wait_for(timeout=30_000)


def _press(page, name: str) -> None:
    button = page.get_by_role("button", name=name)
    page.wait_for_function("b => !b.disabled", arg=button.element_handle(), timeout=30_000)
    button.click()


def _board(page, round_number: int) -> dict[str, dict[str, str]]:
    table = page.get_by_test_id(f"board-{round_number}").first
    table.wait_for(timeout=120_000)
    rows = {}
    for tr in table.locator("tr[data-testid=board-row]").all():
        cells = {td.get_attribute("data-field"): td.inner_text().strip()
                 for td in tr.locator("td").all()}
        rows[tr.get_attribute("data-group")] = cells
    return rows


def _expected(policies: dict[str, dict[str, object]]) -> dict[str, dict[str, str]]:
    """The same policies compared directly: the board's rounding of the compare result."""
    base = load_scenario("baseline_guangdong_2024").with_overrides(
        {"institution.n_students": STUDENTS, "administrators.budget_per_student": 300.0})
    names = list(policies)
    result = compare(base, [base.with_overrides(policies[n]) for n in names],
                     replicates=REPLICATES, weeks=WEEKS, seed=SEED)
    last = result.timeseries[result.timeseries["week"] == WEEKS]
    base_final = last[last["arm"] == 0].sort_values("replicate")["achievement_mean"].to_numpy()
    out = {}
    for arm, (name, row) in enumerate(zip(names, result.rows), start=1):
        alt = last[last["arm"] == arm].sort_values("replicate")["achievement_mean"].to_numpy()
        e = row["achievement_effect_sd"]
        out[name] = board_text(e["estimate"], e["ci_low"], e["ci_high"],
                               row["gap_bottom_top_change_sd"], row["gap_access_change_sd"],
                               row["cost_per_student"], float((alt > base_final).mean()))
    return out


def _lever_values(typed: dict[str, str], switches: tuple[str, ...]) -> dict[str, object]:
    return {**{NAMES[k]: VALUES[v] for k, v in typed.items()},
            **{NAMES[k]: True for k in switches}}


def _check(board: dict[str, dict[str, str]], expected: dict[str, dict[str, str]],
           rationales: dict[str, str]) -> None:
    assert sorted(board) == sorted(expected)
    for name, shown in expected.items():
        got = {k: v for k, v in board[name].items() if k in shown}
        assert got == shown, name
        assert board[name]["rationale"] == rationales[name]


def test_facilitator_and_three_groups_play_two_rounds_and_the_board_equals_compare(
        server, chromium):  # noqa: F811
    opened = [_context(chromium)]
    try:
        facilitator = opened[0][1]
        code = _open_room(facilitator, server)
        groups = {}
        for name in POLICIES:
            opened.append(_context(chromium, 1280, 900))
            groups[name] = opened[-1][1]
            _join(groups[name], server, code, name)

        # a group's browser cannot reach the facilitator's controls
        intruder = groups["Owls"]
        intruder.goto(f"{server}?facilitate={code}", wait_until="commit")
        intruder.get_by_text("Refused: only the browser that opened room").wait_for(
            timeout=120_000)
        assert intruder.get_by_role("button", name="Lock submissions").count() == 0
        assert intruder.get_by_role("button", name="Reveal the board").count() == 0
        intruder.goto(f"{server}?room={code}", wait_until="commit")
        intruder.get_by_text(f"Owls, room {code}").wait_for(timeout=120_000)  # kept its place

        # round 1: every group submits
        for name, (typed, switches, why) in POLICIES.items():
            _set_policy(groups[name], typed, switches)
            _submit(groups[name], why, 1)
        groups["Foxes"].screenshot(path=str(SHOTS / "team_group_1280x900.png"))
        facilitator.get_by_test_id("group-status").get_by_text(
            "Bears (submitted)", exact=False).wait_for(timeout=30_000)
        assert groups["Foxes"].get_by_test_id("board-1").count() == 0
        _press(facilitator, "Lock submissions")
        _press(facilitator, "Run all proposals")
        board1 = _board(facilitator, 1)
        facilitator.get_by_text("only you see it until you reveal it").wait_for()
        assert groups["Foxes"].get_by_test_id("board-1").count() == 0  # not revealed yet
        _press(facilitator, "Reveal the board")
        seen_by_group = _board(groups["Foxes"], 1)
        assert seen_by_group == board1
        assert all(board1[n]["effect"] != "0.000 SD" for n in ("Owls", "Bears"))
        policies1 = {n: _lever_values(t, s) for n, (t, s, _w) in POLICIES.items()}
        _check(board1, _expected(policies1), {n: p[2] for n, p in POLICIES.items()})

        # round 2: the boards of round 1 stay; Owls revise, Foxes resubmit, Bears sit out
        _press(facilitator, "Start round 2")
        owls = groups["Owls"]
        owls.get_by_text("Round 2: set your levers and submit").wait_for(timeout=30_000)
        _set_policy(owls, {}, ("Adaptive practice software",))
        _submit(owls, "feedback and software together", 2)
        groups["Foxes"].get_by_text("Round 2: set your levers").wait_for(timeout=30_000)
        _submit(groups["Foxes"], "still training first", 2)
        _press(facilitator, "Lock submissions")
        _press(facilitator, "Run all proposals")
        _board(facilitator, 2)
        _press(facilitator, "Reveal the board")
        board2 = _board(groups["Bears"], 2)
        assert _board(groups["Bears"], 1) == board1
        policies2 = {"Owls": {**policies1["Owls"], **policies1["Bears"]},
                     "Foxes": policies1["Foxes"]}
        assert board2["Owls"]["effect"] != board1["Owls"]["effect"]  # the revision counted
        _check(board2, _expected(policies2), {"Owls": "feedback and software together",
                                              "Foxes": "still training first"})

        # exports: the board of both rounds as CSV, the chart, the proposals as TOML files
        with facilitator.expect_download() as csv_download:
            facilitator.get_by_role("button", name="Board, every round (CSV)").click()
        lines = Path(csv_download.value.path()).read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("round,group,effect_sd") and len(lines) == 1 + 3 + 2
        with facilitator.expect_download() as zip_download:
            facilitator.get_by_role("button", name="Round 2 proposals as scenario",
                                    exact=False).click()
        names = zipfile.ZipFile(io.BytesIO(Path(zip_download.value.path()).read_bytes()))
        assert sorted(names.namelist()) == ["round2_team_foxes.toml", "round2_team_owls.toml",
                                            "status_quo.toml"]
        assert "share of paired replicates" in facilitator.get_by_role(
            "columnheader", name="P(benefit)").first.get_attribute("title")
        facilitator.evaluate("() => document.querySelector('.plsim-room-code')"
                             ".scrollIntoView({block: 'end'})")
        facilitator.wait_for_timeout(300)
        facilitator.screenshot(path=str(SHOTS / "team_room_1366x768.png"))
        groups["Bears"].screenshot(path=str(SHOTS / "team_group_board_1280x900.png"))
        facilitator.evaluate("() => document.querySelector('[data-testid=board-title-2]')"
                             ".scrollIntoView({block: 'start'})")
        facilitator.wait_for_timeout(500)
        facilitator.screenshot(path=str(SHOTS / "team_board_1366x768.png"))
        assert not [e for _c, _p, errors in opened for e in errors]
    finally:
        for context, _page, _errors in opened:
            context.close()
