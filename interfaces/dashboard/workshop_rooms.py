"""Workshop team mode without any UI: rooms, groups, proposals, rounds and the board.

A facilitator opens a :class:`WorkshopRoom` (a short code) in the process-wide
:class:`RoomRegistry`; groups join it, each receiving a secret token, and submit one policy (lever
values under the room's budget) with a one-line rationale per round. The facilitator's token
locks submissions, runs every proposal against the status quo in ONE paired comparison
(:func:`experiments.comparison.paired.compare`: the same replicate seeds in every arm, so all
groups face the same students and chance events), reveals the board and opens the next round;
earlier rounds' boards are kept.

Limits (said on the page): at most :data:`MAX_ROOMS` rooms, :data:`MAX_GROUPS` groups a room,
and a room is forgotten after :data:`IDLE_HOURS` hours without activity. Rooms live in memory
only: restarting the dashboard forgets them.

P(benefit) is, until plausible worlds exist, the share of paired replicates in which the
proposal's achievement at the last week is above the status quo's.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import tomli_w

from experiments.comparison.paired import ComparisonResult, compare
from interfaces.dashboard import wording
from interfaces.dashboard.compare_job import POOL, ComparePool
from interfaces.dashboard.levers import BY_NAME
from simulation.costs import annual_costs
from simulation.errors import UserError
from simulation.scenario import Scenario, bundled_names, load_scenario

MAX_ROOMS = 20
MAX_GROUPS = 12
IDLE_HOURS = 4.0
MAX_NAME = 30
MAX_RATIONALE = 160
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out loud
CODE_LENGTH = 5
BUDGET = "administrators.budget_per_student"
STUDENTS = "institution.n_students"

#: What P(benefit) means, for the page's caption and the exports.
P_BENEFIT_TEXT = ("P(benefit): the share of paired replicates (same students and chance "
                  "events in both) in which the proposal's achievement at the end is above "
                  "the status quo's. It says how often the model favours it, not how likely "
                  "it is to work in the real world.")

#: Board columns (CSV header); the page shows the same values rounded the same way.
BOARD_COLUMNS = ("round", "group", "effect_sd", "effect_ci_low", "effect_ci_high",
                 "gap_bottom_top_change_sd", "gap_access_change_sd", "cost_per_student",
                 "p_benefit", "rationale")


class RoomError(UserError):
    """A room action that cannot be done (unknown room, full, locked, bad input)."""


class AccessDenied(RoomError):
    """The token given does not allow this action."""


@dataclass(frozen=True)
class RoomSettings:
    """What every proposal of a room is run with.

    Attributes
    ----------
    preset
        Bundled scenario that is the status quo.
    budget
        Budget per student per year every proposal must stay within.
    students
        Students in the institution (fewer runs faster).
    weeks
        Weeks simulated in every arm.
    replicates
        Paired replicates per arm.
    seed
        Root seed of the replicate streams (the same in every round).
    """

    preset: str = "baseline_guangdong_2024"
    budget: float = 300.0
    students: int = 2000
    weeks: int = 36
    replicates: int = 10
    seed: int = 1

    def check(self) -> None:
        """Raise :class:`RoomError` naming the first setting out of its range."""
        if self.preset not in bundled_names():
            raise RoomError(f"room preset {self.preset!r} is not a bundled scenario")
        for name, value, low, high in (("budget", self.budget, 0, 100_000),
                                       ("students", self.students, 100, 5000),
                                       ("weeks", self.weeks, 1, 72),
                                       ("replicates", self.replicates, 2, 30),
                                       ("seed", self.seed, 0, 2**31 - 1)):
            if not low <= value <= high:
                raise RoomError(f"room setting {name} = {value} is outside {low} to {high}")

    def status_quo(self) -> Scenario:
        """The preset with the room's budget and size: the base every proposal is run against."""
        preset = load_scenario(self.preset)
        return preset.with_overrides({BUDGET: float(self.budget), STUDENTS: int(self.students)},
                                     label="room settings")


@dataclass(frozen=True)
class Proposal:
    """One group's policy in one round: lever values that differ, and why."""

    group: str
    changes: dict[str, Any]
    rationale: str
    scenario: Scenario


@dataclass
class BoardRow:
    """One group's result on the board (numbers as :func:`compare` gives them)."""

    group: str
    rationale: str
    effect: float
    effect_low: float | None
    effect_high: float | None
    gap_bottom_top: float
    gap_access: float
    cost: float
    p_benefit: float
    changes: dict[str, Any]

    def shown(self) -> dict[str, str]:
        """The row as the board shows it (the rounding the tests compare)."""
        return board_text(self.effect, self.effect_low, self.effect_high, self.gap_bottom_top,
                          self.gap_access, self.cost, self.p_benefit)


def board_text(effect: float, low: float | None, high: float | None, gap_bottom_top: float,
               gap_access: float, cost: float, p_benefit: float) -> dict[str, str]:
    """Board numbers in words: the one rounding used by the page, the CSV check and tests."""
    return {
        "effect": wording.signed(effect, 3, "SD"),
        "interval": wording.interval(low, high, 3, "SD", short=True),
        "gap_bottom_top": wording.signed(gap_bottom_top, 3, "SD"),
        "gap_access": wording.signed(gap_access, 3, "SD"),
        "cost": wording.money(cost),
        "p_benefit": f"{p_benefit:.0%}",
    }


def p_benefit(result: ComparisonResult, arm: int) -> float:
    """Share of replicates in which arm ``arm``'s final achievement beats the base's."""
    ts = result.timeseries
    last = ts[ts["week"] == result.weeks].sort_values(["arm", "replicate"])
    base = last[last["arm"] == 0]["achievement_mean"].to_numpy(dtype=float)
    alt = last[last["arm"] == arm]["achievement_mean"].to_numpy(dtype=float)
    return float(np.mean(alt > base))


def board_rows(result: ComparisonResult, proposals: list[Proposal]) -> list[BoardRow]:
    """One :class:`BoardRow` per proposal, in the order they were compared."""
    rows = []
    for i, (row, proposal) in enumerate(zip(result.rows, proposals), start=1):
        effect = row["achievement_effect_sd"]
        rows.append(BoardRow(proposal.group, proposal.rationale, effect["estimate"],
                             effect["ci_low"], effect["ci_high"],
                             row["gap_bottom_top_change_sd"], row["gap_access_change_sd"],
                             row["cost_per_student"], p_benefit(result, i),
                             dict(proposal.changes)))
    return rows


def slug(name: str) -> str:
    """A group name as a scenario name: ``team_the_owls``."""
    return "team_" + (re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "group")


@dataclass
class Round:
    """One round: the proposals submitted, and the board once run."""

    number: int
    proposals: dict[str, Proposal] = field(default_factory=dict)  # group id -> proposal
    state: str = "open"  # open -> locked -> running -> run -> revealed
    board: list[BoardRow] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    result: ComparisonResult | None = None
    done: int = 0
    total: int = 0


@dataclass
class Group:
    """A group that joined a room."""

    id: str
    name: str
    token: str


class WorkshopRoom:
    """One workshop room: its groups, rounds and the facilitator's secret.

    Parameters
    ----------
    code
        The short code groups type to join.
    settings
        The room's status quo, budget and run size.
    facilitator_token
        The secret that allows lock, run, reveal, next round and export.
    """

    def __init__(self, code: str, settings: RoomSettings, facilitator_token: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        settings.check()
        self._clock = clock
        self.code = code
        self.settings = settings
        self._facilitator = facilitator_token
        self.lock = threading.RLock()
        self.groups: dict[str, Group] = {}
        self.rounds: list[Round] = [Round(1)]
        self.touched = clock()
        self.version = 0
        self.base = settings.status_quo()
        self.preset = load_scenario(settings.preset)

    # --- who is who --------------------------------------------------------------------------
    def is_facilitator(self, token: str | None) -> bool:
        """Whether ``token`` is this room's facilitator token."""
        return token is not None and secrets.compare_digest(token, self._facilitator)

    def _facilitator_only(self, token: str | None, what: str) -> None:
        if not self.is_facilitator(token):
            raise AccessDenied(f"only the facilitator of room {self.code} can {what}")

    def group_for(self, token: str | None) -> Group:
        """The group holding ``token``; :class:`AccessDenied` if none."""
        for group in self.groups.values():
            if token is not None and secrets.compare_digest(token, group.token):
                return group
        raise AccessDenied(f"this browser has not joined room {self.code} as a group")

    @property
    def current(self) -> Round:
        """The round in progress (the last one)."""
        return self.rounds[-1]

    def _touch(self) -> None:
        self.touched = self._clock()
        self.version += 1

    # --- groups ------------------------------------------------------------------------------
    def join(self, name: str) -> Group:
        """Add a group named ``name``; returns it with its secret token."""
        name = " ".join(str(name).split())
        if not 0 < len(name) <= MAX_NAME:
            raise RoomError(f"a group name needs 1 to {MAX_NAME} characters, got {len(name)}")
        with self.lock:
            if any(g.name.lower() == name.lower() for g in self.groups.values()):
                raise RoomError(f"a group called {name!r} is already in room {self.code}: "
                                "choose another name")
            if len(self.groups) >= MAX_GROUPS:
                raise RoomError(f"room {self.code} is full ({MAX_GROUPS} groups at most)")
            group = Group(f"g{len(self.groups) + 1}", name, secrets.token_urlsafe(16))
            self.groups[group.id] = group
            self._touch()
            return group

    def proposal_scenario(self, name: str, changes: Mapping[str, Any]) -> Scenario:
        """The status quo with a group's lever changes, validated and within the budget."""
        unknown = [n for n in changes if n not in BY_NAME]
        if unknown:
            raise RoomError(f"{unknown[0]!r} is not a lever of this dashboard")
        if BUDGET in changes and float(changes[BUDGET]) != float(self.settings.budget):
            raise RoomError(f"the budget is set by the room: "
                            f"{wording.money(self.settings.budget)} per student a year")
        chosen = {n: v for n, v in changes.items() if n != BUDGET}
        values = {s: dict(kv) for s, kv in self.base.values.items()}
        for n, v in chosen.items():
            section, key = n.split(".", 1)
            values[section][key] = v
        refused = wording.refusal(values, annual_costs(values))
        if refused:
            raise RoomError(refused)
        try:
            scenario = self.base.with_overrides(chosen, label=f"group {name}")
        except UserError as exc:
            raise RoomError(wording.plain(str(exc))) from None
        return replace(scenario, name=slug(name),
                       description=f"Workshop room proposal by {name}: "
                       f"{self.settings.preset} with {len(chosen)} lever(s) changed")

    def submit(self, token: str, changes: Mapping[str, Any], rationale: str) -> Proposal:
        """Submit (or replace) the token's group's policy for the current round."""
        rationale = " ".join(str(rationale).split())
        if not 0 < len(rationale) <= MAX_RATIONALE:
            raise RoomError(f"the rationale needs 1 to {MAX_RATIONALE} characters (one line), "
                            f"got {len(rationale)}")
        with self.lock:
            group = self.group_for(token)
            if self.current.state != "open":
                raise RoomError(f"round {self.current.number} is locked: submissions are "
                                "closed until the facilitator opens the next round")
            changes = {n: v for n, v in changes.items() if self.base.get(n) != v}
            scenario = self.proposal_scenario(group.name, changes)
            proposal = Proposal(group.name, changes, rationale, scenario)
            self.current.proposals[group.id] = proposal
            self._touch()
            return proposal

    def proposal_of(self, token: str) -> Proposal | None:
        """The token's group's proposal in the current round, if any."""
        with self.lock:
            return self.current.proposals.get(self.group_for(token).id)

    def last_proposal_of(self, token: str) -> Proposal | None:
        """The token's group's latest proposal in any round (to revise in the next one)."""
        with self.lock:
            gid = self.group_for(token).id
            for rnd in reversed(self.rounds):
                if gid in rnd.proposals:
                    return rnd.proposals[gid]
        return None

    # --- facilitator -------------------------------------------------------------------------
    def lock_submissions(self, token: str) -> None:
        """Close the current round to submissions."""
        with self.lock:
            self._facilitator_only(token, "lock submissions")
            if self.current.state != "open":
                raise RoomError(f"round {self.current.number} is already locked")
            if not self.current.proposals:
                raise RoomError("no group has submitted a policy yet")
            self.current.state = "locked"
            self._touch()

    def ordered_proposals(self, rnd: Round | None = None) -> list[Proposal]:
        """A round's proposals in the order the groups joined."""
        rnd = rnd or self.current
        return [rnd.proposals[g] for g in self.groups if g in rnd.proposals]

    def run(self, token: str, pool: ComparePool | None = None,
            progress: Callable[[int, int], None] | None = None,
            on_wait: Callable[[int], None] | None = None) -> list[BoardRow]:
        """Run every proposal against the status quo in one paired comparison.

        The comparison waits for a share of the dashboard's Compare slots (``pool``, default
        :data:`interfaces.dashboard.compare_job.POOL`).
        """
        with self.lock:
            self._facilitator_only(token, "run the proposals")
            rnd = self.current
            if rnd.state != "locked":
                raise RoomError("lock submissions before running"
                                if rnd.state == "open" else f"round {rnd.number} has run")
            rnd.state, rnd.error = "running", None
            proposals = self.ordered_proposals(rnd)
            self._touch()

        def counted(done: int, total: int) -> None:
            rnd.done, rnd.total = done, total
            self._touch()
            if progress:
                progress(done, total)

        try:
            with (pool or POOL).slot(on_wait) as workers:
                started = time.perf_counter()
                result = self.compare(proposals, workers, counted)
                seconds = time.perf_counter() - started
        except Exception as exc:
            with self.lock:
                rnd.state = "locked"
                rnd.error = str(exc) if isinstance(exc, UserError) else \
                    f"the run failed ({type(exc).__name__}: {exc})"
                self._touch()
            raise
        with self.lock:
            rnd.board = board_rows(result, proposals)
            rnd.result = result
            rnd.seconds = seconds
            rnd.state = "run"
            self._touch()
            return rnd.board

    def compare(self, proposals: list[Proposal], workers: int = 1,
                progress: Callable[[int, int], None] | None = None) -> ComparisonResult:
        """The paired comparison behind a board (what ``plsim compare`` would run)."""
        s = self.settings
        return compare(self.base, [p.scenario for p in proposals], replicates=s.replicates,
                       weeks=s.weeks, seed=s.seed, workers=workers, progress=progress)

    def reveal(self, token: str) -> None:
        """Show the current round's board to everyone in the room."""
        with self.lock:
            self._facilitator_only(token, "reveal the board")
            if self.current.state != "run":
                raise RoomError("run the proposals before revealing the board")
            self.current.state = "revealed"
            self._touch()

    def next_round(self, token: str) -> Round:
        """Open a new round (earlier boards are kept; groups revise their policies)."""
        with self.lock:
            self._facilitator_only(token, "open the next round")
            if self.current.state != "revealed":
                raise RoomError("reveal this round's board before opening the next round")
            self.rounds.append(Round(len(self.rounds) + 1))
            self._touch()
            return self.current

    def boards(self) -> list[Round]:
        """Rounds whose board everyone may see (revealed ones)."""
        with self.lock:
            return [r for r in self.rounds if r.state == "revealed"]

    def board_for(self, token: str | None, number: int) -> list[BoardRow]:
        """A round's board: the facilitator sees it once run, everyone once revealed."""
        with self.lock:
            rnd = self.rounds[number - 1]
            if rnd.state == "revealed" or (rnd.state == "run" and self.is_facilitator(token)):
                return list(rnd.board)
        raise AccessDenied(f"round {number}'s board is not revealed yet")

    # --- exports -----------------------------------------------------------------------------
    def board_csv(self, token: str) -> str:
        """Every run round's board as CSV (facilitator only)."""
        self._facilitator_only(token, "export the board")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(BOARD_COLUMNS)
        with self.lock:
            for rnd in self.rounds:
                for r in rnd.board:
                    writer.writerow([rnd.number, r.group, f"{r.effect:.6g}",
                                     "" if r.effect_low is None else f"{r.effect_low:.6g}",
                                     "" if r.effect_high is None else f"{r.effect_high:.6g}",
                                     f"{r.gap_bottom_top:.6g}", f"{r.gap_access:.6g}",
                                     f"{r.cost:.6g}", f"{r.p_benefit:.6g}", r.rationale])
        return out.getvalue()

    def scenario_files(self, token: str, number: int | None = None) -> dict[str, str]:
        """The status quo and a round's proposals as scenario TOML texts, by file name.

        Each file extends the room's preset and sets the room's budget and size, so
        ``plsim validate`` accepts it and ``plsim run`` reruns it.
        """
        self._facilitator_only(token, "export the proposals")
        with self.lock:
            rnd = self.rounds[(number or len(self.rounds)) - 1]
            proposals = self.ordered_proposals(rnd)
        s = self.settings
        files = {"status_quo.toml": self._toml(replace(
            self.base, name="status_quo",
            description=f"Workshop room status quo: {s.preset} with the room's budget and "
            "size"), "status quo")}
        for p in proposals:
            files[f"round{rnd.number}_{p.scenario.name}.toml"] = self._toml(
                p.scenario, f"{p.group}: {p.rationale}")
        return files

    def _toml(self, scenario: Scenario, what: str) -> str:
        s = self.settings
        body = scenario.to_toml_dict(only_changed_from=self.preset)
        head = ["# Exported from a plsim workshop room.", f"# {what}",
                f"# The room compared over {s.weeks} weeks, {s.replicates} paired replicates, "
                f"seed {s.seed}:",
                f"#   plsim compare status_quo.toml <this file> --weeks {s.weeks} "
                f"--replicates {s.replicates} --seed {s.seed}"]
        return "\n".join(head) + "\n" + tomli_w.dumps(body)


class RoomRegistry:
    """The rooms of this dashboard process, behind one lock, with the limits enforced."""

    def __init__(self, max_rooms: int = MAX_ROOMS, idle_hours: float = IDLE_HOURS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_rooms = max_rooms
        self.idle_seconds = idle_hours * 3600.0
        self._clock = clock
        self._lock = threading.Lock()
        self._rooms: dict[str, WorkshopRoom] = {}

    def expire(self) -> int:
        """Forget rooms idle longer than the limit; returns how many went."""
        now = self._clock()
        with self._lock:
            old = [c for c, r in self._rooms.items() if now - r.touched > self.idle_seconds]
            for code in old:
                del self._rooms[code]
        return len(old)

    def open(self, settings: RoomSettings) -> tuple[WorkshopRoom, str]:
        """A new room and its facilitator token."""
        settings.check()
        self.expire()
        token = secrets.token_urlsafe(16)
        with self._lock:
            if len(self._rooms) >= self.max_rooms:
                raise RoomError(f"this dashboard already has {self.max_rooms} rooms open (the "
                                f"limit); a room closes after {IDLE_HOURS:g} hours idle")
            code = self._new_code()
            room = WorkshopRoom(code, settings, token, self._clock)
            self._rooms[code] = room
        return room, token

    def get(self, code: str) -> WorkshopRoom:
        """The open room with this code (any case); :class:`RoomError` if none."""
        self.expire()
        with self._lock:
            room = self._rooms.get(str(code).strip().upper())
        if room is None:
            raise RoomError(f"no open room has the code {str(code).strip()[:12]!r}: check the "
                            "code with the facilitator (rooms close after "
                            f"{IDLE_HOURS:g} hours idle)")
        return room

    def __len__(self) -> int:
        return len(self._rooms)

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._rooms:
                return code


class BrowserKeys:
    """The room tokens each browser holds, by its session cookie's id (never in an address).

    A group's or facilitator's page keeps its token here, so a reload keeps its place and a
    link copied to another browser carries no secret.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[tuple[str, str], str] = {}

    def get(self, session_id: str, code: str) -> str | None:
        """The token this browser holds for room ``code``, if any."""
        with self._lock:
            return self._keys.get((session_id, code))

    def put(self, session_id: str, code: str, token: str) -> None:
        """Remember this browser's token for room ``code``."""
        with self._lock:
            self._keys[(session_id, code)] = token


#: The rooms of this dashboard process.
ROOMS = RoomRegistry()
#: The tokens the browsers hold (facilitators' and groups').
KEYS = BrowserKeys()
