"""Classifier for any categorical column: single-label or multi-label (list-valued)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from topics.classify import _linear
from topics.classify._base import LinearTextModel, as_texts
from topics.classify.metrics import single_label_metrics
from topics.classify.theme import fit_multilabel
from topics.errors import TrainingError
from topics.progress import Progress, noop

#: Fewest examples a class needs to be learned by the single-label classifier.
MIN_CLASS_SIZE = 2


def is_missing(value: Any) -> bool:
    """``None``, NaN/NA, blank strings and empty lists are missing labels."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return len(value) == 0
    import pandas as pd

    try:
        return bool(pd.isna(value))  # None, NaN, NaT, pd.NA
    except (TypeError, ValueError):
        return False


def is_multi(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset | np.ndarray)


class LabelClassifier(LinearTextModel):
    """Learn a categorical column: one class per document, or several (list-valued column).

    Labels are compared as strings. Documents whose label is missing (``None``, NaN, blank,
    empty list) are left out of training. Single-label: one linear SVM per class on TF-IDF
    words, Platt-calibrated on held-out folds and normalised to sum to 1; the prediction is the
    most probable class. Classes with fewer than 2 examples are left out (reported in
    ``cv_metrics_["left_out"]``). Multi-label: as :class:`ThemeClassifier`, and a document
    always gets at least its most probable class (``min_labels=1``).

    Parameters
    ----------
    C, ngram_range, min_df, max_features, sublinear_tf, class_weight, cv, random_state
        As :class:`ThemeClassifier`.
    min_cv_f1 : float
        Multi-label only: as :class:`ThemeClassifier`.

    Attributes
    ----------
    classes_ : ndarray of str
    multilabel_ : bool
    thresholds_ : ndarray of shape (n_classes,)
        Multi-label probability thresholds (unused for single-label).
    cv_metrics_ : dict
        Cross-validated metrics (see :mod:`topics.classify.metrics`) plus ``n_folds``.

    Raises
    ------
    TrainingError
        From ``fit``: fewer than 2 classes with at least 2 examples ("the column has one
        class"), or fewer than 4 labelled documents.
    """

    _kind = "label"

    def __init__(
        self,
        *,
        C: float = 1.0,
        ngram_range: tuple[int, int] = (1, 1),
        min_df: int | float | str = "auto",
        max_features: int | None = None,
        sublinear_tf: bool = True,
        class_weight: str | None = None,
        cv: int = 5,
        min_cv_f1: float = 0.2,
        random_state: int = 0,
    ) -> None:
        super().__init__(
            C=C,
            ngram_range=ngram_range,
            min_df=min_df,
            max_features=max_features,
            sublinear_tf=sublinear_tf,
            class_weight=class_weight,
            cv=cv,
            random_state=random_state,
        )
        self.min_cv_f1 = min_cv_f1

    @property
    def min_labels(self) -> int:
        return 1

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        *,
        progress: Progress | None = None,
    ) -> LabelClassifier:
        """Fit on texts and their labels.

        Parameters
        ----------
        texts : sequence of str, length n_documents
        labels : sequence, length n_documents
            One label per document (str or any scalar), or a list of labels per document.
        progress : callable, optional

        Returns
        -------
        self
        """
        texts = as_texts(texts)
        labels = list(labels)
        if len(labels) != len(texts):
            raise TrainingError(f"{len(labels)} labels for {len(texts)} texts")
        keep = [i for i, v in enumerate(labels) if not is_missing(v)]
        texts = [texts[i] for i in keep]
        labels = [labels[i] for i in keep]
        progress = progress or noop
        self.multilabel_ = any(is_multi(v) for v in labels)
        if self.multilabel_:
            sets = [{str(x) for x in v} if is_multi(v) else {str(v)} for v in labels]
            classes = sorted(set().union(*sets))
            if len(classes) < 2:
                raise TrainingError(
                    f"the label column has only one class ({classes[0] if classes else 'none'})",
                    "a classifier needs at least two classes",
                )
            Y = np.array([[c in s for c in classes] for s in sets], dtype=bool)
            fit_multilabel(self, texts, Y, classes, progress)
            return self
        self._fit_single(texts, [str(v) for v in labels], progress)
        return self

    def _fit_single(self, texts: list[str], labels: list[str], progress: Progress) -> None:
        counts = Counter(labels)
        left_out = {
            c: f"{k} example(s), fewer than the {MIN_CLASS_SIZE} needed: not learned"
            for c, k in sorted(counts.items())
            if k < MIN_CLASS_SIZE
        }
        classes = sorted(c for c in counts if c not in left_out)
        if len(classes) < 2:
            only = f"only one class ({classes[0]!r})" if classes else "no class"
            raise TrainingError(
                f"the label column has {only} with at least {MIN_CLASS_SIZE} examples",
                "a classifier needs at least two classes; choose another column",
            )
        rows = [i for i, y in enumerate(labels) if y in classes]
        texts = [texts[i] for i in rows]
        y = np.asarray([labels[i] for i in rows], dtype=object)
        n_splits = min(self._check_params(len(texts)), min(counts[c] for c in classes))
        Y = np.stack([y == c for c in classes], axis=1)

        from sklearn.model_selection import StratifiedKFold

        progress("extracting features", 0.0)
        X = self._fit_features(texts)
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
        folds = list(splitter.split(np.zeros(len(y)), y))
        kwargs = self._linear_kwargs()
        oof = _linear.out_of_fold_scores(X, Y, folds, progress=progress, **kwargs)
        self.platt_ = _linear.fit_platt(oof, Y)
        held_out = _normalise(_linear.sigmoid(oof, self.platt_))
        predicted = np.asarray(classes, dtype=object)[held_out.argmax(axis=1)]

        progress("fitting the final model", len(folds) / (len(folds) + 1))
        self.coef_, self.intercept_ = _linear.fit_linear(X, Y, **kwargs)
        self.thresholds_ = np.full(len(classes), 0.5)
        self.classes_ = np.asarray(classes, dtype=object)
        metrics = single_label_metrics(y, predicted, classes, left_out=left_out)
        metrics.update(
            n_folds=n_splits,
            n_features=int(X.shape[1]),
            method="tfidf+linear-svm one-vs-rest, platt scaling on held-out folds",
        )
        self.cv_metrics_ = metrics
        progress("done", 1.0)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of each class, ndarray of shape (n_texts, n_classes).

        Single-label rows sum to 1; multi-label columns are independent calibrated probabilities.
        """
        proba = self._calibrated(texts)
        return proba if self.multilabel_ else _normalise(proba)

    def predict(self, texts: Sequence[str]) -> list[Any]:
        """Predicted label per text: a str, or a list of str for a multi-label column."""
        return self.predict_with_proba(texts)[0]

    def predict_with_proba(self, texts: Sequence[str]) -> tuple[list[Any], np.ndarray | None]:
        """Predictions and, for single-label, the probability of each predicted label.

        Returns
        -------
        predictions : list, length n_texts
        proba : ndarray of shape (n_texts,) or None
            ``None`` for a multi-label column (see :meth:`predict_proba`).
        """
        check_is_fitted(self, "coef_")
        proba = self.predict_proba(texts)
        if self.multilabel_:
            decided = _linear.apply_thresholds(proba, self.thresholds_, 1)
            return [[str(c) for c in self.classes_[row]] for row in decided], None
        best = proba.argmax(axis=1)
        return [str(c) for c in self.classes_[best]], proba[np.arange(len(best)), best]

    def _extra_meta(self) -> dict[str, Any]:
        return {"multilabel_": bool(self.multilabel_), "min_labels_": 1}

    def _set_extra_meta(self, meta: dict[str, Any]) -> None:
        self.multilabel_ = bool(meta["multilabel_"])
        self.min_labels_ = 1


def _normalise(proba: np.ndarray) -> np.ndarray:
    total = proba.sum(axis=1, keepdims=True)
    return np.divide(
        proba, total, out=np.full_like(proba, 1 / max(1, proba.shape[1])), where=total > 0
    )
