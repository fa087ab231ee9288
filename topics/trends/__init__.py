"""Trends: a corpus and its predictions counted per period, and the statistics on the counts.

The flow, one module per step::

    summary = summarize(corpus, predictions, freq="quarter")   # summary.py: documents → counts
    summary = combine_summaries(batch_summaries)                # batches scored apart add up
    tables = trend_tables(summary)                              # tables.py: tests, change points
    tables.to_csv(); tables.to_json(title, generated_at)        # the machine-readable tables

Counting (counts.py, terms.py) is pure pandas/numpy; the statistics (stats.py) use statsmodels
and ruptures; nothing after :func:`summarize` needs the documents, and :func:`save_summary` /
:func:`load_summary` ship a summary between machines.
"""

from __future__ import annotations

from topics.trends.counts import (
    FREQS,
    add_shares,
    category_counts,
    check_freq,
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
from topics.trends.store import load_summary, save_summary
from topics.trends.summary import TrendSummary, combine_summaries, summarize, top_documents
from topics.trends.tables import SeriesTrends, TrendTables, trend_tables
from topics.trends.terms import (
    combine_term_counts,
    distinguishing_terms,
    term_counts,
    weighted_log_odds,
)

__all__ = [
    "FREQS",
    "BinomialCost",
    "SeriesTrends",
    "TrendSettings",
    "TrendSummary",
    "TrendTables",
    "add_shares",
    "category_counts",
    "change_points",
    "check_freq",
    "combine_counts",
    "combine_summaries",
    "combine_term_counts",
    "distinguishing_terms",
    "load_summary",
    "period_counts",
    "rank_trends",
    "recent_periods",
    "save_summary",
    "summarize",
    "term_counts",
    "to_periods",
    "top_documents",
    "trend_tables",
    "trend_tests",
    "weighted_log_odds",
    "with_series",
]
