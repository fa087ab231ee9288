"""Trend statistics from per-period counts: shares, intervals, tests, change points, terms.

Pure pandas/numpy/statsmodels/ruptures; nothing here needs the documents once they are counted,
so tables from batches scored elsewhere combine with :func:`combine_counts` and
:func:`combine_term_counts`.
"""

from __future__ import annotations

from topics.trends.counts import (
    FREQS,
    add_shares,
    category_counts,
    combine_counts,
    period_counts,
    to_periods,
    with_series,
)
from topics.trends.stats import (
    BinomialCost,
    TrendSettings,
    change_points,
    rank_trends,
    recent_periods,
    trend_tests,
)
from topics.trends.terms import (
    combine_term_counts,
    term_counts,
    top_documents,
    weighted_log_odds,
)

__all__ = [
    "FREQS",
    "BinomialCost",
    "TrendSettings",
    "add_shares",
    "category_counts",
    "change_points",
    "combine_counts",
    "combine_term_counts",
    "period_counts",
    "rank_trends",
    "recent_periods",
    "term_counts",
    "to_periods",
    "top_documents",
    "trend_tests",
    "weighted_log_odds",
    "with_series",
]
