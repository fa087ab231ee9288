"""Building blocks shared by the classifiers: features, one linear SVM per class, Platt scaling,
cross-validated thresholds. Plain functions on arrays; the estimators in this package wire them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from topics._io import forget_dropped_terms
from topics.errors import TrainingError
from topics.progress import Progress

#: Probability a class without positive (negative) training examples is given.
_EPS = 1e-9
#: A tuned threshold selects at most this many documents per positive example.
MAX_SELECTED_RATIO = 2.0
#: Decision value assumed in a fold where a class has no positive (negative) example.
_ABSENT_SCORE = 1.0
#: Stopping tolerance of the SVM's dual coordinate descent. scikit-learn's default (1e-4) is a
#: thousandth of LIBLINEAR's own (0.1); at 1e-2 the 20 Newsgroups SVM has the same test accuracy
#: (0.870) in 70 % of the passes, and large ``C`` no longer runs to the iteration cap.
SVM_TOL = 1e-2
#: Tolerance of the single-label SVMs (:func:`fit_multiclass` and the search that chooses
#: them): LIBLINEAR's own. On a held-out fifth of 20 Newsgroups' training posts (word and
#: character n-grams, C = 1) 14 passes instead of 23 at 1e-2, the same accuracy (0.948).
MULTICLASS_TOL = 0.1


def make_vectorizer(params: dict[str, Any], n_documents: int) -> Any:
    """TF-IDF features (sublinear tf, l2 norm); ``min_df="auto"`` is 2 from 200 documents on."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    min_df = params["min_df"]
    if min_df == "auto":
        min_df = 2 if n_documents >= 200 else 1
    return TfidfVectorizer(
        sublinear_tf=params["sublinear_tf"],
        ngram_range=tuple(params["ngram_range"]),
        min_df=min_df,
        max_features=params["max_features"],
        strip_accents="unicode",
        dtype=np.float64,
    )


#: Texts the theme tagger's vocabulary and idf are fitted on at most (evenly spaced, see
#: :func:`topics._tfidf.spread`); every text is then transformed. Fitting reads every unigram
#: and bigram through scikit-learn's Python loop, 3 times the cost of the shared transform.
FIT_AT_MOST = 20_000


def vectorize(vectorizer: Any, texts: Sequence[str], fit_at_most: int | None = None) -> Any:
    """Fit ``vectorizer`` (on at most ``fit_at_most`` texts, evenly spaced, when given) and
    return the matrix of every text; an empty vocabulary becomes a :class:`TrainingError`."""
    from topics import _tfidf

    sample = texts if fit_at_most is None else _tfidf.spread(texts, fit_at_most)
    try:
        matrix = vectorizer.fit_transform(sample)
    except ValueError as exc:
        raise TrainingError(
            f"no usable words in the {len(texts)} training texts ({exc})",
            "check that the documents have text",
        ) from exc
    forget_dropped_terms(vectorizer)
    if len(sample) < len(texts):
        matrix = _tfidf.transform(vectorizer, texts)
    return matrix


def fit_linear(
    X: Any, Y: np.ndarray, *, C: float, class_weight: str | None, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    """One linear SVM per column of ``Y``.

    Parameters
    ----------
    X : sparse matrix of shape (n_documents, n_features)
    Y : ndarray of bool, shape (n_documents, n_classes)

    Returns
    -------
    coef : ndarray of shape (n_features, n_classes)
        Zero for a class whose column is constant (nothing to learn).
    intercept : ndarray of shape (n_classes,)
        ``±_ABSENT_SCORE`` for a constant column (its sign).
    """
    from sklearn.svm import LinearSVC

    n_classes = Y.shape[1]
    coef = np.zeros((X.shape[1], n_classes))
    intercept = np.zeros(n_classes)
    for j in range(n_classes):
        y = Y[:, j]
        if y.all() or not y.any():
            intercept[j] = _ABSENT_SCORE if y.all() else -_ABSENT_SCORE
            continue
        model = LinearSVC(C=C, class_weight=class_weight, tol=SVM_TOL, random_state=random_state)
        model.fit(X, y)
        coef[:, j] = model.coef_[0]
        intercept[j] = model.intercept_[0]
    return coef, intercept


def fit_multiclass(
    X: Any, Y: np.ndarray, *, C: float, class_weight: str | None, random_state: int
) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest linear SVMs of a single-label problem, in one LIBLINEAR call.

    The same SVMs as :func:`fit_linear` but for the weighting, at the cost of one conversion of
    ``X`` instead of one per class (20 Newsgroups, word and character n-grams: 16 s instead of
    32 s). ``class_weight="balanced"`` is scikit-learn's multi-class weighting, the one the
    search scores: class ``c``'s examples weigh ``n / (k · n_c)`` when they are its positives
    (:func:`fit_linear` weighs each binary problem's two sides instead).

    Parameters
    ----------
    X : sparse matrix of shape (n_documents, n_features)
    Y : ndarray of bool, shape (n_documents, n_classes)
        One class per document.

    Returns
    -------
    coef, intercept
        As :func:`fit_linear`; a class without documents gets ``-_ABSENT_SCORE``, the only
        class with documents ``+_ABSENT_SCORE``, and two classes mirror one SVM.
    """
    from sklearn.svm import LinearSVC

    n_classes = Y.shape[1]
    coef = np.zeros((X.shape[1], n_classes))
    intercept = np.full(n_classes, -_ABSENT_SCORE)
    present = np.flatnonzero(Y.any(axis=0))
    if len(present) < 2:
        intercept[present] = _ABSENT_SCORE
        return coef, intercept
    model = LinearSVC(C=C, class_weight=class_weight, tol=MULTICLASS_TOL, random_state=random_state)
    model.fit(X, Y[:, present].argmax(axis=1))
    if len(present) == 2:
        coef[:, present[1]], intercept[present[1]] = model.coef_[0], model.intercept_[0]
        coef[:, present[0]], intercept[present[0]] = -model.coef_[0], -model.intercept_[0]
    else:
        coef[:, present], intercept[present] = model.coef_.T, model.intercept_
    return coef, intercept


#: Smoothing of the complement naive Bayes blended into single-label SVMs.
NB_ALPHA = 0.1
#: Weight of the naive Bayes scores in the blend, once both are on the same scale.
NB_WEIGHT = 1.0


def blend_complement_nb(
    X: Any, Y: np.ndarray, coef: np.ndarray, intercept: np.ndarray, *, alpha: float = NB_ALPHA
) -> np.ndarray:
    """SVM weights plus the weights of a complement naive Bayes on the same features.

    Complement NB (Rennie et al. 2003, "Tackling the poor assumptions of naive Bayes text
    classifiers", ICML) scores a document by ``X @ w_nb`` with ``w_nb`` the negated log
    frequencies of each class's complement; centred over the classes, its weights are rescaled so
    that its centred training scores have the SVM's spread, then added with weight
    :data:`NB_WEIGHT`. The blend is linear in ``X`` (one weight matrix, as before): an ensemble
    of two standard text classifiers, whose errors differ (on 20 Newsgroups the SVM alone 0.870,
    the blend 0.879, test accuracy, word and character n-grams).

    Parameters
    ----------
    X : sparse matrix of shape (n_documents, n_features)
        Non-negative features (TF-IDF).
    Y : ndarray of bool, shape (n_documents, n_classes)
        One class per document.

    Returns
    -------
    ndarray of shape (n_features, n_classes)
    """
    Y = np.asarray(Y, dtype=float)
    counts = np.asarray((X.T @ Y).T)  # (n_classes, n_features)
    complement = counts.sum(axis=0) - counts + alpha
    log_freq = np.log(complement) - np.log(complement.sum(axis=1, keepdims=True))
    nb = -log_freq
    nb = (nb - nb.mean(axis=0)).T  # (n_features, n_classes), centred over the classes
    svm = np.asarray(X @ coef) + intercept
    svm -= svm.mean(axis=1, keepdims=True)
    scores = np.asarray(X @ nb)
    spread = float(scores.std())
    if spread <= 0:
        return coef
    return coef + NB_WEIGHT * float(svm.std()) / spread * nb


class BlendedSVC(ClassifierMixin, BaseEstimator):
    """The single-label model the label classifier deploys, as a scikit-learn classifier, for
    its search to score: :func:`fit_multiclass` blended by :func:`blend_complement_nb`.

    Parameters
    ----------
    C : float
    class_weight : None or "balanced"
    random_state : int
    """

    def __init__(self, C: float = 1.0, class_weight: str | None = None, random_state: int = 0):
        self.C = C
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, X: Any, y: np.ndarray) -> BlendedSVC:
        self.classes_ = np.unique(y)
        Y = np.asarray(y)[:, None] == self.classes_[None, :]
        coef, self.intercept_ = fit_multiclass(
            X, Y, C=self.C, class_weight=self.class_weight, random_state=self.random_state
        )
        self.coef_ = blend_complement_nb(X, Y, coef, self.intercept_)
        return self

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[decision(X, self.coef_, self.intercept_).argmax(axis=1)]


def decision(X: Any, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Decision values, ndarray of shape (n_documents, n_classes)."""
    return np.asarray(X @ coef) + intercept


def out_of_fold_scores(
    X: Any,
    Y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    *,
    C: float,
    class_weight: str | None,
    random_state: int,
    progress: Progress,
) -> np.ndarray:
    """Decision values of every document from the models not trained on it.

    Returns
    -------
    ndarray of shape (n_documents, n_classes)
    """
    scores = np.zeros(Y.shape)
    for k, (train, test) in enumerate(folds):
        progress(f"cross-validation fold {k + 1}/{len(folds)}", k / (len(folds) + 1))
        coef, intercept = fit_linear(
            X[train], Y[train], C=C, class_weight=class_weight, random_state=random_state
        )
        scores[test] = decision(X[test], coef, intercept)
    return scores


def fit_platt(scores: np.ndarray, Y: np.ndarray, max_iter: int = 100) -> np.ndarray:
    """Platt scaling per class: ``p = 1 / (1 + exp(-(a·s + b)))`` fitted on held-out scores.

    Newton's method with backtracking (Lin, Lin & Weng 2007), all classes at once, on Platt's
    smoothed targets ``(n₊+1)/(n₊+2)`` and ``1/(n₋+2)``. A class without positive (or negative)
    examples gets ``a = 0`` and a constant probability near 0 (or 1).

    Parameters
    ----------
    scores : ndarray of shape (n_documents, n_classes)
    Y : ndarray of bool, shape (n_documents, n_classes)

    Returns
    -------
    ndarray of shape (2, n_classes)
        Rows ``a`` (slope, ≥ 1e-6) and ``b`` (offset).
    """
    Y = Y.astype(bool)
    n, _ = Y.shape
    n_pos = Y.sum(axis=0).astype(float)
    target = np.where(Y, (n_pos + 1) / (n_pos + 2), 1 / (n - n_pos + 2))
    s = np.asarray(scores, dtype=float)
    a = np.zeros(Y.shape[1])
    b = np.log((n_pos + 1) / (n - n_pos + 1))

    def loss(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        z = s * a + b
        # cross-entropy with soft targets: log(1 + e^z) - t·z, computed stably
        return (np.logaddexp(0, z) - target * z).sum(axis=0)

    current = loss(a, b)
    for _ in range(max_iter):
        p = 1 / (1 + np.exp(-np.clip(s * a + b, -500, 500)))
        d = p - target
        w = np.maximum(p * (1 - p), 1e-12)
        g_a, g_b = (d * s).sum(axis=0), d.sum(axis=0)
        h_aa, h_ab, h_bb = (w * s * s).sum(axis=0) + 1e-12, (w * s).sum(axis=0), w.sum(axis=0)
        det = h_aa * h_bb - h_ab * h_ab
        det = np.where(np.abs(det) < 1e-300, 1e-300, det)
        step_a = -(h_bb * g_a - h_ab * g_b) / det
        step_b = -(h_aa * g_b - h_ab * g_a) / det
        if max(np.abs(g_a).max(), np.abs(g_b).max()) < 1e-7 * n:
            break
        t = np.ones_like(a)
        for _ in range(30):
            trial = loss(a + t * step_a, b + t * step_b)
            worse = trial > current + 1e-4 * t * (g_a * step_a + g_b * step_b)
            if not worse.any():
                break
            t = np.where(worse, t / 2, t)
        trial = loss(a + t * step_a, b + t * step_b)
        better = trial < current
        if not better.any():
            break
        a = np.where(better, a + t * step_a, a)
        b = np.where(better, b + t * step_b, b)
        current = np.where(better, trial, current)
    params = np.vstack([np.maximum(a, 1e-6), b])
    constant = (n_pos == 0) | (n_pos == n)
    p_const = np.where(n_pos == n, 1 - _EPS, _EPS)
    params[0, constant] = 0.0
    params[1, constant] = np.log(p_const[constant] / (1 - p_const[constant]))
    return params


def sigmoid(scores: np.ndarray, platt: np.ndarray) -> np.ndarray:
    """Calibrated probabilities from decision values, same shape as ``scores``."""
    z = np.clip(scores * platt[0] + platt[1], -500, 500)
    return 1.0 / (1.0 + np.exp(-z))


def best_thresholds(
    proba: np.ndarray,
    Y: np.ndarray,
    boundary: np.ndarray,
    min_f1: float,
    max_ratio: float = MAX_SELECTED_RATIO,
) -> np.ndarray:
    """Per-class probability thresholds maximising F1 on held-out probabilities (SCut).

    A cut may not select more than ``max_ratio`` times as many documents as the class has
    positives (on small or noisy data the F1-optimal cut otherwise slides to "everything"). A
    class whose best F1 is at most ``min_f1`` keeps ``boundary`` (the probability at the SVM's
    own decision boundary): too little evidence to move it.

    Returns
    -------
    ndarray of shape (n_classes,)
    """
    thresholds = np.array(boundary, dtype=float)
    for j in range(Y.shape[1]):
        y = Y[:, j].astype(bool)
        if not y.any():
            continue
        order = np.argsort(-proba[:, j], kind="stable")
        p, hits = proba[order, j], y[order]
        f1 = 2 * np.cumsum(hits) / (np.arange(1, len(p) + 1) + y.sum())
        # a cut is only possible between distinct values
        distinct = np.r_[p[:-1] > p[1:], True]
        allowed = np.arange(1, len(p) + 1) <= max(1.0, max_ratio * y.sum())
        f1 = np.where(distinct & allowed, f1, -1.0)
        i = int(np.argmax(f1))
        if f1[i] <= min_f1:
            continue
        thresholds[j] = (p[i] + p[i + 1]) / 2 if i + 1 < len(p) else p[i] / 2
    return thresholds


def apply_thresholds(proba: np.ndarray, thresholds: np.ndarray, min_labels: int) -> np.ndarray:
    """Classes at or above their threshold; with ``min_labels=1`` a row with none gets its most
    probable class.

    Returns
    -------
    ndarray of bool, same shape as ``proba``
    """
    decided = proba >= thresholds
    if min_labels and proba.shape[1]:
        empty = ~decided.any(axis=1)
        decided[np.flatnonzero(empty), proba[empty].argmax(axis=1)] = True
    return decided


def multilabel_folds(
    n: int, n_splits: int, random_state: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import KFold

    splitter = KFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros(n)))
