"""The charts' memory of earlier runs, their axes and legends, and the comparison chart."""

from __future__ import annotations

import pytest

from interfaces.dashboard import charts, figures
from interfaces.dashboard.panels import PANELS, axis_limits
from interfaces.dashboard.session import Session

ROW = {  # a comparison row as experiments.comparison.paired.compare returns it
    "scenario": "your_settings", "base": "baseline_guangdong_2024", "weeks": 36,
    "replicates": 10,
    "achievement_effect_sd": {"estimate": 0.0795, "ci_low": 0.0781, "ci_high": 0.0812},
    "gap_bottom_top_change_sd": -0.036, "gap_access_change_sd": 0.004,
    "intervals": {"gap_bottom_top_change_sd": {"ci_low": -0.041, "ci_high": -0.031},
                  "gap_access_change_sd": {"ci_low": -0.001, "ci_high": 0.009}},
}


@pytest.fixture
def session():
    s = Session(seed=3)
    yield s
    s.release()


def _step(s: Session, weeks: int) -> None:
    for _ in range(weeks):
        assert s.step(), s.message


def test_live_charts_draw_the_status_quo_faintly_behind_the_run(session):
    _step(session, 2)
    reference = session.reference
    assert not reference.pinned and "status quo" in reference.label
    assert len(reference.series) == session.horizon + 1
    option = charts.panel_options(session.series, [], session.horizon,
                                  reference=reference.series)[0]
    live = [s for s in option["series"] if not s["name"].endswith("(reference)")]
    faint = [s for s in option["series"] if s["name"].endswith("(reference)")]
    assert len(faint) == len(live) == 3
    assert all(s["lineStyle"]["type"] == "dashed" and
               s["lineStyle"]["opacity"] == charts.REFERENCE_OPACITY for s in faint)
    assert len(faint[0]["data"]) == session.horizon + 1 and len(live[0]["data"]) == 3
    assert all("(reference)" not in name for name in option["legend"]["data"])


def test_the_unchanged_baseline_runs_exactly_on_its_faint_reference(session):
    _step(session, 5)
    live = session.series.set_index("week")
    reference = session.reference.series.set_index("week").loc[live.index]
    assert (live["achievement_mean"] == reference["achievement_mean"]).all()
    assert (live["gap_access"] == reference["gap_access"]).all()


def test_a_pinned_run_replaces_the_status_quo_and_survives_reset(session):
    _step(session, 4)
    session.pin()
    pinned = session.reference
    assert pinned.pinned and "to week 4" in pinned.label
    assert session.set("pacing.mode", "mastery") and session.reset()
    _step(session, 1)
    assert session.reference is pinned and len(pinned.series) == 5
    session.unpin()
    assert not session.reference.pinned


def test_axes_follow_the_data_instead_of_a_fixed_zero_to_one_range():
    engagement = next(p for p in PANELS if p.title == "Engagement")
    low, high, step = axis_limits(engagement, [55.1, 56.0, 57.9])
    assert 45 <= low < 55.1 and 57.9 < high <= 65 and high - low <= 20
    flat = axis_limits(engagement, [58.0, 58.0])
    assert flat[1] - flat[0] >= engagement.min_span  # a flat line is not magnified
    budget = next(p for p in PANELS if p.title == "Budget used")
    assert axis_limits(budget, [0.0, 494.0])[:2] == (0.0, 600.0)


@pytest.mark.parametrize("projector,narrow", [(False, False), (True, False), (True, True)])
def test_legends_end_above_the_plot(session, projector, narrow):
    options = charts.panel_options(session.series, [], 36, projector, narrow=narrow)
    lk = charts.chart_look(projector, narrow)
    for option in options:
        option = charts.base_option(option)
        rows = charts.legend_rows(option["legend"]["data"], lk)
        legend_bottom = option["legend"]["top"] + rows * (lk.text + 10)
        assert option["grid"]["top"] >= legend_bottom, option["title"]["text"]
        if projector and not narrow:
            assert rows == 1, option["title"]["text"]  # one line at 1366 pixels


def test_the_comparison_chart_shows_each_effect_with_its_interval():
    option = charts.comparison_option(ROW)
    ranges = [s for s in option["series"] if s["name"].endswith("likely range")]
    assert [s["name"] for s in ranges] == ["Achievement: likely range",
                                           "Gap, top vs bottom: likely range",
                                           "Gap by home access: likely range"]
    assert ranges[0]["data"] == [[0.0781, "Achievement"], [0.0812, "Achievement"]]
    estimates = next(s for s in option["series"] if s["name"] == "estimate")
    assert [d[2] for d in estimates["data"]] == ["+0.08 SD", "-0.04 SD", "0.00 SD"]


def test_the_comparison_png_title_fits_inside_the_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = figures.comparison_chart(ROW, projector=True)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    bounds = fig.bbox
    texts = [fig._suptitle, *(ax.title for ax in fig.axes), *(ax._left_title for ax in fig.axes)]
    for text in texts:
        if text is None or not text.get_text():
            continue
        extent = text.get_window_extent(renderer)
        assert extent.x0 >= bounds.x0 - 1 and extent.x1 <= bounds.x1 + 1, text.get_text()
        assert "your_settings" not in text.get_text()
