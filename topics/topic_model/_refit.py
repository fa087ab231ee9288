"""Refitting a fitted ``TopicModel`` on its releases plus new ones.

Three schemes, each ending in the same :class:`~topics.topic_model._lineage.Match` against the
parent's topics:

``warm`` (the default, cheap)
    The parent's embedder and term vocabulary are kept, so the parent's centroids and the
    refit's live in one space and nothing is re-learnt from the text. New releases farther from
    their nearest centroid than :data:`NOVELTY_QUANTILE` of that topic's own releases are
    *novel*; HDBSCAN (the parent's ``min_cluster_size``) groups them into candidate new topics.
    Lloyd iterations over every release, old and new, then move the centroids from the parent's
    and the candidates' starting points; a topic left with fewer than half the minimum topic
    size (HDBSCAN's, else the parent's smallest topic; at least 2) is dropped (its releases go
    to their nearest remaining topic). Cost: embedding the new releases (the parent's
    embeddings of its own are kept with the model) and a few nearest-centroid passes; no UMAP.
    Words the parent's embedder never saw do not move a release, so a topic made of new words
    is found by ``full``, not here (Reuters, June 1987: 66 of 2,419 new stories were novel,
    fewer than the 5% of the parent's own stories beyond the same radii, and no candidate).
``full``
    A new ``TopicModel`` with the parent's parameters is fitted from scratch on every release
    (new embedder, new vocabulary, new clustering). The parent's topics are brought into the new
    embedding space as the means of their own releases' new embeddings, and the fresh fit's
    topics that continue none of them (by the matching of :mod:`~topics.topic_model._lineage`)
    are the candidate new topics. Lloyd iterations over every release then start from the
    parent's topics and the candidates, as in ``warm``. The fresh clustering alone re-cuts
    topics that were stable (on Reuters, a June refit split or merged 13 of 66 parent topics:
    80% kept their id); seeded, the parent's partition is kept where the releases still
    support it (64 of 66, 97%), while the new vocabulary and embedding find topics a warm
    refit does not (in that June, seven: the Federal Reserve and Volcker, Texaco's bankruptcy,
    ...). The fresh fit gave 61 topics in a development run and 63 in the bench run, so its
    candidates can vary between runs.
``fresh``
    The fresh fit of ``full`` as it is, matched to the parent without seeding: the topics the
    new clustering found, for comparison.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from topics.progress import Progress, noop
from topics.topic_model._cluster import CORE_DIST_N_JOBS, default_min_topic_size
from topics.topic_model._describe import set_topics
from topics.topic_model._lineage import Match, match_topics, release_overlap, term_weights
from topics.topic_model._model import _term_texts, _texts

#: A new release is novel when farther from its nearest centroid than this quantile of the
#: squared distances of that topic's own releases.
NOVELTY_QUANTILE = 0.95
#: Lloyd iterations at most (they stop earlier when no release changes topic).
MAX_ITER = 20


def refit(
    parent: Any,
    old_texts: Sequence[str],
    new_texts: Sequence[str],
    *,
    scheme: str = "warm",
    old_embeddings: np.ndarray | None = None,
    senders: Sequence[Any] | None = None,
    progress: Progress | None = None,
) -> tuple[Any, Match, dict[str, Any]]:
    """Refit ``parent`` on ``old_texts`` (its training releases, in training order) + new ones.

    ``old_embeddings`` (the parent's embeddings of ``old_texts``, when kept) spare the warm
    scheme embedding them again; ``senders`` (one per release, old then new, or None) keep the
    senders' own terms out of the topic terms as in ``TopicModel.fit``. The refit's
    ``training_embeddings_`` holds the embeddings of every release, old then new, in its own
    space.

    Returns
    -------
    model : TopicModel
        The refit; its topics are numbered 0..K-1 (match them through ``match``).
    match : Match
        Parent topics ↔ refit topics.
    info : dict
        What was done (scheme, novel releases, candidates, iterations), JSON-able.
    """
    if scheme not in ("warm", "full", "fresh"):
        raise ValueError(f"scheme must be 'warm', 'full' or 'fresh', got {scheme!r}")
    say = progress or noop
    old_texts, new_texts = list(old_texts), list(new_texts)
    if len(parent.labels_) != len(old_texts):
        raise ValueError(
            f"the parent was fitted on {len(parent.labels_)} releases, {len(old_texts)} given"
        )
    if scheme in ("full", "fresh"):
        return _full(parent, old_texts, new_texts, senders, say, seeded=scheme == "full")
    return _warm(parent, old_texts, new_texts, old_embeddings, senders, say)


def _warm(parent: Any, old_texts, new_texts, old_embeddings, senders, say: Progress):
    from topics.topic_model._cluster import nearest as _nearest
    from topics.topic_model._cluster import sq_dist as _sq_dist

    say("embedding releases", 0.1)
    if old_embeddings is None or len(old_embeddings) != len(old_texts):
        old_embeddings = parent.embedder_.transform(_texts(old_texts))
    emb_old = np.asarray(old_embeddings, dtype=np.float64)
    emb_new = parent.embedder_.transform(_texts(new_texts)).astype(np.float64)
    old_labels = np.asarray(parent.labels_, dtype=np.int64)
    centroids = np.asarray(parent.centroids_, dtype=np.float64)
    n_all = len(old_texts) + len(new_texts)
    min_size = _min_topic_size(parent, n_all)

    say("finding novel releases", 0.3)
    radius = _radii(emb_old, old_labels, centroids)
    d2 = _sq_dist(emb_new, centroids) if len(new_texts) else np.zeros((0, len(centroids)))
    nearest = np.argmin(d2, axis=1) if len(new_texts) else np.zeros(0, dtype=np.int64)
    novel = d2[np.arange(len(nearest)), nearest] > radius[nearest] if len(nearest) else nearest > 0
    candidates = _candidates(emb_new[novel], min_size)

    say("moving the centroids", 0.5)
    X = np.vstack([emb_old, emb_new])
    start = np.vstack([centroids, *candidates]) if candidates else centroids
    labels, final, origin, iterations = _lloyd(X, start, max(2, min_size // 2), _nearest)

    say("describing topics", 0.7)
    model = copy.copy(parent)
    all_texts = [*old_texts, *new_texts]
    doc_terms = parent.vectorizer_.transform(_term_texts(_texts(all_texts)))
    set_topics(model, X, doc_terms, labels, final, all_texts, senders)
    model.training_embeddings_ = X.astype(np.float32)
    parent_terms = term_weights(parent.ctfidf_, parent.vectorizer_.get_feature_names_out())
    refit_terms = term_weights(model.ctfidf_, model.vectorizer_.get_feature_names_out())
    overlap = release_overlap(old_labels, labels[: len(old_texts)], len(centroids), len(final))
    match = match_topics(centroids, final, parent_terms, refit_terms, overlap=overlap)
    info = {
        "scheme": "warm",
        "novel_releases": int(novel.sum()),
        "novelty_quantile": NOVELTY_QUANTILE,
        "candidate_topics": len(candidates),
        "min_topic_size": min_size,
        "iterations": iterations,
        "dropped_topics": int(len(start) - len(final)),
        "kept_from": [int(o) for o in origin],
    }
    model.fit_info_ = {**parent.fit_info_, "n_documents": n_all, "update": info}
    return model, match, info


def _full(parent: Any, old_texts, new_texts, senders, say: Progress, seeded: bool = True):
    from topics.progress import scaled
    from topics.topic_model._cluster import nearest

    params = parent.get_params()
    fresh = type(parent)(**params)
    all_texts = [*old_texts, *new_texts]
    fresh.fit(all_texts, progress=scaled(say, 0.0, 0.75), senders=senders)
    say("matching topics", 0.8)
    X = fresh.training_embeddings_.astype(np.float64)
    n_old = len(old_texts)
    old_labels = np.asarray(parent.labels_, dtype=np.int64)
    # The parent's topics in the new space: the means of their own releases' new embeddings.
    parent_centroids = np.vstack(
        [
            X[:n_old][old_labels == k].mean(axis=0)
            if (old_labels == k).any()
            else np.zeros(X.shape[1])
            for k in range(parent.n_topics_)
        ]
    )
    parent_terms = term_weights(parent.ctfidf_, parent.vectorizer_.get_feature_names_out())

    def matched(model: Any) -> Match:
        terms = term_weights(model.ctfidf_, model.vectorizer_.get_feature_names_out())
        overlap = release_overlap(
            old_labels, model.labels_[:n_old], parent.n_topics_, model.n_topics_
        )
        return match_topics(
            parent_centroids, model.centroids_, parent_terms, terms, overlap=overlap
        )

    first = matched(fresh)
    info: dict[str, Any] = {
        "scheme": "full" if seeded else "fresh",
        "fresh_topics": int(fresh.n_topics_),
        "fresh_new_topics": len(first.new),
    }
    if not seeded:
        fresh.fit_info_ = {**fresh.fit_info_, "update": info}
        return fresh, first, info
    # Seeded: the parent's topics, and the fresh fit's topics that continue none of them, are
    # the starting points of Lloyd iterations over every release in the new space.
    say("moving the centroids", 0.85)
    start = np.vstack([parent_centroids, fresh.centroids_[first.new]])
    min_size = _min_topic_size(parent, len(all_texts))
    labels, final, origin, iterations = _lloyd(X, start, max(2, min_size // 2), nearest)
    model = copy.copy(fresh)
    doc_terms = fresh.vectorizer_.transform(_term_texts(_texts(all_texts)))
    set_topics(model, X, doc_terms, labels, final, all_texts, senders)
    model.training_embeddings_ = X.astype(np.float32)
    match = matched(model)
    info.update(
        candidate_topics=len(first.new),
        min_topic_size=min_size,
        iterations=iterations,
        dropped_topics=int(len(start) - len(final)),
        kept_from=[int(o) for o in origin],
    )
    model.fit_info_ = {
        **fresh.fit_info_,
        "train_transform_agreement": float(np.mean(nearest(X, final) == labels)),
        "update": info,
    }
    return model, match, info


def _min_topic_size(parent: Any, n_documents: int) -> int:
    """The parent's minimum topic size: HDBSCAN's, else its smallest topic (at least 2)."""
    settings = parent.fit_info_.get("settings", {})
    if settings.get("min_cluster_size"):
        return int(settings["min_cluster_size"])
    if parent.min_topic_size:
        return int(parent.min_topic_size)
    smallest = int(np.min(parent.sizes_)) if len(parent.sizes_) else 2
    return max(2, min(smallest, default_min_topic_size(n_documents)))


def _radii(emb: np.ndarray, labels: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Per topic, :data:`NOVELTY_QUANTILE` of its releases' squared distances to its centroid.

    A topic with fewer than 5 releases takes the quantile over every release.
    """
    d2 = ((emb - centroids[labels]) ** 2).sum(axis=1)
    overall = float(np.quantile(d2, NOVELTY_QUANTILE)) if len(d2) else np.inf
    radius = np.full(len(centroids), overall)
    for k in range(len(centroids)):
        own = d2[labels == k]
        if len(own) >= 5:
            radius[k] = float(np.quantile(own, NOVELTY_QUANTILE))
    return radius


def _candidates(novel: np.ndarray, min_size: int) -> list[np.ndarray]:
    """Centroids of the HDBSCAN clusters (at least ``min_size`` releases) among novel releases."""
    if len(novel) < max(2 * min_size, 4):
        return []
    from hdbscan import HDBSCAN

    clusterer = HDBSCAN(
        min_cluster_size=min_size, metric="euclidean", core_dist_n_jobs=CORE_DIST_N_JOBS
    )
    labels = clusterer.fit(novel).labels_
    return [novel[labels == c].mean(axis=0, keepdims=True) for c in sorted(set(labels) - {-1})]


def _lloyd(X: np.ndarray, start: np.ndarray, min_keep: int, nearest) -> tuple:
    """Nearest-centroid iterations from ``start``, dropping topics under ``min_keep`` releases.

    Returns the labels, the final centroids, the row of ``start`` each final topic came from and
    the number of iterations.
    """
    centroids, origin = start.copy(), np.arange(len(start))
    labels = nearest(X, centroids)
    iterations = 0
    while iterations < MAX_ITER:
        iterations += 1
        sizes = np.bincount(labels, minlength=len(centroids))
        keep = sizes >= min_keep
        if not keep.any():
            keep = sizes == sizes.max()
        centroids, origin = centroids[keep], origin[keep]
        labels = nearest(X, centroids)
        centroids = np.vstack(
            [X[labels == k].mean(axis=0) if (labels == k).any() else centroids[k]
             for k in range(len(centroids))]
        )  # fmt: skip
        moved = nearest(X, centroids)
        if np.array_equal(moved, labels):
            break
        labels = moved
    return labels, centroids, origin, iterations
