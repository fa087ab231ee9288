"""Trend tests, change points and the emerging/declining ranking, all from count tables.

Every function here takes the long table of :func:`topics.trends.counts.period_counts`
(``period, series, count, total``) and never sees a document.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
from ruptures.base import BaseCost

from topics.trends.counts import _wide

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class TrendSettings:
    """Thresholds behind every trend statement; the report prints them in its method section.

    Attributes
    ----------
    min_period_total : int
        A period takes part in the trend test only with at least this many releases; thinner
        periods are shown but not tested.
    min_periods : int
        Fewer eligible periods than this means "too little data" instead of a trend.
    min_count : int
        Minimum support: a series needs at least this many releases in eligible periods.
    alpha : float
        False discovery rate for the Benjamini–Hochberg correction across series, and 1 -
        confidence level of the intervals.
    min_segment_total : int
        Minimum support of a change-point segment: releases on each side of a change.
    min_segment_periods : int
        Minimum length of a change-point segment, in periods.
    change_alpha : float
        Level of the change-point penalty (Bonferroni over the candidate positions).
    min_change : float
        Minimum effect: a significant trend is called rising or falling only when its fitted
        share moves by at least this much (a fraction: 0.02 = 2 percentage points) between the
        first and the last tested period; a smaller significant drift is reported as
        "small change", so that a large corpus does not turn a negligible drift into a trend.
    """

    min_period_total: int = 10
    min_periods: int = 4
    min_count: int = 5
    alpha: float = 0.05
    min_segment_total: int = 30
    min_segment_periods: int = 2
    change_alpha: float = 0.01
    min_change: float = 0.02

    def as_dict(self) -> dict:
        """The settings as plain data."""
        return asdict(self)


TREND_COLUMNS = [
    "series", "status", "periods", "count", "total", "share", "slope", "odds_ratio",
    "or_lower", "or_upper", "p_value", "q_value", "dispersion", "start_share", "end_share",
]  # fmt: skip


def _years(index: pd.PeriodIndex) -> np.ndarray:
    """Time of each period in years since the first one."""
    from topics.trends.counts import PERIODS_PER_YEAR

    code = index.freqstr[0]
    per_year = {"M": PERIODS_PER_YEAR["month"], "Q": PERIODS_PER_YEAR["quarter"]}.get(code, 1)
    ordinals = index.asi8.astype(float)
    return (ordinals - ordinals[0]) / per_year if len(ordinals) else ordinals


def _fit_binomial_trend(k: np.ndarray, n: np.ndarray, t: np.ndarray) -> dict | None:
    """Quasi-binomial GLM of k/n on t; None when it cannot be estimated."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    exog = np.column_stack([np.ones_like(t), t])
    endog = np.column_stack([k, n - k]).astype(float)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            model = GLM(endog, exog, family=families.Binomial())
            fit = model.fit()
            dispersion = 1.0
            if fit.df_resid > 0:
                dispersion = max(1.0, float(fit.pearson_chi2 / fit.df_resid))
            if dispersion > 1.0:
                fit = model.fit(scale=dispersion)
        except Exception:  # perfect separation, singular matrix: no trend statement
            return None
    slope, se, p = float(fit.params[1]), float(fit.bse[1]), float(fit.pvalues[1])
    if not (np.isfinite(slope) and np.isfinite(se) and np.isfinite(p)) or se > 50:
        return None
    fitted = fit.predict(exog)
    return {
        "slope": slope,
        "odds_ratio": float(np.exp(slope)),
        "or_lower": float(np.exp(slope - 1.959964 * se)),
        "or_upper": float(np.exp(slope + 1.959964 * se)),
        "p_value": p,
        "dispersion": dispersion,
        "start_share": float(fitted[0]),
        "end_share": float(fitted[-1]),
    }


def trend_tests(counts: pd.DataFrame, settings: TrendSettings | None = None) -> pd.DataFrame:
    """Test every series for a monotone trend in its share, corrected across series.

    For each series, a binomial GLM (logit link) of ``count / total`` on time in years is fitted
    on the periods holding at least ``min_period_total`` releases; overdispersion is allowed for
    by scaling with Pearson's chi² / df when it exceeds 1 (quasi-binomial). The slope's Wald
    p-values are corrected with Benjamini–Hochberg across the series of the table.

    Parameters
    ----------
    counts : DataFrame
        Long count table (``period, series, count, total``).
    settings : TrendSettings, optional

    Returns
    -------
    DataFrame, one row per series (table order), columns :data:`TREND_COLUMNS`:
    ``status`` is ``"rising"``, ``"falling"`` (significant after correction and a fitted change
    of at least ``min_change``), ``"small change"`` (significant, but smaller than that),
    ``"no clear trend"``, ``"too little data"`` or ``"not estimable"``; ``odds_ratio`` is the
    change of the odds per year with its 95% interval; ``start_share``/``end_share`` the fitted
    shares at the first and last tested period.
    """
    import pandas as pd
    from statsmodels.stats.multitest import multipletests

    s = settings or TrendSettings()
    rows = []
    if len(counts):
        wide, totals = _wide(counts, "period")
        eligible = (totals >= s.min_period_total).to_numpy()
        t = _years(wide.index)[eligible]
        n = totals.to_numpy()[eligible]
        for series in wide.columns:
            k = wide[series].to_numpy()[eligible]
            row = {
                "series": series,
                "periods": int(eligible.sum()),
                "count": int(k.sum()),
                "total": int(n.sum()),
                "share": float(k.sum() / n.sum()) if n.sum() else np.nan,
            }
            if eligible.sum() < s.min_periods or k.sum() < s.min_count:
                row["status"] = "too little data"
            else:
                fit = _fit_binomial_trend(k, n, t)
                row.update(fit or {})
                row["status"] = "tested" if fit else "not estimable"
            rows.append(row)
    out = pd.DataFrame(rows, columns=TREND_COLUMNS)
    out["q_value"] = np.nan
    tested = (out["status"] == "tested").to_numpy()
    if tested.any():
        out.loc[tested, "q_value"] = multipletests(
            out.loc[tested, "p_value"].to_numpy(dtype=float), alpha=s.alpha, method="fdr_bh"
        )[1]
    significant = tested & (out["q_value"].to_numpy(dtype=float) < s.alpha)
    slope = out["slope"].to_numpy(dtype=float)
    change = np.abs(out["end_share"].to_numpy(dtype=float) - out["start_share"].to_numpy(float))
    out.loc[tested, "status"] = "no clear trend"
    out.loc[significant, "status"] = "small change"
    significant &= change >= s.min_change
    out.loc[significant & (slope > 0), "status"] = "rising"
    out.loc[significant & (slope < 0), "status"] = "falling"
    return out


class BinomialCost(BaseCost):
    """ruptures cost: binomial deviance of a segment of (count, total) periods.

    A segment holding fewer than ``min_support`` releases costs infinity, so no change point
    leaves a thin segment behind. Costs are divided by ``scale`` (overdispersion).
    """

    model = "binomial"

    def __init__(self, min_support: int = 30, scale: float = 1.0) -> None:
        self.min_support = min_support
        self.scale = scale
        self.min_size = 1

    def fit(self, signal: np.ndarray) -> BinomialCost:
        """Take a (n_periods, 2) array of counts and totals."""
        signal = np.asarray(signal, dtype=float)
        self.signal = signal
        self.cum_k = np.concatenate([[0.0], np.cumsum(signal[:, 0])])
        self.cum_n = np.concatenate([[0.0], np.cumsum(signal[:, 1])])
        return self

    def error(self, start: int, end: int) -> float:
        """-2 log-likelihood of periods ``start:end`` under one share, divided by ``scale``."""
        k = self.cum_k[end] - self.cum_k[start]
        n = self.cum_n[end] - self.cum_n[start]
        if n < self.min_support:
            return np.inf
        return -2.0 * _loglik(k, n) / self.scale


def _loglik(k: float | np.ndarray, n: float | np.ndarray) -> float | np.ndarray:
    """Binomial log-likelihood (without the constant) at the MLE share k/n."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, k / np.where(n > 0, n, 1), 0.0)
        a = np.where(k > 0, k * np.log(np.where(p > 0, p, 1)), 0.0)
        b = np.where(n - k > 0, (n - k) * np.log(np.where(p < 1, 1 - p, 1)), 0.0)
    return a + b


def _segment(k: np.ndarray, n: np.ndarray, s: TrendSettings, scale: float) -> list[int]:
    import ruptures as rpt
    from scipy.stats import chi2

    if len(k) < 2 * s.min_segment_periods:  # no split leaves enough periods on both sides
        return []
    candidates = max(1, int((n > 0).sum()) - 1)
    penalty = float(chi2.ppf(1.0 - s.change_alpha / candidates, df=1))
    cost = BinomialCost(min_support=s.min_segment_total, scale=scale)
    algo = rpt.Binseg(custom_cost=cost, min_size=s.min_segment_periods, jump=1)
    return algo.fit(np.column_stack([k, n])).predict(pen=penalty)[:-1]


def _pearson_dispersion(k: np.ndarray, n: np.ndarray, bkps: list[int]) -> float:
    chi2_sum, used = 0.0, 0
    for start, end in zip([0, *bkps], [*bkps, len(k)], strict=True):
        kk, nn = k[start:end], n[start:end]
        p = kk.sum() / nn.sum() if nn.sum() else 0.0
        mask = nn > 0
        if 0 < p < 1:
            km, nm = kk[mask], nn[mask]
            chi2_sum += float((((km - nm * p) ** 2) / (nm * p * (1 - p))).sum())
        used += int(mask.sum())
    df = used - (len(bkps) + 1)
    return max(1.0, chi2_sum / df) if df > 0 else 1.0


CHANGE_COLUMNS = [
    "series", "period", "before_share", "after_share", "before_total", "after_total", "direction",
]  # fmt: skip


def change_points(counts: pd.DataFrame, settings: TrendSettings | None = None) -> pd.DataFrame:
    """Find the periods where a series' share shifts, by binomial binary segmentation.

    Uses :class:`ruptures.Binseg` with :class:`BinomialCost`. A split is kept when it lowers the
    deviance by more than the chi² (1 df) quantile at ``change_alpha`` Bonferroni-corrected over
    the candidate positions, and leaves at least ``min_segment_total`` releases and
    ``min_segment_periods`` periods on each side. The deviance is then rescaled by the Pearson
    dispersion of the segmented fit (when above 1) and the segmentation redone, so an
    overdispersed but flat series does not fire.

    Parameters
    ----------
    counts : DataFrame
        Long count table (``period, series, count, total``).
    settings : TrendSettings, optional

    Returns
    -------
    DataFrame with columns :data:`CHANGE_COLUMNS`: ``period`` is the first period of the new
    segment; shares are those of the segments before and after; ``direction`` "up" or "down".
    """
    import pandas as pd

    s = settings or TrendSettings()
    rows = []
    if len(counts):
        wide, totals = _wide(counts, "period")
        n = totals.to_numpy(dtype=float)
        for series in wide.columns:
            k = wide[series].to_numpy(dtype=float)
            if n.sum() < 2 * s.min_segment_total or k.sum() < s.min_count:
                continue
            bkps = _segment(k, n, s, 1.0)
            if bkps:
                scale = _pearson_dispersion(k, n, bkps)
                if scale > 1.0:
                    bkps = _segment(k, n, s, scale)
            edges = [0, *bkps, len(k)]
            for i, b in enumerate(bkps):
                before = slice(edges[i], b)
                after = slice(b, edges[i + 2])
                pb = k[before].sum() / n[before].sum()
                pa = k[after].sum() / n[after].sum()
                rows.append(
                    {
                        "series": series,
                        "period": wide.index[b],
                        "before_share": float(pb),
                        "after_share": float(pa),
                        "before_total": int(n[before].sum()),
                        "after_total": int(n[after].sum()),
                        "direction": "up" if pa > pb else "down",
                    }
                )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def recent_periods(freq: str) -> int:
    """Default length of the "recent" window: about a year (two periods for yearly bins)."""
    return {"month": 12, "quarter": 4, "year": 2}[freq]


def rank_trends(
    counts: pd.DataFrame, trends: pd.DataFrame, recent: int = 4
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank series with a significant trend as emerging or declining.

    Parameters
    ----------
    counts : DataFrame
        Long count table.
    trends : DataFrame
        Output of :func:`trend_tests` on the same table.
    recent : int
        Number of last periods forming the "recent" window; the rest is "earlier".

    Returns
    -------
    emerging, declining : DataFrame
        Rows of ``trends`` with status "rising" (resp. "falling"), plus ``recent_share``,
        ``earlier_share`` and ``change`` (recent - earlier), sorted by the odds ratio per year
        (strongest first).
    """
    import pandas as pd

    if not len(counts) or not len(trends):
        empty = trends.assign(recent_share=[], earlier_share=[], change=[])
        return empty, empty.copy()
    wide, totals = _wide(counts, "period")
    recent = max(1, min(recent, len(totals) - 1)) if len(totals) > 1 else 1
    n_recent, n_early = totals.iloc[-recent:].sum(), totals.iloc[:-recent].sum()
    recent_share = wide.iloc[-recent:].sum() / n_recent if n_recent else wide.iloc[0] * np.nan
    early_share = wide.iloc[:-recent].sum() / n_early if n_early else wide.iloc[0] * np.nan
    out = trends.copy()
    out["recent_share"] = out["series"].map(pd.Series(recent_share, dtype=float))
    out["earlier_share"] = out["series"].map(pd.Series(early_share, dtype=float))
    out["change"] = out["recent_share"] - out["earlier_share"]
    emerging = out[out["status"] == "rising"].sort_values(
        ["odds_ratio", "series"], ascending=[False, True], kind="stable"
    )
    declining = out[out["status"] == "falling"].sort_values(
        ["odds_ratio", "series"], ascending=[True, True], kind="stable"
    )
    return emerging.reset_index(drop=True), declining.reset_index(drop=True)
