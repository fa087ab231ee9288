"""The trained model: theme classifier, label classifiers and topic model behind one object.

:func:`topics.training.train` fits one; ``Model.save`` writes one model directory through
:mod:`topics.persist`; ``load`` reads it back and gives identical predictions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.errors import CorpusError, ModelFormatError, TrainingError

if TYPE_CHECKING:
    import pandas as pd

    from topics.classify import LabelClassifier, ThemeTagger
    from topics.corpus import Corpus
    from topics.lineage import TopicLineage
    from topics.predictions import Predictions
    from topics.releases import Releases
    from topics.themes import Taxonomy
    from topics.topic_model import TopicModel


#: Topic label of a text the model cannot read (no word it learned): see :meth:`Model.predict`.
UNKNOWN_TOPIC = "no topic (no known word)"


@dataclass
class Model:
    """A trained model: what :func:`train` returns and :func:`load` gives back.

    Attributes
    ----------
    taxonomy : Taxonomy
        The themes the classifier tags.
    themes : ThemeTagger or None
        Multi-label theme classifier (``None`` when no theme had enough examples).
    labels : dict of str to LabelClassifier
        One classifier per categorical column the user named.
    topic_model : TopicModel or None
        The topic model (``None`` when trained with ``topic_model=False``).
    manifest : dict
        Provenance and metrics; written as ``manifest.json``.
    path : Path or None
        Where the model was loaded from or last saved to.
    releases : Releases or None
        The releases it was trained on (see :mod:`topics.releases`), kept for :meth:`update`.
    lineage : TopicLineage or None
        Stable topic ids and the history of topics across updates (see :mod:`topics.lineage`).
    """

    taxonomy: Taxonomy
    themes: ThemeTagger | None
    labels: dict[str, LabelClassifier] = field(default_factory=dict)
    topic_model: TopicModel | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    releases: Releases | None = None
    lineage: TopicLineage | None = None

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

    @property
    def context_columns(self) -> list[str]:
        """Context columns the label classifiers read (``train(context_columns=...)``)."""
        names = (str(c) for clf in self.labels.values() for c in clf.context_columns)
        return list(dict.fromkeys(names))

    def predict(
        self,
        texts: Sequence[str],
        *,
        context: Mapping[str, Sequence[str]] | pd.DataFrame | None = None,
        evidence: bool = True,
        labels: bool = True,
    ) -> Predictions:
        """Tag texts with themes, topics and every trained label.

        Parameters
        ----------
        texts : sequence of str, length n_texts
        context : mapping of str to sequence of str, or DataFrame, optional
            One text per text for every column of :attr:`context_columns` (the text before and
            after, ...), as the label classifiers were trained with; required when there are
            any (:class:`~topics.errors.CorpusError` names the missing column).
        evidence : bool
            Also say why each theme was (or was nearly) tagged: phrases and where they occur,
            the text model's strongest words (``Predictions.theme_evidence``). Costs about as
            much as the tagging itself; off when tagging a whole corpus for a report.
        labels : bool
            Predict the trained labels (off: themes and topics only, no context needed).

        Returns
        -------
        Predictions
            Theme probabilities and decisions, topic per text and the topic table, and each
            trained label; ``.to_frame()`` gives one flat table (``themes``, ``p_<theme>``,
            ``topic``, ``topic_label``, ``<column>``, ``<column>_proba``, ``unknown``).

        Notes
        -----
        A text none of whose words the model learned (:mod:`topics._vocabulary`: ``!!!???``,
        Hangul given to an English-only model) is *unknown*: ``unknown`` is true, it gets no
        theme, the topic ``-1`` labelled :data:`UNKNOWN_TOPIC`, and ``None`` for every label
        (probability NaN). Its theme probabilities are the classifier's priors, shown as they
        are.
        """
        import numpy as np
        import pandas as pd

        from topics.predictions import Predictions

        texts = [str(t) for t in texts]
        if labels and self.context_columns:
            context = self._context(context, len(texts))
        index = pd.RangeIndex(len(texts))
        ids = self.theme_ids
        decided, proba, topic_ids, unknown = self._tag(texts)
        why = None
        if evidence:
            why = self.themes.explain(texts) if self.themes is not None else [{} for _ in texts]
        decided[unknown] = False
        names = {theme.id: theme.name for theme in self.taxonomy}
        topics = topic_labels = topic_info = None
        if self.topic_model is not None:
            info = self.topic_model.topic_info()
            names_of = info["label"].to_numpy()
            stable = self._stable_ids(info["topic"].to_numpy())
            raw = np.asarray(topic_ids, dtype=int)
            topics = pd.Series(
                np.where(unknown, -1, stable[raw] if len(texts) else raw), index=index, dtype=int
            )
            shown = np.asarray(names_of[raw] if len(texts) else [], dtype=object)
            shown[unknown] = UNKNOWN_TOPIC
            topic_labels = pd.Series(shown, index=index)
            topic_info = pd.DataFrame(
                {
                    "topic": stable,
                    "label": info["label"].astype(str),
                    "size": info["size"].astype(int),
                    "terms": info["terms"].map(list),
                }
            )
            if self.lineage is not None:
                from topics.lineage import lineage_columns

                topic_info = lineage_columns(topic_info, self.lineage)
        predicted: dict[str, Any] = {}
        label_probs: dict[str, Any] = {}
        for column, clf in self.labels.items() if labels else ():
            values, column_proba = clf.predict_with_proba(texts, context=context)
            predicted[column] = [None if u else v for v, u in zip(values, unknown, strict=True)]
            if column_proba is not None:
                label_probs[column] = np.where(unknown, np.nan, column_proba)
        return Predictions(
            theme_probs=pd.DataFrame(proba, index=index, columns=ids),
            theme_labels=pd.DataFrame(np.asarray(decided, dtype=bool), index=index, columns=ids),
            theme_names={t: names.get(t, t) for t in ids},
            topics=topics,
            topic_info=topic_info,
            topic_labels=topic_labels,
            labels=predicted,
            label_probs=label_probs,
            unknown=pd.Series(unknown, index=index),
            theme_evidence=why,
        )

    def _tag(self, texts: list[str]) -> tuple[Any, Any, Any, Any]:
        """Themes (decided, probabilities), topic numbers and unknown texts.

        A text the model was trained on is answered from the tags stored with its releases
        (``Releases.tags``, computed at training by the same components); the others by
        :meth:`_tag_new`. A report on the training corpus therefore tags nothing again.
        """
        import numpy as np

        from topics.releases import TAG_ARRAYS, training_rows

        rows = training_rows(self.releases, texts)
        if rows is None or (rows < 0).all():
            return self._tag_new(texts)
        stored = [self.releases.tags[name][np.maximum(rows, 0)] for name in TAG_ARRAYS]
        new = np.flatnonzero(rows < 0)
        if len(new):
            fresh = self._tag_new([texts[i] for i in new])
            for array, values in zip(stored, fresh, strict=True):
                if values is not None:
                    array[new] = values
        decided, proba, topic_ids, unknown = stored
        topic_ids = None if self.topic_model is None else topic_ids.astype(np.int64)
        return decided.astype(bool), proba, topic_ids, unknown.astype(bool)

    def _tag_new(self, texts: list[str]) -> tuple[Any, Any, Any, Any]:
        """:meth:`_tag` computed: from one cut of the texts into chunks shared by every
        component (:mod:`topics._chunks`), a block of texts at a time."""
        import numpy as np

        from topics._chunks import BLOCK, Chunks
        from topics._vocabulary import known_texts, vocabularies

        k, vocabs = len(self.theme_ids), vocabularies(self)
        parts = []
        for start in range(0, len(texts), BLOCK):
            block = texts[start : start + BLOCK]
            chunks = Chunks(block)
            if self.themes is not None:
                decided, proba = self.themes.predict_with_proba(block, chunks)
            else:
                decided, proba = np.zeros((len(block), k), bool), np.zeros((len(block), k))
            topic_ids = None
            if self.topic_model is not None:
                topic_ids = self.topic_model.transform(block, chunks)[0]
            parts.append((decided, proba, topic_ids, ~known_texts(vocabs, block, chunks)))
        if not parts:
            parts = [(np.zeros((0, k), bool), np.zeros((0, k)), np.zeros(0, np.int64), [])]
        decided, proba, topic_ids, unknown = zip(*parts, strict=True)
        topic_ids = None if self.topic_model is None else np.concatenate(topic_ids)
        decided = np.concatenate(decided).astype(bool)
        return decided, np.concatenate(proba), topic_ids, np.concatenate(unknown).astype(bool)

    def context_of(self, frame: pd.DataFrame) -> dict[str, list[Any]] | None:
        """The :attr:`context_columns` of a corpus table (``None`` when there are none).

        Raises
        ------
        CorpusError
            The table lacks one, named with the table's source files.
        """
        from pathlib import Path

        missing = [c for c in self.context_columns if c not in frame.columns]
        if missing:
            sources = sorted({Path(str(s)).name for s in frame.get(schema.SOURCE, [])})
            where = ", ".join(sources[:3]) + (" …" if len(sources) > 3 else "") or "the corpus"
            raise CorpusError(
                f"{where}: no column {missing[0]!r}, which the label classifier(s) for "
                f"{', '.join(map(repr, self.labels))} read as context (trained with "
                f"--context-columns {','.join(self.context_columns)})",
                f"add a {missing[0]!r} column (the text the classifier saw there in training) "
                "to the table",
            )
        return {c: frame[c].tolist() for c in self.context_columns} or None

    def _context(self, context: Any, n: int) -> dict[str, list[str]]:
        from topics.classify._label_fit import context_texts

        try:
            return context_texts(self.context_columns, context, n)
        except CorpusError as exc:
            raise CorpusError(
                f"the label classifier(s) for {', '.join(map(repr, self.labels))}: {exc.message}",
                "predict from a table with those columns (topics predict --file releases.csv), "
                "or pass context={column: texts, ...} to Model.predict",
            ) from exc

    def _stable_ids(self, numbers):
        """Stable topic ids of the topic model's topic numbers (see :mod:`topics.lineage`)."""
        import numpy as np

        numbers = np.asarray(numbers, dtype=np.int64)
        return numbers if self.lineage is None else self.lineage.stable(numbers)

    def update(self, corpus: Corpus, **options: Any):
        """Learn from new releases, keeping the topics' identity (:func:`topics.update`).

        Returns an :class:`~topics.updating.UpdateResult`; ``result.model`` is the updated
        model (this model is never modified).
        """
        from topics.updating import update

        return update(self, corpus, **options)

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
        if self.releases is not None:
            from topics.releases import save_releases

            releases = self.releases
            writers["releases"] = lambda directory: save_releases(releases, directory)
        if self.lineage is not None:
            writers["lineage"] = self.lineage.save
        manifest = {k: v for k, v in self.manifest.items() if k not in _DERIVED_KEYS}
        manifest["label_columns"] = list(self.labels)
        self.path = save_directory(Path(path), writers, manifest, force=force)
        from topics.persist import read_manifest

        self.manifest = read_manifest(self.path, verify=False)
        return self.path


_DERIVED_KEYS = {
    "format",
    "schema_version",
    "created",
    "versions",
    "components",
    "files",
    "manifest_sha256",
}


def load(path: str | Path) -> Model:
    """Load a model directory written by :meth:`Model.save` (safe: nothing executes code).

    Raises
    ------
    ModelFormatError
        Missing, tampered, truncated or unknown-version model.
    """
    from topics.classify import LabelClassifier, ThemeTagger
    from topics.persist import snapshot, warn_on_drift
    from topics.themes import Taxonomy
    from topics.topic_model import TopicModel

    path = Path(path)
    with snapshot(path) as (root, manifest):  # verified bytes: never two versions mixed
        components = set(manifest.get("components", []))
        if "taxonomy" not in components:
            raise ModelFormatError(f"{path}: the manifest lists no taxonomy", "re-train the model")
        taxonomy = Taxonomy.load(root / "taxonomy")
        themes = (
            ThemeTagger.load(root / "themes", taxonomy=taxonomy) if "themes" in components else None
        )
        labels = {
            column: LabelClassifier.load(root / f"label-{column}")
            for column in manifest.get("label_columns", [])
        }
        topic_model = TopicModel.load(root / "topic_model") if "topic_model" in components else None
        releases = lineage = None
        if "releases" in components:
            from topics.releases import load_releases

            releases = load_releases(root / "releases")
        if "lineage" in components:
            from topics.lineage import TopicLineage

            lineage = TopicLineage.load(root / "lineage")
    warn_on_drift(path, manifest.get("versions", {}))
    return Model(taxonomy, themes, labels, topic_model, manifest, path, releases, lineage)


def as_model(model: Model | str | Path) -> Model:
    """A :class:`Model` as given, or loaded from its directory with :func:`load`."""
    return model if isinstance(model, Model) else load(model)
