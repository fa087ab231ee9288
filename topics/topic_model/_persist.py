"""Saving and loading a fitted ``TopicModel``: JSON and ``.npz`` files only (no pickle).

Layout of the directory a model is saved into::

    topic_model.json   header (format, schema_version), parameters, fit record, vocabulary,
                       topic terms and weights, representative documents, theme matches
    arrays.npz         topic centroids, training assignments, sizes, c-TF-IDF (CSR parts)
    embedder/          the embedder's own files (``embedder.json``, ``tfidf.json``/``.npz``,
                       ``svd.npz``)

Everything ``transform`` needs is stored, so predictions after loading are identical; no UMAP,
HDBSCAN or BERTopic object is saved or needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from topics._io import load_arrays, read_versioned, save_arrays, with_vocabulary, write_versioned
from topics.errors import ModelFormatError
from topics.topic_model._text import TOKEN_PATTERN

FORMAT = "topics.topic_model"
#: 2: the common header (``schema_version``), no training dates.
SCHEMA_VERSION = 2


def save_model(model: Any, directory: Path) -> None:
    """Write a fitted ``TopicModel`` into an existing empty ``directory``."""
    (directory / "embedder").mkdir()
    model.embedder_.save(directory / "embedder")
    params = model.get_params()
    params["embedder"] = None if not isinstance(model.embedder, str) else model.embedder
    params["term_ngram_range"] = list(params["term_ngram_range"])
    ctf = sp.csr_matrix(model.ctfidf_)
    save_arrays(
        directory / "arrays.npz",
        centroids=model.centroids_,
        labels=model.labels_,
        sizes=model.sizes_,
        ctfidf_data=ctf.data,
        ctfidf_indices=ctf.indices,
        ctfidf_indptr=ctf.indptr,
        ctfidf_shape=np.asarray(ctf.shape),
    )
    write_versioned(
        directory / "topic_model.json",
        FORMAT,
        SCHEMA_VERSION,
        {
            "params": params,
            "fit_info": model.fit_info_,
            "vocabulary": [str(t) for t in model.vectorizer_.get_feature_names_out()],
            "vectorizer_stop_words": model.vectorizer_.stop_words,
            "topic_terms": model.topic_terms_,
            "topic_weights": model.topic_weights_,
            "representative_docs": model.representative_docs_,
            "topic_themes": model.topic_themes_,
            "topic_senders": getattr(model, "topic_senders_", None),
        },
    )


def load_model(cls: type, directory: Path) -> Any:
    """Re-create a ``TopicModel`` of class ``cls`` from ``directory``.

    Raises
    ------
    ModelFormatError
        Missing or damaged files, or another format or version.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    from topics.embed import load_embedder

    directory = Path(directory)
    kind = f"version {SCHEMA_VERSION} topic model"
    meta = read_versioned(directory / "topic_model.json", FORMAT, SCHEMA_VERSION, kind)
    try:
        params = dict(meta["params"])
        params["term_ngram_range"] = tuple(params["term_ngram_range"])
        model = cls(**params)
        model.embedder_ = load_embedder(directory / "embedder")
        arrays = load_arrays(directory / "arrays.npz")
        model.centroids_ = arrays["centroids"]
        model.labels_ = arrays["labels"]
        model.sizes_ = arrays["sizes"]
        model.n_topics_ = int(model.centroids_.shape[0])
        model.ctfidf_ = np.asarray(
            sp.csr_matrix(
                (arrays["ctfidf_data"], arrays["ctfidf_indices"], arrays["ctfidf_indptr"]),
                shape=tuple(int(s) for s in arrays["ctfidf_shape"]),
            ).todense()
        )
        model.vectorizer_ = with_vocabulary(
            CountVectorizer(
                stop_words=meta["vectorizer_stop_words"],
                ngram_range=params["term_ngram_range"],
                token_pattern=TOKEN_PATTERN,
            ),
            meta["vocabulary"],
        )
        model.fit_info_ = meta["fit_info"]
        model.topic_terms_ = meta["topic_terms"]
        model.topic_weights_ = meta["topic_weights"]
        model.representative_docs_ = meta["representative_docs"]
        model.topic_themes_ = meta["topic_themes"]
        model.topic_senders_ = meta.get("topic_senders")
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFormatError(
            f"{directory}: incomplete or damaged topic model ({type(exc).__name__}: {exc})",
            "re-train the model",
        ) from exc
    return model
