"""Theme and label classifiers: fitting, calibration, metrics, persistence, edge cases."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from topics.classify import (
    LabelClassifier,
    ThemeClassifier,
    multilabel_metrics,
    single_label_metrics,
)
from topics.classify._linear import apply_thresholds, best_thresholds
from topics.errors import ModelFormatError, TrainingError
from topics.evaluate import evaluate_classifier

POOLS = {
    "steel": "steel tariff quota safeguard import duty dumping trq barrier",
    "chips": "semiconductor chip wafer foundry memory lithography fab hbm",
    "energy": "energy power nuclear solar hydrogen grid electricity lng",
}
FILLER = [
    *["the", "ministry", "said", "on", "monday", "that", "korea", "and", "partners"],
    *["will", "discuss", "cooperation", "plans"],
]
METRIC_KEYS = {
    "task",
    "n_documents",
    "micro_precision",
    "micro_recall",
    "micro_f1",
    "macro_precision",
    "macro_recall",
    "macro_f1",
    "accuracy",
    "per_class",
    "left_out",
}


def synthetic(n: int = 90, seed: int = 0) -> tuple[list[str], np.ndarray, list[str]]:
    """Texts mixing class vocabulary with filler; one or two classes per text."""
    rng = np.random.default_rng(seed)
    classes = list(POOLS)
    texts, Y = [], np.zeros((n, len(classes)), dtype=bool)
    for i in range(n):
        Y[i, i % 3] = True
        if rng.random() < 0.25:
            Y[i, rng.integers(3)] = True
        words = list(rng.choice(FILLER, 20))
        for j in np.flatnonzero(Y[i]):
            words += list(rng.choice(POOLS[classes[j]].split(), 6))
        rng.shuffle(words)
        texts.append(" ".join(words))
    return texts, Y, classes


@pytest.fixture(scope="module")
def theme_model() -> tuple[ThemeClassifier, list[str], np.ndarray, list[str]]:
    texts, Y, classes = synthetic()
    return ThemeClassifier(random_state=0).fit(texts, Y, classes), texts, Y, classes


# -- ThemeClassifier -------------------------------------------------------------------------------


def test_theme_classifier_learns_and_calibrates(theme_model):
    model, texts, Y, classes = theme_model
    assert list(model.classes_) == classes
    proba = model.predict_proba(["steel tariff quota for imports", "new foundry for memory chips"])
    assert proba.shape == (2, 3)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert proba[0].argmax() == 0 and proba[1].argmax() == 1
    predicted = model.predict(texts)
    assert predicted.dtype == bool and predicted.shape == Y.shape
    assert (predicted == Y).mean() > 0.9
    assert model.thresholds_.shape == (3,)
    assert ((model.thresholds_ > 0) & (model.thresholds_ < 1)).all()


def test_cv_metrics_are_plain_json(theme_model):
    model, *_ = theme_model
    metrics = model.cv_metrics_
    assert set(metrics) >= METRIC_KEYS
    assert metrics["task"] == "multilabel" and metrics["n_folds"] == 5
    assert metrics["micro_f1"] > 0.8
    assert set(metrics["per_class"]) == set(POOLS)
    assert {"precision", "recall", "f1", "support"} == set(metrics["per_class"]["steel"])
    assert json.loads(json.dumps(metrics)) == metrics


def test_round_trip_gives_identical_predictions(tmp_path, theme_model):
    model, texts, *_ = theme_model
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "arrays.npz",
        "classifier.json",
        "vectorizer.json",
        "vectorizer.npz",
    ]
    loaded = ThemeClassifier.load(tmp_path)
    probe = [*texts, "", "unseen words entirely", "steel chips energy"]
    assert np.array_equal(loaded.predict_proba(probe), model.predict_proba(probe))
    assert np.array_equal(loaded.predict(probe), model.predict(probe))
    assert np.array_equal(loaded.thresholds_, model.thresholds_)
    assert loaded.cv_metrics_ == model.cv_metrics_
    assert loaded.get_params() == model.get_params()


def test_load_refuses_damaged_or_foreign_directories(tmp_path, theme_model):
    model, *_ = theme_model
    model.save(tmp_path)
    with pytest.raises(ModelFormatError, match="not a LabelClassifier"):
        LabelClassifier.load(tmp_path)
    (tmp_path / "arrays.npz").write_bytes(b"not an npz")
    with pytest.raises(ModelFormatError, match=r"arrays\.npz"):
        ThemeClassifier.load(tmp_path)
    with pytest.raises(ModelFormatError, match="missing"):
        ThemeClassifier.load(tmp_path / "absent")


def test_rare_and_absent_classes_are_left_out_not_fatal():
    texts, Y, classes = synthetic(60)
    rare = np.zeros((60, 1), dtype=bool)
    rare[3] = True
    never = np.zeros((60, 1), dtype=bool)
    model = ThemeClassifier().fit(texts, np.hstack([Y, rare, never]), [*classes, "rare", "never"])
    left_out = model.cv_metrics_["left_out"]
    assert set(left_out) == {"rare", "never"}
    assert "fewer than the 5 cross-validation folds" in left_out["rare"]
    assert "rare" not in model.cv_metrics_["per_class"]
    assert not model.predict(texts)[:, 4].any()  # never seen: never predicted
    assert model.predict_proba(texts)[:, 4].max() < 1e-6


def test_min_labels_auto_follows_the_training_labels():
    texts, Y, classes = synthetic(60)
    assert ThemeClassifier().fit(texts, Y, classes).min_labels_ == 1
    rng = np.random.default_rng(1)
    texts = texts + [" ".join(rng.choice(FILLER, 20)) for _ in range(20)]  # no class at all
    Y = np.vstack([Y, np.zeros((20, 3), dtype=bool)])
    model = ThemeClassifier().fit(texts, Y, classes)
    assert model.min_labels_ == 0
    plain = ["the ministry said that korea and partners will discuss plans"]
    assert not model.predict(plain).any()
    forced = ThemeClassifier(min_labels=1).fit(texts, Y, classes)
    assert forced.predict(plain).sum() == 1


def test_dataframe_labels_give_class_names_and_small_corpora_adapt_folds():
    texts, Y, classes = synthetic(12)
    model = ThemeClassifier().fit(texts, pd.DataFrame(Y, columns=classes))
    assert list(model.classes_) == classes
    assert model.cv_metrics_["n_folds"] == 5
    tiny = ThemeClassifier().fit(texts[:6], Y[:6], classes)
    assert tiny.cv_metrics_["n_folds"] == 3


def test_training_errors_are_typed():
    texts, Y, classes = synthetic(12)
    with pytest.raises(TrainingError, match="too few"):
        ThemeClassifier().fit(texts[:3], Y[:3], classes)
    with pytest.raises(TrainingError, match="do not match"):
        ThemeClassifier().fit(texts, Y[:5], classes)
    with pytest.raises(TrainingError, match="no usable words"):
        ThemeClassifier().fit(["", "", "", ""], np.eye(4, 2, dtype=bool), ["a", "b"])
    with pytest.raises(TrainingError, match="min_labels"):
        ThemeClassifier(min_labels=2).fit(texts, Y, classes)


def test_fit_is_deterministic():
    texts, Y, classes = synthetic(40)
    a = ThemeClassifier(random_state=3).fit(texts, Y, classes)
    b = ThemeClassifier(random_state=3).fit(texts, Y, classes)
    assert np.array_equal(a.predict_proba(texts), b.predict_proba(texts))
    assert a.cv_metrics_ == b.cv_metrics_


# -- LabelClassifier -------------------------------------------------------------------------------


#: A fixed configuration: no model search (tests of everything but the search stay fast).
FIXED = {"features": "words", "C": 1.0, "class_weight": None}


def single_labels(Y: np.ndarray, classes: list[str]) -> list[str]:
    return [classes[int(np.flatnonzero(row)[0])] for row in Y]


def test_label_classifier_single_label(tmp_path):
    texts, Y, classes = synthetic(60)
    labels: list[object] = single_labels(Y, classes)
    labels[0] = None  # missing: skipped
    labels[1] = "singleton"  # one example: left out
    labels[2] = pd.NA  # missing, as in a corpus category column
    model = LabelClassifier(**FIXED).fit(texts, labels)
    assert not model.multilabel_
    assert list(model.classes_) == sorted(classes)
    assert "singleton" in model.cv_metrics_["left_out"]
    assert model.cv_metrics_["task"] == "single_label"
    assert model.cv_metrics_["accuracy"] > 0.7
    proba = model.predict_proba(texts)
    assert np.allclose(proba.sum(axis=1), 1)
    predicted, best = model.predict_with_proba(texts)
    assert all(p in classes for p in predicted)
    assert np.array_equal(best, proba.max(axis=1))
    model.save(tmp_path)
    loaded = LabelClassifier.load(tmp_path)
    assert loaded.predict_with_proba(texts)[0] == predicted
    assert np.array_equal(loaded.predict_proba(texts), proba)


def test_label_classifier_multi_label(tmp_path):
    texts, Y, classes = synthetic(60)
    labels = [[classes[j] for j in np.flatnonzero(row)] for row in Y]
    labels[5] = []  # missing: skipped
    model = LabelClassifier(features="words", class_weight=None).fit(texts, labels)
    assert model.config_["features"] == "words" and model.search_["table"]
    assert model.multilabel_ and model.cv_metrics_["task"] == "multilabel"
    predicted, proba = model.predict_with_proba(texts)
    assert proba is None
    assert all(isinstance(p, list) and p for p in predicted)  # at least one label each
    model.save(tmp_path)
    assert LabelClassifier.load(tmp_path).predict(texts) == predicted


def test_label_column_with_one_class_says_so():
    texts, *_ = synthetic(20)
    with pytest.raises(TrainingError, match="only one class"):
        LabelClassifier(**FIXED).fit(texts, ["trade"] * 19 + ["other"])
    with pytest.raises(TrainingError, match="only one class"):
        LabelClassifier(**FIXED).fit(texts, [["trade"]] * 20)


def test_numeric_labels_become_strings():
    texts, Y, _ = synthetic(30)
    codes = [int(np.flatnonzero(row)[0]) for row in Y]
    model = LabelClassifier(**FIXED).fit(texts, codes)
    assert list(model.classes_) == ["0", "1", "2"]
    assert set(model.predict(texts)) <= {"0", "1", "2"}


# -- evaluate and metrics -------------------------------------------------------------------


def test_evaluate_matches_metric_functions(theme_model):
    model, texts, Y, classes = theme_model
    report = evaluate_classifier(model, texts, Y)
    assert set(report) >= METRIC_KEYS
    expected = multilabel_metrics(Y, model.predict(texts), classes)
    assert report["micro_f1"] == expected["micro_f1"]
    frame = pd.DataFrame(Y[:, :2], columns=classes[:2]).assign(other=False)
    partial = evaluate_classifier(model, texts, frame)
    assert partial["left_out"] == {
        "energy": "no labels for this class in the data",
        "other": "not a class of the model",
    }
    assert set(partial["per_class"]) == {"steel", "chips", "other"}


def test_evaluate_label_classifier_counts_unknown_classes_as_errors():
    texts, Y, classes = synthetic(45)
    labels = single_labels(Y, classes)
    model = LabelClassifier(**FIXED).fit(texts, labels)
    report = evaluate_classifier(model, texts, [*labels[:-1], "unknown"])
    assert "unknown" in report["left_out"]
    assert report["accuracy"] < 1.0
    assert report["n_documents"] == 45


def test_metric_values_by_hand():
    truth = np.array([[1, 0], [1, 1], [0, 1], [0, 0]], dtype=bool)
    pred = np.array([[1, 0], [1, 0], [1, 1], [0, 0]], dtype=bool)
    m = multilabel_metrics(truth, pred, ["a", "b"])
    # a: tp 2 fp 1 fn 0; b: tp 1 fp 0 fn 1
    assert m["per_class"]["a"] == {"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "support": 2}
    assert m["micro_f1"] == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))
    assert m["macro_f1"] == pytest.approx((0.8 + 2 / 3) / 2)
    assert m["accuracy"] == 0.5
    s = single_label_metrics(["x", "y", "y"], ["x", "x", "y"], ["x", "y"])
    assert s["accuracy"] == pytest.approx(2 / 3)
    assert s["per_class"]["y"]["recall"] == 0.5


def test_progress_is_reported_in_order():
    texts, Y, classes = synthetic(30)
    calls: list[tuple[str, float | None]] = []
    ThemeClassifier().fit(texts, Y, classes, progress=lambda m, f=None: calls.append((m, f)))
    fractions = [f for _, f in calls if f is not None]
    assert calls[0][0] == "extracting features" and calls[-1] == ("done", 1.0)
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)


@settings(max_examples=50, deadline=None)
@given(
    arrays(float, (12, 3), elements=st.floats(0, 1)),
    arrays(bool, (12, 3)),
    st.sampled_from([0, 1]),
)
def test_thresholds_are_probabilities_and_min_labels_holds(proba, Y, min_labels):
    cut = best_thresholds(proba, Y, np.full(3, 0.5), 0.2)
    assert ((cut >= 0) & (cut <= 1)).all()
    decided = apply_thresholds(proba, cut, min_labels)
    assert decided.shape == proba.shape
    if min_labels:
        assert decided.any(axis=1).all()
    assert (decided | (proba < cut) | (min_labels == 1)).all()
