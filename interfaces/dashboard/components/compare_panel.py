"""Compare the current settings with a baseline: effect, likely range, cost, what differs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
import solara.lab
from mesa.visualization.utils import force_update

from interfaces.dashboard.charts import chart_look, comparison_option, for_large_screens
from interfaces.dashboard.compare_job import CompareOutcome, CompareState, run_comparison
from interfaces.dashboard.components.common import heading, html_table, log
from interfaces.dashboard.session import Session
from interfaces.dashboard.wording import arm_name, interval, money, signed
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

        def waiting(ahead: int) -> None:
            state.ahead = ahead
            force_update()

        try:
            state.outcome = run_comparison(session.candidate(), state.base, state.replicates,
                                           seed=session.seed, progress=progress,
                                           on_wait=waiting)
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


def result_lines(row: dict[str, Any], short: bool = False) -> list[tuple[str, str, str]]:
    """(what, estimate, likely range) lines of a comparison row, in plain words (``short``:
    ranges as ``+0.05 to +0.11``, for the projector)."""
    effect = row["achievement_effect_sd"]
    iv = row["intervals"]
    pp = row["percentile_points"]
    per_1000 = row["effect_sd_per_1000_per_student"]

    def likely(key: str, digits: int = 2, unit: str = "SD", scale: float = 1.0) -> str:
        part = effect if key == "achievement" else iv[key]
        return interval(part.get("ci_low"), part.get("ci_high"), digits, unit, scale, short)

    return [
        ("Achievement", signed(effect["estimate"], 2, "SD"), likely("achievement")),
        ("Median student moves", signed(pp, 1, "points" if short else "percentile points"),
         likely("percentile_points", 1, "points")),
        ("Engagement", signed(100 * row["engagement_change"], 1,
                              "points" if short else "percentage points"),
         likely("engagement_change", 1, "points", 100.0)),
        ("Gap, top vs bottom quarter", signed(row["gap_bottom_top_change_sd"], 2, "SD"),
         likely("gap_bottom_top_change_sd")),
        ("Gap by home access", signed(row["gap_access_change_sd"], 2, "SD"),
         likely("gap_access_change_sd")),
        ("Cost per student per year", money(row["cost_per_student"]),
         f"{_signed_money(row['cost_difference_per_student'])} "
         f"{'more' if short else 'against the baseline'}"),
        (f"Effect per {money(1000)} per student",
         "n/a (same cost)" if per_1000 is None else signed(per_1000, 3, "SD"),
         "" if per_1000 is None else likely("effect_sd_per_1000_per_student", 3)),
    ]


def _signed_money(value: float) -> str:
    return ("+" if value > 0 else "") + money(value)


@solara.component
def CompareResult(outcome: CompareOutcome | None, projector: bool = False) -> None:
    """The outcome: effect with its likely range, cost, and the settings that differ."""
    if outcome is None:
        return
    row = outcome.row
    effect = row["achievement_effect_sd"]
    solara.HTML(tag="div", classes=["plsim-effect"], unsafe_innerHTML=(
        f'<span data-testid="compare-effect">Effect on achievement: '
        f"{signed(effect['estimate'], 2, 'SD')} "
        f"({signed(row['percentile_points'], 1, 'percentile points')})</span>"))
    if projector:
        solara.Text(f"Your settings minus {arm_name(row['base'])}: {row['weeks']} weeks, "
                    f"{row['replicates']} paired replicates; likely range: 95% interval.",
                    classes=["plsim-caption"])
    else:
        solara.Text(f"Your settings minus {arm_name(row['base'])} after {row['weeks']} weeks, "
                    f"{row['replicates']} paired replicates (same students and chance events "
                    f"in both), {outcome.seconds:.0f} s. Likely range: 95% interval over "
                    "replicates.", classes=["plsim-caption"])
    lk = chart_look(projector)
    with solara.ColumnsResponsive(12, large=[6, 6]):
        option = comparison_option(row, projector)
        solara.FigureEcharts(option=for_large_screens(option, 800) if projector else option,
                             responsive=True,
                             attributes={"style": "height: calc(13 * var(--fs)); width: 100%;"
                                         if projector else
                                         f"height: {lk.text * 17}px; width: 100%;",
                                         "data-testid": "chart-compare"})
        solara.HTML(tag="div", classes=["plsim-compare-table"], unsafe_innerHTML=html_table(
            ["Outcome", "Change", "Likely range"], result_lines(row, projector),
            test_id="compare-table"))
    heading("Settings that differ from the baseline", 4)
    solara.HTML(tag="div", unsafe_innerHTML=html_table(
        ["Setting", "Baseline", "Your settings"], outcome.differing, test_id="compare-diff"))
    for warning in row.get("warnings", []):
        solara.Warning(warning)


@solara.component
def ComparePanel(session: Session, state: CompareState, start: Callable[[], None],
                 version: int = 0, projector: bool = False) -> None:
    """Choose the baseline and replicates, start, watch progress, read the result."""
    if not projector:
        solara.Text("Runs your current settings and the baseline side by side over one year, "
                    "several times with different chance events, and reports the difference. "
                    "Policy changes made during the live run are not replayed: the comparison "
                    "uses the settings as they are now.", classes=["plsim-caption"])

    def set_base(name: str) -> None:
        state.base = name
        force_update()

    def set_replicates(n: int) -> None:
        state.replicates = int(n)
        force_update()

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "4px 16px"},
                    classes=["plsim-compare-controls"]):
        with solara.Column(style={"min-width": "16em", "flex": "1 1 16em"}):
            solara.Select("Compare against", values=bundled_names(), value=state.base,
                          on_value=set_base)
        with solara.Column(style={"min-width": "16em", "flex": "1 1 16em"}):
            solara.SliderInt(f"Replicates: {state.replicates}", value=state.replicates,
                             min=2, max=30, on_value=set_replicates)
        solara.Button("Compare with baseline", icon_name="mdi-scale-balance", color="primary",
                      on_click=start, disabled=state.running)
    if state.running:
        share = 100.0 * state.done / state.total if state.total else 0.0
        solara.ProgressLinear(value=share)
        solara.Text(state.status(), classes=["plsim-compare-status"])
    if state.error:
        solara.Error(state.error)
    CompareResult(state.outcome, projector)
