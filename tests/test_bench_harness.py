"""The benchmark harness: summaries, exponent fit, child processes and peak memory."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench import _probes, harness
from bench.harness import (
    ChildCrashed,
    error_row,
    fit_exponent,
    format_number,
    in_child,
    make_row,
    measure,
    ratio,
    repeat_in_child,
    skipped_row,
    summarize,
)

# --- summaries ---------------------------------------------------------------------------


def test_summarize_gives_median_range_and_count_ignoring_nan() -> None:
    s = summarize([3.0, 1.0, math.nan, 2.0, 10.0])
    assert (s.median, s.low, s.high, s.n) == (2.5, 1.0, 10.0, 4)
    assert s.spread("s") == "1.00–10.0 s (n=4)"
    assert summarize([4.2]).spread("s") == "n=1"


def test_summarize_refuses_no_values() -> None:
    with pytest.raises(ValueError, match="no finite value"):
        summarize([math.nan])
    with pytest.raises(ValueError):
        summarize([])


@given(st.lists(st.floats(0.001, 1e6), min_size=1, max_size=20))
def test_median_lies_within_the_spread(values: list[float]) -> None:
    s = summarize(values)
    assert s.low <= s.median <= s.high
    assert s.n == len(values)


def test_ratio_only_between_finite_numbers() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(3, 0) is None
    assert ratio(None, 2.0) is None
    assert ratio("fast", 2.0) is None
    assert ratio(1.0, math.nan) is None
    assert ratio(True, 1.0) is None


def test_fit_exponent_recovers_a_power_law() -> None:
    sizes = [1_000, 3_000, 10_000, 25_000]
    assert fit_exponent(sizes, [0.5 * n**1.5 for n in sizes]) == pytest.approx(1.5)
    assert fit_exponent(sizes, [7.0 for _ in sizes]) == pytest.approx(0.0)
    assert fit_exponent([1, 2], [3, 6]) == pytest.approx(1.0)


@given(st.floats(-2, 3), st.floats(0.01, 100))
def test_fit_exponent_property(k: float, scale: float) -> None:
    sizes = [100, 300, 1_000, 5_000]
    assert fit_exponent(sizes, [scale * n**k for n in sizes]) == pytest.approx(k, abs=1e-9)


def test_fit_exponent_refuses_degenerate_input() -> None:
    with pytest.raises(ValueError, match="distinct"):
        fit_exponent([10, 10], [1.0, 2.0])
    with pytest.raises(ValueError, match="positive"):
        fit_exponent([10, 20], [0.0, 2.0])
    with pytest.raises(ValueError, match="sizes but"):
        fit_exponent([10, 20, 30], [1.0, 2.0])


def test_make_row_reports_medians_and_spread() -> None:
    row = make_row(
        "speed",
        "ingest",
        [2.0, 1.0, 4.0],
        "s",
        baseline="read_json",
        baseline_values=[0.5, 0.7, 0.6],
        published=None,
        note="n",
    )
    assert set(row) == set(harness.ROW_KEYS)
    assert row["value"] == 2.0
    assert row["spread"] == "1.00–4.00 s (n=3)"
    assert row["baseline_value"] == pytest.approx(0.6)
    single = make_row("speed", "k", 1.25, baseline_values=2)
    assert (single["value"], single["spread"], single["baseline_value"]) == (1.25, None, 2.0)
    assert make_row("speed", "none", None)["value"] is None
    assert "headline" not in row
    assert make_row("speed", "top", 1.0, headline=True)["headline"] is True


def test_require_file_names_the_missing_path(tmp_path: Path) -> None:
    assert harness.require_file(tmp_path) == tmp_path
    missing = tmp_path / "bbc_news" / "bbc_news.jsonl.gz"
    with pytest.raises(FileNotFoundError) as exc:
        harness.require_file(missing)
    assert exc.value.filename == str(missing)


def test_skipped_and_error_rows_are_marked() -> None:
    skipped = skipped_row("speed", "growth", "/no/such/file.jsonl.gz")
    assert skipped["skipped"] == "/no/such/file.jsonl.gz"
    assert "/no/such/file.jsonl.gz" in skipped["note"]
    failed = error_row("speed", "train", ValueError("bad"))
    assert failed["error"] == "ValueError: bad"
    assert failed["value"] is None


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (21578, "21,578"),
        (28, "28"),
        (1234.5, "1,234"),
        (123.4, "123"),
        (12.34, "12.3"),
        (1.234, "1.23"),
        (0.01234, "0.0123"),
        (0, "0"),
        (None, ""),
        ("n/a", "n/a"),
    ],
)
def test_format_number(value: object, text: str) -> None:
    assert format_number(value) == text


# --- timing, memory and child processes --------------------------------------------------------


def test_measure_times_the_block() -> None:
    with measure() as m:
        sum(range(10_000))
    assert 0 <= m.seconds < 5
    assert m.peak_mb > 0


def test_time_calls_counts_every_call() -> None:
    calls = []
    times = harness.time_calls(lambda: calls.append(1), 4)
    assert len(times) == 4 == len(calls)
    assert all(t >= 0 for t in times)


def test_in_child_runs_in_another_process() -> None:
    assert in_child(_probes.pid) != os.getpid()


def test_in_child_reraises_the_childs_exception() -> None:
    with pytest.raises(KeyError, match="no corpus"):
        in_child(_probes.fail, "no corpus")


def test_in_child_reports_a_dead_child() -> None:
    with pytest.raises(ChildCrashed, match="die"):
        in_child(_probes.die)


def test_peak_memory_is_the_steps_own_peak() -> None:
    result = in_child(_probes.allocate, 64)
    assert result["reset"] is sys.platform.startswith("linux")
    if result["reset"]:
        added = result["peak"] - result["start"]
        assert 60 <= added < 3 * 64  # the 192 MiB allocated before the step are not counted
    else:  # no way to reset the mark: the process's peak since it started
        assert result["peak"] >= 3 * 64


def test_repeat_in_child_stops_at_the_budget() -> None:
    assert len(repeat_in_child(_probes.pid, repeats=3, budget_s=0.0)) == 1
    pids = repeat_in_child(_probes.pid, repeats=2)
    assert len(set(pids)) == 2  # a fresh process per run
