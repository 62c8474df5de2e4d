"""Live charts, the key numbers of the week, the timeline of changes and the one-class view.

``LiveCharts`` and ``ClassView`` take the model first, as Mesa's SolaraViz components do, so
they also work inside a plain ``SolaraViz(model, components=[(LiveCharts, 0)])``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import pandas as pd
import solara
from mesa.visualization.utils import update_counter

from interfaces.dashboard.charts import (
    chart_look,
    class_option,
    for_large_screens,
    histogram_option,
    panel_options,
)
from interfaces.dashboard.classview import class_data, n_classes
from interfaces.dashboard.components.common import heading
from interfaces.dashboard.panels import PANELS
from interfaces.dashboard.session import Reference, TimelineEvent
from interfaces.dashboard.wording import signed
from simulation.model import PersonalizedLearningModel


def headline(metrics: dict[str, float]) -> list[tuple[str, str]]:
    """The week's key numbers as (label, text): achievement, engagement, both equity gaps,
    preparedness, adoption, and the cost of the policies in use against the budget."""
    return [
        ("Achievement", signed(metrics["achievement_mean"], 2, "SD")),
        ("Engagement", f"{metrics['engagement_mean']:.0%}"),
        ("Gap top vs bottom", f"{metrics['gap_bottom_top']:.2f} SD"),
        ("Gap by home access", f"{metrics['gap_access']:.2f} SD"),
        ("Teacher preparedness", f"{metrics['teacher_preparedness']:.2f} of 4"),
        ("Class time personalized", f"{metrics['adoption_mean']:.0%}"),
        ("Policies in use cost", f"{metrics['budget_used']:.0%} of budget"),
    ]


def headline_id(label: str) -> str:
    """``headline-gap-by-home-access``: the test id of a headline figure."""
    return "headline-" + label.lower().replace(" ", "-")


@solara.component
def Headline(model: PersonalizedLearningModel, version: int = 0) -> None:
    """The week's key numbers in large type."""
    with solara.Row(classes=["plsim-headline"], style={"flex-wrap": "wrap", "gap": "6px 22px"}):
        for label, text in headline(model.metrics):
            solara.HTML(tag="div", classes=["plsim-figure"], attributes={
                "data-testid": headline_id(label)}, unsafe_innerHTML=(
                f'<div class="plsim-caption">{html.escape(label)}</div>'
                f'<div class="plsim-week">{html.escape(text)}</div>'))


@solara.component
def LiveCharts(model: PersonalizedLearningModel, events: Sequence[TimelineEvent] = (),
               projector: bool = False, horizon: int | None = None, version: int = 0,
               series: pd.DataFrame | None = None, reference: Reference | None = None,
               narrow: bool = False) -> None:
    """The six live panels; each chart carries its latest value in ``data-last``.

    ``series`` is the weekly series to draw (default: the model's, read now); ``reference``
    an earlier run drawn faintly behind it; ``narrow``: the controls take a third of the
    projector's width.
    """
    ts = model.timeseries() if series is None else series
    end = horizon or model.weeks_per_year * int(model.values["institution"]["years"])
    options = panel_options(ts, [e.week for e in events], end, projector,
                            None if reference is None else reference.series, narrow)
    lk = chart_look(projector, narrow)
    last = ts.iloc[-1]
    note = f"Faint dashed lines: {reference.label}." if reference is not None else ""
    if projector and events:
        note += " Changes: " + "; ".join(f"{i}. after week {e.week}: {e.text()}"
                                          for i, e in enumerate(events, start=1))
    if note:
        solara.HTML(tag="div", classes=["plsim-caption", "plsim-reference"],
                    attributes={"title": note, "data-testid": "chart-note"},
                    unsafe_innerHTML=html.escape(note))
    style = ("width: 100%; height: calc(var(--plsim-chart-height) - var(--plsim-alerts, 0px) "
             "/ 2);" if projector
             else f"height: {lk.height}px; width: 100%;")
    with solara.ColumnsResponsive(12, large=4, classes=["plsim-charts"]):
        for panel, option in zip(PANELS, options):
            column = panel.series[0][0]
            value = 100.0 * last["budget_used"] if column == "budget_used_pct" else last[column]
            solara.FigureEcharts(responsive=True, option=option, attributes={
                "style": style,
                "data-testid": f"chart-{panel.slug}", "data-week": str(int(last["week"])),
                "data-last": f"{float(value):.6f}"})


@solara.component
def Timeline(events: Sequence[TimelineEvent], projector: bool = False) -> None:
    """The numbered list of policy changes made during the run (numbers match the charts).

    The projector view lists them on one line above the charts instead (see ``LiveCharts``).
    """
    if projector:
        return
    if not events:
        solara.Text("No policy changes during this run yet: change a lever, then Step or Run; "
                    "the change is marked on every chart.", classes=["plsim-caption"])
        return
    heading("Policy changes during this run (numbered dashed lines on the charts)", 4)
    for i, event in enumerate(events, start=1):
        solara.Text(f"{i}. after week {event.week}: {event.text()}")


@solara.component
def ClassView(model: PersonalizedLearningModel, projector: bool = False,
              number: int | None = None, on_number: Callable[[int], None] | None = None,
              version: int = 0) -> None:
    """One class, a dot per student by level and engagement, beside the institution.

    The class shown is ``number`` (0-based) when the caller keeps it, else local state.
    """
    own, set_own = solara.use_state(0)
    if number is None or on_number is None:
        number, on_number = own, set_own
    set_number = on_number
    count = n_classes(model)
    data = class_data(model, number)
    lk = chart_look(projector)

    def sized(option: dict, wide_at: int) -> dict:
        return for_large_screens(option, wide_at) if projector else option

    with solara.Row(style={"align-items": "center", "gap": "4px 24px", "flex-wrap": "wrap"}):
        solara.Text(f"Class {data.number + 1} of {count}", classes=["plsim-week"])
        with solara.Column(style={"flex": "1 1 20em", "min-width": "16em"}):
            solara.SliderInt("Class shown", value=data.number + 1, min=1, max=count,
                             on_value=lambda n: set_number(int(n) - 1))
    solara.Text("Each dot is a student: further right = further along the course, higher = "
                "more engaged. Triangles: students without full digital access.",
                classes=["plsim-caption"])
    style = (f"width: 100%; height: {lk.height + 80}px;" if not projector
             else "width: 100%; height: calc(var(--plsim-class-height) - "
             "var(--plsim-alerts, 0px));")
    with solara.ColumnsResponsive(12, large=[7, 5], classes=["plsim-class-charts"]):
        solara.FigureEcharts(responsive=True, option=sized(class_option(
            data.achievement, data.engagement, data.full_access, data.calendar_position,
            data.x_range, data.number, projector), 1000),
            attributes={"style": style,
                        "data-testid": "chart-class"})
        solara.FigureEcharts(responsive=True, option=sized(histogram_option(
            data.all_achievement, data.achievement, data.x_range, data.number, projector),
            700),
            attributes={"style": style,
                        "data-testid": "chart-histogram"})


def solara_viz_components() -> list[tuple[Callable[[PersonalizedLearningModel], object], int]]:
    """The charts as Mesa ``SolaraViz`` components: ``SolaraViz(model, components=...)``.

    Plain functions of the model, which SolaraViz wraps in a component that reads its
    ``update_counter``; the counter's value is passed on so the charts redraw every step.
    """

    def charts(model: PersonalizedLearningModel) -> object:
        return LiveCharts(model, version=update_counter.value)

    def one_class(model: PersonalizedLearningModel) -> object:
        return ClassView(model, version=update_counter.value)

    return [(charts, 0), (one_class, 1)]
