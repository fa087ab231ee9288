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


def chromium():
    """``sync_playwright`` and Debian's Chromium, or skip (fail in CI) as :func:`require` says."""
    executable = find_chromium()
    if executable is None:
        require("no chromium executable found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("the playwright package is not installed")
    return sync_playwright, executable


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
    sync_playwright, executable = chromium()

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


#: Visible Korean texts of the report: its title, theme terms, example titles and texts.
KOREAN_TEXTS = ("h1", ".chip[lang=ko]", ".doc-title[lang=ko]", ".doc-text[lang=ko]")


def hangul_glyphs(page, selector: str, korean_fonts: set[str]) -> tuple[int, int]:
    """(glyphs Chromium drew with a font that has Hangul, Hangul letters) in the first element
    matching ``selector``. Chromium reports the fonts it used per node (DevTools protocol
    ``CSS.getPlatformFontsForNode``); a Hangul letter drawn with any other font is a box (tofu).
    """
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    drawn = sum(f["glyphCount"] for f in fonts if f["familyName"] in korean_fonts)
    text = page.locator(selector).first.inner_text()
    session.detach()
    return drawn, sum("\uac00" <= ch <= "\ud7a3" for ch in text)


def hangul_fonts() -> set[str]:
    """Families fontconfig has for Korean (empty when none, or no fontconfig)."""
    import subprocess

    if shutil.which("fc-list") is None:
        return set()
    out = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True)
    return {name.strip() for line in out.stdout.splitlines() for name in line.split(",") if name}


def test_korean_report_renders_hangul_without_tofu(tmp_path: Path):
    import datetime as dt

    import topics

    sync_playwright, executable = chromium()
    korean_fonts = hangul_fonts()
    if not korean_fonts:
        require("no font with Hangul glyphs (apt-get install fonts-nanum)")

    corpus = topics.load_corpus(Path(__file__).parent / "fixtures" / "korean" / "releases")
    model = topics.train(corpus, seed=0)
    title = "산업통상자원부보도자료에나타난경제안보와핵심광물공급망정책의분기별추세보고서" * 2
    paths = topics.build_report(
        model,
        corpus,
        out=tmp_path / "report.html",
        title=title,
        generated_at=dt.datetime(2026, 1, 1),
    )
    url = paths["html"].resolve().as_uri()
    problems: list[str] = []
    requests: list[str] = []
    layout = {}
    drawn: dict[str, tuple[int, int]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS)
        try:
            for width in (1280, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                watch(page, problems, requests)
                page.goto(url, wait_until="load")
                page.wait_for_function(
                    "document.querySelectorAll('.js-plotly-plot').length === "
                    "document.querySelectorAll('script[data-figure]').length"
                )
                layout[width] = page.evaluate(
                    "() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth,"
                    " h1: document.querySelector('h1').getBoundingClientRect().right,"
                    " korean: document.querySelectorAll('[lang=ko]').length})"
                )
                before = len(problems)
                for selector in KOREAN_TEXTS:
                    drawn[selector] = hangul_glyphs(page, selector, korean_fonts)
                # DevTools' look at the fonts of a file: page makes some Chromium versions (150)
                # refetch the page itself, refused ("Unsafe attempt to load URL file:…", "request
                # failed"): notices about the report's own URL, not problems of the report
                problems[before:] = [p for p in problems[before:] if url not in p]
                page.screenshot(path=str(tmp_path / f"report-{width}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
    assert problems == []
    assert {u for u in requests if u != url} == set()  # nothing fetched: the fonts are local
    for width, seen in layout.items():
        assert seen["scroll"] <= seen["inner"], f"the page is wider than {width} px: {seen}"
        assert seen["h1"] <= seen["inner"], f"the long Korean title overflows at {width} px"
        assert seen["korean"] > 10  # title, topic labels and terms, example titles and texts
    for selector, (glyphs, letters) in drawn.items():
        assert letters > 0, selector
        assert glyphs >= letters, f"{selector}: Hangul drawn without a Hangul font (tofu)"
    assert (tmp_path / "report-1280.png").stat().st_size > 50_000
