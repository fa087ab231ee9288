"""How :class:`~topics.classify.label.LabelClassifier` fits: feature blocks, search, honest metrics.

Single-label, up to ``select.NESTED_MAX_DOCUMENTS`` documents: nested cross-validation (the
search reruns inside each outer fold; the outer held-out decision values calibrate and score),
then a search on everything picks the final configuration. Larger: a stratified fifth is held
out, the search and a fit run on the rest, the fifth calibrates and scores. Multi-label
(no stratification, rare classes need every example for their thresholds): nested up to the same
size, else the configuration chosen on all documents is cross-validated (said in ``method``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from topics.classify import _chars, _cuts, _linear, select
from topics.classify.metrics import multilabel_metrics, single_label_metrics
from topics.errors import CorpusError, TrainingError
from topics.progress import Progress

Context = Mapping[str, Sequence[str]] | Any | None


def context_texts(
    names: Sequence[str], context: Context, n: int, *, fitting: bool = False
) -> dict[str, list[str]]:
    """One text per document for every context column in ``names`` (``None``/NaN → "").

    Raises :class:`TrainingError` (``fitting``) or :class:`CorpusError` (predicting) naming a
    column that ``context`` (a mapping or a DataFrame) lacks or whose length is not ``n``.
    """
    from topics.classify._base import as_texts

    error = TrainingError if fitting else CorpusError
    columns = {}
    for name in (str(c) for c in names):
        try:
            column = (context if context is not None else {})[name]
        except KeyError:
            given = list(context.keys()) if hasattr(context, "keys") else []
            raise error(
                f"no context column {name!r} was given "
                f"(the classifier reads {', '.join(map(str, names))}; "
                f"given: {', '.join(map(str, given)) or 'none'})",
                "pass one text per document for every context column",
            ) from None
        column = as_texts(list(column))
        if len(column) != n:
            raise error(f"context column {name!r} has {len(column)} rows for {n} documents")
        columns[name] = column
    return columns


def _plan(model: Any, docs: dict[str, list[str]], n_classes: int, mode: str, k: int) -> Any:
    n = len(docs["text"])
    auto = select.default_budget(n, n_classes)
    budget = auto if model.budget == "auto" else float(model.budget)
    searches, fits = {"nested": (k + 1, k + 1), "holdout": (1, 2), "kfold": (1, k + 1)}[mode]
    weights = list(select.CLASS_WEIGHTS) if model.class_weight == "auto" else [model.class_weight]
    if getattr(model, "multilabel_", False):
        # per-class thresholds (SCut) already answer imbalance; the search's default-threshold
        # score overrates class weights that the thresholds then undo (Reuters: 0.874 vs 0.894)
        weights = weights if model.class_weight != "auto" else [None]
    return select.plan_search(
        n,
        sum(len(t) for texts in docs.values() for t in texts),
        n_classes,
        budget,
        feature_sets=list(select.AUTO_FEATURE_SETS)
        if model.features == "auto"
        else [model.features],
        c_grid=list(select.C_GRID) if model.C == "auto" else [float(model.C)],
        class_weights=weights,
        searches=searches,
        fits=fits,
        multilabel=bool(getattr(model, "multilabel_", False)),
    )


def _blocks(model: Any, docs: dict[str, list[str]], plan: Any) -> tuple[Any, dict, dict]:
    from scipy import sparse

    n = len(docs["text"])
    names = [str(c) for c in model.context_columns]
    wanted = {b for name in plan.feature_sets for b in select.FEATURE_SETS[name]}
    vectorizers = select.block_vectorizers(n, names)
    matrices, spans, fitted, start = [], {}, {}, 0
    for block, vectorizer in vectorizers.items():
        if block in ("words", "chars") and block not in wanted:
            continue
        column = docs[block[8:]] if block.startswith("context:") else docs["text"]
        try:
            matrix = _chars.fit_transform(vectorizer, column)
        except ValueError as exc:
            where = f"context column {block[8:]!r}" if block.startswith("context:") else "texts"
            raise TrainingError(
                f"no usable words in the {n} training {where} ({exc})",
                "check that the documents have text",
            ) from exc
        matrices.append(matrix)
        spans[block] = (start, start + matrix.shape[1])
        fitted[block] = vectorizer
        start += matrix.shape[1]
    return sparse.hstack(matrices, format="csr"), spans, fitted


def _blocks_of(config: dict[str, Any], spans: Mapping[str, tuple[int, int]]) -> tuple[str, ...]:
    return select.FEATURE_SETS[config["features"]] + tuple(
        b for b in spans if b.startswith("context:")
    )


def _choose(model: Any, X: Any, y: np.ndarray, spans: dict, plan: Any, multilabel: bool) -> Any:
    if plan.n_candidates == 1:
        config = {
            "features": plan.feature_sets[0],
            "C": plan.c_grid[0],
            "class_weight": plan.class_weights[0],
        }
        return config, []
    return select.search(
        X,
        y,
        spans,
        plan,
        multilabel=multilabel,
        random_state=model.random_state,
        scoring=_scoring(multilabel),
        n_jobs=model.n_jobs,
    )


def _scoring(multilabel: bool) -> str:
    """Macro-F1 for single-label columns; micro-F1 for multi-label ones, whose rare classes get
    their own thresholds afterwards."""
    return "f1_micro" if multilabel else "f1_macro"


def _fit_config(model: Any, X: Any, Y: np.ndarray, config: dict, spans: dict) -> tuple:
    """One SVM per class on the chosen blocks; single-label, one LIBLINEAR call (the search's
    weighting), blended with complement NB."""
    selector = select.BlockSelector(_blocks_of(config, spans), spans)
    features = selector.transform(X)
    fit = _linear.fit_linear if model.multilabel_ else _linear.fit_multiclass
    coef, intercept = fit(
        features,
        Y,
        C=config["C"],
        class_weight=config["class_weight"],
        random_state=model.random_state,
    )
    if not model.multilabel_:
        coef = _linear.blend_complement_nb(features, Y, coef, intercept)
    return selector, coef, intercept


def _outer(
    model: Any, X: Any, y: np.ndarray, Y: np.ndarray, spans: dict, plan: Any, mode: str, splits
) -> tuple[np.ndarray, np.ndarray, list, dict, list]:
    """Held-out decision values of every outer split; the final configuration and its table."""
    multilabel = y.ndim == 2
    scores = np.zeros(Y.shape)
    tested: list[np.ndarray] = []
    config, table = None, []
    if mode == "kfold":
        config, table = _choose(model, X, y, spans, plan, multilabel)
    for train, test in splits:
        chosen = config
        if chosen is None:
            chosen, fold_table = _choose(model, X[train], y[train], spans, plan, multilabel)
            if mode == "holdout":
                config, table = chosen, fold_table
        selector, coef, intercept = _fit_config(model, X[train], Y[train], chosen, spans)
        scores[test] = _linear.decision(selector.transform(X[test]), coef, intercept)
        tested.append(test)
    if config is None:  # nested: the final configuration is searched on everything
        config, table = _choose(model, X, y, spans, plan, multilabel)
    rows = np.concatenate(tested)
    return scores, rows, tested, config, table


def _finish(
    model: Any, X: Any, Y: np.ndarray, spans: dict, fitted: dict, config, plan, table, metrics
) -> None:
    """The final fit on every document, and what the search chose and tried."""
    selector, model.coef_, model.intercept_ = _fit_config(model, X, Y, config, spans)
    metrics["n_features"] = int(model.coef_.shape[0])
    metrics["config"] = dict(config)
    model.block_names_ = list(selector.blocks)
    model.vectorizers_ = [fitted[b] for b in selector.blocks]
    model.config_ = dict(config)
    model.search_ = {
        "table": table,
        "scoring": _scoring(bool(model.multilabel_)),
        "inner_folds": select.SEARCH_FOLDS,
        "budget_seconds": round(plan.budget, 1),
        "planned_seconds": round(plan.estimated_seconds, 1),
        "searched_documents": plan.max_resources,
        "notes": plan.notes,
    }


def fit_single(
    model: Any,
    docs: dict[str, list[str]],
    y: np.ndarray,
    classes: list[str],
    left_out: dict[str, str],
    progress: Progress,
) -> None:
    """Fit a single-label ``model`` in place (see the module docstring)."""
    from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit

    n = len(y)
    Y = np.stack([y == c for c in classes], axis=1)
    smallest = int(Y.sum(axis=0).min())
    nested = n <= select.NESTED_MAX_DOCUMENTS
    k = max(2, min(model.cv, select.NESTED_FOLDS if nested else model.cv, smallest, n // 2))
    mode = "nested" if nested else "holdout"
    plan = _plan(model, docs, len(classes), mode, k)
    progress("extracting features", 0.0)
    X, spans, fitted = _blocks(model, docs, plan)
    if nested:
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=model.random_state)
    else:
        splitter = StratifiedShuffleSplit(
            n_splits=1, test_size=select.HOLDOUT_SHARE, random_state=model.random_state
        )
    progress("searching the configuration", 0.2)
    splits = list(splitter.split(np.zeros(n), y))
    scores, rows, _, config, table = _outer(model, X, y, Y, spans, plan, mode, splits)
    model.platt_ = _linear.fit_platt(scores[rows], Y[rows])
    from topics.classify.label import normalise

    held_out = normalise(_linear.sigmoid(scores[rows], model.platt_))
    predicted = np.asarray(classes, dtype=object)[held_out.argmax(axis=1)]
    metrics = single_label_metrics(y[rows], predicted, classes, left_out=left_out)
    metrics.update(
        n_folds=k if nested else 1,
        n_scored=len(rows),
        method=(
            f"nested {k}-fold cross-validation (search rerun inside every outer fold)"
            if nested
            else f"held-out stratified {select.HOLDOUT_SHARE:.0%} of the labelled documents, "
            "never seen by the search or the fit"
        )
        + "; one-vs-rest linear svm blended with complement naive bayes, platt scaling on the "
        "held-out decision values",
    )
    progress("fitting the final model", 0.9)
    _finish(model, X, Y, spans, fitted, config, plan, table, metrics)
    model.thresholds_ = np.full(len(classes), 0.5)
    model.classes_ = np.asarray(classes, dtype=object)
    model.cv_metrics_ = metrics
    progress("done", 1.0)


def fit_multi(
    model: Any,
    docs: dict[str, list[str]],
    Y: np.ndarray,
    classes: list[str],
    progress: Progress,
) -> None:
    """Fit a multi-label ``model`` in place: per-class thresholds (SCut) from held-out folds."""
    n = len(Y)
    nested = n <= select.NESTED_MAX_DOCUMENTS
    k = max(2, min(model.cv, select.NESTED_FOLDS if nested else model.cv, n // 2))
    mode = "nested" if nested else "kfold"
    plan = _plan(model, docs, len(classes), mode, k)
    progress("extracting features", 0.0)
    X, spans, fitted = _blocks(model, docs, plan)
    splits = _linear.multilabel_folds(n, k, model.random_state)
    progress("searching the configuration", 0.2)
    scores, _, tested, config, table = _outer(model, X, Y, Y, spans, plan, mode, splits)
    held_out = _cuts.held_out_decisions(scores, Y, tested, model.min_cv_f1, 1)
    left_out = {}
    for c, pos in zip(classes, Y.sum(axis=0), strict=True):
        if min(int(pos), n - int(pos)) < k:
            left_out[c] = (
                f"{min(int(pos), n - int(pos))} example(s) on one side, fewer than the {k} "
                "cross-validation folds: trained but not scored"
            )
    metrics = multilabel_metrics(Y, held_out, classes, left_out=left_out)
    metrics.update(
        n_folds=k,
        n_scored=n,
        method=(
            f"nested {k}-fold cross-validation (search rerun inside every outer fold)"
            if nested
            else f"{k}-fold cross-validation of the configuration the search chose on the same "
            "documents (selection not nested)"
        )
        + "; linear svm per class, platt scaling, per-class thresholds from the other folds "
        f"(classes with at most {_cuts.RARE_POSITIVES} positive examples: one shared cut)",
    )
    progress("fitting the final model", 0.9)
    _finish(model, X, Y, spans, fitted, config, plan, table, metrics)
    model.platt_, model.thresholds_, shared = _cuts.calibrate(scores, Y, model.min_cv_f1)
    model.classes_ = np.asarray(classes, dtype=object)
    metrics["thresholds"] = {c: float(t) for c, t in zip(classes, model.thresholds_, strict=True)}
    metrics.update(_cuts.describe(shared, classes, model.thresholds_))
    model.cv_metrics_ = metrics
    progress("done", 1.0)
