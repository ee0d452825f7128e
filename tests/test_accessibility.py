"""The HTML of every layout passes axe-core's WCAG 2.1 A and AA rules in a real browser.

Chromium (through chromedriver and selenium) opens each rendered letter; axe-core, the
accessibility engine browsers' developer tools use, is injected and run on it. axe-core comes
from npm: `.ci/run` installs it under .ci/axe (or point AXE_CORE_JS at axe.min.js).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from undersigned.cli import cli

from .conftest import EXAMPLE_SLUG, FIXTURES, REPO

pytestmark = pytest.mark.consumers

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LETTERS = [("example", EXAMPLE_SLUG), ("layouts", "side-by-side"), ("layouts", "statement"),
           ("layouts", "tables"), ("shapes", "joint-submission")]


def axe_source() -> str:
    for candidate in (os.environ.get("AXE_CORE_JS"),
                      REPO / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js",
                      REPO / "node_modules" / "axe-core" / "axe.min.js"):
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    pytest.skip("axe-core not found: npm install --prefix .ci/axe axe-core (or set AXE_CORE_JS)")


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser",
                                                    "google-chrome")) if p), None)
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("Chromium and chromedriver needed (Debian: chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def rendered(tmp_path, monkeypatch, where: str, slug: str) -> Path:
    root = tmp_path / "ws"
    if where == "example":
        for name in ("letters", "signatories", "templates"):
            shutil.copytree(REPO / name, root / name)
    else:
        shutil.copytree(FIXTURES / where, root)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["render", slug, "--to", "html", "--out", "out"])
    assert result.exit_code == 0, result.output
    return root / "out" / f"{slug}.html"


@pytest.mark.parametrize(("where", "slug"), LETTERS)
@pytest.mark.parametrize("width", [1200, 400])
def test_the_html_passes_axe_wcag_21_aa(browser, tmp_path, monkeypatch, where, slug, width):
    source = axe_source()
    page = rendered(tmp_path, monkeypatch, where, slug)
    browser.set_window_size(width, 900)
    browser.get(page.as_uri())
    browser.execute_script(source)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG_AA)}}}}})"
        ".then(r => done(JSON.stringify({violations: r.violations, passes: r.passes.length})))"
        ".catch(e => done(JSON.stringify({error: String(e)})));")
    report = json.loads(result)
    assert "error" not in report, report
    assert report["passes"] > 10  # axe really ran
    found = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
             for v in report["violations"]]
    assert found == [], found
