"""Everything the report needs, aggregated: counts, term counts, top releases, data quality.

A :class:`ReportSummary` holds no per-document table. Summaries of batches of one corpus (scored
on different machines, or streamed) add up with :func:`combine_summaries`, and the report is built
from the combined summary exactly as from the whole corpus at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from topics.corpus import schema
from topics.errors import TopicsError
from topics.report.inputs import ReportInputs, validate
from topics.report.sections import SNIPPET_CHARS, clean, snippet

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[str, "float | None"], None]

#: Representative releases kept per theme, and per theme and period.
REPRESENTATIVES = 5
REPRESENTATIVES_PER_PERIOD = 1
DOC_COLUMNS = ["id", "title", "date", "source", "snippet"]


@dataclass(frozen=True)
class ReportSummary:
    """Aggregated report data of a corpus, or of one batch of it.

    Attributes
    ----------
    freq : str
    theme_ids : list of str
    theme_names, topic_info, metrics, model_info, title, generated_at
        As in :class:`ReportInputs` (taken from the first batch when combining).
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
    """

    freq: str
    theme_ids: list[str]
    theme_names: dict[str, str]
    topic_info: pd.DataFrame
    metrics: dict
    model_info: dict
    title: str
    generated_at: datetime | None
    all_counts: pd.DataFrame
    theme_counts: pd.DataFrame
    topic_counts: pd.DataFrame
    category_counts: pd.DataFrame
    term_counts: pd.DataFrame
    top_overall: pd.DataFrame
    top_period: pd.DataFrame
    quality: dict = field(default_factory=dict)


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
    from topics.trends import top_documents

    top = top_documents(probs, labels, keys=keys, k=k)
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
    provenance: dict[str, int] = {}
    if schema.DATE_PROVENANCE in corpus.columns:
        values = corpus.loc[dates.notna().to_numpy(), schema.DATE_PROVENANCE].dropna()
        provenance = {str(k): int(v) for k, v in values.value_counts().items()}
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


def summarize(inputs: ReportInputs, progress: Progress | None = None) -> ReportSummary:
    """Aggregate one corpus (or one batch of it) into a :class:`ReportSummary`.

    Duplicates (``is_duplicate``) are dropped first; undated releases are left out of the period
    counts but kept for categories and representatives.

    Parameters
    ----------
    inputs : ReportInputs
    progress : callable(message, fraction), optional

    Returns
    -------
    ReportSummary

    Raises
    ------
    TopicsError
        If the inputs are not aligned with the corpus or ``freq`` is unknown.
    """
    import pandas as pd

    from topics.trends import category_counts, period_counts, term_counts, to_periods

    report = progress or (lambda message, fraction=None: None)
    validate(inputs)
    freq = inputs.freq
    keep = ~inputs.corpus[schema.IS_DUPLICATE].fillna(False).to_numpy(dtype=bool)
    corpus = inputs.corpus[keep].reset_index(drop=True)
    dates = pd.to_datetime(corpus[schema.DATE], errors="coerce")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    corpus = corpus.assign(**{schema.DATE: dates})
    theme_ids = [str(c) for c in inputs.theme_labels.columns]
    labels = inputs.theme_labels[keep].reset_index(drop=True).fillna(False).astype(bool)
    labels.columns = theme_ids
    probs = inputs.theme_probs[keep].reset_index(drop=True).astype(float)
    probs.columns = theme_ids
    topics = inputs.topics[keep].reset_index(drop=True).astype(int)

    report("counting releases per period", 0.1)
    everything = pd.DataFrame({"all": np.ones(len(corpus), dtype=bool)})
    all_counts = period_counts(dates, everything, freq)
    theme_counts = period_counts(dates, labels, freq)
    topic_ids = sorted(set(topics.tolist()) | set(inputs.topic_info["topic"].astype(int)))
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
    texts = [
        schema.document_text(clean(t), clean(x))
        for t, x in zip(corpus[schema.TITLE], corpus[schema.TEXT], strict=True)
    ]
    terms = term_counts(texts, pd.DataFrame(groups))

    report("choosing representative releases", 0.7)
    top_overall = _merge_top(
        [_top(probs, labels, corpus, None, REPRESENTATIVES)], ["series"], REPRESENTATIVES
    )
    top_period = _merge_top(
        [_top(probs, labels, corpus, periods.astype(object), REPRESENTATIVES_PER_PERIOD)],
        ["series", "key"],
        REPRESENTATIVES_PER_PERIOD,
    )
    return ReportSummary(
        freq=freq,
        theme_ids=theme_ids,
        theme_names={t: str(inputs.theme_names[t]) for t in theme_ids},
        topic_info=inputs.topic_info.copy(),
        metrics=inputs.metrics or {},
        model_info=inputs.model_info or {},
        title=str(inputs.title),
        generated_at=inputs.generated_at,
        all_counts=all_counts,
        theme_counts=theme_counts,
        topic_counts=topic_counts,
        category_counts=cat_counts,
        term_counts=terms,
        top_overall=top_overall,
        top_period=top_period,
        quality=_quality(inputs.corpus, corpus, dates),
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
        return out

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


def combine_summaries(summaries: Iterable[ReportSummary]) -> ReportSummary:
    """Add up the summaries of batches of one corpus, scored with one model.

    Parameters
    ----------
    summaries : iterable of ReportSummary
        Same ``freq`` and themes; names, topic table, metrics and title come from the first.

    Returns
    -------
    ReportSummary
        What :func:`summarize` returns for all batches at once (same counts, terms and
        representatives; ties between equal probabilities are broken by release id).

    Raises
    ------
    TopicsError
        If the batches use different frequencies or themes.
    """
    from topics.trends import combine_counts, combine_term_counts
    from topics.trends.counts import with_series

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
    )


# --- saving ----------------------------------------------------------------------------------

SUMMARY_FILE = "summary.json"
SUMMARY_SCHEMA = 1
_PERIOD_TABLES = ("all_counts", "theme_counts", "topic_counts")
_TABLES = (*_PERIOD_TABLES, "category_counts", "term_counts", "top_overall", "top_period")


def _table_to_json(frame: pd.DataFrame) -> dict:
    values = {}
    for column in frame.columns:
        if column in ("period", "key"):
            values[column] = [None if clean(v) is None else str(v) for v in frame[column]]
        else:
            values[column] = [clean(v) for v in frame[column].tolist()]
    return {"columns": [str(c) for c in frame.columns], "values": values}


def _table_from_json(data: dict, freq: str) -> pd.DataFrame:
    import pandas as pd

    from topics.trends.counts import FREQS

    values = data["values"]
    frame = pd.DataFrame({k: values[k] for k in data["columns"]})
    if "period" in frame.columns:
        frame["period"] = pd.PeriodIndex(list(frame["period"]), freq=FREQS[freq])
    if "key" in frame.columns:
        frame["key"] = [pd.Period(k, freq=FREQS[freq]) for k in frame["key"]]
    for column in ("count", "total"):
        if column in frame.columns:
            frame[column] = frame[column].astype(np.int64)
    if "score" in frame.columns:
        frame["score"] = frame["score"].astype(float)
    return frame


def save_summary(summary: ReportSummary, directory: Path) -> None:
    """Write a summary as one JSON file into an existing directory (to ship it between machines).

    Parameters
    ----------
    summary : ReportSummary
    directory : Path
        Existing directory; ``summary.json`` is written into it.
    """
    import json

    quality = dict(summary.quality)
    for key in ("first_date", "last_date"):
        quality[key] = None if quality[key] is None else quality[key].isoformat()
    info = summary.topic_info
    data = {
        "schema": SUMMARY_SCHEMA,
        "freq": summary.freq,
        "theme_ids": summary.theme_ids,
        "theme_names": summary.theme_names,
        "topic_info": {
            "topic": [int(v) for v in info["topic"]],
            "label": [str(v) for v in info["label"]],
            "size": [int(v) for v in info["size"]],
            "terms": [[str(t) for t in v] for v in info["terms"]],
        },
        "metrics": summary.metrics,
        "model_info": summary.model_info,
        "title": summary.title,
        "generated_at": summary.generated_at.isoformat() if summary.generated_at else None,
        "quality": quality,
        "tables": {name: _table_to_json(getattr(summary, name)) for name in _TABLES},
    }
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)  # key order kept: it is shown
    (Path(directory) / SUMMARY_FILE).write_text(text + "\n", "utf-8")


def load_summary(directory: Path) -> ReportSummary:
    """Read a summary written by :func:`save_summary`.

    Raises
    ------
    ModelFormatError
        If the file is missing, damaged or of an unknown schema version.
    """
    import pandas as pd

    from topics._io import read_json
    from topics.errors import ModelFormatError

    path = Path(directory) / SUMMARY_FILE
    data = read_json(path)
    if not isinstance(data, dict) or data.get("schema") != SUMMARY_SCHEMA:
        raise ModelFormatError(
            f"{path}: not a summary of schema version {SUMMARY_SCHEMA}",
            "write the summary again with this version of topics",
        )
    try:
        freq = data["freq"]
        quality = dict(data["quality"])
        for key in ("first_date", "last_date"):
            quality[key] = None if quality[key] is None else pd.Timestamp(quality[key])
        tables = {name: _table_from_json(data["tables"][name], freq) for name in _TABLES}
        return ReportSummary(
            freq=freq,
            theme_ids=list(data["theme_ids"]),
            theme_names=dict(data["theme_names"]),
            topic_info=pd.DataFrame(data["topic_info"]),
            metrics=data["metrics"],
            model_info=data["model_info"],
            title=data["title"],
            generated_at=datetime.fromisoformat(data["generated_at"])
            if data["generated_at"]
            else None,
            quality=quality,
            **tables,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFormatError(
            f"{path}: incomplete or damaged summary ({type(exc).__name__}: {exc})",
            "write the summary again",
        ) from exc
