"""Open the report in the system's headless Chromium: it draws, logs no error, fetches nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from synthetic import ReportInputs, synthetic_inputs, write_report_of

pytestmark = pytest.mark.browser

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str | None:
    """Debian's chromium (never a browser downloaded by playwright)."""
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def require(reason: str) -> None:
    if os.environ.get("TOPICS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"TOPICS_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def watch(page, problems: list[str], requests: list[str]) -> None:
    """Collect a page's console errors and warnings, page errors, dialogs and requests."""
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("request", lambda r: requests.append(r.url))


def test_report_renders_in_headless_chromium(tmp_path: Path):
    executable = find_chromium()
    if executable is None:
        require("no chromium executable found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("the playwright package is not installed")

    demo = synthetic_inputs(1500, seed=2)
    evil = '<img src="x" onerror="alert(1)"><script>alert(2)</script>'
    inputs = ReportInputs(
        **{
            **demo.__dict__,
            "title": f"Trends {evil}",
            "theme_names": {**demo.theme_names, "trade": f"Trade {evil}"},
            "topic_info": demo.topic_info.assign(
                label=[f"{lab} {evil}" for lab in demo.topic_info["label"]]
            ),
        }
    )
    paths = write_report_of(inputs, tmp_path / "report.html")
    url = paths["html"].resolve().as_uri()
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            watch(page, problems, requests)
            page.goto(url, wait_until="load")
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot').length === "
                "document.querySelectorAll('script[data-figure]').length"
            )
            drawn = page.locator(".js-plotly-plot").count()
            title = page.locator("h1").inner_text()
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert problems == []
    assert [u for u in requests if u != url] == []
    assert drawn == 5 + 4  # one per theme, effect sizes, landscape, topics over time, categories
    assert title == inputs.title  # the markup shows as text
    assert shot.stat().st_size > 50_000
