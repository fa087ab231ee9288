"""Saving and loading a :class:`~topics.classify.label.LabelClassifier` (JSON and ``.npz``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.utils.validation import check_is_fitted

from topics._io import (
    load_arrays,
    load_tfidf,
    read_versioned,
    save_arrays,
    save_tfidf,
    write_versioned,
)
from topics.errors import ModelFormatError

if TYPE_CHECKING:
    from topics.classify.label import LabelClassifier

#: ``classifier.json`` header: ``{"format": FORMAT, "schema_version": SCHEMA_VERSION}``.
FORMAT = "topics.label_classifier"
#: 3: feature blocks, chosen configuration, search table and priors (2 had one vectorizer).
SCHEMA_VERSION = 3
_META = "classifier.json"
_ARRAYS = "arrays.npz"


def save(model: LabelClassifier, directory: Path) -> None:
    """Write a fitted classifier into an existing (empty) directory."""
    check_is_fitted(model, "coef_")
    directory = Path(directory)
    for i, vectorizer in enumerate(model.vectorizers_):
        save_tfidf(vectorizer, directory, f"block-{i}")
    save_arrays(
        directory / _ARRAYS,
        coef=model.coef_,
        intercept=model.intercept_,
        platt=model.platt_,
        thresholds=model.thresholds_,
        train_priors=model.train_priors_,
        priors=model.priors_,
    )
    params = model.get_params()
    params["context_columns"] = list(params["context_columns"])
    if isinstance(params["priors"], Mapping):
        params["priors"] = {str(k): float(v) for k, v in params["priors"].items()}
    write_versioned(
        directory / _META,
        FORMAT,
        SCHEMA_VERSION,
        {
            "params": params,
            "classes": list(model.classes_),
            "multilabel": bool(model.multilabel_),
            "blocks": list(model.block_names_),
            "config": model.config_,
            "search": model.search_,
            "cv_metrics": model.cv_metrics_,
        },
    )


def load(cls: type[LabelClassifier], directory: Path) -> LabelClassifier:
    """Read a classifier written by :func:`save`."""
    directory = Path(directory)
    meta = read_versioned(directory / _META, FORMAT, SCHEMA_VERSION, cls.__name__)
    try:
        model = cls(**meta["params"])
        arrays = load_arrays(directory / _ARRAYS)
        for name in ("coef", "intercept", "platt", "thresholds", "train_priors", "priors"):
            setattr(model, f"{name}_", arrays[name])
        model.block_names_ = [str(b) for b in meta["blocks"]]
        model.classes_ = np.asarray(meta["classes"], dtype=object)
        model.multilabel_ = bool(meta["multilabel"])
        model.config_, model.search_ = meta["config"], meta["search"]
        model.cv_metrics_ = meta["cv_metrics"]
    except (KeyError, TypeError) as exc:
        raise ModelFormatError(f"{directory}: {exc} is missing or invalid") from exc
    model.vectorizers_ = [
        load_tfidf(directory, f"block-{i}") for i in range(len(model.block_names_))
    ]
    n_features = sum(len(v.vocabulary_) for v in model.vectorizers_)
    n_classes = len(model.classes_)
    shapes = {
        "coef": (n_features, n_classes),
        "intercept": (n_classes,),
        "platt": (2, n_classes),
        "thresholds": (n_classes,),
        "train_priors": (n_classes,),
        "priors": (n_classes,),
    }
    if any(getattr(model, f"{k}_").shape != shape for k, shape in shapes.items()):
        raise ModelFormatError(
            f"{directory}: array shapes do not match {n_classes} classes and {n_features} features",
            "the model is damaged; re-train it",
        )
    return model
