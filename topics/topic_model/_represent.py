"""Topic representations: c-TF-IDF weights, coherent and distinct top terms, theme matching."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp


def class_counts(doc_terms: sp.spmatrix, labels: np.ndarray, n_topics: int) -> sp.csr_matrix:
    """Term counts per topic.

    Parameters
    ----------
    doc_terms : sparse matrix of shape (n_documents, n_terms)
    labels : ndarray of shape (n_documents,)
        Topic of each document, in ``[0, n_topics)``.

    Returns
    -------
    csr_matrix of shape (n_topics, n_terms)
    """
    n = doc_terms.shape[0]
    onehot = sp.csr_matrix(
        (np.ones(n), (np.asarray(labels, dtype=np.int64), np.arange(n))), shape=(n_topics, n)
    )
    return (onehot @ doc_terms).tocsr()


def ctfidf(counts: sp.spmatrix) -> np.ndarray:
    """BERTopic's class-based TF-IDF of per-topic term counts.

    Returns
    -------
    ndarray of shape (n_topics, n_terms)
        Non-negative weights (BERTopic's ``ClassTfidfTransformer`` with its defaults).
    """
    from bertopic.vectorizers import ClassTfidfTransformer

    counts = sp.csr_matrix(counts, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):  # terms unseen so far: idf = inf
        weights = ClassTfidfTransformer().fit(counts).transform(counts)
    return np.nan_to_num(np.asarray(weights.todense(), dtype=np.float64))


def select_terms(
    weights: np.ndarray,
    doc_presence: sp.spmatrix,
    vocabulary: Sequence[str],
    top_n: int = 10,
    candidates: int = 20,
    coherence_weight: float = 2.0,
    max_topics_per_term: int = 2,
) -> list[np.ndarray]:
    """Pick each topic's top terms for coherence and distinctness, not c-TF-IDF alone.

    Each term may only describe the ``max_topics_per_term`` topics where its (row-normalised)
    c-TF-IDF weight ranks highest; among a topic's ``candidates`` best remaining terms, the
    first is its best c-TF-IDF term and each next term maximises
    ``weight / max weight + coherence_weight * mean NPMI with the terms already chosen``, NPMI
    counted on document co-occurrence in the training corpus. A term must add a word stem the
    chosen terms do not already hold ("critical" after "critical minerals" does not, nor
    "technologies" after "technology"). ``coherence_weight=0`` with
    ``max_topics_per_term`` >= the number of topics gives plain c-TF-IDF order.

    Parameters
    ----------
    weights : ndarray of shape (n_topics, n_terms)
        c-TF-IDF weights.
    doc_presence : sparse matrix of shape (n_documents, n_terms)
        Non-zero where a document holds a term.
    vocabulary : sequence of str
        The ``n_terms`` term strings (n-grams joined by spaces).

    Returns
    -------
    list of ndarray of int
        Term indices per topic, best first. When the sharing rule leaves fewer than ``top_n``
        terms, the list is topped up with the topic's next best c-TF-IDF terms; it is shorter
        than ``top_n`` only when the topic has too few terms with a positive weight.
    """
    n_topics = weights.shape[0]
    norm = weights / np.maximum(weights.max(axis=1, keepdims=True), 1e-300)
    order = np.argsort(-norm, axis=1, kind="stable")
    if max_topics_per_term < n_topics:
        # rank of each topic for each term, 0 = the topic it describes best
        rank = np.argsort(np.argsort(-norm, axis=0, kind="stable"), axis=0, kind="stable")
    else:
        rank = None
    presence = sp.csc_matrix(doc_presence, dtype=np.float64)
    presence.data[:] = 1.0
    n_docs = presence.shape[0]
    out = []
    for k in range(n_topics):
        ranked = [j for j in order[k, : max(candidates * 10, top_n * 10)] if norm[k, j] > 0]
        pool = ranked
        if rank is not None:
            pool = [j for j in ranked if rank[k, j] < max_topics_per_term]
        pool = np.array(pool[:candidates], dtype=np.int64)
        if len(pool) == 0:
            pool = np.array(ranked[:1], dtype=np.int64)
        if len(pool) == 0:
            out.append(pool)
            continue
        npmi = _doc_npmi(presence[:, pool], n_docs)
        words = [set(stem(vocabulary[j].split())) for j in pool]
        chosen = [0]
        covered = set(words[0])
        rest = list(range(1, len(pool)))
        while len(chosen) < top_n:
            rest = [r for r in rest if not words[r] <= covered]
            if not rest:
                break
            scores = [norm[k, pool[r]] + coherence_weight * npmi[r, chosen].mean() for r in rest]
            best = rest[int(np.argmax(scores))]
            chosen.append(best)
            covered |= words[best]
            rest.remove(best)
        terms = [int(j) for j in pool[chosen]]
        # Too few distinct terms under the sharing rule: top up in plain c-TF-IDF order.
        for j in ranked:
            if len(terms) >= top_n:
                break
            stems = set(stem(vocabulary[j].split()))
            if j not in terms and not stems <= covered:
                terms.append(int(j))
                covered |= stems
        out.append(np.array(terms, dtype=np.int64))
    return out


def stem(words: Sequence[str]) -> list[str]:
    """English Snowball stems (the words themselves if ``snowballstemmer`` is missing)."""
    stemmer = _stemmer()
    return list(words) if stemmer is None else stemmer.stemWords(list(words))


@functools.cache
def _stemmer() -> Any:
    try:
        import snowballstemmer
    except ImportError:
        return None
    return snowballstemmer.stemmer("english")


def _doc_npmi(presence: sp.csc_matrix, n_docs: int) -> np.ndarray:
    co = np.asarray((presence.T @ presence).todense())
    p = np.diag(co) / n_docs
    pj = co / n_docs
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log((pj + 1e-12) / np.outer(p, p)) / -np.log(pj + 1e-12)
    return np.nan_to_num(npmi, nan=0.0, posinf=0.0, neginf=-1.0)


def representative_docs(
    embeddings: np.ndarray, labels: np.ndarray, centroids: np.ndarray, n: int = 3
) -> list[list[int]]:
    """Indices of the ``n`` documents of each topic closest to its centroid."""
    out = []
    for k in range(centroids.shape[0]):
        members = np.flatnonzero(labels == k)
        dist = ((embeddings[members] - centroids[k]) ** 2).sum(axis=1)
        out.append([int(i) for i in members[np.argsort(dist, kind="stable")[:n]]])
    return out


def label(terms: Sequence[str], n: int = 3) -> str:
    """A short readable label from a topic's best terms."""
    return ", ".join(terms[:n]) if terms else "(no terms)"


def cosine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of ``a`` (m, d) with every row of ``b`` (n, d): (m, n)."""
    an = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    bn = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return an @ bn.T
