"""Supervised classifiers: multi-label themes and any categorical label column.

``ThemeTagger`` tags documents with the taxonomy's themes (phrase salience plus a self-trained
text model, calibrated on gold labels when given); ``ThemeClassifier`` is a supervised
multi-label classifier (calibrated probabilities, per-theme thresholds chosen by
cross-validation); ``LabelClassifier`` learns any categorical column, single- or
multi-label (:func:`topics.evaluate.evaluate_classifier` scores either against labelled data).
Every fitted classifier keeps its cross-validated metrics in ``cv_metrics_`` and saves to a
directory without pickle.
"""

from __future__ import annotations

from topics.classify.label import LabelClassifier
from topics.classify.metrics import multilabel_metrics, single_label_metrics
from topics.classify.tagger import ThemeTagger
from topics.classify.theme import ThemeClassifier

__all__ = [
    "LabelClassifier",
    "ThemeClassifier",
    "ThemeTagger",
    "multilabel_metrics",
    "single_label_metrics",
]
