"""The dashboard in a real browser: headless chromium (Debian's) driven by Playwright.

Each module run starts ``plsim dashboard`` on a free loopback port and always stops it. The
screenshots land in ``results/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHOTS

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1600, "height": 1000}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"the dashboard did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """``plsim dashboard`` on a free loopback port; stopped whatever happens."""
    port = _free_port()
    log = open(tmp_path_factory.mktemp("dashboard") / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "interfaces.cli", "dashboard", "--port", str(port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, process)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser(chromium) -> object:
    return chromium


class Watched:
    """A page with its console errors and uncaught exceptions collected."""

    def __init__(self, browser, url: str, wait: bool = True) -> None:
        self.context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="commit")
        if wait:
            self.ready()

    def ready(self) -> None:
        """Wait until the dashboard has rendered."""
        self.page.get_by_text("Week 0 of 36").wait_for(timeout=120_000)

    def close(self) -> None:
        self.context.close()


def _button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def _step(page, to_week: int) -> float:
    started = time.perf_counter()
    _button(page, "Step").click()
    page.get_by_text(f"Week {to_week} of 36").wait_for(timeout=30_000)
    return time.perf_counter() - started


def _save(page, name: str, height: int = 2400) -> Path:
    """Screenshot of the whole dashboard: the page scrolls inside the app, so grow the window."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    page.wait_for_timeout(600)  # charts follow their containers' new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return path


def _validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "interfaces.cli", "validate", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_facilitator_session_end_to_end(server, browser, tmp_path):
    """Preset, a slider, Step, a chart that changes, Compare, export that validates."""
    w = Watched(browser, server)
    page = w.page
    try:
        # a preset is chosen
        page.locator(".plsim-preset .v-input__slot").click()
        page.get_by_role("option", name="coaching_only", exact=True).click()
        page.get_by_text("Question: Does sustained instructional coaching pay off?").wait_for()

        # a slider moves
        slider = page.locator(".plsim-lever-training-workshop_hours [role=slider]")
        slider.focus()
        for _ in range(10):
            slider.press("ArrowRight")
        page.locator(".plsim-lever-training-workshop_hours").get_by_text(
            "now 10 hours per teacher a year").wait_for()

        # Step advances and a chart changes
        chart = page.get_by_test_id("chart-achievement")
        before_value, before_pixels = chart.get_attribute("data-last"), chart.screenshot()
        latencies = [_step(page, week) for week in range(1, 6)]
        page.wait_for_function("document.querySelector('[data-testid=chart-achievement]')"
                               ".getAttribute('data-week') === '5'")
        page.wait_for_timeout(300)
        assert chart.get_attribute("data-last") != before_value
        assert chart.screenshot() != before_pixels
        _save(page, "dashboard_explorer.png")

        # a policy change during the run is marked on the timeline
        page.locator(".plsim-lever-resources-analytics_tools [role=switch]").check(force=True)
        _step(page, 6)
        page.get_by_text("1. after week 5: Learning-analytics dashboards for teachers").wait_for()

        # a bad typed value gets a message, not a crash
        budget = page.locator(".plsim-lever-administrators-budget_per_student input")
        budget.fill("plenty")
        budget.press("Enter")
        page.get_by_text("'plenty' is not a number").first.wait_for()
        budget.fill("1000")
        budget.press("Enter")
        _step(page, 7)

        # Compare shows an effect with its likely range and what differs
        page.get_by_role("tab", name="Compare").click()
        _button(page, "Compare with baseline").click()
        effect = page.get_by_test_id("compare-effect")
        effect.wait_for(timeout=120_000)
        assert "SD" in effect.inner_text() and "percentile points" in effect.inner_text()
        differing = page.get_by_test_id("compare-diff").inner_text()
        assert "Workshop hours per teacher" in differing and "Coaching hours" in differing
        assert "likely between" in page.get_by_test_id("compare-table").inner_text()
        assert page.get_by_test_id("chart-compare").is_visible()
        _save(page, "dashboard_compare.png")

        # the exported scenario validates; data and charts download
        page.get_by_role("tab", name="Export and share").click()
        with page.expect_download() as download:
            _button(page, "Download scenario (TOML)").click()
        toml_path = tmp_path / "exported.toml"
        download.value.save_as(toml_path)
        checked = _validate(toml_path)
        assert checked.returncode == 0, checked.stderr
        assert "valid scenario" in checked.stdout
        with page.expect_download() as download:
            _button(page, "Download charts (PNG)").click()
        png = tmp_path / "charts.png"
        download.value.save_as(png)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with page.expect_download() as download:
            _button(page, "Download run data (CSV)").click()
        csv = tmp_path / "run.csv"
        download.value.save_as(csv)
        assert len(csv.read_text().splitlines()) == 1 + 8

        # the projector view, for a person to look at
        page.get_by_text("Projector view").click()
        page.get_by_role("tab", name="Charts").click()
        page.get_by_test_id("chart-achievement").wait_for()
        page.wait_for_timeout(800)
        _save(page, "dashboard_projector.png")
        page.get_by_role("tab", name="One class").click()
        page.get_by_test_id("chart-class").wait_for()
        _save(page, "dashboard_projector_class.png", height=1400)

        (SHOTS / "browser_step_latency.json").write_text(json.dumps(
            {"step_seconds": latencies, "median": statistics.median(latencies)}, indent=2))
        assert statistics.median(latencies) < 1.0, latencies
        assert not page.locator(".v-alert.error").filter(has_text="went wrong").count()
        assert w.errors == []
    finally:
        w.close()


def test_a_shared_link_reproduces_the_settings(server, browser):
    """Opening ``?preset=...&lever=...&seed=...`` shows exactly those settings."""
    w = Watched(browser, server + "?preset=mastery_pacing&seed=7&resources.device_ratio=0.3"
                "&training.plc_hours=12")
    page = w.page
    try:
        page.get_by_text("Question:").first.wait_for()
        assert "mastery" in page.locator(".plsim-preset").inner_text()
        page.locator(".plsim-lever-resources-device_ratio").get_by_text(
            "now 0.3 devices per student").wait_for()
        page.locator(".plsim-lever-training-plc_hours").get_by_text("now 12 hours").wait_for()
        # as a person would, leave the page once its charts are drawn (under heavy load a tab
        # switch during the charts' first draw logs ECharts' "invalid dom")
        page.wait_for_function("document.querySelector('[data-testid=chart-achievement]')"
                               "?.getAttribute('data-week') === '0'")
        page.get_by_role("tab", name="Export and share").click()
        href = page.get_by_test_id("share-link").get_attribute("href")
        assert href.startswith(server + "?"), href  # absolute: it works pasted anywhere
        for part in ("preset=mastery_pacing", "seed=7", "resources.device_ratio=0.3",
                     "training.plc_hours=12"):
            assert part in href
        assert w.errors == []
    finally:
        w.close()


@pytest.mark.slow
def test_ten_sessions_at_once_each_run_18_weeks(server, browser):
    """Ten browser sessions press Run together; each reaches week 18 with no error."""
    started = time.perf_counter()
    sessions = [Watched(browser, server, wait=False) for _ in range(10)]
    try:
        for w in sessions:
            w.ready()
        loaded = time.perf_counter() - started
        for w in sessions:
            _button(w.page, "Run").click()
        for w in sessions:
            w.page.get_by_text("Week 18 of 36").wait_for(timeout=300_000)
        seconds = time.perf_counter() - started - loaded
        for w in sessions:
            assert not w.page.locator(".v-alert.error").count()
            assert w.errors == []
            assert w.page.get_by_test_id("chart-achievement").get_attribute("data-week") == "18"
        (SHOTS / "ten_sessions.json").write_text(json.dumps(
            {"load_seconds": loaded, "run_seconds": seconds}))
    finally:
        for w in sessions:
            w.close()
