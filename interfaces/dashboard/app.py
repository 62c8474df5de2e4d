"""The dashboard page: ``solara run interfaces.dashboard.app`` serves ``page``.

It is composed from Mesa SolaraViz's pieces: the model lives in the session, the page reads
Mesa's ``update_counter`` (once, passing its value down so that only what changed re-renders)
and every action calls ``force_update``; the chart components take the model first, as
SolaraViz components do (see ``components.live_charts.solara_viz_components``). The SolaraViz
shell itself is not used: its Reset raises on settings the scenario validator refuses, its
parameter list cannot be grouped, and a parameter change only applies at Reset, whereas a
workshop changes policy during a run.
"""

from __future__ import annotations

from collections.abc import Callable

import solara
import solara.lab
from mesa.visualization.utils import update_counter

from interfaces.dashboard.compare_job import CompareState
from interfaces.dashboard.components.a11y import AccessibilityFixes
from interfaces.dashboard.components.budget_meter import BudgetMeter
from interfaces.dashboard.components.common import heading
from interfaces.dashboard.components.compare_panel import ComparePanel, use_comparison
from interfaces.dashboard.components.controls import RunControls
from interfaces.dashboard.components.evidence_cards import EvidenceCards
from interfaces.dashboard.components.export_panel import ExportPanel
from interfaces.dashboard.components.lever_panel import LeverPanel
from interfaces.dashboard.components.live_charts import ClassView, Headline, LiveCharts, Timeline
from interfaces.dashboard.components.survey_tables import SurveyTables
from interfaces.dashboard.components.team_pages import TeamModeTab, TeamPage, team_route
from interfaces.dashboard.components.theme import PageStyle
from interfaces.dashboard.session import Session
from interfaces.dashboard.urlstate import session_from_query
from interfaces.dashboard.wording import plain

TITLE = "plsim: personalized-learning what-if explorer"


def settings_state(session: Session) -> tuple:
    """What the lever panel shows, as a value: it re-renders only when this changes."""
    return (session.preset.name, session.seed, tuple(session.settings.items()),
            tuple(session.applied.items()), session.message)


@solara.component
def Messages(session: Session, version: int = 0) -> None:
    """Problems, notices and settings not applied yet (dense, so the charts stay in view)."""
    if session.message:
        solara.Error(session.message, dense=True, classes=["plsim-message"])
    if session.notice:
        solara.Info(session.notice, dense=True)
    for warning in session.model.scenario.warnings:
        solara.Info(f"Note on the current settings: {plain(warning)}", dense=True)
    pending = session.pending()
    if pending:
        solara.Warning("Not applied yet (they apply when you press Step or Run): "
                       + "; ".join(c.text() for c in pending), dense=True)


@solara.component
def ViewSwitches(projector: solara.Reactive[bool], show_controls: solara.Reactive[bool]
                 ) -> None:
    """The projector-view and show-controls switches."""

    def set_projector(on: bool) -> None:
        projector.set(on)
        if on:
            show_controls.set(False)

    with solara.Row(style={"align-items": "center", "gap": "16px"}, classes=["plsim-switches"]):
        solara.Switch(label="Projector view", value=projector.value, on_value=set_projector)
        solara.Switch(label="Show controls", value=show_controls)


@solara.component
def Header(projector: solara.Reactive[bool], show_controls: solara.Reactive[bool]) -> None:
    """Title and the view switches (the projector view puts the switches beside Step/Run)."""
    with solara.Row(classes=["plsim-header"],
                    style={"align-items": "center", "flex-wrap": "wrap", "gap": "4px 16px"}):
        heading(TITLE, 1)
        ViewSwitches(projector, show_controls)


@solara.component
def TopBar(session: Session, projector: solara.Reactive[bool],
           show_controls: solara.Reactive[bool], version: int = 0) -> None:
    """Title, switches and run controls; the projector view puts them on one row."""
    if projector.value:
        solara.v.Html(tag="h1", class_="plsim-visually-hidden", children=[TITLE])
        with solara.Row(classes=["plsim-header"], style={
                "align-items": "center", "flex-wrap": "wrap", "gap": "4px 12px"}):
            RunControls(session, version, True)
            ViewSwitches(projector, show_controls)
    else:
        Header(projector, show_controls)
        RunControls(session, version)


@solara.component
def MainTabs(session: Session, compare: CompareState, start_compare: Callable[[], None],
             projector: bool, class_number: solara.Reactive[int], version: int = 0,
             narrow: bool = False) -> None:
    """Charts, one class, survey, compare, evidence, export: one tab each."""
    tab = solara.use_reactive(0)
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab("Charts"):
            Headline(session.model, version)
            LiveCharts(session.model, tuple(session.timeline), projector, session.horizon,
                       version, session.series, session.reference, narrow)
            Timeline(tuple(session.timeline), projector)
        with solara.lab.Tab("One class"):
            ClassView(session.model, projector, class_number.value, class_number.set, version)
        with solara.lab.Tab("Survey"):
            SurveyTables(session, version, projector)
        with solara.lab.Tab("Compare"):
            ComparePanel(session, compare, start_compare, version, projector)
        with solara.lab.Tab("Evidence"):
            EvidenceCards()
        with solara.lab.Tab("Export and share"):
            ExportPanel(session, compare, projector, class_number.value, version)
        with solara.lab.Tab("Team mode"):
            TeamModeTab()


@solara.component
def Page() -> None:
    """The dashboard, or a workshop room's page when the address asks for one."""
    router = solara.use_router()
    route = team_route(router.search)
    if route is not None:
        TeamPage(route)
    else:
        Dashboard()


@solara.component
def Dashboard() -> None:
    """The whole dashboard for one browser session."""
    router = solara.use_router()
    session = solara.use_memo(lambda: session_from_query(router.search), [])
    compare = solara.use_memo(CompareState, [])
    start_compare = use_comparison(session, compare)
    projector = solara.use_reactive(False)
    show_controls = solara.use_reactive(True)
    class_number = solara.use_reactive(0)
    solara.use_effect(lambda: session.release, [])
    version = update_counter.get()

    solara.Title("plsim dashboard")
    PageStyle(projector.value)
    AccessibilityFixes()
    classes = ["plsim-page"] + (["plsim-projector"] if projector.value else []) + (
        ["plsim-with-controls"] if show_controls.value else [])
    # Every child keeps its place whatever the view switches say, so switching views never
    # re-creates the charts (a chart destroyed while it initializes logs an error).
    with solara.Column(classes=classes, style={"padding": "8px 16px"}):
        TopBar(session, projector, show_controls, version)
        Messages(session, version)
        BudgetMeter(session, version, projector.value)
        shown = show_controls.value
        with solara.Row(classes=["plsim-body"], style={"align-items": "flex-start",
                                                       "gap": "16px"}):
            with solara.Column(classes=["plsim-controls-column"], style=(
                    {"flex": "0 0 31%", "max-width": "31%"} if shown
                    else {"display": "none"})):
                if shown:
                    LeverPanel(session, settings_state(session))
            with solara.Column(style={"flex": "1 1 0", "min-width": "0"}):
                MainTabs(session, compare, start_compare, projector.value, class_number,
                         version, shown)


page = Page()
