"""What the report is built from: plain tables, aligned with the corpus row by row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from topics.corpus import schema
from topics.errors import TopicsError

if TYPE_CHECKING:
    import pandas as pd

TOPIC_INFO_COLUMNS = ("topic", "label", "size", "terms")


@dataclass(frozen=True)
class ReportInputs:
    """Everything :func:`topics.report.build_context` needs, as plain data.

    Attributes
    ----------
    corpus : DataFrame of shape (n_docs, ...)
        Columns of :mod:`topics.corpus.schema`; ``date`` is datetime64 or NaT.
    theme_probs : DataFrame of shape (n_docs, n_themes)
        Calibrated theme probabilities, index aligned with ``corpus``.
    theme_labels : DataFrame of shape (n_docs, n_themes), bool
        Theme decisions (thresholded probabilities), same columns as ``theme_probs``.
    theme_names : dict of str to str
        Theme id -> display name.
    topics : Series of shape (n_docs,)
        Topic id per document (-1 = outlier), aligned with ``corpus``.
    topic_info : DataFrame
        Columns ``topic`` (int), ``label`` (str), ``size`` (int), ``terms`` (list of str).
    metrics : dict
        Model metrics as stored with the model (JSON-able); shown as they are.
    model_info : dict
        Model name, creation time, corpus fingerprint... (JSON-able).
    freq : {"month", "quarter", "year"}
    generated_at : datetime, optional
        Printed on the page; passed in so the output is deterministic.
    title : str
    """

    corpus: pd.DataFrame
    theme_probs: pd.DataFrame
    theme_labels: pd.DataFrame
    theme_names: dict[str, str]
    topics: pd.Series
    topic_info: pd.DataFrame
    metrics: dict = field(default_factory=dict)
    model_info: dict = field(default_factory=dict)
    freq: str = "quarter"
    generated_at: datetime | None = None
    title: str = "Theme trends"


def validate(inputs: ReportInputs) -> None:
    """Raise :class:`TopicsError` naming the first field that does not fit the corpus."""
    from topics.trends.counts import check_freq

    check_freq(inputs.freq)
    corpus = inputs.corpus
    needed = [schema.ID, schema.DATE, schema.TITLE, schema.TEXT, schema.IS_DUPLICATE]
    missing = [c for c in needed if c not in corpus.columns]
    if missing:
        raise TopicsError(
            f"report inputs: corpus lacks column(s) {', '.join(missing)}",
            "pass the table read by topics.corpus",
        )
    n = len(corpus)
    for name in ("theme_probs", "theme_labels", "topics"):
        value = getattr(inputs, name)
        if len(value) != n:
            raise TopicsError(
                f"report inputs: {name} has {len(value)} rows for {n} corpus rows",
                "score every corpus row, in corpus order",
            )
        if not value.index.equals(corpus.index):
            raise TopicsError(
                f"report inputs: {name} index is not aligned with the corpus index",
                f"reindex {name} like the corpus",
            )
    if list(inputs.theme_probs.columns) != list(inputs.theme_labels.columns):
        raise TopicsError(
            "report inputs: theme_probs and theme_labels have different columns",
            "pass probabilities and decisions for the same themes, in the same order",
        )
    unnamed = [str(c) for c in inputs.theme_labels.columns if str(c) not in inputs.theme_names]
    if unnamed:
        raise TopicsError(
            f"report inputs: theme_names lacks theme(s) {', '.join(unnamed[:5])}",
            "give a display name for every theme column",
        )
    absent = [c for c in TOPIC_INFO_COLUMNS if c not in inputs.topic_info.columns]
    if absent:
        raise TopicsError(
            f"report inputs: topic_info lacks column(s) {', '.join(absent)}",
            "pass the topic table of the fitted topic model",
        )
