"""Topic representations: c-TF-IDF weights, coherent and distinct top terms, theme matching."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from topics._stem import stem_words


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
    counts: sp.spmatrix | np.ndarray | None = None,
    absorb: float = 0.5,
) -> list[np.ndarray]:
    """Pick each topic's top terms for coherence and distinctness, not c-TF-IDF alone.

    Each term may only describe the ``max_topics_per_term`` topics where its (row-normalised)
    c-TF-IDF weight ranks highest; among a topic's ``candidates`` best remaining terms, the
    first is its best c-TF-IDF term and each next term maximises
    ``weight / max weight + coherence_weight * mean NPMI with the terms already chosen``, NPMI
    counted on document co-occurrence in the training corpus. A term may not share a word stem
    with the terms already chosen: never "critical" or "minerals supply" beside "critical
    minerals", nor "technologies" beside "technology". With ``counts``, an n-gram that holds at
    least ``absorb`` of a word's occurrences in the topic stands in for that word: the word
    leaves the topic's candidates and the n-gram ranks with the word's weight if higher ("think
    tank", not "think"); below that share the word ranks on its own and blocks the n-gram
    ("msp", not "msp partners" beside it). ``coherence_weight=0`` with
    ``max_topics_per_term`` >= the number of topics gives plain c-TF-IDF order.

    Parameters
    ----------
    weights : ndarray of shape (n_topics, n_terms)
        c-TF-IDF weights.
    doc_presence : sparse matrix of shape (n_documents, n_terms)
        Non-zero where a document holds a term.
    vocabulary : sequence of str
        The ``n_terms`` term strings (n-grams joined by spaces).
    counts : sparse matrix or ndarray of shape (n_topics, n_terms), optional
        Term counts per topic (see :func:`class_counts`), for n-grams standing in for words.
    absorb : float
        Share of a word's count in the topic an n-gram must hold to stand in for it.

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
    stand_ins = _stand_ins(vocabulary, counts, absorb) if counts is not None else None
    out = []
    for k in range(n_topics):
        ranked = [j for j in order[k, : max(candidates * 10, top_n * 10)] if norm[k, j] > 0]
        if stand_ins is not None:
            ranked = _absorb(ranked, norm[k], stand_ins[k])
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
            rest = [r for r in rest if not words[r] & covered]
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
            if j not in terms and not stems & covered:
                terms.append(int(j))
                covered |= stems
        out.append(np.array(terms, dtype=np.int64))
    return out


def _stand_ins(
    vocabulary: Sequence[str], counts: sp.spmatrix | np.ndarray, absorb: float
) -> list[dict[int, int]]:
    """Per topic, ``{word index: n-gram index}`` for n-grams holding ``absorb`` of a word's count.

    Of several n-grams over the same word, the most frequent in the topic stands in for it; on a
    tie, one that ends with the word (its head in English: "trade balance" for "balance", not
    "balance surplus").
    """
    counts = sp.csr_matrix(counts, dtype=np.float64)
    index = {str(t): j for j, t in enumerate(vocabulary)}
    pairs = [
        (index[w], j, str(t).endswith(" " + w))
        for j, t in enumerate(vocabulary)
        if " " in str(t)
        for w in set(str(t).split())
        if w in index
    ]
    out: list[dict[int, int]] = [{} for _ in range(counts.shape[0])]
    if not pairs:
        return out
    words, grams, heads = (np.array(column) for column in zip(*pairs, strict=True))
    for k in range(counts.shape[0]):
        row = counts[k].toarray().ravel()
        ok = np.flatnonzero((row[words] > 0) & (row[grams] >= absorb * row[words]))
        if len(ok) == 0:
            continue
        # per word, the best n-gram last: by count, then head, then the lower index
        order = ok[np.lexsort((-grams[ok], heads[ok], row[grams[ok]], words[ok]))]
        last = np.r_[words[order][1:] != words[order][:-1], True]
        out[k] = {int(words[i]): int(grams[i]) for i in order[last]}
    return out


def stand_in_weights(
    weights: np.ndarray,
    vocabulary: Sequence[str],
    counts: sp.spmatrix | np.ndarray,
    absorb: float = 0.5,
) -> np.ndarray:
    """``weights`` with each n-gram standing in for a word (see :func:`select_terms`) raised to
    that word's weight if higher.

    Returns
    -------
    ndarray of shape (n_topics, n_terms)
        A new array; ``weights`` is not modified.
    """
    out = np.array(weights, dtype=np.float64, copy=True)
    for k, stand_in in enumerate(_stand_ins(vocabulary, counts, absorb)):
        for w, g in stand_in.items():
            out[k, g] = max(out[k, g], out[k, w])
    return out


def _absorb(ranked: list[int], norm_k: np.ndarray, stand_in: dict[int, int]) -> list[int]:
    """``ranked`` with words replaced by their stand-in n-grams, re-ordered by weight.

    Raises each stand-in's weight in ``norm_k`` (a row of :func:`select_terms`' own array) in
    place to its word's, if higher.
    """
    if not stand_in:
        return ranked
    for w, g in stand_in.items():
        norm_k[g] = max(norm_k[g], norm_k[w])
    seen = set()
    out = []
    for j in ranked:
        j = stand_in.get(j, j)
        if j not in seen:
            seen.add(j)
            out.append(j)
    return sorted(out, key=lambda j: -norm_k[j])


def stem(words: Sequence[str]) -> list[str]:
    """English Snowball stems (:mod:`topics._stem`)."""
    return stem_words(words)


def _doc_npmi(presence: sp.csc_matrix, n_docs: int) -> np.ndarray:
    co = np.asarray((presence.T @ presence).todense())
    p = np.diag(co) / n_docs
    pj = co / n_docs
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log((pj + 1e-12) / np.outer(p, p)) / -np.log(pj + 1e-12)
    return np.nan_to_num(npmi, nan=0.0, posinf=0.0, neginf=-1.0)


def label_first(
    chosen: Sequence[np.ndarray],
    weights: np.ndarray,
    doc_presence: sp.spmatrix,
    labels: np.ndarray,
    n: int = 3,
) -> list[np.ndarray]:
    """Move to the front of each topic's terms the ``n`` that best describe the whole topic.

    A term's score is its row-normalised c-TF-IDF weight times the share of the topic's
    documents that hold it, so a label names what the topic's documents share rather than one
    document's favourite words (a country named twenty times in one release). The other terms
    keep their order.

    Parameters
    ----------
    chosen : sequence of ndarray of int
        Term indices per topic (from :func:`select_terms`).
    weights : ndarray of shape (n_topics, n_terms)
    doc_presence : sparse matrix of shape (n_documents, n_terms)
    labels : ndarray of shape (n_documents,)

    Returns
    -------
    list of ndarray of int
        The same indices per topic, reordered.
    """
    presence = sp.csr_matrix(doc_presence, dtype=np.float64)
    presence.data[:] = 1.0
    labels = np.asarray(labels)
    out = []
    for k, idx in enumerate(chosen):
        idx = np.asarray(idx, dtype=np.int64)
        members = np.flatnonzero(labels == k)
        if len(idx) == 0 or len(members) == 0:
            out.append(idx)
            continue
        coverage = np.asarray(presence[members][:, idx].mean(axis=0)).ravel()
        score = weights[k, idx] / max(float(weights[k].max()), 1e-300) * coverage
        head = np.argsort(-score, kind="stable")[:n]
        tail = [i for i in range(len(idx)) if i not in set(head.tolist())]
        out.append(idx[np.concatenate([head, np.asarray(tail, dtype=np.int64)])])
    return out


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
