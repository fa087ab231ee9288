"""ThemeTagger: learning beyond the phrases, gold labels, honest metrics, evidence, round trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from topics.classify import ThemeTagger
from topics.classify.gold import score
from topics.errors import TrainingError
from topics.themes import Taxonomy

TAXONOMY = Taxonomy.from_dict(
    {
        "themes": [
            {"id": "steel", "name": "Steel", "include": ["tariff"]},
            {"id": "chips", "name": "Chips", "include": ["wafer"]},
        ]
    }
)
STEEL = [
    "imports",
    "duties",
    "mill",
    "smelter",
    "dumping",
    "quota",
    "retaliation",
    "furnace",
    "girder",
]
CHIPS = ["foundry", "memory", "fab", "lithography", "transistor", "cleanroom", "silicon", "etching"]
OTHER = ["weather", "rain", "football", "match", "concert", "museum", "garden", "recipe", "holiday"]


def corpus(seed: int = 0) -> tuple[list[str], np.ndarray]:
    """260 releases: steel with and without "tariff", chips with "wafer", unrelated ones."""
    rng = np.random.default_rng(seed)
    texts, truth = [], []

    def release(pool: list[str], phrase: str | None) -> str:
        words = list(rng.choice(pool, 12)) + list(rng.choice(OTHER, 4))
        if phrase:
            words[:0] = [phrase, phrase]
        return " ".join(words)

    for pool, phrase, row, n in (
        (STEEL, "tariff", [1, 0], 70),
        (STEEL, None, [1, 0], 30),  # about steel, without the phrase
        (CHIPS, "wafer", [0, 1], 70),
        (OTHER, None, [0, 0], 90),
    ):
        for _ in range(n):
            texts.append(release(pool, phrase))
            truth.append(row)
    return texts, np.asarray(truth, dtype=bool)


@pytest.fixture(scope="module")
def fitted() -> tuple[ThemeTagger, list[str], np.ndarray]:
    texts, truth = corpus()
    return ThemeTagger(taxonomy=TAXONOMY, random_state=0).fit(texts), texts, truth


def test_learns_releases_without_the_phrases(fitted):
    model, texts, _ = fitted
    predicted = model.predict(texts)
    hidden = np.arange(70, 100)  # steel releases without "tariff"
    assert predicted[hidden, 0].mean() > 0.8
    assert predicted[:70, 0].all() and predicted[100:170, 1].all()
    unrelated = np.arange(170, 260)
    assert predicted[unrelated].mean() < 0.05
    assert model.cv_metrics_["beyond_rules"]["steel"] >= 24


def test_the_text_model_never_sees_the_phrases(fitted):
    model, *_ = fitted
    vocabulary = set(model.vectorizer_.get_feature_names_out())
    assert "tariff" not in vocabulary and "wafer" not in vocabulary
    assert "smelter" in vocabulary


def test_metrics_without_gold_say_agreement_not_accuracy(fitted):
    model, *_ = fitted
    metrics = model.cv_metrics_
    assert metrics["accuracy"].startswith("not measured")
    agreement = metrics["agreement_with_rules"]
    assert "not accuracy" in agreement["measures"]
    assert set(agreement["per_class"]) == {"steel", "chips"}
    json.dumps(metrics)


def test_gold_labels_are_scored_held_out_with_intervals():
    texts, truth = corpus(1)
    gold = np.full(truth.shape, np.nan)
    coded = np.r_[0:40, 70:100, 100:130, 170:220]
    gold[coded] = truth[coded]
    gold[5, 0] = np.nan  # "unsure"
    model = ThemeTagger(taxonomy=TAXONOMY, random_state=0).fit(texts, gold)
    accuracy = model.cv_metrics_["accuracy"]
    assert model.cv_metrics_["basis"] == "gold labels"
    assert accuracy["n_documents"] == len(coded)
    steel = accuracy["per_class"]["steel"]
    assert steel["coded"] == len(coded) - 1 and steel["support"] == 69
    low, high = steel["f1_ci"]
    assert 0 <= low <= steel["f1"] <= high <= 1
    assert accuracy["macro_f1"] > 0.9
    assert model.cv_metrics_["thresholds"]["steel"] != model.threshold  # chosen on the gold


def test_gold_overrides_weak_labels():
    texts, truth = corpus(2)
    gold = truth.astype(float)
    gold[70:100, 0] = 0.0  # a reader says: without "tariff" it is not the theme
    without_gold = ThemeTagger(taxonomy=TAXONOMY, random_state=0).fit(texts)
    model = ThemeTagger(taxonomy=TAXONOMY, random_state=0).fit(texts, gold)
    assert without_gold.predict(texts)[70:100, 0].mean() > 0.8
    assert model.predict(texts)[70:100, 0].mean() < 0.2
    assert model.predict(texts)[:70, 0].all()


def test_round_trip_keeps_predictions_and_evidence(tmp_path, fitted):
    model, texts, _ = fitted
    model.save(tmp_path)
    loaded = ThemeTagger.load(tmp_path)
    probe = [*texts[:20], *texts[70:80], "", "tariff tariff in the title\n\nand smelter"]
    assert np.array_equal(loaded.predict_proba(probe), model.predict_proba(probe))
    assert loaded.explain(probe) == model.explain(probe)
    assert loaded.cv_metrics_ == model.cv_metrics_


def test_explain_gives_phrases_places_and_words(fitted):
    model, texts, _ = fitted
    rule_tagged, learned = model.explain([texts[0], texts[75]])
    assert rule_tagged["steel"]["hits"][0]["phrase"] == "tariff"
    assert rule_tagged["steel"]["tagged"] and rule_tagged["steel"]["p_rule"] >= 0.5
    assert learned["steel"]["hits"] == [] and learned["steel"]["tagged"]
    assert set(learned["steel"]["words"]) <= set(STEEL)
    assert learned["steel"]["words"]


def test_bad_gold_and_parameters_are_training_errors():
    texts, truth = corpus()
    with pytest.raises(TrainingError, match="shape"):
        ThemeTagger(taxonomy=TAXONOMY).fit(texts, np.zeros((3, 2)))
    with pytest.raises(TrainingError, match="1, 0 or NaN"):
        ThemeTagger(taxonomy=TAXONOMY).fit(texts, np.full(truth.shape, 2.0))
    with pytest.raises(TrainingError, match="n_rounds"):
        ThemeTagger(taxonomy=TAXONOMY, n_rounds=0).fit(texts)


def test_score_leaves_unsure_out_per_theme():
    G = np.array([[1, 0], [1, np.nan], [0, 1], [np.nan, np.nan]], dtype=float)
    decided = np.array([[1, 1], [0, 1], [0, 1], [1, 1]], dtype=bool)
    result = score(G, decided, ["a", "b"], min_support=1, n_bootstrap=50)
    assert result["n_documents"] == 3
    a, b = result["per_class"]["a"], result["per_class"]["b"]
    assert (a["precision"], a["recall"], a["coded"]) == (1.0, 0.5, 3)
    assert (b["precision"], b["recall"], b["coded"]) == (0.5, 1.0, 2)
    assert result["macro_themes"] == ["a", "b"]
    assert result["macro_f1"] == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_fit_rows_below_the_cap_are_every_labelled_release():
    from topics.classify._self_training import fit_rows

    labels = np.array([1.0, 0.0, np.nan, 0.0, 1.0])
    rows, y, w, cw = fit_rows(labels, np.arange(5.0), "balanced", seed=0, cap=4)
    assert rows.tolist() == [0, 1, 3, 4] and y.tolist() == [True, False, False, True]
    assert w.tolist() == [0.0, 1.0, 3.0, 4.0] and cw == "balanced"


@pytest.mark.parametrize("class_weight", ["balanced", None])
def test_fit_rows_above_the_cap_sample_and_weigh_back(class_weight):
    from sklearn.utils.class_weight import compute_class_weight

    from topics.classify._self_training import fit_rows

    rng = np.random.default_rng(1)
    labels = (rng.random(5_000) < 0.04).astype(float)
    labels[rng.random(5_000) < 0.1] = np.nan  # passing mentions: left out
    weights = np.where(rng.random(5_000) < 0.05, 3.0, 1.0)  # a few gold releases
    rows, y, w, cw = fit_rows(labels, weights, class_weight, seed=7, cap=1_000)
    assert len(rows) == 1_000 and cw is None and np.isfinite(labels[rows]).all()
    every = np.flatnonzero(np.isfinite(labels))
    positives = every[labels[every] == 1]
    assert set(positives) <= set(rows)  # fewer positives than half the cap: all of them
    # each class weighs what it weighs in a fit on every labelled row
    full = np.ones(2)
    if class_weight:
        full = compute_class_weight(
            class_weight, classes=np.array([False, True]), y=labels[every] == 1
        )
    for c in (False, True):
        whole = weights[every][(labels[every] == 1) == c].sum() * full[int(c)]
        assert w[y == c].sum() == pytest.approx(whole, rel=0.05)
    again = fit_rows(labels, weights, class_weight, seed=7, cap=1_000)
    assert np.array_equal(again[0], rows) and np.array_equal(again[2], w)
    assert not np.array_equal(fit_rows(labels, weights, class_weight, seed=8, cap=1_000)[0], rows)


def test_a_corpus_above_the_cap_is_fitted_on_samples_and_tags_alike(monkeypatch, fitted):
    from sklearn.svm import LinearSVC

    from topics.classify import _self_training

    model, texts, _ = fitted
    seen: list[int] = []
    fit = LinearSVC.fit

    def spy(self, X, y, sample_weight=None):
        seen.append(X.shape[0])
        return fit(self, X, y, sample_weight=sample_weight)

    monkeypatch.setattr(LinearSVC, "fit", spy)
    monkeypatch.setattr(_self_training, "MAX_FIT_ROWS", 150)
    capped = ThemeTagger(taxonomy=TAXONOMY, random_state=0).fit(texts)
    assert seen and max(seen) == 150
    predicted = capped.predict(texts)
    assert (predicted == model.predict(texts)).mean() > 0.95
    assert predicted[np.arange(70, 100), 0].mean() > 0.8  # still learns beyond the phrases
