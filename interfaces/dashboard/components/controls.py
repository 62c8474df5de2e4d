"""Step, Run and Reset, the week counter, and pinning a run as the charts' reference."""

from __future__ import annotations

import time

import solara
import solara.lab
from mesa.visualization.utils import force_update

from interfaces.dashboard.components.common import act
from interfaces.dashboard.session import Session
from interfaces.dashboard.wording import term_text

#: Pause between weeks while running, so an audience sees the charts move.
RUN_PAUSE_S = 0.12


def run_to_term_end(session: Session, keep_going: solara.Reactive[bool]) -> None:
    """Step until the end of the current term, while ``keep_going`` stays true."""
    target = session.term_end()
    try:
        while keep_going.value and session.week < target:
            ok = act(session, session.step)
            if not ok:
                break
            time.sleep(RUN_PAUSE_S)
    finally:
        keep_going.set(False)
        force_update()


def week_text(session: Session) -> str:
    """``Week 18 of 36 \u00b7 end of term 1``."""
    return (f"Week {session.week} of {session.horizon} \u00b7 "
            f"{term_text(session.week, session.weeks_per_term, int(session.model.weeks_per_year))}")


@solara.component
def RunControls(session: Session, version: int = 0, projector: bool = False) -> None:
    """Buttons to step a week, run to the end of the term (or pause) and reset; pin a run."""
    running = solara.use_reactive(False)

    def loop() -> None:
        if running.value:
            run_to_term_end(session, running)

    solara.lab.use_task(loop, dependencies=[running.value], prefer_threaded=True)

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"},
                    classes=["plsim-controls"]):
        solara.Button("Step", icon_name="mdi-step-forward", color="primary",
                      on_click=lambda: act(session, session.step), disabled=running.value)
        solara.Button("Pause" if running.value else "Run",
                      icon_name="mdi-pause" if running.value else "mdi-play",
                      color="primary", on_click=lambda: running.set(not running.value))
        solara.Button("Reset", icon_name="mdi-restore", color="primary", outlined=True,
                      on_click=lambda: act(session, session.reset), disabled=running.value)
        solara.Text(week_text(session), classes=["plsim-week"])
        solara.Button("Pin this run", icon_name="mdi-pin", outlined=True,
                      on_click=lambda: act(session, session.pin), disabled=session.week == 0,
                      classes=["plsim-pin"])
        if session.pinned is not None:
            solara.Button("Unpin", icon_name="mdi-pin-off", outlined=True,
                          on_click=lambda: act(session, session.unpin))
    if not projector:
        solara.Text("Step: one week. Run: to the end of the term. Reset: back to week 0 with "
                    "the current settings. Pin this run: keep it as the faint dashed lines on "
                    "the charts while you try something else.", classes=["plsim-caption"])
