"""Topic identity across fits: match the topics of a refit to those of its parent.

Two topics are compared by the mean of three similarities, each in 0..1 (two without the
third):

- the cosine of their centroids, in one embedding space (the caller makes sure both are in the
  same space);
- the cosine of their c-TF-IDF term weights, compared by term string over each topic's
  :data:`TERMS_COMPARED` best terms, so two fits with different vocabularies can be compared;
- the overlap of their releases (:func:`release_overlap`): the parent's releases are in the
  refit too, so the Jaccard index of the two topics' sets of those releases says directly
  whether the refit topic holds what the parent topic held (the identity that matters to a
  reader: "the same releases are still together under this id").

The pairs are chosen by the Hungarian algorithm (:func:`scipy.optimize.linear_sum_assignment`,
maximising the total similarity, one partner at most per topic) and a pair is kept only when its
similarity reaches :data:`MATCH_THRESHOLD`. Unmatched parent topics have no successor (they
retire); unmatched refit topics are new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Lowest similarity (0..1) for a refit topic to continue a parent topic. Half-way: on Reuters
#: a topic refit on its own releases plus a month of news scores above 0.8, and two
#: different topics that share one frequent term score below 0.3.
MATCH_THRESHOLD = 0.5
#: Best c-TF-IDF terms of each topic compared.
TERMS_COMPARED = 50


@dataclass(frozen=True)
class Match:
    """The outcome of :func:`match_topics`.

    Attributes
    ----------
    pairs : list of (int, int, float)
        ``(parent topic, refit topic, similarity)`` of every kept pair, by parent topic.
    retired : list of int
        Parent topics with no successor.
    new : list of int
        Refit topics that continue no parent topic.
    similarity : ndarray of shape (n_parent, n_refit)
        The full similarity matrix.
    """

    pairs: list[tuple[int, int, float]]
    retired: list[int]
    new: list[int]
    similarity: np.ndarray


def term_weights(ctfidf: np.ndarray, vocabulary: Sequence[str], top_n: int = TERMS_COMPARED):
    """Each topic's best ``top_n`` terms as ``{term: c-TF-IDF weight}``.

    Parameters
    ----------
    ctfidf : ndarray of shape (n_topics, n_terms)
    vocabulary : sequence of str, length n_terms
    """
    ctfidf = np.asarray(ctfidf, dtype=np.float64)
    out = []
    for row in ctfidf:
        best = np.argsort(-row, kind="stable")[:top_n]
        out.append({str(vocabulary[j]): float(row[j]) for j in best if row[j] > 0})
    return out


def term_similarity(parent: Sequence[dict], refit: Sequence[dict]) -> np.ndarray:
    """Cosine of every pair of term-weight dicts, shape (len(parent), len(refit))."""
    terms = sorted({t for d in [*parent, *refit] for t in d})
    index = {t: i for i, t in enumerate(terms)}

    def matrix(dicts: Sequence[dict]) -> np.ndarray:
        m = np.zeros((len(dicts), len(terms)))
        for r, d in enumerate(dicts):
            for t, w in d.items():
                m[r, index[t]] = w
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms > 0, norms, 1.0)

    return matrix(parent) @ matrix(refit).T


def centroid_similarity(parent: np.ndarray, refit: np.ndarray) -> np.ndarray:
    """Cosine of every pair of centroids, shape (n_parent, n_refit); 0 for a zero centroid."""

    def unit(m: np.ndarray) -> np.ndarray:
        m = np.asarray(m, dtype=np.float64)
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        return m / np.where(norms > 0, norms, 1.0)

    return unit(parent) @ unit(refit).T


def release_overlap(
    parent_labels: np.ndarray, refit_labels: np.ndarray, n_parent: int, n_refit: int
):
    """Jaccard index of every (parent topic, refit topic) pair over the parent's releases.

    Parameters
    ----------
    parent_labels, refit_labels : ndarray of shape (n_releases,)
        The topic of each of the parent's releases in the parent and in the refit.

    Returns
    -------
    ndarray of shape (n_parent, n_refit)
    """
    parent_labels = np.asarray(parent_labels, dtype=np.int64)
    refit_labels = np.asarray(refit_labels, dtype=np.int64)
    both = np.zeros((n_parent, n_refit))
    np.add.at(both, (parent_labels, refit_labels), 1.0)
    union = both.sum(axis=1, keepdims=True) + both.sum(axis=0, keepdims=True) - both
    return np.divide(both, union, out=np.zeros_like(both), where=union > 0)


def match_topics(
    parent_centroids: np.ndarray,
    refit_centroids: np.ndarray,
    parent_terms: Sequence[dict],
    refit_terms: Sequence[dict],
    threshold: float = MATCH_THRESHOLD,
    overlap: np.ndarray | None = None,
) -> Match:
    """Pair each parent topic with at most one refit topic (Hungarian, similarity ≥ threshold).

    Parameters
    ----------
    parent_centroids : ndarray of shape (n_parent, dim)
    refit_centroids : ndarray of shape (n_refit, dim)
        In the same embedding space as ``parent_centroids``.
    parent_terms, refit_terms : sequence of dict
        From :func:`term_weights`.
    threshold : float
        Lowest similarity of a kept pair.
    overlap : ndarray of shape (n_parent, n_refit), optional
        From :func:`release_overlap`; without it the similarity is the mean of the two cosines.

    Returns
    -------
    Match
    """
    from scipy.optimize import linear_sum_assignment

    parts = [
        np.clip(centroid_similarity(parent_centroids, refit_centroids), 0.0, 1.0),
        np.clip(term_similarity(parent_terms, refit_terms), 0.0, 1.0),
    ]
    if overlap is not None:
        parts.append(np.asarray(overlap, dtype=np.float64))
    sim = np.mean(parts, axis=0)
    rows, cols = linear_sum_assignment(sim, maximize=True) if sim.size else ([], [])
    pairs = sorted(
        (int(r), int(c), float(sim[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if sim[r, c] >= threshold
    )
    matched_parent = {p for p, _, _ in pairs}
    matched_refit = {c for _, c, _ in pairs}
    return Match(
        pairs=pairs,
        retired=[k for k in range(sim.shape[0]) if k not in matched_parent],
        new=[k for k in range(sim.shape[1]) if k not in matched_refit],
        similarity=sim,
    )
