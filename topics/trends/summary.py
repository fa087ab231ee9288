"""A corpus and its predictions, counted: per-period counts, term counts, top releases, quality.

:func:`summarize` is where documents become numbers. A :class:`TrendSummary` holds no
per-document table: summaries of batches of one corpus (scored on different machines, or
streamed) add up with :func:`combine_summaries`, and every trend table is computed from the
combined summary exactly as from the whole corpus at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from topics.corpus import schema
from topics.errors import TopicsError
from topics.progress import Progress, noop
from topics.trends.counts import check_freq
from topics.trends.records import SNIPPET_CHARS, clean, snippet
from topics.trends.top import top_documents

if TYPE_CHECKING:
    import pandas as pd

    from topics.predictions import Predictions

#: Representative releases kept per theme, and per theme and period.
REPRESENTATIVES = 5
REPRESENTATIVES_PER_PERIOD = 1
#: Latest releases kept per topic and period.
TOPIC_RELEASES_PER_PERIOD = 3
DOC_COLUMNS = ["id", "title", "date", "source", "snippet"]


@dataclass(frozen=True)
class TrendSummary:
    """Aggregated trend data of a corpus, or of one batch of it.

    Attributes
    ----------
    freq : str
    theme_ids : list of str
    theme_names, topic_info
        As in :class:`topics.predictions.Predictions` (from the first batch when combining).
    all_counts, theme_counts, topic_counts : DataFrame
        Long period count tables (``period, series, count, total``) of dated, non-duplicate
        releases: everything (series ``"all"``), per theme, per topic (series = topic id as str).
    category_counts : DataFrame
        Theme counts per category (``category, series, count, total``), dated or not.
    term_counts : DataFrame
        Term counts (``group, term, count``) for groups ``theme:<id>``, ``period:<period>``,
        ``all`` and ``dated``.
    top_overall, top_period : DataFrame
        Highest-probability releases per theme (and per theme and period: column ``key``), with
        ``series, score`` and the release's ``id, title, date, source, snippet``.
    quality : dict
        Row, duplicate, undated and date-provenance counts, first and last date, sources and
        categories seen.
    topic_top_period : DataFrame or None
        The latest releases of each topic in each period (``series`` = topic id, ``key`` =
        period, ``score`` = date as seconds, and the release columns), at most
        :data:`TOPIC_RELEASES_PER_PERIOD` each: the releases behind a topic's newest count.
    """

    freq: str
    theme_ids: list[str]
    theme_names: dict[str, str]
    topic_info: pd.DataFrame
    all_counts: pd.DataFrame
    theme_counts: pd.DataFrame
    topic_counts: pd.DataFrame
    category_counts: pd.DataFrame
    term_counts: pd.DataFrame
    top_overall: pd.DataFrame
    top_period: pd.DataFrame
    quality: dict = field(default_factory=dict)
    topic_top_period: pd.DataFrame | None = None


def _docs(corpus: pd.DataFrame, rows: np.ndarray) -> dict[str, list]:
    out: dict[str, list] = {c: [] for c in DOC_COLUMNS}
    for r in rows:
        date = corpus[schema.DATE].iat[r]
        out["id"].append(str(corpus[schema.ID].iat[r]))
        out["title"].append(clean(corpus[schema.TITLE].iat[r]) or "(untitled)")
        out["date"].append(None if date is None or date != date else str(date.date()))
        source = corpus[schema.SOURCE].iat[r] if schema.SOURCE in corpus.columns else None
        out["source"].append(None if clean(source) is None else str(source))
        out["snippet"].append(snippet(corpus[schema.TEXT].iat[r], SNIPPET_CHARS))
    return out


def _top(
    probs: pd.DataFrame, labels: pd.DataFrame, corpus: pd.DataFrame, keys: Any, k: int
) -> pd.DataFrame:
    ids = corpus[schema.ID].astype(str).to_numpy()
    top = top_documents(probs, labels, keys=keys, k=k, tiebreak=ids)
    docs = _docs(corpus, top["row"].to_numpy())
    return top.drop(columns="row").assign(**docs)


def _quality(corpus_all: pd.DataFrame, corpus: pd.DataFrame, dates: pd.Series) -> dict:
    dup = corpus_all[schema.IS_DUPLICATE].fillna(False).astype(bool)
    kinds: dict[str, int] = {}
    if schema.DUP_KIND in corpus_all.columns:
        kinds = {
            str(k): int(v)
            for k, v in corpus_all.loc[dup, schema.DUP_KIND].dropna().value_counts().items()
        }
        kinds = dict(sorted(kinds.items()))
    provenance: dict[str, int] = {}
    if schema.DATE_PROVENANCE in corpus.columns:
        values = corpus.loc[dates.notna().to_numpy(), schema.DATE_PROVENANCE].dropna()
        provenance = dict(sorted((str(k), int(v)) for k, v in values.value_counts().items()))
    dated = dates.dropna()
    return {
        "rows": len(corpus_all),
        "releases": len(corpus),
        "duplicates": int(dup.sum()),
        "duplicate_kinds": kinds,
        "undated": int(dates.isna().sum()),
        "provenance": provenance,
        "first_date": dated.min() if len(dated) else None,
        "last_date": dated.max() if len(dated) else None,
        "sources": sorted({str(s) for s in corpus[schema.SOURCE].dropna()})
        if schema.SOURCE in corpus.columns
        else [],
        "categories": sorted({str(c) for c in corpus[schema.CATEGORY].dropna()})
        if schema.CATEGORY in corpus.columns
        else [],
    }


def summarize(
    corpus: pd.DataFrame,
    predictions: Predictions,
    freq: str = "quarter",
    progress: Progress | None = None,
    *,
    term_rows: np.ndarray | None = None,
) -> TrendSummary:
    """Count one corpus (or one batch of it) with its predictions into a :class:`TrendSummary`.

    Duplicates (``is_duplicate``) are dropped first; undated releases are left out of the period
    counts but kept for categories and representatives.

    Parameters
    ----------
    corpus : DataFrame of shape (n_docs, ...)
        Columns of :mod:`topics.corpus.schema`; ``date`` is datetime64 or NaT.
    predictions : Predictions
        Of the same rows, on the same index (``Model.predict`` over the corpus texts).
    freq : {"month", "quarter", "year"}
    progress : callable(message, fraction), optional
    term_rows : ndarray of bool, shape (n_docs,), optional
        The rows whose words are counted for the distinguishing terms (default: all); a
        bounded sample keeps the term counts of a huge corpus small (:mod:`topics.distributed`).

    Returns
    -------
    TrendSummary

    Raises
    ------
    TopicsError
        If the predictions are not aligned with the corpus or ``freq`` is unknown.
    """
    import pandas as pd

    from topics.trends.counts import category_counts, period_counts, to_periods
    from topics.trends.terms import term_counts

    report = progress or noop
    check_freq(freq)
    _check_corpus(corpus)
    predictions.aligned_with(corpus.index)
    all_rows = corpus
    keep = ~corpus[schema.IS_DUPLICATE].fillna(False).to_numpy(dtype=bool)
    corpus = corpus[keep].reset_index(drop=True)
    dates = pd.to_datetime(corpus[schema.DATE], errors="coerce")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    corpus = corpus.assign(**{schema.DATE: dates})
    theme_ids = predictions.theme_ids
    labels = predictions.theme_labels[keep].reset_index(drop=True).fillna(False).astype(bool)
    labels.columns = theme_ids
    probs = predictions.theme_probs[keep].reset_index(drop=True).astype(float)
    probs.columns = theme_ids
    topics = predictions.topic_ids()[keep].reset_index(drop=True).astype(int)
    topic_info = predictions.topic_info

    report("counting releases per period", 0.1)
    everything = pd.DataFrame({"all": np.ones(len(corpus), dtype=bool)})
    all_counts = period_counts(dates, everything, freq)
    theme_counts = period_counts(dates, labels, freq)
    current = topic_info
    if "status" in topic_info.columns:  # retired topics (topics.lineage) hold no release now
        current = topic_info[topic_info["status"] != "retired"]
    topic_ids = sorted(set(topics.tolist()) | set(current["topic"].astype(int)))
    topic_counts = period_counts(
        dates, pd.DataFrame({str(k): (topics == k).to_numpy() for k in topic_ids}), freq
    )
    if schema.CATEGORY in corpus.columns:
        categories = corpus[schema.CATEGORY]
    else:
        categories = pd.Series([None] * len(corpus), dtype=object)
    cat_counts = category_counts(categories, labels)

    report("counting terms", 0.3)
    periods = to_periods(dates, freq)
    groups = {f"theme:{t}": labels[t].to_numpy() for t in theme_ids}
    for p in sorted(periods.dropna().unique()):
        groups[f"period:{p}"] = (periods == p).fillna(False).to_numpy(dtype=bool)
    groups["all"] = np.ones(len(corpus), dtype=bool)
    groups["dated"] = periods.notna().to_numpy()
    sample = np.ones(len(corpus), bool) if term_rows is None else np.asarray(term_rows)[keep]
    texts = [t for t, s in zip(schema.model_texts(corpus), sample, strict=True) if s]
    terms = term_counts(texts, pd.DataFrame(groups)[sample].reset_index(drop=True))

    report("choosing representative releases", 0.7)
    top_overall = _merge_top(
        [_top(probs, labels, corpus, None, REPRESENTATIVES)], ["series"], REPRESENTATIVES
    )
    top_period = _merge_top(
        [_top(probs, labels, corpus, periods.astype(object), REPRESENTATIVES_PER_PERIOD)],
        ["series", "key"],
        REPRESENTATIVES_PER_PERIOD,
    )
    stamps = (dates - pd.Timestamp(0)).dt.total_seconds()  # latest first; NaN when undated
    topic_scores = pd.DataFrame({str(k): stamps.to_numpy() for k in topic_ids})
    topic_top = _top(
        topic_scores,
        pd.DataFrame({str(k): (topics == k).to_numpy() for k in topic_ids}),
        corpus,
        periods.astype(object),
        TOPIC_RELEASES_PER_PERIOD,
    )
    return TrendSummary(
        freq=freq,
        theme_ids=theme_ids,
        theme_names={t: str(predictions.theme_names[t]) for t in theme_ids},
        topic_info=topic_info.copy(),
        all_counts=all_counts,
        theme_counts=theme_counts,
        topic_counts=topic_counts,
        category_counts=cat_counts,
        term_counts=terms,
        top_overall=top_overall,
        top_period=top_period,
        quality=_quality(all_rows, corpus, dates),
        topic_top_period=_merge_top([topic_top], ["series", "key"], TOPIC_RELEASES_PER_PERIOD),
    )


def _check_corpus(corpus: pd.DataFrame) -> None:
    needed = [schema.ID, schema.DATE, schema.TITLE, schema.TEXT, schema.IS_DUPLICATE]
    missing = [c for c in needed if c not in corpus.columns]
    if missing:
        raise TopicsError(
            f"trend inputs: corpus lacks column(s) {', '.join(missing)}",
            "pass the table read by topics.corpus",
        )


def _merge_top(frames: list[pd.DataFrame], by: list[str], k: int) -> pd.DataFrame:
    import pandas as pd

    both = pd.concat(frames, ignore_index=True)
    if not len(both):
        return both
    order = {s: i for i, s in enumerate(dict.fromkeys(both["series"]))}
    both = both.assign(_s=both["series"].map(order))
    sort_by = ["_s", *[b for b in by if b != "series"], "score", "id"]
    ascending = [True] * (len(sort_by) - 2) + [False, True]
    both = both.sort_values(sort_by, ascending=ascending, kind="stable")
    return both.groupby(by, sort=False).head(k).drop(columns="_s").reset_index(drop=True)


def _merge_quality(parts: list[dict]) -> dict:
    def add(dicts: Iterable[dict]) -> dict:
        out: dict[str, int] = {}
        for d in dicts:
            for k, v in d.items():
                out[k] = out.get(k, 0) + v
        return dict(sorted(out.items()))  # batches in any order: one order

    firsts = [q["first_date"] for q in parts if q["first_date"] is not None]
    lasts = [q["last_date"] for q in parts if q["last_date"] is not None]
    return {
        **{k: sum(q[k] for q in parts) for k in ("rows", "releases", "duplicates", "undated")},
        "duplicate_kinds": add(q["duplicate_kinds"] for q in parts),
        "provenance": add(q["provenance"] for q in parts),
        "first_date": min(firsts) if firsts else None,
        "last_date": max(lasts) if lasts else None,
        "sources": sorted(set().union(*(q["sources"] for q in parts))),
        "categories": sorted(set().union(*(q["categories"] for q in parts))),
    }


def combine_summaries(summaries: Iterable[TrendSummary]) -> TrendSummary:
    """Add up the summaries of batches of one corpus, scored with one model.

    Parameters
    ----------
    summaries : iterable of TrendSummary
        Same ``freq`` and themes; theme names and the topic table come from the first.

    Returns
    -------
    TrendSummary
        What :func:`summarize` returns for all batches at once (same counts, terms and
        representatives; ties between equal probabilities are broken by release id).

    Raises
    ------
    TopicsError
        If the batches use different frequencies or themes.
    """
    from topics.trends.counts import combine_counts, with_series
    from topics.trends.terms import combine_term_counts

    parts = list(summaries)
    if not parts:
        raise TopicsError("combine_summaries: no summaries given", "pass at least one")
    first = parts[0]
    for s in parts[1:]:
        if s.freq != first.freq or s.theme_ids != first.theme_ids:
            raise TopicsError(
                "combine_summaries: batches differ in period frequency or themes",
                "summarize every batch with the same model and freq",
            )
    topic_series = sorted({str(x) for s in parts for x in s.topic_counts["series"]}, key=int)
    topic_counts = combine_counts(with_series(s.topic_counts, topic_series) for s in parts)
    return replace(
        first,
        all_counts=combine_counts(s.all_counts for s in parts),
        theme_counts=combine_counts(s.theme_counts for s in parts),
        topic_counts=topic_counts,
        category_counts=combine_counts(s.category_counts for s in parts),
        term_counts=combine_term_counts(s.term_counts for s in parts),
        top_overall=_merge_top([s.top_overall for s in parts], ["series"], REPRESENTATIVES),
        top_period=_merge_top(
            [s.top_period for s in parts], ["series", "key"], REPRESENTATIVES_PER_PERIOD
        ),
        quality=_merge_quality([s.quality for s in parts]),
        topic_top_period=None
        if any(s.topic_top_period is None for s in parts)
        else _merge_top(
            [s.topic_top_period for s in parts], ["series", "key"], TOPIC_RELEASES_PER_PERIOD
        ),
    )
