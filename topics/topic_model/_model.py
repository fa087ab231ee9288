"""``TopicModel``: BERTopic over offline embeddings, with a prediction rule that survives saving."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from topics.errors import TrainingError
from topics.language import analysed_texts, term_texts
from topics.progress import Progress, noop
from topics.topic_model import _represent as rep
from topics.topic_model import _senders
from topics.topic_model._cluster import (
    CLUSTER_SAMPLE,
    SilhouetteClusterer,
    nearest,
    plan,
    relabel,
    run_bertopic,
    sample_rows,
    sampled_min_topic_size,
    sq_dist,
)
from topics.topic_model._describe import set_topics
from topics.topic_model._over_time import topics_over_time as _over_time
from topics.topic_model._text import (
    as_texts,
    fit_term_vectorizer,
    make_embedder,
    sample_rules,
    stop_word_list,
    term_stop_words,
    theme_words,
)

#: Softmax temperature turning squared distances to centroids into probabilities.
TEMPERATURE = 0.1
#: Characters kept of each representative document.
SNIPPET = 300


class TopicModel(BaseEstimator):
    """Topic discovery with BERTopic, offline embeddings and size-adaptive settings.

    Parameters
    ----------
    n_topics : int or "auto"
        Number of topics; ``"auto"`` lets the corpus decide (silhouette-selected agglomerative
        clustering below 300 documents, UMAP + HDBSCAN above); a number uses k-means.
    min_topic_size : int, optional
        For ``n_topics="auto"``: HDBSCAN's ``min_cluster_size`` (default ``sqrt(n) / 2``, at
        least 10); below 300 documents, at most ``n / min_topic_size`` topics (default n / 4).
    embedder : LocalEmbedder, SentenceTransformerEmbedder, str or None
        ``None``: a :class:`~topics.embed.LocalEmbedder` fitted on the corpus; a string names a
        sentence-transformers model already on disk. An unfitted embedder is cloned and the
        clone fitted; a fitted :class:`~topics.embed.LocalEmbedder` (e.g. fitted on a larger
        archive) is copied and used as it is. The caller's object is never modified.
    random_state : int
        Seed reaching the SVD, UMAP and k-means.
    stop_words : "english+domain", "english", list of str or None
        Words that never become topic terms (see :data:`DOMAIN_STOP_WORDS`); the embedding
        uses the same list. Topic terms also leave out personal names found in the texts
        (unless ``None``) and, with ``"english+domain"``, press-release vocabulary and terms of
        generic words only ("trade" alone, but not "trade remedies"); see
        :mod:`topics.topic_model._text`.
    term_ngram_range : tuple of int
        n-gram range of topic terms (``(1, 2)`` gives bigrams such as "critical minerals").
    top_n_terms : int
        Terms kept per topic.
    representation : {"coherent", "ctfidf"}
        ``"coherent"`` re-ranks each topic's best c-TF-IDF terms for co-occurrence, lets a
        term describe at most two topics, lets a bigram stand in for its words (see
        :func:`select_terms`) and puts first the three terms most of the topic's documents
        share, which make its label; ``"ctfidf"`` keeps plain c-TF-IDF order.
    seed_topic_list : list of list of str, optional
        Guided topic modelling: BERTopic nudges documents toward these word lists. Not mutated.
    themes : mapping of str to list of str, optional
        ``{theme_id: [phrases]}``; each topic records its closest themes.
    cluster_sample : int or None
        With ``n_topics="auto"``, UMAP and HDBSCAN see at most this many documents (a seeded
        sample; the others join their nearest topic centroid; see
        :mod:`topics.topic_model._cluster`); ``None`` clusters every document.
    """

    def __init__(
        self,
        n_topics: int | str = "auto",
        min_topic_size: int | None = None,
        embedder: Any = None,
        random_state: int = 0,
        stop_words: str | list[str] | None = "english+domain",
        term_ngram_range: tuple[int, int] = (1, 2),
        top_n_terms: int = 10,
        representation: str = "coherent",
        seed_topic_list: list[list[str]] | None = None,
        themes: Mapping[str, list[str]] | None = None,
        cluster_sample: int | None = CLUSTER_SAMPLE,
    ) -> None:
        self.n_topics = n_topics
        self.min_topic_size = min_topic_size
        self.embedder = embedder
        self.random_state = random_state
        self.stop_words = stop_words
        self.term_ngram_range = term_ngram_range
        self.top_n_terms = top_n_terms
        self.representation = representation
        self.seed_topic_list = seed_topic_list
        self.themes = themes
        self.cluster_sample = cluster_sample

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        texts: Sequence[str],
        progress: Progress | None = None,
        senders: Sequence[Any] | None = None,
    ) -> TopicModel:
        """Fit embeddings, clusters and topic terms on ``n_documents`` texts.

        ``senders`` (optional, one per text: the office or agency that sent it) keep senders
        out of the topic terms and flag one-sender topics (see
        :mod:`topics.topic_model._senders`).
        """
        say = progress or noop
        originals = as_texts(texts)
        texts = analysed_texts(originals)
        n = len(texts)
        self._validate(n)
        say("Embedding documents", 0.05)
        stops = stop_word_list(self.stop_words)
        self.embedder_, prefit = make_embedder(self.embedder, self.random_state, stops)
        if prefit:
            embeddings = self.embedder_.transform(texts)
        else:
            embeddings = self.embedder_.fit_transform(texts)

        say("Building the term vocabulary", 0.2)
        term_texts = _term_texts(texts)
        term_stops = term_stop_words(
            self.stop_words, term_texts, protected=theme_words(self.themes)
        )
        try:
            self.vectorizer_, doc_terms = fit_term_vectorizer(
                term_texts,
                term_stops,
                tuple(self.term_ngram_range),
                drop_generic=self.stop_words == "english+domain",
            )
        except ValueError as exc:
            raise TrainingError(
                f"no topic terms left in {n} documents after stop words ({exc})",
                "check the texts, or pass stop_words=None",
            ) from exc

        say("Clustering", 0.3)
        rows = sample_rows(n, self.n_topics, self.cluster_sample, self.random_state)
        path, reducer, clusterer, settings = plan(
            len(rows),
            self.n_topics,
            sampled_min_topic_size(n, len(rows), self.min_topic_size),
            self.random_state,
        )
        raw = np.full(n, -1, dtype=np.int64)
        raw[rows] = run_bertopic(
            [texts[i] for i in rows],
            embeddings[rows],
            self.embedder_,
            reducer,
            clusterer,
            seed_topic_list=self.seed_topic_list,
        )
        if path == "umap-hdbscan" and len(set(raw.tolist()) - {-1}) < 2:
            fallback = SilhouetteClusterer(2, 15, random_state=self.random_state)
            raw[rows] = fallback.fit(embeddings[rows]).labels_
            path = "umap-hdbscan→silhouette-agglomerative"
            settings["silhouettes"] = fallback.silhouettes_
        if isinstance(clusterer, SilhouetteClusterer):
            settings["silhouettes"] = {str(k): v for k, v in clusterer.silhouettes_.items()}
        if "silhouettes" in settings:
            settings["silhouettes"] = {str(k): v for k, v in settings["silhouettes"].items()}

        say("Reassigning outliers and describing topics", 0.7)
        labels, n_unlabelled = relabel(raw)
        n_outliers = n_unlabelled - (n - len(rows))
        n_topics = int(labels.max()) + 1
        centroids = np.vstack(
            [embeddings[labels == k].mean(axis=0) for k in range(n_topics)]
        ).astype(np.float64)
        outliers = labels < 0
        if outliers.any():
            labels[outliers] = nearest(embeddings[outliers], centroids)
        #: The training embeddings, for whoever keeps them (``topics.update``); never saved.
        self.training_embeddings_ = embeddings.astype(np.float32)
        set_topics(self, embeddings, doc_terms, labels, centroids, originals, senders)
        agreement = float(np.mean(nearest(embeddings, centroids) == labels))
        self.fit_info_ = {
            "n_documents": n,
            "path": path,
            "settings": settings,
            "embedding_dimension": int(embeddings.shape[1]),
            "outlier_rule": "nearest topic centroid (squared Euclidean, unit-length embeddings)",
            "n_outliers_reassigned": int(n_outliers),
            "n_clustered": len(rows),
            "cluster_rule": "every document"
            if len(rows) == n
            else f"a seeded sample of {len(rows)}; the others joined their nearest centroid",
            **sample_rules(self.embedder_, n, prefit),
            "prediction_rule": "nearest topic centroid in embedding space; probabilities = "
            f"softmax(-squared distance / {TEMPERATURE})",
            "train_transform_agreement": agreement,
        }
        say("Topic model fitted", 1.0)
        return self

    def _validate(self, n: int) -> None:
        if n < 3:
            raise TrainingError(f"{n} documents: too few for a topic model", "give at least 3")
        if self.n_topics != "auto":
            k = self.n_topics
            if not isinstance(k, int | np.integer) or not 1 <= k < n:
                raise TrainingError(
                    f"n_topics={k!r} must be 'auto' or an integer between 1 and {n - 1}",
                    "lower n_topics or add documents",
                )
        if self.representation not in ("coherent", "ctfidf"):
            raise ValueError(
                f"representation must be 'coherent' or 'ctfidf', got {self.representation!r}"
            )

    # --------------------------------------------------------------- prediction
    def transform(self, texts: Sequence[str], chunks: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """Assign texts to topics by the nearest topic centroid in embedding space.

        ``chunks``: the texts already cut (:class:`topics._chunks.Chunks`), shared with the
        other components of a prediction (used by the default local embedding).

        Returns
        -------
        topic_ids : ndarray of shape (n_documents,), int64
        probabilities : ndarray of shape (n_documents, n_topics), float64
            Softmax of minus the squared distance to each centroid over ``TEMPERATURE``.
        """
        self._check_fitted()
        from topics.embed import LocalEmbedder

        texts = _texts(texts)
        if chunks is not None and isinstance(self.embedder_, LocalEmbedder):
            emb = self.embedder_.transform(texts, chunks)
        else:
            emb = self.embedder_.transform(texts)
        emb = emb.astype(np.float64)
        d2 = sq_dist(emb, self.centroids_)
        ids = np.argmin(d2, axis=1).astype(np.int64)
        logits = -(d2 - d2.min(axis=1, keepdims=True)) / TEMPERATURE
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return ids, probs

    def fit_transform(self, texts, progress=None) -> tuple[np.ndarray, np.ndarray]:
        """Fit, then return the training assignments and their probabilities."""
        self.fit(texts, progress=progress)
        _, probs = self.transform(texts)
        return self.labels_.copy(), probs

    # ------------------------------------------------------------ descriptions
    def topic_info(self):
        """One row per topic.

        Returns
        -------
        pandas.DataFrame
            Columns ``topic``, ``size``, ``label``, ``terms`` (list of str), ``weights`` (list of
            float, c-TF-IDF), ``representative_docs`` (list of str, up to 3 snippets),
            ``themes`` (list of ``[theme_id, score]``, empty without themes), and, when fitted
            with senders, ``sender`` (the topic's main sender), ``sender_share`` (its share of
            the topic's releases) and ``single_source`` (at least
            :data:`~topics.topic_model._senders.SINGLE_SHARE` from one sender; the label then
            ends with "(one sender: …)").
        """
        import pandas as pd

        self._check_fitted()
        labels, extra = _senders.sender_columns(
            [rep.label(t) for t in self.topic_terms_], getattr(self, "topic_senders_", None)
        )
        return pd.DataFrame(
            {
                "topic": np.arange(self.n_topics_),
                "size": self.sizes_,
                "label": labels,
                "terms": self.topic_terms_,
                "weights": self.topic_weights_,
                "representative_docs": self.representative_docs_,
                "themes": self.topic_themes_ or [[] for _ in range(self.n_topics_)],
                **extra,
            }
        )

    def map_topics_to_themes(self, theme_phrases: Mapping[str, list[str]], top_n: int = 3):
        """Closest themes of each topic.

        The score is the mean of two cosines: topic centroid vs. the embedded phrases, and the
        topic's c-TF-IDF row vs. the phrases' term counts.

        Parameters
        ----------
        theme_phrases : mapping of str to list of str
            ``{theme_id: [phrases]}``; not modified.

        Returns
        -------
        pandas.DataFrame
            Columns ``topic``, ``theme``, ``score``, ``rank`` (1 = closest); ``top_n`` rows per
            topic.
        """
        import pandas as pd

        self._check_fitted()
        ids = list(theme_phrases)
        if not ids:
            return pd.DataFrame({"topic": [], "theme": [], "score": [], "rank": []})
        joined = [" ".join(theme_phrases[t]) for t in ids]
        emb = self.embedder_.transform(joined).astype(np.float64)
        terms = self.vectorizer_.transform(_term_texts(joined)).todense()
        terms = np.asarray(terms, dtype=np.float64)
        score = 0.5 * rep.cosine_rows(self.centroids_, emb) + 0.5 * rep.cosine_rows(
            self.ctfidf_, terms
        )
        rows = []
        for k in range(self.n_topics_):
            order = np.argsort(-score[k], kind="stable")[:top_n]
            rows += [(k, ids[j], float(score[k, j]), r + 1) for r, j in enumerate(order)]
        return pd.DataFrame(rows, columns=["topic", "theme", "score", "rank"])

    def topics_over_time(
        self,
        texts_or_assignments: Sequence[str] | np.ndarray,
        dates: Sequence[Any],
        freq: str = "month",
        top_n: int = 5,
    ):
        """Topic shares per calendar period, zero-filled; see :func:`topics_over_time`.

        Parameters
        ----------
        texts_or_assignments : sequence of str, or ndarray of int
            Texts (assigned with :meth:`transform`; per-period terms computed) or topic ids.
        dates : sequence
            One date per document (strings or datetimes).
        freq : {"month", "quarter", "year"}
        """
        self._check_fitted()
        items = list(texts_or_assignments)
        if items and isinstance(items[0], str):
            labels, _ = self.transform(items)
            doc_terms = self.vectorizer_.transform(_term_texts(items))
            vocab = self.vectorizer_.get_feature_names_out()
        else:
            labels = np.asarray(items, dtype=np.int64)
            doc_terms = vocab = None
        return _over_time(labels, dates, freq, self.n_topics_, doc_terms, vocab, top_n)

    # ------------------------------------------------------------- persistence
    def save(self, directory: Path) -> None:
        """Write the fitted model into an existing empty directory (JSON and npz)."""
        from topics.topic_model._persist import save_model

        self._check_fitted()
        save_model(self, Path(directory))

    @classmethod
    def load(cls, directory: Path) -> TopicModel:
        """Load a model written by :meth:`save`; ``transform`` gives identical output."""
        from topics.topic_model._persist import load_model

        return load_model(cls, Path(directory))

    def _check_fitted(self) -> None:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "centroids_")


def _texts(texts: Sequence[str]) -> list[str]:
    """Model texts (Korean as morphemes, see :mod:`topics.language`)."""
    return analysed_texts(as_texts(texts))


def _term_texts(texts: Sequence[str]) -> list[str]:
    return term_texts(as_texts(texts))
