"""The trained model: theme classifier, label classifiers and topic model behind one object.

``train`` fits every component on a corpus; ``Model.save`` writes one model directory through
:mod:`topics.persist`; ``load`` reads it back and gives identical predictions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.errors import ModelFormatError, TrainingError
from topics.progress import Progress, noop, scaled

if TYPE_CHECKING:
    import pandas as pd

    from topics.classify import LabelClassifier, ThemeClassifier
    from topics.corpus import Corpus
    from topics.predictions import Predictions
    from topics.themes import Taxonomy
    from topics.topic_model import TopicModel


def corpus_fingerprint(frame: pd.DataFrame) -> str:
    """sha256 over the sorted document ids: the same releases give the same fingerprint."""
    digest = hashlib.sha256()
    for doc_id in sorted(frame[schema.ID].astype(str)):
        digest.update(doc_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass
class Model:
    """A trained model: what :func:`train` returns and :func:`load` gives back.

    Attributes
    ----------
    taxonomy : Taxonomy
        The themes the classifier tags.
    themes : ThemeClassifier or None
        Multi-label theme classifier (``None`` when no theme had enough examples).
    labels : dict of str to LabelClassifier
        One classifier per categorical column the user named.
    topic_model : TopicModel or None
        The topic model (``None`` when trained with ``topic_model=False``).
    manifest : dict
        Provenance and metrics; written as ``manifest.json``.
    path : Path or None
        Where the model was loaded from or last saved to.
    """

    taxonomy: Taxonomy
    themes: ThemeClassifier | None
    labels: dict[str, LabelClassifier] = field(default_factory=dict)
    topic_model: TopicModel | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def metrics(self) -> dict[str, Any]:
        """Cross-validated metrics of every component, as stored with the model."""
        return self.manifest.get("metrics", {})

    @property
    def validation(self) -> dict[str, Any] | None:
        """The tagger's error rates measured on hand-coded releases, when it was trained with
        some (:func:`topics.evaluate.validation.validation_record`); ``None`` otherwise."""
        return self.manifest.get("validation")

    @property
    def theme_ids(self) -> list[str]:
        """Ids of the themes the classifier predicts (taxonomy order)."""
        return [] if self.themes is None else list(self.themes.classes_)

    def predict(self, texts: Sequence[str]) -> Predictions:
        """Tag texts with themes, topics and every trained label.

        Parameters
        ----------
        texts : sequence of str, length n_texts

        Returns
        -------
        Predictions
            Theme probabilities and decisions, topic per text and the topic table, and each
            trained label; ``.to_frame()`` gives one flat table (``themes``, ``p_<theme>``,
            ``topic``, ``topic_label``, ``<column>``, ``<column>_proba``).
        """
        import numpy as np
        import pandas as pd

        from topics.predictions import Predictions

        texts = [str(t) for t in texts]
        index = pd.RangeIndex(len(texts))
        ids = self.theme_ids
        if self.themes is not None:
            decided, proba = self.themes.predict_with_proba(texts)
        else:
            decided, proba = np.zeros((len(texts), 0), bool), np.zeros((len(texts), 0))
        names = {theme.id: theme.name for theme in self.taxonomy}
        topics = topic_labels = topic_info = None
        if self.topic_model is not None:
            topic_ids, _ = self.topic_model.transform(texts)
            info = self.topic_model.topic_info()
            labels = info["label"].to_numpy()
            topics = pd.Series(np.asarray(topic_ids, dtype=int), index=index)
            topic_labels = pd.Series(labels[topic_ids] if len(texts) else [], index=index)
            topic_info = pd.DataFrame(
                {
                    "topic": info["topic"].astype(int),
                    "label": info["label"].astype(str),
                    "size": info["size"].astype(int),
                    "terms": info["terms"].map(list),
                }
            )
        predicted: dict[str, Any] = {}
        label_probs: dict[str, Any] = {}
        for column, clf in self.labels.items():
            predicted[column], column_proba = clf.predict_with_proba(texts)
            if column_proba is not None:
                label_probs[column] = column_proba
        return Predictions(
            theme_probs=pd.DataFrame(proba, index=index, columns=ids),
            theme_labels=pd.DataFrame(np.asarray(decided, dtype=bool), index=index, columns=ids),
            theme_names={t: names.get(t, t) for t in ids},
            topics=topics,
            topic_info=topic_info,
            topic_labels=topic_labels,
            labels=predicted,
            label_probs=label_probs,
        )

    def topics_over_time(self, corpus: Corpus | pd.DataFrame, freq: str = "quarter"):
        """Per-period topic shares for a corpus (duplicates counted once, undated left out)."""
        if self.topic_model is None:
            raise TrainingError("this model has no topic model", "re-train without --no-topics")
        frame = corpus if hasattr(corpus, "columns") else corpus.frame
        frame = frame[~frame[schema.IS_DUPLICATE].astype(bool)]
        texts = schema.model_texts(frame)
        return self.topic_model.topics_over_time(texts, frame[schema.DATE], freq=freq)

    def save(self, path: str | Path, *, force: bool = False) -> Path:
        """Write the model directory atomically (see :mod:`topics.persist`)."""
        from topics.persist import save_directory

        writers: dict[str, Callable[[Path], None]] = {"taxonomy": self.taxonomy.save}
        if self.themes is not None:
            themes = self.themes  # its taxonomy is the model's, saved once as "taxonomy"
            writers["themes"] = lambda directory: themes.save(directory, include_taxonomy=False)
        for column, clf in self.labels.items():
            writers[f"label-{column}"] = clf.save
        if self.topic_model is not None:
            writers["topic_model"] = self.topic_model.save
        manifest = {k: v for k, v in self.manifest.items() if k not in _DERIVED_KEYS}
        manifest["label_columns"] = list(self.labels)
        self.path = save_directory(Path(path), writers, manifest, force=force)
        from topics.persist import read_manifest

        self.manifest = read_manifest(self.path, verify=False)
        return self.path


_DERIVED_KEYS = {"format", "schema_version", "created", "versions", "components", "files"}


def load(path: str | Path) -> Model:
    """Load a model directory written by :meth:`Model.save` (safe: nothing executes code).

    Raises
    ------
    ModelFormatError
        Missing, tampered, truncated or unknown-version model.
    """
    from topics.classify import LabelClassifier, ThemeClassifier
    from topics.persist import read_manifest
    from topics.themes import Taxonomy
    from topics.topic_model import TopicModel

    path = Path(path)
    manifest = read_manifest(path)
    components = set(manifest.get("components", []))
    if "taxonomy" not in components:
        raise ModelFormatError(f"{path}: the manifest lists no taxonomy", "re-train the model")
    taxonomy = Taxonomy.load(path / "taxonomy")
    themes = (
        ThemeClassifier.load(path / "themes", taxonomy=taxonomy) if "themes" in components else None
    )
    labels = {
        column: LabelClassifier.load(path / f"label-{column}")
        for column in manifest.get("label_columns", [])
    }
    topic_model = TopicModel.load(path / "topic_model") if "topic_model" in components else None
    return Model(taxonomy, themes, labels, topic_model, manifest, path)


def train(
    corpus: Corpus,
    *,
    taxonomy: Taxonomy | None = None,
    gold_themes: pd.DataFrame | None = None,
    label_columns: Sequence[str] = (),
    topic_model: bool = True,
    n_topics: int | str = "auto",
    seed: int = 0,
    progress: Progress | None = None,
) -> Model:
    """Fit the theme classifier, one classifier per label column, and the topic model.

    Parameters
    ----------
    corpus : Corpus
        From :func:`topics.load_corpus`; merged duplicates are left out of training.
    taxonomy : Taxonomy, optional
        Themes to tag; the default taxonomy when omitted.
    gold_themes : DataFrame of bool, shape (n_documents, n_themes), or GoldLabels, optional
        Hand-coded theme labels indexed by document id; documents without a row get weak labels
        from the taxonomy's phrases. With gold labels the tagger's error rates are measured on
        them by held-out cross-fitting (sampling weights of a :class:`GoldLabels` kept) and
        stored as the model's ``validation``: reports then correct their shares.
    label_columns : sequence of str
        Categorical columns of the corpus to learn (``"category"``, ``"labels"``, an extra column).
    topic_model : bool
        Fit the topic model too.
    n_topics : int or "auto"
        Number of topics; ``"auto"`` adapts it to the corpus.
    seed : int
        Reaches every random component.
    progress : callable, optional
        ``progress(message, fraction)``.

    Returns
    -------
    Model
    """
    from topics.classify import LabelClassifier, ThemeClassifier
    from topics.themes import default_taxonomy, weak_labels
    from topics.topic_model import TopicModel

    if not 0 <= int(seed) < 2**32:
        raise TrainingError(f"seed={seed} is not in 0 … 2**32-1", "pass a non-negative seed")
    progress = progress or noop
    taxonomy = taxonomy or default_taxonomy()
    frame = corpus.documents()
    if len(frame) == 0:
        raise TrainingError("the corpus has no documents to train on", "check `topics ingest`")
    texts = schema.model_texts(frame)
    dates = frame[schema.DATE]

    progress("labelling themes", 0.05)
    weak = weak_labels(texts, taxonomy)
    weak.index = frame[schema.ID].to_numpy()
    targets = weak.copy()
    n_gold = 0
    coded = gold_themes
    if coded is not None and not hasattr(coded, "columns"):  # GoldLabels: train on sure codes
        gold_themes = coded.sure()
    if gold_themes is not None:
        gold = gold_themes.reindex(columns=targets.columns, fill_value=False)
        known = targets.index.intersection(gold.index)
        targets.loc[known] = gold.loc[known].astype(bool).to_numpy()
        n_gold = len(known)

    progress("training the theme classifier", 0.15)
    # The taxonomy's phrase rules become features too: on small corpora they carry the signal.
    themes = ThemeClassifier(random_state=seed, taxonomy=taxonomy).fit(
        texts, targets.to_numpy(), list(targets.columns)
    )
    validation = None
    if n_gold:
        progress("measuring the tagger on the coded releases (held-out folds)", 0.2)
        validation = _validate(themes, coded, targets, texts, seed)
    metrics: dict[str, Any] = {
        "themes": {
            **themes.cv_metrics_,
            "gold_documents": n_gold,
            "weak_documents": len(texts) - n_gold,
        }
    }

    labels: dict[str, LabelClassifier] = {}
    for i, column in enumerate(label_columns):
        progress(
            f"training the classifier for {column!r}", 0.3 + 0.1 * i / max(1, len(label_columns))
        )
        if column not in frame.columns:
            raise TrainingError(
                f"the corpus has no column {column!r} "
                f"(it has: {', '.join(map(str, frame.columns))})",
                "name one of those columns with --label-column",
            )
        try:
            clf = LabelClassifier(random_state=seed).fit(texts, frame[column].tolist())
        except TrainingError as exc:
            raise TrainingError(f"label column {column!r}: {exc.message}", exc.hint) from exc
        labels[column] = clf
        metrics[f"label:{column}"] = clf.cv_metrics_

    fitted_topics = None
    if topic_model:
        progress("fitting the topic model", 0.45)
        fitted_topics = TopicModel(
            n_topics=n_topics,
            random_state=seed,
            themes={theme.id: list(theme.include) for theme in taxonomy},
        )
        fitted_topics.fit(texts, progress=scaled(progress, 0.45, 0.95))
        metrics["topics"] = fitted_topics.fit_info_

    progress("done", 1.0)
    manifest = {
        "seed": seed,
        "corpus": {
            "fingerprint": corpus_fingerprint(frame),
            "documents": len(frame),
            "records": len(corpus.frame),
            "ingest": corpus.report.counts(),
            "date_range": _date_range(dates),
            "sources": sorted({Path(s).name for s in corpus.frame[schema.SOURCE].astype(str)})[:50],
        },
        "parameters": {
            "taxonomy_themes": len(taxonomy),
            "label_columns": list(label_columns),
            "topic_model": bool(topic_model),
            "n_topics": n_topics,
        },
        "metrics": metrics,
    }
    if validation is not None:
        manifest["validation"] = validation
    return Model(taxonomy, themes, labels, fitted_topics, manifest)


def _validate(
    themes: ThemeClassifier, coded: Any, targets: pd.DataFrame, texts: list[str], seed: int
):
    """Held-out error rates of the theme classifier on the coded releases (see ``train``):
    unfitted copies of ``themes`` (same settings) are refitted without each fold."""
    from sklearn.base import clone

    from topics.evaluate.validation import held_out_validation

    if hasattr(coded, "columns"):  # a plain bool frame: every code sure, equal weights
        codes, weights, source = coded.astype(float), None, "gold labels"
    else:
        codes, source = coded.codes, coded.path.name
        weights = coded.weights if coded.weighted else None
    codes = codes.reindex(columns=targets.columns)
    codes = codes[codes.index.isin(targets.index)]
    rows = targets.index.get_indexer(codes.index)

    def fit(train_texts: list[str], Y: Any) -> ThemeClassifier:
        return clone(themes).fit(train_texts, Y, list(targets.columns))

    return held_out_validation(
        fit,
        texts,
        targets.to_numpy(dtype=bool),
        rows,
        codes,
        None if weights is None else weights.reindex(codes.index).to_numpy(dtype=float),
        source=source,
        seed=seed,
    )


def _date_range(dates: pd.Series) -> list[str] | None:
    valid = dates.dropna()
    if valid.empty:
        return None
    return [valid.min().date().isoformat(), valid.max().date().isoformat()]
