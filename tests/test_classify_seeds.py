"""The theme tagger trained on the 28 seed releases (no gold labels, as `topics train` does)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_themes_seeds import NOT, PINNED, find, seed_releases

from topics.classify import ThemeTagger
from topics.themes import default_taxonomy, weak_labels


@pytest.fixture(scope="module")
def trained():
    releases = seed_releases()
    texts = [text for _, text in releases]
    taxonomy = default_taxonomy()
    model = ThemeTagger(random_state=0, taxonomy=taxonomy).fit(texts)
    return releases, texts, weak_labels(texts, taxonomy), model


def test_tiny_corpus_says_its_accuracy_is_not_measured(trained):
    _, texts, _, model = trained
    metrics = model.cv_metrics_
    assert metrics["basis"] == "phrase rules only"
    assert metrics["accuracy"].startswith("not measured")
    assert "--theme-labels" in metrics["accuracy"]
    assert metrics["n_documents"] == len(texts) == 28
    # 28 releases are too few to learn words from: every theme is the phrase rules alone
    assert not any(metrics["text_model"].values())
    assert set(metrics["agreement_with_rules"]["left_out"]) == set(model.classes_)
    assert "not accuracy" in metrics["agreement_with_rules"]["measures"]
    json.dumps(metrics)


@pytest.mark.parametrize(("fragment", "theme"), PINNED)
def test_trained_tagger_tags_the_pinned_seeds(trained, fragment, theme):
    releases, _, _, model = trained
    column = list(model.classes_).index(theme)
    texts = find(releases, fragment)
    assert model.predict(texts)[:, column].all()


@pytest.mark.parametrize(("fragment", "theme"), NOT)
def test_trained_tagger_does_not_over_tag_the_seeds(trained, fragment, theme):
    releases, _, _, model = trained
    column = list(model.classes_).index(theme)
    assert not model.predict(find(releases, fragment))[:, column].any()


def test_trained_tagger_tags_unseen_text_sensibly(trained):
    *_, model = trained
    ids = list(model.classes_)
    probe = [
        "Korea urges the EU to drop steel safeguard quotas",
        "Rare earth MOU with Mongolia",
        "Korea's exports rose 5 percent year-on-year in May and the trade balance was in surplus",
        "The minister met the ambassador.",
    ]
    tagged = [[ids[j] for j in np.flatnonzero(row)] for row in model.predict(probe)]
    assert tagged == [["protectionism"], ["critical_minerals"], ["export_performance"], []]
    proba = model.predict_proba(
        [
            "Korea urges Canada to withdraw steel tariff rate quota measures and safeguards",
            "Korea and Mongolia sign an MOU on rare metals and critical minerals supply chains",
        ]
    )
    assert proba[0, ids.index("protectionism")] > proba[1, ids.index("protectionism")]
    assert proba[1, ids.index("critical_minerals")] > proba[0, ids.index("critical_minerals")]


def test_without_a_text_model_the_tags_are_the_phrase_rules(trained):
    _, texts, rules, model = trained
    assert np.array_equal(model.predict(texts), rules.to_numpy())


def test_evidence_names_the_phrases_and_where_they_are(trained):
    releases, _, _, model = trained
    (text,) = find(releases, "Canada’s Steel TRQ Measures")
    why = model.explain([text])[0]["protectionism"]
    assert why["tagged"] and why["salience"] >= 3
    assert {"phrase": "TRQ", "where": "title", "count": 1} in why["hits"]
    assert {h["where"] for h in why["hits"]} <= {"title", "lead", "body"}
