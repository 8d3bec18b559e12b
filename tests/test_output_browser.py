"""Headless Debian Chromium opens the HTML report: what it shows, no console error, no script run.

Needs the apt packages ``chromium`` and ``chromium-driver`` (.ci/run installs them);
the browser is driven by selenium through /usr/bin/chromedriver, offline.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from crawler.cli.main import main as cobweb
from test_output_views import HANDLE, XSS_TITLE, make_run

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

# Records every alert/confirm/prompt instead of blocking on it.
_ALERT_TRAP = """
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = (msg) => { window.__dialogs.push(name + ":" + msg); };
}
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install -y chromium"
                    " chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--enable-unsafe-swiftshader", "--window-size=1280,1600",
    ):
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _ALERT_TRAP})
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report_path(tmp_path_factory) -> Path:
    run = make_run(tmp_path_factory.mktemp("browser") / "run")
    path = run.parent / "report.html"
    assert cobweb(["export", str(run), "--format", "html", "-o", str(path)]) == 0
    return path


def _open(driver, path: Path) -> list[dict]:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(path.as_uri())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        state = driver.execute_script(
            "const g = document.getElementById('cobweb-graph');"
            "return document.readyState === 'complete' && (!g || g.dataset.ready === 'true'"
            " || !!g.querySelector('.graph-status'));"
        )
        if state:
            break
        time.sleep(0.2)
    return driver.get_log("browser")


def test_report_shows_campaigns_plots_and_a_drawn_graph_without_console_errors(
    browser, report_path
) -> None:
    from selenium.webdriver.common.by import By

    logs = _open(browser, report_path)
    assert [e for e in logs if e["level"] == "SEVERE"] == []
    assert browser.find_element(By.TAG_NAME, "h1").text == "Cobweb report"
    rows = browser.find_elements(By.CSS_SELECTOR, "#campaign-table tbody tr")
    assert len(rows) == 2 and HANDLE in rows[0].text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#plots svg")) == 2
    graph = browser.find_element(By.ID, "cobweb-graph")
    assert graph.get_attribute("data-ready") == "true"
    assert graph.get_attribute("data-nodes") == "13" and graph.get_attribute("data-edges") == "11"
    assert browser.find_elements(By.CSS_SELECTOR, "#cobweb-graph canvas")
    assert browser.find_element(By.ID, "campaign-2").is_displayed()


def test_a_script_title_is_shown_as_text_and_runs_nothing(browser, report_path) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, report_path)
    assert browser.execute_script("return window.__dialogs") == []
    section = browser.find_element(By.ID, "campaign-1")
    assert XSS_TITLE in section.text  # shown literally
    injected = browser.execute_script(
        "return Array.from(document.querySelectorAll('script'))"
        ".filter(s => s.textContent.includes('alert(1)') && s.type !== 'application/json').length"
    )
    assert injected == 0
