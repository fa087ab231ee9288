"""What a model says about a set of releases: :class:`Predictions`.

``Model.predict`` returns it, :func:`topics.trends.summarize` and the report consume it, and
:meth:`Predictions.to_frame` turns it into one flat table for users. It depends on nothing but
pandas, so trends and reports can be built from predictions made elsewhere (another machine,
another tool) without loading a model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from topics.errors import TopicsError

if TYPE_CHECKING:
    import pandas as pd

TOPIC_INFO_COLUMNS = ("topic", "label", "size", "terms")


@dataclass(frozen=True)
class Predictions:
    """Themes, topics and labels of ``n_docs`` releases, row-aligned on one index.

    Attributes
    ----------
    theme_probs : DataFrame of shape (n_docs, n_themes)
        Calibrated probability of each theme (columns: theme ids, taxonomy order).
    theme_labels : DataFrame of shape (n_docs, n_themes), bool
        Theme decisions (probabilities above each theme's threshold), same columns.
    theme_names : dict of str to str
        Theme id → display name, for every theme column.
    topics : Series of shape (n_docs,), int, or None
        Topic id per release (-1 = outlier); ``None`` when the model has no topic model.
    topic_info : DataFrame
        The model's topics: ``topic`` (int), ``label`` (str), ``size`` (int), ``terms`` (list
        of str); empty without a topic model.
    topic_labels : Series of shape (n_docs,), str, or None
        Label of each release's topic as the model names it (derived from ``topic_info`` when
        omitted).
    labels : dict of str to sequence, length n_docs
        Per trained label column: the predicted label (a list for multi-label columns).
    label_probs : dict of str to sequence, length n_docs
        Per single-label column: the probability of the predicted label.
    unknown : Series of shape (n_docs,), bool, or None
        Releases the model could not read (no word it learned): no theme, topic ``-1``, no
        label (see :meth:`topics.Model.predict`).
    theme_evidence : list of dict, length n_docs, or None
        Per release, theme → why it carries (or nearly carries) the theme: the phrases and
        where they occur, the text model's strongest words (see
        :meth:`topics.classify.ThemeTagger.explain`); ``None`` when not asked for.
    """

    theme_probs: pd.DataFrame
    theme_labels: pd.DataFrame
    theme_names: dict[str, str]
    topics: pd.Series | None = None
    topic_info: pd.DataFrame | None = None
    topic_labels: pd.Series | None = None
    labels: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    label_probs: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    unknown: pd.Series | None = None
    theme_evidence: Sequence[dict] | None = None

    def __post_init__(self) -> None:
        import pandas as pd

        if self.topic_info is None:
            empty = pd.DataFrame({"topic": [], "label": [], "size": [], "terms": []})
            object.__setattr__(self, "topic_info", empty)
        self.validate()

    def __len__(self) -> int:
        return len(self.theme_probs)

    @property
    def index(self) -> pd.Index:
        """The row index shared by every per-release field."""
        return self.theme_probs.index

    @property
    def theme_ids(self) -> list[str]:
        """Theme ids, in column order."""
        return [str(c) for c in self.theme_probs.columns]

    def validate(self) -> None:
        """Raise :class:`TopicsError` naming the first field that does not fit the others."""
        if list(self.theme_probs.columns) != list(self.theme_labels.columns):
            raise TopicsError(
                "predictions: theme_probs and theme_labels have different columns",
                "pass probabilities and decisions for the same themes, in the same order",
            )
        unnamed = [str(c) for c in self.theme_labels.columns if str(c) not in self.theme_names]
        if unnamed:
            raise TopicsError(
                f"predictions: theme_names lacks theme(s) {', '.join(unnamed[:5])}",
                "give a display name for every theme column",
            )
        absent = [c for c in TOPIC_INFO_COLUMNS if c not in self.topic_info.columns]
        if absent:
            raise TopicsError(
                f"predictions: topic_info lacks column(s) {', '.join(absent)}",
                "pass the topic table of the fitted topic model",
            )
        n = len(self.theme_probs)
        per_row = {"theme_labels": self.theme_labels, "topics": self.topics}
        per_row |= {"topic_labels": self.topic_labels, **self.labels, **self.label_probs}
        per_row["unknown"] = self.unknown
        per_row["theme_evidence"] = self.theme_evidence
        for name, value in per_row.items():
            if value is not None and len(value) != n:
                raise TopicsError(
                    f"predictions: {name} has {len(value)} rows for {n} releases",
                    "give one value per release",
                )

    def aligned_with(self, index: pd.Index) -> None:
        """Raise :class:`TopicsError` unless every per-release table is indexed like ``index``."""
        for name in ("theme_probs", "theme_labels", "topics"):
            value = getattr(self, name)
            if value is None:
                continue
            if len(value) != len(index):
                raise TopicsError(
                    f"predictions: {name} has {len(value)} rows for {len(index)} corpus rows",
                    "score every corpus row, in corpus order",
                )
            if not value.index.equals(index):
                raise TopicsError(
                    f"predictions: {name} index is not aligned with the corpus index",
                    f"reindex {name} like the corpus",
                )

    def with_index(self, index: pd.Index) -> Predictions:
        """The same predictions, rows relabelled with ``index`` (same length)."""
        return replace(
            self,
            theme_probs=self.theme_probs.set_axis(index),
            theme_labels=self.theme_labels.set_axis(index),
            topics=None if self.topics is None else self.topics.set_axis(index),
            topic_labels=None if self.topic_labels is None else self.topic_labels.set_axis(index),
            unknown=None if self.unknown is None else self.unknown.set_axis(index),
        )

    def topic_ids(self) -> pd.Series:
        """Topic id per release; all -1 (outliers) without a topic model."""
        import pandas as pd

        if self.topics is None:
            return pd.Series(-1, index=self.index, dtype=int)
        return self.topics

    def to_frame(self) -> pd.DataFrame:
        """One flat table for users, one row per release.

        Returns
        -------
        DataFrame of shape (n_docs, n_columns)
            ``themes`` (list of theme ids above their threshold), ``p_<theme>`` (calibrated
            probability per theme), ``theme_evidence`` (when predicted with evidence),
            ``topic`` and ``topic_label`` (with a topic model), and
            for each trained label column ``<column>`` (predicted label; a list for multi-label
            columns) and ``<column>_proba`` (probability of the predicted label, single-label
            columns), and ``unknown`` (the release shares no word with the model) when known.
        """
        import numpy as np
        import pandas as pd

        out = pd.DataFrame(index=self.index)
        ids = self.theme_ids
        decided = self.theme_labels.to_numpy(dtype=bool)
        out["themes"] = [[ids[j] for j in np.flatnonzero(row)] for row in decided]
        for theme in ids:
            out[f"p_{theme}"] = self.theme_probs[theme].to_numpy()
        if self.theme_evidence is not None:
            out["theme_evidence"] = list(self.theme_evidence)
        if self.topics is not None:
            out["topic"] = self.topics.to_numpy()
            out["topic_label"] = self._topic_labels().to_numpy()
        for column, values in self.labels.items():
            out[column] = values
            if column in self.label_probs:
                out[f"{column}_proba"] = self.label_probs[column]
        if self.unknown is not None:
            out["unknown"] = self.unknown.to_numpy(dtype=bool)
        return out

    def _topic_labels(self) -> pd.Series:
        if self.topic_labels is not None:
            return self.topic_labels
        names = dict(
            zip(self.topic_info["topic"].astype(int), self.topic_info["label"], strict=True)
        )
        return self.topics.map(lambda k: str(names.get(int(k), f"Topic {k}")))


def concat(parts: Iterable[Predictions]) -> Predictions:
    """Stack the predictions of consecutive batches (one model), rows in order.

    The theme names and the topic table come from the first batch; the index is a fresh
    ``RangeIndex`` (relabel it with :meth:`Predictions.with_index`).
    """
    import numpy as np
    import pandas as pd

    parts = list(parts)
    if not parts:
        raise TopicsError("concat: no predictions given", "pass at least one batch")
    first = parts[0]
    if any(p.theme_ids != first.theme_ids for p in parts):
        raise TopicsError("concat: batches have different themes", "predict with one model")

    def stack(values: list[Any]) -> Any:
        if all(isinstance(v, np.ndarray) for v in values):
            return np.concatenate(values)
        return [x for v in values for x in v]

    def series(name: str) -> pd.Series | None:
        values = [getattr(p, name) for p in parts]
        if values[0] is None:
            return None
        return pd.concat(values, ignore_index=True)

    return Predictions(
        theme_probs=pd.concat([p.theme_probs for p in parts], ignore_index=True),
        theme_labels=pd.concat([p.theme_labels for p in parts], ignore_index=True),
        theme_names=first.theme_names,
        topics=series("topics"),
        topic_info=first.topic_info,
        topic_labels=series("topic_labels"),
        labels={c: stack([p.labels[c] for p in parts]) for c in first.labels},
        label_probs={c: stack([p.label_probs[c] for p in parts]) for c in first.label_probs},
        unknown=series("unknown"),
        theme_evidence=None
        if any(p.theme_evidence is None for p in parts)
        else [e for p in parts for e in p.theme_evidence],
    )
