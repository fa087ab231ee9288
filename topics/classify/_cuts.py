"""Multi-label calibration: per-class Platt scaling and thresholds from held-out decision values,
with one shared cut for the classes too rare to have their own.

A class's own threshold (SCut, :func:`~topics.classify._linear.best_thresholds`) is the F1-best
cut of its held-out scores; with a handful of positive examples that cut is chance (one positive
in one fold: the other folds' SVMs never saw the class and score every document alike), and the
class keeps the SVM's boundary, which its test documents rarely cross. Reuters-21578's 90
categories include 25 with at most 5 training stories: at the boundary 20 of them were never
predicted right on the test split, a third of the macro-F1 lost.

The rare classes (:data:`RARE_POSITIVES` or fewer positive examples) share instead what the
classes with a few more examples say: one cut in decision values (the SVMs of every class are
fitted alike, so their margins compare) that maximises the mean held-out F1 of the classes with
2 to :data:`POOL_POSITIVES` positives, and one Platt scaling fitted on their pooled scores
("pooling the rare categories", as Yang 2001, "A study of thresholding strategies for text
categorization", SIGIR, does with its fbr fallback, here with the cut learned on the data).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from topics.classify import _linear

#: Classes with at most this many positive examples take the shared cut: with 5-fold cross-
#: validation, two or fewer positives per fold. Chosen by 5-fold cross-validation on the
#: Reuters-21578 training split only (macro-F1 0.583 with own cuts; shared cut for classes of
#: ≤ 2, 5, 7, 10 positives: 0.591, 0.595, 0.599, 0.601; micro-F1 0.899-0.900 throughout).
RARE_POSITIVES = 10
#: The shared cut is chosen on the classes with 2 to this many positive examples.
POOL_POSITIVES = 20


def calibrate(
    scores: np.ndarray, Y: np.ndarray, min_f1: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Platt parameters and probability thresholds per class from held-out ``scores``.

    Parameters
    ----------
    scores : ndarray of shape (n_documents, n_classes)
        Held-out (out-of-fold) decision values.
    Y : ndarray of bool, shape (n_documents, n_classes)
    min_f1 : float
        A cut (own or shared) whose held-out F1 is at most this keeps the SVM's boundary.

    Returns
    -------
    platt : ndarray of shape (2, n_classes)
    thresholds : ndarray of shape (n_classes,)
        A class never seen gets 1.0 (never predicted).
    shared : ndarray of bool, shape (n_classes,)
        The classes that took the shared cut and calibration.
    """
    Y = np.asarray(Y, dtype=bool)
    platt = _linear.fit_platt(scores, Y)
    proba = _linear.sigmoid(scores, platt)
    boundary = _linear.sigmoid(np.zeros((1, Y.shape[1])), platt)[0]
    boundary[~Y.any(axis=0)] = 1.0  # never predict a class that was never seen
    thresholds = _linear.best_thresholds(proba, Y, boundary, min_f1)
    positives = Y.sum(axis=0)
    shared = (positives >= 1) & (positives <= RARE_POSITIVES)
    pool = (positives >= 2) & (positives <= POOL_POSITIVES)
    cut = shared_cut(scores[:, pool], Y[:, pool], min_f1) if pool.any() else None
    if cut is None or not shared.any():
        return platt, thresholds, np.zeros(Y.shape[1], dtype=bool)
    pooled = _linear.fit_platt(scores[:, pool].reshape(-1, 1), Y[:, pool].reshape(-1, 1))
    platt[:, shared] = pooled
    thresholds[shared] = _linear.sigmoid(np.array([[cut]]), pooled)[0, 0]
    return platt, thresholds, shared


def shared_cut(scores: np.ndarray, Y: np.ndarray, min_f1: float) -> float | None:
    """The decision value that maximises the mean F1 of the columns of ``scores`` when each is
    cut there (the candidates: midpoints below every positive's score); ``None`` when that mean
    is at most ``min_f1``."""
    positives = np.unique(scores[Y])
    if not len(positives):
        return None
    lower = scores[scores < positives[0]]
    low = lower.max() if lower.size else positives[0] - 1.0
    candidates = (np.r_[low, positives[:-1]] + positives) / 2
    # F1 of every column at every candidate, from counts by binary search in sorted scores
    f1 = np.empty((len(candidates), scores.shape[1]))
    for j in range(scores.shape[1]):
        column, hit = np.sort(scores[:, j]), np.sort(scores[Y[:, j], j])
        selected = len(column) - np.searchsorted(column, candidates, side="left")
        hits = len(hit) - np.searchsorted(hit, candidates, side="left")
        f1[:, j] = 2 * hits / (selected + len(hit))
    mean = f1.mean(axis=1)
    best = int(np.argmax(mean))
    return float(candidates[best]) if mean[best] > min_f1 else None


def held_out_decisions(
    scores: np.ndarray,
    Y: np.ndarray,
    tested: list[np.ndarray],
    min_f1: float,
    min_labels: int,
) -> np.ndarray:
    """Decisions for every document of every fold in ``tested``, calibrated on the other folds
    only (honest held-out metrics of :func:`calibrate`'s thresholds)."""
    n = len(Y)
    decided = np.zeros_like(Y, dtype=bool)
    for test in tested:
        rest = np.setdiff1d(np.arange(n), test)
        platt, cut, _ = calibrate(scores[rest], Y[rest], min_f1)
        proba = _linear.sigmoid(scores[test], platt)
        decided[test] = _linear.apply_thresholds(proba, cut, min_labels)
    return decided


def describe(shared: np.ndarray, classes: Any, thresholds: np.ndarray) -> dict[str, Any]:
    """What :func:`calibrate` did, for a model's metrics: the classes on the shared cut."""
    names = [str(c) for c, s in zip(classes, shared, strict=True) if s]
    return {
        "shared_cut_classes": names,
        "shared_cut_rule": (
            f"classes with at most {RARE_POSITIVES} positive examples share one cut and one "
            f"calibration, chosen on the held-out scores of the classes with 2 to "
            f"{POOL_POSITIVES}"
        ),
        "shared_threshold": float(thresholds[shared][0]) if names else None,
    }
