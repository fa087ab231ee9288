"""Korean releases end to end (issue 13): press format, themes, mixed corpora, topic terms."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import topics
from topics.corpus import schema
from topics.language import analysed_texts, carries_particles
from topics.themes import default_taxonomy, weak_labels

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "korean"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def expected() -> dict[str, set[str]]:
    data = json.loads((FIXTURES / "expected_themes.json").read_text("utf-8"))
    return {name: set(themes) for name, themes in data.items() if not name.startswith("_")}


@pytest.fixture(scope="module")
def corpus():
    return topics.load_corpus(FIXTURES / "releases")


def micro_f1(predicted: list[set[str]], gold: list[set[str]]) -> float:
    tp = sum(len(p & g) for p, g in zip(predicted, gold, strict=True))
    fp = sum(len(p - g) for p, g in zip(predicted, gold, strict=True))
    fn = sum(len(g - p) for p, g in zip(predicted, gold, strict=True))
    return 2 * tp / (2 * tp + fp + fn)


def gold_of(frame) -> list[set[str]]:
    want = expected()
    return [want[Path(s).name] for s in frame[schema.SOURCE]]


def test_fixtures_are_enough_releases_over_every_theme():
    want = expected()
    assert len(want) >= 20
    assert {t for themes in want.values() for t in themes} == set(default_taxonomy().ids)


def test_press_format_dates_language_and_furniture(corpus):
    frame = corpus.documents()
    assert len(frame) == len(expected())
    assert set(frame[schema.LANGUAGE]) == {"ko"}
    assert set(frame[schema.DATE_PROVENANCE]) == {"inferred"}
    assert frame[schema.CATEGORY].isna().all()  # "보도자료" is furniture, not a category
    first = frame[frame[schema.SOURCE].str.endswith("01.txt")].iloc[0]
    # the embargo line (보도시점 … 09:00) dates the release, not the distribution line (3. 1.)
    assert first[schema.DATE] == dt.datetime(2025, 3, 2, 9, 0)
    assert first[schema.TITLE] == "2월 수출 526억 달러, 전년 동월 대비 1.0% 증가"
    assert "044-203-4030" in first["press_department"]
    assert "이민지" in first["press_contacts"]
    assert first["press_attachments"].startswith("붙임")
    for text in frame[schema.TEXT]:
        for furniture in ("보도자료", "담당 부서", "책임자", "담당자", "붙임", "044-203", "☎"):
            assert furniture not in text
    distributed = frame[frame[schema.SOURCE].str.endswith("06.txt")].iloc[0]
    assert distributed[schema.DATE] == dt.datetime(2025, 8, 20, 9, 30)  # 배포일시 alone


def test_distinguishing_terms_of_korean_releases_are_morphemes(corpus):
    from topics.trends.terms import term_counts

    texts = corpus.texts()
    groups = pd.DataFrame({"all": [True] * len(texts), "first": [i < 5 for i in range(len(texts))]})
    terms = set(term_counts(texts, groups)["term"])
    assert {"반도체", "광물", "공급망"} <= terms
    words = {w for t in analysed_texts(texts) for w in t.split()}
    assert not [t for t in terms if carries_particles(t, words)]


def test_default_taxonomy_finds_the_themes_of_korean_releases(corpus):
    frame = corpus.documents()
    labels = weak_labels(corpus.texts(), default_taxonomy())
    found = [{t for t in labels.columns if row[t]} for _, row in labels.iterrows()]
    assert micro_f1(found, gold_of(frame)) >= 0.85
    # the stockpile release of the issue: its themes are found
    stockpile = frame.index[frame[schema.SOURCE].str.endswith("02.txt")][0]
    assert {"critical_minerals", "supply_chains"} <= found[stockpile]


def test_inflected_forms_match_korean_phrases():
    texts = ["핵심광물을 확보했다", "핵심 광물의 비축", "수출통제가 강화됐다", "반도체는 호조"]
    labels = weak_labels(texts, default_taxonomy())
    assert labels["critical_minerals"].tolist() == [True, True, False, False]
    assert labels["economic_security"].tolist() == [False, False, True, False]
    assert labels["semiconductors"].tolist() == [False, False, False, True]


def test_a_user_taxonomy_may_mix_languages(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'schema_version = 1\n[[themes]]\nid = "steel"\nname = "철강"\n'
        'include = ["steel", "철강", "후판"]\n',
        encoding="utf-8",
    )
    taxonomy = topics.Taxonomy.from_file(path)
    labels = weak_labels(["Steel exports fell", "철강 수출이 줄었다", "후판을", "반도체"], taxonomy)
    assert labels["steel"].tolist() == [True, True, True, False]


def test_topic_terms_have_no_urls_phone_numbers_or_particles(tmp_path):
    from topics.topic_model import TopicModel

    posts = []
    subjects = [
        ("반도체 수출이 사상 최대를 기록했다", "메모리 반도체 가격이 오르면서"),
        ("폭염에 전력 수요가 급증했다", "여름철 전력 수급 비상에"),
        ("부동산 대책에 집값이 들썩인다", "서울 아파트 가격이 다시"),
    ]
    for i in range(60):
        head, tail = subjects[i % 3]
        posts.append(
            f"{head} {tail} 시장은 긴장했다 https://goo.gl/x{i}Ab https://t.co/Q{i}zZ "
            f"문의 02-123-45{i:02d} desk{i}@news.co.kr"
        )
    model = TopicModel(random_state=0).fit(posts)
    terms = [t for topic in model.topic_terms_ for term in topic for t in term.split()]
    words = {w for t in analysed_texts(posts) for w in t.split()}
    assert terms
    for term in terms:
        assert not re.search(r"https?|goo|\bgl\b|t\.co|\bco\b|news|desk|\d", term), term
        assert not carries_particles(term, words), term


def test_mixed_korean_english_corpus_trains_reports_and_predicts(tmp_path):
    mixed = tmp_path / "mixed"
    shutil.copytree(FIXTURES / "releases", mixed / "korean")
    shutil.copytree(SEEDS, mixed / "english")
    corpus = topics.load_corpus(mixed)
    frame = corpus.documents()
    assert set(frame[schema.LANGUAGE]) == {"ko", "en"}
    assert corpus.report.languages == frame[schema.LANGUAGE].value_counts().to_dict()
    assert set(corpus.report.languages) == {"ko", "en"}
    model = topics.train(corpus, seed=0)
    assert model.topic_model is not None
    texts = corpus.texts()
    before = model.predict(texts).to_frame()
    korean = frame[schema.LANGUAGE].eq("ko").to_numpy()
    assert before["themes"][korean].map(len).gt(0).mean() > 0.8
    paths = topics.build_report(
        model, corpus, out=tmp_path / "report.html", generated_at=dt.datetime(2026, 1, 1)
    )
    html = paths["html"].read_text("utf-8")
    assert 'lang="ko"' in html and "핵심광물" in html
    model.save(tmp_path / "model")
    after = topics.load(tmp_path / "model").predict(texts).to_frame()
    pd.testing.assert_frame_equal(before, after, check_exact=True)
