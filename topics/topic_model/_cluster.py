"""Size-adaptive dimension reduction and clustering plugged into BERTopic.

Three paths, chosen from the number of documents ``n`` and ``n_topics``:

``"kmeans"``
    ``n_topics`` given: k-means with that many clusters on the embeddings themselves.
``"silhouette-agglomerative"``
    ``n_topics="auto"`` and a small corpus (``n < SMALL_CORPUS``): UMAP and HDBSCAN need hundreds
    of documents, so k-means runs on the embeddings for every k in ``[2, k_max]`` and the k with
    the best cosine silhouette is kept.
``"umap-hdbscan"``
    ``n_topics="auto"`` otherwise: BERTopic's own method, UMAP (``n_neighbors`` and HDBSCAN's
    ``min_cluster_size`` scaled with ``n``) then HDBSCAN; outliers are reassigned afterwards.
    Above ``cluster_sample`` documents (:data:`CLUSTER_SAMPLE`), UMAP and HDBSCAN see a seeded
    random sample of that many (:func:`sample_rows`), with ``min_cluster_size`` scaled by the
    sampled share (:func:`sampled_min_topic_size`: a topic is the same share of the corpus as
    without the sample), and every other document joins its nearest topic centroid, the rule
    that places outliers and new releases. UMAP's nearest-neighbour graph and HDBSCAN's tree
    cost more than linearly in ``n``; the sample bounds them, the embedding, the terms and the
    assignment stay linear.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

from topics.errors import TrainingError

#: Below this many documents, ``n_topics="auto"`` uses silhouette-selected k-means.
SMALL_CORPUS = 300

#: Documents UMAP and HDBSCAN see at most (the others join their nearest topic centroid).
CLUSTER_SAMPLE = 20_000

#: HDBSCAN's ``core_dist_n_jobs`` (its default is 4). Above 16,384 points its Boruvka tree
#: computes core distances in 4 joblib (loky) worker processes: on 2 cores that took 37 s
#: instead of 2 s for 20,000 points in 5 dimensions, with the same labels, and the idle workers
#: then held the process at exit for loky's 300 s timeout.
CORE_DIST_N_JOBS = 1


def keep_umap_compiled() -> None:
    """Let numba keep UMAP's compiled functions on disk, as it does pynndescent's.

    umap-learn compiles its numba functions in every process (``cache=True`` is on one of
    them): 20 to 40 s of each training on 2 cores, whatever the corpus size. Caching them is
    numba's own mechanism (``Dispatcher.enable_caching``, what ``cache=True`` calls): the first
    training on a machine compiles and writes the cache (in umap's ``__pycache__``, or numba's
    user cache directory when that is read-only), later ones load it. numba keys every entry
    on the source file, so an upgraded umap compiles afresh.
    """
    import sys

    from numba.core.caching import NullCache
    from numba.core.registry import CPUDispatcher

    for name, module in list(sys.modules.items()):
        if name != "umap" and not name.startswith("umap."):
            continue
        for value in list(vars(module).values()):
            if (
                isinstance(value, CPUDispatcher)
                and isinstance(value._cache, NullCache)
                and value.py_func.__module__ == name
            ):
                value.enable_caching()


def default_min_topic_size(n_documents: int) -> int:
    """HDBSCAN's ``min_cluster_size``: ``sqrt(n) / 2``, at least 10."""
    return int(max(10, round(np.sqrt(n_documents) / 2)))


def sample_rows(
    n_documents: int, n_topics: int | str, cluster_sample: int | None, random_state: int
) -> np.ndarray:
    """Sorted rows the clustering sees: a seeded sample of ``cluster_sample`` documents when
    ``n_topics="auto"`` and the corpus is larger, else every row."""
    if n_topics != "auto" or cluster_sample is None or n_documents <= cluster_sample:
        return np.arange(n_documents)
    if cluster_sample < SMALL_CORPUS:
        raise TrainingError(
            f"cluster_sample must be at least {SMALL_CORPUS} (or None), got {cluster_sample}"
        )
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n_documents, size=int(cluster_sample), replace=False))


def sampled_min_topic_size(
    n_documents: int, n_sampled: int, min_topic_size: int | None
) -> int | None:
    """HDBSCAN's ``min_cluster_size`` on a sample: the whole corpus's (given, or
    :func:`default_min_topic_size`) times the sampled share; at least 10 by default, 2 if given.
    ``min_topic_size`` itself when nothing is left out."""
    if n_sampled >= n_documents:
        return min_topic_size
    whole = min_topic_size or default_min_topic_size(n_documents)
    floor = 2 if min_topic_size else 10
    return int(max(floor, round(whole * n_sampled / n_documents)))


class SilhouetteClusterer(ClusterMixin, BaseEstimator):
    """Small-corpus clustering: average-linkage agglomerative clustering (cosine), k chosen by
    the cosine silhouette over ``[k_min, k_max]``, then refined by k-means started from those
    clusters' centroids (so every document ends nearest its own topic's centroid).

    Parameters
    ----------
    k_min, k_max : int
        Range of k tried (clipped to ``n_samples - 1``).
    random_state : int
        Seed of the k-means refinement (deterministic anyway: it starts from given centroids).

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
    n_clusters_ : int
    silhouettes_ : dict of int to float
        Silhouette of the agglomerative clustering for each k tried.
    """

    def __init__(self, k_min: int = 2, k_max: int = 10, random_state: int = 0):
        self.k_min = k_min
        self.k_max = k_max
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: Any = None) -> SilhouetteClusterer:
        """Cluster ``X`` of shape (n_samples, n_features)."""
        from sklearn.cluster import AgglomerativeClustering, KMeans
        from sklearn.metrics import silhouette_score

        X_all = np.asarray(X, dtype=np.float64)
        # Documents with no known term embed to zero vectors, which have no cosine: they are
        # left out here and labelled -1 (outliers, reassigned and counted by the caller).
        keep = np.linalg.norm(X_all, axis=1) > 0
        X = X_all[keep]
        n = X.shape[0]
        k_hi = max(min(self.k_max, n - 1), 1)
        k_lo = min(self.k_min, k_hi)
        best: tuple[float, int, np.ndarray] | None = None
        self.silhouettes_ = {}
        for k in range(k_lo, k_hi + 1):
            if k < 2:
                continue
            labels = AgglomerativeClustering(k, metric="cosine", linkage="average").fit_predict(X)
            score = float(silhouette_score(X, labels, metric="cosine"))
            self.silhouettes_[k] = score
            if best is None or score > best[0] + 1e-12:
                best = (score, k, labels)
        self.labels_ = np.full(len(X_all), -1, dtype=np.int64)
        if best is None:
            self.labels_[keep] = 0
            self.n_clusters_ = 1
            return self
        _, k, labels = best
        centroids = np.vstack([X[labels == c].mean(axis=0) for c in range(k)])
        refined = KMeans(k, init=centroids, n_init=1, random_state=self.random_state).fit(X)
        self.labels_[keep] = refined.labels_
        self.n_clusters_ = k
        return self


def plan(
    n_documents: int,
    n_topics: int | str,
    min_topic_size: int | None,
    random_state: int,
) -> tuple[str, Any, Any, dict[str, Any]]:
    """Choose the reducer and clusterer for a corpus of ``n_documents``.

    Returns
    -------
    path : str
        ``"kmeans"``, ``"silhouette-agglomerative"`` or ``"umap-hdbscan"``.
    reducer, clusterer : estimators
        What BERTopic gets as ``umap_model`` and ``hdbscan_model``.
    settings : dict
        The resolved settings, JSON-able, recorded in the model's parameters.
    """
    from bertopic.dimensionality import BaseDimensionalityReduction

    mts = min_topic_size or default_min_topic_size(n_documents)
    small_k_max = n_documents // (min_topic_size or 4)
    if n_topics != "auto":
        from sklearn.cluster import KMeans

        k = int(n_topics)
        settings = {"n_clusters": k, "n_init": 3, "min_topic_size": None}
        return (
            "kmeans",
            BaseDimensionalityReduction(),
            KMeans(k, n_init=3, random_state=random_state),
            settings,
        )
    if n_documents < SMALL_CORPUS:
        k_max = int(max(2, min(15, small_k_max)))
        settings = {"k_min": 2, "k_max": k_max, "min_topic_size": min_topic_size}
        return (
            "silhouette-agglomerative",
            BaseDimensionalityReduction(),
            SilhouetteClusterer(2, k_max, random_state=random_state),
            settings,
        )
    from hdbscan import HDBSCAN
    from umap import UMAP

    keep_umap_compiled()

    neighbors = int(min(15, n_documents - 1))
    settings = {
        "n_neighbors": neighbors,
        "n_components": 5,
        "min_dist": 0.0,
        "metric": "cosine",
        "min_cluster_size": mts,
    }
    reducer = UMAP(
        n_neighbors=neighbors,
        n_components=5,
        min_dist=0.0,
        metric="cosine",
        random_state=random_state,
        n_jobs=1,  # a seed makes UMAP single-threaded anyway; saying so avoids its warning
    )
    clusterer = HDBSCAN(
        min_cluster_size=mts,
        metric="euclidean",
        cluster_selection_method="eom",
        core_dist_n_jobs=CORE_DIST_N_JOBS,
    )
    return "umap-hdbscan", reducer, clusterer, settings


def relabel(raw: np.ndarray) -> tuple[np.ndarray, int]:
    """Renumber clusters 0..K-1 by decreasing size (ties: first seen); outliers stay -1."""
    raw = np.asarray(raw, dtype=np.int64)
    ids, first, counts = np.unique(raw[raw >= 0], return_index=True, return_counts=True)
    if len(ids) == 0:
        raise TrainingError("the clustering found no topic", "set n_topics to a number")
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(ids[i]): new for new, i in enumerate(order)}
    labels = np.array([mapping.get(int(r), -1) for r in raw], dtype=np.int64)
    return labels, int((raw < 0).sum())


def sq_dist(x: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return (
        (x * x).sum(axis=1, keepdims=True)
        - 2.0 * x @ centroids.T
        + (centroids * centroids).sum(axis=1)[None, :]
    )


def nearest(x: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    return np.argmin(sq_dist(x, centroids), axis=1).astype(np.int64)


def _no_words(document: str) -> tuple[str, ...]:
    """BERTopic's analyzer: two constant tokens (its c-TF-IDF needs two terms at least)."""
    return ("x", "y")


def run_bertopic(
    texts: list[str],
    embeddings: np.ndarray,
    embedder: Any,
    reducer: Any,
    clusterer: Any,
    *,
    seed_topic_list: list[list[str]] | None,
) -> np.ndarray:
    """BERTopic's clustering of ``embeddings`` with ``reducer`` and ``clusterer``: raw topic ids.

    Its topic words are not used (the topics' terms come from the term vocabulary, see
    :mod:`topics.topic_model._represent`), so its c-TF-IDF reads no text: a vectorizer that
    gives every document the same two tokens. Tokenising the texts again for it took 14 s of
    every 5,000 Senate releases clustered; the topic ids are the same.
    """
    import copy

    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    class _Backend(BaseEmbedder):
        def embed(self, documents, verbose=False):
            return embedder.transform(list(documents))

    model = BERTopic(
        embedding_model=_Backend(),
        umap_model=reducer,
        hdbscan_model=clusterer,
        vectorizer_model=CountVectorizer(analyzer=_no_words),
        ctfidf_model=ClassTfidfTransformer(),
        seed_topic_list=copy.deepcopy(seed_topic_list),
        calculate_probabilities=False,
        verbose=False,
    )
    # BERTopic's guided mode edits the embeddings in place: give it a copy.
    topics, _ = model.fit_transform(list(texts), embeddings=embeddings.copy())
    return np.asarray(topics, dtype=np.int64)
