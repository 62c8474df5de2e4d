"""Step, Run and Reset, with the week counter."""

from __future__ import annotations

import time

import solara
import solara.lab
from mesa.visualization.utils import force_update

from interfaces.dashboard.components.common import act
from interfaces.dashboard.session import Session

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


@solara.component
def RunControls(session: Session, version: int = 0) -> None:
    """Buttons to step a week, run to the end of the term (or pause) and reset."""
    running = solara.use_reactive(False)

    def loop() -> None:
        if running.value:
            run_to_term_end(session, running)

    solara.lab.use_task(loop, dependencies=[running.value], prefer_threaded=True)

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
        solara.Button("Step", icon_name="mdi-step-forward", color="primary",
                      on_click=lambda: act(session, session.step), disabled=running.value)
        solara.Button("Pause" if running.value else "Run",
                      icon_name="mdi-pause" if running.value else "mdi-play",
                      color="primary", on_click=lambda: running.set(not running.value))
        solara.Button("Reset", icon_name="mdi-restore", color="primary", outlined=True,
                      on_click=lambda: act(session, session.reset), disabled=running.value)
        term = session.week // session.weeks_per_term + 1
        solara.Text(f"Week {session.week} of {session.horizon} \u00b7 term {term}",
                    classes=["plsim-week"])
    solara.Text("Step: one week. Run: to the end of the term. Reset: back to week 0 with the "
                "current settings.", classes=["plsim-caption"])
