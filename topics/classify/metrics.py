"""Classification metrics as plain JSON-able dicts (kept with models, printed by the CLI).

Both functions return::

    {
      "task": "multilabel" | "single_label",
      "n_documents": int,
      "micro_precision", "micro_recall", "micro_f1": float,
      "macro_precision", "macro_recall", "macro_f1": float,   # over the evaluated classes
      "accuracy": float,            # single-label; exact-match ratio for multilabel
      "per_class": {class: {"precision", "recall", "f1", "support"}},
      "intervals": {"level", "n_resamples", "per_class": {class: {"precision", "recall", "f1":
                    [low, high]}}, "macro_f1", "micro_f1"},   # bootstrap over documents
      "confusion": {"kind", "classes", "columns", "matrix"},   # see below
      "left_out": {class: reason},  # classes not evaluated, and why
    }

``confusion`` is, single-label, ``kind: "multiclass"``: one row per true class, one column per
predicted class (``columns`` = ``classes``); multi-label, ``kind: "one_vs_rest"``: one row per
class, its ``true positive``, ``false positive``, ``false negative`` and ``true negative`` counts.
Both cover the evaluated classes only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def multilabel_metrics(
    Y_true: np.ndarray,
    Y_pred: np.ndarray,
    classes: Sequence[str],
    *,
    left_out: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Micro, macro and per-class scores of multi-label predictions.

    Parameters
    ----------
    Y_true, Y_pred : ndarray of bool, shape (n_documents, n_classes)
    classes : sequence of str, length n_classes
    left_out : mapping of str to str, optional
        Classes of ``classes`` to leave out of the scores, with the reason (reported).
    """
    left_out = dict(left_out or {})
    keep = [j for j, c in enumerate(classes) if c not in left_out]
    Y_true = np.asarray(Y_true, dtype=bool)
    Y_pred = np.asarray(Y_pred, dtype=bool)
    kept = [classes[j] for j in keep]
    out = _scores(Y_true[:, keep], Y_pred[:, keep], kept)
    out["intervals"] = interval_scores(Y_true[:, keep], Y_pred[:, keep], kept)
    out["confusion"] = one_vs_rest_confusion(Y_true[:, keep], Y_pred[:, keep], kept)
    out["accuracy"] = (
        float(np.mean((Y_true[:, keep] == Y_pred[:, keep]).all(axis=1))) if len(Y_true) else 0.0
    )
    return {"task": "multilabel", "n_documents": len(Y_true), **out, "left_out": left_out}


def single_label_metrics(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    classes: Sequence[str],
    *,
    left_out: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Accuracy, micro, macro and per-class scores of single-label predictions.

    Parameters
    ----------
    y_true, y_pred : sequence of str, length n_documents
    classes : sequence of str
        Classes to score (a true class outside ``classes`` still counts as an error).
    left_out : mapping of str to str, optional
        Classes not evaluated, with the reason (reported only).
    """
    y_true = np.asarray([str(v) for v in y_true], dtype=object)
    y_pred = np.asarray([str(v) for v in y_pred], dtype=object)
    classes = list(classes)
    Y_true = (
        np.stack([y_true == c for c in classes], axis=1)
        if classes
        else np.zeros((len(y_true), 0), bool)
    )
    Y_pred = (
        np.stack([y_pred == c for c in classes], axis=1)
        if classes
        else np.zeros((len(y_true), 0), bool)
    )
    out = _scores(Y_true, Y_pred, classes)
    out["accuracy"] = float(np.mean(y_true == y_pred)) if len(y_true) else 0.0
    out["confusion"] = confusion_matrix(y_true, y_pred, classes)
    out["intervals"] = interval_scores(Y_true, Y_pred, classes)
    return {
        "task": "single_label",
        "n_documents": len(y_true),
        **out,
        "left_out": dict(left_out or {}),
    }


def _scores(Y_true: np.ndarray, Y_pred: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    tp = (Y_true & Y_pred).sum(axis=0).astype(float)
    fp = (~Y_true & Y_pred).sum(axis=0).astype(float)
    fn = (Y_true & ~Y_pred).sum(axis=0).astype(float)
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    per_class = {
        str(c): {
            "precision": float(precision[j]),
            "recall": float(recall[j]),
            "f1": float(f1[j]),
            "support": int(tp[j] + fn[j]),
        }
        for j, c in enumerate(classes)
    }
    TP, FP, FN = tp.sum(), fp.sum(), fn.sum()
    mean = (lambda v: float(v.mean())) if len(classes) else (lambda v: 0.0)
    return {
        "micro_precision": float(_ratio(TP, TP + FP)),
        "micro_recall": float(_ratio(TP, TP + FN)),
        "micro_f1": float(_ratio(2 * TP, 2 * TP + FP + FN)),
        "macro_precision": mean(precision),
        "macro_recall": mean(recall),
        "macro_f1": mean(f1),
        "per_class": per_class,
    }


def _ratio(num: Any, den: Any) -> Any:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


def confusion_matrix(
    y_true: Sequence[str], y_pred: Sequence[str], classes: Sequence[str]
) -> dict[str, Any]:
    """Single-label confusion matrix: ``{"classes": [...], "matrix": [[...], ...]}``.

    Rows are true classes, columns predicted classes (``classes`` order).

    Documents whose true or predicted class is not in ``classes`` are not counted.
    """
    index = {str(c): j for j, c in enumerate(classes)}
    matrix = np.zeros((len(classes), len(classes)), dtype=int)
    for t, p in zip(y_true, y_pred, strict=True):
        if str(t) in index and str(p) in index:
            matrix[index[str(t)], index[str(p)]] += 1
    names = [str(c) for c in classes]
    return {"kind": "multiclass", "classes": names, "columns": names, "matrix": matrix.tolist()}


#: Columns of a one-vs-rest confusion table (multi-label).
ONE_VS_REST = ("true positive", "false positive", "false negative", "true negative")


def one_vs_rest_confusion(
    Y_true: np.ndarray, Y_pred: np.ndarray, classes: Sequence[str]
) -> dict[str, Any]:
    """Multi-label confusion: per class, its true/false positives and negatives.

    Parameters
    ----------
    Y_true, Y_pred : ndarray of bool, shape (n_documents, n_classes)

    Returns
    -------
    dict
        ``{"kind": "one_vs_rest", "classes", "columns": ONE_VS_REST, "matrix"}``, one row
        ``[tp, fp, fn, tn]`` per class.
    """
    T, P = np.asarray(Y_true, dtype=bool), np.asarray(Y_pred, dtype=bool)
    counts = np.stack([(T & P).sum(0), (~T & P).sum(0), (T & ~P).sum(0), (~T & ~P).sum(0)], 1)
    return {
        "kind": "one_vs_rest",
        "classes": [str(c) for c in classes],
        "columns": list(ONE_VS_REST),
        "matrix": counts.astype(int).tolist(),
    }


def interval_scores(
    Y_true: np.ndarray,
    Y_pred: np.ndarray,
    classes: Sequence[str],
    *,
    level: float = 0.95,
    n_resamples: int = 400,
    random_state: int = 0,
) -> dict[str, Any]:
    """Bootstrap percentile intervals of per-class and averaged precision, recall and F1.

    Documents are resampled with replacement (``n_resamples`` times, fixed seed).

    Parameters
    ----------
    Y_true, Y_pred : ndarray of bool, shape (n_documents, n_classes)

    Returns
    -------
    dict
        ``level``, ``n_resamples``, ``per_class`` (class → ``precision``, ``recall``, ``f1``:
        each ``[low, high]``), ``macro_f1`` and ``micro_f1`` (``[low, high]``).
    """
    Y_true = np.asarray(Y_true, dtype=bool)
    Y_pred = np.asarray(Y_pred, dtype=bool)
    n = len(Y_true)
    if n == 0 or not len(classes):
        return {"level": level, "n_resamples": 0, "per_class": {}}
    rng = np.random.default_rng(random_state)
    weights = rng.multinomial(n, np.full(n, 1 / n), size=n_resamples).astype(float)
    tp = weights @ (Y_true & Y_pred)
    fp = weights @ (~Y_true & Y_pred)
    fn = weights @ (Y_true & ~Y_pred)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    TP, FP, FN = tp.sum(axis=1), fp.sum(axis=1), fn.sum(axis=1)
    micro = _ratio(2 * TP, 2 * TP + FP + FN)
    tail = (1 - level) / 2 * 100

    def bounds(values: np.ndarray) -> list[float]:
        low, high = np.percentile(values, [tail, 100 - tail], axis=0)
        return [float(low), float(high)]

    return {
        "level": level,
        "n_resamples": n_resamples,
        "per_class": {
            str(c): {
                "precision": bounds(precision[:, j]),
                "recall": bounds(recall[:, j]),
                "f1": bounds(f1[:, j]),
            }
            for j, c in enumerate(classes)
        },
        "macro_f1": bounds(f1.mean(axis=1)),
        "micro_f1": bounds(micro),
    }
