"""The growth figures of the speed suite: cost of training and reporting against corpus size.

Each size is a seeded sample of the documents of one dated corpus, trained on and reported on in
a fresh process (``bench.speed_steps.growth``); the exponent of each cost is the slope of
log cost against log size.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import speed_steps as steps
from bench.harness import (
    error_row,
    fit_exponent,
    in_child,
    log,
    make_row,
    repeat_in_child,
    summarize,
)

SUITE = "speed"


def run_growth(
    source: Path, sizes: Sequence[int], repeats: int, budget_s: float, work: Path
) -> list[dict[str, Any]]:
    """Train and report at each size (seeded samples of the documents of ``source``).

    Parameters
    ----------
    source : Path
        A dated corpus file (the State of the Union paragraphs).
    sizes : sequence of int
        Numbers of documents (capped at the corpus's size).
    repeats : int
        Runs per size, each in a fresh process.
    budget_s : float
        A size stops repeating once its runs took this many seconds.
    work : Path
        Scratch folder (created).

    Returns
    -------
    list of dict
        Four rows per size, an error row per failed size, and the fitted exponents.
    """
    work.mkdir(parents=True)
    log(f"growth: ingesting {source.name} and drawing samples")
    samples = in_child(steps.sample_corpora, source, work, list(sizes))
    rows: list[dict[str, Any]] = []
    per_size: dict[int, list[dict]] = {}
    for corpus, n in samples.values():
        out = work / f"report_{n}"
        out.mkdir(exist_ok=True)
        label = f"{n:,} State of the Union paragraphs"
        try:  # a size that fails (out of memory...) leaves the others and their fit
            runs = repeat_in_child(
                steps.growth,
                Path(corpus),
                out,
                "year",
                repeats=repeats,
                budget_s=budget_s,
                label=f"growth at {n:,} documents",
            )
        except Exception as exc:
            log(f"{SUITE}: growth at {n:,} documents failed: {type(exc).__name__}: {exc}")
            rows.append(error_row(SUITE, f"growth: train and report on {label}", exc))
            continue
        per_size[n] = runs
        rows += _growth_rows(label, runs)
    if len(per_size) >= 2:
        rows += exponents(per_size)
    return rows


def _growth_rows(label: str, runs: list[dict]) -> list[dict[str, Any]]:
    def added(key: str) -> str:
        return f"{summarize([r[key] for r in runs]).median:.0f} MiB"

    return [
        make_row(
            SUITE,
            f"growth: train on {label}",
            [r["train_s"] for r in runs],
            "s",
            baseline="TfidfVectorizer().fit_transform",
            baseline_values=[r["tfidf_s"] for r in runs],
        ),
        make_row(
            SUITE, f"growth: report on {label}, freq=year", [r["report_s"] for r in runs], "s"
        ),
        make_row(
            SUITE,
            f"growth: train on {label}: peak memory",
            [r["train_peak_mb"] for r in runs],
            "MiB",
            note=f"added by training: {added('train_added_mb')}",
        ),
        make_row(
            SUITE,
            f"growth: report on {label}: peak memory",
            [r["report_peak_mb"] for r in runs],
            "MiB",
            note=f"added by the report: {added('report_added_mb')}",
        ),
    ]


def exponents(per_size: dict[int, list[dict]]) -> list[dict[str, Any]]:
    """Slopes of log cost against log size: the median runs, and the fastest/slowest runs."""
    sizes = sorted(per_size)
    span = f"{sizes[0]:,}…{sizes[-1]:,} documents"
    out = []
    for key, what, baseline_key in (
        ("train_s", "train time", "tfidf_s"),
        ("report_s", "report time", None),
        ("train_added_mb", "memory added by training", None),
        ("report_added_mb", "memory added by the report", None),
    ):
        floor = 1.0 if key.endswith("_mb") else 1e-3  # a step adding ~0 MiB has no exponent
        fits = [summarize([max(r[key], floor) for r in per_size[n]]) for n in sizes]
        value = fit_exponent(sizes, [f.median for f in fits])
        low = fit_exponent(sizes, [f.low for f in fits])
        high = fit_exponent(sizes, [f.high for f in fits])
        row = make_row(
            SUITE,
            f"growth exponent: {what} ∝ n^k, {span}",
            value,
            "k",
            note="1 = linear; spread: fit through each size's fastest and slowest run",
            headline=key in ("train_s", "report_s"),
        )
        row["spread"] = f"{min(low, high):.2f}–{max(low, high):.2f}"
        if baseline_key:
            base = [summarize([r[baseline_key] for r in per_size[n]]).median for n in sizes]
            row["baseline"] = "TfidfVectorizer().fit_transform"
            row["baseline_value"] = fit_exponent(sizes, base)
        out.append(row)
    return out
