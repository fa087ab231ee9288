"""Trend tables on the corrected scale: shares, effect sizes and rankings of a measured tagger.

When the tagger's error rates were measured on a hand-coded sample (a model's ``validation``,
or ``--theme-labels`` given to the report), :func:`topics.trends.tables.trend_tables` calls
these to move every *share* of the theme tables onto the corrected scale
(:mod:`topics.trends.correct`), while the *tests* stay on the tagged counts:

- With constant error rates the tagged share is ``q = (1 - spec) + (sens + spec - 1) · p``,
  an increasing affine map of the true share ``p`` (when the tagger beats chance). So ``q`` has
  no trend exactly when ``p`` has none, and the binomial trend test on tagged counts is a valid
  test of "no trend in the true share" — with the counts' own binomial noise, which the
  correction would otherwise blur.
- Effect sizes are read on the corrected scale: the fitted start and end shares of the trend
  are corrected, and the minimum effect (``TrendSettings.min_change``) applies to the corrected
  change, which is larger than the tagged one (the tagger shrinks every difference by
  ``sens + spec - 1``). The odds ratio per year stays that of the tagged share (attenuated).
- Change points are found on the tagged counts (an affine map moves no change point); the
  shares before and after are corrected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from topics.trends.correct import ErrorRates, correct_share, corrected_shares

if TYPE_CHECKING:
    import pandas as pd

    from topics.trends.stats import TrendSettings


def rates_of(record: Mapping | None) -> dict[str, ErrorRates]:
    """The :class:`ErrorRates` per series of a validation record (empty without one).

    A record is what :func:`topics.evaluate.validation.validation_record` returns (a model's
    ``validation``): ``{"error_rates": {series: {"tp", "fn", "tn", "fp", ...}}, ...}``.
    """
    if not record:
        return {}
    return {
        str(t): ErrorRates(tp=r["tp"], fn=r["fn"], tn=r["tn"], fp=r["fp"])
        for t, r in record.get("error_rates", {}).items()
    }


def _usable(rates: Mapping[str, ErrorRates]) -> dict[str, ErrorRates]:
    return {s: r for s, r in rates.items() if r.correctable}


def _map(frame: pd.DataFrame, rates: Mapping[str, ErrorRates], columns: list[str]) -> None:
    """Correct ``columns`` of ``frame`` in place, row by row, for series with usable rates."""
    series = frame["series"].astype(str).to_numpy()
    for name, r in _usable(rates).items():
        rows = series == name
        for column in columns:
            if column in frame.columns and rows.any():
                frame.loc[rows, column] = correct_share(
                    frame.loc[rows, column].to_numpy(dtype=float), r
                )


def corrected_share_table(
    shares: pd.DataFrame, rates: Mapping[str, ErrorRates], level: float
) -> pd.DataFrame:
    """A share table (:func:`topics.trends.counts.add_shares`) with corrected shares.

    Returns
    -------
    DataFrame
        ``share``, ``lower``, ``upper`` corrected (Monte Carlo intervals carrying the error
        rates' uncertainty) where the series has usable rates; the raw share and its Wilson
        interval as ``share_raw``, ``raw_lower``, ``raw_upper``; ``corrected`` says which.
    """
    out = shares.rename(columns={"share": "share_raw", "lower": "raw_lower", "upper": "raw_upper"})
    table = corrected_shares(shares, _usable(rates), level=level)
    done = table["corrected"].to_numpy(dtype=bool)
    out["share"] = np.where(done, table["share"], out["share_raw"])
    out["lower"] = np.where(done, table["lower"], out["raw_lower"])
    out["upper"] = np.where(done, table["upper"], out["raw_upper"])
    out["corrected"] = done
    return out


def corrected_trends(
    trends: pd.DataFrame, rates: Mapping[str, ErrorRates], settings: TrendSettings
) -> pd.DataFrame:
    """Trend tests with shares and the minimum effect on the corrected scale (module docstring).

    The significance (``q_value``) is that of the tagged counts; ``status`` is re-decided from
    the corrected change between the fitted first and last shares.
    """
    out = trends.copy()
    out["share_raw"] = out["share"]
    _map(out, rates, ["share", "start_share", "end_share"])
    out["corrected"] = out["series"].astype(str).isin(_usable(rates))
    significant = out["status"].isin(["rising", "falling", "small change"]).to_numpy()
    change = np.abs(out["end_share"].to_numpy(float) - out["start_share"].to_numpy(float))
    slope = out["slope"].to_numpy(dtype=float)
    big = significant & (change >= settings.min_change)
    out.loc[significant, "status"] = "small change"
    out.loc[big & (slope > 0), "status"] = "rising"
    out.loc[big & (slope < 0), "status"] = "falling"
    return out


def corrected_ranking(frame: pd.DataFrame, rates: Mapping[str, ErrorRates]) -> pd.DataFrame:
    """An emerging/declining table with its recent and earlier shares corrected."""
    out = frame.copy()
    _map(out, rates, ["share", "recent_share", "earlier_share"])
    if "change" in out.columns:
        out["change"] = out["recent_share"] - out["earlier_share"]
    return out


def corrected_changes(changes: pd.DataFrame, rates: Mapping[str, ErrorRates]) -> pd.DataFrame:
    """Change points with the shares before and after corrected."""
    out = changes.copy()
    _map(out, rates, ["before_share", "after_share"])
    return out
