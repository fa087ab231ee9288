"""Evaluation, in one place: a model against labelled data, classifiers, topic coherence.

- :func:`evaluate_model` (``topics evaluate``) scores a saved model on a labelled corpus;
- :func:`evaluate_classifier` scores one fitted classifier (classifiers.py);
- :func:`score_topic_model`, :func:`npmi_coherence`, :func:`topic_diversity` measure topics
  (coherence.py).

Cross-validated metrics computed while training use the same formulas
(:mod:`topics.classify.metrics`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from topics.corpus import schema
from topics.errors import TopicsError
from topics.evaluate.classifiers import evaluate_classifier
from topics.evaluate.coherence import (
    npmi_coherence,
    npmi_per_topic,
    score_topic_model,
    topic_diversity,
    topic_words,
    window_counts,
)

if TYPE_CHECKING:
    from topics.corpus import Corpus
    from topics.model import Model

__all__ = [
    "evaluate_classifier",
    "evaluate_model",
    "npmi_coherence",
    "npmi_per_topic",
    "score_topic_model",
    "topic_diversity",
    "topic_words",
    "window_counts",
]


def evaluate_model(
    model: Model | str | Path,
    corpus: Corpus | str | Path | Sequence[str | Path] | None = None,
    *,
    theme_labels: str | Path | None = None,
    label_columns: Sequence[str] = (),
    corpus_options: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Score a model on a labelled corpus (``topics evaluate``).

    Parameters
    ----------
    model : Model or path
        A model, or its directory (read with :func:`topics.load`).
    corpus : Corpus, path(s) or None
        A corpus, or files to read with :func:`topics.load_corpus` (``corpus_options``); the
        bundled seeds when ``None``. Merged duplicates are left out.
    theme_labels : path, optional
        Gold theme labels (document id or title → theme ids, with "unsure" codes and sampling
        weights, as ``topics label`` exports them); the themes are scored on the documents it
        covers (:func:`topics.evaluate.validation.measure`: bootstrap intervals, error rates,
        confusions and the releases the tagger got wrong).
    label_columns : sequence of str
        Columns of the corpus to score the model's classifier for that column against.
    corpus_options : mapping, optional
        Keyword arguments of :func:`topics.load_corpus` when ``corpus`` is read here.

    Returns
    -------
    dict
        One metrics dict per scored part (``"themes"``, ``"label:<column>"``, ``"topics"``).
    """
    from topics.corpus import as_corpus
    from topics.evaluate.validation import measure
    from topics.model import as_model
    from topics.themes import read_labels

    model = as_model(model)
    corpus = as_corpus(corpus, corpus_options)
    frame = corpus.documents()
    texts = schema.model_texts(frame)
    results: dict[str, dict[str, Any]] = {}
    if theme_labels is not None:
        if model.themes is None:
            raise TopicsError("this model has no theme classifier", "re-train it with themes")
        gold = read_labels(Path(theme_labels), frame, model.taxonomy.ids)
        results["themes"], _ = measure(model, frame, gold)
    for column in label_columns:
        if column not in model.labels:
            raise TopicsError(
                f"the model has no classifier for {column!r} "
                f"(it has: {', '.join(model.labels) or 'none'})",
                f"train one with `topics train --label-column {column}`",
            )
        if column not in frame.columns:
            raise TopicsError(f"the corpus has no column {column!r}", "name the column it has")
        results[f"label:{column}"] = evaluate_classifier(
            model.labels[column], texts, frame[column].tolist(), context=model.context_of(frame)
        )
    if model.topic_model is not None:
        results["topics"] = score_topic_model(model.topic_model, texts)
    if not results:
        raise TopicsError(
            "nothing to evaluate",
            "pass --theme-labels or --label-column, or use a model with topics",
        )
    return results
