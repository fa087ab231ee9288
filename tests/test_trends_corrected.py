"""Trend tables corrected for a measured tagger (issue 12): shares, minimum effect, report."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from synthetic import context_of, synthetic_inputs

from topics.evaluate.validation import validation_record
from topics.report import build_context
from topics.trends import TrendSettings, trend_tables, trend_tests
from topics.trends.correct import ErrorRates
from topics.trends.corrected import corrected_trends, rates_of

RATES = ErrorRates(tp=80, fn=20, tn=270, fp=30)  # sensitivity 0.8, specificity 0.9


def _validation(themes: list[str], rates: ErrorRates = RATES) -> dict:
    return validation_record(
        {t: rates for t in themes}, source="coded.csv", n_coded=400, weighted=False, method="test"
    )


def test_theme_shares_are_corrected_and_both_series_are_kept():
    inputs = synthetic_inputs(3000, seed=4)
    summary = inputs.summary()
    tables = trend_tables(summary, validation=_validation(summary.theme_ids))
    shares = tables.themes.shares
    assert shares["corrected"].any()
    done = shares[shares["corrected"]]
    expected = ((done["share_raw"] + 0.9 - 1) / 0.7).clip(0, 1)
    assert np.allclose(done["share"], expected)
    raw_width = (done["raw_upper"] - done["raw_lower"]).mean()
    assert (done["upper"] - done["lower"]).mean() > raw_width  # the rates' uncertainty widens
    records = tables.records()["shares"]
    themes = [r for r in records if r["kind"] == "theme" and r["total"]]
    topics_ = [r for r in records if r["kind"] == "topic"]
    assert all(r["corrected"] for r in themes) and not any(r["corrected"] for r in topics_)
    assert all(r["share_raw"] == r["share"] for r in topics_)
    header = tables.to_csv().splitlines()[0].split(",")
    assert header[-4:] == ["share_raw", "raw_lower", "raw_upper", "corrected"]
    assert tables.method()["corrected"] and tables.method()["validation"]["source"] == "coded.csv"
    data = json.loads(tables.to_json("t", None))
    assert data["validation"]["error_rates"]["energy"]["sensitivity"] == 0.8
    # the planted trends survive the correction
    status = dict(zip(tables.themes.trends["series"], tables.themes.trends["status"], strict=True))
    assert status["energy"] == "rising" and status["jobs"] == "falling"


def test_minimum_effect_applies_to_the_corrected_change():
    """A 1.5-point tagged drift is 'small change'; corrected (÷ 0.55) it is 2.7 points: rising."""
    periods = pd.period_range("2018Q1", periods=12, freq="Q")
    share = np.linspace(0.10, 0.115, 12)
    total = np.full(12, 60_000)
    counts = pd.DataFrame(
        {"period": periods, "series": "a", "count": np.round(share * total).astype(int),
         "total": total}
    )  # fmt: skip
    settings = TrendSettings()
    raw = trend_tests(counts, settings)
    assert raw["status"].iloc[0] == "small change"
    rates = {"a": ErrorRates(tp=600, fn=400, tn=9500, fp=500)}  # sens 0.6, spec 0.95
    fixed = corrected_trends(raw, rates, settings)
    assert fixed["status"].iloc[0] == "rising" and bool(fixed["corrected"].iloc[0])
    assert fixed["end_share"].iloc[0] - fixed["start_share"].iloc[0] > settings.min_change
    assert fixed["q_value"].iloc[0] == raw["q_value"].iloc[0]  # the test itself is unchanged


def test_a_chance_level_tagger_is_left_uncorrected_and_said_so():
    inputs = synthetic_inputs(800, seed=1)
    summary = inputs.summary()
    chance = ErrorRates(tp=50, fn=50, tn=50, fp=50)
    validation = _validation(summary.theme_ids, chance)
    tables = trend_tables(summary, validation=validation)
    assert not tables.themes.shares["corrected"].any()
    assert np.allclose(
        tables.themes.shares["share"].fillna(-1), tables.themes.shares["share_raw"].fillna(-1)
    )
    accuracy = build_context(tables, inputs.info())["accuracy"]
    assert accuracy["measured"] and not accuracy["corrected"]
    assert all("not corrected" in r["status"] for r in accuracy["rows"])


def test_report_context_shows_measured_accuracy_or_says_uncorrected():
    inputs = synthetic_inputs(800, seed=2)
    plain = context_of(inputs)
    assert plain["accuracy"]["measured"] is False and plain["accuracy"]["rows"] == []
    summary = inputs.summary()
    tables = trend_tables(summary, validation=_validation(summary.theme_ids))
    context = build_context(tables, inputs.info())
    accuracy = context["accuracy"]
    assert accuracy["corrected"] and accuracy["n_coded"] == 400
    first = accuracy["rows"][0]
    assert first["sensitivity"] == 0.8 and first["specificity"] == 0.9 and first["corrected"]
    figure = next(f for f in context["figures"] if f["id"] == "fig-theme-0")
    assert figure["raw"] == [2, 3] and figure["data"][3]["visible"] is False
    assert rates_of(tables.validation)["energy"] == RATES
