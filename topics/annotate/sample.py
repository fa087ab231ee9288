"""Which releases to hand-code: a stratified, uncertainty-weighted sample with known weights.

The design (``topics label``), in three steps:

1. **Strata.** Each release (merged duplicates left out) falls in one cell of *time bin ×
   leading theme*: its calendar year (or quarter; "undated" without a date) and the tagged theme
   with the highest probability ("none" when no theme is tagged). When the sample is smaller
   than the number of cells, time is dropped from the cells, then the themes.
2. **Allocation.** Every cell gets one release, and the rest of the sample is shared in
   proportion to the square root of each cell's size (power allocation): rare themes and thin
   years get more than their proportional share — enough to measure their error rates — while
   large cells still get more than small ones.
3. **Within a cell**, releases are drawn with probability proportional to
   ``1 + boost · u``, where ``u = max_theme 4 p (1 - p)`` is the largest Bernoulli variance of the
   model's calibrated theme probabilities (1 at p = 0.5, 0 when the model is sure): a release the
   model hesitates about is up to ``1 + boost`` times as likely to be drawn. The draw is Pareto
   πps sampling (Rosén 1997): a fixed number of releases per cell, with inclusion probabilities
   equal to the targets ``π = n_cell · size / Σ size`` (capped at 1) to a close approximation.

Each coded release's sampling weight is ``1 / π``: :func:`topics.trends.correct.error_rates`
takes those weights, so error rates measured on this deliberately unequal sample estimate the
rates over the whole corpus. Seeded: the same corpus, model and seed give the same sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from topics.corpus import schema
from topics.errors import TopicsError

if TYPE_CHECKING:
    import pandas as pd

    from topics.predictions import Predictions

#: Extra weight of the most uncertain release: it is ``1 + UNCERTAINTY_BOOST`` times as likely.
UNCERTAINTY_BOOST = 2.0
TIME_BINS = ("year", "quarter")
SAMPLE_COLUMNS = [
    "id", "title", "date", "text", "stratum", "uncertainty", "inclusion", "weight", "suggested",
]  # fmt: skip


@dataclass(frozen=True)
class Sample:
    """A drawn sample of releases to code.

    Attributes
    ----------
    frame : DataFrame
        One row per drawn release (corpus order): :data:`SAMPLE_COLUMNS`, plus ``row`` (its
        position among the corpus's documents); ``suggested`` lists the tagged theme ids.
    probs : DataFrame of shape (n_sample, n_themes)
        The model's calibrated probabilities for the drawn releases (same order).
    design : dict
        How it was drawn: population, strata and their allocation, boost, seed (plain data).
    """

    frame: pd.DataFrame
    probs: pd.DataFrame
    design: dict = field(default_factory=dict)


def draw_sample(
    documents: pd.DataFrame,
    predictions: Predictions,
    n: int = 200,
    *,
    time_bin: str = "year",
    boost: float = UNCERTAINTY_BOOST,
    seed: int = 0,
) -> Sample:
    """Draw ``n`` releases to hand-code (see the module docstring for the design).

    Parameters
    ----------
    documents : DataFrame of shape (n_docs, ...)
        The corpus's documents (``Corpus.documents()``: duplicates already merged).
    predictions : Predictions
        The model's predictions for ``documents``, row-aligned with it.
    n : int
        Sample size; the whole population when it holds fewer releases.
    time_bin : {"year", "quarter"}
    boost : float
        Extra weight of uncertain releases (0: equal probability within a cell).
    seed : int

    Returns
    -------
    Sample
    """
    import pandas as pd

    if n < 1:
        raise TopicsError(f"the sample size must be at least 1, got {n}", "pass --n 200")
    if time_bin not in TIME_BINS:
        raise TopicsError(f"unknown time bin {time_bin!r}", f"use one of: {', '.join(TIME_BINS)}")
    if boost < 0:
        raise TopicsError(f"the uncertainty boost must be >= 0, got {boost}")
    if len(predictions) != len(documents):
        raise TopicsError(
            f"{len(predictions)} predictions for {len(documents)} documents",
            "predict every document of the corpus",
        )
    if len(documents) == 0:
        raise TopicsError("the corpus has no documents to sample", "check `topics ingest`")
    probs = predictions.theme_probs.to_numpy(dtype=float)
    tagged = predictions.theme_labels.to_numpy(dtype=bool)
    ids = predictions.theme_ids
    uncertainty = (4 * probs * (1 - probs)).max(axis=1) if probs.shape[1] else np.zeros(len(probs))
    masked = np.where(tagged, probs, -1.0)
    lead = np.full(len(probs), "none", dtype=object)
    if probs.shape[1]:
        best = np.asarray(ids, dtype=object)[masked.argmax(axis=1)]
        lead = np.where(tagged.any(axis=1), best, "none")
    dates = pd.to_datetime(documents[schema.DATE], errors="coerce")
    code = "Y" if time_bin == "year" else "Q"
    periods = dates.dt.to_period(code).astype(str).where(dates.notna(), "undated").to_numpy()

    n = min(n, len(documents))
    levels = [
        ("time and theme", [f"{p} · {t}" for p, t in zip(periods, lead, strict=True)]),
        ("theme", list(lead)),
        ("none", ["all"] * len(lead)),
    ]
    level, strata = next((name, s) for name, s in levels if len(set(s)) <= n)
    strata = np.asarray(strata, dtype=object)
    names, codes = np.unique(strata, return_inverse=True)
    sizes = np.bincount(codes, minlength=len(names))
    alloc = allocate(sizes, n)
    rng = np.random.default_rng(seed)
    size_measure = 1.0 + boost * uncertainty
    inclusion = np.zeros(len(documents))
    chosen = np.zeros(len(documents), dtype=bool)
    for h in range(len(names)):
        rows = np.flatnonzero(codes == h)
        pi = inclusion_probabilities(size_measure[rows], int(alloc[h]))
        inclusion[rows] = pi
        chosen[rows[pareto_draw(pi, int(alloc[h]), rng)]] = True

    rows = np.flatnonzero(chosen)
    frame = pd.DataFrame(
        {
            "row": rows,
            "id": documents[schema.ID].astype(str).to_numpy()[rows],
            "title": documents[schema.TITLE].fillna("").astype(str).to_numpy()[rows],
            "date": [None if pd.isna(d) else str(d.date()) for d in dates.iloc[rows]],
            "text": documents[schema.TEXT].fillna("").astype(str).to_numpy()[rows],
            "stratum": strata[rows],
            "uncertainty": uncertainty[rows],
            "inclusion": inclusion[rows],
            "weight": 1.0 / inclusion[rows],
            "suggested": [[ids[j] for j in np.flatnonzero(tagged[r])] for r in rows],
        }
    )
    design: dict[str, Any] = {
        "population": len(documents),
        "n": len(rows),
        "seed": seed,
        "time_bin": time_bin,
        "strata_by": level,
        "boost": boost,
        "strata": [
            {"stratum": str(names[h]), "releases": int(sizes[h]), "drawn": int(alloc[h])}
            for h in range(len(names))
        ],
        "method": (
            f"strata: {level}; one release per stratum, the rest in proportion to the square "
            f"root of stratum size; within a stratum Pareto πps sampling with size "
            f"1 + {boost:g} × max 4p(1-p) over themes; weight = 1 / inclusion probability"
        ),
    }
    return Sample(frame, predictions.theme_probs.iloc[rows].reset_index(drop=True), design)


def allocate(sizes: np.ndarray, n: int) -> np.ndarray:
    """Releases drawn per stratum: one each, the rest ∝ √size (largest remainder, capped).

    Parameters
    ----------
    sizes : ndarray of int, shape (n_strata,)
        Releases per stratum (all positive).
    n : int
        Total to draw, ``len(sizes) <= n <= sizes.sum()``.
    """
    sizes = np.asarray(sizes, dtype=int)
    alloc = np.minimum(1, sizes)
    rest = n - int(alloc.sum())
    while rest > 0:
        room = sizes - alloc
        share = np.sqrt(sizes) * (room > 0)
        ideal = rest * share / share.sum()
        add = np.minimum(np.floor(ideal).astype(int), room)
        if add.sum() == 0:  # hand out the remaining few by the largest remainders
            order = np.lexsort((np.arange(len(sizes)), -(ideal - np.floor(ideal))))
            add = np.zeros_like(alloc)
            add[[h for h in order if room[h] > 0][:rest]] = 1
        alloc = alloc + add
        rest -= int(add.sum())
    return alloc


def inclusion_probabilities(size: np.ndarray, n: int) -> np.ndarray:
    """πps targets ``n · size / Σ size``, capped at 1 (the excess shared among the others)."""
    size = np.asarray(size, dtype=float)
    pi = np.zeros(len(size))
    certain = np.zeros(len(size), dtype=bool)
    while True:
        left = n - certain.sum()
        free = ~certain
        pi[free] = left * size[free] / size[free].sum() if left > 0 else 0.0
        pi[certain] = 1.0
        over = free & (pi >= 1.0)
        if not over.any():
            return pi
        certain |= over


def pareto_draw(pi: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Positions of ``n`` units drawn by Pareto πps sampling with targets ``pi`` (Rosén 1997)."""
    if n <= 0:
        return np.zeros(0, dtype=int)
    u = rng.random(len(pi))
    with np.errstate(divide="ignore", invalid="ignore"):
        q = (u / (1 - u)) / (pi / (1 - pi))
    q = np.where(pi >= 1.0, -np.inf, q)
    return np.sort(np.argsort(q, kind="stable")[:n])
