"""Export and share: scenario TOML, run CSV, charts as PNG, and a link to these settings."""

from __future__ import annotations

import html
import json

import solara
import solara.lab

from interfaces.dashboard import figures
from interfaces.dashboard.classview import class_data
from interfaces.dashboard.compare_job import CompareState
from interfaces.dashboard.components.common import labelled
from interfaces.dashboard.exports import run_csv, scenario_toml
from interfaces.dashboard.session import Session
from interfaces.dashboard.urlstate import query_string, share_url
from simulation.errors import UserError


def charts_png(session: Session, projector: bool) -> bytes:
    """The six live panels with the timeline, as PNG."""
    events = session.timeline
    return figures.to_png(figures.live_charts(
        session.series, [e.week for e in events], [e.text() for e in events],
        session.horizon, projector))


def class_png(session: Session, number: int, projector: bool) -> bytes:
    """The one-class view as PNG."""
    d = class_data(session.model, number)
    return figures.to_png(figures.class_view(d.achievement, d.engagement, d.full_access,
                                             d.calendar_position, d.all_achievement, d.number,
                                             projector))


@solara.component
def ExportPanel(session: Session, compare: CompareState, projector: bool,
                class_number: int = 0, version: int = 0) -> None:
    """Download buttons and the shareable link (``class_number``: the class view's class)."""
    stem = f"plsim_{session.preset.name}_week{session.week}"
    labelled("Settings as a scenario file", "open it with plsim run or check it with plsim "
             "validate")
    try:
        toml_text = scenario_toml(session)
    except UserError as exc:
        solara.Error(f"These settings cannot be saved as a scenario yet: {exc}")
    else:
        solara.FileDownload(toml_text, filename=f"{stem}.toml", label="Download scenario (TOML)",
                            mime_type="application/toml")
    labelled("This run's data and charts", "weekly series as CSV; charts as PNG images")
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.FileDownload(lambda: run_csv(session), filename=f"{stem}.csv",
                            label="Download run data (CSV)", mime_type="text/csv")
        solara.FileDownload(lambda: charts_png(session, projector), filename=f"{stem}.png",
                            label="Download charts (PNG)", mime_type="image/png")
        solara.FileDownload(lambda: class_png(session, class_number, projector),
                            filename=f"{stem}_class{class_number + 1}.png",
                            label=f"Download class {class_number + 1} (PNG)",
                            mime_type="image/png")
    if compare.outcome is not None:
        row = compare.outcome.row
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.FileDownload(
                lambda: figures.to_png(figures.comparison_chart(row, projector)),
                filename=f"{stem}_comparison.png", label="Download comparison (PNG)",
                mime_type="image/png")
            solara.FileDownload(
                lambda: json.dumps(compare.outcome.result.to_json(), indent=2, default=str),
                filename=f"{stem}_comparison.json", label="Download comparison (JSON)",
                mime_type="application/json")
    link = share_url(query_string(session), solara.lab.headers.value)
    labelled("Link to these settings", "open it to get the same preset, levers and seed; "
             "bookmark it or send it to participants")
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<a data-testid="share-link" href="{html.escape(link)}" target="_blank" '
        f'rel="noopener">{html.escape(link)}</a>'))
    solara.Text("The dashboard is built with Mesa and Solara (solara.dev).",
                classes=["plsim-caption"])
