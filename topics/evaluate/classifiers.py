"""Score a fitted theme or label classifier against labelled data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from topics.classify._label_fit import context_texts
from topics.classify.label import LabelClassifier, is_missing, is_multi
from topics.classify.metrics import multilabel_metrics, single_label_metrics
from topics.classify.theme import ThemeClassifier
from topics.errors import TrainingError


def evaluate_classifier(
    model: ThemeClassifier | LabelClassifier, texts: Sequence[str], Y: Any, *, context: Any = None
) -> dict[str, Any]:
    """Metrics of ``model`` on labelled texts, in the same form as ``model.cv_metrics_``.

    Parameters
    ----------
    model : ThemeClassifier or LabelClassifier
        Fitted.
    texts : sequence of str, length n_documents
    Y : labels
        ThemeClassifier: DataFrame of bool with class names as columns, or array of shape
        (n_documents, n_classes) in ``model.classes_`` order. LabelClassifier: sequence of
        labels (lists for a multi-label column); documents with a missing label are skipped.

    Returns
    -------
    dict
        See :mod:`topics.classify.metrics`. Classes of the model absent from a DataFrame, and
        classes of the data the model does not know, are listed in ``left_out``; unknown classes
        still count as missed labels in the micro scores.
    """
    texts = list(texts)
    if isinstance(model, LabelClassifier):
        return _evaluate_labels(model, texts, list(Y), context)
    classes = [str(c) for c in model.classes_]
    left_out: dict[str, str] = {}
    if hasattr(Y, "columns"):
        columns = [str(c) for c in Y.columns]
        extra = [c for c in columns if c not in classes]
        missing = [c for c in classes if c not in columns]
        left_out.update({c: "no labels for this class in the data" for c in missing})
        left_out.update({c: "not a class of the model" for c in extra})
        truth = np.zeros((len(Y), len(classes) + len(extra)), dtype=bool)
        values = np.asarray(Y, dtype=bool)
        for j, c in enumerate(classes + extra):
            if c in columns:
                truth[:, j] = values[:, columns.index(c)]
        all_classes = classes + extra
    else:
        truth = np.asarray(Y, dtype=bool)
        all_classes = classes
    if truth.shape[0] != len(texts) or truth.ndim != 2:
        raise TrainingError(f"labels of shape {truth.shape} do not match {len(texts)} texts")
    predicted = np.zeros_like(truth)
    predicted[:, : len(classes)] = model.predict(texts)
    scored = {c: r for c, r in left_out.items() if r != "not a class of the model"}
    out = multilabel_metrics(truth, predicted, all_classes, left_out=scored)
    out["left_out"] = left_out
    return out


def _evaluate_labels(
    model: LabelClassifier, texts: list[str], labels: list[Any], context: Any
) -> dict[str, Any]:
    if len(labels) != len(texts):
        raise TrainingError(f"{len(labels)} labels for {len(texts)} texts")
    keep = [i for i, v in enumerate(labels) if not is_missing(v)]
    columns = context_texts(model.context_columns, context, len(texts))
    texts = [texts[i] for i in keep]
    labels = [labels[i] for i in keep]
    classes = [str(c) for c in model.classes_]
    predicted = model.predict(texts, context={c: [v[i] for i in keep] for c, v in columns.items()})
    if not model.multilabel_:
        truth = [str(v) for v in labels]
        unknown = sorted(set(truth) - set(classes))
        left_out = {c: "not a class of the model (counted as errors)" for c in unknown}
        return single_label_metrics(truth, predicted, classes, left_out=left_out)
    sets = [{str(x) for x in v} if is_multi(v) else {str(v)} for v in labels]
    extra = sorted(set().union(*sets) - set(classes)) if sets else []
    all_classes = classes + extra
    truth = np.array([[c in s for c in all_classes] for s in sets], dtype=bool).reshape(
        -1, len(all_classes)
    )
    pred = np.array([[c in set(p) for c in all_classes] for p in predicted], dtype=bool).reshape(
        -1, len(all_classes)
    )
    out = multilabel_metrics(truth, pred, all_classes)
    out["left_out"] = {c: "not a class of the model (counted as missed)" for c in extra}
    return out
