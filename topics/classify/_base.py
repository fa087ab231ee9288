"""State shared by the classifiers: TF-IDF features, one linear SVM per class, Platt scaling.

Saved as four files in a component directory: ``vectorizer.json`` and ``vectorizer.npz`` (the
fitted ``TfidfVectorizer``: parameters, vocabulary, idf), ``arrays.npz`` (weights, calibration,
thresholds) and ``classifier.json`` (parameters, classes, metrics).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from topics._io import (
    load_arrays,
    load_tfidf,
    read_versioned,
    save_arrays,
    save_tfidf,
    write_versioned,
)
from topics.classify import _linear
from topics.errors import ModelFormatError, TrainingError
from topics.language import analysed_texts

#: Schema version of ``classifier.json`` (2: the common header; taxonomy saved once).
SCHEMA_VERSION = 2
_VECTORIZER = "vectorizer"  # vectorizer.json + vectorizer.npz
_ARRAYS = "arrays.npz"
_META = "classifier.json"
#: Fewest documents a classifier trains on (two cross-validation folds of two).
MIN_DOCUMENTS = 4


def as_texts(texts: Sequence[Any]) -> list[str]:
    """Texts as a list of str (``None``/NaN → "")."""
    return [t if isinstance(t, str) else "" for t in texts]


class LinearTextModel(BaseEstimator):
    """Base: parameters and persistence of a TF-IDF + linear SVM + Platt classifier."""

    _kind = "base"

    def __init__(
        self,
        *,
        C: float = 1.0,
        ngram_range: tuple[int, int] = (1, 1),
        min_df: int | float | str = "auto",
        max_features: int | None = None,
        sublinear_tf: bool = True,
        class_weight: str | None = None,
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.class_weight = class_weight
        self.cv = cv
        self.random_state = random_state

    # -- fitting helpers ------------------------------------------------------------------------

    def _check_params(self, n_documents: int) -> int:
        """Validate parameters; return the number of cross-validation folds to use."""
        if n_documents < MIN_DOCUMENTS:
            raise TrainingError(
                f"{n_documents} labelled document(s) is too few to train a classifier "
                f"(at least {MIN_DOCUMENTS} are needed)",
                "add documents or labels",
            )
        if not isinstance(self.cv, int) or self.cv < 2:
            raise TrainingError(f"cv must be a whole number ≥ 2, got {self.cv!r}")
        if not self.C > 0:
            raise TrainingError(f"C must be positive, got {self.C!r}")
        return max(2, min(self.cv, n_documents // 2))

    def _fit_features(self, texts: list[str]) -> Any:
        texts = analysed_texts(texts)
        params = self.get_params()
        self.vectorizer_ = _linear.make_vectorizer(params, len(texts))
        return self._with_extra(_linear.vectorize(self.vectorizer_, texts), texts)

    def _features(self, texts: Sequence[str], chunks: Any = None) -> Any:
        """Features of texts (``chunks``: the texts already cut, see :mod:`topics._chunks`)."""
        from topics import _tfidf

        texts = analysed_texts(as_texts(texts))
        return self._with_extra(_tfidf.transform(self.vectorizer_, texts, chunks), texts)

    def _extra_features(self, texts: list[str]) -> Any:
        """Features appended to the TF-IDF columns (sparse, one row per text), or ``None``."""
        return None

    def _n_extra_features(self) -> int:
        return 0

    def _with_extra(self, X: Any, texts: list[str]) -> Any:
        extra = self._extra_features(texts)
        if extra is None:
            return X
        from scipy import sparse

        return sparse.hstack([X, extra], format="csr")

    def _linear_kwargs(self) -> dict[str, Any]:
        return {"C": self.C, "class_weight": self.class_weight, "random_state": self.random_state}

    # -- prediction helpers ---------------------------------------------------------------------

    def decision_function(self, texts: Sequence[str], chunks: Any = None) -> np.ndarray:
        """Raw SVM decision values, ndarray of shape (n_texts, n_classes)."""
        check_is_fitted(self, "coef_")
        X = self._features(texts, chunks)
        return _linear.decision(X, self.coef_, self.intercept_)

    def _calibrated(self, texts: Sequence[str], chunks: Any = None) -> np.ndarray:
        return _linear.sigmoid(self.decision_function(texts, chunks), self.platt_)

    # -- persistence ------------------------------------------------------------------------

    def _extra_meta(self) -> dict[str, Any]:
        return {}

    def _set_extra_meta(self, meta: dict[str, Any]) -> None:
        return None

    @classmethod
    def _format(cls) -> str:
        return f"topics.{cls._kind}_classifier"

    def save(self, directory: Path, *, include_taxonomy: bool = True) -> None:
        """Write the fitted classifier into an existing (empty) directory.

        Files: ``vectorizer.json``, ``vectorizer.npz``, ``arrays.npz``, ``classifier.json``.
        With ``include_taxonomy=False`` the ``taxonomy`` parameter is not written (a model
        directory saves its taxonomy once, as its own component); :meth:`load` then needs it.
        """
        check_is_fitted(self, "coef_")
        directory = Path(directory)
        save_tfidf(self.vectorizer_, directory, _VECTORIZER)
        save_arrays(
            directory / _ARRAYS,
            coef=self.coef_,
            intercept=self.intercept_,
            platt=self.platt_,
            thresholds=self.thresholds_,
        )
        params = self.get_params()
        params["ngram_range"] = list(params["ngram_range"])
        taxonomy_apart = params.get("taxonomy") is not None and not include_taxonomy
        if params.get("taxonomy") is not None:
            params["taxonomy"] = None if taxonomy_apart else params["taxonomy"].to_dict()
        meta = {
            "taxonomy_apart": taxonomy_apart,
            "params": params,
            "classes": list(self.classes_),
            "cv_metrics": self.cv_metrics_,
            **self._extra_meta(),
        }
        write_versioned(directory / _META, self._format(), SCHEMA_VERSION, meta)

    @classmethod
    def load(cls, directory: Path, *, taxonomy: Any = None) -> Any:
        """Read a classifier written by :meth:`save`; predictions are identical.

        Parameters
        ----------
        directory : Path
        taxonomy : Taxonomy, optional
            The taxonomy saved apart (``save(include_taxonomy=False)``); ignored otherwise.

        Raises
        ------
        ModelFormatError
            Missing or damaged files, another kind of classifier, inconsistent shapes.
        """
        directory = Path(directory)
        meta = read_versioned(directory / _META, cls._format(), SCHEMA_VERSION, cls.__name__)
        params = dict(meta["params"])
        params["ngram_range"] = tuple(params["ngram_range"])
        if meta.get("taxonomy_apart"):
            if taxonomy is None:
                raise ModelFormatError(
                    f"{directory}: the classifier's taxonomy is saved apart",
                    "load the whole model with topics.load",
                )
            params["taxonomy"] = taxonomy
        elif params.get("taxonomy") is not None:
            from topics.themes import Taxonomy

            params["taxonomy"] = Taxonomy.from_dict(params["taxonomy"], source=str(directory))
        model = cls(**params)
        arrays = load_arrays(directory / _ARRAYS)
        n_classes = len(meta["classes"])
        try:
            model.coef_ = arrays["coef"]
            model.intercept_ = arrays["intercept"]
            model.platt_ = arrays["platt"]
            model.thresholds_ = arrays["thresholds"]
        except KeyError as exc:
            raise ModelFormatError(f"{directory / _ARRAYS}: array {exc} is missing") from exc
        model.vectorizer_ = load_tfidf(directory, _VECTORIZER)
        n_features = len(getattr(model.vectorizer_, "vocabulary_", {}))
        n_features += model._n_extra_features()
        if (
            model.coef_.shape != (n_features, n_classes)
            or model.intercept_.shape != (n_classes,)
            or model.platt_.shape != (2, n_classes)
            or model.thresholds_.shape != (n_classes,)
        ):
            raise ModelFormatError(
                f"{directory}: array shapes do not match {n_classes} classes and "
                f"{n_features} features",
                "the model is damaged; re-train it",
            )
        model.classes_ = np.asarray(meta["classes"], dtype=object)
        model.cv_metrics_ = meta["cv_metrics"]
        model._set_extra_meta(meta)
        return model
