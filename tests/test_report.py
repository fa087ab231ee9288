"""The report: context as plain data, escaping, determinism, files written."""

from __future__ import annotations

import html
import itertools
import json
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic import ReportInputs, context_of, synthetic_inputs, write_report_of

from topics.errors import ModelFormatError, TopicsError
from topics.report import render_html
from topics.report.sections import metric_sections
from topics.trends import combine_summaries, load_summary, save_summary

EVIL = "<script>alert(1)</script>"


class Scripts(HTMLParser):
    """Collect every <script> element with its attributes and raw content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


@pytest.fixture(scope="module")
def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@pytest.fixture(scope="module")
def inputs() -> ReportInputs:
    return synthetic_inputs(2000, seed=1)


@pytest.fixture(scope="module")
def context(inputs) -> dict:
    return context_of(inputs)


def scripts_of(page: str, plotly_js: str) -> list[tuple[dict, str]]:
    assert page.count(plotly_js) == 1  # inlined exactly once
    parser = Scripts()
    parser.feed(page.replace(plotly_js, "PLOTLY"))
    return parser.scripts


def tiny_inputs(titles: list[str], **overrides) -> ReportInputs:
    """A dozen releases over four quarters, two themes, three topics; titles as given."""
    n = len(titles)
    rng = np.random.default_rng(0)
    dates = pd.Series(pd.Timestamp("2023-01-15") + pd.to_timedelta(np.arange(n) * 30, unit="D"))
    corpus = pd.DataFrame(
        {
            "id": [f"{i:016x}" for i in range(n)],
            "date": dates.astype("datetime64[ns]"),
            "date_provenance": "explicit",
            "title": titles,
            "text": [f"{t} trade export body text" for t in titles],
            "category": pd.Series(
                ["Trade", "Energy"] * (n // 2) + ["Trade"] * (n % 2), dtype="string"
            ),
            "labels": [[] for _ in range(n)],
            "source": "seed.txt",
            "position": np.arange(1, n + 1),
            "dup_group": [f"{i:016x}" for i in range(n)],
            "is_duplicate": False,
            "dup_kind": pd.Series([None] * n, dtype="string"),
        }
    )
    probs = pd.DataFrame({"a": rng.random(n), "b": rng.random(n)})
    fields = dict(
        corpus=corpus,
        theme_probs=probs,
        theme_labels=probs > 0.5,
        theme_names={"a": "Theme A", "b": "Theme B"},
        topics=pd.Series(np.arange(n) % 3 - 1),
        topic_info=pd.DataFrame(
            {"topic": [-1, 0, 1], "label": ["Outliers", "zero", "one"], "size": [4, 4, 4],
             "terms": [["x"], ["trade"], ["export"]]}
        ),
        metrics={"npmi": 0.1},
        model_info={"name": "tiny"},
        generated_at=datetime(2026, 1, 1),
    )  # fmt: skip
    fields.update(overrides)
    return ReportInputs(**fields)


# --- context ---------------------------------------------------------------------------------


def test_context_is_plain_json_data(context):
    text = json.dumps(context, allow_nan=False)
    assert json.loads(text) == context


def test_overview_counts_duplicates_once_and_undated_apart(inputs, context):
    corpus = inputs.corpus
    ov = context["overview"]
    n_dup = int(corpus["is_duplicate"].sum())
    kept = corpus[~corpus["is_duplicate"]]
    assert ov["rows"] == len(corpus)
    assert ov["duplicates"] == n_dup > 0
    assert ov["releases"] == len(kept)
    assert ov["undated"] == int(kept["date"].isna().sum()) > 0
    assert ov["dated"] + ov["undated"] == ov["releases"]
    assert any("duplicate" in n for n in ov["notes"])
    assert any("without a date" in n for n in ov["notes"])
    per_period = [r["total"] for r in context["themes"][0]["rows"]]
    assert sum(per_period) == ov["dated"]


def test_planted_theme_trends_show_in_the_context(context):
    status = {t["series"]: t["status"] for t in context["themes"]}
    assert status["energy"] == "rising"
    assert status["jobs"] == "falling"
    assert status["trade"] == "no clear trend"
    assert [r["series"] for r in context["emerging"]][:1] in (["energy"], ["chips"])
    assert [r["series"] for r in context["declining"]] == ["jobs"]
    chips = [c for c in context["theme_changes"] if c["series"] == "chips"]
    assert chips and chips[0]["label"].startswith(("2019", "2020"))


def test_representatives_exclude_duplicates_and_are_ranked(inputs, context):
    dup_ids = set(inputs.corpus.loc[inputs.corpus["is_duplicate"], "id"])
    for theme in context["themes"]:
        reps = theme["representatives"]
        assert len(reps) == 5
        assert not dup_ids & {r["id"] for r in reps}
        scores = [r["score"] for r in reps]
        assert scores == sorted(scores, reverse=True)
        assert theme["terms"]


def test_distinguishing_terms_match_the_planted_vocabulary(context):
    terms = {t["series"]: [w["term"] for w in t["terms"][:3]] for t in context["themes"]}
    assert set(terms["energy"]) <= set(
        ["nuclear", "power", "grid", "hydrogen", "energy", "electricity", "renewable", "plant"]
    )
    assert set(terms["chips"]) <= set(
        ["semiconductor", "chip", "foundry", "wafer", "memory", "fab", "supply", "design"]
    )


def test_topic_shares_cover_every_release_per_period(context):
    shares = [r for r in context["tables"]["shares"] if r["kind"] == "topic"]
    frame = pd.DataFrame(shares).dropna(subset=["share"])
    assert np.allclose(frame.groupby("period")["share"].sum(), 1.0)


def test_misaligned_inputs_raise_a_topics_error(inputs):
    shifted = inputs.theme_probs.set_axis(inputs.theme_probs.index + 1)
    bad = ReportInputs(**{**inputs.__dict__, "theme_probs": shifted})
    with pytest.raises(TopicsError, match="theme_probs"):
        context_of(bad)
    with pytest.raises(TopicsError, match="frequency"):
        context_of(ReportInputs(**{**inputs.__dict__, "freq": "week"}))
    with pytest.raises(TopicsError, match="theme_names"):
        context_of(ReportInputs(**{**inputs.__dict__, "theme_names": {}}))


def test_metric_sections_handle_any_shape():
    per_theme = {"a": {"f1": 0.5}, "b": {"f1": 0.9}}
    sections = metric_sections(
        {
            "n_docs": 10,
            "themes": {"macro_f1": 0.7, "per_theme": per_theme},
            "topics": {"npmi": {"mean": 0.1, "by": [1, 2]}},
        }
    )
    titles = [s["title"] for s in sections]
    assert titles == ["Summary", "themes", "themes / per_theme", "topics / npmi"]
    table = sections[2]
    assert table["kind"] == "table" and table["rows"] == [["a", 0.5], ["b", 0.9]]
    assert ["by", "1, 2"] in sections[3]["rows"]


def test_edge_cases_render(plotly_js):
    undated = tiny_inputs([f"t{i}" for i in range(6)])
    corpus = undated.corpus.assign(date=pd.NaT)
    no_dates = ReportInputs(**{**undated.__dict__, "corpus": corpus, "freq": "month"})
    page = render_html(context_of(no_dates))
    assert "6 releases without a date" in page
    one = tiny_inputs(["only"], theme_labels=pd.DataFrame({"a": [True], "b": [False]}))
    assert "<h1>Theme trends</h1>" in render_html(context_of(one))
    base = tiny_inputs([f"r{i}" for i in range(12)])
    no_topic_model = ReportInputs(
        **{
            **base.__dict__,
            "topics": pd.Series(-1, index=base.corpus.index),
            "topic_info": pd.DataFrame({"topic": [], "label": [], "size": [], "terms": []}),
        }
    )
    assert context_of(no_topic_model)["topics"]["n_topics"] == 0
    all_duplicates = ReportInputs(
        **{**base.__dict__, "corpus": base.corpus.assign(is_duplicate=True)}
    )
    assert "0 releases" in render_html(context_of(all_duplicates))
    bare = base.corpus.drop(columns=["category", "source", "dup_kind", "date_provenance"])
    context = context_of(ReportInputs(**{**base.__dict__, "corpus": bare}))
    assert not context["categories"]["present"]
    assert 'id="categories"' not in render_html(context)


# --- HTML ------------------------------------------------------------------------------------


def test_page_is_deterministic_and_self_contained(inputs, context, plotly_js):
    page = render_html(context)
    assert page == render_html(context_of(inputs))
    assert "2026-01-01T12:00:00" in page
    scripts = scripts_of(page, plotly_js)
    data_blocks = [(a, t) for a, t in scripts if a.get("type") == "application/json"]
    assert len(data_blocks) == len(context["figures"])
    for (attrs, text), figure in zip(data_blocks, context["figures"], strict=True):
        assert attrs["data-figure"] == figure["id"]
        assert json.loads(text) == figure
        assert f'id="{figure["id"]}"' in page
    assert all("src" not in a for a, _ in scripts)
    for marker in ("<link", "@import", 'src="http', 'href="http'):
        assert marker not in page.replace(plotly_js, "")
    for section in (
        "overview",
        "trends",
        "changes",
        "emerging",
        "topics",
        "drilldown",
        "quality",
        "method",
    ):
        assert f'<section id="{section}">' in page
    assert "<table" in page  # readable without JavaScript


def test_script_in_every_text_field_shows_as_text(plotly_js):
    base = tiny_inputs([EVIL] + [f"release {i}" for i in range(11)])
    corpus = base.corpus.assign(category=pd.Series([EVIL] * 12, dtype="string"), source=EVIL)
    evil = ReportInputs(
        **{
            **base.__dict__,
            "corpus": corpus,
            "title": EVIL,
            "theme_names": {"a": EVIL, "b": "</script><script>alert(2)</script>"},
            "topic_info": base.topic_info.assign(label=EVIL, terms=[[EVIL]] * 3),
            "metrics": {EVIL: EVIL},
            "model_info": {"name": EVIL},
        }
    )
    context = context_of(evil)
    page = render_html(context)
    rest = page.replace(plotly_js, "")
    assert "alert(1)</script>" not in rest
    assert "</script><script>alert(2)" not in rest
    shown = ("alert(2)\\u003c", "alert(2)&lt;", "alert(2)\\u0026lt;")  # escaped; in charts twice
    for escaped in shown:
        rest = rest.replace(escaped, "")
    assert "alert(2)" not in rest
    assert html.escape(EVIL, quote=False) in rest or html.escape(EVIL) in rest
    scripts = scripts_of(page, plotly_js)
    assert len(scripts) == len(context["figures"]) + 2  # data blocks + plotly + drawing script
    for attrs, text in scripts:
        if attrs.get("type") == "application/json":
            json.loads(text)  # still valid JSON: </script> inside the data did not end the block


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=st.text(min_size=1, max_size=40))
def test_arbitrary_titles_cannot_break_the_page(title, plotly_js):
    inputs = tiny_inputs([title] * 12, title=title, theme_names={"a": title, "b": "B"})
    context = context_of(inputs)
    page = render_html(context)
    scripts = scripts_of(page, plotly_js)
    assert len(scripts) == len(context["figures"]) + 2
    figures = {f["id"]: f for f in context["figures"]}
    for attrs, text in scripts:
        if attrs.get("type") == "application/json":
            assert json.loads(text) == figures[attrs["data-figure"]]
    heading = page.split("<h1", 1)[1].split(">", 1)[1].split("</h1>", 1)[0]  # may carry lang
    assert html.unescape(heading) == title.replace("\r\n", "\n") or html.unescape(heading) == title


# --- files -----------------------------------------------------------------------------------


def test_write_report_writes_three_files_and_refuses_to_overwrite(tmp_path: Path):
    inputs = tiny_inputs([f"release {i}" for i in range(12)])
    out = tmp_path / "sub" / "trends.html"
    paths = write_report_of(inputs, out)
    assert paths == {
        "html": out,
        "csv": tmp_path / "sub/trends.csv",
        "json": tmp_path / "sub/trends.json",
    }
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "trends.csv",
        "trends.html",
        "trends.json",
    ]
    table = pd.read_csv(paths["csv"])
    assert {"kind", "series", "period", "count", "total", "share", "lower", "upper"} <= set(
        table.columns
    )
    assert set(table["kind"]) == {"theme", "topic"}
    data = json.loads(paths["json"].read_text("utf-8"))
    assert data["freq"] == "quarter" and data["trends"] and data["shares"]
    before = out.read_bytes()
    with pytest.raises(TopicsError, match="already exists"):
        write_report_of(inputs, out)
    assert out.read_bytes() == before
    out.with_suffix(".csv").unlink()
    with pytest.raises(TopicsError, match="already exists"):
        write_report_of(inputs, out)  # the HTML alone is enough to refuse
    assert write_report_of(inputs, out, force=True) == paths
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "trends.csv",
        "trends.html",
        "trends.json",
    ]


# --- batches ---------------------------------------------------------------------------------


def test_report_from_batch_summaries_equals_report_from_the_whole(inputs, context):
    cuts = [0, 450, 1200, 1201, len(inputs.corpus)]
    summaries = []
    for start, stop in itertools.pairwise(cuts):
        part = slice(start, stop)
        batch = ReportInputs(
            **{
                **inputs.__dict__,
                "corpus": inputs.corpus.iloc[part],
                "theme_probs": inputs.theme_probs.iloc[part],
                "theme_labels": inputs.theme_labels.iloc[part],
                "topics": inputs.topics.iloc[part],
            }
        )
        summaries.append(batch.summary())
    combined = combine_summaries(summaries)
    assert context_of(combined, inputs.info()) == context


def test_combine_summaries_refuses_mixed_frequencies(inputs):
    small = tiny_inputs([f"r{i}" for i in range(12)])
    monthly = ReportInputs(**{**small.__dict__, "freq": "month"})
    with pytest.raises(TopicsError, match="frequency"):
        combine_summaries([small.summary(), monthly.summary()])


def test_saved_summary_gives_the_same_report(inputs, context, tmp_path: Path):
    summary = inputs.summary()
    save_summary(summary, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]
    loaded = load_summary(tmp_path)
    for name in ("theme_counts", "topic_counts", "term_counts", "top_period", "category_counts"):
        pd.testing.assert_frame_equal(getattr(loaded, name), getattr(summary, name))
    assert context_of(loaded, inputs.info()) == context
    (tmp_path / "summary.json").write_text('{"schema": 99}', "utf-8")
    with pytest.raises(ModelFormatError, match="schema version"):
        load_summary(tmp_path)
