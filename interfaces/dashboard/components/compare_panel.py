"""Compare the current settings with a baseline: effect, likely range, cost, what differs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
import solara.lab
from mesa.visualization.utils import force_update

from interfaces.dashboard.compare_job import (
    WORKERS,
    CompareOutcome,
    CompareState,
    run_comparison,
)
from interfaces.dashboard.components.common import heading, html_table, log
from interfaces.dashboard.session import Session
from simulation.errors import UserError
from simulation.scenario import bundled_names


def use_comparison(session: Session, state: CompareState) -> Callable[[], None]:
    """Hook running comparisons in a worker thread; returns the function that starts one."""
    request = solara.use_reactive(0)

    def job() -> None:
        if request.value == 0:
            return
        state.running, state.error, state.done, state.total = True, None, 0, 0
        force_update()

        def progress(done: int, total: int) -> None:
            state.progress(done, total)
            force_update()

        try:
            state.outcome = run_comparison(session.candidate(), state.base, state.replicates,
                                           seed=session.seed, workers=WORKERS,
                                           progress=progress)
        except UserError as exc:
            state.error = str(exc)
        except Exception as exc:  # a failed comparison must not take the page down
            log.exception("comparison failed")
            state.error = f"the comparison failed ({type(exc).__name__}: {exc})"
        finally:
            state.running = False
            force_update()

    solara.lab.use_task(job, dependencies=[request.value], prefer_threaded=True)

    def start() -> None:
        if not state.running:
            request.set(request.value + 1)

    return start


def _range(interval: dict[str, Any], fmt: str) -> str:
    low, high = interval.get("ci_low"), interval.get("ci_high")
    if low is None or high is None:
        return "no range (one replicate)"
    return f"likely between {low:{fmt}} and {high:{fmt}}"


def result_lines(row: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, estimate, likely range) lines of a comparison row, in plain words."""
    effect = row["achievement_effect_sd"]
    iv = row["intervals"]
    pp = row["percentile_points"]
    per_1000 = row["effect_sd_per_1000_per_student"]
    return [
        ("Achievement", f"{effect['estimate']:+.2f} SD", _range(effect, "+.2f")),
        ("Median student moves", f"{pp:+.1f} percentile points",
         _range(iv["percentile_points"], "+.1f")),
        ("Engagement", f"{100 * row['engagement_change']:+.1f} percentage points",
         _range({k: None if v is None else 100 * v for k, v in iv["engagement_change"].items()},
                "+.1f")),
        ("Gap, top vs bottom quarter", f"{row['gap_bottom_top_change_sd']:+.2f} SD",
         _range(iv["gap_bottom_top_change_sd"], "+.2f")),
        ("Gap by digital access", f"{row['gap_access_change_sd']:+.2f} SD",
         _range(iv["gap_access_change_sd"], "+.2f")),
        ("Cost per student per year", f"{row['cost_per_student']:,.0f}",
         f"{row['cost_difference_per_student']:+,.0f} against the baseline"),
        ("Effect per 1,000 per student",
         "n/a (same cost)" if per_1000 is None else f"{per_1000:+.3f} SD",
         "" if per_1000 is None else _range(iv["effect_sd_per_1000_per_student"], "+.3f")),
    ]


@solara.component
def CompareResult(outcome: CompareOutcome | None) -> None:
    """The outcome: effect with its likely range, cost, and the settings that differ."""
    if outcome is None:
        return
    row = outcome.row
    effect = row["achievement_effect_sd"]
    solara.HTML(tag="div", classes=["plsim-effect"], unsafe_innerHTML=(
        f'<span data-testid="compare-effect">Effect on achievement: '
        f"{effect['estimate']:+.2f} SD ({row['percentile_points']:+.1f} percentile points)"
        "</span>"))
    solara.Text(f"Your settings minus {row['base']} after {row['weeks']} weeks, "
                f"{row['replicates']} paired replicates (same students and chance events in "
                f"both), {outcome.seconds:.0f} s. Likely range: 95% interval over replicates.",
                classes=["plsim-caption"])
    solara.HTML(tag="div", unsafe_innerHTML=html_table(
        ["Outcome", "Change", "Likely range"], result_lines(row), test_id="compare-table"))
    heading("Settings that differ from the baseline", 4)
    solara.HTML(tag="div", unsafe_innerHTML=html_table(
        ["Setting", "Baseline", "Your settings"], outcome.differing, test_id="compare-diff"))
    for warning in row.get("warnings", []):
        solara.Warning(warning)


@solara.component
def ComparePanel(session: Session, state: CompareState, start: Callable[[], None],
                 version: int = 0) -> None:
    """Choose the baseline and replicates, start, watch progress, read the result."""
    solara.Text("Runs your current settings and the baseline side by side over one year, "
                "several times with different chance events, and reports the difference. "
                "Policy changes made during the live run are not replayed: the comparison uses "
                "the settings as they are now.", classes=["plsim-caption"])

    def set_base(name: str) -> None:
        state.base = name
        force_update()

    def set_replicates(n: int) -> None:
        state.replicates = int(n)
        force_update()

    solara.Select("Compare against", values=bundled_names(), value=state.base,
                  on_value=set_base)
    solara.SliderInt("Replicates (more: narrower range, slower)", value=state.replicates,
                     min=2, max=30, on_value=set_replicates)
    solara.Text(f"{state.replicates} replicates of each, one year each", classes=["plsim-caption"])
    solara.Button("Compare with baseline", icon_name="mdi-scale-balance", color="primary",
                  on_click=start, disabled=state.running)
    if state.running:
        share = 100.0 * state.done / state.total if state.total else 0.0
        solara.ProgressLinear(value=share)
        solara.Text(f"Running: {state.done} of {state.total or '...'} runs done")
    if state.error:
        solara.Error(state.error)
    CompareResult(state.outcome)
