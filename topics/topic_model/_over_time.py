"""Topic shares on calendar periods, with per-period terms computed without look-ahead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from topics.errors import TopicsError
from topics.topic_model._represent import class_counts, ctfidf

#: ``freq`` name → pandas period alias.
FREQS = {"month": "M", "quarter": "Q", "year": "Y"}


def to_periods(dates: Sequence[Any], freq: str):
    """Parse dates (strings, ``datetime``, ``Timestamp``; unparseable → missing) to periods.

    A date with a time zone keeps its local calendar day (``2025-03-01T08:00+09:00`` is in
    March, not in February as it would be in UTC).

    Returns
    -------
    pandas.PeriodIndex of length n_documents
        ``NaT`` where a date is missing or cannot be read.
    """
    import pandas as pd

    if freq not in FREQS:
        raise TopicsError(f"unknown freq {freq!r}", f"use one of {', '.join(FREQS)}")
    values = pd.Series(list(dates), dtype=object)
    try:
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
        if parsed.dt.tz is not None:
            parsed = parsed.dt.tz_localize(None)
    except (ValueError, TypeError):  # mixed time zones: one at a time, local wall time kept
        parsed = pd.Series([_local_timestamp(v) for v in values], dtype="datetime64[ns]")
    return pd.PeriodIndex(parsed, freq=FREQS[freq])


def _local_timestamp(value: Any):
    import pandas as pd

    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return pd.NaT
    if ts is pd.NaT:
        return pd.NaT
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def topics_over_time(
    labels: np.ndarray,
    dates: Sequence[Any],
    freq: str,
    n_topics: int,
    doc_terms: sp.spmatrix | None = None,
    vocabulary: Sequence[str] | None = None,
    top_n: int = 5,
):
    """Per-period document counts and shares of each topic, zero-filled.

    Parameters
    ----------
    labels : ndarray of shape (n_documents,)
        Topic of each document.
    dates : sequence of length n_documents
        Strings or datetimes; missing or unreadable dates are left out (counted in
        ``result.attrs["n_undated"]``).
    freq : {"month", "quarter", "year"}
        Calendar bins.
    n_topics : int
    doc_terms : sparse matrix of shape (n_documents, n_terms), optional
        Term counts; when given, each row also carries the topic's top terms computed on the
        documents dated up to the end of that period only (no look-ahead).
    vocabulary : sequence of str, optional
        Term strings of ``doc_terms``' columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (``pd.Period``), ``topic``, ``count``, ``share`` (of the period's
        dated documents; 0 in a period with none) and ``terms`` (list of str, or ``None``);
        one row per period from the first to the last date and per topic.
    """
    import pandas as pd

    labels = np.asarray(labels, dtype=np.int64)
    periods = to_periods(dates, freq)
    if len(periods) != len(labels):
        raise TopicsError(
            f"{len(periods)} dates for {len(labels)} documents", "give one date per document"
        )
    dated = ~periods.isna()
    if not dated.any():
        raise TopicsError("no document has a readable date", "give ISO dates such as 2025-01-31")
    span = pd.period_range(periods[dated].min(), periods[dated].max(), freq=FREQS[freq])
    pos = span.get_indexer(periods[dated])
    dated_labels = labels[dated]
    counts = np.zeros((len(span), n_topics), dtype=np.int64)
    np.add.at(counts, (pos, dated_labels), 1)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)

    terms: list[list[list[str] | None]] = [[None] * n_topics for _ in span]
    if doc_terms is not None and vocabulary is not None:
        vocab = np.asarray(vocabulary, dtype=object)
        rows = sp.csr_matrix(doc_terms)[np.flatnonzero(dated)]
        cumulative = sp.csr_matrix((n_topics, rows.shape[1]), dtype=np.float64)
        for p in range(len(span)):
            in_period = np.flatnonzero(pos == p)
            if len(in_period):
                cumulative = cumulative + class_counts(
                    rows[in_period], dated_labels[in_period], n_topics
                )
            weights = ctfidf(cumulative)
            for k in range(n_topics):
                if cumulative[k].nnz == 0:
                    terms[p][k] = []
                    continue
                best = np.argsort(-weights[k], kind="stable")[:top_n]
                terms[p][k] = [str(t) for t in vocab[best[weights[k, best] > 0]]]

    frame = pd.DataFrame(
        {
            "period": np.repeat(np.asarray(span, dtype=object), n_topics),
            "topic": np.tile(np.arange(n_topics), len(span)),
            "count": counts.ravel(),
            "share": shares.ravel(),
            "terms": [t for row in terms for t in row],
        }
    )
    frame["period"] = pd.PeriodIndex(frame["period"], freq=FREQS[freq])
    frame.attrs["n_undated"] = int((~dated).sum())
    return frame
