"""Each topic's terms: c-TF-IDF, re-ranked for coherence, with the senders' own terms left out."""

from __future__ import annotations

import functools

import numpy as np
import scipy.sparse as sp

from topics.topic_model import _represent as rep
from topics.topic_model import _senders


def describe(
    ctfidf: np.ndarray,
    doc_terms: sp.spmatrix,
    counts: sp.spmatrix,
    vocabulary: np.ndarray,
    labels: np.ndarray,
    codes: np.ndarray | None,
    *,
    top_n: int,
    coherent: bool,
) -> tuple[list[list[str]], list[list[float]]]:
    """Terms and c-TF-IDF weights of every topic.

    Parameters
    ----------
    ctfidf : ndarray of shape (n_topics, n_terms)
    doc_terms : sparse matrix of shape (n_documents, n_terms)
    counts : sparse matrix of shape (n_topics, n_terms)
        Term counts per topic.
    vocabulary : ndarray of shape (n_terms,)
    labels : ndarray of shape (n_documents,)
        Topic of each document.
    codes : ndarray of shape (n_documents,) or None
        Sender code of each document (:func:`~topics.topic_model._senders.sender_codes`):
        terms the senders explain leave the choice, unless a topic would keep fewer than three.
    top_n : int
    coherent : bool
        The ``"coherent"`` representation (see :class:`~topics.topic_model.TopicModel`).
    """
    weights = ctfidf
    select = functools.partial(
        rep.select_terms,
        doc_presence=doc_terms,
        vocabulary=vocabulary,
        top_n=top_n,
        coherence_weight=2.0 if coherent else 0.0,
        max_topics_per_term=2 if coherent else ctfidf.shape[0],
        candidates=20 if coherent else top_n,
        counts=counts if coherent else None,
    )
    if codes is not None:
        weights, _ = _senders.sender_weights(weights, doc_terms, labels, codes)
    chosen = select(weights)
    if weights is not ctfidf:
        # A topic with fewer than three terms left keeps its own (a one-sender topic).
        short = [k for k, idx in enumerate(chosen) if len(idx) < 3]
        if short:
            weights = weights.copy()
            weights[short] = ctfidf[short]
            own = select(weights)
            chosen = [own[k] if k in short else idx for k, idx in enumerate(chosen)]
    if coherent:
        weights = rep.stand_in_weights(weights, vocabulary, counts)
        chosen = rep.label_first(chosen, weights, doc_terms, labels)
    terms = [[str(vocabulary[j]) for j in idx] for idx in chosen]
    term_weights = [[float(ctfidf[k, j]) for j in idx] for k, idx in enumerate(chosen)]
    return terms, term_weights


def set_topics(model, embeddings, doc_terms, labels, centroids, originals, senders) -> None:
    """Set every fitted attribute of ``model`` that follows from its topics' releases.

    Terms and c-TF-IDF, sender shares, representative releases, sizes and theme phrases of
    ``n_topics = len(centroids)`` topics, given each release's ``embeddings``, ``doc_terms``,
    topic (``labels``), original text and sender (``senders``: one per release, or None).
    Used by ``TopicModel.fit`` and by the refits of ``topics update``.
    """
    from topics.topic_model._model import SNIPPET

    n_topics = len(centroids)
    model.labels_ = labels = np.asarray(labels, dtype=np.int64)
    model.centroids_ = centroids
    model.n_topics_ = n_topics
    counts = rep.class_counts(doc_terms, labels, n_topics)
    model.ctfidf_ = rep.ctfidf(counts)
    codes = names = None
    if senders is not None:
        if len(senders) != len(labels):
            raise ValueError(f"{len(senders)} senders for {len(labels)} texts")
        codes, names = _senders.sender_codes(senders)
    model.topic_terms_, model.topic_weights_ = describe(
        model.ctfidf_,
        doc_terms,
        counts,
        model.vectorizer_.get_feature_names_out(),
        labels,
        codes,
        top_n=model.top_n_terms,
        coherent=model.representation == "coherent",
    )
    model.topic_senders_ = (
        None if codes is None else _senders.topic_senders(labels, codes, names, n_topics)
    )
    docs = rep.representative_docs(embeddings, labels, centroids)
    model.representative_docs_ = [[originals[i][:SNIPPET] for i in idx] for idx in docs]
    model.sizes_ = np.bincount(labels, minlength=n_topics).astype(np.int64)
    model.topic_themes_ = None
    if model.themes:
        table = model.map_topics_to_themes(model.themes)
        model.topic_themes_ = [
            [[r.theme, float(r.score)] for r in table[table.topic == k].itertuples()]
            for k in range(n_topics)
        ]
