"""Workshop team mode's room logic, without a browser: join, submit, lock, run, reveal, rounds,
isolation between rooms, the facilitator's token and the limits."""

from __future__ import annotations

import json

import pytest

from experiments.comparison.paired import compare
from interfaces.cli import main as plsim_main
from interfaces.dashboard.compare_job import ComparePool
from interfaces.dashboard.workshop_rooms import (
    MAX_GROUPS,
    AccessDenied,
    RoomError,
    RoomRegistry,
    RoomSettings,
    board_text,
)
from simulation.scenario import load_scenario

TINY = RoomSettings(students=200, weeks=8, replicates=3, seed=5)
DEVICES = {"resources.device_ratio": 1.0}
WORKSHOP = {"training.workshop_hours": 20.0}
PLATFORM = {"resources.adaptive_platform": True}


def plsim(*argv: str) -> int:
    """``plsim ARGV`` in this process; its exit code."""
    return plsim_main(list(argv))


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def room_with_three(registry: RoomRegistry | None = None):
    registry = RoomRegistry() if registry is None else registry
    room, token = registry.open(TINY)
    groups = [room.join(name) for name in ("Owls", "Foxes", "Bears")]
    return room, token, groups


def test_three_groups_submit_and_the_board_equals_one_paired_compare_with_the_same_seeds():
    room, token, (owls, foxes, bears) = room_with_three()
    room.submit(owls.token, DEVICES, "devices for all")
    room.submit(foxes.token, WORKSHOP, "train teachers first")
    room.submit(bears.token, PLATFORM, "a platform adapts to each student")
    room.lock_submissions(token)
    board = room.run(token, pool=ComparePool(1))
    base = load_scenario("baseline_guangdong_2024").with_overrides(
        {"institution.n_students": 200, "administrators.budget_per_student": 300.0})
    alts = [base.with_overrides(c) for c in (DEVICES, WORKSHOP, PLATFORM)]
    direct = compare(base, alts, replicates=3, weeks=8, seed=5)
    assert [r.group for r in board] == ["Owls", "Foxes", "Bears"]
    for row, expected in zip(board, direct.rows):
        e = expected["achievement_effect_sd"]
        assert row.effect == e["estimate"]
        assert (row.effect_low, row.effect_high) == (e["ci_low"], e["ci_high"])
        assert row.gap_bottom_top == expected["gap_bottom_top_change_sd"]
        assert row.gap_access == expected["gap_access_change_sd"]
        assert row.cost == expected["cost_per_student"]
    # P(benefit) from the replicates: the share where the proposal's final achievement wins
    ts = direct.timeseries[direct.timeseries["week"] == 8]
    for arm, row in enumerate(board, start=1):
        base_r = ts[ts["arm"] == 0].sort_values("replicate")["achievement_mean"].to_numpy()
        alt_r = ts[ts["arm"] == arm].sort_values("replicate")["achievement_mean"].to_numpy()
        assert row.p_benefit == pytest.approx(float((alt_r > base_r).mean()))
        assert row.shown()["p_benefit"] in ("0%", "33%", "67%", "100%")


def test_the_board_is_hidden_until_revealed_then_a_second_round_keeps_the_first_board():
    room, token, (owls, foxes, _bears) = room_with_three()
    room.submit(owls.token, DEVICES, "devices")
    room.submit(foxes.token, WORKSHOP, "training")
    room.lock_submissions(token)
    with pytest.raises(RoomError, match="locked"):
        room.submit(owls.token, PLATFORM, "too late")
    room.run(token, pool=ComparePool(1))
    with pytest.raises(AccessDenied):
        room.board_for(owls.token, 1)
    assert len(room.board_for(token, 1)) == 2  # the facilitator previews
    room.reveal(token)
    first = room.board_for(owls.token, 1)
    room.next_round(token)
    assert room.current.number == 2 and room.current.state == "open"
    assert room.last_proposal_of(owls.token).changes == DEVICES  # to revise from
    room.submit(owls.token, {**DEVICES, **WORKSHOP}, "both, revised")
    room.lock_submissions(token)
    room.run(token, pool=ComparePool(1))
    room.reveal(token)
    assert [r.group for r in room.board_for(foxes.token, 2)] == ["Owls"]
    assert room.board_for(foxes.token, 1) == first
    assert [r.number for r in room.boards()] == [1, 2]


def test_a_group_token_cannot_use_any_facilitator_control_nor_change_another_group():
    room, token, (owls, foxes, _bears) = room_with_three()
    room.submit(owls.token, DEVICES, "devices")
    for action in (room.lock_submissions, room.reveal, room.next_round, room.board_csv,
                   room.scenario_files):
        with pytest.raises(AccessDenied):
            action(owls.token)
    with pytest.raises(AccessDenied):
        room.run(foxes.token, pool=ComparePool(1))
    with pytest.raises(AccessDenied):
        room.submit("not-a-token", WORKSHOP, "forged")
    room.submit(foxes.token, WORKSHOP, "training")
    assert room.proposal_of(owls.token).changes == DEVICES  # untouched by the other group
    assert room.current.state == "open"


def test_rooms_are_isolated_tokens_do_not_cross_and_codes_differ():
    registry = RoomRegistry()
    a, token_a, (owls, *_rest) = room_with_three(registry)
    b, token_b = registry.open(TINY)
    assert a.code != b.code
    with pytest.raises(AccessDenied):
        b.lock_submissions(token_a)
    with pytest.raises(AccessDenied):
        b.submit(owls.token, DEVICES, "wrong room")
    b.join("Owls")  # the same name in another room is another group
    assert registry.get(a.code.lower()) is a
    assert registry.get(b.code) is b


def test_limits_on_rooms_groups_names_rationale_budget_and_idle_time():
    clock = Clock()
    registry = RoomRegistry(max_rooms=2, idle_hours=1.0, clock=clock)
    room, _token = registry.open(TINY)
    registry.open(TINY)
    with pytest.raises(RoomError, match="2 rooms"):
        registry.open(TINY)
    for i in range(MAX_GROUPS):
        room.join(f"group {i}")
    with pytest.raises(RoomError, match="full"):
        room.join("one too many")
    with pytest.raises(RoomError, match="already"):
        registry.get(room.code).join("GROUP 0")
    group = room.groups["g1"]
    with pytest.raises(RoomError, match="rationale"):
        room.submit(group.token, DEVICES, "x" * 500)
    with pytest.raises(RoomError, match="budget is set by the room"):
        room.submit(group.token, {"administrators.budget_per_student": 5000.0}, "more money")
    with pytest.raises(RoomError, match="budget"):
        room.submit(group.token, {"resources.device_ratio": 1.0,
                                  "resources.adaptive_platform": True,
                                  "training.coaching_hours": 80.0,
                                  "training.coaches_per_teacher": 0.5}, "everything")
    clock.now += 3601.0
    with pytest.raises(RoomError, match="no open room"):
        registry.get(room.code)
    assert len(registry) == 0
    with pytest.raises(RoomError, match="replicates"):
        RoomSettings(replicates=1).check()


def test_exported_proposals_validate_run_and_plsim_compare_gives_the_board(tmp_path, capsys):
    room, token, (owls, foxes, _bears) = room_with_three()
    room.submit(owls.token, PLATFORM, "software")
    room.submit(foxes.token, WORKSHOP, "training")
    room.lock_submissions(token)
    board = room.run(token, pool=ComparePool(1))
    files = room.scenario_files(token)
    assert sorted(files) == ["round1_team_foxes.toml", "round1_team_owls.toml",
                             "status_quo.toml"]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for name in files:
        assert plsim("validate", str(tmp_path / name)) == 0, capsys.readouterr()
    assert plsim("run", str(tmp_path / "round1_team_owls.toml"), "--weeks", "2", "--out",
                 str(tmp_path / "out")) == 0
    capsys.readouterr()
    assert plsim("compare", str(tmp_path / "status_quo.toml"),
                 str(tmp_path / "round1_team_owls.toml"), str(tmp_path / "round1_team_foxes.toml"),
                 "--weeks", "8", "--replicates", "3", "--seed", "5", "--serial", "--format",
                 "json", "--out", str(tmp_path / "cmp")) == 0
    printed = capsys.readouterr().out
    rows = json.loads(printed[printed.index("{"):])["comparisons"]
    assert len(rows) == len(board) == 2
    for row, shown in zip(rows, board):
        e = row["achievement_effect_sd"]
        assert (e["estimate"], e["ci_low"], e["ci_high"]) == pytest.approx(
            (shown.effect, shown.effect_low, shown.effect_high), rel=1e-12, abs=1e-15)
        assert row["gap_bottom_top_change_sd"] == pytest.approx(shown.gap_bottom_top,
                                                                abs=1e-15)
        assert row["gap_access_change_sd"] == pytest.approx(shown.gap_access, abs=1e-15)
        assert row["cost_per_student"] == shown.cost
    assert board[0].effect > 0.005  # the software moves achievement within 8 weeks
    owls_file = load_scenario(str(tmp_path / "round1_team_owls.toml"))
    assert owls_file.values == room.current.proposals["g1"].scenario.values


def test_board_text_rounds_effects_to_three_decimals_and_p_benefit_to_a_percentage():
    shown = board_text(0.01234, 0.0051, 0.0199, -0.0004, 0.002, 123.4, 2 / 3)
    assert shown == {"effect": "+0.012 SD", "interval": "+0.005 to +0.020 SD",
                     "gap_bottom_top": "0.000 SD", "gap_access": "+0.002 SD",
                     "cost": shown["cost"], "p_benefit": "67%"}
    assert "123" in shown["cost"]
