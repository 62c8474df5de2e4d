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
            assert errors == [], (width, height, errors)
        finally:
            context.close()
    (SHOTS / "projector_boxes.json").write_text(json.dumps(measured, indent=1))


def in_view(page, test_ids, width: int, height: int) -> None:
    """Each element is shown, entirely inside the window."""
    boxes = {t: box(page, t) for t in test_ids}
    out = {t: b for t, b in boxes.items() if outside(b, width, height)}
    assert not out, out


def run_to(page, week: int) -> None:
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text(f"Week {week} of 36").first.wait_for(timeout=120_000)


def compare(page) -> None:
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("button", name="Compare with baseline", exact=True).click()
    page.get_by_test_id("compare-effect").wait_for(timeout=180_000)
    page.wait_for_timeout(500)


COMPARE_PARTS = ("compare-effect", "chart-compare", "compare-table")


@pytest.mark.slow
def test_the_three_workshop_exercises_fit_a_1366_by_768_projector(server, chromium):  # noqa: F811
    """The facilitator's guide, exercise by exercise, in the projector view: what the room
    must see is inside the window at every step (screenshots: ``exercise*.png``)."""
    width, height = 1366, 768
    shots = SHOTS

    # Exercise 1: training or devices first? Compare a preset with the baseline ...
    context, page, errors = open_projector(chromium, server + "?preset=coaching_only",
                                           width, height)
    try:
        compare(page)
        in_view(page, COMPARE_PARTS, width, height)
        table = page.get_by_test_id("compare-table").inner_text()
        achievement = next(r for r in table.splitlines() if r.startswith("Achievement"))
        low, high = achievement.split("\t")[2].removesuffix(" SD").split(" to ")
        assert low != high, achievement  # never "+0.08 to +0.08"
        page.screenshot(path=str(shots / "exercise1_compare.png"))
    finally:
        context.close()
    # ... then a decision in time: practices first, coaching from term 2
    context, page, errors = open_projector(
        chromium, server + "?preset=baseline_guangdong_2024"
        "&practices.personalized_feedback=true&practices.differentiated_instruction=true",
        width, height)
    try:
        run_to(page, 18)
        page.get_by_role("switch", name="Show controls").check(force=True)
        for name, value in (("coaching_hours", "40"), ("coaches_per_teacher", "0.1")):
            field = page.locator(f".plsim-lever-training-{name} .plsim-number input")
            field.fill(value)
            field.press("Enter")
        page.get_by_text("Not applied yet").first.wait_for()
        in_view(page, [f"chart-{c}" for c in CHARTS], width, height)
        page.screenshot(path=str(shots / "exercise1_levers.png"))
        run_to(page, 36)
        page.get_by_role("switch", name="Show controls").uncheck(force=True)
        page.wait_for_timeout(800)
        note = page.get_by_test_id("chart-note").inner_text()
        assert "1. after week 18: Coaching hours per teacher" in note
        in_view(page, [f"chart-{c}" for c in CHARTS] + ["chart-note"], width, height)
        page.screenshot(path=str(shots / "exercise1_timeline.png"))
        assert errors == []
    finally:
        context.close()

    # Exercise 2: who is left behind by self-pacing?
    context, page, errors = open_projector(
        chromium, server + "?preset=self_paced_unequal_access", width, height)
    try:
        run_to(page, 18)
        page.get_by_text("Note on the current settings").first.wait_for()  # a notice, and yet
        in_view(page, [f"headline-{h}" for h in HEADLINES] + [f"chart-{c}" for c in CHARTS],
                width, height)
        page.screenshot(path=str(shots / "exercise2_charts.png"))
        page.get_by_role("tab", name="One class").click()
        page.get_by_test_id("chart-class").wait_for()
        page.wait_for_timeout(500)
        in_view(page, ("chart-class", "chart-histogram"), width, height)
        page.screenshot(path=str(shots / "exercise2_class.png"))
        compare(page)
        in_view(page, COMPARE_PARTS, width, height)
        assert "Gap by home access" in page.get_by_test_id("compare-table").inner_text()
        page.screenshot(path=str(shots / "exercise2_compare.png"))
        assert errors == []
    finally:
        context.close()

    # Exercise 3: what does the model need from administrators? Remove a lever, compare,
    # and read the administrators' survey table beside the teachers'.
    context, page, errors = open_projector(
        chromium, server + "?preset=ding_full_model&administrators.allocation=fixed",
        width, height)
    try:
        compare(page)
        in_view(page, COMPARE_PARTS, width, height)
        page.screenshot(path=str(shots / "exercise3_compare.png"))
        page.get_by_role("tab", name="Charts").click()
        run_to(page, 18)
        page.get_by_role("tab", name="Survey").click()
        page.get_by_test_id("survey-administrators").wait_for()
        page.wait_for_timeout(800)  # the tab slides in
        in_view(page, ("survey-students", "survey-teachers", "survey-administrators"),
                width, height)
        page.screenshot(path=str(shots / "exercise3_survey.png"))
        assert errors == []
    finally:
        context.close()


def test_a_link_with_a_refused_combination_shows_a_red_message(server, chromium):  # noqa: F811
    context, page, errors = open_projector(chromium, server + "?training.coaching_hours=40",
                                           1366, 768)
    try:
        alert = page.locator(".v-alert").filter(has_text="Coaching needs coaches")
        alert.wait_for()
        text = alert.locator(".v-alert__content").first
        red, green, blue = (int(c) for c in text.evaluate(
            "e => getComputedStyle(e).color").removeprefix("rgb(").rstrip(")").split(","))
        assert red > 150 and green < 80 and blue < 80, (red, green, blue)  # a red message
        page.get_by_role("tab", name="Export and share").click()
        href = page.get_by_test_id("share-link").get_attribute("href")
        assert href.startswith(server) and "preset=baseline_guangdong_2024" in href
    finally:
        context.close()


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector"])
def test_no_serious_accessibility_violations_on_the_main_page(server, chromium,  # noqa: F811
                                                              projector):
    """axe-core (shipped by axe-playwright-python) on the page with its controls shown, or in
    the projector view: no serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        page.goto(server, wait_until="commit")
        page.get_by_text("Week 0 of").first.wait_for(timeout=120_000)
        if projector:
            page.get_by_role("switch", name="Projector view").check(force=True)
            page.locator(".plsim-projector").wait_for()
        page.wait_for_timeout(1000)
        results = Axe().run(page)
        found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                 for v in results.response["violations"]
                 if v["impact"] in ("serious", "critical")]
        name = "projector" if projector else "normal"
        (SHOTS / f"axe_{name}.json").write_text(json.dumps(results.response["violations"],
                                                           indent=1))
        assert found == [], found
    finally:
        context.close()
