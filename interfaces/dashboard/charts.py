"""ECharts options for the live charts, drawn in the browser.

Building an option is a few dictionaries, so a step shows in the browser well within a second;
the browser draws the canvas. The same panels are drawn with matplotlib in
:mod:`interfaces.dashboard.figures` for PNG downloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from interfaces.dashboard.panels import (
    BLACK,
    BLUE,
    GREY,
    OVER,
    PANELS,
    SKY,
    VERMILION,
    axis_limits,
)
from interfaces.dashboard.wording import signed


@dataclass(frozen=True)
class ChartLook:
    """Type sizes and line widths of the browser charts.

    ``width`` is the narrowest a chart is expected to be drawn (pixels): legends are laid out
    for it, so a legend never runs into the plot.
    """

    text: int = 13
    title: int = 15
    line: float = 2.5
    symbol: int = 9
    height: int = 300
    width: int = 270


NORMAL = ChartLook()
#: Projector charts: three across a 1366-pixel screen, two rows under the headline figures.
PROJECTOR = ChartLook(text=17, title=20, line=4.0, symbol=14, height=250, width=425)

#: Projector charts beside the controls: three across two thirds of a 1366-pixel screen.
PROJECTOR_NARROW = ChartLook(text=14, title=16, line=3.5, symbol=12, height=250, width=280)

#: Faint reference lines: same colours, dashed, this opaque.
REFERENCE_OPACITY = 0.45


#: Charts at least this wide (a 1920-pixel projector) get type and margins this much larger.
LARGE_CHART_PX = 560
LARGE_SCALE = 1.35
_SCALED = frozenset({"fontSize", "top", "left", "right", "bottom", "nameGap"})


def chart_look(projector: bool, narrow: bool = False) -> ChartLook:
    """Look of the projector view (``narrow``: beside the controls) or the normal one."""
    if projector:
        return PROJECTOR_NARROW if narrow else PROJECTOR
    return NORMAL


def _scaled(part: Any, factor: float) -> Any:
    if isinstance(part, dict):
        return {k: (round(v * factor, 1) if k in _SCALED and isinstance(v, int | float)
                    and not isinstance(v, bool) else _scaled(v, factor))
                for k, v in part.items() if k not in ("data", "min", "max", "interval")}
    if isinstance(part, list):
        return [_scaled(v, factor) for v in part]
    return part


def for_large_screens(option: dict[str, Any], min_width: int = LARGE_CHART_PX
                      ) -> dict[str, Any]:
    """The option with an ECharts media rule: in a chart at least ``min_width`` pixels wide
    (what the chart measures on a 1920-pixel projector, :data:`LARGE_CHART_PX` for the live
    panels), type, margins and the legend's place grow by :data:`LARGE_SCALE`, so a
    1920-pixel projector shows the type as large, for its size, as a 1366-pixel one."""
    larger = {k: _scaled(option[k], LARGE_SCALE)
              for k in ("title", "legend", "grid", "xAxis", "yAxis") if k in option}
    return {"baseOption": option,
            "media": [{"query": {"minWidth": min_width}, "option": larger}]}


def base_option(option: dict[str, Any]) -> dict[str, Any]:
    """The option itself, or its base when it has media rules."""
    return option.get("baseOption", option)


def legend_rows(labels: Sequence[str], lk: ChartLook) -> int:
    """Rows an ECharts legend of ``labels`` takes in a chart ``lk.width`` wide (an estimate
    on the generous side: 0.57 em a character, icon and gap 40 px an item)."""
    rows, used = 1, 0.0
    available = lk.width - 10
    for label in labels:
        item = len(label) * lk.text * 0.57 + 40
        if used and used + item > available:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _axis(name: str, lk: ChartLook, **extra: Any) -> dict[str, Any]:
    return {
        "name": name, "nameLocation": "middle", "nameGap": lk.text * 3.3,
        "nameTextStyle": {"fontSize": lk.text, "color": BLACK},
        "axisLabel": {"fontSize": lk.text, "color": BLACK},
        "axisLine": {"lineStyle": {"color": BLACK, "width": 1.5}},
        "splitLine": {"lineStyle": {"color": "#DDDDDD"}},
        **extra,
    }


def _base(title: str, lk: ChartLook, legend_labels: Sequence[str] = ()) -> dict[str, Any]:
    rows = legend_rows(legend_labels, lk) if legend_labels else 0
    legend_top = lk.title * 1.35 + 10
    return {
        "animation": False,
        "title": {"text": title, "left": 0, "top": lk.title * 0.35, "padding": [2, 5],
                  "textStyle": {"fontSize": lk.title, "color": BLACK}},
        "legend": {"top": legend_top, "left": 0, "itemGap": 14, "data": list(legend_labels),
                   "textStyle": {"fontSize": lk.text, "color": BLACK}},
        "grid": {"left": lk.text * 4.8, "right": lk.text * 1.2,
                 "top": legend_top + rows * (lk.text + 12) + lk.text * 0.6,
                 "bottom": lk.text * 3.9},
        "tooltip": {"trigger": "axis", "textStyle": {"fontSize": lk.text}},
    }


def _event_lines(event_weeks: Sequence[int], lk: ChartLook) -> dict[str, Any]:
    return {
        "symbol": "none", "silent": True,
        "lineStyle": {"color": GREY, "type": "dashed", "width": lk.line * 0.7},
        "label": {"formatter": "{b}", "fontSize": lk.text, "fontWeight": "bold",
                  "color": BLACK},
        "data": [_event_mark(i, w, event_weeks, lk) for i, w in enumerate(event_weeks, 1)],
    }


def _event_mark(number: int, week: int, weeks: Sequence[int], lk: ChartLook) -> dict[str, Any]:
    """A numbered event line; a label that would touch the previous one moves right."""
    mark: dict[str, Any] = {"xAxis": int(week), "name": str(number)}
    if number > 1 and week - weeks[number - 2] < 3 and number % 2 == 0:
        mark["label"] = {"offset": [lk.text, 0]}
    return mark


def _values(ts: pd.DataFrame, column: str, scale: float) -> list[float]:
    if column == "budget_used_pct":
        return (100.0 * ts["budget_used"]).tolist()
    return (scale * ts[column]).tolist()


def _points(weeks: Sequence[int], values: Sequence[float]) -> list[list[float]]:
    return [[int(w), round(float(v), 4)] for w, v in zip(weeks, values)]


def panel_options(ts: pd.DataFrame, event_weeks: Sequence[int], horizon: int,
                  projector: bool = False, reference: pd.DataFrame | None = None,
                  narrow: bool = False) -> list[dict[str, Any]]:
    """One ECharts option per live panel (achievement, engagement, gaps, preparedness,
    adoption and burnout, budget used), each policy change a numbered dashed line.

    ``reference`` (an earlier run: the status quo or a pinned run) is drawn under each live
    line, in the same colour, dashed and faint, up to the horizon; it is left out of the
    legends (the page says what it is) and counted in the axis ranges. ``narrow``: projector
    charts drawn beside the controls.
    """
    lk = chart_look(projector, narrow)
    weeks = ts["week"].astype(int).tolist()
    last_week = max(horizon, weeks[-1])
    ref = None
    if reference is not None:
        ref = reference[reference["week"] <= last_week]
    options = []
    for panel in PANELS:
        labels = [label for _, label, _ in panel.series]
        if panel.title == "Budget used":
            labels = [*labels, "budget"]
        title = f"{panel.title} ({panel.unit})" if projector else panel.title
        option = _base(title, lk, labels)
        shown: list[float] = []
        option["series"] = []
        for column, label, colour in panel.series:
            values = _values(ts, column, panel.scale)
            shown += values
            option["series"].append({
                "name": label, "type": "line", "showSymbol": False, "z": 3,
                "lineStyle": {"width": lk.line, "color": colour},
                "itemStyle": {"color": colour}, "data": _points(weeks, values)})
        if ref is not None:
            ref_weeks = ref["week"].astype(int).tolist()
            for column, label, colour in panel.series:
                values = _values(ref, column, panel.scale)
                shown += values
                option["series"].append({
                    "name": f"{label} (reference)", "type": "line", "showSymbol": False,
                    "silent": True, "z": 1,
                    "lineStyle": {"width": lk.line * 0.8, "color": colour, "type": "dashed",
                                  "opacity": REFERENCE_OPACITY},
                    "itemStyle": {"color": colour, "opacity": REFERENCE_OPACITY},
                    "data": _points(ref_weeks, values)})
        low, high, step = axis_limits(panel, shown, 3 if projector else 5)
        if panel.title == "Budget used":
            low = 0.0
            option["series"][0]["markArea"] = {"silent": True, "itemStyle": {
                "color": "rgba(192,0,0,0.10)"}, "data": [[{"yAxis": 100}, {"yAxis": high}]]}
            option["series"].append({
                "name": "budget", "type": "line", "data": [], "itemStyle": {"color": OVER},
                "lineStyle": {"color": OVER, "width": lk.line},
                "markLine": {"symbol": "none", "silent": True,
                             "lineStyle": {"color": OVER, "width": lk.line, "type": "solid"},
                             "label": {"show": False}, "data": [{"yAxis": 100}]}})
        option["xAxis"] = _axis("" if projector else "week", lk, type="value", min=0,
                                max=last_week)
        option["yAxis"] = _axis("" if projector else panel.ylabel, lk, type="value",
                                min=round(low, 6), max=round(high, 6), interval=step)
        if projector:
            option["grid"].update(left=lk.text * 3.2, bottom=lk.text * 1.8)
        if event_weeks:
            option["series"].append({"name": "policy change", "type": "line", "data": [],
                                     "markLine": _event_lines(event_weeks, lk)})
        options.append(for_large_screens(option) if projector else option)
    return options


def comparison_option(row: dict[str, Any], projector: bool = False) -> dict[str, Any]:
    """A comparison drawn in the page: each effect with its 95% interval, achievement and the
    equity gaps side by side (SD of the starting cohort; zero marked)."""
    lk = chart_look(projector)
    lines = compared_lines(row)
    option = _base("Change, with the likely range", lk)
    option["legend"] = {"show": False}
    option["grid"].update(left=lk.text * 10.5, right=lk.text * 2, bottom=lk.text * 3.4,
                          top=lk.title * 1.4 + 24)
    option["tooltip"] = {"trigger": "item", "textStyle": {"fontSize": lk.text}}
    everything = [v for _, est, low, high, _ in lines for v in (est, low, high) if v is not None]
    bound = max([abs(v) for v in everything] + [0.05]) * 1.25
    option["xAxis"] = _axis("SD of the starting cohort", lk, type="value",
                            min=round(-bound, 2), max=round(bound, 2))
    option["xAxis"]["nameGap"] = lk.text * 1.9
    option["yAxis"] = {"type": "category", "inverse": True,
                       "data": [label for label, *_ in lines],
                       "axisLabel": {"fontSize": lk.text, "color": BLACK},
                       "axisLine": {"lineStyle": {"color": BLACK}}}
    option["series"] = [
        {"name": f"{label}: likely range", "type": "line", "silent": True, "symbol": "rect",
         "symbolSize": [4, lk.text * 1.2], "z": 2,
         "lineStyle": {"width": lk.text * 0.9, "color": SKY, "cap": "butt"},
         "itemStyle": {"color": BLUE},
         "data": [[round(low, 4), label], [round(high, 4), label]]}
        for label, _, low, high, _ in lines if low is not None and high is not None
    ]
    option["series"].append({
        "name": "estimate", "type": "scatter", "symbolSize": lk.symbol * 1.3, "z": 5,
        "itemStyle": {"color": BLACK},
        "label": {"show": True, "position": "top", "distance": lk.text * 0.5,
                  "fontSize": lk.text, "color": BLACK, "fontWeight": "bold",
                  "formatter": "{@[2]}"},
        "data": [[round(est, 4), label, text] for label, est, _, _, text in lines],
        "markLine": {"symbol": "none", "silent": True, "label": {"show": False},
                     "lineStyle": {"color": GREY, "width": 2, "type": "solid"},
                     "data": [{"xAxis": 0}]}})
    return option


#: The outcomes a comparison chart shows: row key, label.
COMPARED: tuple[tuple[str, str], ...] = (
    ("achievement_effect_sd", "Achievement"),
    ("gap_bottom_top_change_sd", "Gap, top vs bottom"),
    ("gap_access_change_sd", "Gap by home access"),
)


def compared_lines(row: dict[str, Any]) -> list[tuple[str, float, float | None, float | None,
                                                      str]]:
    """``(label, estimate, low, high, estimate as text)`` of each compared outcome."""
    out = []
    for key, label in COMPARED:
        if key == "achievement_effect_sd":
            est, low, high = (row[key][k] for k in ("estimate", "ci_low", "ci_high"))
        else:
            est = row[key]
            low, high = (row["intervals"].get(key, {}).get(k) for k in ("ci_low", "ci_high"))
        out.append((label, float(est), low, high, signed(float(est), 2, "SD")))
    return out


def class_option(achievement: np.ndarray, engagement: np.ndarray, full_access: np.ndarray,
                 calendar_position: float, x_range: tuple[float, float], class_number: int,
                 projector: bool = False) -> dict[str, Any]:
    """One class: a dot per student, level (x) by engagement (y), shaped by access."""
    lk = chart_look(projector)
    option = _base(f"Class {class_number + 1}: {achievement.size} students", lk,
                   [f"full access ({int(full_access.sum())})",
                    f"partial access ({int((~full_access).sum())})"])
    option["tooltip"] = {"trigger": "item", "textStyle": {"fontSize": lk.text}}
    option["xAxis"] = _axis("level (SD of the starting cohort)", lk, type="value",
                            min=round(x_range[0], 1), max=round(x_range[1], 1))
    option["yAxis"] = _axis("engagement", lk, type="value", min=0, max=1)
    option["series"] = []
    for mask, colour, symbol, label in ((full_access, BLUE, "circle", "full access"),
                                        (~full_access, VERMILION, "triangle",
                                         "partial access")):
        option["series"].append({
            "name": f"{label} ({int(mask.sum())})", "type": "scatter", "symbol": symbol,
            "symbolSize": lk.symbol,
            "itemStyle": {"color": colour, "borderColor": BLACK, "borderWidth": 1},
            "data": [[round(float(a), 3), round(float(e), 3)]
                     for a, e in zip(achievement[mask], engagement[mask])],
        })
    option["series"][0]["markLine"] = {
        "symbol": "none", "silent": True,
        "lineStyle": {"color": GREY, "type": "dashed", "width": lk.line * 0.7},
        "label": {"formatter": "class calendar", "fontSize": lk.text, "color": BLACK},
        "data": [{"xAxis": round(float(calendar_position), 3)}],
    }
    return option


def histogram_option(all_achievement: np.ndarray, class_achievement: np.ndarray,
                     x_range: tuple[float, float], class_number: int,
                     projector: bool = False) -> dict[str, Any]:
    """Levels across the institution (bars) with the chosen class's share overlaid."""
    lk = chart_look(projector)
    edges = np.linspace(x_range[0], x_range[1], 25)
    centres = 0.5 * (edges[:-1] + edges[1:])
    everyone = np.histogram(all_achievement, edges)[0] / max(all_achievement.size, 1) * 100
    mine = np.histogram(class_achievement, edges)[0] / max(class_achievement.size, 1) * 100
    option = _base("Levels across the institution", lk,
                   [f"all {all_achievement.size} students", f"class {class_number + 1}"])
    option["xAxis"] = _axis("level (SD of the starting cohort)", lk, type="category",
                            data=[f"{c:.1f}" for c in centres])
    option["yAxis"] = _axis("% of students", lk, type="value")
    option["series"] = [
        {"name": f"all {all_achievement.size} students", "type": "bar", "barGap": "-100%",
         "itemStyle": {"color": SKY}, "data": [round(float(v), 2) for v in everyone]},
        {"name": f"class {class_number + 1}", "type": "line", "step": "middle",
         "showSymbol": False, "lineStyle": {"color": BLACK, "width": lk.line},
         "itemStyle": {"color": BLACK}, "data": [round(float(v), 2) for v in mine]},
    ]
    return option
