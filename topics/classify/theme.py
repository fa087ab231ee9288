"""Supervised multi-label classifier: calibrated probabilities and cross-validated thresholds.

It learns whatever labels it is given. The taxonomy's themes are tagged by
:class:`topics.classify.tagger.ThemeTagger`, which never feeds the phrase rules to a model
trained on the rules' own labels (that only measures agreement with the rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from topics.classify import _linear
from topics.classify._base import LinearTextModel, as_texts
from topics.classify.metrics import multilabel_metrics
from topics.errors import TrainingError
from topics.progress import Progress, noop


class ThemeClassifier(LinearTextModel):
    """Multi-label classifier: TF-IDF words → one linear SVM per class → Platt probabilities.

    Fitting runs ``k``-fold cross-validation (``k = min(cv, n_documents // 2)``) to get held-out
    decision values, fits Platt scaling on them (calibrated probabilities), and picks for each
    class the probability threshold that maximises its held-out F1 (SCut). A class whose best
    held-out F1 is at most ``min_cv_f1`` keeps the SVM's own boundary. The SVMs are then refit on
    all documents.

    Parameters
    ----------
    C : float
        SVM regularisation (larger: fit the training data more closely).
    ngram_range : (int, int)
        Word n-gram range of the TF-IDF features.
    min_df : int, float or "auto"
        Minimum document frequency of a feature; ``"auto"``: 2 from 200 documents on, else 1.
    max_features : int, optional
        Keep only the most frequent features.
    sublinear_tf : bool
        Use ``1 + log(tf)``.
    class_weight : {None, "balanced"}
        Class weighting of each SVM.
    cv : int
        Most cross-validation folds (fewer on small corpora, never under 2).
    min_labels : {"auto", 0, 1}
        ``1``: a document with no class above its threshold gets its most probable class;
        ``"auto"``: 1 when every training document has at least one class, else 0.
    min_cv_f1 : float
        Below this held-out F1 a class keeps the default boundary instead of a tuned threshold.
    random_state : int
        Seed of the folds and the SVM solver.

    Attributes
    ----------
    classes_ : ndarray of str, shape (n_classes,)
    thresholds_ : ndarray of shape (n_classes,)
        Probability thresholds.
    min_labels_ : int
    cv_metrics_ : dict
        Cross-validated metrics (see :mod:`topics.classify.metrics`) plus ``n_folds``,
        ``thresholds`` and ``method``. Classes with fewer positive (or negative) examples than
        folds are trained but listed in ``left_out`` instead of being scored.
    """

    _kind = "theme"

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
        min_labels: int | str = "auto",
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
        self.min_labels = min_labels
        self.min_cv_f1 = min_cv_f1

    def fit(
        self,
        texts: Sequence[str],
        Y: Any,
        classes: Sequence[str] | None = None,
        *,
        progress: Progress | None = None,
    ) -> ThemeClassifier:
        """Fit on texts and a bool label matrix.

        Parameters
        ----------
        texts : sequence of str, length n_documents
        Y : array-like or DataFrame of bool, shape (n_documents, n_classes)
        classes : sequence of str, length n_classes, optional
            Class names; by default the DataFrame's columns or ``"0"``, ``"1"``, ...
        progress : callable, optional
            ``progress(message, fraction)``.

        Returns
        -------
        self

        Raises
        ------
        TrainingError
            Fewer than 4 documents, shapes that do not match, no usable words.
        """
        if classes is None:
            classes = list(Y.columns) if hasattr(Y, "columns") else None
        Y = np.asarray(Y).astype(bool)
        texts = as_texts(texts)
        if Y.ndim != 2 or Y.shape[0] != len(texts):
            raise TrainingError(
                f"labels of shape {Y.shape} do not match {len(texts)} texts",
                "pass one row of labels per text",
            )
        if classes is None:
            classes = [str(j) for j in range(Y.shape[1])]
        if len(classes) != Y.shape[1]:
            raise TrainingError(f"{len(classes)} class names for {Y.shape[1]} label columns")
        fit_multilabel(self, texts, Y, [str(c) for c in classes], progress or noop)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probability of each class, ndarray of shape (n_texts, n_classes)."""
        return self._calibrated(texts)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Classes at or above their threshold, bool ndarray of shape (n_texts, n_classes)."""
        return self.predict_with_proba(texts)[0]

    def predict_with_proba(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``predict`` and ``predict_proba`` at the cost of one: (bool, float) arrays."""
        check_is_fitted(self, "coef_")
        proba = self.predict_proba(texts)
        return _linear.apply_thresholds(proba, self.thresholds_, self.min_labels_), proba

    def _extra_meta(self) -> dict[str, Any]:
        return {"min_labels_": int(self.min_labels_)}

    def _set_extra_meta(self, meta: dict[str, Any]) -> None:
        self.min_labels_ = int(meta["min_labels_"])


def fit_multilabel(
    model: Any, texts: list[str], Y: np.ndarray, classes: list[str], progress: Progress
) -> None:
    """Fit ``model`` (a ThemeClassifier-like estimator) in place; see :class:`ThemeClassifier`."""
    n = len(texts)
    n_splits = model._check_params(n)
    if model.min_labels not in ("auto", 0, 1):
        raise TrainingError(f"min_labels must be 'auto', 0 or 1, got {model.min_labels!r}")
    min_labels = model.min_labels
    if min_labels == "auto":
        min_labels = int(bool(Y.shape[1]) and bool(Y.any(axis=1).all()))

    progress("extracting features", 0.0)
    X = model._fit_features(texts)
    folds = _linear.multilabel_folds(n, n_splits, model.random_state)
    kwargs = model._linear_kwargs()
    oof = _linear.out_of_fold_scores(X, Y, folds, progress=progress, **kwargs)
    platt = _linear.fit_platt(oof, Y)
    proba = _linear.sigmoid(oof, platt)
    boundary = _linear.sigmoid(np.zeros((1, Y.shape[1])), platt)[0]
    boundary[~Y.any(axis=0)] = 1.0  # never predict a class that was never seen

    # Held-out predictions with thresholds chosen on the other folds only: honest CV metrics.
    held_out = np.zeros_like(Y)
    for _, test in folds:
        rest = np.setdiff1d(np.arange(n), test)
        cut = _linear.best_thresholds(proba[rest], Y[rest], boundary, model.min_cv_f1)
        held_out[test] = _linear.apply_thresholds(proba[test], cut, min_labels)
    support = Y.sum(axis=0)
    left_out = {}
    for c, pos in zip(classes, support, strict=True):
        neg = n - int(pos)
        if min(int(pos), neg) < n_splits:
            which = "positive" if pos <= neg else "negative"
            left_out[c] = (
                f"{min(int(pos), neg)} {which} example(s), fewer than the {n_splits} "
                "cross-validation folds: trained but not scored"
            )

    progress("fitting the final model", len(folds) / (len(folds) + 1))
    model.coef_, model.intercept_ = _linear.fit_linear(X, Y, **kwargs)
    model.platt_ = platt
    model.thresholds_ = _linear.best_thresholds(proba, Y, boundary, model.min_cv_f1)
    model.classes_ = np.asarray(classes, dtype=object)
    model.min_labels_ = min_labels
    metrics = multilabel_metrics(Y, held_out, classes, left_out=left_out)
    metrics.update(
        n_folds=n_splits,
        n_features=int(X.shape[1]),
        thresholds={c: float(t) for c, t in zip(classes, model.thresholds_, strict=True)},
        method="tfidf, linear svm per class, platt scaling, per-class thresholds from held-out "
        "folds",
    )
    model.cv_metrics_ = metrics
    progress("done", 1.0)
