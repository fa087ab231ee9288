"""What changed in the newest period: each series' share there against its trailing history.

The question an analyst asks after each update ("what moved this month?") is not the trend test
of :mod:`topics.trends.stats` (a slope over every period) but a comparison of the newest period
with the periods just before it. For every series: the share in the newest period and in the
``history`` periods before it (pooled), both with Wilson intervals; Fisher's exact test of the
2×2 table, Benjamini–Hochberg across the series; ``"rising"`` / ``"falling"`` only when
significant *and* the shares differ by at least ``settings.min_change``. A newest period or a
history with fewer than ``settings.min_period_total`` releases gives ``"too little data"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from topics.trends.counts import _wide

if TYPE_CHECKING:
    import pandas as pd

    from topics.trends.stats import TrendSettings
    from topics.trends.summary import TrendSummary

LATEST_COLUMNS = [
    "series", "status", "period", "count", "total", "share", "lower", "upper",
    "history_count", "history_total", "history_share", "history_lower", "history_upper",
    "change", "p_value", "q_value",
]  # fmt: skip


def latest_changes(
    counts: pd.DataFrame, settings: TrendSettings | None = None, history: int = 4
) -> pd.DataFrame:
    """Compare every series' share in the newest period with its ``history`` periods before.

    Parameters
    ----------
    counts : DataFrame
        Long count table (``period, series, count, total``), as :func:`period_counts` makes.
    settings : TrendSettings, optional
        ``min_period_total``, ``alpha`` and ``min_change`` are used.
    history : int
        Periods before the newest one that form its trailing history.

    Returns
    -------
    DataFrame with columns :data:`LATEST_COLUMNS`, one row per series (table order), rising
    first (largest change first), then falling, then the rest; ``status`` is ``"rising"``,
    ``"falling"``, ``"steady"`` or ``"too little data"``.
    """
    import pandas as pd
    from scipy.stats import fisher_exact
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import proportion_confint

    from topics.trends.stats import TrendSettings

    s = settings or TrendSettings()
    if not len(counts):
        return pd.DataFrame(columns=LATEST_COLUMNS)
    wide, totals = _wide(counts, "period")
    if len(totals) < 2:
        return pd.DataFrame(columns=LATEST_COLUMNS)
    last = wide.index[-1]
    past = slice(max(0, len(totals) - 1 - history), len(totals) - 1)
    n_new, n_old = int(totals.iloc[-1]), int(totals.iloc[past].sum())
    enough = n_new >= s.min_period_total and n_old >= s.min_period_total
    rows = []
    for series in wide.columns:
        k_new, k_old = int(wide[series].iloc[-1]), int(wide[series].iloc[past].sum())
        row = {"series": str(series), "period": last, "count": k_new, "total": n_new}
        row |= {"history_count": k_old, "history_total": n_old}
        for prefix, k, n in (("", k_new, n_new), ("history_", k_old, n_old)):
            lo, hi = proportion_confint(k, n, alpha=s.alpha, method="wilson") if n else (0, 0)
            row[f"{prefix}share"] = k / n if n else np.nan
            row[f"{prefix}lower"], row[f"{prefix}upper"] = float(lo), float(hi)
        row["change"] = row["share"] - row["history_share"]
        row["p_value"] = np.nan
        if enough:
            table = [[k_new, n_new - k_new], [k_old, n_old - k_old]]
            row["p_value"] = float(fisher_exact(table)[1])
        rows.append(row)
    out = pd.DataFrame(rows, columns=LATEST_COLUMNS)
    out["q_value"] = np.nan
    tested = out["p_value"].notna().to_numpy()
    if tested.any():
        out.loc[tested, "q_value"] = multipletests(
            out.loc[tested, "p_value"].to_numpy(float), alpha=s.alpha, method="fdr_bh"
        )[1]
    moved = tested & (out["q_value"].to_numpy(float) < s.alpha)
    moved &= np.abs(out["change"].to_numpy(float)) >= s.min_change
    out["status"] = np.where(tested, "steady", "too little data")
    out.loc[moved & (out["change"] > 0).to_numpy(), "status"] = "rising"
    out.loc[moved & (out["change"] < 0).to_numpy(), "status"] = "falling"
    rank = out["status"].map({"rising": 0, "falling": 1}).fillna(2)
    order = np.lexsort((-np.abs(out["change"].to_numpy(float)), rank.to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def latest_section(summary: TrendSummary, settings: TrendSettings) -> dict:
    """The newest period against its trailing history, for themes and topics, with releases.

    Returns
    -------
    dict
        ``period`` (label of the newest period, or None), ``history`` (number of periods before
        it compared), ``themes`` and ``topics`` (one record per series: the columns of
        :func:`topics.trends.latest.latest_changes` as plain values, ``name``, and
        ``releases``: the releases behind the newest count, best or latest first), ``new_topics``
        (topic records whose status is ``"new"``) and ``retired_topics``.
    """
    from topics.trends.records import clean, period_label
    from topics.trends.stats import recent_periods

    history = recent_periods(summary.freq)
    names = dict(summary.theme_names)
    topic_names = dict(
        zip(summary.topic_info["topic"].astype(str), summary.topic_info["label"], strict=True)
    )

    def records(counts, names, top) -> tuple[str | None, list[dict]]:
        table = latest_changes(counts, settings, history)
        if not len(table):
            return None, []
        period = table["period"].iloc[0]
        behind = top[top["key"] == period] if top is not None and len(top) else None
        out = []
        for r in table.to_dict("records"):
            record = {k: clean(v) for k, v in r.items() if k != "period"}
            record["name"] = names.get(str(r["series"]), f"Topic {r['series']}")
            docs = [] if behind is None else behind[behind["series"] == str(r["series"])]
            record["releases"] = [
                {k: clean(d[k]) for k in ("id", "title", "date", "source", "snippet")}
                for d in ([] if behind is None else docs.to_dict("records"))
            ]
            out.append(record)
        return period_label(period, summary.freq), out

    period, themes = records(summary.theme_counts, names, summary.top_period)
    _, topics = records(summary.topic_counts, topic_names, summary.topic_top_period)
    info = summary.topic_info
    status = info["status"] if "status" in info.columns else None

    def with_status(value: str) -> list[dict]:
        if status is None:
            return []
        rows = info[status == value]
        return [
            {
                "topic": int(r["topic"]),
                "label": str(r["label"]),
                "size": int(r["size"]),
                "terms": [str(t) for t in r["terms"]][:8],
                "first_date": clean(r.get("first_date")),
                "last_date": clean(r.get("last_date")),
            }
            for r in rows.to_dict("records")
        ]

    return {
        "period": period,
        "history": history,
        "themes": themes,
        "topics": topics,
        "new_topics": with_status("new"),
        "retired_topics": with_status("retired"),
    }
