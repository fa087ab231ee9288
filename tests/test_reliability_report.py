"""Issue 18, report outputs: chart strings show as text (9), CSV cells cannot run (10)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import context_of, synthetic_inputs

from topics._safe import chart_strings, spreadsheet_cell
from topics.trends import trend_tables

LINK = "<a href='https://evil.example/'>click</a>"


@pytest.fixture(scope="module")
def evil_inputs():
    base = synthetic_inputs(300, seed=2, years=2.0, n_topics=4)
    corpus = base.corpus.copy()
    corpus["category"] = pd.Series([LINK, '=HYPERLINK("http://x")'] * 150, dtype="string")
    corpus["title"] = "@SUM(A1:A9) " + corpus["title"].astype(str)
    names = dict(base.theme_names)
    first = next(iter(names))
    names[first] = "=cmd|' /C calc'!A0"
    second = list(names)[1]
    names[second] = LINK
    topic_info = base.topic_info.assign(label=[f"-{label} <b>bold</b>" for label in
                                               base.topic_info["label"]])  # fmt: skip
    return dataclasses.replace(base, corpus=corpus, theme_names=names, topic_info=topic_info)


@pytest.fixture(scope="module")
def evil_context(evil_inputs) -> dict:
    return context_of(evil_inputs)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() if k != "hovertemplate" for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_category_link_in_a_chart_is_shown_as_text(evil_context):
    texts = [s for f in evil_context["figures"] for s in _strings(f)]
    assert any("&lt;a href='https://evil.example/'&gt;click&lt;/a&gt;" in s for s in texts)
    assert not any("<a" in s or "<b>" in s for s in texts)
    assert any("<br>" in s for s in texts)  # the charts' own line breaks stay


def test_chart_templates_keep_their_placeholders():
    figure = {"data": [{"hovertemplate": "%{text}<extra></extra>", "text": ["a<b>"]}]}
    assert chart_strings(figure) == {
        "data": [{"hovertemplate": "%{text}<extra></extra>", "text": ["a&lt;b&gt;"]}]
    }


def test_trends_csv_neutralises_formulas(evil_inputs):
    text = trend_tables(evil_inputs.summary()).to_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    names = {row["name"] for row in rows}
    assert "'=cmd|' /C calc'!A0" in names
    assert not any(row[k].startswith(("=", "+", "@")) for row in rows for k in row)
    series = {row["series"] for row in rows if row["kind"] == "topic"}
    assert "-1" in series  # a plain number is left alone
    assert not any(row["name"].startswith("-") for row in rows)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_no_spreadsheet_cell_starts_a_formula(text):
    cell = spreadsheet_cell(text)
    stripped = cell.lstrip(" ")
    if stripped.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(stripped)  # only plain numbers may keep a sign
    assert cell in (text, "'" + text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_no_chart_string_holds_markup(text):
    out = json.dumps(chart_strings({"data": [{"text": [text], "y": text}]}))
    decoded = json.loads(out)["data"][0]["y"]
    assert "<" not in decoded.replace("<br>", "") and ">" not in decoded.replace("<br>", "")
