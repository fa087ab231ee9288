"""TopicModel above the small-corpus threshold: UMAP + HDBSCAN, outliers, lossless persistence."""

from __future__ import annotations

import numpy as np
import pytest

from topics.topic_model import TopicModel


def _word(i: int) -> str:
    consonants, vowels = "bcdfghjklmnpqrstvwxz", "aeiou"
    return "".join(consonants[int(c) * 2] + vowels[int(c) % 5] for c in f"{i:04d}")


def synthetic(n_docs: int = 360, n_topics: int = 4, n_noise: int = 40, seed: int = 0):
    """Documents drawn from ``n_topics`` word pools plus shared words, and documents mixing all."""
    rng = np.random.default_rng(seed)
    common = [_word(9000 + i) for i in range(30)]
    pools = [[_word(100 * k + i) for i in range(25)] for k in range(n_topics)]
    mixed = [w for pool in pools for w in pool] + common
    texts, truth = [], []
    for i in range(n_docs):
        k = i % n_topics
        words = list(rng.choice(pools[k], 25)) + list(rng.choice(common, 10))
        rng.shuffle(words)
        texts.append(" ".join(words))
        truth.append(k)
    for _ in range(n_noise):
        texts.append(" ".join(rng.choice(mixed, 30)))  # between the topics
        truth.append(-1)
    return texts, np.array(truth)


@pytest.fixture(scope="module")
def corpus():
    return synthetic()


@pytest.fixture(scope="module")
def umap_model(corpus):
    texts, _ = corpus
    return TopicModel(random_state=0).fit(texts)


def test_large_corpus_uses_umap_hdbscan_and_recovers_topics(umap_model, corpus):
    texts, truth = corpus
    info = umap_model.fit_info_
    assert info["path"] == "umap-hdbscan"
    assert info["settings"]["min_cluster_size"] == 10
    assert umap_model.n_topics_ == 4
    topical = truth >= 0
    # each true topic lands in one topic
    for k in range(4):
        assert len(set(umap_model.labels_[truth == k].tolist())) == 1
    assert len(set(umap_model.labels_[topical].tolist())) == 4
    # HDBSCAN outliers (if any) were reassigned, never dropped
    assert info["n_outliers_reassigned"] >= 0
    assert (umap_model.labels_ >= 0).all()
    assert umap_model.sizes_.sum() == len(texts)
    # the prediction rule agrees with the training assignments (recorded either way)
    ids, _ = umap_model.transform(texts)
    assert info["train_transform_agreement"] == pytest.approx(
        float(np.mean(ids == umap_model.labels_))
    )
    np.testing.assert_array_equal(ids[topical], umap_model.labels_[topical])


def test_large_corpus_round_trip_is_identical(umap_model, corpus, tmp_path):
    texts, _ = corpus
    umap_model.save(tmp_path)
    loaded = TopicModel.load(tmp_path)
    a, pa = umap_model.transform(texts)
    b, pb = loaded.transform(texts)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(pa, pb)
    assert loaded.topic_terms_ == umap_model.topic_terms_
    assert loaded.fit_info_ == umap_model.fit_info_


def test_fixed_k_on_a_larger_corpus_matches_truth(corpus, tmp_path):
    texts, truth = corpus
    topical = truth >= 0
    kept = [t for t, k in zip(texts, truth, strict=True) if k >= 0]
    model = TopicModel(n_topics=4, random_state=1).fit(kept)
    assert model.fit_info_["path"] == "kmeans"
    labels = model.labels_
    for k in range(4):
        assert len(set(labels[truth[topical] == k].tolist())) == 1
    model.save(tmp_path)
    np.testing.assert_array_equal(
        TopicModel.load(tmp_path).transform(texts)[0], model.transform(texts)[0]
    )


class _OutlierClusterer:
    """Stands in for HDBSCAN: k-means labels, with the first ``n_out`` documents as outliers."""

    def __init__(self, k: int, n_out: int) -> None:
        self.k, self.n_out = k, n_out

    def fit(self, X, y=None):
        from sklearn.cluster import KMeans

        labels = KMeans(self.k, n_init=3, random_state=0).fit_predict(X)
        labels[: self.n_out] = -1
        self.labels_ = labels
        return self


def test_outliers_are_reassigned_to_the_nearest_centroid_and_counted(corpus, monkeypatch):
    from bertopic.dimensionality import BaseDimensionalityReduction

    from topics.topic_model import _model

    texts, truth = corpus
    texts = [t for t, k in zip(texts, truth, strict=True) if k >= 0][:120]
    monkeypatch.setattr(
        _model,
        "plan",
        lambda *a: ("umap-hdbscan", BaseDimensionalityReduction(), _OutlierClusterer(4, 12), {}),
    )
    model = TopicModel().fit(texts)
    info = model.fit_info_
    assert info["n_outliers_reassigned"] == 12
    assert "nearest topic centroid" in info["outlier_rule"]
    assert model.sizes_.sum() == len(texts)
    emb = model.embedder_.transform(texts[:12]).astype(np.float64)
    d2 = ((emb[:, None, :] - model.centroids_[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(model.labels_[:12], d2.argmin(axis=1))


def test_hdbscan_starts_no_worker_processes():
    # HDBSCAN's default core_dist_n_jobs=4 starts four loky workers above 16,384 points: slower
    # on 2 cores, and their 300 s idle timeout held the process at exit
    from topics.topic_model._cluster import plan

    _, reducer, clusterer, _ = plan(20_000, "auto", None, 0)
    assert clusterer.core_dist_n_jobs == 1
    assert reducer.n_jobs == 1


def test_a_large_corpus_is_clustered_on_a_sample_and_the_rest_joins_the_nearest_topic(
    corpus, monkeypatch
):
    from bertopic.dimensionality import BaseDimensionalityReduction

    from topics.topic_model import _model

    texts, truth = corpus
    seen = {}

    def plan(n, n_topics, min_topic_size, seed):
        seen.update(n=n, min_topic_size=min_topic_size)
        return "umap-hdbscan", BaseDimensionalityReduction(), _OutlierClusterer(4, 5), {}

    monkeypatch.setattr(_model, "plan", plan)
    model = TopicModel(cluster_sample=300, min_topic_size=40).fit(texts)
    info = model.fit_info_
    assert seen == {"n": 300, "min_topic_size": 30}  # 40 documents of 400 = 30 of 300
    assert info["n_clustered"] == 300 and "sample of 300" in info["cluster_rule"]
    assert info["n_outliers_reassigned"] == 5  # the sample's outliers, not the 100 left out
    assert model.sizes_.sum() == len(texts) and (model.labels_ >= 0).all()
    rows = set(_model.sample_rows(len(texts), "auto", 300, 0).tolist())
    rest = np.array([i for i in range(len(texts)) if i not in rows])
    emb = model.embedder_.transform([texts[i] for i in rest]).astype(np.float64)
    d2 = ((emb[:, None, :] - model.centroids_[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(model.labels_[rest], d2.argmin(axis=1))
    for k in range(4):  # the documents left out of the sample land with their own topic
        assert len(set(model.labels_[truth == k].tolist())) == 1


def test_umap_and_hdbscan_on_a_sample_recover_the_topics(corpus):
    texts, truth = corpus
    model = TopicModel(random_state=0, cluster_sample=300).fit(texts)
    info = model.fit_info_
    assert info["path"] == "umap-hdbscan" and info["n_clustered"] == 300
    assert model.n_topics_ == 4
    for k in range(4):
        assert len(set(model.labels_[truth == k].tolist())) == 1
    assert TopicModel(random_state=0, cluster_sample=None).get_params()["cluster_sample"] is None


def test_sample_rows_and_their_topic_size():
    from topics.errors import TrainingError
    from topics.topic_model._cluster import sample_rows, sampled_min_topic_size

    rows = sample_rows(100_000, "auto", 20_000, 3)
    assert len(rows) == len(set(rows.tolist())) == 20_000
    assert (np.diff(rows) > 0).all() and rows[-1] < 100_000
    np.testing.assert_array_equal(rows, sample_rows(100_000, "auto", 20_000, 3))
    assert not np.array_equal(rows, sample_rows(100_000, "auto", 20_000, 4))
    np.testing.assert_array_equal(sample_rows(500, "auto", 20_000, 0), np.arange(500))
    np.testing.assert_array_equal(sample_rows(50_000, 12, 20_000, 0), np.arange(50_000))
    np.testing.assert_array_equal(sample_rows(50_000, "auto", None, 0), np.arange(50_000))
    with pytest.raises(TrainingError, match="cluster_sample"):
        sample_rows(50_000, "auto", 100, 0)
    # the default 158 (sqrt(100,000) / 2) for a fifth of the corpus: 32 (a topic is the same share)
    assert sampled_min_topic_size(100_000, 20_000, None) == 32
    assert sampled_min_topic_size(30_000, 20_000, None) == 58
    assert sampled_min_topic_size(1_000_000, 20_000, None) == 10
    assert sampled_min_topic_size(100_000, 20_000, 50) == 10
    assert sampled_min_topic_size(100_000, 20_000, 5) == 2
    assert sampled_min_topic_size(20_000, 20_000, None) is None


def test_umap_keeps_its_compiled_functions_on_disk():
    from numba.core.caching import NullCache

    from topics.topic_model._cluster import plan

    plan(1000, "auto", None, 0)
    import umap.layouts
    import umap.umap_

    for dispatcher in (
        umap.umap_.smooth_knn_dist,
        umap.layouts._nb_optimize_layout_euclidean_single_epoch,
    ):
        assert not isinstance(dispatcher._cache, NullCache), dispatcher


@pytest.mark.parametrize("seeds", [None, [[_word(0), _word(1)], [_word(200), _word(201)]]])
def test_bertopic_gives_the_same_topics_without_reading_the_texts_for_its_words(corpus, seeds):
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from bertopic.dimensionality import BaseDimensionalityReduction
    from sklearn.cluster import KMeans

    from topics.embed import LocalEmbedder
    from topics.topic_model._cluster import run_bertopic

    texts, _ = corpus
    embedder = LocalEmbedder(random_state=0)
    embeddings = embedder.fit_transform(texts)

    def kmeans():
        return KMeans(5, n_init=1, random_state=0)

    class Backend(BaseEmbedder):
        def embed(self, documents, verbose=False):
            return embedder.transform(list(documents))

    ours = run_bertopic(
        texts, embeddings, embedder, BaseDimensionalityReduction(), kmeans(), seed_topic_list=seeds
    )
    plain = BERTopic(  # its own CountVectorizer reads every text for the topic words
        embedding_model=Backend(),
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=kmeans(),
        seed_topic_list=seeds,
    )
    expected, _ = plain.fit_transform(list(texts), embeddings=embeddings.copy())
    np.testing.assert_array_equal(ours, expected)
    assert len(set(ours.tolist())) == 5
