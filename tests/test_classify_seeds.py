"""The theme classifier trained on the 28 seed releases (weak labels, as `topics train` does)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_themes_seeds import PINNED, find, seed_releases

from topics.classify import ThemeClassifier
from topics.evaluate import evaluate_classifier
from topics.themes import default_taxonomy, weak_labels


@pytest.fixture(scope="module")
def trained():
    releases = seed_releases()
    texts = [text for _, text in releases]
    taxonomy = default_taxonomy()
    targets = weak_labels(texts, taxonomy)
    model = ThemeClassifier(random_state=0, taxonomy=taxonomy)
    model.fit(texts, targets.to_numpy(), taxonomy.ids)
    return releases, texts, targets, model


def test_tiny_corpus_trains_with_adapted_folds_and_reports_rare_themes(trained):
    _, texts, targets, model = trained
    metrics = model.cv_metrics_
    assert metrics["n_folds"] == 5
    assert metrics["micro_f1"] > 0.8  # held-out agreement with the phrase rules
    assert metrics["n_documents"] == len(texts) == 28
    rare = [t for t, n in targets.sum().items() if min(n, 28 - n) < 5]
    assert rare and set(rare) == set(metrics["left_out"])
    assert set(metrics["per_class"]) == set(targets.columns) - set(rare)
    json.dumps(metrics)


@pytest.mark.parametrize(("fragment", "theme"), PINNED)
def test_trained_classifier_tags_the_pinned_seeds(trained, fragment, theme):
    releases, _, _, model = trained
    column = list(model.classes_).index(theme)
    texts = find(releases, fragment)
    assert model.predict(texts)[:, column].all()


def test_trained_classifier_tags_unseen_text_sensibly(trained):
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


def test_evaluate_on_the_weak_labels_agrees_with_predictions(trained):
    _, texts, targets, model = trained
    report = evaluate_classifier(model, texts, targets)
    agreement = (model.predict(texts) == targets.to_numpy()).mean()
    assert report["micro_f1"] > 0.95 and agreement > 0.95
    assert np.isclose(
        report["accuracy"], (model.predict(texts) == targets.to_numpy()).all(1).mean()
    )
