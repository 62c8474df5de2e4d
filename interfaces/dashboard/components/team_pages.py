"""Workshop team mode pages: the facilitator's room and each group's page.

Addresses (read from the query string by :func:`team_route`):

- ``?facilitate=new``: open a room (the facilitator);
- ``?facilitate=CODE``: the room's controls and board, for the browser that opened it only;
- ``?room=CODE``: a group joins, sets its levers and submits; it sees boards once revealed.

Tokens never appear in an address: each browser's token is kept server-side under its Solara
session cookie (:data:`interfaces.dashboard.workshop_rooms.KEYS`). Pages of other browsers
follow the room by polling its version once a second.
"""

from __future__ import annotations

import html
import io
import threading
import zipfile
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import solara
import solara.lab
from mesa.visualization.utils import force_update, update_counter

from interfaces.dashboard.components.budget_meter import budget_sentence, meter_state
from interfaces.dashboard.components.common import log
from interfaces.dashboard.components.lever_panel import LeverControl
from interfaces.dashboard.components.team_board import BOARD_CSS, TeamBoard, colours_of
from interfaces.dashboard.components.theme import BASE_CSS
from interfaces.dashboard.levers import GROUPS, in_group
from interfaces.dashboard.session import Session
from interfaces.dashboard.team_board import board_png
from interfaces.dashboard.urlstate import share_url
from interfaces.dashboard.wording import money, spending_parts
from interfaces.dashboard.workshop_rooms import (
    BUDGET,
    IDLE_HOURS,
    KEYS,
    MAX_GROUPS,
    MAX_RATIONALE,
    MAX_ROOMS,
    ROOMS,
    RoomError,
    RoomSettings,
    WorkshopRoom,
)
from simulation.errors import UserError
from simulation.scenario import bundled_names, load_scenario

LIMITS = (f"Limits: at most {MAX_ROOMS} rooms on this dashboard and {MAX_GROUPS} groups a "
          f"room; a room is forgotten after {IDLE_HOURS:g} hours without activity, and when "
          "the dashboard stops (rooms live in its memory only).")

STATE_TEXT = {
    "open": "open: groups are submitting",
    "locked": "locked: submissions closed",
    "running": "running the proposals",
    "run": "run: the board is ready to reveal",
    "revealed": "revealed",
}


def team_route(search: str | None) -> tuple[str, str] | None:
    """``("facilitate", code or "new")``, ``("room", code)``, or ``None`` (the dashboard)."""
    query = dict(parse_qsl((search or "").lstrip("?")))
    if "facilitate" in query:
        return "facilitate", query["facilitate"].strip().upper() or "NEW"
    if "room" in query:
        return "room", query["room"].strip().upper()
    return None


def _session_id() -> str:
    try:
        return str(solara.get_session_id())
    except Exception:  # outside a served page (solara.render in tests)
        return "local"


def use_room_version(room: WorkshopRoom | None) -> int:
    """Re-render when the room changes (another browser acted): polls once a second."""
    version, set_version = solara.use_state(room.version if room else 0)

    def poll(cancel: threading.Event) -> None:
        seen = room.version if room else 0
        while room is not None and not cancel.wait(1.0):
            if room.version != seen:
                seen = room.version
                set_version(seen)

    solara.use_thread(poll, dependencies=[room.code if room else None],
                      intrusive_cancel=False)
    return version


def _find(code: str) -> tuple[WorkshopRoom | None, str | None]:
    try:
        return ROOMS.get(code), None
    except RoomError as exc:
        return None, str(exc)


@solara.component
def TeamStyle() -> None:
    """The dashboard's styles plus the team pages' (large, for a projector)."""
    solara.Style(BASE_CSS + BOARD_CSS)


def _join_link(code: str) -> str:
    return share_url(f"room={code}", solara.lab.headers.value)


# --- facilitator --------------------------------------------------------------------------------

@solara.component
def OpenRoomForm(on_open: Callable[[WorkshopRoom], None]) -> None:
    """The facilitator's form: status quo, budget and run size of a new room."""
    default = RoomSettings()
    preset, set_preset = solara.use_state(default.preset)
    budget, set_budget = solara.use_state(str(int(load_scenario(default.preset).get(BUDGET))))
    students, set_students = solara.use_state(str(default.students))
    weeks, set_weeks = solara.use_state(str(default.weeks))
    replicates, set_replicates = solara.use_state(str(default.replicates))
    seed, set_seed = solara.use_state(str(default.seed))
    error, set_error = solara.use_state("")

    def open_room() -> None:
        try:
            settings = RoomSettings(preset, float(budget), int(students), int(weeks),
                                    int(replicates), int(seed))
        except ValueError:
            set_error("Budget, students, weeks, replicates and seed must be numbers.")
            return
        try:
            room, token = ROOMS.open(settings)
        except UserError as exc:
            set_error(str(exc))
            return
        KEYS.put(_session_id(), room.code, token)
        on_open(room)

    solara.v.Html(tag="h1", children=["Open a workshop room"])
    solara.Text("Groups join from their own browsers, each proposes a policy within the "
                "budget with one line of rationale; you lock, run all proposals against the "
                "status quo with the same seeds, and reveal the board.")
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px 16px"}):
        solara.Select("Status quo (a scenario from the library)", values=bundled_names(),
                      value=preset, on_value=set_preset, style={"min-width": "22em"})
        solara.InputText("Budget per student a year", value=budget, on_value=set_budget)
        solara.InputText("Students in the institution", value=students, on_value=set_students)
        solara.InputText("Weeks simulated", value=weeks, on_value=set_weeks)
        solara.InputText("Paired replicates", value=replicates, on_value=set_replicates)
        solara.InputText("Seed", value=seed, on_value=set_seed)
    solara.Text("Fewer students, weeks or replicates run faster; more replicates give "
                "narrower intervals. Every group's policy runs with the same seeds.",
                classes=["plsim-caption"])
    solara.Button("Open the room", color="primary", icon_name="mdi-door-open",
                  on_click=open_room)
    if error:
        solara.Error(error)
    solara.Text(LIMITS, classes=["plsim-caption"])


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buffer.getvalue()


@solara.component
def FacilitatorControls(room: WorkshopRoom, token: str, version: int) -> None:
    """Lock, run, reveal, next round and exports, with the groups' status."""
    error, set_error = solara.use_state("")
    request = solara.use_reactive(0)
    rnd = room.current

    def guarded(action: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            try:
                action()
                set_error("")
            except UserError as exc:
                set_error(str(exc))
            force_update()
        return run

    def job() -> None:
        if request.value == 0:
            return
        try:
            room.run(token)
            set_error("")
        except UserError as exc:
            set_error(str(exc))
        except Exception as exc:  # a failed run must not take the page down
            log.exception("workshop run failed")
            set_error(f"the run failed ({type(exc).__name__}: {exc})")
        force_update()

    solara.lab.use_task(job, dependencies=[request.value], prefer_threaded=True)

    def start_run() -> None:
        if room.current.state == "locked":
            request.set(request.value + 1)

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px 24px"}):
        solara.v.Html(tag="h1", children=[
            "Workshop room ", solara.v.Html(tag="span", class_="plsim-room-code",
                                            children=[room.code])])
        solara.Text(f"Round {rnd.number}: {STATE_TEXT[rnd.state]}",
                    classes=["plsim-status"])
    link = _join_link(room.code)
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<p style="font-size:1.25em">Groups open <a data-testid="join-link" '
        f'href="{html.escape(link)}" target="_blank" rel="noopener">{html.escape(link)}</a> '
        f"(or type the code <b>{room.code}</b>).</p>"))
    s = room.settings
    solara.Text(f"Status quo {s.preset}; budget {money(s.budget)} per student a year; "
                f"{s.students} students, {s.weeks} weeks, {s.replicates} paired replicates, "
                f"seed {s.seed}.", classes=["plsim-caption"])
    groups = list(room.groups.values())
    names = ", ".join(f"{g.name} ({'submitted' if g.id in rnd.proposals else 'not yet'})"
                      for g in groups) or "none yet"
    solara.HTML(tag="p", unsafe_innerHTML=(
        f'<span data-testid="group-status">Groups ({len(groups)} of {MAX_GROUPS}): '
        f"{html.escape(names)}</span>"))
    with solara.Row(style={"flex-wrap": "wrap", "gap": "8px"}):
        solara.Button("Lock submissions", icon_name="mdi-lock", color="primary",
                      disabled=rnd.state != "open" or not rnd.proposals,
                      on_click=guarded(lambda: room.lock_submissions(token)))
        solara.Button("Run all proposals", icon_name="mdi-play", color="primary",
                      disabled=rnd.state != "locked", on_click=start_run)
        solara.Button("Reveal the board", icon_name="mdi-eye", color="primary",
                      disabled=rnd.state != "run",
                      on_click=guarded(lambda: room.reveal(token)))
        solara.Button(f"Start round {rnd.number + 1}", icon_name="mdi-restart",
                      disabled=rnd.state != "revealed",
                      on_click=guarded(lambda: room.next_round(token)))
    if rnd.state == "running":
        share = 100.0 * rnd.done / rnd.total if rnd.total else 0.0
        solara.ProgressLinear(value=share)
        solara.Text(f"Running: {rnd.done} of {rnd.total or '?'} runs done",
                    classes=["plsim-status"])
    if error or rnd.error:
        solara.Error(error or rnd.error or "")
    for past in reversed(room.rounds):
        if past.state in ("run", "revealed"):
            TeamBoard(room, past, preview=past.state == "run")
    ran = [r for r in room.rounds if r.board]
    solara.v.Html(tag="h2", children=["Export"])
    with solara.Row(style={"flex-wrap": "wrap"}):
        if ran:
            last = ran[-1]
            solara.FileDownload(lambda: room.board_csv(token),
                                filename=f"plsim_room_{room.code}_board.csv",
                                label="Board, every round (CSV)", mime_type="text/csv")
            solara.FileDownload(
                lambda: board_png(last.board, colours_of(room, last.board), last.number,
                                  s.weeks, s.replicates),
                filename=f"plsim_room_{room.code}_round{last.number}.png",
                label=f"Round {last.number} chart (PNG)", mime_type="image/png")
        solara.FileDownload(lambda: _zip(room.scenario_files(token)),
                            filename=f"plsim_room_{room.code}_round{rnd.number}_scenarios.zip",
                            label=f"Round {rnd.number} proposals as scenario files (ZIP of TOML)",
                            mime_type="application/zip")
    solara.Text("Each scenario file extends the status quo's preset and sets the room's "
                "budget and size: check it with plsim validate, rerun it with plsim run, or "
                "compare it with plsim compare status_quo.toml <file> (the command is in the "
                "file).", classes=["plsim-caption"])
    solara.Text(LIMITS, classes=["plsim-caption"])


@solara.component
def FacilitatorPage(code: str) -> None:
    """``?facilitate=CODE``: the controls, for the browser holding the room's token."""
    router = solara.use_router()
    opened, set_opened = solara.use_state(code if code != "NEW" else "")
    room, problem = _find(opened) if opened else (None, None)
    version = use_room_version(room)
    update_counter.get()

    def on_open(new: WorkshopRoom) -> None:
        set_opened(new.code)
        router.push(f"{router.path}?facilitate={new.code}")

    with solara.Column(classes=["plsim-page", "plsim-team"], style={"padding": "8px 16px"}):
        if not opened:
            OpenRoomForm(on_open)
            return
        if room is None:
            solara.Error(problem or "no such room")
            return
        token = KEYS.get(_session_id(), room.code)
        if not room.is_facilitator(token):
            solara.Error(f"Refused: only the browser that opened room {room.code} can use "
                         "its facilitator controls (lock, run, reveal, next round, export).",
                         classes=["plsim-refused"])
            solara.HTML(tag="p", unsafe_innerHTML=(
                f'To take part as a group, open <a href="?room={html.escape(room.code)}">'
                f"the group page of room {html.escape(room.code)}</a>."))
            return
        FacilitatorControls(room, token or "", version)


# --- groups -------------------------------------------------------------------------------------

@solara.component
def JoinForm(room: WorkshopRoom, on_join: Callable[[], None]) -> None:
    """A group names itself and joins."""
    name, set_name = solara.use_state("")
    error, set_error = solara.use_state("")

    def join() -> None:
        try:
            group = room.join(name)
        except UserError as exc:
            set_error(str(exc))
            return
        KEYS.put(_session_id(), room.code, group.token)
        on_join()

    solara.v.Html(tag="h1", children=[f"Join workshop room {room.code}"])
    solara.InputText("Your group's name", value=name, on_value=set_name,
                     continuous_update=True)
    solara.Button("Join the room", color="primary", icon_name="mdi-account-group",
                  on_click=join)
    if error:
        solara.Error(error)
    solara.Text(LIMITS, classes=["plsim-caption"])


@solara.component
def TeamBudget(session: Session, version: int) -> None:
    """The budget meter's sentence and bar for a group's levers (the room fixes the budget)."""
    costs = session.planned_costs()
    planned, budget = costs["total_per_student"], session.budget()
    share, over = meter_state(planned, budget)
    width = 100.0 if share == float("inf") else min(share, 1.0) * 100.0
    solara.HTML(tag="div", classes=["plsim-meter-box"] + (["plsim-meter-over"] if over else []),
                unsafe_innerHTML=(
                    f'<div class="plsim-meter-text" data-testid="budget-text" '
                    f'data-over="{str(over).lower()}">'
                    f"{html.escape(budget_sentence(planned, planned, budget))}</div>"
                    f'<div class="plsim-meter" data-testid="budget-meter" role="meter" '
                    f'aria-label="share of the budget your settings use" '
                    f'aria-valuemin="0" aria-valuemax="100" aria-valuenow="{width:.0f}">'
                    f'<div class="plsim-meter-fill" style="width:{width:.1f}%"></div></div>'))
    solara.Text(f"Spent on: {spending_parts(costs) or 'nothing yet'}. The room sets the "
                "budget.", classes=["plsim-caption"])


@solara.component
def GroupWork(room: WorkshopRoom, token: str, version: int) -> None:
    """The group's levers, budget, rationale and submission; the boards once revealed."""
    group = room.group_for(token)
    session = solara.use_memo(lambda: _group_session(room, token), [room.code, token])
    solara.use_effect(lambda: session.release, [])
    counter = update_counter.get()
    last = room.last_proposal_of(token)
    rationale, set_rationale = solara.use_state(last.rationale if last else "")
    message, set_message = solara.use_state("")
    error, set_error = solara.use_state("")
    rnd = room.current
    mine = rnd.proposals.get(group.id)

    def submit() -> None:
        try:
            room.submit(token, dict(session.settings), rationale)
            set_error("")
            set_message(f"Submitted for round {room.current.number}. You can change and "
                        "submit again until the facilitator locks submissions.")
        except UserError as exc:
            set_error(str(exc).replace("Raise the budget or cut spending", "Cut spending"))
            set_message("")

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px 24px"}):
        solara.v.Html(tag="h1", children=[f"{group.name}, room {room.code}"])
        solara.Text(f"Round {rnd.number}: " + (
            "set your levers and submit" if rnd.state == "open" else
            "submissions are closed; look at the facilitator's screen"),
            classes=["plsim-status"])
    if rnd.state == "open":
        TeamBudget(session, counter)
        if session.message:
            solara.Error(session.message, dense=True)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
            with solara.Column(style={"flex": "1 1 30em"}):
                solara.InputText(f"Why this policy? (one line, at most {MAX_RATIONALE} "
                                 "characters)", value=rationale, on_value=set_rationale,
                                 continuous_update=True)
            solara.Button("Submit our policy", color="primary", icon_name="mdi-send",
                          on_click=submit)
        if error:
            solara.Error(error)
        if message or mine:
            solara.Success(message or f"Your policy for round {rnd.number} is in; you can "
                           "change it until the facilitator locks submissions.")
        with solara.ColumnsResponsive(12, large=[6, 6]):
            for part in GROUPS:
                with solara.Card(part, margin=0, style={"margin-bottom": "10px"}):
                    for lever in in_group(part):
                        if lever.name == BUDGET:
                            continue
                        LeverControl(session, lever, session.settings[lever.name], False)
    elif mine:
        solara.Info(f"Your policy for round {rnd.number} is in: \u201c{mine.rationale}\u201d")
    else:
        solara.Warning(f"Your group did not submit a policy in round {rnd.number}.")
    for past in reversed(room.boards()):
        TeamBoard(room, past)


def _group_session(room: WorkshopRoom, token: str) -> Session:
    """The group's lever state: the room's preset and budget, and its last proposal."""
    last = room.last_proposal_of(token)
    overrides = {BUDGET: float(room.settings.budget), **(last.changes if last else {})}
    return Session(room.settings.preset, room.settings.seed, overrides)


@solara.component
def GroupPage(code: str) -> None:
    """``?room=CODE``: join, then propose; a browser's token stays out of the address."""
    room, problem = _find(code)
    version = use_room_version(room)
    joined, set_joined = solara.use_state(0)
    with solara.Column(classes=["plsim-page", "plsim-team"], style={"padding": "8px 16px"}):
        if room is None:
            solara.Error(problem or "no such room")
            return
        token = KEYS.get(_session_id(), room.code)
        try:
            room.group_for(token)
        except RoomError:
            JoinForm(room, lambda: set_joined(joined + 1))
            return
        GroupWork(room, token or "", version)


@solara.component
def TeamPage(route: tuple[str, str]) -> None:
    """The team-mode page an address asks for."""
    solara.Title("plsim workshop room")
    TeamStyle()
    kind, code = route
    if kind == "facilitate":
        FacilitatorPage(code)
    else:
        GroupPage(code)


@solara.component
def TeamModeTab() -> None:
    """The dashboard's tab that leads to team mode."""
    code, set_code = solara.use_state("")
    solara.Text("Workshop team mode: you open a room; each group joins from its own browser, "
                "proposes a policy within the budget and says why in one line; you lock, run "
                "all proposals against the status quo with the same seeds and reveal the "
                "board. Other browsers can reach this computer only if the dashboard was "
                "started with --host 0.0.0.0 --allow-remote (see the workshop guide).")
    solara.HTML(tag="p", unsafe_innerHTML=(
        '<a data-testid="open-room" href="?facilitate=new" target="_blank" rel="noopener">'
        "Open a workshop room (facilitator)</a>"))
    with solara.Row(style={"align-items": "center"}):
        solara.InputText("Room code (to join as a group)", value=code, on_value=set_code)
        solara.HTML(tag="span", unsafe_innerHTML=(
            f'<a href="?room={html.escape(code.strip().upper())}">Join</a>'))
    solara.Text(LIMITS, classes=["plsim-caption"])


__all__ = ["TeamModeTab", "TeamPage", "team_route"]
