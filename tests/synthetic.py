"""Synthetic corpora with predictions and known trends: the fixtures of the report tests."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from topics.predictions import Predictions
from topics.report import ReportInfo, build_context, write_report
from topics.trends import TrendSummary, summarize, trend_tables


@dataclass(frozen=True)
class ReportInputs:
    """A corpus, the predictions of its rows and the report's metadata, as the tests vary them.

    Each field is what the library takes at one step: ``corpus`` and the prediction fields go to
    :func:`topics.trends.summarize` (as one :class:`Predictions`), the rest to
    :class:`topics.report.ReportInfo`.
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

    def predictions(self) -> Predictions:
        return Predictions(
            theme_probs=self.theme_probs,
            theme_labels=self.theme_labels,
            theme_names=self.theme_names,
            topics=self.topics,
            topic_info=self.topic_info,
        )

    def summary(self) -> TrendSummary:
        return summarize(self.corpus, self.predictions(), self.freq)

    def info(self) -> ReportInfo:
        return ReportInfo(self.title, self.generated_at, self.metrics, self.model_info)


def context_of(inputs: ReportInputs | TrendSummary, info: ReportInfo | None = None) -> dict:
    """The report context of inputs (or of a summary, with ``info``): summarize → trend
    tables → context, the path of ``topics.build_report``."""
    summary = inputs if isinstance(inputs, TrendSummary) else inputs.summary()
    if info is None and isinstance(inputs, ReportInputs):
        info = inputs.info()
    return build_context(trend_tables(summary), info)


def write_report_of(inputs: ReportInputs, out: Path, force: bool = False) -> dict[str, Path]:
    """:func:`topics.report.write_report` of the inputs' trend tables."""
    return write_report(trend_tables(inputs.summary()), out, info=inputs.info(), force=force)


_WORDS = {
    "trade": "export import tariff trade agreement partner shipment customs",
    "energy": "nuclear power grid hydrogen energy electricity renewable plant",
    "chips": "semiconductor chip foundry wafer memory fab supply design",
    "autos": "vehicle car battery electric charging automaker motor parts",
    "jobs": "employment worker wage job hiring training labour youth",
}
_COMMON = [
    "ministry", "minister", "said", "government", "plan",
    "support", "industry", "korea", "year", "policy",
]  # fmt: skip


def synthetic_inputs(
    n_docs: int = 2000,
    *,
    start: str = "2016-01-01",
    years: float = 8.0,
    freq: str = "quarter",
    seed: int = 0,
    n_topics: int = 12,
) -> ReportInputs:
    """Build report inputs for ``n_docs`` fake releases with planted trends.

    Theme "energy" rises linearly, "jobs" falls, "chips" steps up half-way, "trade" and "autos"
    stay flat. About 3% of rows are duplicates and 2% undated.

    Parameters
    ----------
    n_docs : int
    start : str
        First possible release date.
    years : float
        Span of the dates.
    freq : {"month", "quarter", "year"}
    seed : int
    n_topics : int

    Returns
    -------
    ReportInputs
    """
    rng = np.random.default_rng(seed)
    days = np.sort(rng.integers(0, int(365.25 * years), n_docs))
    dates = pd.Series(pd.Timestamp(start) + pd.to_timedelta(days, unit="D"))
    t = days / max(days.max(), 1)
    true = {
        "trade": np.full(n_docs, 0.25),
        "energy": 0.05 + 0.25 * t,
        "chips": np.where(t < 0.5, 0.08, 0.22),
        "autos": np.full(n_docs, 0.12),
        "jobs": 0.25 - 0.17 * t,
    }
    labels = pd.DataFrame({k: rng.random(n_docs) < p for k, p in true.items()})
    noise = rng.uniform(0.0, 0.45, size=labels.shape)
    probs = pd.DataFrame(np.where(labels, 1.0 - noise, noise), columns=labels.columns)
    titles, texts = [], []
    vocab = {k: v.split() for k, v in _WORDS.items()}
    flags = labels.to_numpy()
    names = list(labels.columns)
    for i in range(n_docs):
        themes = [k for k, on in zip(names, flags[i], strict=True) if on] or ["trade"]
        words = list(rng.choice(_COMMON, 12))
        for k in themes:
            words += list(rng.choice(vocab[k], 10))
        rng.shuffle(words)
        titles.append(f"Release {i}: {' '.join(words[:6]).capitalize()}")
        texts.append(" ".join(words) + ".")
    undated = rng.random(n_docs) < 0.02
    dates[undated] = pd.NaT
    duplicate = rng.random(n_docs) < 0.03
    duplicate[0] = False
    ids = [f"{i:016x}" for i in range(n_docs)]
    corpus = pd.DataFrame(
        {
            "id": ids,
            "date": dates.astype("datetime64[ns]"),
            "date_provenance": np.where(undated, "missing", "explicit"),
            "title": titles,
            "text": texts,
            "category": pd.Series(
                rng.choice(["Trade", "Energy", "Industry"], n_docs), dtype="string"
            ),
            "labels": [[] for _ in range(n_docs)],
            "source": [f"batch_{i % 4}.txt" for i in range(n_docs)],
            "position": np.arange(n_docs) + 1,
            "dup_group": [ids[i - 1] if d else ids[i] for i, d in enumerate(duplicate)],
            "is_duplicate": duplicate,
            "dup_kind": pd.Series(np.where(duplicate, "near", None), dtype="string"),
        }
    )
    topics = pd.Series(rng.integers(-1, n_topics, n_docs), name="topic")
    sizes = topics.value_counts()
    topic_info = pd.DataFrame(
        {
            "topic": list(range(-1, n_topics)),
            "label": ["Outliers"] + [f"Topic {k}" for k in range(n_topics)],
            "size": [int(sizes.get(k, 0)) for k in range(-1, n_topics)],
            "terms": [["misc"]]
            + [list(rng.choice(_COMMON, 4, replace=False)) for _ in range(n_topics)],
        }
    )
    return ReportInputs(
        corpus=corpus,
        theme_probs=probs,
        theme_labels=labels,
        theme_names={k: k.capitalize() for k in labels.columns},
        topics=topics,
        topic_info=topic_info,
        metrics={"themes": {"macro_f1": 0.71, "per_theme": {"trade": {"f1": 0.8, "n": 40}}}},
        model_info={"name": "synthetic", "created": "2026-01-01T00:00:00"},
        freq=freq,
        generated_at=datetime(2026, 1, 1, 12, 0),
        title="Synthetic theme trends",
    )


def write_releases(
    path: Path,
    words: dict[str, str],
    themes: list[str],
    n: int,
    seed: int,
    *,
    length: int = 30,
    title: Callable[[str, int], str],
    date: Callable[[int], str],
) -> Path:
    """A CSV of ``n`` releases cycling through ``themes``, each ``length`` words drawn from
    ``words[theme]`` after "The ministry said"; ``title(theme, i)`` and ``date(i)`` per row."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        theme = themes[i % len(themes)]
        body = " ".join(rng.choice(words[theme].split()) for _ in range(length))
        rows.append(
            {"title": title(theme, i), "text": f"The ministry said {body}.", "date": date(i)}
        )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path
