"""The multi-label calibration's shared cut for rare classes (topics.classify._cuts)."""

from __future__ import annotations

import numpy as np
from test_label_search import SHARED

from topics.classify import LabelClassifier, _cuts, _linear


def test_shared_cut_maximises_the_mean_f1_of_the_columns():
    scores = np.array([[0.5, -0.9], [-0.3, -0.2], [-0.6, -0.5], [-0.8, -0.7]])
    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]], dtype=bool)
    # cut at -0.55 (between -0.5 and -0.6): column 0 takes 0.5, -0.3 (F1 1.0); column 1 takes
    # -0.2 and -0.5, one of them right (F1 2/3); mean 0.833, better than any other cut
    assert np.isclose(_cuts.shared_cut(scores, Y, 0.2), -0.55)
    assert _cuts.shared_cut(scores, Y, 0.9) is None  # nothing better than min_f1
    assert _cuts.shared_cut(scores, np.zeros_like(Y), 0.0) is None  # no positive at all


def _planted(n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Held-out scores of 2 frequent classes (100 positives), 4 with 8 and 2 with 1 positive,
    and one never seen; positives score about 0.6 higher than negatives."""
    rng = np.random.default_rng(seed)
    counts = [100, 100, 8, 8, 8, 8, 1, 1, 0]
    Y = np.zeros((n, len(counts)), dtype=bool)
    for j, count in enumerate(counts):
        Y[rng.choice(n, count, replace=False), j] = True
    scores = rng.normal(-1.0, 0.2, Y.shape) + 0.6 * Y + np.where(np.arange(9) < 2, 0.6, 0) * Y
    return scores, Y


def test_rare_classes_share_one_cut_and_calibration_and_the_rest_keep_their_own():
    scores, Y = _planted()
    platt, thresholds, shared = _cuts.calibrate(scores, Y, 0.2)
    assert shared.tolist() == [False, False, True, True, True, True, True, True, False]
    own = _linear.fit_platt(scores, Y)
    boundary = _linear.sigmoid(np.zeros((1, 9)), own)[0]
    boundary[8] = 1.0
    expected = _linear.best_thresholds(_linear.sigmoid(scores, own), Y, boundary, 0.2)
    for j in (0, 1):  # frequent classes: their own Platt scaling and F1-best cut
        assert np.allclose(platt[:, j], own[:, j]) and thresholds[j] == expected[j]
    assert thresholds[8] == 1.0 and platt[0, 8] == 0.0  # never seen: never predicted
    rare = np.flatnonzero(shared)
    assert np.allclose(platt[:, rare], platt[:, rare[:1]])  # one calibration for all of them
    assert np.allclose(thresholds[rare], thresholds[rare[0]])
    pool = (Y.sum(0) >= 2) & (Y.sum(0) <= _cuts.POOL_POSITIVES)
    cut = _cuts.shared_cut(scores[:, pool], Y[:, pool], 0.2)
    assert np.isclose(_linear.sigmoid(np.array([[cut]]), platt[:, rare[:1]])[0, 0], thresholds[6])
    # a class with one positive, whose own held-out scores say nothing, is now predictable:
    # a new document scoring like the pooled positives passes its cut
    proba = _linear.sigmoid(np.full((1, 9), -0.3), platt)[0]
    assert proba[6] >= thresholds[6]


def test_held_out_decisions_use_only_the_other_folds():
    scores, Y = _planted()
    folds = [np.arange(0, 200), np.arange(200, 400)]
    decided = _cuts.held_out_decisions(scores, Y, folds, 0.2, 1)
    changed = scores.copy()
    changed[:200] += 5.0  # the first fold's own scores cannot move its cuts
    platt, cut, _ = _cuts.calibrate(changed[200:], Y[200:], 0.2)
    expected = _linear.apply_thresholds(_linear.sigmoid(scores[:200], platt), cut, 1)
    assert (decided[:200] == expected).all()
    assert decided.any(axis=1).all()  # min_labels=1: every document gets a class


POOLS = {
    "trade": "tariff quota dumping safeguard import export customs duty",
    "energy": "grid power plant nuclear solar coal electricity reactor",
    "minerals": "lithium cobalt nickel graphite mine ore refining rare",
    "chips": "semiconductor wafer foundry memory fab lithography chip node",
}


def _documents(n_rare: int, seed: int) -> tuple[list[str], list[list[str]]]:
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    sizes = {"trade": 150, "energy": 150, "chips": 12, "minerals": n_rare}
    for label, size in sizes.items():
        for _ in range(size):
            own = rng.choice(POOLS[label].split(), 3)
            base = rng.choice(["trade", "energy"]) if label in ("chips", "minerals") else label
            other = rng.choice(POOLS[base].split(), 2)
            texts.append(" ".join([*rng.choice(SHARED, 8), *own, *other]))
            labels.append(sorted({label, base}))
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], [labels[i] for i in order]


def test_a_class_with_three_examples_is_still_predicted_for_documents_like_them():
    texts, labels = _documents(3, seed=0)
    model = LabelClassifier(features="words", C=1.0, class_weight=None, random_state=0)
    model.fit(texts, labels)
    assert "minerals" in model.cv_metrics_["shared_cut_classes"]
    assert "trade" not in model.cv_metrics_["shared_cut_classes"]
    j = list(model.classes_).index("minerals")
    assert model.thresholds_[j] == model.cv_metrics_["shared_threshold"]
    new, truth = _documents(40, seed=1)
    rare = [t for t, y in zip(new, truth, strict=True) if "minerals" in y]
    found = sum("minerals" in p for p in model.predict(rare))
    assert found >= 0.5 * len(rare)
    others = [t for t, y in zip(new, truth, strict=True) if "minerals" not in y]
    assert sum("minerals" in p for p in model.predict(others)) <= 0.05 * len(others)
