"""Shares corrected for the tagger's measured error rates (adjusted classify-and-count).

A tagger that misses some releases of a theme (sensitivity below 1) and tags some releases that do
not carry it (specificity below 1) biases every raw share the same way: a true share ``p`` is seen
as ``q = sens · p + (1 - spec) · (1 - p)``. Measured on a hand-coded sample, the two error rates
invert that relation (Rogan & Gladen 1978; "adjusted classify and count" in the quantification
literature, Forman 2008)::

    p = (q + spec - 1) / (sens + spec - 1)

The corrected share is clipped to [0, 1]. Its interval carries both uncertainties — the period's
binomial sampling of ``q`` and the coded sample's estimate of ``sens`` and ``spec`` — by Monte
Carlo: each draw takes ``q``, ``sens`` and ``spec`` from their Jeffreys posteriors
(``Beta(k + 1/2, n - k + 1/2)``) and applies the formula; the interval is the central
``level`` range of the draws. The error rates are assumed constant over time, which is what makes
the correction (and the trend test on tagged counts) meaningful; a coded sample drawn across the
whole period range is the way to check it.

When the coded sample was not a simple random sample (``topics label`` over-samples uncertain
releases and rare themes), give each coded release its sampling weight (1 / inclusion
probability): the error rates are then weighted estimates, and the Beta draws use Kish's effective
sample size so that unequal weights widen the intervals rather than narrowing them.

A tagger whose Youden index ``sens + spec - 1`` is below :data:`MIN_YOUDEN` is too close to chance
for the inversion to mean anything: such series are returned uncorrected and marked so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from topics.errors import TopicsError

if TYPE_CHECKING:
    import pandas as pd

#: Below this Youden index (sensitivity + specificity - 1) no correction is attempted.
MIN_YOUDEN = 0.2

CORRECTED_COLUMNS = [
    "period", "series", "count", "total", "share_raw", "share", "lower", "upper", "corrected",
]  # fmt: skip


@dataclass(frozen=True)
class ErrorRates:
    """A tagger's confusion counts for one series on a hand-coded sample.

    Counts may be fractional: with sampling weights they are weighted counts rescaled to the
    sample's effective size (see the module docstring).

    Attributes
    ----------
    tp, fn, tn, fp : float
        Coded positives tagged / missed, coded negatives left untagged / tagged.
    """

    tp: float
    fn: float
    tn: float
    fp: float

    @property
    def sensitivity(self) -> float:
        """Share of the coded positives the tagger tags (recall); NaN without positives."""
        positives = self.tp + self.fn
        return self.tp / positives if positives else float("nan")

    @property
    def specificity(self) -> float:
        """Share of the coded negatives the tagger leaves untagged; NaN without negatives."""
        negatives = self.tn + self.fp
        return self.tn / negatives if negatives else float("nan")

    @property
    def youden(self) -> float:
        """``sensitivity + specificity - 1``: 0 for a tagger no better than chance, 1 perfect."""
        return self.sensitivity + self.specificity - 1.0

    @property
    def correctable(self) -> bool:
        """Whether both rates were measured and the tagger is far enough from chance."""
        return bool(np.isfinite(self.youden) and self.youden >= MIN_YOUDEN)

    def as_dict(self) -> dict[str, float]:
        """Counts and rates as plain data (for the manifest, CSV and JSON)."""
        return {
            "tp": self.tp,
            "fn": self.fn,
            "tn": self.tn,
            "fp": self.fp,
            "sensitivity": self.sensitivity,
            "specificity": self.specificity,
        }


def error_rates(
    truth: pd.DataFrame, tagged: pd.DataFrame, weights: np.ndarray | None = None
) -> dict[str, ErrorRates]:
    """Confusion counts of a tagger against hand-coded labels, per series.

    Parameters
    ----------
    truth : DataFrame of shape (n_coded, n_series)
        The coded labels: True, False, or missing (``NaN``/``None``: "unsure" or not coded — left
        out of that series only).
    tagged : DataFrame of bool, same shape, index and columns
        What the tagger said for the same releases.
    weights : ndarray of shape (n_coded,), optional
        Sampling weights (1 / inclusion probability); equal weights by default.

    Returns
    -------
    dict of str to ErrorRates
        One entry per column of ``truth``.
    """
    if list(truth.columns) != list(tagged.columns) or len(truth) != len(tagged):
        raise TopicsError(
            "coded labels and tags do not line up",
            "pass one row per coded release and the same series in both",
        )
    w_all = np.ones(len(truth)) if weights is None else np.asarray(weights, dtype=float)
    if w_all.shape != (len(truth),) or not np.all(np.isfinite(w_all)) or (w_all < 0).any():
        raise TopicsError(
            "sampling weights must be one finite, non-negative number per coded release"
        )
    out = {}
    for series in truth.columns:
        coded = truth[series].notna().to_numpy()
        t = truth[series].to_numpy()[coded].astype(bool)
        y = tagged[series].to_numpy()[coded].astype(bool)
        w = w_all[coded]
        # Kish effective size: weighted counts keep their proportions, sum to n_eff
        n_eff = (w.sum() ** 2 / (w**2).sum()) if (w**2).sum() else 0.0
        scale = n_eff / w.sum() if w.sum() else 0.0
        out[str(series)] = ErrorRates(
            tp=float(w[t & y].sum() * scale),
            fn=float(w[t & ~y].sum() * scale),
            tn=float(w[~t & ~y].sum() * scale),
            fp=float(w[~t & y].sum() * scale),
        )
    return out


def correct_share(q: np.ndarray | float, rates: ErrorRates) -> np.ndarray:
    """Rogan–Gladen point estimate of the true share from a tagged share, clipped to [0, 1]."""
    q = np.asarray(q, dtype=float)
    p = (q + rates.specificity - 1.0) / rates.youden
    return np.clip(p, 0.0, 1.0)


def corrected_shares(
    counts: pd.DataFrame,
    rates: Mapping[str, ErrorRates],
    *,
    level: float = 0.95,
    draws: int = 4000,
    random_state: int = 0,
) -> pd.DataFrame:
    """Raw and error-corrected shares per period and series, with intervals.

    Parameters
    ----------
    counts : DataFrame
        Long count table (``period, series, count, total``) of tagged releases, as
        :func:`topics.trends.counts.period_counts` makes it.
    rates : mapping of str to ErrorRates
        The tagger's error rates per series (:func:`error_rates`); series without an entry, or
        whose tagger is not :attr:`ErrorRates.correctable`, are passed through uncorrected.
    level : float
        Coverage of the intervals.
    draws : int
        Monte Carlo draws per row.
    random_state : int
        Seed of the draws: the same inputs give the same table.

    Returns
    -------
    DataFrame with columns :data:`CORRECTED_COLUMNS`, one row per row of ``counts``:
    ``share_raw`` is ``count / total``; ``share``, ``lower`` and ``upper`` the corrected share
    and its interval (for uncorrected rows: the raw share and its Wilson interval);
    ``corrected`` says which.
    """
    import pandas as pd
    from statsmodels.stats.proportion import proportion_confint

    if not 0 < level < 1:
        raise TopicsError(f"level must lie between 0 and 1, got {level}")
    rng = np.random.default_rng(random_state)
    k = counts["count"].to_numpy(dtype=float)
    n = counts["total"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(n > 0, k / np.where(n > 0, n, 1), np.nan)
    low, high = proportion_confint(k, np.maximum(n, 1), alpha=1 - level, method="wilson")
    share, lower, upper = raw.copy(), np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)
    corrected = np.zeros(len(counts), dtype=bool)
    tail = (1 - level) / 2
    series = counts["series"].astype(str).to_numpy()
    for name in pd.unique(series):
        r = rates.get(name)
        if r is None or not r.correctable:
            continue
        sens = rng.beta(r.tp + 0.5, r.fn + 0.5, size=draws)
        spec = rng.beta(r.tn + 0.5, r.fp + 0.5, size=draws)
        for i in np.flatnonzero((series == name) & (n > 0)):
            q = rng.beta(k[i] + 0.5, n[i] - k[i] + 0.5, size=draws)
            with np.errstate(invalid="ignore", divide="ignore"):
                sims = np.clip((q + spec - 1.0) / (sens + spec - 1.0), 0.0, 1.0)
            sims = sims[np.isfinite(sims)]
            share[i] = float(correct_share(raw[i], r))
            lower[i], upper[i] = np.quantile(sims, [tail, 1 - tail])
            corrected[i] = True
    out = counts[["period", "series", "count", "total"]].reset_index(drop=True).copy()
    out["share_raw"] = raw
    out["share"] = share
    out["lower"] = lower
    out["upper"] = upper
    out["corrected"] = corrected
    return out[CORRECTED_COLUMNS]
