"""The steps of the theme tagger's self-training (:class:`topics.classify.tagger.ThemeTagger`):
phrase-rule scores, gold labels, relabelling, the combination and its thresholds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from topics.classify import _linear
from topics.errors import TrainingError

if TYPE_CHECKING:
    from topics.themes import Taxonomy

#: Self-training adds at most this many positives per rule positive and round.
MAX_GROWTH = 0.5
#: Above this many labelled releases a theme's SVM is fitted on a seeded sample of them (see
#: :func:`fit_rows`): a linear SVM's fit grows faster than the releases (as n^1.46 from 1,000 to
#: 10,000 Senate releases), the sample bounds it, and every release is still scored.
MAX_FIT_ROWS = 20_000


def rule_scores(
    taxonomy: Taxonomy, texts: list[str], chunks: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """(p_rule, rule fired) arrays of shape (n_texts, n_themes); ``chunks``: the texts cut."""
    from topics.themes.match import matcher_for

    matcher = matcher_for(taxonomy)
    salience, counts = matcher.scores(texts, chunks)
    needed = np.asarray([t.min_salience for t in taxonomy], dtype=float)
    min_hits = np.asarray([t.min_hits for t in taxonomy], dtype=float)
    p = salience / (salience + needed)
    p = np.where(counts >= min_hits, p, p * counts / min_hits)
    return p, matcher.tag(salience, counts)


def gold_matrix(gold: Any, n: int, ids: list[str]) -> np.ndarray:
    if gold is None:
        return np.full((n, len(ids)), np.nan)
    if hasattr(gold, "columns"):
        missing = [t for t in gold.columns if t not in ids]
        if missing:
            raise TrainingError(
                f"gold labels for unknown theme(s) {', '.join(map(str, missing))}",
                f"known themes: {', '.join(ids)}",
            )
        gold = gold.reindex(columns=ids)
    G = np.asarray(gold, dtype=float)
    if G.shape != (n, len(ids)):
        raise TrainingError(
            f"gold labels of shape {G.shape} for {n} texts and {len(ids)} themes",
            "one row per text (NaN where not coded), one column per theme",
        )
    bad = np.isfinite(G) & (G != 0) & (G != 1)
    if bad.any():
        raise TrainingError("gold labels must be 1, 0 or NaN (not coded)")
    return G


def expand(known, G, rule, p_text, above, below) -> np.ndarray:
    """Self-training relabel of every non-gold release (gold labels stay).

    Positives: the rule's, plus releases with a held-out ``p_text ≥ above`` (at most
    ``MAX_GROWTH`` times as many as the rule has positives, the most probable first, so the
    theme cannot drift into everything); negatives: ``p_text < below`` without the rule; the
    rest is left out.
    """
    relabel = np.where(rule, 1.0, np.where(p_text < below, 0.0, np.nan))
    for j in range(p_text.shape[1]):
        candidates = np.flatnonzero(~rule[:, j] & (p_text[:, j] >= above))
        order = candidates[np.argsort(-p_text[candidates, j], kind="stable")]
        relabel[order[: int(MAX_GROWTH * rule[:, j].sum())], j] = 1.0
    return np.where(np.isnan(G), relabel, known)


def fit_rows(
    labels: np.ndarray,
    weights: np.ndarray,
    class_weight: Any,
    seed: int,
    cap: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    """``(rows, y, sample weights, class_weight)`` of one theme's SVM fit.

    ``labels``: the theme's column (1, 0, NaN: left out); ``weights``: its sample weights. Up
    to ``cap`` (default :data:`MAX_FIT_ROWS`) labelled rows, all of them, as given. Above it
    (and with both classes): every positive up to half the cap and negatives for the rest,
    seeded, weighted back so that each class carries the weight it has on all rows, times its
    ``class_weight`` computed on all rows (then passed as None): the objective of the fit on
    every row, in expectation.
    """
    rows = np.flatnonzero(~np.isnan(labels))
    y = labels[rows] == 1
    cap = MAX_FIT_ROWS if cap is None else cap
    if len(rows) <= cap or y.all() or not y.any():
        return rows, y, weights[rows], class_weight
    from sklearn.utils.class_weight import compute_class_weight

    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    n_pos = min(len(pos), cap // 2)
    n_neg = min(len(neg), cap - n_pos)
    keep = np.sort(
        np.r_[rng.choice(pos, n_pos, replace=False), rng.choice(neg, n_neg, replace=False)]
    )
    per_class = np.ones(2)
    if class_weight is not None:
        per_class = compute_class_weight(class_weight, classes=np.array([False, True]), y=y)
    back = per_class * np.array([len(neg) / n_neg, len(pos) / n_pos])
    return rows[keep], y[keep], weights[rows[keep]] * back[y[keep].astype(int)], None


def noisy_or(rule_p: np.ndarray, p_text: np.ndarray) -> np.ndarray:
    """``1 - (1 - p_rule)(1 - p_text)``: the probability that the rule or the words say so."""
    return 1 - (1 - rule_p) * (1 - p_text)


def thresholds_for(p, G, folds, text_model, threshold, min_gold):
    """Thresholds per theme, and held-out decisions of every release.

    ``threshold`` for a theme with a text model, 0.5 (the rule's own cut) without one; with at
    least ``min_gold`` gold positives and negatives, the cut maximising F1 on the gold releases
    (held out: chosen on the other folds' gold releases for each fold).
    """
    k = p.shape[1]
    thresholds = np.where(text_model, threshold, 0.5)
    held_out = p >= thresholds
    for j in range(k):
        coded = np.isfinite(G[:, j])
        y = G[:, j] == 1
        if min((y & coded).sum(), (~y & coded).sum()) < min_gold:
            continue
        for train, test in folds:
            rows = train[coded[train]]
            if y[rows].any():
                cut = _best_cut(p[rows, j], y[rows], thresholds[j])
                held_out[test, j] = p[test, j] >= cut
        thresholds[j] = _best_cut(p[coded, j], y[coded], thresholds[j])
    return thresholds, held_out


def _best_cut(p: np.ndarray, y: np.ndarray, default: float) -> float:
    return float(_linear.best_thresholds(p[:, None], y[:, None], np.array([default]), 0.0)[0])


def restrict(vectorizer: Any, keep: np.ndarray) -> Any:
    """A copy of a fitted TfidfVectorizer that only knows the ``keep`` terms."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    params = vectorizer.get_params()
    names = vectorizer.get_feature_names_out()
    params["vocabulary"] = [str(t) for t in names[keep]]
    restricted = TfidfVectorizer(**params)
    restricted.idf_ = vectorizer.idf_[keep]
    return restricted
