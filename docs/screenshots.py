"""Screenshots of an HTML report at phone and laptop width, for docs/ (docs/output.md).

Opens the report in headless Debian Chromium (selenium + /usr/bin/chromedriver,
offline, as tests/test_output_browser.py does), waits for the graph, and saves
the campaigns table and the graph at 390 px (a phone) and 1400 px (a laptop):

    make demo
    .venv/bin/python docs/screenshots.py demo-run/report.html docs/
"""

from __future__ import annotations

import argparse
import base64
import time
from pathlib import Path

#: (file name, CSS width, height captured, mobile, element id the shot starts at or "")
SHOTS = (
    ("report-phone.png", 390, 1900, True, ""),
    ("report-phone-graph.png", 390, 1300, True, "graph"),
    ("report-laptop.png", 1400, 1300, False, ""),
    ("report-laptop-graph.png", 1400, 1100, False, "plots"),
)


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
                 "--disable-background-networking", "--no-first-run", "--hide-scrollbars"):
        opts.add_argument(flag)
    return webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))


def shoot(report: Path, out_dir: Path) -> list[Path]:
    """Save :data:`SHOTS` of ``report`` into ``out_dir``; return their paths."""
    driver = _driver()
    paths = []
    try:
        for name, width, height, mobile, anchor in SHOTS:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
            driver.get(report.resolve().as_uri())
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and driver.execute_script(
                    "const g = document.getElementById('cobweb-graph');"
                    " return !(g && g.dataset.ready === 'true');"):
                time.sleep(0.2)
            time.sleep(1.0)  # sigma's first frames
            top = driver.execute_script(
                "const el = document.getElementById(arguments[0]);"
                " return el ? el.getBoundingClientRect().top + window.scrollY : 0;", anchor)
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": top, "width": width, "height": height, "scale": 1}})
            path = out_dir / name
            path.write_bytes(base64.b64decode(shot["data"]))
            paths.append(path)
    finally:
        driver.quit()
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    for path in shoot(args.report, args.out_dir):
        print(path)


if __name__ == "__main__":
    main()
