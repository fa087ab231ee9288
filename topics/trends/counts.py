"""Per-period and per-category counts, the aggregable unit every trend statistic starts from.

Counts are kept in a *long* table with one row per (period, series): how many releases of the
period carry the series (a theme, a topic), and how many releases the period holds in total.
Tables computed on separate batches of a corpus add up with :func:`combine_counts`, so a corpus
scored elsewhere can be reported without holding every document in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from topics.errors import TopicsError

if TYPE_CHECKING:
    import pandas as pd

#: Calendar bins understood everywhere (``freq`` arguments), with pandas' period codes.
FREQS = {"month": "M", "quarter": "Q", "year": "Y"}
#: Periods per year, to express trends per year whatever the bin.
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}

COUNT_COLUMNS = ["period", "series", "count", "total"]
CATEGORY_COLUMNS = ["category", "series", "count", "total"]


def check_freq(freq: str) -> str:
    """Return ``freq`` if it is one of :data:`FREQS`, else raise :class:`TopicsError`."""
    if freq not in FREQS:
        raise TopicsError(f"unknown period frequency {freq!r}", f"use one of: {', '.join(FREQS)}")
    return freq


def to_periods(dates: pd.Series, freq: str) -> pd.Series:
    """Calendar period of each date (``NaT`` stays missing).

    Parameters
    ----------
    dates : Series of shape (n_docs,)
        Dates (anything :func:`pandas.to_datetime` reads); missing values allowed.
    freq : {"month", "quarter", "year"}

    Returns
    -------
    Series of shape (n_docs,), period dtype, same index as ``dates``.
    """
    import pandas as pd

    code = FREQS[check_freq(freq)]
    parsed = pd.to_datetime(pd.Series(dates), errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.dt.to_period(code)


def _indicator_matrix(indicators: pd.DataFrame, n_docs: int, what: str) -> np.ndarray:
    if len(indicators) != n_docs:
        raise TopicsError(
            f"{what}: {len(indicators)} rows of indicators for {n_docs} dates",
            "pass one indicator row per document, in the same order",
        )
    if indicators.isna().to_numpy().any():
        raise TopicsError(f"{what}: indicators hold missing values", "use True/False only")
    return indicators.to_numpy(dtype=bool)


def _long(wide: pd.DataFrame, totals: pd.Series, key: str) -> pd.DataFrame:
    """(key x series) counts + totals per key -> long table ``key, series, count, total``."""
    import pandas as pd

    n_keys, n_series = wide.shape
    return pd.DataFrame(
        {
            key: np.tile(wide.index.to_numpy(), n_series) if n_keys else wide.index[:0],
            "series": np.repeat(np.asarray(wide.columns, dtype=object), n_keys),
            "count": wide.to_numpy(dtype=np.int64).T.ravel(),
            "total": np.tile(totals.reindex(wide.index).to_numpy(dtype=np.int64), n_series),
        }
    )


def _wide(counts: pd.DataFrame, key: str) -> tuple[pd.DataFrame, pd.Series]:
    """Inverse of :func:`_long`: counts as (key x series) and the totals per key."""
    missing = [c for c in (key, "series", "count", "total") if c not in counts.columns]
    if missing:
        raise TopicsError(
            f"count table lacks column(s) {', '.join(missing)}",
            "pass tables made by period_counts/category_counts",
        )
    series_order = list(dict.fromkeys(counts["series"]))
    wide = counts.pivot_table(
        index=key, columns="series", values="count", aggfunc="sum", observed=True, sort=True
    )
    wide = wide.reindex(columns=series_order).fillna(0).astype(np.int64)
    wide.columns.name = None
    spread = counts.groupby(key, observed=True, sort=True)["total"].agg(["min", "max"])
    if (spread["min"] != spread["max"]).any():
        bad = spread.index[spread["min"] != spread["max"]][0]
        raise TopicsError(
            f"count table: {key} {bad} has different totals for different series",
            "count every series over the same documents",
        )
    return wide, spread["min"].astype(np.int64)


def _zero_fill_periods(wide: pd.DataFrame, totals: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    import pandas as pd

    if len(wide.index) == 0:
        return wide, totals
    full = pd.period_range(wide.index.min(), wide.index.max(), freq=wide.index.freq)
    return wide.reindex(full, fill_value=0), totals.reindex(full, fill_value=0)


def period_counts(
    dates: pd.Series, indicators: pd.DataFrame, freq: str = "quarter"
) -> pd.DataFrame:
    """Count documents per calendar period and series, zero-filled between first and last period.

    Parameters
    ----------
    dates : Series of shape (n_docs,)
        Release dates; undated documents (``NaT``) are left out of every count.
    indicators : DataFrame of shape (n_docs, n_series), bool
        ``True`` where a document belongs to the series (column name = series id). Rows are
        matched to ``dates`` by position.
    freq : {"month", "quarter", "year"}

    Returns
    -------
    DataFrame with columns ``period`` (pandas Period), ``series`` (str), ``count`` (int: dated
    documents of the period in the series) and ``total`` (int: dated documents of the period),
    one row per (series, period), series in column order, periods ascending with no gaps.
    """
    import pandas as pd

    periods = to_periods(dates, freq).reset_index(drop=True)
    matrix = _indicator_matrix(indicators, len(periods), "period_counts")
    keep = periods.notna().to_numpy()
    columns = [str(c) for c in indicators.columns]
    if not keep.any():
        empty = pd.DataFrame(
            {
                "period": pd.PeriodIndex([], freq=FREQS[freq]),
                "series": pd.Series([], dtype=object),
                "count": pd.Series([], dtype=np.int64),
                "total": pd.Series([], dtype=np.int64),
            }
        )
        return empty
    kept = periods[keep]
    wide = pd.DataFrame(matrix[keep].astype(np.int64), columns=columns)
    wide = wide.groupby(kept.to_numpy(), sort=True).sum()
    wide.index = pd.PeriodIndex(wide.index, freq=FREQS[freq])
    totals = kept.value_counts().sort_index()
    totals.index = pd.PeriodIndex(totals.index, freq=FREQS[freq])
    wide, totals = _zero_fill_periods(wide, totals)
    return _long(wide, totals, "period")


def category_counts(categories: pd.Series, indicators: pd.DataFrame) -> pd.DataFrame:
    """Count documents per category and series (documents without a category are left out).

    Parameters
    ----------
    categories : Series of shape (n_docs,)
        Category of each document, missing allowed.
    indicators : DataFrame of shape (n_docs, n_series), bool

    Returns
    -------
    DataFrame with columns ``category``, ``series``, ``count``, ``total``; categories sorted.
    """
    import pandas as pd

    cats = pd.Series(categories).reset_index(drop=True).astype(object)
    matrix = _indicator_matrix(indicators, len(cats), "category_counts")
    keep = cats.notna().to_numpy()
    columns = [str(c) for c in indicators.columns]
    kept = cats[keep].astype(str)
    wide = pd.DataFrame(matrix[keep].astype(np.int64), columns=columns)
    wide = wide.groupby(kept.to_numpy(), sort=True).sum()
    totals = kept.value_counts().sort_index()
    return _long(wide, totals, "category")


def combine_counts(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Add up count tables computed on separate batches of one corpus.

    Parameters
    ----------
    tables : iterable of DataFrame
        Outputs of :func:`period_counts` (same ``freq``) or of :func:`category_counts`, each
        over the same series.

    Returns
    -------
    DataFrame
        The table :func:`period_counts` would have returned for all batches at once
        (zero-filled over the combined period range).

    Raises
    ------
    TopicsError
        If the tables mix kinds or frequencies, or do not cover the same series.
    """
    import pandas as pd

    tables = [t for t in tables]
    if not tables:
        raise TopicsError("combine_counts: no count tables given", "pass at least one table")
    key = "period" if "period" in tables[0].columns else "category"
    series_sets = {frozenset(t["series"]) for t in tables if len(t)}
    if len(series_sets) > 1:
        raise TopicsError(
            "combine_counts: the batches do not cover the same series",
            "count every batch with the same indicator columns",
        )
    non_empty = [t for t in tables if len(t)]
    if not non_empty:
        return tables[0].copy()
    wides, totals = [], []
    for table in non_empty:
        if key not in table.columns:
            raise TopicsError(
                "combine_counts: period and category tables cannot be mixed",
                "combine tables of one kind",
            )
        wide, total = _wide(table, key)
        wides.append(wide)
        totals.append(total)
    if key == "period":
        freqs = {w.index.freqstr for w in wides}
        if len(freqs) > 1:
            raise TopicsError(
                f"combine_counts: tables use different periods ({', '.join(sorted(freqs))})",
                "count every batch with the same freq",
            )
    order = list(dict.fromkeys(non_empty[0]["series"]))
    wide = pd.concat(wides).groupby(level=0, sort=True).sum().reindex(columns=order)
    total = pd.concat(totals).groupby(level=0, sort=True).sum()
    if key == "period":
        wide.index = pd.PeriodIndex(wide.index, freq=wides[0].index.freq)
        total.index = wide.index
        wide, total = _zero_fill_periods(wide, total)
    return _long(wide, total, key)


def with_series(counts: pd.DataFrame, series: list[str]) -> pd.DataFrame:
    """A count table over exactly ``series`` (in that order), absent series counted as zero.

    Only right for series that partition the documents (topics), where a series missing from a
    batch truly has no document in it.
    """
    if not len(counts):
        return counts
    key = "period" if "period" in counts.columns else "category"
    wide, totals = _wide(counts, key)
    return _long(wide.reindex(columns=list(series), fill_value=0), totals, key)


def add_shares(counts: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Add the share ``count / total`` and its Wilson score interval to a count table.

    Parameters
    ----------
    counts : DataFrame
        A table with ``count`` and ``total`` columns (any other columns are kept).
    alpha : float
        1 - confidence level of the interval (0.05 gives 95% intervals).

    Returns
    -------
    DataFrame
        A copy with ``share``, ``lower`` and ``upper`` (NaN where ``total`` is 0).
    """
    from statsmodels.stats.proportion import proportion_confint

    out = counts.copy()
    count = out["count"].to_numpy(dtype=float)
    total = out["total"].to_numpy(dtype=float)
    share = np.full(len(out), np.nan)
    lower = np.full(len(out), np.nan)
    upper = np.full(len(out), np.nan)
    ok = total > 0
    if ok.any():
        share[ok] = count[ok] / total[ok]
        lo, hi = proportion_confint(count[ok], total[ok], alpha=alpha, method="wilson")
        lower[ok] = np.clip(np.minimum(lo, share[ok]), 0.0, 1.0)
        upper[ok] = np.clip(np.maximum(hi, share[ok]), 0.0, 1.0)
    out["share"] = share
    out["lower"] = lower
    out["upper"] = upper
    return out
