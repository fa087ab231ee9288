"""Shares corrected for the tagger's errors against raw tagged shares, on a planted series.

A planted true share rises from 10% to 30% over 12 quarters (1,000 releases each); a tagger of
sensitivity 0.75 and specificity 0.92 tags them; 200 releases drawn at random from the whole
range are hand-coded (their true labels), which gives the measured error rates. The raw shares
(tagged / total) and the corrected ones (:func:`topics.trends.correct.corrected_shares`) are
scored against the planted truth: mean absolute error per period, coverage of the 95%
intervals, and the change from the first to the last quarter (planted: +20 points). Each repeat
averages over many simulated corpora; the rows give the median over repeats.

No corpus needed: everything is simulated, seeded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from bench.harness import log, make_row

SUITE = "correct"
SENS, SPEC = 0.75, 0.92
TRUE = np.linspace(0.10, 0.30, 12)
PERIOD_SIZE = 1000
CODED = 200


def _one(rng: np.random.Generator, n_coded: int = CODED) -> dict[str, Any]:
    import pandas as pd

    from topics.trends.correct import corrected_shares, error_rates

    periods = pd.period_range("2020Q1", periods=len(TRUE), freq="Q")
    truth = [rng.random(PERIOD_SIZE) < p for p in TRUE]
    tagged = [np.where(t, rng.random(t.shape) < SENS, rng.random(t.shape) >= SPEC) for t in truth]
    counts = pd.DataFrame(
        {
            "period": periods,
            "series": "theme",
            "count": [int(t.sum()) for t in tagged],
            "total": PERIOD_SIZE,
        }
    )
    all_truth, all_tagged = np.concatenate(truth), np.concatenate(tagged)
    coded = rng.choice(len(all_truth), n_coded, replace=False)
    rates = error_rates(
        pd.DataFrame({"theme": all_truth[coded]}), pd.DataFrame({"theme": all_tagged[coded]})
    )
    fixed = corrected_shares(counts, rates, random_state=int(rng.integers(1 << 30)))
    raw = corrected_shares(counts, {})  # raw shares with their Wilson intervals
    out = {}
    for name, table in (("raw", raw), ("corrected", fixed)):
        share = table["share"].to_numpy()
        inside = (table["lower"].to_numpy() <= TRUE) & (table["upper"].to_numpy() >= TRUE)
        out[f"{name}_error"] = float(np.mean(np.abs(share - TRUE)))
        out[f"{name}_coverage"] = float(inside.mean())
        out[f"{name}_change"] = float(share[-1] - share[0])
        out[f"{name}_share"] = share
    return out


def run(corpora: Path, *, quick: bool = False, repeats: int = 3) -> list[dict[str, Any]]:
    """Measure the suite's figures (``corpora`` is unused: the series are simulated).

    Parameters
    ----------
    quick : bool
        40 simulated corpora per repeat instead of 200.
    repeats : int
        Repeats (each a different seed); rows give the median over them.
    """
    sims = 40 if quick else 200
    per_repeat: list[dict[str, float]] = []
    for repeat in range(repeats):
        rng = np.random.default_rng(1000 + repeat)
        runs = [_one(rng) for _ in range(sims)]
        summary = {k: float(np.mean([r[k] for r in runs])) for k in runs[0] if "share" not in k}
        for name in ("raw", "corrected"):  # bias: how far the mean over corpora lies from truth
            mean = np.mean([r[f"{name}_share"] for r in runs], axis=0)
            summary[f"{name}_bias"] = float(np.mean(np.abs(mean - TRUE)))
        more = [_one(rng, 4 * CODED) for _ in range(sims // 2)]
        summary["corrected_error_more"] = float(np.mean([r["corrected_error"] for r in more]))
        summary["raw_error_more"] = float(np.mean([r["raw_error"] for r in more]))
        per_repeat.append(summary)
        log(f"correct: repeat {repeat + 1}/{repeats} done ({sims} simulated corpora)")

    def values(key: str, scale: float = 1.0) -> list[float]:
        return [scale * r[key] for r in per_repeat]

    setting = (
        f"planted share 10% → 30% over 12 quarters of {PERIOD_SIZE:,} releases; tagger "
        f"sensitivity {SENS}, specificity {SPEC}; {CODED} releases coded at random; "
        f"{sims} simulated corpora per repeat"
    )
    return [
        make_row(
            SUITE,
            "bias per period (|mean over corpora − planted share|), corrected shares",
            values("corrected_bias", 100),
            "points",
            baseline="raw tagged shares (same corpora)",
            baseline_values=values("raw_bias", 100),
            note=setting,
            headline=True,
        ),
        make_row(
            SUITE,
            "mean absolute share error per period, corrected shares",
            values("corrected_error", 100),
            "points",
            baseline="raw tagged shares (same corpora)",
            baseline_values=values("raw_error", 100),
            note="bias and noise together: with 200 coded releases the error rates' own "
            "uncertainty outweighs the raw bias on this series",
        ),
        make_row(
            SUITE,
            f"mean absolute share error per period, corrected shares, {4 * CODED} coded",
            values("corrected_error_more", 100),
            "points",
            baseline="raw tagged shares (same corpora)",
            baseline_values=values("raw_error_more", 100),
            note=f"as above with {4 * CODED} coded releases ({sims // 2} corpora per repeat)",
        ),
        make_row(
            SUITE,
            "coverage of the 95% intervals, corrected shares (Monte Carlo)",
            values("corrected_coverage"),
            "",
            baseline="raw shares, Wilson intervals",
            baseline_values=values("raw_coverage"),
            note="share of (period, corpus) pairs whose interval holds the planted share",
        ),
        make_row(
            SUITE,
            "change first → last quarter, corrected shares (planted +20 points)",
            values("corrected_change", 100),
            "points",
            baseline="raw tagged shares",
            baseline_values=values("raw_change", 100),
            note="the tagger shrinks every difference by sensitivity + specificity - 1 = 0.67",
        ),
    ]
