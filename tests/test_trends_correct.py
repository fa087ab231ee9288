"""Shares corrected for a tagger's error rates: planted series, noisy taggers, repeated draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from topics.errors import TopicsError
from topics.trends.correct import (
    ErrorRates,
    correct_share,
    corrected_shares,
    error_rates,
)
from topics.trends.stats import trend_tests

SENS, SPEC = 0.75, 0.92
TRUE_SHARES = np.linspace(0.10, 0.30, 8)
PERIOD_SIZE = 500
CODED = 200


def _tag(truth: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A noisy tagger of known sensitivity and specificity."""
    u = rng.random(truth.shape)
    return np.where(truth, u < SENS, u >= SPEC)


def _draw(rng: np.random.Generator, shares: np.ndarray = TRUE_SHARES):
    """One corpus of releases per period, tagged; plus a random coded sample of the whole."""
    periods = pd.period_range("2020-01", periods=len(shares), freq="M")
    truth = [rng.random(PERIOD_SIZE) < p for p in shares]
    tagged = [_tag(t, rng) for t in truth]
    counts = pd.DataFrame(
        {
            "period": periods,
            "series": "theme",
            "count": [int(t.sum()) for t in tagged],
            "total": PERIOD_SIZE,
        }
    )
    pool_truth, pool_tagged = np.concatenate(truth), np.concatenate(tagged)
    pick = rng.choice(len(pool_truth), size=CODED, replace=False)
    rates = error_rates(
        pd.DataFrame({"theme": pool_truth[pick]}), pd.DataFrame({"theme": pool_tagged[pick]})
    )
    return counts, rates


def test_corrected_shares_are_unbiased_and_cover_while_raw_shares_do_not():
    rng = np.random.default_rng(7)
    covered, raw_covered, errors, raw_errors = [], [], [], []
    for draw in range(150):
        counts, rates = _draw(rng)
        table = corrected_shares(counts, rates, draws=2000, random_state=draw)
        assert table["corrected"].all()
        covered.extend((table["lower"] <= TRUE_SHARES) & (table["upper"] >= TRUE_SHARES))
        errors.extend(table["share"] - TRUE_SHARES)
        raw = corrected_shares(counts, {}, random_state=draw)  # Wilson intervals of raw shares
        raw_covered.extend((raw["lower"] <= TRUE_SHARES) & (raw["upper"] >= TRUE_SHARES))
        raw_errors.extend(raw["share"] - TRUE_SHARES)
    coverage, raw_coverage = np.mean(covered), np.mean(raw_covered)
    assert 0.92 <= coverage <= 0.98, coverage
    assert raw_coverage < 0.75, raw_coverage
    # per period, over the draws: the corrected shares are unbiased, the raw ones are not
    bias = np.asarray(errors).reshape(-1, len(TRUE_SHARES)).mean(axis=0)
    raw_bias = np.asarray(raw_errors).reshape(-1, len(TRUE_SHARES)).mean(axis=0)
    assert np.abs(bias).max() < 0.01, bias
    assert np.abs(raw_bias).max() > 0.03, raw_bias


def test_raw_shares_are_biased_the_way_the_error_rates_say():
    counts, rates = _draw(np.random.default_rng(3))
    table = corrected_shares(counts, rates)
    # a tagger with 8% false positives inflates the rarest period's share
    assert table["share_raw"].iloc[0] > TRUE_SHARES[0] + 0.02
    assert abs(table["share"].iloc[0] - TRUE_SHARES[0]) < abs(
        table["share_raw"].iloc[0] - TRUE_SHARES[0]
    )


def test_corrected_intervals_are_wider_than_raw_ones():
    counts, rates = _draw(np.random.default_rng(5))
    corrected = corrected_shares(counts, rates)
    raw = corrected_shares(counts, {})
    assert ((corrected["upper"] - corrected["lower"]) > (raw["upper"] - raw["lower"])).all()


def test_flat_series_with_a_noisy_tagger_is_not_flagged():
    rng = np.random.default_rng(11)
    flagged = 0
    runs = 100
    for _ in range(runs):
        counts, _ = _draw(rng, shares=np.full(8, 0.2))
        status = trend_tests(counts)["status"].iloc[0]
        flagged += status in ("rising", "falling")
    assert flagged / runs <= 0.10


def test_the_correction_inverts_the_error_model_exactly():
    rates = ErrorRates(tp=75, fn=25, tn=92, fp=8)
    p = np.array([0.0, 0.1, 0.5, 0.9])
    q = SENS * p + (1 - SPEC) * (1 - p)
    np.testing.assert_allclose(correct_share(q, rates), p, atol=1e-12)


def test_weak_tagger_and_missing_rates_pass_through_uncorrected():
    counts = pd.DataFrame(
        {"period": pd.period_range("2021Q1", periods=2, freq="Q"), "series": ["a", "b"],
         "count": [10, 20], "total": [100, 100]}
    )  # fmt: skip
    chance = ErrorRates(tp=50, fn=50, tn=55, fp=45)  # Youden 0.05
    table = corrected_shares(counts, {"a": chance})
    assert not table["corrected"].any()
    np.testing.assert_allclose(table["share"], [0.1, 0.2])
    assert (table["lower"] < table["share"]).all() and (table["share"] < table["upper"]).all()


def test_unsure_codes_are_left_out_and_weights_count():
    truth = pd.DataFrame({"t": [True, True, False, False, None]}, dtype=object)
    tagged = pd.DataFrame({"t": [True, False, False, True, True]})
    rates = error_rates(truth, tagged)["t"]
    assert (rates.tp, rates.fn, rates.tn, rates.fp) == (1, 1, 1, 1)
    weighted = error_rates(truth, tagged, weights=np.array([3.0, 1.0, 1.0, 1.0, 1.0]))["t"]
    assert weighted.sensitivity == pytest.approx(0.75)
    # unequal weights shrink the effective sample: fewer counts than coded releases
    assert weighted.tp + weighted.fn + weighted.tn + weighted.fp < 4


def test_misaligned_inputs_are_refused():
    with pytest.raises(TopicsError, match="do not line up"):
        error_rates(pd.DataFrame({"a": [True]}), pd.DataFrame({"b": [True]}))
    with pytest.raises(TopicsError, match="sampling weights"):
        error_rates(pd.DataFrame({"a": [True]}), pd.DataFrame({"a": [True]}), np.array([-1.0]))


def test_same_seed_same_table():
    counts, rates = _draw(np.random.default_rng(1))
    a = corrected_shares(counts, rates, random_state=4)
    b = corrected_shares(counts, rates, random_state=4)
    pd.testing.assert_frame_equal(a, b)
