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


# -- the report on a phone and on a laptop (issue 13, point 4) -------------------------------

PHONE, LAPTOP = 390, 1400


def _open_at(driver, path: Path, width: int, height: int = 844) -> list[dict]:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600,
    })
    return _open(driver, path)


@pytest.fixture()
def at_width(browser):
    yield lambda path, width: _open_at(browser, path, width)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture(scope="module")
def many_report(tmp_path_factory) -> Path:
    from test_output_report_scale import many_campaigns

    run = many_campaigns(tmp_path_factory.mktemp("many") / "run", 60)
    path = run.parent / "report.html"
    assert cobweb(["export", str(run), "--format", "html", "-o", str(path)]) == 0
    return path


_LAYOUT = """
const box = (el) => el ? el.getBoundingClientRect() : null;
const graph = box(document.getElementById('cobweb-graph'));
const evidence = Array.from(document.querySelectorAll('#campaign-table ul.evidence li'))
  .map((li) => li.getBoundingClientRect().width);
const row = document.querySelector('#campaign-table tbody tr');
const controls = ['cobweb-graph-filter', 'cobweb-graph-search']
  .map((id) => box(document.getElementById(id)));
const figures = Array.from(document.querySelectorAll('#plots figure')).map((f) => box(f).right);
const urls = Array.from(document.querySelectorAll('td.url')).map((td) => box(td).width);
return {
  viewport: window.innerWidth,
  pageWidth: document.documentElement.scrollWidth,
  graphWidth: graph.width, graphHeight: graph.height,
  narrowestEvidence: Math.min(...evidence),
  rowDisplay: getComputedStyle(row).display,
  controlsRight: Math.max(...controls.map((c) => c.right)),
  figuresRight: Math.max(...figures),
  narrowestUrl: Math.min(...urls),
  fontSize: parseFloat(getComputedStyle(document.body).fontSize),
};
"""


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_report_reads_at_phone_and_laptop_width(at_width, browser, many_report, width) -> None:
    logs = at_width(many_report, width)
    assert [e for e in logs if e["level"] == "SEVERE"] == []
    m = browser.execute_script(_LAYOUT)
    assert m["viewport"] == width
    assert m["pageWidth"] <= width  # nothing wider than the screen: no sideways scrolling
    assert m["fontSize"] >= 14
    assert m["controlsRight"] <= width and m["figuresRight"] <= width
    assert m["narrowestEvidence"] >= 200  # evidence reads as lines, not 1-4 characters
    assert m["narrowestUrl"] >= 150
    if width == PHONE:
        assert m["rowDisplay"] == "flex"  # the campaign table turns into cards
        assert m["graphWidth"] >= width - 40 and m["graphHeight"] >= 340
    else:
        assert m["rowDisplay"] == "table-row"
        assert m["graphWidth"] >= 900 and m["graphHeight"] >= 500
    assert browser.find_element("id", "cobweb-graph").get_attribute("data-ready") == "true"


def test_the_campaign_filter_and_the_search_box_pick_nodes(at_width, browser, many_report) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    at_width(many_report, LAPTOP)
    graph = browser.find_element(By.ID, "cobweb-graph")
    total = int(graph.get_attribute("data-nodes"))
    Select(browser.find_element(By.ID, "cobweb-graph-filter")).select_by_index(2)
    # campaign #2: itself, its three sites, its handle and two hubs (the WhatsApp number, t.me)
    assert int(graph.get_attribute("data-shown")) == 7 < total
    pressed = browser.find_elements(By.CSS_SELECTOR, '.campaign-list button[aria-pressed="true"]')
    assert len(pressed) == 1 and "#2 " in pressed[0].text
    browser.find_elements(By.CSS_SELECTOR, ".campaign-list button")[1].click()  # again: all
    assert int(graph.get_attribute("data-shown")) == total
    box = browser.find_element(By.ID, "cobweb-graph-search")
    box.send_keys("helper_007")  # campaign #8 and its handle
    assert graph.get_attribute("data-matches") == "2"
    assert browser.find_element(By.ID, "cobweb-graph-found").text == "2 matches"
    box.clear()
    box.send_keys("c7-site1.")
    assert browser.find_element(By.ID, "cobweb-graph-found").text == "1 match"
    assert "c7-site1.example.com" in browser.find_element(By.ID, "cobweb-graph-details").text
