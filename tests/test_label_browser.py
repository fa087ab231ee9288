"""The annotation page in headless Chromium: code with the keyboard, reload, export, evaluate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report_browser import ARGS, chromium, watch
from typer.testing import CliRunner

import topics
from topics.annotate import label_sample
from topics.cli import app
from topics.themes import read_labels

pytestmark = pytest.mark.browser

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_code_three_releases_with_the_keyboard_reload_export_and_evaluate(tmp_path: Path):
    sync_playwright, executable = chromium()

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
            watch(page, problems, requests)
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


def test_corrected_report_shows_accuracy_and_toggles_the_raw_series(tmp_path: Path):
    sync_playwright, executable = chromium()
    from synthetic import synthetic_inputs

    from topics.evaluate.validation import validation_record
    from topics.report import write_report
    from topics.trends import trend_tables
    from topics.trends.correct import ErrorRates

    inputs = synthetic_inputs(1200, seed=3)
    summary = inputs.summary()
    rates = {t: ErrorRates(tp=80, fn=20, tn=270, fp=30) for t in summary.theme_ids}
    validation = validation_record(
        rates, source="coded.csv", n_coded=400, weighted=True, method="held out"
    )
    tables = trend_tables(summary, validation=validation)
    paths = write_report(tables, tmp_path / "report.html", info=inputs.info())
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
            note = page.locator("#correction-note").inner_text()
            accuracy = page.locator("#accuracy-table tbody tr").count()
            first_row = page.locator("#accuracy-table tbody tr").first.inner_text()
            visible = "document.getElementById('fig-theme-0').data.map(t => t.visible !== false)"
            before = page.evaluate(visible)
            page.check("#show-raw")
            after = page.evaluate(visible)
        finally:
            browser.close()
    assert problems == []
    assert [u for u in requests if u != url] == []
    assert "corrected" in note and "400 hand-coded releases" in note
    assert accuracy == len(summary.theme_ids)
    assert "80.0%" in first_row and "90.0%" in first_row  # sensitivity, specificity
    assert before == [True, True, False, False] and after == [True, True, True, True]
