"""The newest period against its trailing history; new and retired topics in the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
from synthetic import context_of, synthetic_inputs

from topics.trends import TrendSettings, period_counts
from topics.trends.latest import latest_changes


def _counts(shares: dict[str, list[float]], total: int = 400) -> pd.DataFrame:
    periods = pd.period_range("2024-01", periods=len(next(iter(shares.values()))), freq="M")
    rows = []
    for series, values in shares.items():
        for p, share in zip(periods, values, strict=True):
            rows.append(
                {"period": p, "series": series, "count": round(share * total), "total": total}
            )
    return pd.DataFrame(rows)


def test_a_jump_in_the_newest_period_rises_and_flat_series_stay_steady():
    counts = _counts(
        {
            "jump": [0.10, 0.10, 0.10, 0.10, 0.10, 0.30],
            "drop": [0.30, 0.30, 0.30, 0.30, 0.30, 0.10],
            "flat": [0.20, 0.20, 0.20, 0.20, 0.20, 0.21],
        }
    )
    table = latest_changes(counts, TrendSettings(), history=4).set_index("series")
    assert table.at["jump", "status"] == "rising"
    assert table.at["drop", "status"] == "falling"
    assert table.at["flat", "status"] == "steady"
    assert table.at["jump", "history_total"] == 4 * 400  # four periods, not five
    assert table.at["jump", "lower"] < 0.30 < table.at["jump", "upper"]
    assert list(table.index[:2]) == ["jump", "drop"]  # the movers first


def test_small_significant_moves_and_thin_periods_are_not_called_changes():
    tiny = _counts({"a": [0.10, 0.10, 0.10, 0.115]}, total=100_000)
    assert latest_changes(tiny, TrendSettings(), 3)["status"].iat[0] == "steady"
    thin = _counts({"a": [0.1, 0.1, 0.9]}, total=5)
    assert latest_changes(thin, TrendSettings(), 3)["status"].iat[0] == "too little data"
    assert latest_changes(thin.iloc[:0], TrendSettings(), 3).empty


def test_report_lists_new_and_retired_topics_with_releases_behind_the_newest_period():
    inputs = synthetic_inputs(600, freq="month", years=2.0, n_topics=4)
    n = len(inputs.topic_info)
    newest = int(inputs.topic_info["topic"].max())
    info = inputs.topic_info.assign(
        status=["active"] * (n - 1) + ["new"],
        born=[0] * (n - 1) + [1],
        first_date=[None] * (n - 1) + ["2017-11-01"],
        last_date=[None] * n,
    )
    retired = pd.DataFrame(
        [
            {
                "topic": 9,
                "label": "old <b>gone</b>",
                "size": 0,
                "terms": ["gone"],
                "status": "retired",
                "born": 0,
                "first_date": "2016-01-04",
                "last_date": "2016-06-30",
            }
        ]
    )
    inputs = type(inputs)(**{**inputs.__dict__, "topic_info": pd.concat([info, retired])})
    context = context_of(inputs)
    latest = context["latest"]
    assert latest["period"] is not None and latest["history"] == 12
    assert [t["topic"] for t in latest["new_topics"]] == [newest]
    assert [t["topic"] for t in latest["retired_topics"]] == [9]
    assert latest["retired_topics"][0]["last_date"] == "2016-06-30"
    # Retired topics hold no release now: not among the topic rows, not counted per period.
    assert 9 not in [r["topic"] for r in context["topics"]["rows"]]
    assert "9" not in {t["series"] for t in latest["topics"]}
    new_row = next(r for r in context["topics"]["rows"] if r["topic"] == newest)
    assert new_row["lineage"] == "new" and new_row["status"] != "new"  # the trend stays
    for record in latest["topics"]:
        assert len(record["releases"]) <= 3
        dates = [d["date"] for d in record["releases"]]
        assert dates == sorted(dates, reverse=True)  # latest first
    assert any(record["releases"] for record in latest["topics"])
    assert any(record["releases"] for record in latest["themes"])


def test_period_counts_of_the_newest_period_match_the_table():
    inputs = synthetic_inputs(300, freq="month", years=1.0)
    summary = inputs.summary()
    table = latest_changes(summary.theme_counts, TrendSettings(), 12)
    dates = pd.to_datetime(inputs.corpus["date"])
    keep = ~inputs.corpus["is_duplicate"].to_numpy(bool)
    counts = period_counts(
        dates[keep].reset_index(drop=True),
        inputs.theme_labels[keep].reset_index(drop=True),
        "month",
    )
    last = counts["period"].max()
    expected = counts[counts["period"] == last].set_index("series")["count"]
    got = table.set_index("series")["count"]
    assert np.array_equal(got.reindex(expected.index).to_numpy(), expected.to_numpy())


def test_a_saved_summary_keeps_the_topic_lineage_and_latest_releases(tmp_path):
    from topics.trends import load_summary, save_summary

    inputs = synthetic_inputs(300, freq="month", years=1.0, n_topics=3)
    n = len(inputs.topic_info)
    info = inputs.topic_info.assign(
        status=["active"] * (n - 1) + ["new"], born=[0] * (n - 1) + [1],
        first_date=["2016-02-01"] * n, last_date=[None] * n,
    )  # fmt: skip
    summary = type(inputs)(**{**inputs.__dict__, "topic_info": info}).summary()
    save_summary(summary, tmp_path)
    loaded = load_summary(tmp_path)
    pd.testing.assert_frame_equal(loaded.topic_top_period, summary.topic_top_period)
    assert list(loaded.topic_info["status"]) == list(info["status"])
    assert context_of(loaded)["latest"] == context_of(summary)["latest"]
