"""Label classifiers in the report: confusion matrix, per-class scores and classes left out,
from the metrics kept with the model; escaped, offline, and drawn by a real browser."""

from __future__ import annotations

import re

import numpy as np
import pytest
from synthetic import ReportInputs, context_of, synthetic_inputs, write_report_of

from topics.classify import LabelClassifier
from topics.classify.metrics import multilabel_metrics
from topics.report import render_html
from topics.report.sections import classifier_sections

EVIL = '<img src=x onerror="alert(1)">'
POOLS = {
    "tariff": ["tariff", "quota", "safeguard", "dumping"],
    EVIL: ["festival", "museum", "concert", "tourism"],
    "통상": ["무역", "협정", "수출", "관세"],
}


def _fitted() -> LabelClassifier:
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for label, pool in POOLS.items():
        for _ in range(30):
            texts.append(" ".join(rng.choice([*pool, "korea", "ministry", "plans"], size=10)))
            labels.append(label)
    texts.append("a lone release")
    labels.append("singleton")  # one example: left out, and said so
    return LabelClassifier(features="words", C=1.0, class_weight=None).fit(texts, labels)


@pytest.fixture(scope="module")
def metrics() -> dict:
    clf = _fitted()
    Y = np.array([[1, 0], [1, 1], [0, 1], [0, 0]], dtype=bool)
    P = np.array([[1, 0], [0, 1], [0, 1], [1, 0]], dtype=bool)
    multi = multilabel_metrics(Y, P, ["steel", "chips"], left_out={})
    return {"label:stance": clf.cv_metrics_, "label:topics": multi, "themes": {"macro_f1": 0.5}}


def test_blocks_carry_the_kept_confusion_and_the_left_out_classes(metrics):
    single, multi = classifier_sections(metrics)
    kept = metrics["label:stance"]["confusion"]
    assert single["column"] == "stance" and single["confusion"]["kind"] == "multiclass"
    assert [r["counts"] for r in single["confusion"]["rows"]] == kept["matrix"]
    assert [r["name"] for r in single["confusion"]["rows"]] == kept["classes"]
    assert sum(map(sum, kept["matrix"])) == metrics["label:stance"]["n_scored"] == 90
    assert single["left_out"][0][0] == "singleton" and "1 example" in single["left_out"][0][1]
    assert {r["name"] for r in single["per_class"]} == set(POOLS)
    assert all(r["f1_ci"][0] <= r["f1"] <= r["f1_ci"][1] for r in single["per_class"])
    assert multi["confusion"]["kind"] == "one_vs_rest"
    # steel: tp 1, fp 1, fn 1, tn 1; chips: tp 2, fp 0, fn 0, tn 2
    assert [r["counts"] for r in multi["confusion"]["rows"]] == [[1, 1, 1, 1], [2, 0, 0, 2]]


def _page(metrics: dict) -> str:
    inputs = synthetic_inputs(400, seed=3)
    return render_html(context_of(ReportInputs(**{**inputs.__dict__, "metrics": metrics})))


def test_the_page_shows_the_matrix_escaped(metrics):
    page = _page(metrics)
    table = re.search(r'<table[^>]*id="label-0-confusion".*?</table>', page, re.S).group(0)
    cells = [
        int(v.replace(",", "")) for v in re.findall(r'<td class="num[^"]*">([\d,]+)</td>', table)
    ]
    assert cells == [v for row in metrics["label:stance"]["confusion"]["matrix"] for v in row]
    assert EVIL not in page and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "singleton" in page and "Classes left out" in page
    assert 'id="label-1-confusion"' in page and "true positive" in page
    assert '<th lang="ko">통상</th>' in table


@pytest.mark.browser
def test_the_matrix_reads_in_headless_chromium(metrics, tmp_path):
    from test_report_browser import ARGS, chromium, watch

    sync_playwright, executable = chromium()
    inputs = synthetic_inputs(400, seed=3)
    inputs = ReportInputs(**{**inputs.__dict__, "metrics": metrics})
    url = write_report_of(inputs, tmp_path / "report.html")["html"].resolve().as_uri()
    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            watch(page, problems, requests)
            page.goto(url, wait_until="load")
            matrix = page.locator("#label-0-confusion")
            matrix.scroll_into_view_if_needed()
            visible = matrix.is_visible()
            cells = matrix.locator("tbody td").all_inner_texts()
            heads = matrix.locator("thead th").evaluate_all("hs => hs.map(h => h.textContent)")
            box = matrix.bounding_box()
        finally:
            browser.close()
    assert problems == [] and [u for u in requests if u != url] == []
    assert visible and box["width"] > 100
    kept = metrics["label:stance"]["confusion"]
    assert [int(c) for c in cells] == [v for row in kept["matrix"] for v in row]
    assert EVIL in heads  # the markup is shown as text, never run
