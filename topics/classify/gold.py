"""What theme metrics measure, said plainly: agreement with the phrase rules, or accuracy on gold.

A figure computed against labels the phrase rules made measures *agreement with the rules*:
:func:`rule_agreement` names it so. Accuracy needs labels a person gave: :func:`score` computes
precision, recall and F1 per theme on gold-coded releases only (a theme coded "unsure", or not
coded, is left out of that theme's scores), with percentile bootstrap intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from topics.classify.metrics import multilabel_metrics

#: Bootstrap resamples of the gold releases.
N_BOOTSTRAP = 1000
#: Themes with fewer gold positives are scored but left out of the macro average.
MIN_SUPPORT = 10

NOT_MEASURED = (
    "not measured: no gold labels. The figures below are agreement with the phrase rules, not "
    "accuracy. To measure accuracy, hand-code some releases (id,themes CSV) and pass them with "
    "--theme-labels to `topics train` or `topics evaluate`."
)


def rule_agreement(
    rule: np.ndarray,
    decided: np.ndarray,
    ids: Sequence[str],
    left_out: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Held-out agreement of the text model (phrases hidden) with the phrase rules.

    Parameters
    ----------
    rule, decided : ndarray of bool, shape (n_documents, n_themes)
        What the rules tag, and what the text model tags on releases it was not trained on.
    left_out : dict of str to str, optional
        Themes not scored (no text model), with the reason.
    """
    out = multilabel_metrics(rule, decided, list(ids), left_out=left_out)
    out["measures"] = (
        "agreement of the text model, which never sees the taxonomy's phrases, with the phrase "
        "rules on releases it was not trained on; not accuracy"
    )
    return out


def gold_metrics(
    G: np.ndarray, decided: np.ndarray, ids: Sequence[str], seed: int
) -> dict[str, Any]:
    """``{"accuracy": ...}``: the gold scores, or the statement that accuracy is unmeasured."""
    if not np.isfinite(G).any():
        return {"accuracy": NOT_MEASURED}
    scores = score(G, decided, ids, seed=seed)
    scores["measures"] = "held-out predictions on the gold-labelled releases (cross-validated)"
    return {"accuracy": scores}


def score(
    G: np.ndarray,
    decided: np.ndarray,
    ids: Sequence[str],
    *,
    seed: int = 0,
    min_support: int = MIN_SUPPORT,
    n_bootstrap: int = N_BOOTSTRAP,
) -> dict[str, Any]:
    """Precision, recall and F1 per theme against gold codes, with 95% bootstrap intervals.

    Parameters
    ----------
    G : ndarray of float, shape (n_documents, n_themes)
        1 / 0 where coded, NaN where not coded or "unsure".
    decided : ndarray of bool, same shape
        Predictions.
    ids : sequence of str
        Theme ids (columns).
    min_support : int
        Gold positives a theme needs to enter ``macro_f1``.

    Returns
    -------
    dict
        ``per_class``: theme → ``precision``, ``recall``, ``f1``, ``support`` (gold
        positives), ``coded`` (releases coded 1 or 0), ``predicted``, and ``*_ci`` (lists
        ``[low, high]``, ``None`` without data); ``macro_f1`` (and its ``macro_f1_ci``) over
        ``macro_themes``; ``micro_f1``; ``n_documents`` (releases with any code).
    """
    G = np.asarray(G, dtype=float)
    decided = np.asarray(decided, dtype=bool)
    coded = np.isfinite(G)
    truth = G == 1
    rows = np.flatnonzero(coded.any(axis=1))
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, len(rows), size=(n_bootstrap, len(rows))) if len(rows) else None
    counts = _counts(truth[rows], decided[rows], coded[rows])
    boot = (
        np.stack([_counts(truth[rows][s], decided[rows][s], coded[rows][s]) for s in samples])
        if samples is not None
        else None
    )
    per_class = {}
    macro = [j for j, _ in enumerate(ids) if counts[0, j] + counts[2, j] >= min_support]
    for j, theme in enumerate(ids):
        tp, fp, fn = counts[:, j]
        entry = {
            "precision": _safe(tp, tp + fp),
            "recall": _safe(tp, tp + fn),
            "f1": _safe(2 * tp, 2 * tp + fp + fn),
            "support": int(tp + fn),
            "coded": int(coded[:, j].sum()),
            "predicted": int(tp + fp),
        }
        for name, fn_ in (("precision", _p), ("recall", _r), ("f1", _f)):
            entry[f"{name}_ci"] = _interval(fn_(boot[:, :, j])) if boot is not None else None
        per_class[str(theme)] = entry
    macro_f1 = float(np.mean([per_class[ids[j]]["f1"] for j in macro])) if macro else None
    macro_ci = (
        _interval(np.mean(_f(boot[:, :, macro]), axis=1)) if macro and boot is not None else None
    )
    tp, fp, fn = counts.sum(axis=1)
    return {
        "n_documents": len(rows),
        "micro_f1": _safe(2 * tp, 2 * tp + fp + fn),
        "macro_f1": macro_f1,
        "macro_f1_ci": macro_ci,
        "macro_themes": [str(ids[j]) for j in macro],
        "min_support": min_support,
        "per_class": per_class,
    }


def _counts(truth: np.ndarray, decided: np.ndarray, coded: np.ndarray) -> np.ndarray:
    """(tp, fp, fn) per theme on coded cells, shape (3, n_themes)."""
    tp = (truth & decided & coded).sum(axis=0)
    fp = (~truth & decided & coded).sum(axis=0)
    fn = (truth & ~decided & coded).sum(axis=0)
    return np.stack([tp, fp, fn]).astype(float)


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.full(np.shape(num), np.nan), where=den > 0)


def _p(c: np.ndarray) -> np.ndarray:
    return _div(c[:, 0], c[:, 0] + c[:, 1])


def _r(c: np.ndarray) -> np.ndarray:
    return _div(c[:, 0], c[:, 0] + c[:, 2])


def _f(c: np.ndarray) -> np.ndarray:
    return np.nan_to_num(_div(2 * c[:, 0], 2 * c[:, 0] + c[:, 1] + c[:, 2]))


def _interval(values: np.ndarray) -> list[float] | None:
    values = values[np.isfinite(values)]
    if not len(values):
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def _safe(num: float, den: float) -> float:
    return float(num / den) if den > 0 else 0.0
