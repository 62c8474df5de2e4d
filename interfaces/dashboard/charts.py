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

from interfaces.dashboard.panels import BLACK, BLUE, GREY, OVER, PANELS, SKY, VERMILION


@dataclass(frozen=True)
class ChartLook:
    """Type sizes and line widths of the browser charts."""

    text: int = 13
    title: int = 15
    line: float = 2.5
    symbol: int = 9
    height: int = 300


NORMAL = ChartLook()
PROJECTOR = ChartLook(text=20, title=24, line=4.5, symbol=16, height=420)


def chart_look(projector: bool) -> ChartLook:
    """Look of the projector view or the normal one."""
    return PROJECTOR if projector else NORMAL


def _axis(name: str, lk: ChartLook, **extra: Any) -> dict[str, Any]:
    return {
        "name": name, "nameLocation": "middle", "nameGap": lk.text * 3.2,
        "nameTextStyle": {"fontSize": lk.text, "color": BLACK},
        "axisLabel": {"fontSize": lk.text, "color": BLACK},
        "axisLine": {"lineStyle": {"color": BLACK, "width": 1.5}},
        "splitLine": {"lineStyle": {"color": "#DDDDDD"}},
        **extra,
    }


def _base(title: str, lk: ChartLook, legend_rows: int = 1) -> dict[str, Any]:
    legend_height = legend_rows * (lk.text + 10)
    return {
        "animation": False,
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": lk.title,
                                                           "color": BLACK}},
        "legend": {"top": lk.title + 12, "left": 0, "textStyle": {"fontSize": lk.text,
                                                                  "color": BLACK}},
        "grid": {"left": lk.text * 5.2, "right": lk.text * 1.5,
                 "top": lk.title + 24 + legend_height, "bottom": lk.text * 4.6},
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


def panel_options(ts: pd.DataFrame, event_weeks: Sequence[int], horizon: int,
                  projector: bool = False) -> list[dict[str, Any]]:
    """One ECharts option per live panel (achievement, engagement, gaps, preparedness,
    adoption and burnout, budget used), each policy change a numbered dashed line."""
    lk = chart_look(projector)
    data = ts.assign(budget_used_pct=100.0 * ts["budget_used"])
    weeks = data["week"].astype(int).tolist()
    last_week = max(horizon, weeks[-1])
    options = []
    for title, ylabel, series, ylim in PANELS:
        option = _base(title, lk, legend_rows=2 if len(series) > 2 else 1)
        y_extra: dict[str, Any] = {"scale": ylim is None}
        if ylim:
            y_extra.update(min=ylim[0], max=ylim[1])
        option["xAxis"] = _axis("week", lk, type="value", min=0, max=last_week)
        option["yAxis"] = _axis(ylabel, lk, type="value", **y_extra)
        option["series"] = [
            {"name": label, "type": "line", "showSymbol": False,
             "lineStyle": {"width": lk.line, "color": colour}, "itemStyle": {"color": colour},
             "data": [[w, round(float(v), 4)] for w, v in zip(weeks, data[column])]}
            for column, label, colour in series
        ]
        if title == "Budget used":
            top = round(max(110.0, float(data["budget_used_pct"].max()) * 1.1))
            option["yAxis"].update(min=0, max=top)
            option["series"][0]["markArea"] = {"silent": True, "itemStyle": {
                "color": "rgba(192,0,0,0.10)"}, "data": [[{"yAxis": 100}, {"yAxis": top}]]}
            option["series"][0]["markLine"] = {
                "symbol": "none", "silent": True,
                "lineStyle": {"color": OVER, "width": lk.line, "type": "solid"},
                "label": {"formatter": "budget", "fontSize": lk.text, "color": OVER,
                          "position": "insideStartTop"},
                "data": [{"yAxis": 100}]}
        if event_weeks:
            option["series"].append({"name": "policy change", "type": "line", "data": [],
                                     "markLine": _event_lines(event_weeks, lk)})
            option["legend"]["data"] = [label for _, label, _ in series]
        options.append(option)
    return options


def class_option(achievement: np.ndarray, engagement: np.ndarray, full_access: np.ndarray,
                 calendar_position: float, x_range: tuple[float, float], class_number: int,
                 projector: bool = False) -> dict[str, Any]:
    """One class: a dot per student, level (x) by engagement (y), shaped by access."""
    lk = chart_look(projector)
    option = _base(f"Class {class_number + 1}: {achievement.size} students", lk)
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
    option = _base("Levels across the institution", lk)
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
