"""Trend statistics: counts, intervals, tests, change points, terms (all from count tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from topics.errors import TopicsError
from topics.trends import (
    TrendSettings,
    add_shares,
    category_counts,
    change_points,
    combine_counts,
    combine_term_counts,
    period_counts,
    rank_trends,
    term_counts,
    top_documents,
    trend_tests,
    weighted_log_odds,
)


def counts_table(shares: dict[str, np.ndarray], totals: np.ndarray, rng, start="2015Q1"):
    """A long count table with binomial counts drawn around the given true shares."""
    periods = pd.period_range(start, periods=len(totals), freq="Q")
    frames = []
    for series, p in shares.items():
        frames.append(
            pd.DataFrame(
                {
                    "period": periods,
                    "series": series,
                    "count": rng.binomial(totals, p).astype(np.int64),
                    "total": totals.astype(np.int64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --- counting -------------------------------------------------------------------------------


def test_period_counts_bins_zero_fills_and_skips_undated():
    dates = pd.Series(
        pd.to_datetime(["2020-01-05", "2020-02-01", None, "2020-10-31", "2020-03-31"])
    )
    ind = pd.DataFrame({"a": [True, False, True, True, True], "b": [False] * 5})
    out = period_counts(dates, ind, "quarter")
    assert list(out.columns) == ["period", "series", "count", "total"]
    a = out[out["series"] == "a"]
    assert [str(p) for p in a["period"]] == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert a["count"].tolist() == [2, 0, 0, 1]
    assert a["total"].tolist() == [3, 0, 0, 1]
    assert out[out["series"] == "b"]["count"].sum() == 0
    yearly = period_counts(dates, ind, "year")
    assert yearly["total"].tolist() == [4, 4]


def test_period_counts_rejects_unknown_freq_and_misaligned_rows():
    dates = pd.Series(pd.to_datetime(["2020-01-05"]))
    with pytest.raises(TopicsError, match="frequency"):
        period_counts(dates, pd.DataFrame({"a": [True]}), "week")
    with pytest.raises(TopicsError, match="rows"):
        period_counts(dates, pd.DataFrame({"a": [True, False]}), "month")


def test_period_counts_without_dates_is_empty():
    out = period_counts(pd.Series([pd.NaT, pd.NaT]), pd.DataFrame({"a": [True, False]}), "month")
    assert len(out) == 0
    assert list(out.columns) == ["period", "series", "count", "total"]


@settings(max_examples=30, deadline=None)
@given(
    days=st.lists(st.integers(0, 2000), min_size=1, max_size=60),
    cut=st.integers(0, 60),
    freq=st.sampled_from(["month", "quarter", "year"]),
)
def test_combine_counts_of_batches_equals_counts_of_the_whole(days, cut, freq):
    rng = np.random.default_rng(len(days))
    dates = pd.Series(pd.Timestamp("2018-01-01") + pd.to_timedelta(days, unit="D"))
    ind = pd.DataFrame({"x": rng.random(len(days)) < 0.4, "y": rng.random(len(days)) < 0.7})
    cut = min(cut, len(days))
    whole = period_counts(dates, ind, freq)
    parts = [
        period_counts(dates[:cut], ind[:cut], freq),
        period_counts(dates[cut:].reset_index(drop=True), ind[cut:].reset_index(drop=True), freq),
    ]
    pd.testing.assert_frame_equal(combine_counts(parts), whole)


def test_combine_counts_refuses_different_series_or_freqs():
    dates = pd.Series(pd.to_datetime(["2020-01-05", "2020-05-01"]))
    a = period_counts(dates, pd.DataFrame({"a": [True, False]}), "quarter")
    b = period_counts(dates, pd.DataFrame({"b": [True, False]}), "quarter")
    m = period_counts(dates, pd.DataFrame({"a": [True, False]}), "month")
    with pytest.raises(TopicsError, match="same series"):
        combine_counts([a, b])
    with pytest.raises(TopicsError, match="different periods"):
        combine_counts([a, m])


def test_category_counts_and_their_combination():
    cats = pd.Series(["A", "B", None, "A"])
    ind = pd.DataFrame({"t": [True, True, True, False]})
    out = category_counts(cats, ind)
    assert out["category"].tolist() == ["A", "B"]
    assert out["count"].tolist() == [1, 1]
    assert out["total"].tolist() == [2, 1]
    both = combine_counts([out, out])
    assert both["count"].tolist() == [2, 2]
    assert both["total"].tolist() == [4, 2]


# --- shares and intervals -------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 5000)).map(lambda t: (min(t), max(t))),
        min_size=1,
        max_size=30,
    )
)
def test_shares_are_consistent_with_counts(pairs):
    counts = pd.DataFrame({"count": [p[0] for p in pairs], "total": [p[1] for p in pairs]})
    out = add_shares(counts)
    ok = out["total"] > 0
    assert out.loc[~ok, ["share", "lower", "upper"]].isna().all().all()
    shown = out[ok]
    assert np.allclose(shown["share"], shown["count"] / shown["total"])
    assert ((shown["lower"] >= 0) & (shown["upper"] <= 1)).all()
    assert (shown["lower"] <= shown["share"]).all()
    assert (shown["share"] <= shown["upper"]).all()
    assert counts.columns.tolist() == ["count", "total"]  # caller's frame untouched


@settings(max_examples=30, deadline=None)
@given(topics=st.lists(st.integers(-1, 4), min_size=1, max_size=80), seed=st.integers(0, 100))
def test_shares_of_a_partition_sum_to_one_per_period(topics, seed):
    rng = np.random.default_rng(seed)
    dates = pd.Series(
        pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, len(topics)), unit="D")
    )
    topics = pd.Series(topics)
    ind = pd.DataFrame({str(k): (topics == k).to_numpy() for k in range(-1, 5)})
    shares = add_shares(period_counts(dates, ind, "quarter"))
    per_period = shares.dropna(subset=["share"]).groupby("period")["share"].sum()
    assert np.allclose(per_period, 1.0)


def test_wilson_intervals_cover_the_true_share_about_95_percent():
    rng = np.random.default_rng(20260101)
    totals = np.repeat([15, 40, 120, 400], 500)
    true = np.tile(np.linspace(0.05, 0.5, 500), 4)
    counts = pd.DataFrame({"count": rng.binomial(totals, true), "total": totals})
    out = add_shares(counts)
    covered = (out["lower"] <= true) & (true <= out["upper"])
    assert 0.92 <= covered.mean() <= 0.98


def test_intervals_of_a_planted_trend_cover_the_true_shares():
    rng = np.random.default_rng(7)
    totals = rng.integers(40, 200, 32)
    true = np.linspace(0.10, 0.35, 32)
    hits = []
    for _ in range(60):
        table = add_shares(counts_table({"s": true}, totals, rng))
        hits.append((table["lower"] <= true) & (true <= table["upper"]))
    coverage = float(np.mean(np.concatenate(hits)))
    assert 0.92 <= coverage <= 0.98


# --- trend tests ----------------------------------------------------------------------------


def test_planted_trends_are_found_with_the_right_sign_and_flat_ones_are_not():
    rng = np.random.default_rng(1)
    totals = rng.integers(60, 160, 24)
    shares = {
        "up": np.linspace(0.08, 0.30, 24),
        "down": np.linspace(0.30, 0.12, 24),
        **{f"flat{i}": np.full(24, 0.05 + 0.03 * i) for i in range(8)},
    }
    result = trend_tests(counts_table(shares, totals, rng)).set_index("series")
    assert result.loc["up", "status"] == "rising"
    assert result.loc["up", "odds_ratio"] > 1
    assert result.loc["down", "status"] == "falling"
    assert result.loc["down", "or_upper"] < 1
    flat = result.loc[[f"flat{i}" for i in range(8)]]
    assert (flat["status"] == "no clear trend").all()
    assert (flat["q_value"] >= flat["p_value"]).all()


def test_flat_series_are_rarely_flagged_after_correction():
    flagged = 0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        totals = rng.integers(20, 120, 20)
        shares = {f"s{i}": np.full(20, 0.2) for i in range(10)}
        result = trend_tests(counts_table(shares, totals, rng))
        flagged += int(result["status"].isin(["rising", "falling"]).any())
    # family-wise error under the global null is at most alpha for BH: expect ~1 in 20
    assert flagged <= 3


def test_significant_but_negligible_drift_is_a_small_change_not_a_trend():
    rng = np.random.default_rng(2)
    totals = np.full(24, 50_000)  # a very large corpus: a 0.3-point drift is "significant"
    shares = {"drift": np.linspace(0.200, 0.203, 24), "real": np.linspace(0.20, 0.25, 24)}
    result = trend_tests(counts_table(shares, totals, rng)).set_index("series")
    assert result.loc["drift", "q_value"] < 0.05
    assert result.loc["drift", "status"] == "small change"
    assert result.loc["real", "status"] == "rising"
    loose = trend_tests(counts_table(shares, totals, rng), TrendSettings(min_change=0.0))
    assert loose.set_index("series").loc["drift", "status"] == "rising"


def test_thin_data_says_too_little_data():
    rng = np.random.default_rng(0)
    totals = np.array([3, 4, 50, 60, 2, 1])  # only two periods reach min_period_total
    table = counts_table({"a": np.full(6, 0.5), "rare": np.full(6, 0.0)}, totals, rng)
    result = trend_tests(table).set_index("series")
    assert result.loc["a", "status"] == "too little data"
    assert np.isnan(result.loc["a", "p_value"])
    many = counts_table({"rare": np.full(12, 0.001)}, np.full(12, 30), rng)
    s = TrendSettings(min_count=5)
    assert trend_tests(many, s)["status"].iloc[0] == "too little data"


def test_overdispersed_flat_series_keep_the_false_alarm_rate():
    flagged, dispersions = 0, []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        noisy = np.clip(rng.normal(0.2, 0.06, 30), 0.01, 0.99)  # period noise, no trend
        result = trend_tests(counts_table({"noisy": noisy}, np.full(30, 400), rng))
        dispersions.append(result["dispersion"].iloc[0])
        flagged += int(result["status"].iloc[0] != "no clear trend")
    assert np.median(dispersions) > 2  # the binomial model alone would call many of these trends
    assert flagged <= 5  # ~5% expected


def test_rank_trends_orders_emerging_and_declining():
    rng = np.random.default_rng(5)
    totals = np.full(20, 150)
    shares = {
        "fast": np.linspace(0.05, 0.40, 20),
        "slow": np.linspace(0.10, 0.20, 20),
        "drop": np.linspace(0.30, 0.05, 20),
        "flat": np.full(20, 0.2),
    }
    table = counts_table(shares, totals, rng)
    emerging, declining = rank_trends(table, trend_tests(table), recent=4)
    assert emerging["series"].tolist() == ["fast", "slow"]
    assert declining["series"].tolist() == ["drop"]
    assert (emerging["recent_share"] > emerging["earlier_share"]).all()
    assert declining["change"].iloc[0] < 0


# --- change points --------------------------------------------------------------------------


def test_change_point_is_found_where_planted():
    rng = np.random.default_rng(2)
    totals = rng.integers(80, 140, 28)
    step = np.where(np.arange(28) < 17, 0.10, 0.25)
    found = change_points(counts_table({"step": step}, totals, rng))
    assert len(found) == 1
    periods = pd.period_range("2015Q1", periods=28, freq="Q")
    assert abs((found["period"].iloc[0] - periods[17]).n) <= 1
    assert found["direction"].iloc[0] == "up"
    assert found["before_share"].iloc[0] < found["after_share"].iloc[0]


def test_flat_series_have_no_change_points():
    hits = 0
    for seed in range(15):
        rng = np.random.default_rng(100 + seed)
        totals = rng.integers(30, 300, 36)
        table = counts_table({"flat": np.full(36, 0.15)}, totals, rng)
        hits += len(change_points(table))
    assert hits <= 1
    noisy_rng = np.random.default_rng(9)
    noisy = np.clip(noisy_rng.normal(0.2, 0.06, 36), 0.01, 0.99)
    assert len(change_points(counts_table({"noisy": noisy}, np.full(36, 500), noisy_rng))) == 0


def test_change_points_respect_minimum_support():
    rng = np.random.default_rng(4)
    totals = np.full(12, 5)  # 60 releases in all: no segment of 30+ on both sides of a big jump
    step = np.where(np.arange(12) < 10, 0.05, 0.9)
    s = TrendSettings(min_segment_total=30)
    assert len(change_points(counts_table({"s": step}, totals, rng), s)) == 0


# --- terms and representatives --------------------------------------------------------------


def test_weighted_log_odds_finds_the_planted_term():
    texts = ["tariff export deal market"] * 20 + ["hydrogen grid market plan"] * 20
    groups = pd.DataFrame(
        {"trade": [True] * 20 + [False] * 20, "energy": [False] * 20 + [True] * 20}
    )
    counts = term_counts(texts, groups)
    background = term_counts(texts, pd.DataFrame({"all": [True] * 40})).set_index("term")["count"]
    top = weighted_log_odds(counts, background, top=3)
    trade = top[top["group"] == "trade"]["term"].tolist()
    energy = top[top["group"] == "energy"]["term"].tolist()
    assert set(trade) <= {"tariff", "export", "deal"} and trade
    assert set(energy) <= {"hydrogen", "grid", "plan"} and energy
    assert "market" not in trade + energy  # shared by both: not distinguishing


def test_term_counts_of_batches_add_up():
    texts = ["alpha beta", "beta gamma gamma", "the of and", "gamma delta 2024"]
    groups = pd.DataFrame({"g": [True, True, False, True], "h": [False, True, True, True]})
    whole = term_counts(texts, groups)
    parts = [term_counts(texts[:2], groups[:2]), term_counts(texts[2:], groups[2:])]
    pd.testing.assert_frame_equal(combine_term_counts(parts), whole)
    assert "2024" not in set(whole["term"]) and "the" not in set(whole["term"])


def test_top_documents_picks_highest_eligible_per_key():
    scores = pd.DataFrame({"a": [0.9, 0.8, 0.99, 0.7, 0.6]})
    eligible = pd.DataFrame({"a": [True, True, False, True, True]})
    keys = pd.Series(["p1", "p1", "p1", "p2", None])
    overall = top_documents(scores, eligible, k=2)
    assert overall["row"].tolist() == [0, 1]
    per_key = top_documents(scores, eligible, keys=keys, k=1)
    assert per_key[["key", "row"]].values.tolist() == [["p1", 0], ["p2", 3]]
