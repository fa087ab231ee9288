"""Topic shares over calendar periods: zero-filled bins, shares summing to one, date parsing."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from topics.topic_model import topics_over_time
from topics.topic_model._over_time import to_periods


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.dates(dt.date(2020, 1, 1), dt.date(2023, 12, 31))),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["month", "quarter", "year"]),
)
def test_shares_sum_to_one_in_every_period_with_documents(rows, freq):
    labels = np.array([r[0] for r in rows])
    dates = [r[1] for r in rows]
    table = topics_over_time(labels, dates, freq, n_topics=4)
    per_period = table.groupby("period")
    counts = per_period["count"].sum()
    shares = per_period["share"].sum()
    np.testing.assert_allclose(shares[counts > 0], 1.0)
    assert (shares[counts == 0] == 0).all()
    assert counts.sum() == len(rows)
    # contiguous calendar bins from the first to the last date, each with every topic
    periods = table["period"].drop_duplicates().tolist()
    assert periods == list(pd.period_range(periods[0], periods[-1], freq=periods[0].freq))
    assert len(table) == 4 * len(periods)


def test_time_zones_keep_the_local_calendar_day():
    got = to_periods(["2025-03-01T08:00:00+09:00", "2025-02-02", None, "junk"], "month")
    assert [str(p) for p in got] == ["2025-03", "2025-02", "NaT", "NaT"]
    got = to_periods([pd.Timestamp("2024-01-05"), dt.date(2023, 1, 1), float("nan")], "quarter")
    assert [str(p) for p in got] == ["2024Q1", "2023Q1", "NaT"]


def test_terms_per_period_use_only_documents_up_to_that_period():
    import scipy.sparse as sp

    vocab = ["steel", "chips"]
    # period 1: topic 0 about steel; period 2: topic 0 now mostly about chips
    doc_terms = sp.csr_matrix(np.array([[3, 0], [2, 0], [0, 9], [0, 9]]))
    labels = np.array([0, 0, 0, 1])
    dates = ["2024-01-10", "2024-01-20", "2024-03-01", "2024-03-02"]
    table = topics_over_time(labels, dates, "month", 2, doc_terms, vocab, top_n=1)
    jan = table[table["period"] == pd.Period("2024-01", "M")].set_index("topic")
    mar = table[table["period"] == pd.Period("2024-03", "M")].set_index("topic")
    assert jan.loc[0, "terms"] == ["steel"]
    assert jan.loc[1, "terms"] == []  # no document of topic 1 yet
    assert mar.loc[0, "terms"] == ["chips"]
    feb = table[table["period"] == pd.Period("2024-02", "M")]
    assert feb["count"].sum() == 0 and feb["share"].sum() == 0
