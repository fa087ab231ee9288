"""Classifier for any categorical column: single-label or multi-label (list-valued), tuning itself.

Saved as a component directory (:mod:`topics.classify._label_store`): ``classifier.json``
(parameters, classes, chosen configuration, search table, metrics), ``arrays.npz`` (weights,
calibration, thresholds, priors) and one ``block-<i>.json`` + ``block-<i>.npz`` per feature
block (a fitted ``TfidfVectorizer``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from topics.classify import _chars, _linear, _priors, select
from topics.classify._base import MIN_DOCUMENTS, as_texts
from topics.classify._label_fit import Context, context_texts, fit_multi, fit_single
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


class LabelClassifier(BaseEstimator):
    """Learn a categorical column: one class per document, or several (list-valued column).

    Labels are compared as strings; documents whose label is missing (``None``, NaN, blank,
    empty list) are left out of training. ``fit`` searches a small grid (see
    :mod:`topics.classify.select`) by stratified cross-validation on the training data: the
    feature set (word 1–2-grams, character 2–5-grams, both), the linear SVM's ``C`` on a log
    grid and the class weighting, within a time budget. Each class gets a one-vs-rest linear
    SVM (single-label: blended with complement naive Bayes on the same features, see
    :func:`~topics.classify._linear.blend_complement_nb`), Platt-calibrated on held-out decision
    values; single-label probabilities are normalised
    to sum to 1 and the prediction is the most probable class; multi-label classes have per-
    class thresholds (SCut) and a document always gets at least its most probable class.

    The metrics kept in ``cv_metrics_`` are honest: up to 3,000 documents by nested
    cross-validation (the search is rerun inside every outer fold); above that, single-label, on a
    stratified fifth held out from the search and the fit; multi-label above that, the chosen
    configuration's cross-validated predictions, thresholds chosen on the other folds (said in
    ``cv_metrics_["method"]``).

    Parameters
    ----------
    features : {"auto", "words", "chars", "words+chars"}
        ``"auto"`` searches ``words`` and ``words+chars``.
    C : "auto" or float
    class_weight : {"auto", None, "balanced"}
        ``"auto"`` lets the search choose; a value fixes it (all three fixed: no search).
        Multi-label columns are scored by micro-F1 and not class-weighted under ``"auto"``:
        their per-class thresholds answer imbalance.
    budget : "auto" or float
        Seconds the fit may plan to spend (``"auto"``: ``20 + 0.0115 · n_documents``, times
        ``n_classes / 20`` above 20 classes).
    context_columns : sequence of str
        Names of context texts given to ``fit(context=...)`` (e.g. the text before and after):
        each becomes its own feature block.
    priors : None, "estimate" or mapping of class to float
        Single-label: class priors of the documents the model will be applied to. ``None``: the
        training set's; ``"estimate"``: by EM (Saerens et al. 2002) on the unlabelled documents
        given to ``fit``; a mapping: as given (normalised). Probabilities and decisions follow.
    cv : int
        Outer folds of the nested / cross-validated estimate.
    min_cv_f1 : float
        Multi-label: below this held-out F1 a class keeps the SVM's own boundary.
    n_jobs : int, optional
        Parallel fits of the search.
    random_state : int

    Attributes
    ----------
    classes_ : ndarray of str
    multilabel_ : bool
    config_ : dict
        The chosen ``features``, ``C`` and ``class_weight``.
    search_ : dict
        ``table`` (every candidate scored), ``plan`` and ``scoring``.
    train_priors_, priors_ : ndarray of shape (n_classes,)
        Class shares of the training set, and the priors predictions use.
    cv_metrics_ : dict
        See :mod:`topics.classify.metrics`; plus ``n_folds``, ``method``, ``confusion``,
        ``intervals``.

    Raises
    ------
    TrainingError
        From ``fit``: fewer than 2 classes with at least 2 examples, fewer than 4 labelled
        documents, bad parameters.
    """

    def __init__(
        self,
        *,
        features: str = "auto",
        C: float | str = "auto",
        class_weight: str | None = "auto",
        budget: float | str = "auto",
        context_columns: Sequence[str] = (),
        priors: str | Mapping[str, float] | None = None,
        cv: int = 5,
        min_cv_f1: float = 0.2,
        n_jobs: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.features = features
        self.C = C
        self.class_weight = class_weight
        self.budget = budget
        self.context_columns = context_columns
        self.priors = priors
        self.cv = cv
        self.min_cv_f1 = min_cv_f1
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        *,
        context: Context = None,
        progress: Progress | None = None,
    ) -> LabelClassifier:
        """Fit on texts and their labels.

        Parameters
        ----------
        texts : sequence of str, length n_documents
        labels : sequence, length n_documents
            One label per document (str or any scalar), or a list of labels per document.
        context : mapping of str to sequence of str, or DataFrame, optional
            One text per document for every name in ``context_columns``.
        progress : callable, optional

        Returns
        -------
        self
        """
        texts = as_texts(texts)
        labels = list(labels)
        if len(labels) != len(texts):
            raise TrainingError(f"{len(labels)} labels for {len(texts)} texts")
        self._check_params()
        columns = context_texts(self.context_columns, context, len(texts), fitting=True)
        keep = [i for i, v in enumerate(labels) if not is_missing(v)]
        unlabelled = [i for i, v in enumerate(labels) if is_missing(v)]
        if len(keep) < MIN_DOCUMENTS:
            raise TrainingError(
                f"{len(keep)} labelled document(s) is too few to train a classifier "
                f"(at least {MIN_DOCUMENTS} are needed)",
                "add documents or labels",
            )
        docs = {"text": [texts[i] for i in keep]}
        docs.update({name: [col[i] for i in keep] for name, col in columns.items()})
        labels = [labels[i] for i in keep]
        progress = progress or noop
        self.multilabel_ = any(is_multi(v) for v in labels)
        if self.multilabel_:
            if self.priors is not None:
                raise TrainingError(
                    "class priors can only be adjusted for a single-label column",
                    "drop --priors for a list-valued column",
                )
            sets = [{str(x) for x in v} if is_multi(v) else {str(v)} for v in labels]
            classes = sorted(set().union(*sets))
            if len(classes) < 2:
                raise TrainingError(
                    f"the label column has only one class ({classes[0] if classes else 'none'})",
                    "a classifier needs at least two classes",
                )
            Y = np.array([[c in s for c in classes] for s in sets], dtype=bool)
            fit_multi(self, docs, Y, classes, progress)
            self.train_priors_ = Y.mean(axis=0)
            self.priors_ = self.train_priors_.copy()
            return self
        labels = [str(v) for v in labels]
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
        docs = {name: [col[i] for i in rows] for name, col in docs.items()}
        y = np.asarray([labels[i] for i in rows], dtype=object)
        fit_single(self, docs, y, classes, left_out, progress)
        self.train_priors_ = np.asarray([np.mean(y == c) for c in classes])
        self.priors_ = self._target_priors(texts, columns, unlabelled)
        return self

    # -- parameters ---------------------------------------------------------------------------

    def _check_params(self) -> None:
        if self.features != "auto" and self.features not in select.FEATURE_SETS:
            raise TrainingError(
                f"features must be 'auto' or one of {', '.join(select.FEATURE_SETS)}, "
                f"got {self.features!r}"
            )
        if self.C != "auto" and not (isinstance(self.C, int | float) and self.C > 0):
            raise TrainingError(f"C must be 'auto' or positive, got {self.C!r}")
        if self.class_weight not in ("auto", None, "balanced"):
            raise TrainingError(
                f"class_weight must be 'auto', None or 'balanced', got {self.class_weight!r}"
            )
        if self.budget != "auto" and not (isinstance(self.budget, int | float) and self.budget > 0):
            raise TrainingError(
                f"budget must be 'auto' or a positive number of seconds, got {self.budget!r}"
            )
        if not isinstance(self.cv, int) or self.cv < 2:
            raise TrainingError(f"cv must be a whole number ≥ 2, got {self.cv!r}")
        if self.priors not in (None, "estimate") and not isinstance(self.priors, Mapping):
            raise TrainingError(
                f"priors must be None, 'estimate' or class → share, got {self.priors!r}"
            )

    def _target_priors(
        self, texts: list[str], columns: dict[str, list[str]], unlabelled: list[int]
    ) -> np.ndarray:
        classes = [str(c) for c in self.classes_]
        if self.priors is None:
            return self.train_priors_.copy()
        if self.priors == "estimate":
            if not unlabelled:
                raise TrainingError(
                    "priors='estimate' needs documents without a label to estimate them on",
                    "include the unlabelled documents in the corpus, or give the priors",
                )
            ctx = {name: [col[i] for i in unlabelled] for name, col in columns.items()}
            target = self.estimate_priors([texts[i] for i in unlabelled], context=ctx)
            return np.asarray([target[c] for c in classes])
        given = {str(k): float(v) for k, v in self.priors.items()}
        unknown = sorted(set(given) - set(classes))
        if unknown or any(v < 0 for v in given.values()) or sum(given.values()) <= 0:
            raise TrainingError(
                f"priors {given} do not fit the classes {classes}",
                "give a non-negative share for classes of the column",
            )
        missing = [c for c in classes if c not in given]
        if missing:
            raise TrainingError(
                f"priors give no share for {', '.join(missing)}", "give one share per class"
            )
        values = np.asarray([given[c] for c in classes])
        return values / values.sum()

    # -- prediction ---------------------------------------------------------------------------

    def _features(self, texts: Sequence[str], context: Context = None) -> Any:
        from scipy import sparse

        texts = as_texts(texts)
        columns = context_texts(self.context_columns, context, len(texts))
        parts = [
            _chars.transform(
                vectorizer, columns[name[8:]] if name.startswith("context:") else texts
            )
            for name, vectorizer in zip(self.block_names_, self.vectorizers_, strict=True)
        ]
        return sparse.hstack(parts, format="csr") * (1 / np.sqrt(len(parts)))

    def decision_function(self, texts: Sequence[str], *, context: Context = None) -> np.ndarray:
        """Raw SVM decision values, ndarray of shape (n_texts, n_classes).

        ``context`` gives one text per text for every name in ``context_columns`` (as in
        ``fit``); a classifier trained with context columns refuses to predict without them
        (:class:`~topics.errors.CorpusError` naming the missing column).
        """
        check_is_fitted(self, "coef_")
        return _linear.decision(self._features(texts, context), self.coef_, self.intercept_)

    def predict_proba(self, texts: Sequence[str], *, context: Context = None) -> np.ndarray:
        """Probability of each class, ndarray of shape (n_texts, n_classes).

        Single-label rows sum to 1 and follow ``priors_``; multi-label columns are independent
        calibrated probabilities.
        """
        proba = _linear.sigmoid(self.decision_function(texts, context=context), self.platt_)
        if self.multilabel_:
            return proba
        return _priors.adjust_proba(normalise(proba), self.train_priors_, self.priors_)

    def estimate_priors(self, texts: Sequence[str], *, context: Context = None) -> dict[str, float]:
        """Class shares among ``texts`` by EM prior adjustment (Saerens et al. 2002).

        Single-label only. Returns class → estimated share (sums to 1).
        """
        check_is_fitted(self, "coef_")
        if self.multilabel_:
            raise TrainingError("class priors can only be estimated for a single-label column")
        proba = _linear.sigmoid(self.decision_function(texts, context=context), self.platt_)
        estimated = _priors.em_priors(normalise(proba), self.train_priors_)
        return {str(c): float(p) for c, p in zip(self.classes_, estimated, strict=True)}

    def predict(self, texts: Sequence[str], *, context: Context = None) -> list[Any]:
        """Predicted label per text: a str, or a list of str for a multi-label column."""
        return self.predict_with_proba(texts, context=context)[0]

    def predict_with_proba(
        self, texts: Sequence[str], *, context: Context = None
    ) -> tuple[list[Any], np.ndarray | None]:
        """Predictions and, for single-label, the probability of each predicted label.

        Returns
        -------
        predictions : list, length n_texts
        proba : ndarray of shape (n_texts,) or None
            ``None`` for a multi-label column (see :meth:`predict_proba`).
        """
        check_is_fitted(self, "coef_")
        proba = self.predict_proba(texts, context=context)
        if self.multilabel_:
            decided = _linear.apply_thresholds(proba, self.thresholds_, 1)
            return [[str(c) for c in self.classes_[row]] for row in decided], None
        best = proba.argmax(axis=1)
        return [str(c) for c in self.classes_[best]], proba[np.arange(len(best)), best]

    # -- persistence --------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write the fitted classifier into an existing (empty) directory."""
        from topics.classify._label_store import save

        save(self, directory)

    @classmethod
    def load(cls, directory: Path) -> LabelClassifier:
        """Read a classifier written by :meth:`save`; predictions are identical.

        Raises
        ------
        ModelFormatError
            Missing or damaged files, another kind of classifier, inconsistent shapes.
        """
        from topics.classify._label_store import load

        return load(cls, directory)


def normalise(proba: np.ndarray) -> np.ndarray:
    total = proba.sum(axis=1, keepdims=True)
    return np.divide(
        proba, total, out=np.full_like(proba, 1 / max(1, proba.shape[1])), where=total > 0
    )
