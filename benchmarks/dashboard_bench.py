"""Dashboard benchmark: one rendered step of the default institution, and a Compare.

- ``step_render_*``: pressing Step on the dashboard page (``solara.render``, no browser): the
  model's week, the re-render of every visible panel and the chart options, as the server does
  it for a browser. Goal: under 1 s (the browser adds transport and drawing; the browser test
  records the full latency in ``results/screenshots/browser_step_latency.json``).
- ``model_step_s`` and ``chart_options_s``: the two parts of that, alone.
- ``compare_s``: the Compare button's work, current settings against the baseline with 10
  paired replicates over one year on 2 worker processes. Goal: under 30 s on 2 cores.
"""

from __future__ import annotations

import os
import statistics
import time
import warnings
from typing import Any

STEP_GOAL_S = 1.0
COMPARE_GOAL_S = 30.0


def _timed(action: Any, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        out.append(time.perf_counter() - start)
    return out


def _step_render(repeats: int) -> dict[str, float]:
    import ipyvuetify as v
    import solara

    # Solara's rules-of-hooks lint flags Mesa's own SolaraViz code on import: not ours.
    warnings.filterwarnings("ignore", message=".*found despite early return",
                            category=UserWarning)

    from interfaces.dashboard.app import Page

    box, rc = solara.render(Page(), handle_error=False)
    step = [w for w in rc.find(v.Btn).widgets if "Step" in w.children][0]
    step.click()  # warm-up
    times = _timed(step.click, repeats)
    rc.close()
    return {"step_render_median_s": statistics.median(times), "step_render_max_s": max(times)}


def _parts(repeats: int) -> dict[str, float]:
    from interfaces.dashboard.charts import panel_options
    from interfaces.dashboard.session import Session

    session = Session()
    model_step = _timed(session.step, repeats)
    options = _timed(lambda: panel_options(session.model.timeseries(), [], session.horizon),
                     repeats)
    session.release()
    return {"model_step_s": min(model_step), "chart_options_s": min(options)}


def _compare(replicates: int) -> dict[str, float]:
    from interfaces.dashboard.compare_job import WORKERS, run_comparison
    from interfaces.dashboard.session import BASELINE, Session

    session = Session()
    session.set("training.coaching_hours", 40.0)
    session.set("training.coaches_per_teacher", 0.1)
    outcome = run_comparison(session.candidate(), BASELINE, replicates=replicates,
                             workers=WORKERS)
    session.release()
    return {"compare_s": outcome.seconds, "compare_replicates": float(replicates),
            "compare_workers": float(WORKERS),
            "compare_effect_sd": outcome.row["achievement_effect_sd"]["estimate"]}


def run(quick: bool = False) -> dict[str, Any]:
    """Time a rendered step and a Compare; ``quick`` uses fewer repeats and 2 replicates."""
    results: dict[str, Any] = {"cpu_count": float(os.cpu_count() or 1),
                               "load_average_1min": os.getloadavg()[0]}
    results.update(_step_render(5 if quick else 20))
    results.update(_parts(5 if quick else 20))
    results.update(_compare(2 if quick else 10))
    results["step_goal_met"] = results["step_render_median_s"] < STEP_GOAL_S
    results["compare_goal_met"] = quick or results["compare_s"] < COMPARE_GOAL_S
    return results


if __name__ == "__main__":  # pragma: no cover
    for key, value in run().items():
        print(f"{key:<28} {value}")
