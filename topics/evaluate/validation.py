"""The tagger measured on a hand-coded sample: scores, error rates, confusions, the misses.

:func:`measure` is what ``topics evaluate --theme-labels`` prints: per theme precision,
recall and F1 with 95% percentile-bootstrap intervals (releases resampled, sampling weights
kept: each statistic is a ratio of weighted counts), the confusion counts, the pairs of themes
the tagger mixes up, and the releases it got wrong. :func:`validation_record` is the part kept
in a model's manifest: the error-rate counts per theme from which
:func:`topics.trends.correct.corrected_shares` corrects the trends.

Codes are 1 / 0 / NaN ("unsure" or not coded): a NaN cell is left out of that theme only.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from topics.model import Model
    from topics.themes import GoldLabels
    from topics.trends.correct import ErrorRates

#: Bootstrap resamples of the coded releases.
N_BOOTSTRAP = 1000
#: Wrongly tagged releases listed.
WRONG_SHOWN = 50


def weighted_counts(
    truth: np.ndarray, tagged: np.ndarray, coded: np.ndarray, w: np.ndarray
) -> np.ndarray:
    """Weighted (tp, fp, fn, tn) per theme on coded cells, shape (4, n_themes)."""
    w = w[:, None]
    return np.stack(
        [
            ((truth & tagged & coded) * w).sum(axis=0),
            ((~truth & tagged & coded) * w).sum(axis=0),
            ((truth & ~tagged & coded) * w).sum(axis=0),
            ((~truth & ~tagged & coded) * w).sum(axis=0),
        ]
    )


def _rates(c: np.ndarray) -> dict[str, np.ndarray]:
    tp, fp, fn = c[..., 0, :], c[..., 1, :], c[..., 2, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "precision": np.where(tp + fp > 0, tp / (tp + fp), np.nan),
            "recall": np.where(tp + fn > 0, tp / (tp + fn), np.nan),
            "f1": np.where(tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan),
        }


def bootstrap_scores(
    codes: np.ndarray,
    tagged: np.ndarray,
    ids: Sequence[str],
    weights: np.ndarray | None = None,
    *,
    seed: int = 0,
    n_bootstrap: int = N_BOOTSTRAP,
    level: float = 0.95,
) -> dict[str, Any]:
    """Precision, recall and F1 per theme (and micro/macro) with percentile bootstrap intervals.

    Parameters
    ----------
    codes : ndarray of float, shape (n_coded, n_themes)
        1 / 0 / NaN.
    tagged : ndarray of bool, same shape
    ids : sequence of str
    weights : ndarray of shape (n_coded,), optional
        Sampling weights; the scores are then estimates for the whole corpus.

    Returns
    -------
    dict
        ``per_class``: theme → ``precision``, ``recall``, ``f1`` (None when undefined),
        ``support`` (coded positives), ``coded``, ``predicted`` and ``<score>_ci`` ([low, high]
        or None); ``micro_*`` and ``macro_f1`` with ``*_ci``; ``n_documents``.
    """
    codes = np.asarray(codes, dtype=float)
    tagged = np.asarray(tagged, dtype=bool)
    coded = np.isfinite(codes)
    truth = codes == 1
    w = np.ones(len(codes)) if weights is None else np.asarray(weights, dtype=float)
    rows = np.flatnonzero(coded.any(axis=1))
    truth, tagged, coded, w = truth[rows], tagged[rows], coded[rows], w[rows]
    counts = weighted_counts(truth, tagged, coded, w)
    rng = np.random.default_rng(seed)
    boot = np.zeros((0, 4, len(ids)))
    if len(rows):
        samples = rng.integers(0, len(rows), size=(n_bootstrap, len(rows)))
        boot = np.stack([weighted_counts(truth[i], tagged[i], coded[i], w[i]) for i in samples])
    tail = 100 * (1 - level) / 2

    def interval(values: np.ndarray) -> list[float] | None:
        values = values[np.isfinite(values)]
        if len(values) < n_bootstrap / 2:
            return None
        low, high = np.percentile(values, [tail, 100 - tail])
        return [round(float(low), 4), round(float(high), 4)]

    point, spread = _rates(counts), _rates(boot)
    per_class = {}
    for j, theme in enumerate(ids):
        entry: dict[str, Any] = {
            name: _clean(point[name][j]) for name in ("precision", "recall", "f1")
        }
        entry.update(
            support=int((truth[:, j] & coded[:, j]).sum()),
            coded=int(coded[:, j].sum()),
            predicted=int((tagged[:, j] & coded[:, j]).sum()),
        )
        for name in ("precision", "recall", "f1"):
            entry[f"{name}_ci"] = interval(spread[name][:, j])
        per_class[str(theme)] = entry
    micro, micro_boot = _rates(counts.sum(axis=1)[:, None]), _rates(boot.sum(axis=2)[:, :, None])
    macro = np.nanmean(point["f1"]) if np.isfinite(point["f1"]).any() else np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN resamples are expected
        macro_boot = np.nanmean(spread["f1"], axis=1) if len(boot) else np.zeros(0)
    out: dict[str, Any] = {"task": "multilabel", "n_documents": len(rows)}
    for name in ("precision", "recall", "f1"):
        out[f"micro_{name}"] = _clean(micro[name][0])
        out[f"micro_{name}_ci"] = interval(micro_boot[name][:, 0])
    out["macro_f1"] = _clean(macro)
    out["macro_f1_ci"] = interval(macro_boot)
    out["per_class"] = per_class
    out["weighted"] = weights is not None and bool(np.ptp(w) > 0) if len(w) else False
    return out


def confusions(
    codes: np.ndarray, tagged: np.ndarray, ids: Sequence[str], limit: int = 10
) -> list[dict[str, Any]]:
    """The theme pairs the tagger mixes up: on one release, ``tagged`` wrongly and ``missed``.

    Returns
    -------
    list of ``{"tagged", "missed", "releases"}``, most frequent first.
    """
    coded = np.isfinite(codes)
    truth = codes == 1
    extra = tagged & ~truth & coded
    missed = truth & ~tagged & coded
    pairs: Counter = Counter()
    for i in range(len(codes)):
        for a in np.flatnonzero(extra[i]):
            for b in np.flatnonzero(missed[i]):
                pairs[(ids[a], ids[b])] += 1
    return [
        {"tagged": a, "missed": b, "releases": k}
        for (a, b), k in sorted(pairs.items(), key=lambda x: (-x[1], x[0]))[:limit]
    ]


def wrong_releases(
    frame: pd.DataFrame,
    codes: np.ndarray,
    tagged: np.ndarray,
    probs: np.ndarray,
    ids: Sequence[str],
    evidence: Callable[[str], Mapping[str, Sequence[str]]] | None = None,
    limit: int = WRONG_SHOWN,
) -> list[dict[str, Any]]:
    """The coded releases the tagger got wrong: what it added, what it missed, and why.

    ``frame`` holds the coded releases' ``id``, ``title`` and ``text`` (rows as ``codes``).
    """
    coded = np.isfinite(codes)
    truth = codes == 1
    out = []
    for i in np.flatnonzero(((tagged != truth) & coded).any(axis=1)):
        row = frame.iloc[i]
        found = evidence(f"{row['title']}\n{row['text']}") if evidence else {}
        extra = [ids[j] for j in np.flatnonzero(tagged[i] & ~truth[i] & coded[i])]
        missed = [ids[j] for j in np.flatnonzero(truth[i] & ~tagged[i] & coded[i])]
        out.append(
            {
                "id": str(row["id"]),
                "title": str(row["title"]),
                "tagged_wrongly": extra,
                "missed": missed,
                "probability": {
                    t: round(float(probs[i, list(ids).index(t)]), 3) for t in extra + missed
                },
                "evidence": {t: sorted(set(found.get(t, []))) for t in extra + missed},
            }
        )
        if len(out) >= limit:
            break
    return out


def measure(model: Model, documents: pd.DataFrame, gold: GoldLabels, seed: int = 0):
    """Score a model's theme tagger on coded releases: ``(scores, error rates)``.

    Parameters
    ----------
    model : Model
    documents : DataFrame
        The corpus's documents (``Corpus.documents()``); the coded ones are scored.
    gold : GoldLabels
        From :func:`topics.themes.read_labels` on ``documents``.

    Returns
    -------
    (dict, dict of str to ErrorRates)
        The scores (:func:`bootstrap_scores` plus ``error_rates``, ``confusions``, ``wrong``,
        ``unsure`` and ``uncoded`` counts), and the error rates per theme.
    """
    from topics.corpus import schema
    from topics.errors import ThemeError
    from topics.themes.match import matcher_for
    from topics.trends.correct import error_rates

    if not gold.codes.notna().to_numpy().any():
        raise ThemeError(
            f"{gold.path}: no release is coded (rows marked '?' or all unsure)",
            "code some releases first (topics label), then export them",
        )
    ids = model.theme_ids
    codes = gold.codes.reindex(columns=ids)
    rows = documents[schema.ID].astype(str).isin(codes.index).to_numpy()
    coded_docs = documents[rows].reset_index(drop=True)
    codes = codes.reindex(coded_docs[schema.ID].astype(str))
    weights = gold.weights.reindex(codes.index).to_numpy(dtype=float)
    predictions = model.predict(schema.model_texts(coded_docs), labels=False)
    tagged = predictions.theme_labels.to_numpy(dtype=bool)
    values = codes.to_numpy(dtype=float)
    scores = bootstrap_scores(values, tagged, ids, weights if gold.weighted else None, seed=seed)
    rates = error_rates(
        codes.set_axis(range(len(codes))),  # NaN (unsure) cells are left out per theme
        predictions.theme_labels.set_axis(range(len(codes))),
        weights,
    )
    scores["error_rates"] = {
        t: {k: _finite(v) for k, v in r.as_dict().items()} for t, r in rates.items()
    }
    scores["confusions"] = confusions(values, tagged, ids)
    scores["wrong"] = wrong_releases(
        coded_docs,
        values,
        tagged,
        predictions.theme_probs.to_numpy(dtype=float),
        ids,
        matcher_for(model.taxonomy).evidence,
    )
    scores["unsure"] = int(np.isnan(values).any(axis=1).sum())
    scores["uncoded"] = gold.uncoded
    scores["measures"] = f"the tagger against {len(codes)} hand-coded releases ({gold.path.name})"
    return scores, rates


def validation_record(
    rates: Mapping[str, ErrorRates],
    *,
    source: str,
    n_coded: int,
    weighted: bool,
    method: str,
    fingerprint: str | None = None,
) -> dict[str, Any]:
    """The validation kept with a model (JSON-able): error-rate counts per theme and provenance.

    ``fingerprint`` (:func:`coded_fingerprint`) names the coded releases, so that a report given
    the same labels as the training knows not to re-measure the model on them.
    """
    return {
        "source": source,
        "n_coded": int(n_coded),
        "weighted": bool(weighted),
        "method": method,
        "fingerprint": fingerprint,
        "error_rates": {
            t: {k: _finite(v) for k, v in r.as_dict().items()} for t, r in rates.items()
        },
    }


def coded_fingerprint(ids: Sequence[str]) -> str:
    """sha256 over the sorted ids of coded releases."""
    import hashlib

    return hashlib.sha256("\n".join(sorted(map(str, ids))).encode()).hexdigest()


def _finite(value: float) -> float | None:
    """``value`` as a float, ``None`` when undefined (NaN: strict JSON has no NaN)."""
    return float(value) if np.isfinite(value) else None


def _clean(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 4)


def held_out_validation(
    fit: Callable[[list[str], np.ndarray], Any],
    texts: Sequence[str],
    targets: np.ndarray,
    coded_rows: np.ndarray,
    codes: pd.DataFrame,
    weights: np.ndarray | None,
    *,
    source: str,
    folds: int = 5,
    seed: int = 0,
) -> dict[str, Any]:
    """Error rates of a tagger trained *with* the coded releases, measured without them.

    The coded releases are split in ``folds`` folds; for each, the tagger is refitted on every
    other release (``fit(texts, targets)`` returns something with ``predict``) and tags the
    fold. Each coded release is thus tagged by a model that never saw its code.

    Parameters
    ----------
    fit : callable(texts, targets) -> fitted tagger
    texts : sequence of str, length n_docs
    targets : ndarray of bool, shape (n_docs, n_themes)
        The training targets (gold codes where coded).
    coded_rows : ndarray of int, shape (n_coded,)
        Positions of the coded releases in ``texts``.
    codes : DataFrame of float, shape (n_coded, n_themes)
        Their codes (1 / 0 / NaN), rows as ``coded_rows``.
    weights : ndarray of shape (n_coded,), optional
        Sampling weights.

    Returns
    -------
    dict
        :func:`validation_record`.
    """
    import pandas as pd

    from topics.trends.correct import error_rates

    k = max(2, min(folds, len(coded_rows)))
    order = np.random.default_rng(seed).permutation(len(coded_rows))
    tagged = np.zeros(codes.shape, dtype=bool)
    everyone = np.arange(len(texts))
    for part in np.array_split(order, k):
        held = coded_rows[part]
        train = np.setdiff1d(everyone, held)
        tagger = fit([texts[i] for i in train], targets[train])
        tagged[part] = np.asarray(tagger.predict([texts[i] for i in held]), dtype=bool)
    rates = error_rates(
        codes.set_axis(range(len(codes))),
        pd.DataFrame(tagged, columns=codes.columns),
        weights,
    )
    weighted = weights is not None and bool(np.ptp(weights) > 0) if len(coded_rows) else False
    return validation_record(
        rates,
        source=source,
        n_coded=int(codes.notna().any(axis=1).sum()),
        weighted=weighted,
        fingerprint=coded_fingerprint(codes.index),
        method=f"held out: {k}-fold cross-fitting over the coded releases (each tagged by a "
        "model trained without it)",
    )
