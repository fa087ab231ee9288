"""topics: topic models, theme classifiers and HTML trend reports for press releases.

The public API, one call per CLI command::

    corpus = topics.ingest("seeds/", out="corpus.parquet")          # topics ingest
    model = topics.train(corpus, out="models/default")              # topics train
    topics.update("models/default", "new/", out="models/next")     # topics update
    topics.predict(["Korea expands rare earth reserves"]).to_frame()  # topics predict
    topics.evaluate_model(model, corpus, label_columns=["category"])  # topics evaluate
    model = topics.load("models/default")                           # topics info
    topics.label_sample(model, corpus, "labels.html", n=200)        # topics label
    topics.build_report(model, corpus, out="reports/trends.html")   # topics report

Attributes are imported lazily so that ``import topics`` (and ``topics --help``) stays instant.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_corpus": "topics.corpus",
    "Corpus": "topics.corpus",
    "train": "topics.training",
    "update": "topics.updating",
    "load": "topics.model",
    "Model": "topics.model",
    "Predictions": "topics.predictions",
    "build_report": "topics.pipeline",
    "ingest": "topics.pipeline",
    "predict": "topics.pipeline",
    "evaluate_model": "topics.evaluate",
    "label_sample": "topics.annotate",
    "suggest_for_corpus": "topics.pipeline",
    "default_taxonomy": "topics.themes",
    "Taxonomy": "topics.themes",
    "TopicsError": "topics.errors",
    "CorpusError": "topics.errors",
    "ThemeError": "topics.errors",
    "ModelFormatError": "topics.errors",
    "TrainingError": "topics.errors",
}

__all__ = [
    "Corpus",
    "CorpusError",
    "Model",
    "ModelFormatError",
    "Predictions",
    "Taxonomy",
    "ThemeError",
    "TopicsError",
    "TrainingError",
    "build_report",
    "default_taxonomy",
    "evaluate_model",
    "ingest",
    "label_sample",
    "load",
    "load_corpus",
    "predict",
    "suggest_for_corpus",
    "train",
    "update",
]

if TYPE_CHECKING:
    from topics.annotate import label_sample
    from topics.corpus import Corpus, load_corpus
    from topics.errors import CorpusError, ModelFormatError, ThemeError, TopicsError, TrainingError
    from topics.evaluate import evaluate_model
    from topics.model import Model, load
    from topics.pipeline import build_report, ingest, predict, suggest_for_corpus
    from topics.predictions import Predictions
    from topics.themes import Taxonomy, default_taxonomy
    from topics.training import train
    from topics.updating import update


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'topics' has no attribute {name!r}") from None
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
