"""Document embeddings: an offline default fitted on the corpus, and an opt-in local encoder.

The default, :class:`LocalEmbedder`, needs no pretrained model and no network: sublinear TF-IDF
over word 1–2-grams → truncated SVD (latent semantic analysis) → L2 normalisation, with the SVD
dimension adapted to the corpus size, both fitted on at most :data:`FIT_SAMPLE` documents (a
seeded sample of a larger corpus; every document is embedded); Korean texts are embedded from
their morphemes (:func:`topics.language.analysed_texts`), English texts from their words.
:class:`SentenceTransformerEmbedder` wraps a sentence-transformers model the user already has
on disk; it never downloads.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from topics._io import (
    forget_dropped_terms,
    load_arrays,
    load_tfidf,
    read_json,
    read_versioned,
    save_arrays,
    save_tfidf,
    write_versioned,
)
from topics.errors import ModelFormatError, TopicsError, TrainingError
from topics.language import analysed_texts

_META = "embedder.json"
#: Formats of ``embedder.json`` (2: the common header of every saved component).
LOCAL = "topics.embedder.local"
ENCODER = "topics.embedder.sentence_transformers"
SCHEMA_VERSION = 2
_TFIDF = "tfidf"  # tfidf.json (parameters, vocabulary) + tfidf.npz (idf)
_SVD = "svd.npz"


#: Documents the TF-IDF vocabulary and the SVD are fitted on at most. Both cost more than the
#: embedding of a document: on 10,000 Senate releases, 16 s for the TF-IDF fit and 19 s for the
#: SVD against 5 s to embed them all; a sample of this size keeps the 50,000 terms and 256
#: dimensions it needs, and every document is still embedded.
FIT_SAMPLE = 20_000


def auto_dimension(n_documents: int, n_features: int) -> int:
    """Default SVD dimension: ``2.5·sqrt(n)`` clipped to [2, 256] and below the matrix rank.

    Tens of documents give about a dozen dimensions, thousands about a hundred, ten thousand
    and more 256.
    """
    d = round(2.5 * float(np.sqrt(max(n_documents, 1))))
    return int(max(1, min(256, max(2, d), n_documents - 1, n_features - 1)))


class LocalEmbedder(TransformerMixin, BaseEstimator):
    """TF-IDF → truncated SVD → L2 normalisation, fitted on the corpus itself.

    Parameters
    ----------
    n_components : int or "auto"
        Embedding dimension; ``"auto"`` uses :func:`auto_dimension`.
    ngram_range : tuple of int
        Word n-gram range of the TF-IDF vocabulary.
    min_df : int, float or "auto"
        Minimum document frequency of a term; ``"auto"`` is 2 (a term seen in one document
        says nothing about similarity), 1 below 10 documents.
    max_features : int or None
        Keep only the most frequent terms.
    stop_words : "english", list of str or None
        Words ignored by the TF-IDF step.
    fit_sample : int or None
        Above this many documents, TF-IDF and SVD are fitted on a seeded random sample of that
        many (:data:`FIT_SAMPLE`); ``None`` fits on every document.
    random_state : int
        Seed of the randomised SVD and of the sample.

    Attributes
    ----------
    pipeline_ : sklearn.pipeline.Pipeline
        The fitted TF-IDF / SVD / normaliser pipeline.
    n_components_ : int
        The dimension actually used.
    """

    def __init__(
        self,
        n_components: int | str = "auto",
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int | float | str = "auto",
        max_features: int | None = 50_000,
        stop_words: str | list[str] | None = "english",
        fit_sample: int | None = FIT_SAMPLE,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.stop_words = stop_words
        self.fit_sample = fit_sample
        self.random_state = random_state

    def fit(self, texts: Sequence[str], y: Any = None) -> LocalEmbedder:
        """Fit TF-IDF and SVD on ``texts`` (a sequence of ``n_documents`` strings)."""
        self._fit(_as_texts(texts))
        return self

    def fit_transform(self, texts: Sequence[str], y: Any = None) -> np.ndarray:
        """:meth:`fit`, then :meth:`transform` of the same texts (their TF-IDF computed once
        when no sample was drawn)."""
        texts = _as_texts(texts)
        matrix = self._fit(texts)
        if matrix is None:
            return self.transform(texts)
        return np.asarray(self.pipeline_[1:].transform(matrix), dtype=np.float32)

    def _fit(self, texts: list[str]) -> Any:
        """Fit on ``texts`` (model texts): their TF-IDF matrix, ``None`` if a sample was fitted."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import Normalizer

        if len(texts) < 3:
            raise TrainingError(
                f"{len(texts)} documents: too few to fit an embedding",
                "give at least 3 documents",
            )
        min_df = (1 if len(texts) < 10 else 2) if self.min_df == "auto" else self.min_df
        if self.fit_sample is not None and int(self.fit_sample) < 3:
            raise TrainingError(
                f"fit_sample={self.fit_sample}: the embedding needs at least 3 documents",
                "give fit_sample >= 3, or None to fit on every document",
            )
        sampled = self.fit_sample is not None and len(texts) > self.fit_sample
        if sampled:
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(len(texts), size=int(self.fit_sample), replace=False))
            texts = [texts[i] for i in rows]
        tfidf = TfidfVectorizer(
            sublinear_tf=True,
            ngram_range=tuple(self.ngram_range),
            min_df=min_df,
            max_features=self.max_features,
            stop_words=self.stop_words,
            dtype=np.float64,
        )
        try:
            matrix = tfidf.fit_transform(texts)
        except ValueError as exc:  # empty vocabulary
            raise TrainingError(
                f"cannot build a vocabulary from {len(texts)} documents ({exc})",
                "check that the documents hold text",
            ) from exc
        if self.n_components == "auto":
            dim = auto_dimension(matrix.shape[0], matrix.shape[1])
        else:
            dim = int(self.n_components)
            if not 1 <= dim < min(matrix.shape):
                raise TrainingError(
                    f"n_components={dim} must be between 1 and {min(matrix.shape) - 1} "
                    f"for {matrix.shape[0]} documents and {matrix.shape[1]} terms",
                    'use n_components="auto"',
                )
        svd = TruncatedSVD(n_components=dim, algorithm="randomized", random_state=self.random_state)
        svd.fit(matrix)
        # float32 components halve the saved model; set before any transform, so embeddings
        # are the same before saving and after loading.
        svd.components_ = svd.components_.astype(np.float32)
        forget_dropped_terms(tfidf)
        self.pipeline_ = Pipeline([("tfidf", tfidf), ("svd", svd), ("norm", Normalizer())])
        self.n_components_ = dim
        return None if sampled else matrix

    def transform(self, texts: Sequence[str], chunks: Any = None) -> np.ndarray:
        """Embed texts (``chunks``: the texts already cut, see :mod:`topics._chunks`).

        Returns
        -------
        ndarray of shape (n_documents, n_components_), float32
            Unit-length rows (all-zero for a text with no known term).
        """
        from sklearn.utils.validation import check_is_fitted

        from topics import _tfidf

        check_is_fitted(self, "pipeline_")
        terms = _tfidf.transform(self.pipeline_.named_steps["tfidf"], _as_texts(texts), chunks)
        return np.asarray(self.pipeline_[1:].transform(terms), dtype=np.float32)

    def save(self, directory: Path) -> None:
        """Write ``embedder.json``, ``tfidf.json``/``tfidf.npz`` and ``svd.npz`` (no pickle)."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "pipeline_")
        directory = Path(directory)
        write_versioned(directory / _META, LOCAL, SCHEMA_VERSION, {"params": _json_params(self)})
        save_tfidf(self.pipeline_.named_steps["tfidf"], directory, _TFIDF)
        save_arrays(directory / _SVD, components=self.pipeline_.named_steps["svd"].components_)

    @classmethod
    def load(cls, directory: Path) -> LocalEmbedder:
        """Load an embedder written by :meth:`save`."""
        directory = Path(directory)
        meta = read_versioned(directory / _META, LOCAL, SCHEMA_VERSION, "local embedder")
        params = dict(meta["params"])
        params["ngram_range"] = tuple(params["ngram_range"])
        obj = cls(**params)
        obj.pipeline_ = _pipeline(load_tfidf(directory, _TFIDF), load_arrays(directory / _SVD))
        obj.n_components_ = int(obj.pipeline_.named_steps["svd"].n_components)
        return obj


class SentenceTransformerEmbedder(TransformerMixin, BaseEstimator):
    """A sentence-transformers encoder already on disk (opt-in; never downloads).

    Parameters
    ----------
    name_or_path : str
        A local directory, or the name of a model in the local Hugging Face cache.
    batch_size : int
        Encoding batch size.
    """

    def __init__(self, name_or_path: str, batch_size: int = 32) -> None:
        self.name_or_path = name_or_path
        self.batch_size = batch_size

    def _model(self) -> Any:
        if getattr(self, "model_", None) is not None:
            return self.model_
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise TopicsError(
                "the sentence-transformers package is not installed",
                "install it (`uv pip install sentence-transformers`) or use the default "
                "local embedding",
            ) from exc
        try:
            self.model_ = SentenceTransformer(self.name_or_path, local_files_only=True)
        except Exception as exc:
            raise TopicsError(
                f"sentence-transformers model {self.name_or_path!r} is not on this machine "
                f"({type(exc).__name__})",
                "give the path of a model directory you have; nothing is downloaded",
            ) from exc
        return self.model_

    def fit(self, texts: Sequence[str], y: Any = None) -> SentenceTransformerEmbedder:
        """Load the model (nothing is learnt from ``texts``)."""
        self._model()
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Encode texts; returns an ndarray of shape (n_documents, dim), float32, unit rows."""
        emb = self._model().encode(
            _raw_texts(texts),  # a neural encoder reads the text itself, in any language
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(emb, dtype=np.float32)

    def save(self, directory: Path) -> None:
        """Write ``embedder.json`` (the model's name or path; the weights are not copied)."""
        params = {"name_or_path": self.name_or_path, "batch_size": self.batch_size}
        write_versioned(Path(directory) / _META, ENCODER, SCHEMA_VERSION, {"params": params})

    @classmethod
    def load(cls, directory: Path) -> SentenceTransformerEmbedder:
        """Re-create the embedder from ``embedder.json`` (the model loads on first use)."""
        path = Path(directory) / _META
        meta = read_versioned(path, ENCODER, SCHEMA_VERSION, "sentence-transformers embedder")
        return cls(**meta["params"])


Embedder = LocalEmbedder | SentenceTransformerEmbedder


def _pipeline(tfidf: Any, arrays: dict[str, np.ndarray]) -> Any:
    """The fitted TF-IDF → SVD → L2 pipeline from its saved parts."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import Normalizer

    components = arrays["components"]
    svd = TruncatedSVD(n_components=components.shape[0])
    svd.components_ = components
    svd.n_features_in_ = components.shape[1]
    norm = Normalizer().fit(np.zeros((1, components.shape[0])))
    return Pipeline([("tfidf", tfidf), ("svd", svd), ("norm", norm)])


def load_embedder(directory: Path) -> Embedder:
    """Load whichever embedder :meth:`save` wrote into ``directory``."""
    data = read_json(Path(directory) / _META)
    found = data.get("format") if isinstance(data, dict) else None
    if found == LOCAL:
        return LocalEmbedder.load(directory)
    if found == ENCODER:
        return SentenceTransformerEmbedder.load(directory)
    raise ModelFormatError(
        f"{Path(directory) / _META}: unknown embedder format {found!r}",
        f"expected {LOCAL!r} or {ENCODER!r}; re-train the model",
    )


def _raw_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("expected a sequence of texts, got a single string")
    return ["" if t is None else str(t) for t in texts]


def _as_texts(texts: Sequence[str]) -> list[str]:
    """The model texts of ``texts`` (Korean as morphemes: see :mod:`topics.language`)."""
    return analysed_texts(_raw_texts(texts))


def _json_params(est: BaseEstimator) -> dict[str, Any]:
    params = est.get_params()
    for key, value in params.items():
        if isinstance(value, tuple):
            params[key] = list(value)
    return params
