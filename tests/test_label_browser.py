"""The annotation page in headless Chromium: code with the keyboard, reload, export, evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report_browser import ARGS, find_chromium, require
from typer.testing import CliRunner

import topics
from topics.annotate import label_sample
from topics.cli import app
from topics.themes import read_labels

pytestmark = pytest.mark.browser

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_code_three_releases_with_the_keyboard_reload_export_and_evaluate(tmp_path: Path):
    executable = find_chromium()
    if executable is None:
        require("no chromium executable found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("the playwright package is not installed")

    corpus = topics.load_corpus(SEEDS)
    model = topics.train(corpus, topic_model=False, seed=0)
    model.save(tmp_path / "model")
    page_path, sample = label_sample(model, corpus, tmp_path / "labels.html", n=6, seed=1)
    url = page_path.resolve().as_uri()
    frame = sample.frame
    themes = model.theme_ids
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS)
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url, wait_until="load")
            assert page.locator("#doc-title").inner_text() == frame["title"].iloc[0]
            assert page.locator("#text mark").count() > 0  # the evidence is highlighted
            # release 1: the first theme (key 1) and the third (key 3); release 2: none of
            # them; release 3: the model's suggestions (a), then unsure (u)
            page.keyboard.press("1")
            page.keyboard.press("3")
            page.keyboard.press("Enter")
            page.keyboard.press("Enter")
            page.keyboard.press("a")
            page.keyboard.press("u")
            page.keyboard.press("Enter")
            assert page.locator("#progress").inner_text() == f"3 of {len(frame)} coded"
            page.reload(wait_until="load")
            assert page.locator("#progress").inner_text() == f"3 of {len(frame)} coded"
            assert page.locator("#position").inner_text() == f"Release 4 of {len(frame)}"
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("ArrowLeft")
            checked = page.locator("#themes input:checked")
            assert [checked.nth(i).get_attribute("data-theme") for i in range(checked.count())] == [
                themes[0],
                themes[2],
            ]
            with page.expect_download() as info:
                page.click("#export")
            download = info.value
            exported = tmp_path / download.suggested_filename
            download.save_as(exported)
        finally:
            browser.close()
    assert problems == []
    assert [u for u in requests if u != url and not u.startswith("blob:")] == []
    assert exported.name == "labels.csv"

    gold = read_labels(exported, corpus.documents(), themes)
    ids = frame["id"].tolist()
    assert list(gold.codes.index) == [i for i in corpus.documents()["id"] if i in ids[:3]]
    first = gold.codes.loc[ids[0]]
    assert first[first == 1].index.tolist() == [themes[0], themes[2]]
    assert (gold.codes.loc[ids[1]] == 0).all()
    assert gold.codes.loc[ids[2]].isna().all()  # unsure
    assert gold.weights.loc[ids[0]] == pytest.approx(frame["weight"].iloc[0])

    result = CliRunner().invoke(
        app,
        ["evaluate", "--model", str(tmp_path / "model"), "--theme-labels", str(exported), "--json"],
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)["themes"]
    assert scores["n_documents"] == 2 and scores["unsure"] == 1
